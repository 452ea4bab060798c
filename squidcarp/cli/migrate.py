"""``squidcarp migrate``: legacy ``carp-load-factor=F`` -> ``carp weight=N``, nothing else."""

from __future__ import annotations

import argparse
import difflib
from typing import Any

from squidcarp.atomic import replace_files
from squidcarp.cli.common import add_read_options, read_one, read_options
from squidcarp.cli.main import IO, HelpFormatter, UsageError
from squidcarp.conf.migrate import migrate
from squidcarp.conf.source import SourceFile, decode, encode, physical_lines, printable

DESCRIPTION = """\
Rewrite Squid 2.5 CARP (carp-load-factor=F on each parent) as modern CARP (carp weight=N) with
the smallest integer weights giving the same shares. Only those tokens change: comments, layout
and every other line stay byte for byte. Every file that changes is replaced atomically, all of
them or none; a symlink is followed (the file it names is rewritten, the link stays) and each file
keeps its mode, owner and group. Weights Squid would not take (a weight= or their sum above
2147483647) are refused with the reason instead of written.

examples:
  squidcarp migrate --diff squid.conf      # show the change, write nothing
  squidcarp migrate squid.conf             # rewrite in place (and any included file)
  squidcarp migrate -o new.conf squid.conf # write the main file elsewhere
"""

EPILOG = """\
exit codes:
  0  migrated (or nothing to migrate)
  1  a factor is not a number, or no weights Squid takes give its share; nothing written
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
        io.stderr.write(f"squidcarp migrate: {printable(problem)}\n")
    if plan.invalid:
        return 1
    if not plan.outputs:
        io.stderr.write(f"squidcarp migrate: {printable(args.file)}: no carp-load-factor= to "
                        "migrate\n")
        return 0
    if args.diff:
        _diff(io, result.files, plan.outputs)
        return 0
    if args.output and set(plan.outputs) - {result.path}:
        raise UsageError("squidcarp migrate: factors are in included files; --output can only "
                         "write the main file (migrate in place or use --diff)")
    targets = {(args.output if args.output else label): new
               for label, new in plan.outputs.items()}
    like = {args.output: result.path} if args.output and result.path != "<stdin>" else {}
    try:
        replace_files(targets, like)
    except OSError as exc:
        raise UsageError(f"squidcarp migrate: cannot write {exc.filename}: {exc.strerror}; "
                         "no file was changed") from exc
    for target in targets:
        io.stderr.write(f"squidcarp migrate: wrote {printable(target)}\n")
    shares = ", ".join(f"{n}={w}" for n, w in plan.weights.items())
    io.stderr.write(f"squidcarp migrate: weights {printable(shares)}\n")
    return 0


def _diff(io: IO, files: dict[str, SourceFile], outputs: dict[str, bytes]) -> None:
    """A unified diff of the files' own lines (split at \\n only, as Squid reads them), written
    as the files' bytes so that ``patch`` applies it; the file names are printable text."""
    out: list[str] = []
    for label, new in outputs.items():
        name = printable(label)
        out.extend(difflib.unified_diff(files[label].lines,
                                        physical_lines(decode(new)), f"a/{name}", f"b/{name}"))
    text = "".join(out)
    buffer = getattr(io.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (tests): the same text
        io.stdout.write(text)
        return
    io.stdout.flush()
    buffer.write(encode(text))
    buffer.flush()
