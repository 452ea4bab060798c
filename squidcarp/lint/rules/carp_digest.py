"""A CARP parent without ``no-digest``: cache-digest hits are used before CARP.

For every peer without ``no-digest`` Squid fetches the peer's cache digest (a Bloom filter of what
it holds) and, when the digest says a peer has the URL, forwards the request there
(``CD_PARENT_HIT``) *before* CARP is consulted. Digests are approximate and refreshed only every
``digest_rebuild_period``, so URLs wander between members and get cached on several — the
opposite of what CARP is for — and each node fetches every member's digest. Debian's Squid is built
with digests, and Squid parents publish one by default. Add ``no-digest`` to CARP members.

Bad::

    cache_peer 127.0.0.1 parent 3128 0 carp no-query

Good::

    cache_peer 127.0.0.1 parent 3128 0 carp no-query no-digest
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC141"
NAME = "carp-digest"
SEVERITY = Severity.WARNING

# src/cache_cf.cc parse_peer: if (!p->options.no_digest) peerDigestCreate(p);
# src/peer_select.cc selectSomeNeighbor: neighborsDigestSelect() runs before selectSomeParent()


def check(ctx: LintContext) -> Iterator[Finding]:
    for peer in ctx.carp_peers:
        if peer.queries.no_digest:
            continue
        carp = peer.option("carp")
        tok = carp[0].token if carp else peer.directive.name
        yield Finding(tok.pos, f"CARP parent '{peer.name}' has no no-digest: Squid fetches its "
                               "cache digest and sends digest hits there before CARP runs, so "
                               "URLs get cached on several members; add no-digest",
                      end_column=tok.pos.column + len(tok.raw_or_text))
