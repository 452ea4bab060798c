"""``squidcarp simulate``: where many requests go, and what moves when the array changes."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from squidcarp.carp.analysis import AddMember, Change, Disruption, RemoveMember, Rename, Reweight
from squidcarp.cli.common import read_bytes_arg, show
from squidcarp.cli.main import IO, HelpFormatter, UsageError
from squidcarp.cli.route import access_log_requests, add_config_options, load_router
from squidcarp.forward import ForwardRequest, Router
from squidcarp.forward.simulate import (
    Destinations,
    Item,
    Share,
    UrlList,
    apply_changes,
    carp_weights,
    destinations,
    disruption,
    read_url_list,
    spread,
)
from squidcarp.libc import is_digits

DESCRIPTION = """\
Send many requests through the forwarding decision of a squid.conf (the same answers as
`squidcarp route`) and count where they go first: each parent, DIRECT, "(depends)" when an
unknowable ACL decides, "(nowhere)" when Squid has no path, "(refused)" for targets Squid
rejects (400, 405, 414), "(Squid itself)" for what it answers itself (cache_object:, its own
/squid-internal- URLs).
CARP members show the share their weight asks for. Requests whose decision is just "the CARP
owner" go through the numpy batch engine (millions per second); the rest are decided one by one.

With changes, the same requests go through the changed config and the requests that move to
another cache are counted, against the fewest any scheme would have to move to reach the new
spread (a renamed member counts as the same cache). Access rules stay with the peer they name.

Changes apply in the order given:
  --add NAME:W          a new CARP parent (appended to the config)
  --remove NAME         drop a CARP member (and the rules that name it)
  --reweight NAME:W     change a member's weight
  --rename OLD:NEW      change a member's name (CARP hashes names: its requests move)

Requests: --urls FILE, one per line (blank and # lines skipped; CONNECT:host:port and /path as
for `squidcarp route`), or --access-log FILE in Squid's native format. '-' reads stdin.

Squid hashes a running value that is not reset between members, and visits them sorted by
weight: a change to one member also reshuffles the members evaluated after it, so CARP in Squid
moves more than the minimum whenever the changed member is not last in that order.

examples:
  squidcarp simulate --config squid.conf --urls urls.txt
  squidcarp simulate --config squid.conf --access-log access.log --add cache4.example.net:2
  squidcarp simulate --config squid.conf --urls urls.txt --remove cache2 --plot spread.png
  squidcarp simulate --config squid.conf --urls urls.txt --reweight cache1:3 --json

JSON: {requests, batch, destinations: [{name, count, share, expected_share}], changes: [...],
after: {destinations} or null, moved: {requests, count, share, minimum, minimum_share} or null}.
"""

EPILOG = """\
exit codes:
  0  done
  3  usage error, unreadable file, a change naming no CARP member, or --plot without matplotlib
"""


class _ChangeAction(argparse.Action):
    """Collects --add/--remove/--reweight/--rename into one list, in command-line order."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        changes: list[Change] = list(getattr(namespace, "changes", None) or [])
        changes.append(_parse_change(str(option_string), str(values)))
        namespace.changes = changes


def _name_and_number(option: str, value: str) -> tuple[str, int]:
    name, sep, number = value.rpartition(":")
    if not sep or not name:
        raise UsageError(f"squidcarp simulate: {option} {value}: expected NAME:WEIGHT")
    if not is_digits(number) or len(number) > 10:
        raise UsageError(f"squidcarp simulate: {option} {value}: weight must be an integer "
                         "1..2147483647")
    weight = int(number)
    if not 1 <= weight <= 2**31 - 1:
        raise UsageError(f"squidcarp simulate: {option} {value}: weight must be 1..2147483647")
    return name, weight


def _parse_change(option: str, value: str) -> Change:
    if option == "--add":
        return AddMember(*_name_and_number(option, value))
    if option == "--reweight":
        return Reweight(*_name_and_number(option, value))
    if option == "--remove":
        if not value:
            raise UsageError("squidcarp simulate: --remove needs a NAME")
        return RemoveMember(value)
    old, sep, new = value.partition(":")
    if not sep or not old or not new:
        raise UsageError(f"squidcarp simulate: --rename {value}: expected OLD:NEW")
    return Rename(old, new)


def register(sub: Any) -> None:
    p = sub.add_parser("simulate", help="where many requests go, and what moves on a change",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--urls", metavar="FILE", help="URLs, one per line ('-' = stdin)")
    source.add_argument("--access-log", metavar="FILE",
                        help="a native Squid access.log ('-' = stdin)")
    add_config_options(p)
    for option, metavar in (("--add", "NAME:W"), ("--remove", "NAME"),
                            ("--reweight", "NAME:W"), ("--rename", "OLD:NEW")):
        p.add_argument(option, action=_ChangeAction, dest="changes", metavar=metavar,
                       default=[], help=f"change the array: {option[2:]} (repeatable)")
    p.add_argument("--client", metavar="ADDR",
                   help="the clients' address for --urls (src ACLs, sourcehash); an access log "
                        "gives each request's own")
    p.add_argument("--plot", metavar="PNG",
                   help="write a chart of the shares and of what moves (needs matplotlib)")
    p.add_argument("--json", action="store_true", help="the numbers as one JSON object")
    p.set_defaults(func=run)


def _progress(stream: TextIO, label: str) -> Callable[[int, int], None]:
    def show_progress(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        pct = 100 * done // total if total else 100
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {pct:3d}% "
                     f"{done:,}/{total:,}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show_progress


def _requests(args: argparse.Namespace, io: IO) -> tuple[list[Item], str, UrlList | None]:
    """The requests, where they came from, and the URL file as read (None for an access log)."""
    if getattr(args, "config", None) == "-" and "-" in (args.urls, args.access_log):
        raise UsageError("squidcarp simulate: stdin can't hold both the config and the URLs")
    if args.access_log is not None:
        data = read_bytes_arg(args.access_log, io)
        common = {"client": args.client} if args.client else {}
        return list(access_log_requests(data, io, None, common)), args.access_log, None
    data = read_bytes_arg(args.urls, io)
    listing = read_url_list(data)
    if args.client:
        return [ForwardRequest.of(t, client=args.client) for t in listing.requests], args.urls, None
    return list(listing.requests), args.urls, listing


def _shares_json(shares: Sequence[Share]) -> list[dict[str, Any]]:
    return [{"name": show(s.label), "count": s.count, "share": s.share,
             "expected_share": s.expected} for s in shares]


def _table(shares: Sequence[Share], out: TextIO) -> None:
    names = [show(s.label) for s in shares]
    width = max([len("destination"), *(len(n) for n in names)])
    out.write(f"{'destination':<{width}}  {'count':>11}  {'share':>7}  expected\n")
    for s, name in zip(shares, names, strict=True):
        expected = f"{s.expected:>8.2%}" if s.expected is not None else f"{'-':>8}"
        out.write(f"{name:<{width}}  {s.count:>11,}  {s.share:>7.2%}  {expected}\n")


def _run_router(router: Router, requests: list[Item], io: IO, label: str,
                listing: UrlList | None) -> Destinations:
    tty = io.stderr.isatty()
    return destinations(router, requests, _progress(io.stderr, label) if tty else None, listing)


def run(args: argparse.Namespace, io: IO) -> int:
    plot = args.plot
    if plot is not None:
        from squidcarp.forward.plot import PlotTargetError, check_target

        try:
            check_target(plot)
        except PlotTargetError as exc:
            raise UsageError(f"squidcarp simulate: --plot: {exc}") from None
    router = load_router(args, io)
    changes: list[Change] = args.changes or []
    try:
        changed = apply_changes(router.config, changes)
    except ValueError as exc:
        raise UsageError(f"squidcarp simulate: {exc}") from exc
    requests, source, listing = _requests(args, io)
    first = _run_router(router, requests, io, "routing", listing)
    before = spread(router, first)
    after: tuple[Share, ...] | None = None
    moved: Disruption | None = None
    if changes:
        down = [n for n in router.down if n in changed.identity]
        router_after = Router(changed.config, down=[changed.identity[n] for n in down],
                              hosts=router.hosts, rr_start=args.rr_start,
                              aliases=changed.aliases)
        second = _run_router(router_after, requests, io, "after   ", listing)
        after = spread(router_after, second)
        moved = disruption(first, second, changed.identity, carp_weights(router),
                           carp_weights(router_after))
    labels = [show(str(c)) for c in changes]
    if plot is not None:
        from squidcarp.forward.plot import MissingExtra, write_plot

        try:
            write_plot(plot, before, after, moved, changed.identity,
                       f"where {len(first):,} requests go first", labels)
        except MissingExtra as exc:
            raise UsageError(f"squidcarp simulate: {exc}") from None
        except OSError as exc:
            raise UsageError(f"squidcarp: cannot write {show(plot)}: "
                             f"{exc.strerror or exc}") from exc
    if args.json:
        obj: dict[str, Any] = {
            "requests": len(first), "batch": first.fast,
            "destinations": _shares_json(before), "changes": labels,
            "after": None if after is None else {"destinations": _shares_json(after)},
            "moved": None if moved is None else {
                "requests": moved.requests, "count": moved.moved, "share": moved.moved_share,
                "minimum": moved.minimum, "minimum_share": moved.minimum_share,
                "ideal_share": moved.ideal_share},
        }
        io.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return 0
    out = io.stdout
    out.write(f"{len(first):,} requests from {show(source)}\n\n")
    _table(before, out)
    if after is not None and moved is not None:
        out.write(f"\nafter: {', '.join(labels)}\n")
        _table(after, out)
        out.write(f"\nmoved: {moved.moved:,} of {moved.requests:,} requests "
                  f"({moved.moved_share:.2%}); the minimum is {moved.minimum:,} "
                  f"({moved.minimum_share:.2%}); by weights {moved.ideal_share:.2%}\n")
    if plot is not None:
        out.write(f"\nchart written to {show(plot)}\n")
    return 0



