"""A ``multicast`` peer Squid can never query: its ICP port is 0, or this Squid has no ICP port.

A multicast peer exists only to receive ICP queries. Squid skips every peer whose ICP port is 0
when it sends queries, so a multicast group with ICP port 0 is never asked anything (error).
Queries also go out through this Squid's own ICP socket: with ``icp_port`` 0 (the default) there
is none, and every request logs ``ICP is disabled! Cannot send ICP request to peer.`` instead
(warning). Give the group its ICP port (usually 3130) and set ``icp_port``.

Bad::

    cache_peer 239.255.1.1 multicast 3128 0 ttl=1

Good::

    icp_port 3130
    cache_peer 239.255.1.1 multicast 3128 3130 ttl=1
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import PeerType
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC132"
NAME = "multicast-icp-port"
SEVERITY = Severity.ERROR

# src/neighbors.cc peerWouldBePinged: if (p->icp.port == 0) return 0;
# src/neighbors.cc neighborsUdpPing: if (Config.Port.icp <= 0 ...) "ICP is disabled!"


def check(ctx: LintContext) -> Iterator[Finding]:
    own = ctx.config.setting_value("icp_port")
    for peer in ctx.config.peers:
        if peer.type is not PeerType.MULTICAST or peer.icp_port is None:
            continue
        tok = peer.directive.args[3]
        end = tok.pos.column + len(tok.raw_or_text)
        if peer.icp_port == 0:
            yield Finding(tok.pos, f"multicast peer '{peer.name}' has ICP port 0: Squid never "
                                   "sends it a query, so the group is useless", end_column=end)
        elif not own:
            yield Finding(tok.pos, f"multicast peer '{peer.name}' needs this Squid's icp_port, "
                                   "which is 0: no query is sent and every request logs 'ICP is "
                                   "disabled! Cannot send ICP request to peer.'",
                          Severity.WARNING, end)
