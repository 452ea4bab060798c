"""``squidcarp migrate``: legacy ``carp-load-factor=F`` -> ``carp weight=N``, nothing else."""

from __future__ import annotations

import argparse
import difflib
from typing import Any

from squidcarp.atomic import write_atomically
from squidcarp.cli.common import add_read_options, read_one, read_options
from squidcarp.cli.main import IO, HelpFormatter, UsageError
from squidcarp.conf.migrate import migrate
from squidcarp.conf.source import decode

DESCRIPTION = """\
Rewrite Squid 2.5 CARP (carp-load-factor=F on each parent) as modern CARP (carp weight=N) with
the smallest integer weights giving the same shares. Only those tokens change: comments, layout
and every other line stay byte for byte. Files are replaced atomically (or not at all).

examples:
  squidcarp migrate --diff squid.conf      # show the change, write nothing
  squidcarp migrate squid.conf             # rewrite in place (and any included file)
  squidcarp migrate -o new.conf squid.conf # write the main file elsewhere
"""

EPILOG = """\
exit codes:
  0  migrated (or nothing to migrate)
  1  a factor is not a number; nothing written
  3  usage error or unreadable/unwritable file
"""


def register(sub: Any) -> None:
    p = sub.add_parser("migrate", help="rewrite carp-load-factor= as carp weight=",
                       description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=HelpFormatter)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--diff", action="store_true", help="print a unified diff, write nothing")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="write the migrated main file here instead of in place")
    add_read_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, io: IO) -> int:
    if args.file == "-" and not args.diff and not args.output:
        raise UsageError("squidcarp migrate: reading stdin needs --diff or --output")
    result = read_one(args.file, read_options(args), io)
    plan = migrate(result)
    for problem in plan.invalid + plan.notes:
        io.stderr.write(f"squidcarp migrate: {problem}\n")
    if plan.invalid:
        return 1
    if not plan.outputs:
        io.stderr.write(f"squidcarp migrate: {args.file}: no carp-load-factor= to migrate\n")
        return 0
    if args.diff:
        for label, new in plan.outputs.items():
            old = decode(result.files[label].data).splitlines(keepends=True)
            io.stdout.writelines(difflib.unified_diff(
                old, decode(new).splitlines(keepends=True), f"a/{label}", f"b/{label}"))
        return 0
    if args.output and set(plan.outputs) - {result.path}:
        raise UsageError("squidcarp migrate: factors are in included files; --output can only "
                         "write the main file (migrate in place or use --diff)")
    for label, new in plan.outputs.items():
        target = args.output if args.output else label
        try:
            write_atomically(target, new, like=label if label != "<stdin>" else None)
        except OSError as exc:
            raise UsageError(f"squidcarp migrate: cannot write {target}: {exc.strerror}") from exc
        io.stderr.write(f"squidcarp migrate: wrote {target}\n")
    shares = ", ".join(f"{n}={w}" for n, w in plan.weights.items())
    io.stderr.write(f"squidcarp migrate: weights {shares}\n")
    return 0
