"""``squidcarp lint``: report what Squid would reject, and what it silently accepts."""

from __future__ import annotations

import argparse
import os
from typing import Any

from squidcarp.cli.common import add_read_options, read_one, read_options
from squidcarp.cli.main import IO, HelpFormatter, UsageError
from squidcarp.lint.context import SQUID_VERSIONS
from squidcarp.lint.diagnostic import Diagnostic, Severity
from squidcarp.lint.engine import LintOptions, lint, matches
from squidcarp.lint.formats import FORMATS, colored
from squidcarp.lint.rules import RULES
from squidcarp.lint.settings import Settings, SettingsError, find_settings

DESCRIPTION = """\
Lint squid.conf files the way Squid 5 reads them: continuations, quoting, include, if/else/endif
and macros, with every cache_peer option typed. Reports what `squid -k parse` rejects and what it
silently accepts (legacy carp-load-factor=, weights that collapse CARP, multicast mistakes...).

examples:
  squidcarp lint /etc/squid/squid.conf
  squidcarp lint --format github squid.conf          # annotations in GitHub Actions
  squidcarp lint --format sarif squid.conf > out.sarif
  squidcarp lint --ignore SC124 --strict squid.conf  # warnings fail too
  squidcarp lint --squid-version 2.5 legacy.conf     # check 2.5 carp-load-factor sums
  cat squid.conf | squidcarp lint -
  squidcarp lint --list-rules

silence one line with a trailing comment  # squidcarp: disable=SC140
or the next line with                     # squidcarp: disable-next-line=SC140
settings: [tool.squidcarp] in pyproject.toml or .squidcarp.toml
  (select, ignore, squid-version, strict, format)
"""

EPILOG = """\
exit codes:
  0  no errors (warnings and info do not fail without --strict)
  1  at least one error
  2  warnings (and no errors) with --strict
  3  usage error or unreadable file
"""


def register(sub: Any) -> None:
    p = sub.add_parser("lint", help="lint squid.conf files", description=DESCRIPTION,
                       epilog=EPILOG, formatter_class=HelpFormatter)
    p.add_argument("files", nargs="*", metavar="FILE", help="squid.conf files ('-' = stdin)")
    p.add_argument("--format", choices=sorted(FORMATS), default=None,
                   help="output format (default: text)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the text format: auto = on a terminal unless NO_COLOR is set")
    p.add_argument("--squid-version", choices=SQUID_VERSIONS, default=None,
                   help="the Squid the config is for (default: 5)")
    p.add_argument("--select", action="append", default=[], metavar="CODE",
                   help="run only these rules (codes, code prefixes like SC1, or names; "
                        "repeat or comma-separate)")
    p.add_argument("--ignore", action="append", default=[], metavar="CODE",
                   help="skip these rules")
    p.add_argument("--strict", action="store_true", default=None,
                   help="warnings make the exit code 2")
    p.add_argument("--no-config", action="store_true",
                   help="ignore pyproject.toml / .squidcarp.toml settings")
    p.add_argument("--list-rules", action="store_true", help="list every rule and exit")
    add_read_options(p)
    p.set_defaults(func=run)


def _split(values: list[str] | tuple[str, ...]) -> frozenset[str]:
    return frozenset(v.strip() for item in values for v in item.split(",") if v.strip())


def _use_color(choice: str, io: IO) -> bool:
    """``--color``: ``auto`` means a terminal and no NO_COLOR (https://no-color.org)."""
    if choice != "auto":
        return choice == "always"
    isatty = getattr(io.stdout, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


def run(args: argparse.Namespace, io: IO) -> int:
    if args.list_rules:
        for r in RULES:
            io.stdout.write(f"{r.code}  {r.name:<28} {r.severity.value:<8} {r.summary}\n")
        return 0
    if not args.files:
        raise UsageError("squidcarp lint: give at least one FILE (or '-' for stdin)")
    try:
        settings = Settings() if args.no_config else find_settings(os.getcwd())
    except SettingsError as exc:
        raise UsageError(f"squidcarp lint: {exc}") from exc
    select = _split(args.select) or frozenset(settings.select)
    ignore = _split(args.ignore) | frozenset(settings.ignore)
    for code in sorted(select | ignore):
        if not any(matches(r, code) for r in RULES):  # a typo must not silence every rule
            raise UsageError(f"squidcarp lint: unknown rule '{code}': no rule has that code, "
                             "code prefix or name (see --list-rules)")
    version = args.squid_version or settings.squid_version or "5"
    if version not in SQUID_VERSIONS:
        raise UsageError(f"squidcarp lint: unsupported squid-version '{version}'")
    fmt = args.format or settings.format or "text"
    if fmt not in FORMATS:
        raise UsageError(f"squidcarp lint: unknown format '{fmt}'")
    strict = args.strict if args.strict is not None else bool(settings.strict)
    options = LintOptions(select=select, ignore=ignore, squid_version=version)
    read_opts = read_options(args)
    found: list[Diagnostic] = []
    for path in args.files:
        found.extend(lint(read_one(path, read_opts, io), options))
    render = FORMATS[fmt]
    if fmt == "text" and _use_color(args.color, io):
        render = colored
    try:
        for piece in render(found, RULES):  # written as made: the report is never one string
            io.stdout.write(piece)
    except BrokenPipeError:  # the reader went away (lint ... | head): the exit code stays lint's
        pass
    if fmt == "text" and found:
        counts = {s: sum(1 for d in found if d.severity is s) for s in Severity}
        io.stderr.write(f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} "
                        f"warning(s), {counts[Severity.INFO]} info\n")
    if any(d.severity is Severity.ERROR for d in found):
        return 1
    if strict and any(d.severity is Severity.WARNING for d in found):
        return 2
    return 0
