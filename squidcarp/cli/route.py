"""``squidcarp route``: where Squid 5 sends each request, and why."""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
from collections.abc import Iterator
from typing import Any

from squidcarp.carp.accesslog import AccessLogEntry, AccessLogReader, BadLine
from squidcarp.carp.array import Score
from squidcarp.carp.inputs import request_for, requests_for, target_lines
from squidcarp.carp.url import Request
from squidcarp.cli.common import add_read_options, read_bytes_arg, read_one, read_options, show
from squidcarp.cli.main import IO, HelpFormatter, UsageError
from squidcarp.conf.events import Squid
from squidcarp.forward import Decision, ForwardRequest, Hop, Router, UnknownPeer, UnknownPort
from squidcarp.forward.hosts import HostsTable, load_hosts

DESCRIPTION = """\
Say where Squid 5 sends each request: the forwarding list it would try, in order, each entry
with the hierarchy code access.log shows when it is used (CARP, FIRSTUP_PARENT, DEFAULT_PARENT,
ANY_OLD_PARENT, ROUNDROBIN_PARENT, SOURCEHASH_PARENT, HIER_DIRECT...) and why, with the
config line that decided. It follows Squid's peer selection: always_direct, never_direct, an
accelerator port without allow-direct, netdb; then sourcehash, userhash, CARP over the parents
that cache_peer_access allows and that are up, round-robin, the first parent up, the default
parent, every other parent, and DIRECT where allowed (prefer_direct, nonhierarchical_direct),
cut at forward_max_tries.

ACLs are evaluated from what the request carries (dstdomain, url_regex, urlpath_regex, port,
proto, method, myportname, localport, dst and src with --client, time with --at, note with
--note, any-of, all-of, !negation). Where the answer needs something the tool cannot know (DNS,
a helper, authentication, the time), the request "depends": each possible outcome is shown with
what it assumes. Requests are predicted in order: round-robin counters and netdb's pings carry
from one request to the next, as in Squid.

Requests come from the command line, from --access-log (Squid's native format: time, client,
method and URL), or else from stdin, one per line (blank and # lines skipped).
  CONNECT:host:port   a CONNECT request (or --method CONNECT for all of them)
  /path               an accelerator request: Host from --host, else the accel port's
                      defaultsite
URLs are bytes: bytes >= 0x80 are hashed as Squid hashes them, never rejected.

examples:
  squidcarp route --config squid.conf http://www.example.com/
  squidcarp route --config squid.conf --rank http://www.example.com/ CONNECT:example.org:443
  squidcarp route --config squid.conf --down cache2 --client 10.1.2.3 http://www.example.com/
  squidcarp route --config squid.conf --brief < urls.txt
  squidcarp route --config squid.conf --json < urls.txt | jq -r '.forwarding[0].peer'
  squidcarp route --config squid.conf --access-log /var/log/squid/access.log --json

JSON: one object per request, in input order: url (bytes that are not UTF-8 as \\xNN), url_hex,
method, hashed_uri (the effective URI CARP hashes, null if not routable), owner (the member
CARP picks for this request, access rules and down peers honoured; null if none), error (why
Squid rejects the request), forwarding ([{peer (null for DIRECT), hier, reason, at
("FILE:LINE" or null)}] in Squid's order; null when the answer depends on something unknown),
direct (what settled whether Squid may go direct), depends ([{subject, reason, at}]), outcomes
(only when it depends: [{assume: [{subject, value}], forwarding: [...]}]), caveats ([{subject,
reason}]: ICP or cache digests that Squid consults first) and, with --rank, ranking: [{member,
score, combined_hash, multiplier, eligible, down}] in CARP's fall-back order (a score that is
not a finite number is the string "inf" or "nan").
"""

EPILOG = """\
exit codes:
  0  every request was answered (requests Squid rejects or that depend are reported, not failed)
  3  usage error, unreadable file, or --down/--port naming nothing in the config
"""


def register(sub: Any) -> None:
    p = sub.add_parser("route", help="where Squid sends a request, and why",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter)
    p.add_argument("urls", nargs="*", metavar="URL", help="requests to route (default: stdin)")
    add_config_options(p)
    out = p.add_argument_group("output")
    out.add_argument("--rank", action="store_true",
                     help="also show every CARP member with its score, in fall-back order")
    out.add_argument("--brief", action="store_true",
                     help="one line per request: the first entry of its forwarding list")
    out.add_argument("--json", action="store_true", help="one JSON object per request")
    req = p.add_argument_group("what the requests carry")
    req.add_argument("--access-log", metavar="FILE",
                     help="route the requests of a native access.log ('-' = stdin)")
    req.add_argument("--method", default="GET", metavar="METHOD",
                     help="request method for URLs given as arguments or on stdin (CONNECT: "
                          "targets are host:port)")
    req.add_argument("--host", metavar="HOST",
                     help="Host header for origin-form /path targets (accelerator requests)")
    req.add_argument("--client", metavar="ADDR", help="the client's address (src ACLs, "
                     "sourcehash); an access log gives each request's own")
    req.add_argument("--port", metavar="NAME|NUMBER",
                     help="the http_port that receives the requests (default: the first one, "
                          "or the first accel port for /path targets)")
    req.add_argument("--at", metavar="TIME", help="local time of the requests for time ACLs: "
                     "2026-12-02T14:30 or 14:30 (today)")
    req.add_argument("--note", action="append", default=[], metavar="KEY=VALUE",
                     help="an annotation a helper added (note ACLs; repeatable)")
    req.add_argument("--authorization", action="store_true",
                     help="the requests carry an Authorization header (not hierarchical)")
    req.add_argument("--ims", action="store_true",
                     help="the requests carry If-Modified-Since")
    p.set_defaults(func=run)


def add_config_options(p: argparse.ArgumentParser) -> None:
    """The options that say which Squid decides: its config and its state."""
    which = p.add_argument_group("the Squid that receives the requests")
    one = which.add_mutually_exclusive_group(required=True)
    one.add_argument("--config", metavar="FILE", help="its squid.conf ('-' = stdin)")
    one.add_argument("--array", metavar="ARRAY.yaml",
                     help="an array file: the member's squid.conf as squidcarp generate writes "
                          "it")
    which.add_argument("--member", metavar="NAME",
                       help="with --array: the member that receives the requests (default: "
                            "the first frontend, or the first member of a flat array)")
    add_read_options(p)
    state = p.add_argument_group("the state of that Squid")
    state.add_argument("--down", action="append", default=[], metavar="NAME",
                       help="treat this cache_peer as down (repeatable, or comma-separated): "
                            "dead, unreachable, or DEAD after connect-fail-limit failures")
    state.add_argument("--hosts", metavar="FILE",
                       help="hosts file for name look-ups (default: the config's hosts_file)")
    state.add_argument("--rr-start", choices=("start", "reconfigure", "reset"), default="start",
                       help="round-robin counters as after a start (the first cache_peer at 1, "
                            "the rest 0; default), a reconfigure (all 0) or the five-minute "
                            "reset (all 1)")


def _array_config(args: argparse.Namespace, io: IO) -> Any:
    """The generated squid.conf of ``--member`` of ``--array``, read as Squid would."""
    from squidcarp.conf import read_bytes
    from squidcarp.generate.arrayfile import ArrayFileError, load_array
    from squidcarp.generate.nodes import node_path, render_array

    try:
        spec = load_array(args.array)
    except ArrayFileError as exc:
        for problem in exc.problems:
            io.stderr.write(show(str(problem)) + "\n")
        raise UsageError(f"squidcarp: {show(args.array)}: {len(exc.problems)} problem(s)") \
            from None
    try:
        member = spec.member(args.member) if args.member else spec.entry_points[0]
    except KeyError as exc:
        raise UsageError(f"squidcarp: --member: {exc.args[0]}") from None
    path = node_path(member)
    label = os.path.join(os.path.dirname(args.array) or ".", f"<{spec.name}>", path)
    return read_bytes(render_array(spec)[path], label, read_options(args))


def load_router(args: argparse.Namespace, io: IO) -> Router:
    """The Router of ``--config`` (or of ``--member`` of ``--array``); what Squid would refuse
    to start with is shown as warnings."""
    options = read_options(args)
    if getattr(args, "array", None):
        result = _array_config(args, io)
    else:
        if getattr(args, "member", None):
            raise UsageError("squidcarp: --member goes with --array")
        result = read_one(args.config, options, io)
    for event in result.events:
        if event.squid is Squid.FATAL:
            io.stderr.write(f"squidcarp: warning: Squid would refuse to start: "
                            f"{show(str(event.pos))}: {show(event.message)}\n")
    hosts: HostsTable | None = None
    if args.hosts:
        try:
            hosts = load_hosts(args.hosts)
        except OSError as exc:
            raise UsageError(f"squidcarp: cannot read {show(args.hosts)}: "
                             f"{exc.strerror or exc}") from exc
    down = [name for item in args.down for name in item.split(",") if name]
    try:
        return Router(result.config, down=down, hosts=hosts, rr_start=args.rr_start)
    except UnknownPeer as exc:
        raise UsageError(f"squidcarp: --down: {exc.args[0]}") from None
    except ValueError as exc:  # CARP names Squid refuses (empty, given twice)
        raise UsageError(f"squidcarp: {show(args.config or args.array)}: Squid would not start "
                         f"this CARP array: {show(str(exc))}") from None


def _at(text: str | None) -> datetime.datetime | None:
    if text is None:
        return None
    try:
        if len(text) <= 5 and ":" in text:
            hour, minute = (int(x) for x in text.split(":"))
            return datetime.datetime.combine(datetime.date.today(), datetime.time(hour, minute))
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"squidcarp route: --at {text}: expected 2026-12-02T14:30 or "
                         "14:30") from None


def _notes(items: list[str]) -> tuple[tuple[str, str], ...] | None:
    if not items:
        return None
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"squidcarp route: --note {item}: expected KEY=VALUE")
        out.append((key, value))
    return tuple(out)


def requests_from_args(args: argparse.Namespace, io: IO,
                       command: str = "route") -> list[ForwardRequest]:
    if getattr(args, "config", None) == "-" and (getattr(args, "access_log", None) == "-"
                               or (not getattr(args, "urls", None)
                                   and not getattr(args, "access_log", None))):
        raise UsageError(f"squidcarp {command}: stdin can't hold both the config and the URLs")
    host = os.fsencode(args.host) if getattr(args, "host", None) is not None else None
    common: dict[str, Any] = {
        "client": getattr(args, "client", None), "port": getattr(args, "port", None),
        "at": _at(getattr(args, "at", None)), "notes": _notes(getattr(args, "note", [])),
        "authorization": getattr(args, "authorization", False),
        "ims": getattr(args, "ims", False)}
    if getattr(args, "access_log", None) is not None:
        if getattr(args, "urls", None):
            raise UsageError(f"squidcarp {command}: give URLs or --access-log, not both")
        return list(access_log_requests(read_bytes_arg(args.access_log, io), io, host, common))
    urls = getattr(args, "urls", None)
    targets = [os.fsencode(u) for u in urls] if urls else target_lines(io.stdin.read())
    return [_forward(item, host, common) for item in requests_for(targets, args.method)]


def _forward(item: bytes | Request, host: bytes | None,
             common: dict[str, Any]) -> ForwardRequest:
    if isinstance(item, Request):
        return ForwardRequest(item.url, item.method, host, **common)
    return ForwardRequest(item, "GET", host, **common)


def access_log_requests(data: bytes, io: IO, host: bytes | None,
                        common: dict[str, Any]) -> Iterator[ForwardRequest]:
    """The requests of a native access.log; lines that are not in that format are counted."""
    reader = AccessLogReader()
    items: list[AccessLogEntry | BadLine] = reader.feed(data)
    items += reader.close()
    bad = 0
    for item in items:
        if isinstance(item, BadLine):
            bad += 1
            if bad == 1:
                io.stderr.write(f"squidcarp: access log line {item.line}: {item.reason}\n")
            continue
        req = request_for(item.url, item.method)
        fields = dict(common)
        if item.client and fields.get("client") is None:
            fields["client"] = item.client
        yield ForwardRequest(req.url if isinstance(req, Request) else req, item.method, host,
                             when=item.time, **fields)
    if bad > 1:
        io.stderr.write(f"squidcarp: {bad} access log lines skipped in all\n")


# --- output --------------------------------------------------------------------------------------


def _number(x: float) -> float | str:
    return x if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf"))


def _score_text(x: float) -> str:
    return f"{x:.1f}" if math.isfinite(x) else str(_number(x))


def hop_json(h: Hop) -> dict[str, Any]:
    return {"peer": None if h.peer is None else show(h.peer), "hier": h.hier,
            "reason": show(h.reason), "at": None if h.where is None else show(h.where)}


def _entry_json(s: Score) -> dict[str, Any]:
    return {"member": show(s.member.name_bytes), "score": _number(s.score),
            "combined_hash": s.combined_hash, "multiplier": _number(s.multiplier),
            "eligible": s.eligible, "down": s.down}


def decision_json(d: Decision, rank: bool) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "url": show(d.target), "url_hex": d.target.hex(), "method": d.method,
        "hashed_uri": show(d.uri.effective) if d.uri is not None else None,
        "owner": show(d.carp_owner.name_bytes) if d.carp_owner is not None else None,
    }
    if d.error is not None:
        obj["error"] = d.error
    forwarding = d.forwarding
    obj["forwarding"] = None if forwarding is None else [hop_json(h) for h in forwarding]
    first = d.outcomes[0] if d.certain else None
    obj["direct"] = show(first.direct) if first is not None and first.direct else None
    obj["direct_at"] = (f"{show(first.direct_at.file)}:{first.direct_at.line}"
                        if first is not None and first.direct_at else None)
    obj["depends"] = [{"subject": show(a.subject), "reason": show(a.reason),
                       "at": None if a.at is None else f"{show(a.at.file)}:{a.at.line}"}
                      for a in d.depends]
    if not d.certain and d.outcomes:
        obj["outcomes"] = [{"assume": [{"subject": show(a.subject), "value": a.value,
                                        "said": show(str(a))}
                                       for a in o.assumptions],
                            "forwarding": [hop_json(h) for h in o.forwarding]}
                           for o in d.outcomes]
    obj["caveats"] = [{"subject": c.subject, "reason": show(c.reason)} for c in d.caveats]
    if rank:
        obj["ranking"] = [_entry_json(s) for s in d.ranking.entries] if d.ranking else []
    return obj


def _label(d: Decision) -> str:
    prefix = "CONNECT " if d.method == "CONNECT" else (
        "" if d.method == "GET" else f"{show(d.method)} ")
    return f"{prefix}{show(d.target)}"


def _hops_text(hops: tuple[Hop, ...], indent: str, io: IO) -> None:
    if not hops:
        io.stdout.write(f"{indent}(nothing: Squid has no path and answers with an error)\n")
        return
    width = max(len(show(h.peer)) if h.peer else 6 for h in hops)
    code_width = max(len(h.hier) for h in hops)
    for n, h in enumerate(hops, start=1):
        where = f"  [{show(h.where)}]" if h.where else ""
        io.stdout.write(f"{indent}{n:>2}  {show(h.peer) if h.peer else 'DIRECT':<{width}}  "
                        f"{h.hier:<{code_width}}  {show(h.reason)}{where}\n")


def _rank_text(d: Decision, io: IO) -> None:
    if d.ranking is None:
        return
    names = [show(s.member.name_bytes) for s in d.ranking.entries]
    width = max(len("member"), *(len(n) for n in names))
    io.stdout.write(f"  CARP ranking (hashed as {show(d.ranking.uri.effective)}):\n")
    io.stdout.write(f"    rank  {'member':<{width}}  {'score':>14}  {'combined':>10}  "
                    "multiplier\n")
    for rank, (s, name) in enumerate(zip(d.ranking.entries, names, strict=True), start=1):
        flags = []
        if s.down:
            flags.append("down or denied")
        if not s.eligible:
            flags.append("never wins")
        tail = f"  ({', '.join(flags)})" if flags else ""
        mult = f"{s.multiplier:.6f}" if math.isfinite(s.multiplier) else _score_text(s.multiplier)
        io.stdout.write(f"    {rank:>4}  {name:<{width}}  {_score_text(s.score):>14}  "
                        f"{s.combined_hash:>10}  {mult}{tail}\n")


def decision_text(d: Decision, rank: bool, io: IO) -> None:
    io.stdout.write(_label(d) + "\n")
    if d.error is not None:
        io.stdout.write(f"  not routable: {d.error} (Squid answers 400)\n")
        return
    if d.certain:
        outcome = d.outcomes[0]
        if outcome.direct:
            where = (f"  [{show(outcome.direct_at.file)}:{outcome.direct_at.line}]"
                     if outcome.direct_at else "")
            io.stdout.write(f"  direct: {show(outcome.direct)}{where}\n")
        _hops_text(outcome.forwarding, "  ", io)
    else:
        for a in d.depends:
            where = f" ({show(a.at.file)}:{a.at.line})" if a.at else ""
            io.stdout.write(f"  depends on {show(a.subject)}{where}: {show(a.reason)}\n")
        for o in d.outcomes:
            assume = " and ".join(show(str(a)) for a in o.assumptions)
            io.stdout.write(f"  if {assume}:\n")
            _hops_text(o.forwarding, "    ", io)
    for c in d.caveats:
        io.stdout.write(f"  note: {c.subject}: {show(c.reason)}\n")
    if rank:
        _rank_text(d, io)


def brief_text(decisions: list[Decision], io: IO) -> None:
    rows = []
    for d in decisions:
        if d.error is not None:
            first, code, tail = "(400)", "", f"  # not routable: {d.error}"
        elif not d.certain:
            first, code = "(depends)", ""
            tail = "  # depends on " + ", ".join(show(a.subject) for a in d.depends)
        elif d.first is None:
            first, code, tail = "(nowhere)", "", "  # no path: Squid answers with an error"
        else:
            first, code, tail = show(d.first.peer) if d.first.peer else "DIRECT", d.first.hier, ""
        rows.append((first, code, _label(d) + tail))
    width = max([len("FIRST"), *(len(r[0]) for r in rows)])
    code_width = max([len("HIER"), *(len(r[1]) for r in rows)])
    io.stdout.write(f"{'FIRST':<{width}}  {'HIER':<{code_width}}  URL\n")
    for first, code, url in rows:
        io.stdout.write(f"{first:<{width}}  {code:<{code_width}}  {url}\n")


def run(args: argparse.Namespace, io: IO) -> int:
    router = load_router(args, io)
    requests = requests_from_args(args, io)
    try:
        decisions = (router.decide(r) for r in requests)
        if args.json:
            for d in decisions:
                io.stdout.write(json.dumps(decision_json(d, args.rank), ensure_ascii=False)
                                + "\n")
        elif args.brief:
            brief_text(list(decisions), io)
        else:
            for n, d in enumerate(decisions):
                if n:
                    io.stdout.write("\n")
                decision_text(d, args.rank, io)
    except UnknownPort as exc:
        raise UsageError(f"squidcarp route: --port {args.port}: no http_port or https_port "
                         f"named or numbered {exc.args[0]!r}") from None
    return 0
