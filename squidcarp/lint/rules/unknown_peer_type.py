"""An unknown ``cache_peer`` type word: Squid warns and makes the peer a sibling.

The type must be exactly ``parent``, ``sibling`` (or ``neighbor``/``neighbour``) or ``multicast``
— compared case-sensitively. Anything else, ``Parent`` included, gives only ``WARNING: Unknown
neighbor type: X`` and the peer becomes a *sibling*: it is asked for cache hits but never used
to fetch misses, so a "parent" silently carries no traffic (and ``carp`` on it then stops Squid
as a non-parent method). ``neighbor_type_domain NAME TYPE DOMAIN...`` reads its TYPE the same
way, warning once per domain. Write the type in lower case.

Bad::

    cache_peer 127.0.0.1 Parent 3128 0 no-query

Good::

    cache_peer 127.0.0.1 parent 3128 0 no-query
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import PEER_TYPE_SPELLINGS
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC109"
NAME = "unknown-peer-type"
SEVERITY = Severity.WARNING


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parseNeighborType: strcmp against the spellings, else PEER_SIBLING
    for peer in ctx.config.peers:
        spelled = peer.type_spelled
        if spelled in PEER_TYPE_SPELLINGS:
            continue
        tok = peer.directive.args[1]
        folded = PEER_TYPE_SPELLINGS.get(spelled.lower())
        hint = (f"; types are case-sensitive: write '{spelled.lower()}'" if folded is not None
                else "; Squid knows parent, sibling (neighbor) and multicast")
        yield Finding(tok.pos, f"unknown peer type '{spelled}' for peer '{peer.name}': Squid logs "
                               "a WARNING and makes it a sibling, which never fetches misses"
                               f"{hint}", end_column=tok.pos.column + len(tok.raw_or_text))
    # parse_hostdomaintype calls parseNeighborType once per domain (none: no warning)
    for item in ctx.config.neighbor_type_domains:
        tok = item.type
        if tok.text in PEER_TYPE_SPELLINGS or not item.domains:
            continue
        yield Finding(tok.pos, f"unknown neighbor_type_domain type '{tok.text}' for peer "
                               f"'{item.peer.text}': Squid logs a WARNING for each domain and "
                               "uses sibling there; Squid knows parent and sibling (neighbor)",
                      end_column=tok.pos.column + len(tok.raw_or_text))
