"""Includes that loop back on themselves or nest more than 16 deep.

Squid has no cycle detection: a file that (directly or through others) includes itself is read
again and again until the nesting passes 16 levels, and then Squid stops with ``FATAL: ...
nested too deeply (>16)!``. A legitimately deep chain of more than 16 includes stops it the same
way. squidcarp reports the include that closes the cycle instead of following it. Break the loop,
or flatten the chain.

Bad::

    # squid.conf
    include /etc/squid/peers.conf
    # /etc/squid/peers.conf
    include /etc/squid/squid.conf

Good::

    # squid.conf
    include /etc/squid/peers.conf
    # /etc/squid/peers.conf holds only cache_peer lines
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC005"
NAME = "include-cycle"
SEVERITY = Severity.ERROR
KINDS = (Kind.INCLUDE_CYCLE, Kind.INCLUDE_DEPTH)

MAX_DEPTH = 16  # src/cache_cf.cc parseOneConfigFile: depth > 16 is fatal


def check(ctx: LintContext) -> Iterator[Finding]:
    yield from ctx.relay(*KINDS)
