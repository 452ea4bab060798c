"""Two ``cache_peer`` lines with the same name (compared case-insensitively): Squid stops.

A peer's name is its ``name=`` value, or its HOST as typed when there is none. Squid looks names
up with ``strcasecmp``, so ``Alpha`` and ``alpha`` clash (ASCII letters only: ``É`` and ``é``
do not), and two lines for the same host on
different ports clash unless each has its own ``name=``. Squid stops with ``FATAL: ERROR:
cache_peer NAME specified twice``. Give every peer a distinct ``name=``.

Bad::

    cache_peer 127.0.0.1 parent 3901 0 carp
    cache_peer 127.0.0.1 parent 3902 0 carp

Good::

    cache_peer 127.0.0.1 parent 3901 0 carp name=cache1
    cache_peer 127.0.0.1 parent 3902 0 carp name=cache2
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC110"
NAME = "duplicate-peer-name"
SEVERITY = Severity.ERROR
KINDS = (Kind.PEER_DUPLICATE,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parse_peer: if (peerFindByName(p->name)) fatalf("...specified twice")
    yield from ctx.relay(*KINDS)
