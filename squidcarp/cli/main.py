"""``squidcarp`` entry point: dispatch to one module per subcommand.

Each subcommand module exposes ``register(subparsers)`` which adds its parser and sets
``func`` to a ``run(args, io) -> int`` function. ``main(argv)`` returns the exit code; nothing below
it calls ``sys.exit``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import BinaryIO, NamedTuple, TextIO

from squidcarp import __version__

EXIT_CODES = """\
exit codes:
  0  success (lint: no errors)
  1  lint found errors; probes (icp, htcp): some URL got no answer; digest:
     Squid would refuse the digest
  2  lint found warnings and --strict was given
  3  usage error, unreadable input or I/O failure
"""


class IO(NamedTuple):
    """The streams a command uses; tests pass their own."""

    stdout: TextIO
    stderr: TextIO
    stdin: BinaryIO


class UsageError(Exception):
    """Bad arguments or unreadable input: reported on stderr, exit code 3."""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's raw-description formatter, sized to the terminal without importing shutil.

    argparse makes a formatter for every ``add_argument`` call and, without a width, imports
    shutil (and through it the bz2/lzma modules) only to ask for the terminal size: a few
    milliseconds of every run. ``COLUMNS`` wins, then the terminal's size, then 80, as in
    ``shutil.get_terminal_size``.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         width if width is not None else terminal_columns() - 2)


def terminal_columns() -> int:
    """The width help text is wrapped to."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):  # not a terminal, or a closed/odd stream
            columns = 0
    return columns or 80


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


# Subcommand -> module. Only the module of the command being run is imported (route and
# simulate pull in numpy, which would double the start-up time of a lint run).
COMMANDS = {
    "lint": "squidcarp.cli.lint",
    "parse": "squidcarp.cli.parse",
    "migrate": "squidcarp.cli.migrate",
    "route": "squidcarp.cli.route",
    "simulate": "squidcarp.cli.simulate",
    "generate": "squidcarp.cli.generate",
    "icp": "squidcarp.cli.icp",
    "htcp": "squidcarp.cli.htcp",
    "digest": "squidcarp.cli.digest",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or with ``only`` just that subcommand's (same behaviour, faster)."""
    parser = _Parser(
        prog="squidcarp",
        description=(
            "Read, lint and route Squid cache arrays exactly as Squid 5 does.\n\n"
            "  squidcarp lint squid.conf           find what Squid silently accepts\n"
            "  squidcarp parse squid.conf --json   the typed model, for other tools\n"
            "  squidcarp migrate squid.conf        carp-load-factor= -> carp weight=\n"
            "  squidcarp route URL --config F      where Squid sends a request, and why\n"
            "  squidcarp simulate --urls F ...     distribution and disruption over many URLs\n"
            "  squidcarp generate array.yaml       every member's squid.conf, a CARP PAC\n"
            "  squidcarp icp query HOST URL...     is a URL cached there? (ICP, multicast too)\n"
            "  squidcarp htcp tst|clr HOST URL     HTCP test or purge of one URL\n"
            "  squidcarp digest show|lookup PEER   a peer's cache digest, URLs against it"
        ),
        epilog=EXIT_CODES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"squidcarp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(module_name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None, io: IO | None = None) -> int:
    io = io or IO(sys.stdout, sys.stderr, sys.stdin.buffer)
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
        try:
            args = parser.parse_args(words)
        except SystemExit as done:  # --help and --version print, then "exit"
            return done.code if isinstance(done.code, int) else 0
        if not getattr(args, "func", None):
            parser.print_help(io.stdout)
            return 3
        code: int = args.func(args, io)
        return code
    except UsageError as exc:
        from squidcarp.conf.source import printable  # file names may hold any byte

        io.stderr.write(f"{printable(str(exc))}\n")
        return 3
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        io.stderr.write("squidcarp: interrupted\n")
        return 130

