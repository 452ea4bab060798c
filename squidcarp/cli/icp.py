"""``squidcarp icp query``: ask a Squid (or a multicast group of them) whether URLs are cached."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from squidcarp.cli.main import IO, HelpFormatter, UsageError
from squidcarp.cli.probe import count, host_port, positive, show, url_bytes, write_json

DESCRIPTION = """\
Send ICP (RFC 2186, version 2) queries and print Squid's answer to each URL: HIT (cached and
fresh for 30 s more), MISS, MISS_NOFETCH (up, but do not fetch from me now), DENIED (icp_access
does not allow this address), ERR (Squid could not parse the URL), TIMEOUT (no reply), or
SKIPPED (not asked, see --max-denied). Replies count only from the address and port queried and
with the query's request number; stray datagrams are ignored.

URLs: Squid looks an ICP URL up exactly as received, with no normalisation, while objects are
stored under the normalised URI, so `HTTP://Origin.test:80/a` misses where `http://origin.test/a`
hits. Each URL is therefore sent in Squid's normalised form (lower-case scheme and host, no
default port, no userinfo, `/` for an empty path); the output says when that changed what you
typed. --raw sends the bytes as typed.

Squid drops ICP datagrams whose source address is its own ICP socket's address (with
udp_incoming_address 127.0.0.1, probes from 127.0.0.1 vanish): use --source with another address.
Squid stops answering an address for an hour once 95% of its replies to it are DENIED, so the
probe stops after --max-denied DENIEDs.

Multicast: with --group ADDRESS[:PORT] one query per URL goes to the group and the replies of
every member are collected for --wait seconds (like Squid's mcast_icp_query_timeout); all
arguments are then URLs. Members reply by unicast from their own addresses.

examples:
  squidcarp icp query 127.0.0.2:3130 http://www.example.com/
  squidcarp icp query --source 127.0.0.9 cache1:3130 http://a.example/ http://b.example/
  squidcarp icp query --json cache1 http://www.example.com/ | jq -r .status
  squidcarp icp query --group 239.255.42.7:3130 --ttl 1 http://www.example.com/

JSON: one object per URL: url (as sent), typed, peer, status, rtt_ms, attempts, reqnum, reply
(opcode, version, flags, option_data, src_rtt {hops, rtt_ms} or null, url) or null. With
--group: url, typed, group, port, ttl, wait_s, reqnum, responders [{address, port, status,
rtt_ms}], ignored, duplicates.
"""

EPILOG = """\
exit codes:
  0  every URL was answered HIT, MISS or MISS_NOFETCH (--group: at least --expect members
     replied to every query)
  1  some URL got no usable answer: TIMEOUT, DENIED, ERR or SKIPPED (--group: fewer replies
     than --expect)
  3  usage error, an address that does not resolve, or a socket that cannot be used
"""

ICP_PORT = 3130  # squidcarp.proto.udp.ICP_PORT (not imported here: --help stays cheap)


def register(sub: Any) -> None:
    p = sub.add_parser("icp", help="ICP probes (is a URL cached at a peer?)",
                       description="ICP probes. See `squidcarp icp query --help`.",
                       formatter_class=HelpFormatter)
    p.set_defaults(func=lambda args, io: _usage(p, io))
    sub2 = p.add_subparsers(dest="icp_command", metavar="COMMAND")
    q = sub2.add_parser("query", help="query a peer or a multicast group for URLs",
                        description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter)
    q.add_argument("words", nargs="+", metavar="HOST[:PORT] URL",
                   help="the peer (port 3130 by default), then URLs; with --group only URLs")
    q.add_argument("--group", metavar="ADDRESS[:PORT]",
                   help="send each query to this multicast group and collect all replies")
    q.add_argument("--ttl", type=count, default=1, metavar="N",
                   help="multicast TTL (default 1: the local link; 0: this host only)")
    q.add_argument("--wait", type=positive, default=2.0, metavar="SECONDS",
                   help="how long to collect replies to a multicast query (default 2)")
    q.add_argument("--expect", type=count, default=1, metavar="N",
                   help="with --group: fewer replies than this to a query is a failure "
                        "(default 1)")
    q.add_argument("--timeout", type=positive, default=2.0, metavar="SECONDS",
                   help="seconds to wait for each reply (default 2)")
    q.add_argument("--retries", type=count, default=1, metavar="N",
                   help="queries re-sent after a timeout, same request number (default 1)")
    q.add_argument("--max-denied", type=count, default=3, metavar="N",
                   help="stop asking after N DENIEDs (default 3)")
    q.add_argument("--parallel", type=count, default=1, metavar="N",
                   help="queries outstanding at once (default 1)")
    q.add_argument("--source", metavar="ADDRESS", help="local address to send from")
    q.add_argument("--src-rtt", action="store_true",
                   help="set ICP_FLAG_SRC_RTT: ask for the peer's RTT to the origin (Squid "
                        "answers it only when its netdb knows the host)")
    q.add_argument("--raw", action="store_true",
                   help="send the URLs exactly as typed (no normalisation)")
    q.add_argument("--json", action="store_true", help="one JSON object per URL")
    q.set_defaults(func=run)


def _usage(parser: argparse.ArgumentParser, io: IO) -> int:
    parser.print_help(io.stdout)
    return 3


@dataclass(frozen=True)
class Url:
    typed: bytes
    sent: bytes
    note: str = ""  # why it was sent as typed although --raw was not given


def prepare(typed: list[bytes], raw: bool) -> list[Url]:
    """The bytes to send for each URL (normalised unless ``raw``)."""
    if raw:
        return [Url(t, t) for t in typed]
    from squidcarp.proto.urls import UrlError, normalised

    out = []
    for t in typed:
        try:
            out.append(Url(t, normalised(t)))
        except UrlError as exc:
            out.append(Url(t, t, f"not a URL Squid parses ({exc.reason}): sent as typed"))
    return out


def run(args: argparse.Namespace, io: IO) -> int:
    from squidcarp.proto import icp, udp

    flags = int(icp.Flag.SRC_RTT) if args.src_rtt else 0
    if args.group is not None:
        return _multicast(args, io, udp, flags)
    if len(args.words) < 2:
        raise UsageError("squidcarp icp query: give HOST[:PORT] and at least one URL "
                         "(or --group ADDRESS with URLs)")
    if args.parallel < 1 or args.max_denied < 1:
        raise UsageError("squidcarp icp query: --parallel and --max-denied must be at least 1")
    host, port = host_port(args.words[0], ICP_PORT)
    urls = _fitting(prepare([url_bytes(u) for u in args.words[1:]], args.raw), icp)
    options = udp.IcpOptions(timeout=args.timeout, retries=args.retries,
                             max_denied=args.max_denied, window=args.parallel,
                             source=args.source, flags=flags)
    try:
        client = udp.IcpClient(host, port, options)
    except udp.ProbeError as exc:
        raise UsageError(f"squidcarp icp query: {exc}") from None
    failed = 0
    denied = 0
    with client:
        peer = str(client.target)
        if not args.json:
            io.stdout.write(f"{'STATUS':<12} {'RTT':>9}  URL\n")
        try:
            for url, result in zip(urls, client.query_all(u.sent for u in urls), strict=True):
                failed += not result.answered
                denied += result.status == "DENIED"
                if args.json:
                    write_json(io, _result_json(url, peer, result))
                else:
                    io.stdout.write(_result_line(url, result, args) + "\n")
                    io.stdout.flush()
        except udp.ProbeError as exc:
            raise UsageError(f"squidcarp icp query: {exc}") from None
        ignored = client.ignored
    _notes(io, urls, args.raw, peer, denied, args.max_denied, ignored)
    return 1 if failed else 0


def _fitting(urls: list[Url], icp: Any) -> list[Url]:
    """Refuse URLs whose QUERY Squid could not even read (it reads 16383 bytes at most)."""
    room = icp.SQUID_MAX_RECEIVE - icp.HEADER_SIZE - 5  # requester address and the NUL
    for url in urls:
        if len(url.sent) > room:
            raise UsageError(f"squidcarp icp query: a URL of {len(url.sent)} bytes makes a QUERY "
                             f"Squid cannot read (it reads at most {icp.SQUID_MAX_RECEIVE} bytes "
                             f"of a datagram; URLs over {icp.MAX_URL} bytes get ERR anyway)")
    return urls


def _result_line(url: Url, result: Any, args: argparse.Namespace) -> str:
    rtt = f"{result.rtt_ms:.2f} ms" if result.rtt_ms is not None else "-"
    notes = []
    if url.sent != url.typed:
        notes.append(f"typed {show(url.typed)}")
    if url.note:
        notes.append(url.note)
    if result.status == "TIMEOUT":
        tries = "1 attempt" if result.attempts == 1 else f"{result.attempts} attempts"
        notes.append(f"no reply to {tries} of {args.timeout:g} s")
    elif result.status == "SKIPPED":
        notes.append(f"not asked after {args.max_denied} DENIED")
    elif result.status == "ERR" and not url.note:
        notes.append("Squid could not take this URL")
    src_rtt = result.reply.src_rtt if result.reply is not None else None
    if src_rtt is not None:
        notes.append(f"peer to origin: {src_rtt[1]} ms, {src_rtt[0]} hops")
    if result.reply is not None and result.reply.url != url.sent:
        notes.append(f"echoed as {show(result.reply.url)}")
    tail = f"  ({'; '.join(notes)})" if notes else ""
    return f"{result.status:<12} {rtt:>9}  {show(url.sent)}{tail}"


def _result_json(url: Url, peer: str, result: Any) -> dict[str, Any]:
    reply = result.reply
    reply_json = None
    if reply is not None:
        src_rtt = reply.src_rtt
        reply_json = {
            "opcode": reply.opcode.name, "version": reply.version, "flags": reply.flags,
            "option_data": reply.option_data,
            "src_rtt": {"hops": src_rtt[0], "rtt_ms": src_rtt[1]} if src_rtt else None,
            "url": show(reply.url),
        }
    return {"url": show(url.sent), "typed": show(url.typed), "peer": peer,
            "status": result.status, "rtt_ms": result.rtt_ms, "attempts": result.attempts,
            "reqnum": result.reqnum, "reply": reply_json}


def _notes(io: IO, urls: list[Url], raw: bool, peer: str, denied: int, max_denied: int,
           ignored: int) -> None:
    if not raw and any(u.sent != u.typed for u in urls):
        io.stderr.write("squidcarp: note: URLs were sent in Squid's normalised form (ICP looks "
                        "up the exact string; --raw sends them as typed)\n")
    if denied:
        stopped = " and stopped asking" if denied >= max_denied else ""
        io.stderr.write(f"squidcarp: {peer} answered DENIED {denied} time(s){stopped}: this "
                        "address is not allowed by its icp_access (Squid goes silent for an "
                        "hour for an address whose replies are 95% DENIED)\n")
    if ignored:
        io.stderr.write(f"squidcarp: ignored {ignored} datagram(s) that were no reply to these "
                        "queries\n")


def _multicast(args: argparse.Namespace, io: IO, udp: Any, flags: int) -> int:
    group, port = host_port(args.group, ICP_PORT, "--group ADDRESS[:PORT]")
    if args.ttl > 255:
        raise UsageError("squidcarp icp query: --ttl must be 0..255")
    from squidcarp.proto import icp

    urls = _fitting(prepare([url_bytes(u) for u in args.words], args.raw), icp)
    short = 0
    for i, url in enumerate(urls):
        try:
            result = udp.multicast_query(group, port, url.sent, ttl=args.ttl, window=args.wait,
                                         source=args.source, flags=flags)
        except udp.ProbeError as exc:
            raise UsageError(f"squidcarp icp query: {exc}") from None
        short += len(result.responders) < args.expect
        if args.json:
            write_json(io, {
                "url": show(url.sent), "typed": show(url.typed), "group": group, "port": port,
                "ttl": args.ttl, "wait_s": args.wait, "reqnum": result.reqnum,
                "responders": [{"address": r.address, "port": r.port, "status": r.status,
                                "rtt_ms": r.rtt_ms} for r in result.responders],
                "ignored": result.ignored, "duplicates": result.duplicates,
            })
            continue
        if i:
            io.stdout.write("\n")
        typed = f" (typed {show(url.typed)})" if url.sent != url.typed else ""
        io.stdout.write(f"{show(url.sent)}{typed} to {group}:{port}, ttl {args.ttl}, replies "
                        f"within {args.wait:g} s:\n")
        io.stdout.write(f"  {'RESPONDER':<22} {'STATUS':<12} {'RTT':>9}\n")
        for r in result.responders:
            who = f"{r.address}:{r.port}"
            io.stdout.write(f"  {who:<22} {r.status:<12} {r.rtt_ms:>6.2f} ms\n")
        n = len(result.responders)
        io.stdout.write(f"  {n} responder{'' if n == 1 else 's'}\n")
        io.stdout.flush()
    _notes(io, urls, args.raw, f"{group}:{port}", 0, args.max_denied, 0)
    return 1 if short else 0
