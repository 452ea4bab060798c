"""A CARP member whose weight is under 1/1000 of the array's total weight.

Squid computes each member's load factor as ``weight / total`` and floors it to 0 when
``floor(factor * 1000)`` is 0 (src/carp.cc). One such member makes the load multipliers collapse:
it gets 0, the next member in weight order gets infinity and wins *every* URL, and the rest get
NaN. Two or more such members make every score NaN, so CARP picks nothing and Squid falls back to
the first parent that is up. Keep every CARP weight at least 1/1000 of the total.

Each such member is reported on its own line: those are the weights to raise. When every member's
factor floors to 0 (more than 1,000 members, none of them heavy enough), no one weight is at
fault and the array is reported once, at its first member: an array of equal weights can spread
over 1,000 members at most.

Bad::

    cache_peer a parent 3128 0 carp weight=1
    cache_peer b parent 3128 0 carp weight=1000
    cache_peer c parent 3128 0 carp weight=1000

Good::

    cache_peer a parent 3128 0 carp weight=1
    cache_peer b parent 3128 0 carp weight=2
    cache_peer c parent 3128 0 carp weight=2
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.libc import INT_MAX
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC121"
NAME = "carp-zero-load-factor"
SEVERITY = Severity.ERROR



def check(ctx: LintContext) -> Iterator[Finding]:
    members = ctx.carp_peers
    total = sum(p.weight for p in members)
    if total <= 0 or total > INT_MAX:
        return  # a weight sum that overflows is reported by carp-weight-sum
    # Speed (the CARP library costs ~10 ms to import): a factor can floor to 0 only for a weight
    # under 1/1000 of the total, so with every weight above 1/500 of it there is nothing to do.
    if min(p.weight for p in members) * 500 > total:
        return
    # src/carp.cc carpInit: floor(load_factor * 1000) == 0 makes the factor 0, computed by the
    # CARP library exactly as Squid does it
    from squidcarp.carp.array import load_factors

    factors = load_factors(p.weight for p in members)
    zero = [p for p, factor in zip(members, factors, strict=True) if factor == 0.0]
    if not zero:
        return
    if len(zero) == len(members):  # the array is too large for its weights: one finding
        heaviest = max(p.weight for p in members)
        yield Finding(members[0].pos,
                      f"every one of the {len(members)} CARP members has a weight under 1/1000 "
                      f"of the total {total} (the largest is {heaviest}), so every load factor "
                      "floors to 0, every CARP score is NaN and CARP never picks a parent: "
                      "CARP spreads over 1000 members of equal weight at most")
        return
    if len(zero) == 1:
        nonzero = sorted((p for p in members if p not in zero), key=lambda p: p.weight)
        winner = nonzero[0].name
        effect = (f"its load factor floors to 0, so '{winner}' (the next member by weight) gets "
                  "an infinite multiplier and owns every URL")
    else:
        effect = (f"{len(zero)} members' load factors floor to 0, so every CARP score is NaN and "
                  "CARP never picks a parent")
    for p in zero:
        yield Finding(p.pos, f"CARP member '{p.name}' has weight {p.weight} of {total} "
                             f"(less than 1/1000): {effect}")
