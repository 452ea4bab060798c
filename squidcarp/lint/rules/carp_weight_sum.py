"""The CARP weights add up to more than a C ``int`` holds (error), or close to it (warning).

Squid sums the members' weights in a C ``int`` (``W += p->weight`` in ``carpInit``). Past
2^31 - 1 the sum overflows — undefined behaviour that in practice wraps to a negative total, so
every load factor is negative or absurd and the ranking is garbage. squidcarp warns from 2^30 on:
with less than a factor of two of headroom, adding one more member of the same size, or doubling
the weights, crosses the limit. Weights only matter relative to each other: divide them all by
their common factor, or use small numbers.

Bad::

    cache_peer 127.0.0.1 parent 3901 0 carp name=a weight=2000000000
    cache_peer 127.0.0.1 parent 3902 0 carp name=b weight=2000000000

Good::

    cache_peer 127.0.0.1 parent 3901 0 carp name=a weight=1
    cache_peer 127.0.0.1 parent 3902 0 carp name=b weight=1
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.libc import INT_MAX  # src/carp.cc carpInit: int W = 0; W += p->weight
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC122"
NAME = "carp-weight-sum"
SEVERITY = Severity.ERROR

NEAR = 2**30  # our threshold: less than 2x headroom below INT_MAX


def check(ctx: LintContext) -> Iterator[Finding]:
    members = ctx.carp_peers
    total = sum(p.weight for p in members)
    if total <= NEAR:
        return
    running = 0
    limit = INT_MAX if total > INT_MAX else NEAR
    for p in members:
        running += p.weight
        if running > limit:
            if total > INT_MAX:
                yield Finding(p.pos, f"CARP weights add up to {total}, more than a C int holds "
                                     f"({INT_MAX}); the sum overflows at member '{p.name}' and "
                                     "Squid's load factors become garbage; scale the weights down")
            else:
                yield Finding(p.pos, f"CARP weights add up to {total} (over 2^30, from member "
                                     f"'{p.name}' on): one more member of that size overflows "
                                     f"Squid's int sum ({INT_MAX}); scale the weights down",
                              Severity.WARNING)
            return
