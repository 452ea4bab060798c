"""``squidcarp-helper ROLE [options]``: the command line of the Squid helper.

``main(argv, stdin, stdout, stderr) -> int`` parses the options, builds the role and runs
:func:`squidcarp.helper.runner.serve`; ``run()`` is the console script and what
``helpers/squidcarp-helper`` calls. Python's garbage collector stays on: a helper lives as long
as Squid does.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from squidcarp.helper.formats import DEFAULT_EXTRAS, AclLayout, ExtrasLayout, FormatError
from squidcarp.helper.protocol import (
    MAX_EXTERNAL_ACL_LINE,
    MAX_REDIRECTOR_LINE,
    Channels,
    Decoder,
)
from squidcarp.helper.roles import (
    REDIRECT_STATUSES,
    Action,
    ExternalAclRole,
    Matcher,
    Owner,
    Role,
    RulesError,
    StoreIdRole,
    UrlRewriteRole,
    load_matcher,
    load_storeid,
)
from squidcarp.helper.runner import Service, serve

PROG = "squidcarp-helper"

DESCRIPTION = """\
One Squid helper program in three roles. Squid starts it as a child process and writes one
request per line on its stdin; it answers each line on stdout (OK/ERR/BH with key=value notes),
in order, echoing the channel ID Squid puts first when the helper is configured with
concurrency=N (found as Squid's own helpers find it: leading digits and a space).

roles:
  url-rewrite    url_rewrite_program: CARP exceptions. A request that matches --rules gets the
                 notes carp_exception_=KIND carp_rule_=RULE (and, with --redirect/--rewrite, a
                 new URL); squid.conf turns the note into always_direct / cache_peer_access.
  store-id       store_id_program: Store-ID rules from --storeid-db, in the DB format of Squid's
                 storeid_file_rewrite (REGEX<TAB>REPLACEMENT with $1..$9), matched against the
                 URL only; the first matching rule wins.
  external-acl   external_acl_type: the ACL's argument is the question. "exception": OK when the
                 request is a CARP exception (--rules). "owner": OK owner_=NAME, the CARP member
                 that serves the URL (--squid-conf); "owner NAME...": OK only for those members.

Rules (--rules) are the exceptions: section of an array file or of a rules file:
  exceptions:
    domains: [.windowsupdate.com, intranet.example.org]   # dstdomain: .x = x and below
    url_regex: ['^http://[^/]*example\\.net/nocache/']
    clients: [10.1.0.0/16, '2001:db8::/32']

Rule files are reloaded on SIGHUP and when they change (checked every --reload-interval
seconds). A broken file never replaces working rules: the helper keeps them and says why on
stderr (Squid's cache.log). With no usable rules at start it answers BH with the reason and
keeps watching the file. Bad input lines (garbage, empty, not UTF-8, over Squid's length limit,
missing fields) get one BH reply each with message=...; the helper exits only at end of input
or on a line "quit".

squid.conf:
  url_rewrite_program /usr/bin/squidcarp-helper url-rewrite --rules /etc/squid/array.yaml
  url_rewrite_children 5 startup=1 idle=1 concurrency=50
  acl carp_exception note carp_exception_
  always_direct allow carp_exception

  store_id_program /usr/bin/squidcarp-helper store-id --storeid-db /etc/squid/storeid.db
  store_id_children 5 startup=1 idle=1 concurrency=50

  external_acl_type carp concurrency=50 %URI %DST %SRC %METHOD \\
      /usr/bin/squidcarp-helper external-acl --format %URI %DST %SRC %METHOD \\
      --rules /etc/squid/array.yaml --squid-conf /etc/squid/squid.conf
  acl carp_exception external carp exception
  acl via_cache1 external carp owner cache1.example.net

examples:
  squidcarp-helper store-id --storeid-db storeid.db --check
  printf 'http://a.example.com/x 10.0.0.1/- - GET myip=- myport=3128\\n' | \\
      squidcarp-helper url-rewrite --rules array.yaml
"""

EPILOG = """\
exit codes:
  0  end of input or "quit" (with --check: the rules are usable)
  1  --check: the rules cannot be used (each problem is printed as file:line: ...)
  3  usage error (unknown option, bad --format/--extras, bad --redirect target)
"""


class UsageError(Exception):
    pass


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help sized by ``COLUMNS`` (else 80) without argparse's import of shutil, which every
    ``add_argument`` would pay for: a helper's start-up time counts (Squid starts many)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        if width is None:
            try:
                width = int(os.environ.get("COLUMNS", "")) - 2
            except ValueError:
                width = 78
        super().__init__(prog, indent_increment, max_help_position, max(width, 40))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    formatter = _Formatter
    parser = _Parser(prog=PROG, description=DESCRIPTION, epilog=EPILOG,
                     formatter_class=formatter)
    sub = parser.add_subparsers(dest="role", metavar="ROLE", parser_class=_Parser)

    def common(p: argparse.ArgumentParser, extras: bool) -> None:
        if extras:
            p.add_argument("--extras", default=DEFAULT_EXTRAS, metavar="FORMAT",
                           help="the url_rewrite_extras/store_id_extras of squid.conf, "
                                "'' when it is empty (default: Squid's, %(default)r)")
        p.add_argument("--channels", choices=[c.value for c in Channels], default="auto",
                       help="channel IDs: as Squid's helpers detect them (auto, default), "
                            "always (on) or never (off)")
        p.add_argument("--max-line", type=int, metavar="BYTES",
                       help="longest request line accepted, without channel ID (default: "
                            "Squid's own limit for the role)")
        p.add_argument("--reload-interval", type=float, default=1.0, metavar="SECONDS",
                       help="how often rule files are checked for changes (default: 1)")
        p.add_argument("--check", action="store_true",
                       help="load the rules, report problems and exit (0 usable, 1 not)")

    p = sub.add_parser("url-rewrite", help="url_rewrite_program: tag CARP exceptions",
                       description="url_rewrite_program: CARP exceptions as request notes.",
                       epilog=EPILOG, formatter_class=formatter)
    p.add_argument("--rules", required=True, metavar="FILE",
                   help="array file or rules file with an exceptions: section")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--redirect", metavar="URL",
                        help="redirect exceptions there (url=); {url}, {url_escaped}, {host}")
    target.add_argument("--rewrite", metavar="URL",
                        help="rewrite exceptions to this URL (rewrite-url=); same placeholders")
    p.add_argument("--status", type=int, default=302, choices=REDIRECT_STATUSES,
                   help="status of --redirect (default: 302)")
    common(p, extras=True)

    p = sub.add_parser("store-id", help="store_id_program: Store-ID rules",
                       description="store_id_program: storeid_file_rewrite's DB format, "
                                   "matched against the URL only; first match wins.",
                       epilog=EPILOG, formatter_class=formatter)
    p.add_argument("--storeid-db", required=True, metavar="FILE",
                   help="REGEX<TAB>REPLACEMENT per line ($1..$9 = groups)")
    common(p, extras=True)

    p = sub.add_parser("external-acl", help="external_acl_type: exception / owner questions",
                       description="external_acl_type: is this a CARP exception, which "
                                   "member owns this URL.",
                       epilog=EPILOG, formatter_class=formatter)
    p.add_argument("--format", required=True, nargs="+", metavar="CODE",
                   help="the format codes of the external_acl_type line, in order: "
                        "--format %%URI %%DST %%SRC (%%DATA is appended when absent, as in "
                        "Squid; squid.conf splits helper arguments at blanks, so give each "
                        "code as its own word)")
    p.add_argument("--rules", metavar="FILE", help="exceptions, for the 'exception' question")
    p.add_argument("--squid-conf", metavar="FILE",
                   help="squid.conf with the CARP cache_peer lines, for the 'owner' question")
    common(p, extras=False)
    return parser


def _builder(args: argparse.Namespace) -> tuple[Callable[[], Role], list[str]]:
    """The function that (re)loads the rules and makes the role, and the files it reads."""
    if args.role == "store-id":
        path = args.storeid_db
        return lambda: StoreIdRole(load_storeid(path)), [path]
    if args.role == "url-rewrite":
        if args.redirect is not None:
            action = Action("redirect", args.redirect, args.status)
        elif args.rewrite is not None:
            action = Action("rewrite", args.rewrite)
        else:
            action = Action()
        rules = args.rules
        return lambda: UrlRewriteRole(load_matcher(rules), action), [rules]
    if not args.rules and not args.squid_conf:
        raise UsageError(f"{PROG} external-acl: give --rules, --squid-conf or both")
    rules, conf = args.rules, args.squid_conf

    def build() -> Role:
        matcher: Matcher | None = load_matcher(rules) if rules else None
        owner: Owner | None = None
        if conf:
            from squidcarp.helper.owner import load_owner

            owner = load_owner(conf, matcher)
        return ExternalAclRole(matcher, owner)

    return build, [p for p in (rules, conf) if p]


def main(argv: Sequence[str] | None = None, *, stdin: int = 0, stdout: int = 1,
         stderr: TextIO | None = None) -> int:
    err = stderr if stderr is not None else sys.stderr
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(words)
        except SystemExit as done:  # --help printed
            return done.code if isinstance(done.code, int) else 0
        if args.role is None:
            parser.print_usage(err)
            err.write(f"{PROG}: give a ROLE: url-rewrite, store-id or external-acl "
                      f"(see {PROG} --help)\n")
            return 3
        if args.role == "external-acl":
            layout: ExtrasLayout | AclLayout = AclLayout(" ".join(args.format))
            limit = MAX_EXTERNAL_ACL_LINE
        else:
            layout = ExtrasLayout(args.extras)
            limit = MAX_REDIRECTOR_LINE
        if args.max_line is not None:
            if args.max_line < 1:
                raise UsageError(f"{PROG}: --max-line must be at least 1")
            limit = args.max_line
        if args.reload_interval <= 0:
            raise UsageError(f"{PROG}: --reload-interval must be more than 0")
        build, paths = _builder(args)
    except (UsageError, FormatError, ValueError) as exc:
        text = str(exc)
        if isinstance(exc, FormatError):
            text = f"{PROG}: bad {'--format' if words[:1] == ['external-acl'] else '--extras'}:"\
                   f" {exc}"
        elif not text.startswith(PROG):
            text = f"{PROG}: {text}"
        err.write(text + "\n")
        return 3

    role_name = args.role

    def log(message: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # stderr gone: no one else to tell
            err.write(f"{PROG} {role_name}[{os.getpid()}]: {message}\n")
            err.flush()

    if args.check:
        try:
            build()
        except RulesError as exc:
            for problem in exc.problems:
                err.write(f"{problem}\n")
            return 1
        return 0
    decoder = Decoder(layout, channels=Channels(args.channels), max_line=limit)
    service = Service(decoder, build, paths, log, interval=args.reload_interval)
    # A SIGHUP while the rules load (its default action ends the process) asks for a reload.
    signal.signal(signal.SIGHUP, lambda signum, frame: setattr(service, "reload_requested", True))
    service.start()
    try:
        return serve(service, stdin, stdout)
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The console script ``squidcarp-helper``."""
    code = main()
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    raise SystemExit(code)
