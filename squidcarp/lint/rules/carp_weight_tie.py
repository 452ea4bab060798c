"""CARP members with equal weights: their order in the config decides part of the routing.

Squid sorts CARP members by weight (``qsort``) and then hashes the URL once per member *in that
order* without resetting the hash, so each member's score depends on its rank. Members with equal
weight keep their config order with glibc's stable merge sort; other C libraries (musl's
smoothsort, the BSDs) give no such promise. So reordering two ``cache_peer`` lines of equal weight —
or running one node of the array on another libc — sends a share of the URLs to different parents,
and each node caches its own copy. This is normal for arrays of equal weights: keep the
``cache_peer`` lines in the same order on every node, and run the same libc.

Bad::

    # node 1
    cache_peer 127.0.0.1 parent 3901 0 carp name=a
    cache_peer 127.0.0.1 parent 3902 0 carp name=b
    # node 2
    cache_peer 127.0.0.1 parent 3902 0 carp name=b
    cache_peer 127.0.0.1 parent 3901 0 carp name=a

Good::

    # every node, same lines in the same order
    cache_peer 127.0.0.1 parent 3901 0 carp name=a
    cache_peer 127.0.0.1 parent 3902 0 carp name=b
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import CachePeer
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity
from squidcarp.listing import quoted_names

CODE = "SC124"
NAME = "carp-weight-tie"
SEVERITY = Severity.INFO

# src/carp.cc carpInit: qsort(carp_peers, ..., peerSortWeight); carpSelectParent accumulates
# user_hash across members in that order.


def check(ctx: LintContext) -> Iterator[Finding]:
    groups: dict[int, list[CachePeer]] = {}
    for p in ctx.carp_peers:
        groups.setdefault(p.weight, []).append(p)
    for weight, members in groups.items():
        if len(members) < 2:
            continue
        names = quoted_names([p.name for p in members])
        yield Finding(members[1].pos,
                      f"CARP members {names} all have weight {weight}: their relative order in "
                      "the config fixes their rank (glibc's stable sort), and the rank changes "
                      "every URL's score, so reordering these lines — or another libc on one "
                      "node — reroutes URLs; keep the same order on every node")
