"""``neighbor_type_domain`` on a CARP parent: CARP ignores it.

``neighbor_type_domain PEER sibling .example.com`` makes a parent behave as a sibling for those
domains in ICP, digest and first-up-parent selection. CARP does not ask: it picks among all its
members by hash alone, so for those domains the "sibling" still fetches misses whenever CARP
chooses it. To keep a CARP member away from some domains, deny them with ``cache_peer_access``.

Bad::

    cache_peer 127.0.0.1 parent 3128 0 carp name=a
    neighbor_type_domain a sibling .example.com

Good::

    cache_peer 127.0.0.1 parent 3128 0 carp name=a
    acl example dstdomain .example.com
    cache_peer_access a deny example
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC144"
NAME = "neighbor-type-domain-carp"
SEVERITY = Severity.INFO

# src/carp.cc carpSelectParent: only peerHTTPOkay(); neighborType() is never consulted.


def check(ctx: LintContext) -> Iterator[Finding]:
    for ntd in ctx.config.neighbor_type_domains:
        peer = ctx.config.peer_named(ntd.peer.text)
        if peer is None or not peer.is_carp_member:
            continue
        domains = " ".join(t.text for t in ntd.domains)
        yield Finding(ntd.directive.pos,
                      f"neighbor_type_domain makes CARP parent '{peer.name}' a {ntd.type.text} "
                      f"for {domains}, but CARP ignores neighbor types and still sends it those "
                      "URLs; use cache_peer_access to exclude domains",
                      end_column=ntd.directive.pos.column + len(ntd.directive.keyword))
