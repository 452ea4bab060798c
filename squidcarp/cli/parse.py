"""``squidcarp parse``: the typed model Squid would build, as JSON or a short summary."""

from __future__ import annotations

import argparse
from typing import Any

from squidcarp.cli.common import add_read_options, read_one, read_options
from squidcarp.cli.main import IO, HelpFormatter
from squidcarp.conf.events import Squid
from squidcarp.conf.source import inert_json, printable
from squidcarp.conf.tojson import read_result, write_json

DESCRIPTION = """\
Read a squid.conf exactly as Squid does (includes, if/else/endif, macros, continuations) and print
what it contains: every active directive with file, line and column, every cache_peer with typed
options, and everything the reader noticed (events), like crossplane does for nginx.

examples:
  squidcarp parse squid.conf               # summary: peers and events
  squidcarp parse squid.conf --json | jq '.config.peers[].name'
  squidcarp parse --process-number 2 squid.conf --json   # as SMP kid 2 sees it

Text output shows config bytes that are not UTF-8 as \\xNN and control characters escaped;
JSON is always valid UTF-8 (such bytes as the text \\xNN, terminal controls as \\u escapes).
"""

EPILOG = """\
exit codes:
  0  Squid would accept the config (it may still log ERRORs and WARNINGs: see the events)
  1  Squid would refuse it: some event is fatal ('squid -k parse' stops)
  3  usage error or unreadable file
"""


def register(sub: Any) -> None:
    p = sub.add_parser("parse", help="print the typed model of a squid.conf",
                       description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=HelpFormatter)
    p.add_argument("file", metavar="FILE", help="squid.conf ('-' = stdin)")
    p.add_argument("--json", action="store_true", help="the full model as JSON")
    add_read_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, io: IO) -> int:
    result = read_one(args.file, read_options(args), io)
    refused = any(e.squid is Squid.FATAL for e in result.events)
    if args.json:  # streamed: a million-line config is never one JSON string in memory
        write_json(read_result(result, lazy=True), io.stdout.write, text=inert_json)
        io.stdout.write("\n")
        return 1 if refused else 0
    config = result.config
    io.stdout.write(f"{printable(result.path)}: {len(config.directives)} directives in "
                    f"{len(result.files)} file(s), {len(config.peers)} cache_peer(s)\n")
    for p in config.peers:
        methods = ["carp"] if p.carp else []
        methods += [m for m in ("userhash", "sourcehash", "round_robin", "weighted_round_robin",
                                "default") if getattr(p.selection, m)]
        io.stdout.write(f"  {printable(p.pos.file)}:{p.pos.line}  {printable(p.name):<24} "
                        f"{p.type.value:<9} {printable(p.host)}:{_port(p.http_port)} "
                        f"icp={_port(p.icp_port)} weight={p.weight} {' '.join(methods)}\n")
    for e in result.events:
        io.stdout.write(f"  {printable(str(e.pos))}: [{e.kind.value}] {printable(e.message)}\n")
    if refused:
        io.stderr.write(f"squidcarp parse: {printable(result.path)}: Squid would refuse this "
                        "config (fatal events above)\n")
    return 1 if refused else 0


def _port(port: int | None) -> str:
    """A port as Squid took it; one it refused (the line is fatal) has no number."""
    return "refused" if port is None else str(port)
