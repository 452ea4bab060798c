"""A ``multicast`` peer: Squid 5.7 aborts about 12 seconds after it starts.

Ten seconds after start, and every 15 minutes after that, Squid counts the members of each
multicast peer's group: it sends the group an ICP query and collects replies until
``mcast_icp_query_timeout`` (src/neighbors.cc ``peerCountMcastPeersSchedule``). When the count
ends, the query's stand-in store entry is unlocked twice, once by the count
(``peerCountMcastPeersAbort``) and again when its peer selector is destroyed
(``PeerSelector::~PeerSelector``, src/peer_select.cc), and the second unlock fails
``StoreEntry::unlock``'s assertion (src/store.cc): the worker aborts, whether or not any member
replied. ``squid -k parse`` says nothing. Seen on Debian's Squid 5.7 (``integration/
test_multicast_icp.py``); the same code is in the 6.x and 7.x sources. Query the members as
siblings instead (unicast ICP, or HTCP), or Cache Digests; the members' own ``mcast_groups``
lines are not affected.

Bad::

    cache_peer 239.255.1.1 multicast 3128 3130 ttl=1
    cache_peer 192.0.2.11 sibling 3128 3130 multicast-responder

Good::

    cache_peer 192.0.2.11 sibling 3128 3130
    cache_peer 192.0.2.12 sibling 3128 3130
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import PeerType
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC136"
NAME = "multicast-peer-abort"
SEVERITY = Severity.ERROR

# Major versions whose group count unlocks its entry twice (src/neighbors.cc, read in the
# SQUID_5_7, SQUID_6_14 and SQUID_7_6 sources; 5.7 seen aborting).
AFFECTED = ("5", "6", "7")


def check(ctx: LintContext) -> Iterator[Finding]:
    if ctx.squid_version not in AFFECTED:
        return
    for peer in ctx.config.peers:
        if peer.type is not PeerType.MULTICAST:
            continue
        tok = peer.directive.args[1] if len(peer.directive.args) > 1 else peer.directive.args[0]
        yield Finding(tok.pos, f"multicast peer '{peer.host}': Squid {ctx.squid_version} counts "
                               "its group 10 s after start and then aborts (its count unlocks "
                               "a store entry twice: assertion in src/store.cc); ask the members "
                               "as siblings instead",
                      end_column=tok.pos.column + len(tok.raw_or_text))
