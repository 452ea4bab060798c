"""``squidcarp parse``: the typed model Squid would build, as JSON or a short summary."""

from __future__ import annotations

import argparse
import json
from typing import Any

from squidcarp.cli.common import add_read_options, read_one, read_options
from squidcarp.cli.main import IO, HelpFormatter
from squidcarp.conf.tojson import read_result

DESCRIPTION = """\
Read a squid.conf exactly as Squid does (includes, if/else/endif, macros, continuations) and print
what it contains: every active directive with file, line and column, every cache_peer with typed
options, and everything the reader noticed (events), like crossplane does for nginx.

examples:
  squidcarp parse squid.conf               # summary: peers and events
  squidcarp parse squid.conf --json | jq '.config.peers[].name'
  squidcarp parse --process-number 2 squid.conf --json   # as SMP kid 2 sees it
"""


def register(sub: Any) -> None:
    p = sub.add_parser("parse", help="print the typed model of a squid.conf",
                       description=DESCRIPTION,
                       formatter_class=HelpFormatter)
    p.add_argument("file", metavar="FILE", help="squid.conf ('-' = stdin)")
    p.add_argument("--json", action="store_true", help="the full model as JSON")
    add_read_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, io: IO) -> int:
    result = read_one(args.file, read_options(args), io)
    if args.json:
        io.stdout.write(json.dumps(read_result(result), indent=2, ensure_ascii=False) + "\n")
        return 0
    config = result.config
    io.stdout.write(f"{result.path}: {len(config.directives)} directives in "
                    f"{len(result.files)} file(s), {len(config.peers)} cache_peer(s)\n")
    for p in config.peers:
        methods = [m for m in ("carp", "userhash", "sourcehash", "round_robin",
                               "weighted_round_robin", "default") if getattr(p, m)]
        io.stdout.write(f"  {p.pos.file}:{p.pos.line}  {p.name:<24} {p.type.value:<9} "
                        f"{p.host}:{p.http_port} icp={p.icp_port} weight={p.weight} "
                        f"{' '.join(methods)}\n")
    for e in result.events:
        io.stdout.write(f"  {e.pos}: [{e.kind.value}] {e.message}\n")
    return 0
