"""A CARP parent that still gets ICP/HTCP queries: their answers are used before CARP.

Squid asks its peers by ICP (or HTCP) *before* it runs CARP: a HIT reply sends the request to that
parent, and a MISS reply makes Squid take the parent that answered first (``FIRST_PARENT_MISS``) —
not the CARP owner of the URL, so the same object is cached on several members. A parent that
never answers (no ICP server) is marked dead after ``dead_peer_timeout`` and CARP skips it. If this
Squid's own ``icp_port`` (or ``htcp_port`` for ``htcp`` peers) is 0 nothing is sent, but every
request then logs ``ICP is disabled! Cannot send ICP request to peer.`` at level 0. Give CARP
members ICP port ``0`` or ``no-query``.

Bad::

    icp_port 3130
    cache_peer 127.0.0.1 parent 3128 3130 carp

Good::

    icp_port 3130
    cache_peer 127.0.0.1 parent 3128 3130 carp no-query
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from squidcarp.conf.model import CachePeer
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC140"
NAME = "carp-icp-query"
SEVERITY = Severity.WARNING


class Query(NamedTuple):
    """How Squid would query a peer: the protocol and this Squid's own port for it."""

    protocol: str
    directive: str
    own_port: int

    @property
    def sent(self) -> bool:
        """neighborsUdpPing sends nothing while the own port is 0 ("ICP is disabled!")."""
        return self.own_port > 0


def query(ctx: LintContext, peer: CachePeer) -> Query | None:
    """The query Squid would send to ``peer`` before peer selection (src/neighbors.cc
    ``peerWouldBePinged``: ICP port 0, ``no-query`` and ``multicast-responder`` mean none)."""
    if not peer.icp_port or peer.queries.no_query or peer.queries.multicast_responder:
        return None
    if peer.queries.htcp and "only-clr" not in peer.queries.htcp_modes:
        return Query("HTCP", "htcp_port", _own(ctx, "htcp_port"))
    return Query("ICP", "icp_port", _own(ctx, "icp_port"))


def _own(ctx: LintContext, name: str) -> int:
    """This Squid's own ICP or HTCP port (its line, else Squid's default)."""
    value = ctx.config.setting_value(name)
    return value if isinstance(value, int) else 0


def check(ctx: LintContext) -> Iterator[Finding]:
    for peer in ctx.carp_peers:
        q = query(ctx, peer)
        if q is None:
            continue
        tok = peer.directive.args[3]
        end = tok.pos.column + len(tok.raw_or_text)
        if q.sent:
            yield Finding(tok.pos, f"CARP parent '{peer.name}' gets {q.protocol} queries on port "
                                   f"{peer.icp_port}: their replies pick the parent before CARP "
                                   "runs (a MISS goes to whichever parent answered first), and a "
                                   "parent that never answers is marked dead after "
                                   "dead_peer_timeout; add no-query or use ICP port 0",
                          end_column=end)
        else:
            yield Finding(tok.pos, f"CARP parent '{peer.name}' has {q.protocol} port "
                                   f"{peer.icp_port} without no-query while this Squid's "
                                   f"{q.directive} is 0: nothing is sent, but every request logs "
                                   f"'{q.protocol} is disabled! Cannot send {q.protocol} request "
                                   "to peer.' at level 0; add no-query or use ICP port 0",
                          end_column=end)
