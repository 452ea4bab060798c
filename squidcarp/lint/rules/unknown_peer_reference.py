"""``cache_peer_access`` or ``neighbor_type_domain`` naming a peer that does not exist yet.

Squid resolves the peer name when it reads the line (case-insensitively, among the
``cache_peer`` lines *above* it). A misspelled name, or a peer defined further down, makes Squid 5
log ``ERROR: FILE, line N: No cache_peer 'X'`` (for ``neighbor_type_domain`` the same words without
``ERROR:``, and only when a domain follows) and drop the whole line — the access rule you
wrote never applies, so the peer is open to every request (or the domain type never changes) —
and exit 0. Squid 6.1 and later stop instead. Fix the name and put these lines after the
``cache_peer`` they refer to.

Bad::

    cache_peer_access alpha allow all
    cache_peer 127.0.0.1 parent 3901 0 carp name=alpha

Good::

    cache_peer 127.0.0.1 parent 3901 0 carp name=alpha
    cache_peer_access alpha allow all
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC143"
NAME = "unknown-peer-reference"
SEVERITY = Severity.ERROR
KINDS = (Kind.PEER_UNKNOWN_REFERENCE,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parse_peer_access / parse_hostdomaintype: peerFindByName() == NULL
    yield from ctx.relay(*KINDS)
