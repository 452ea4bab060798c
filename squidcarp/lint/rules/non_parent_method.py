"""``carp``, ``userhash`` or ``sourcehash`` on a sibling or multicast peer: Squid stops.

These three selection methods choose among *parents*. ``parse_peer`` checks the type as soon as
it meets the option and stops with ``FATAL: parse_peer: non-parent carp peer HOST/PORT`` (or
``userhash``/``sourcehash``). An unknown type word (``Parent``) makes the peer a sibling first, so
it fails the same way. Make the peer a ``parent`` or drop the method.

Bad::

    cache_peer 127.0.0.1 sibling 3128 0 carp

Good::

    cache_peer 127.0.0.1 parent 3128 0 carp
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC102"
NAME = "non-parent-method"
SEVERITY = Severity.ERROR
KINDS = (Kind.PEER_NON_PARENT_METHOD,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parse_peer: fatalf("parse_peer: non-parent carp peer %s/%d\n", ...)
    yield from ctx.relay(*KINDS)
