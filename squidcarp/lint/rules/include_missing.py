"""An ``include`` that matches no file, cannot be read, or names a pipe.

Squid passes each ``include`` word through ``glob(3)`` and stops with ``FATAL: Unable to find
configuration file: WORD`` when nothing matches (a glob over an empty directory included); an
unreadable match stops it too. ``squid -f "|command"`` can read a pipe, but ``include |command``
cannot: the word is globbed as a file name and fails. Relative words are resolved against Squid's
working directory, which is usually ``/`` for a daemon, so a file that exists next to squid.conf
may still be missing for Squid. A match that is a directory is no error to Squid: it opens it,
reads no line and carries on, so ``include /etc/squid/conf.d`` silently includes nothing (a
warning). Use absolute paths, name the files (``conf.d/*.conf``) and make sure they exist.

Bad::

    include conf.d/*.conf

Good::

    include /etc/squid/conf.d/*.conf
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC004"
NAME = "include-missing"
SEVERITY = Severity.ERROR
KINDS = (Kind.INCLUDE_MISSING, Kind.INCLUDE_UNREADABLE, Kind.INCLUDE_PIPE, Kind.INCLUDE_DIRECTORY)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parseManyConfigFiles: glob() no match / fopen failure => fatalf
    yield from ctx.relay(Kind.INCLUDE_MISSING, Kind.INCLUDE_UNREADABLE, Kind.INCLUDE_PIPE)
    for e in ctx.events(Kind.INCLUDE_DIRECTORY):  # fopen(dir) works, fgets() reads nothing
        yield Finding(e.pos, e.message, Severity.WARNING, e.end_column)
