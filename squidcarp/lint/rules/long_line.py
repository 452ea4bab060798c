"""A physical line longer than 8191 bytes: Squid reads its tail as a separate line.

Squid reads squid.conf with an 8192-byte ``fgets`` buffer. A longer line is cut after 8191 bytes
and the rest is parsed as a new line of its own: a long ``acl`` list loses its tail to a bogus
"directive" named after whatever word sits at the cut (counted as unrecognized), or a token is
split in two. Break long lines with ``\\`` continuations (the joined logical line may be longer)
or move long value lists into a ``"file"``. A line of exactly 8191 bytes (or a multiple) loses
nothing, but Squid counts its newline as one more line, so the line numbers in its messages are
one too high after it (info).

Bad::

    acl blocked dstdomain .a.example .b.example ... (8,500 bytes on one line)

Good::

    acl blocked dstdomain "/etc/squid/blocked.domains"
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC007"
NAME = "long-line"
SEVERITY = Severity.ERROR
KINDS = (Kind.LONG_LINE,)


def check(ctx: LintContext) -> Iterator[Finding]:
    for e in ctx.events(Kind.LONG_LINE):
        # a line of exactly 8191 bytes loses nothing: only Squid's line count moves (info)
        severity = Severity.INFO if e.subject == "newline-only" else None
        yield Finding(e.pos, e.message, severity, e.end_column)
