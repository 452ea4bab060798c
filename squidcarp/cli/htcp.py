"""``squidcarp htcp tst|clr``: test for or purge one URL at a Squid over HTCP."""

from __future__ import annotations

import argparse
from typing import Any

from squidcarp.cli.main import IO, HelpFormatter, UsageError
from squidcarp.cli.probe import count, host_port, positive, show, url_bytes, write_json

COMMON = """\
HTCP (RFC 2756) as Squid 5.7 speaks it: version 0.1, replies matched by the peer's address and
port and the request's TRANS-ID. Squid parses HTCP URIs itself, so they are normalised on its side
(`HTTP://Origin.test:80/a` finds `http://origin.test/a`, unlike ICP): the URL is sent as typed.
Squid never answers a sender that htcp_access (TST) or htcp_clr_access (CLR) does not allow (no
such lines = deny all), nor a request it cannot parse: that shows as NO REPLY.
"""

TST_DESCRIPTION = f"""\
Ask whether Squid holds a fresh copy of URL (TST with RD set). HIT comes with the headers Squid
returns: Age in the response headers, Expires and Last-Modified in the entity headers, and, when
its netdb knows the origin, Cache-to-Origin (host, samples, RTT in seconds, hops) in the cache
headers. Squid says HIT only for objects fresh for at least 10 more seconds.

{COMMON}
examples:
  squidcarp htcp tst 127.0.0.2:4827 http://www.example.com/
  squidcarp htcp tst --method HEAD --header 'Accept: */*' cache1 http://www.example.com/
  squidcarp htcp tst --json cache1 http://www.example.com/ | jq .status

JSON: op, url, peer, status (HIT, MISS, NO_REPLY, REFUSED), rtt_ms, attempts, trans_id,
response (the RESPONSE code or null), headers {{response, entity, cache}} or null.
"""

CLR_DESCRIPTION = f"""\
Ask Squid to forget URL (CLR). With a reply (the default) Squid says REMOVED (it had the object
and released it) or NOT_PRESENT (it had nothing under that URL; Squid never answers KEPT);
--no-reply sends RD=0, which Squid obeys silently. A GET CLR does not remove a HEAD-only entry.
The REASON (--reason) is only logged by Squid. A CLR is not re-sent after a timeout unless
--retries says so (a repeated CLR would report NOT_PRESENT).

{COMMON}
examples:
  squidcarp htcp clr 127.0.0.2:4827 http://www.example.com/
  squidcarp htcp clr --reason gone --no-reply cache1 http://www.example.com/old

JSON: op, url, peer, status (REMOVED, KEPT, NOT_PRESENT, SENT, NO_REPLY, REFUSED), rtt_ms,
attempts, trans_id, reason, response.
"""

EPILOG = """\
exit codes:
  0  Squid answered (or, with --no-reply, the CLR was sent)
  1  no reply (denied, unparsable, or HTCP off) or a refusal of the whole message (MO=1)
  3  usage error, an address that does not resolve, or a socket that cannot be used
"""

HTCP_PORT = 4827  # RFC 2756 §2.4; squidcarp.proto.htcp.PORT
NO_REPLY_HELP = ("Squid sends nothing when its htcp_access / htcp_clr_access denies this "
                 "address, when it cannot parse the request, or when HTCP is off")
REASONS = {"unspecified": 0, "gone": 1}  # RFC 2756 §6.5 CLR REASON


def register(sub: Any) -> None:
    p = sub.add_parser("htcp", help="HTCP test (tst) or purge (clr) of one URL",
                       description="HTCP probes. See `squidcarp htcp tst --help` and "
                                   "`squidcarp htcp clr --help`.",
                       formatter_class=HelpFormatter)
    p.set_defaults(func=lambda args, io: _usage(p, io))
    sub2 = p.add_subparsers(dest="htcp_command", metavar="COMMAND")
    tst = sub2.add_parser("tst", help="is URL cached there?", description=TST_DESCRIPTION,
                          epilog=EPILOG, formatter_class=HelpFormatter)
    clr = sub2.add_parser("clr", help="purge URL there", description=CLR_DESCRIPTION,
                          epilog=EPILOG, formatter_class=HelpFormatter)
    for q, retries in ((tst, 1), (clr, 0)):
        q.add_argument("peer", metavar="HOST[:PORT]", help="the Squid (HTCP port 4827 by "
                                                           "default)")
        q.add_argument("url", metavar="URL")
        q.add_argument("--method", default="GET", help="request method (default GET)")
        q.add_argument("--version", dest="http_version", default="HTTP/1.1",
                       help="the VERSION field (default HTTP/1.1; Squid's own queries send 1/1)")
        q.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'",
                       help="a request header to send (repeatable)")
        q.add_argument("--timeout", type=positive, default=2.0, metavar="SECONDS",
                       help="seconds to wait for the reply (default 2)")
        q.add_argument("--retries", type=count, default=retries, metavar="N",
                       help=f"re-sends after a timeout, same TRANS-ID (default {retries})")
        q.add_argument("--source", metavar="ADDRESS", help="local address to send from")
        q.add_argument("--json", action="store_true", help="the result as one JSON object")
    clr.add_argument("--reason", choices=sorted(REASONS), default="unspecified",
                     help="CLR REASON: unspecified (0) or gone (1: the origin says it does "
                          "not exist)")
    clr.add_argument("--no-reply", action="store_true",
                     help="send with RD=0: Squid purges without answering")
    tst.set_defaults(func=run, op="TST")
    clr.set_defaults(func=run, op="CLR")


def _usage(parser: argparse.ArgumentParser, io: IO) -> int:
    parser.print_help(io.stdout)
    return 3


def _headers(items: list[str]) -> bytes:
    out = []
    for item in items:
        name, sep, _ = item.partition(":")
        if not sep or not name.strip() or any(c in item for c in "\r\n"):
            raise UsageError(f"squidcarp htcp: bad --header {item!r}: write 'Name: value'")
        out.append(item.encode("latin-1", "replace") + b"\r\n")
    return b"".join(out)


def run(args: argparse.Namespace, io: IO) -> int:
    from squidcarp.proto import htcp, udp
    from squidcarp.proto.errors import EncodeError

    host, port = host_port(args.peer, HTCP_PORT)
    url = url_bytes(args.url)
    spec = htcp.Specifier(args.method.encode("latin-1", "replace"), url,
                          args.http_version.encode("latin-1", "replace"),
                          _headers(args.header))
    size = len(htcp.TstRequest(trans_id=0, specifier=spec).encode()) + (2 if args.op == "CLR"
                                                                          else 0)
    if size > htcp.SQUID_MAX_RECEIVE:
        raise UsageError(f"squidcarp htcp {args.op.lower()}: a {size}-byte request: Squid reads "
                         f"at most {htcp.SQUID_MAX_RECEIVE} bytes of an HTCP datagram")
    options = udp.HtcpOptions(timeout=args.timeout, retries=args.retries, source=args.source)
    try:
        with udp.HtcpClient(host, port, options) as client:
            peer = str(client.target)
            if args.op == "TST":
                result = client.tst(spec)
            else:
                result = client.clr(spec, REASONS[args.reason], reply=not args.no_reply)
    except udp.ProbeError as exc:
        raise UsageError(f"squidcarp htcp {args.op.lower()}: {exc}") from None
    except EncodeError as exc:
        raise UsageError(f"squidcarp htcp {args.op.lower()}: cannot send this: {exc}") from None
    status = "NO_REPLY" if result.status == udp.TIMEOUT else result.status
    reply = result.reply
    if args.json:
        obj: dict[str, Any] = {
            "op": args.op, "url": show(url), "peer": peer, "status": status,
            "rtt_ms": result.rtt_ms, "attempts": result.attempts,
            "trans_id": result.request.trans_id,
        }
        if args.op == "TST":
            detail = reply.detail if isinstance(reply, htcp.TstReply) else None
            obj["response"] = getattr(reply, "response", None)
            obj["headers"] = None if detail is None else {
                "response": show(detail.resp_headers), "entity": show(detail.entity_headers),
                "cache": show(detail.cache_headers)}
        else:
            obj["reason"] = args.reason
            obj["response"] = getattr(reply, "response", None)
        write_json(io, obj)
    else:
        io.stdout.write(_text(args, status, result, url, peer, htcp))
    return 0 if status not in ("NO_REPLY", "REFUSED") else 1


def _text(args: argparse.Namespace, status: str, result: Any, url: bytes, peer: str,
          htcp: Any) -> str:
    rtt = f"{result.rtt_ms:.2f} ms from {peer}" if result.rtt_ms is not None else peer
    if status == "NO_REPLY":
        tries = "1 attempt" if result.attempts == 1 else f"{result.attempts} attempts"
        why = f"no reply from {peer} to {tries} of {args.timeout:g} s: {NO_REPLY_HELP}"
        return f"NO REPLY  {show(url)}  ({why})\n"
    if status == "SENT":
        return f"SENT  {show(url)}  (to {peer} with RD=0: Squid purges without replying)\n"
    if status == "REFUSED":
        code = result.reply.response
        try:
            name = htcp.Overall(code).name.lower().replace("_", " ")
        except ValueError:
            name = f"code {code}"
        return f"REFUSED  {show(url)}  ({rtt}: MO=1, {name})\n"
    meaning = {"REMOVED": "Squid had it and released it", "KEPT": "Squid had it and kept it",
               "NOT_PRESENT": "Squid had nothing under this URL"}.get(status)
    line = f"{status}  {show(url)}  ({rtt}{': ' + meaning if meaning else ''})\n"
    reply = result.reply
    if not isinstance(reply, htcp.TstReply):
        return line
    parts = [line]
    if reply.detail is not None:
        for label, text in (("response headers", reply.detail.resp_headers),
                            ("entity headers", reply.detail.entity_headers),
                            ("cache headers", reply.detail.cache_headers)):
            if text:
                parts.append(f"  {label}:\n")
                parts.extend(f"    {show(h)}\n" for h in text.split(b"\r\n") if h)
    elif reply.cache_headers:
        parts.append("  cache headers:\n")
        parts.extend(f"    {show(h)}\n" for h in reply.cache_headers.split(b"\r\n") if h)
    return "".join(parts)
