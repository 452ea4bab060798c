"""A ``multicast`` peer whose HOST is not an IPv4 multicast group (224.0.0.0/4).

A ``multicast`` peer is not a cache: it is the group address Squid sends ICP queries to (with the
peer's ``ttl=``), counting on the group members to answer. Squid does not check the address. With
a unicast IPv4 address the "group" is one host queried as if it were many, and its replies come
from the peer itself, so that host can be picked for HTTP as if it were a cache — routing breaks
silently (error). Squid's multicast code is IPv4-only (``IP_MULTICAST_TTL``, ``IP_ADD_MEMBERSHIP``),
so an IPv6 literal cannot work either (error). A host name is resolved by DNS at start and must
resolve to a group (warning). Squid reads numeric hosts with ``inet_aton`` rules, so ``224.1``
(224.0.0.1) and ``0xe0.0.0.1`` count as literals here too. Use the group's dotted-quad address.

Bad::

    cache_peer 192.0.2.10 multicast 3128 3130 ttl=4

Good::

    cache_peer 239.255.1.1 multicast 3128 3130 ttl=4
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import PeerType
from squidcarp.libc import inet_aton
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC130"
NAME = "multicast-peer-address"
SEVERITY = Severity.ERROR

MULTICAST_FIRST, MULTICAST_LAST = 224, 239  # 224.0.0.0/4 (RFC 5771)


def is_multicast(address: int) -> bool:
    return MULTICAST_FIRST <= address >> 24 <= MULTICAST_LAST


def dotted(address: int) -> str:
    return ".".join(str((address >> s) & 0xFF) for s in (24, 16, 8, 0))


def looks_ipv6(text: str) -> bool:
    return ":" in text


def check(ctx: LintContext) -> Iterator[Finding]:
    for peer in ctx.config.peers:
        if peer.type is not PeerType.MULTICAST:
            continue
        tok = peer.directive.args[0]
        end = tok.pos.column + len(tok.raw_or_text)
        address = inet_aton(peer.host)
        if address is not None:
            if not is_multicast(address):
                yield Finding(tok.pos, f"multicast peer '{peer.host}' is the unicast address "
                                       f"{dotted(address)}, not a 224.0.0.0/4 group: Squid sends "
                                       "it 'group' ICP queries and may pick it as a cache from "
                                       "its replies", end_column=end)
        elif looks_ipv6(peer.host):
            yield Finding(tok.pos, f"multicast peer '{peer.host}' is an IPv6 address: Squid's "
                                   "multicast ICP is IPv4-only (IP_MULTICAST_TTL), so the group "
                                   "never gets a usable query", end_column=end)
        else:
            yield Finding(tok.pos, f"multicast peer '{peer.host}' is a host name: Squid resolves "
                                   "it by DNS at start and it must resolve to a 224.0.0.0/4 "
                                   "group; write the group address", Severity.WARNING, end)
