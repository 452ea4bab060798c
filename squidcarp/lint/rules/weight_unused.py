"""``weight=`` on a peer that no weighted method uses: it changes nothing.

Squid reads ``weight=`` on every peer but uses it only in ``carp``, ``userhash``, ``sourcehash``,
``round-robin`` and ``weighted-round-robin`` selection among parents, and to scale the ICP/HTCP
reply time of parents it actually queries (``FIRST_PARENT_MISS``). On a parent with none of those,
on a sibling, or on a multicast peer the number is ignored, which usually means a selection option
was forgotten (``carp``?). Add the method you meant, or drop the weight.

Bad::

    cache_peer 127.0.0.1 parent 3901 0 weight=3

Good::

    cache_peer 127.0.0.1 parent 3901 0 carp weight=3
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import CachePeer, PeerType
from squidcarp.libc import c_lower
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity
from squidcarp.lint.rules.carp_icp_query import query

CODE = "SC123"
NAME = "weight-unused"
SEVERITY = Severity.INFO

# Users of p->weight in Squid 5.7: src/carp.cc, src/peer_userhash.cc, src/peer_sourcehash.cc,
# src/neighbors.cc getRoundRobinParent / getWeightedRoundRobinParent, and src/peer_select.cc
# peerIcpParentMiss / peerHtcpParentMiss (rtt / weight).


def check(ctx: LintContext) -> Iterator[Finding]:
    parents_by_domain = {c_lower(ntd.peer.text) for ntd in ctx.config.neighbor_type_domains
                         if ntd.type.text == "parent"}
    for peer in ctx.config.peers:
        if peer.weight_given is None:
            continue
        acts_as_parent = (peer.type is PeerType.PARENT
                          or (peer.type is PeerType.SIBLING
                              and c_lower(peer.name) in parents_by_domain))
        if acts_as_parent and _weighted(ctx, peer):
            continue
        tok = peer.option("weight")[-1].token
        what = ("a multicast group" if peer.type is PeerType.MULTICAST
                else "a sibling" if not acts_as_parent
                else "a parent without carp, userhash, sourcehash, round-robin or "
                     "weighted-round-robin that gets no ICP/HTCP queries")
        yield Finding(tok.pos, f"weight={peer.weight_given} on peer '{peer.name}' has no effect: "
                               f"it is {what}",
                      end_column=tok.pos.column + len(tok.raw_or_text))


def _weighted(ctx: LintContext, peer: CachePeer) -> bool:
    how = peer.selection
    if peer.carp or how.userhash or how.sourcehash or how.round_robin or how.weighted_round_robin:
        return True
    q = query(ctx, peer)
    return q is not None and q.sent
