"""``weight=`` of 0 or less: Squid silently uses 1.

After reading a ``cache_peer`` line Squid clamps ``if (weight < 1) weight = 1``, without a word.
``weight=0`` written to take a CARP member out of rotation (or to drain it) therefore gives it the
same share as every weight-1 member, and a negative weight is just as effective as 1. To drain a
peer, deny it with ``cache_peer_access`` or remove the line; otherwise give a positive weight.

Bad::

    cache_peer 127.0.0.1 parent 3901 0 carp weight=0

Good::

    cache_peer 127.0.0.1 parent 3901 0 carp weight=1
    cache_peer_access 127.0.0.1 deny all
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC120"
NAME = "weight-not-positive"
SEVERITY = Severity.ERROR

MIN_WEIGHT = 1  # src/cache_cf.cc parse_peer: if (p->weight < 1) p->weight = 1;


def check(ctx: LintContext) -> Iterator[Finding]:
    for peer in ctx.config.peers:
        if peer.weight_given is None or peer.weight_given >= MIN_WEIGHT:
            continue
        tok = peer.option("weight")[-1].token
        yield Finding(tok.pos, f"weight={peer.weight_given} on peer '{peer.name}' is silently "
                               f"raised to {MIN_WEIGHT}: the peer keeps the share of a "
                               f"weight-{MIN_WEIGHT} peer, it is not drained",
                      end_column=tok.pos.column + len(tok.raw_or_text))
