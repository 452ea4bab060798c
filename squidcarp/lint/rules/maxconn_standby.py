"""``max-conn=`` lower than ``standby=``: Squid stops.

``standby=N`` keeps N idle connections open to the peer, and ``max-conn=M`` caps all connections
to it; with ``0 < M < N`` the pool could never be filled, and Squid stops with ``FATAL: ERROR:
cache_peer HOST max-conn=M is lower than its standby=N``. Raise ``max-conn=`` or lower
``standby=``.

Bad::

    cache_peer 127.0.0.1 parent 3128 0 max-conn=5 standby=10

Good::

    cache_peer 127.0.0.1 parent 3128 0 max-conn=20 standby=10
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC114"
NAME = "maxconn-standby"
SEVERITY = Severity.ERROR
KINDS = (Kind.PEER_MAXCONN_STANDBY,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parse_peer: if (p->max_conn > 0 && p->max_conn < p->standby.limit) fatalf
    for e in ctx.events(Kind.PEER_MAXCONN_STANDBY):
        yield Finding(e.pos, f"{e.message}: Squid refuses to start", end_column=e.end_column)
