"""``squidcarp route``: which CARP parent owns each URL, exactly as Squid 5 decides."""

from __future__ import annotations

import argparse
import json
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from squidcarp.carp.accesslog import AccessLogEntry, AccessLogReader, BadLine
from squidcarp.carp.array import CarpArray, Ranking, Score
from squidcarp.carp.fromconf import NoCarpMembers, accel_from_config, array_from_config
from squidcarp.carp.inputs import request_for, requests_for, target_lines
from squidcarp.carp.url import Accel, NotRoutable, Request
from squidcarp.cli.common import add_read_options, read_one, read_options
from squidcarp.cli.main import IO, HelpFormatter, UsageError
from squidcarp.conf.events import Squid

DESCRIPTION = """\
Say which CARP parent Squid 5 sends each URL to, and with --rank the order it falls back in when
parents are down or denied. The array comes from squid.conf: every `cache_peer ... parent ...
carp` line, with its name (name= or the host as typed), weight= and carp-key=. URLs are
normalised the way Squid does before hashing (lower-case scheme and host, default port dropped,
IP literals canonical...) and are handled as raw bytes: bytes >= 0x80 are hashed as Squid hashes
them, never rejected.

URLs come from the command line, from --access-log (Squid's native format; method and URL
fields), or else from stdin, one per line (blank and # lines skipped).
  CONNECT:host:port   a CONNECT request (or --method CONNECT for all of them)
  /path               an accelerator request: Host from --host, else the accel port's
                      defaultsite
Squid logs URLs without their query (strip_query_terms on, the default): routing a log routes
what was logged.

The table shows the owner of each URL, "(400)" where Squid rejects the URL before CARP runs, and
"(none)" where CARP picks nothing (weights that collapse its multipliers, or every member down):
Squid then falls through to the first parent that is up.

examples:
  squidcarp route --config squid.conf http://www.example.com/
  squidcarp route --config squid.conf --rank http://www.example.com/ CONNECT:example.org:443
  squidcarp route --config squid.conf --down cache2 http://www.example.com/
  squidcarp route --config squid.conf --json < urls.txt | jq -r .owner | sort | uniq -c
  squidcarp route --config squid.conf --access-log /var/log/squid/access.log --json

JSON: one object per URL, in input order: url (bytes that are not UTF-8 shown as \\xNN), url_hex,
method, hashed_uri (the effective URI Squid hashes, null if not routable), owner (null when CARP
picks nothing or Squid rejects the URL), error (why it is not routable) and, with --rank,
ranking: [{member, score, combined_hash, multiplier, eligible, down}] in fall-back order; a
score that is not a finite number is written as the string "inf" or "nan".
"""

EPILOG = """\
exit codes:
  0  every input line was answered (URLs Squid rejects are reported, not failed)
  3  usage error, unreadable file, or a config without CARP parents
"""


def register(sub: Any) -> None:
    p = sub.add_parser("route", help="which CARP parent owns a URL", description=DESCRIPTION,
                       epilog=EPILOG, formatter_class=HelpFormatter)
    p.add_argument("urls", nargs="*", metavar="URL", help="URLs to route (default: stdin)")
    add_array_options(p)
    p.add_argument("--rank", action="store_true",
                   help="show every member with its score, in Squid's fall-back order")
    p.add_argument("--json", action="store_true", help="one JSON object per URL")
    p.add_argument("--access-log", metavar="FILE",
                   help="route the requests of a native access.log ('-' = stdin)")
    p.add_argument("--method", default="GET", metavar="METHOD",
                   help="request method for URLs given as arguments or on stdin (CONNECT: "
                        "targets are host:port)")
    p.add_argument("--down", action="append", default=[], metavar="NAME",
                   help="treat this member as down or denied (repeatable, or comma-separated)")
    p.add_argument("--host", metavar="HOST",
                   help="Host header for origin-form /path targets (accelerator requests)")
    p.set_defaults(func=run)


def add_array_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", required=True, metavar="FILE",
                   help="squid.conf (or a fragment with only cache_peer lines; '-' = stdin)")
    add_read_options(p)


@dataclass(frozen=True)
class LoadedArray:
    array: CarpArray
    accel: Accel | None


def load_array(args: argparse.Namespace, io: IO, host: bytes | None = None) -> LoadedArray:
    """The CARP array of ``--config``; Squid's fatal objections are shown as warnings."""
    result = read_one(args.config, read_options(args), io)
    for event in result.events:
        if event.squid is Squid.FATAL:
            io.stderr.write(f"squidcarp: warning: Squid would refuse to start: {event.pos}: "
                            f"{event.message}\n")
    try:
        array = array_from_config(result.config)
    except NoCarpMembers as exc:
        raise UsageError(f"squidcarp: {args.config}: {exc}") from exc
    except ValueError as exc:  # names Squid refuses (empty, duplicated)
        raise UsageError(f"squidcarp: {args.config}: no CARP array: {exc}") from exc
    return LoadedArray(array, accel_from_config(result.config, host))


def resolve_down(array: CarpArray, names: list[str]) -> frozenset[str]:
    """Member labels for ``--down`` values (matched case-insensitively, like Squid)."""
    out = set()
    for item in names:
        for name in item.split(","):
            if not name:
                continue
            try:
                out.add(array.member(name).label)
            except KeyError:
                known = ", ".join(m.label for m in array.members)
                raise UsageError(f"squidcarp: --down {name}: no such CARP member "
                                 f"(members: {known})") from None
    return frozenset(out)


def read_bytes_arg(path: str, io: IO) -> bytes:
    """The bytes of a file argument ('-' = stdin); unreadable is a usage error."""
    if path == "-":
        return io.stdin.read()
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise UsageError(f"squidcarp: cannot read {path}: {exc.strerror or exc}") from exc


def access_log_requests(data: bytes, io: IO, accel: Accel | None) -> list[bytes | Request]:
    """The requests of a native access.log; lines that are not in that format are counted."""
    reader = AccessLogReader()
    items: list[AccessLogEntry | BadLine] = reader.feed(data)
    items += reader.close()
    out: list[bytes | Request] = []
    bad = 0
    for item in items:
        if isinstance(item, BadLine):
            bad += 1
            if bad == 1:
                io.stderr.write(f"squidcarp: access log line {item.line}: {item.reason}\n")
            continue
        out.append(request_for(item.url, item.method, accel))
    if bad > 1:
        io.stderr.write(f"squidcarp: {bad} access log lines skipped in all\n")
    return out


def _inputs(args: argparse.Namespace, io: IO, accel: Accel | None) -> list[bytes | Request]:
    if args.config == "-" and (args.access_log == "-" or (not args.urls and not args.access_log)):
        raise UsageError("squidcarp route: stdin can't hold both the config and the URLs")
    if args.access_log is not None:
        if args.urls:
            raise UsageError("squidcarp route: give URLs or --access-log, not both")
        return access_log_requests(read_bytes_arg(args.access_log, io), io, accel)
    targets = [os.fsencode(u) for u in args.urls] if args.urls else target_lines(io.stdin.read())
    return requests_for(targets, args.method, accel)


def show(data: bytes) -> str:
    """Bytes for people: UTF-8 where it is, ``\\xNN`` elsewhere."""
    return data.decode("utf-8", "backslashreplace")


def _number(x: float) -> float | str:
    return x if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf"))


def _score_text(x: float) -> str:
    return f"{x:.1f}" if math.isfinite(x) else str(_number(x))


@dataclass(frozen=True)
class Answer:
    request: bytes | Request
    ranking: Ranking | None
    error: str | None

    @property
    def target(self) -> bytes:
        return self.request.url if isinstance(self.request, Request) else self.request

    @property
    def method(self) -> str:
        return self.request.method if isinstance(self.request, Request) else "GET"


def answers(array: CarpArray, requests: list[bytes | Request],
            down: frozenset[str]) -> Iterator[Answer]:
    for req in requests:
        try:
            yield Answer(req, array.ranking(req, down), None)
        except NotRoutable as exc:
            yield Answer(req, None, exc.reason)


def _entry_json(s: Score) -> dict[str, Any]:
    return {"member": show(s.member.name_bytes), "score": _number(s.score),
            "combined_hash": s.combined_hash, "multiplier": _number(s.multiplier),
            "eligible": s.eligible, "down": s.down}


def run(args: argparse.Namespace, io: IO) -> int:
    host = os.fsencode(args.host) if args.host is not None else None
    loaded = load_array(args, io, host)
    array = loaded.array
    down = resolve_down(array, args.down)
    requests = _inputs(args, io, loaded.accel)
    if args.json:
        for a in answers(array, requests, down):
            owner = a.ranking.owner if a.ranking else None
            obj: dict[str, Any] = {
                "url": show(a.target),
                "url_hex": a.target.hex(),
                "method": a.method,
                "hashed_uri": show(a.ranking.uri.effective) if a.ranking else None,
                "owner": show(owner.name_bytes) if owner else None,
            }
            if a.error is not None:
                obj["error"] = a.error
            if args.rank:
                obj["ranking"] = ([_entry_json(s) for s in a.ranking.entries]
                                  if a.ranking else [])
            io.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return 0
    if args.rank:
        _rank_text(array, requests, down, io)
        return 0
    results = list(answers(array, requests, down))
    owners = [_owner_text(a) for a in results]
    width = max([len("OWNER"), *(len(o) for o in owners)])
    io.stdout.write(f"{'OWNER':<{width}}  URL\n")
    for a, o in zip(results, owners, strict=True):
        prefix = "CONNECT " if a.method == "CONNECT" else ""
        note = f"  # not routable: {a.error}" if a.error else ""
        io.stdout.write(f"{o:<{width}}  {prefix}{show(a.target)}{note}\n")
    return 0


def _owner_text(a: Answer) -> str:
    if a.error is not None:
        return "(400)"
    owner = a.ranking.owner if a.ranking else None
    return show(owner.name_bytes) if owner else "(none)"


def _rank_text(array: CarpArray, requests: list[bytes | Request], down: frozenset[str],
               io: IO) -> None:
    width = max(len("member"), *(len(show(m.name_bytes)) for m in array.members))
    first = True
    for a in answers(array, requests, down):
        if not first:
            io.stdout.write("\n")
        first = False
        prefix = "CONNECT " if a.method == "CONNECT" else ""
        io.stdout.write(f"{prefix}{show(a.target)}\n")
        if a.ranking is None:
            io.stdout.write(f"  not routable: {a.error} (Squid answers 400)\n")
            continue
        io.stdout.write(f"  hashed as {show(a.ranking.uri.effective)}\n")
        io.stdout.write(f"  rank  {'member':<{width}}  {'score':>14}  {'combined':>10}  "
                        f"multiplier\n")
        for rank, s in enumerate(a.ranking.entries, start=1):
            flags = []
            if s.down:
                flags.append("down")
            if not s.eligible:
                flags.append("never wins")
            tail = f"  ({', '.join(flags)})" if flags else ""
            mult = s.multiplier
            mult_text = f"{mult:.6f}" if math.isfinite(mult) else _score_text(mult)
            io.stdout.write(f"  {rank:>4}  {show(s.member.name_bytes):<{width}}  "
                            f"{_score_text(s.score):>14}  {s.combined_hash:>10}  "
                            f"{mult_text}{tail}\n")
        if a.ranking.owner is None:
            io.stdout.write("  CARP picks nothing: Squid falls through to the first parent "
                            "that is up\n")
