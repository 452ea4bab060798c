"""``multicast-responder`` where it cannot work as meant.

``multicast-responder`` marks a peer as a member of a multicast group this Squid queries: Squid
stops sending it ICP queries of its own and instead accepts its replies to the group query. On a
``multicast`` peer (the group itself) it means the group is never queried at all (warning). When
the config declares no ``multicast`` peer, no query ever reaches the responder, so the option
just silences ICP to it, like ``no-query`` (warning). Squid documents the option for group
members that are siblings; on a parent it works (a reply makes the parent a hit or first-miss
candidate), so that is only noted (info). Declare the group with ``cache_peer GROUP multicast``
and put ``multicast-responder`` on the member siblings.

Bad::

    cache_peer 127.0.0.1 sibling 3128 3130 multicast-responder

Good::

    cache_peer 239.255.1.1 multicast 3128 3130 ttl=1
    cache_peer 127.0.0.1 sibling 3128 3130 multicast-responder
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import PeerType
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC133"
NAME = "multicast-responder"
SEVERITY = Severity.WARNING

# src/neighbors.cc peerWouldBePinged: if (p->options.mcast_responder) return 0;
# src/neighbors.cc ignoreMulticastReply / neighborsUdpAck: replies from responders are accepted.


def check(ctx: LintContext) -> Iterator[Finding]:
    groups = [p for p in ctx.config.peers if p.type is PeerType.MULTICAST]
    for peer in ctx.config.peers:
        opts = peer.option("multicast-responder")
        if not opts:
            continue
        tok = opts[0].token
        end = tok.pos.column + len(tok.raw_or_text)
        if peer.type is PeerType.MULTICAST:
            yield Finding(tok.pos, f"multicast-responder on the multicast group '{peer.name}': "
                                   "Squid never sends ICP queries to a responder, so the group "
                                   "is never queried", end_column=end)
        elif not groups:
            yield Finding(tok.pos, f"multicast-responder on peer '{peer.name}' but no multicast "
                                   "peer is declared: no group query reaches it, and Squid stops "
                                   "sending it ICP queries (as with no-query)", end_column=end)
        elif peer.type is PeerType.PARENT:
            yield Finding(tok.pos, f"multicast-responder on parent '{peer.name}': Squid accepts "
                                   "its group replies (a HIT or first MISS selects it) but never "
                                   "queries it directly; Squid documents this for sibling group "
                                   "members", Severity.INFO, end)
