"""``carp-key=`` before ``carp`` (or without it): Squid stops.

``parse_peer`` handles options left to right, and ``carp-key=`` checks that the peer is *already*
a CARP peer: ``carp-key=host carp`` stops with ``FATAL: parse_peer: carp-key specified on
non-carp peer HOST/PORT`` although ``carp carp-key=host`` is fine. A ``carp-key=`` on a peer that
never says ``carp`` fails the same way. Put ``carp`` first.

Bad::

    cache_peer 127.0.0.1 parent 3128 0 carp-key=host,path carp

Good::

    cache_peer 127.0.0.1 parent 3128 0 carp carp-key=host,path
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC103"
NAME = "carp-key-order"
SEVERITY = Severity.ERROR
KINDS = (Kind.PEER_CARP_KEY_ORDER,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parse_peer: if (p->options.carp != true) fatalf("...carp-key specified...")
    yield from ctx.relay(*KINDS)
