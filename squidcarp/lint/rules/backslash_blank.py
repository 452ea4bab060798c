"""A ``\\`` followed by blanks at the end of a line: no continuation, a literal ``\\`` token.

Squid tests for the continuation backslash *before* it trims trailing blanks, so ``\\`` followed by
a space or tab does not join the next line: the line ends there with a stray ``\\`` argument (on
a ``cache_peer`` line Squid logs ``Ignoring unknown cache_peer option '\\'``), and the next
physical line is read as a directive of its own — for an indented option line that is an
unrecognized directive, or worse, a valid one. Delete the blanks after the backslash.

Bad::

    cache_peer 127.0.0.1 parent 3128 0 \\ (followed by a space)
        carp weight=2

Good::

    cache_peer 127.0.0.1 parent 3128 0 \\
        carp weight=2
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC008"
NAME = "backslash-blank"
SEVERITY = Severity.ERROR
KINDS = (Kind.BACKSLASH_BLANK,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parseOneConfigFile: the '\\' test precedes the trailing-blank trim
    yield from ctx.relay(*KINDS)
