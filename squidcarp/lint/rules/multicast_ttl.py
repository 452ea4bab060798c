"""A ``multicast`` peer without a useful ``ttl=``: missing, 0, or outside 0..128.

Squid sets the IP multicast TTL of its ICP queries to the group from the peer's ``ttl=``. Without
one the TTL is 0 — the queries never leave this host, so no group member hears them (Squid does
not warn). ``ttl=`` values are silently clamped into 0..128: ``ttl=300`` becomes 128 and
``ttl=-5`` becomes 0. A TTL that ends up 0 makes the multicast peer useless (error); a TTL
clamped to 128 still reaches the group (warning). Give every multicast peer the TTL your network
needs (1 for the local segment, more across routers).

Bad::

    cache_peer 239.255.1.1 multicast 3128 3130
    cache_peer 239.255.1.2 multicast 3128 3130 ttl=300

Good::

    cache_peer 239.255.1.1 multicast 3128 3130 ttl=1
    cache_peer 239.255.1.2 multicast 3128 3130 ttl=32
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import PeerType
from squidcarp.conf.peer import TTL_MAX
from squidcarp.libc import xatoi
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC131"
NAME = "multicast-ttl"
SEVERITY = Severity.ERROR

TTL_DEFAULT = 0  # src/CachePeer.h: mcast.ttl = 0
TTL_MIN = 0  # src/cache_cf.cc parse_peer clamps ttl= to TTL_MIN..TTL_MAX


def check(ctx: LintContext) -> Iterator[Finding]:
    for peer in ctx.config.peers:
        if peer.type is not PeerType.MULTICAST:
            continue
        given = peer.option("ttl")
        if not given:
            yield Finding(peer.directive.args[0].pos,
                          f"multicast peer '{peer.name}' has no ttl=: Squid sends its ICP queries "
                          f"with multicast TTL {TTL_DEFAULT}, so they never leave this host")
            continue
        tok = given[-1].token
        end = tok.pos.column + len(tok.raw_or_text)
        value = xatoi(given[-1].value or "").value
        if value is None:
            continue  # not a number: Squid stops ('Bungled'), SC101
        if value < TTL_MIN or value > TTL_MAX:
            clamped = min(TTL_MAX, max(TTL_MIN, value))
            effect = " — the queries never leave this host" if clamped == 0 else ""
            yield Finding(tok.pos, f"ttl={value} on multicast peer '{peer.name}' is outside "
                                   f"{TTL_MIN}..{TTL_MAX}: Squid silently uses {clamped}{effect}",
                          None if clamped == 0 else Severity.WARNING, end)
        elif value == 0:
            yield Finding(tok.pos, f"ttl=0 on multicast peer '{peer.name}': the ICP queries never "
                                   "leave this host", end_column=end)
