"""An unknown ``cache_peer`` type word: Squid only warns and makes the peer a sibling.

The type must be exactly ``parent``, ``sibling`` (or ``neighbor``/``neighbour``) or ``multicast``
— compared case-sensitively. Anything else, ``Parent`` included, gives only ``WARNING: Unknown
neighbor type: X`` and the peer becomes a *sibling*: it is asked for cache hits but never used
to fetch misses, so a "parent" silently carries no traffic (and ``carp`` on it then stops Squid
as a non-parent method). ``neighbor_type_domain NAME TYPE DOMAIN...`` reads its TYPE the same
way, warning once per domain. The line silently cannot do what it says: an error. Write the type
in lower case.

Bad::

    cache_peer 127.0.0.1 Parent 3128 0 no-query

Good::

    cache_peer 127.0.0.1 parent 3128 0 no-query
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.conf.model import PEER_TYPE_SPELLINGS
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC109"
NAME = "unknown-peer-type"
SEVERITY = Severity.ERROR
KINDS = (Kind.PEER_UNKNOWN_TYPE,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parseNeighborType: strcmp against the spellings, else PEER_SIBLING; the
    # reader reports each such word (cache_peer, and neighbor_type_domain once it has a domain)
    peers = {p.directive.args[1].pos: p for p in ctx.config.peers
             if p.type_spelled not in PEER_TYPE_SPELLINGS}
    domains = {item.type.pos: item for item in ctx.config.neighbor_type_domains}
    for e in ctx.events(*KINDS):
        end = e.end_column
        peer = peers.get(e.pos)
        if peer is not None:
            spelled = peer.type_spelled
            folded = PEER_TYPE_SPELLINGS.get(spelled.lower())
            hint = (f"; types are case-sensitive: write '{spelled.lower()}'" if folded is not None
                    else "; Squid knows parent, sibling (neighbor) and multicast")
            yield Finding(e.pos, f"unknown peer type '{spelled}' for peer '{peer.name}': Squid "
                                 "logs a WARNING and makes it a sibling, which never fetches "
                                 f"misses{hint}", end_column=end)
            continue
        item = domains[e.pos]
        yield Finding(e.pos, f"unknown neighbor_type_domain type '{item.type.text}' for peer "
                             f"'{item.peer.text}': Squid logs a WARNING for each domain and uses "
                             "sibling there; Squid knows parent and sibling (neighbor)",
                      end_column=end)
