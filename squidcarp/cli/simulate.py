"""``squidcarp simulate``: how an array spreads many URLs, and what moves when it changes."""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from squidcarp.atomic import atomic_writer
from squidcarp.carp.analysis import (
    AddMember,
    Change,
    Disruption,
    Distribution,
    RemoveMember,
    Rename,
    Reweight,
    apply_changes,
    disruption,
    distribution,
)
from squidcarp.carp.batch import BatchEngine
from squidcarp.carp.inputs import requests_for, target_lines
from squidcarp.carp.url import Accel, Request
from squidcarp.cli.main import IO, HelpFormatter, UsageError
from squidcarp.cli.route import (
    access_log_requests,
    add_array_options,
    load_array,
    read_bytes_arg,
    show,
)

DESCRIPTION = """\
Route many URLs through the CARP array of a squid.conf with the batch engine (the same answers as
`squidcarp route`, ~100x faster) and report how they spread: requests per member, their share and
the share its weight asks for. With changes, route them again through the changed array and count
the requests that move to another cache, against the fewest any scheme would have to move to
reach the new spread (a renamed member counts as the same cache).

Changes apply in the order given:
  --add NAME:W          a new member (appended to the config)
  --remove NAME         drop a member
  --reweight NAME:W     change a weight
  --rename OLD:NEW      change a name (CARP hashes names: its requests move)

URLs: --urls FILE, one per line (blank and # lines skipped; CONNECT:host:port and /path as for
`squidcarp route`), or --access-log FILE in Squid's native format. '-' reads stdin. URLs are
bytes: bytes >= 0x80 are hashed as Squid hashes them.

Squid hashes a running value that is not reset between members, and visits them sorted by weight:
a change to one member also reshuffles the members evaluated after it, so CARP in Squid moves more
than the minimum whenever the changed member is not last in that order.

examples:
  squidcarp simulate --config squid.conf --urls urls.txt
  squidcarp simulate --config squid.conf --access-log access.log --add cache4.example.net:2
  squidcarp simulate --config squid.conf --urls urls.txt --remove cache2 --plot spread.png
  squidcarp simulate --config squid.conf --urls urls.txt --reweight cache1:3 --json

JSON: {requests, routed, no_owner, not_routable, members: [{name, weight, count, share,
expected_share}], changes: [...], after: {same keys} or null, moved: {count, share, minimum,
minimum_share, ideal_share} or null}.
"""

EPILOG = """\
exit codes:
  0  done
  3  usage error, unreadable file, a change naming no member, or a config without CARP parents
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
    try:
        weight = int(number)
    except ValueError:
        raise UsageError(f"squidcarp simulate: {option} {value}: weight must be an integer") \
            from None
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
    p = sub.add_parser("simulate", help="distribution and disruption over many URLs",
                       description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=HelpFormatter)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--urls", metavar="FILE", help="URLs, one per line ('-' = stdin)")
    source.add_argument("--access-log", metavar="FILE",
                        help="a native Squid access.log ('-' = stdin)")
    add_array_options(p)
    for option, metavar in (("--add", "NAME:W"), ("--remove", "NAME"),
                            ("--reweight", "NAME:W"), ("--rename", "OLD:NEW")):
        p.add_argument(option, action=_ChangeAction, dest="changes", metavar=metavar,
                       default=[], help=f"change the array: {option[2:]} (repeatable)")
    p.add_argument("--plot", metavar="PNG", help="write a bar chart of the shares (matplotlib)")
    p.add_argument("--json", action="store_true", help="the numbers as one JSON object")
    p.set_defaults(func=run)


def _progress(stream: TextIO, label: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        pct = 100 * done // total if total else 100
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {pct:3d}% "
                     f"{done:,}/{total:,}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


def _requests(args: argparse.Namespace, io: IO,
              accel: Accel | None) -> tuple[list[bytes | Request], str]:
    if args.config == "-" and "-" in (args.urls, args.access_log):
        raise UsageError("squidcarp simulate: stdin can't hold both the config and the URLs")
    if args.access_log is not None:
        data = read_bytes_arg(args.access_log, io)
        return access_log_requests(data, io, accel), args.access_log
    data = read_bytes_arg(args.urls, io)
    return requests_for(target_lines(data), "GET", accel), args.urls


def _show(label: str) -> str:
    """A member label for output: bytes that are not UTF-8 as ``\\xNN``."""
    return show(label.encode("utf-8", "surrogateescape"))


def _members_json(d: Distribution) -> list[dict[str, Any]]:
    return [{"name": _show(m.name), "weight": m.weight, "count": m.count, "share": m.share,
             "expected_share": m.expected_share} for m in d.members]


def _dist_json(d: Distribution) -> dict[str, Any]:
    return {"routed": d.routed, "no_owner": d.no_owner, "members": _members_json(d)}


def _table(d: Distribution, out: TextIO) -> None:
    width = max(len("member"), *(len(_show(m.name)) for m in d.members)) if d.members else 6
    out.write(f"{'member':<{width}}  {'weight':>6}  {'count':>11}  {'share':>7}  expected\n")
    for m in d.members:
        out.write(f"{_show(m.name):<{width}}  {m.weight:>6}  {m.count:>11,}  {m.share:>7.2%}  "
                  f"{m.expected_share:>8.2%}\n")
    if d.no_owner:
        out.write(f"{'(no CARP owner)':<{width}}  {'':>6}  {d.no_owner:>11,}  "
                  f"(Squid falls through to the first parent that is up)\n")


def run(args: argparse.Namespace, io: IO) -> int:
    loaded = load_array(args, io)
    before = loaded.array
    changes: list[Change] = args.changes or []
    try:
        after, identity = apply_changes(before, changes)
    except ValueError as exc:
        raise UsageError(f"squidcarp simulate: {exc}") from exc
    requests, source = _requests(args, io, loaded.accel)
    tty = io.stderr.isatty()
    first = BatchEngine(before).route(
        requests, progress=_progress(io.stderr, "routing") if tty else None)
    dist = distribution(before, first)
    after_dist: Distribution | None = None
    moved: Disruption | None = None
    if changes:
        second = BatchEngine(after).route(
            requests, progress=_progress(io.stderr, "after   ") if tty else None)
        after_dist = distribution(after, second)
        moved = disruption(before, first, after, second, identity)
    if args.plot:
        try:
            write_plot(Path(args.plot), dist, after_dist, [_show(str(c)) for c in changes],
                       identity)
        except OSError as exc:
            raise UsageError(f"squidcarp: cannot write {args.plot}: {exc.strerror or exc}") \
                from exc
    if args.json:
        obj: dict[str, Any] = {
            "requests": dist.total,
            "routed": dist.routed,
            "no_owner": dist.no_owner,
            "not_routable": dist.not_routable,
            "members": _members_json(dist),
            "changes": [_show(str(c)) for c in changes],
            "after": _dist_json(after_dist) if after_dist else None,
            "moved": None if moved is None else {
                "count": moved.moved, "share": moved.moved_share, "minimum": moved.minimum,
                "minimum_share": moved.minimum_share, "ideal_share": moved.ideal_share},
        }
        io.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return 0
    out = io.stdout
    out.write(f"{dist.total:,} requests from {source}: {dist.routed:,} routed")
    if dist.not_routable:
        out.write(f", {dist.not_routable:,} not routable (Squid answers 400)")
    out.write("\n\n")
    _table(dist, out)
    if after_dist is not None and moved is not None:
        out.write(f"\nafter: {', '.join(_show(str(c)) for c in changes)}\n")
        _table(after_dist, out)
        out.write(f"\nmoved: {moved.moved:,} of {moved.requests:,} requests "
                  f"({moved.moved_share:.2%}); minimum {moved.minimum:,} "
                  f"({moved.minimum_share:.2%}); by weights {moved.ideal_share:.2%}\n")
    if args.plot:
        out.write(f"\nchart written to {args.plot}\n")
    return 0


def write_plot(path: Path, before: Distribution, after: Distribution | None,
               changes: list[str], identity: dict[str, str]) -> None:
    """A bar chart of shares (and expected shares), written atomically (temp file + rename).

    A renamed member keeps its place (labelled ``old -> new``); added members come last."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    rows: list[tuple[str | None, str | None]] = [
        (m.name, identity.get(m.name)) for m in before.members
    ]
    if after is not None:
        kept = {new for _, new in rows if new is not None}
        rows += [(None, m.name) for m in after.members if m.name not in kept]
    labels = [old if new in (None, old) or after is None else (new if old is None
              else f"{old} -> {new}") for old, new in rows]
    x = list(range(len(rows)))

    def shares(d: Distribution | None, names: Sequence[str | None],
               expected: bool) -> list[float]:
        by_name = {m.name: (m.expected_share if expected else m.share)
                   for m in (d.members if d else ())}
        return [100 * by_name.get(n, 0.0) if n is not None else 0.0 for n in names]

    olds = [old for old, _ in rows]
    news = [new for _, new in rows]
    series = [("share", shares(before, olds, False)), ("expected", shares(before, olds, True))]
    if after is not None:
        series += [("share after", shares(after, news, False)),
                   ("expected after", shares(after, news, True))]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(rows) + 2), 4.8))
    bar = 0.8 / len(series)
    for k, (label, values) in enumerate(series):
        offset = (k - (len(series) - 1) / 2) * bar
        expected = label.startswith("expected")
        ax.bar([i + offset for i in x], values, bar, label=label,
               hatch="//" if expected else None, alpha=0.55 if expected else 0.9)
    ax.set_xticks(x)
    ax.set_xticklabels([_show(str(label)) for label in labels], rotation=20, ha="right")
    ax.set_ylabel("% of routed requests")
    title = f"CARP spread of {before.total:,} requests"
    if changes:
        title += "\n" + textwrap.shorten(", ".join(changes), width=90, placeholder=" ...")
    ax.set_title(title, fontsize=10)
    ax.legend()
    fig.tight_layout()
    try:
        with atomic_writer(path) as fh:
            fig.savefig(fh, format="png")
    finally:
        plt.close(fig)
