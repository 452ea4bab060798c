"""``neighbor_type_domain`` on a CARP parent: CARP ignores it.

``neighbor_type_domain PEER sibling .example.com`` makes a parent behave as a sibling for those
domains in ICP, digest, round-robin and first-up-parent selection. CARP does not ask for the type:
it ranks all its members by hash, so for those domains the "sibling" still fetches misses whenever
CARP chooses it; only the requests a sibling may never serve (``no-cache``, refresh, revalidation,
forwarding loops) skip it, through the same check ``cache_peer_access`` goes through. To keep a
CARP member away from some domains, deny them with ``cache_peer_access``.

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

# src/carp.cc carpSelectParent: only peerHTTPOkay() -> src/neighbors.cc peerAllowedToUse, where
# neighborType() == PEER_SIBLING merely refuses no-cache/refresh/loop/needValidation requests.


def check(ctx: LintContext) -> Iterator[Finding]:
    for ntd in ctx.config.neighbor_type_domains:
        peer = ctx.config.peer_named(ntd.peer.text)
        if peer is None or not peer.is_carp_member or ntd.type.text == "parent":
            continue  # 'parent' for a parent changes nothing
        domains = " ".join(t.text for t in ntd.domains)
        yield Finding(ntd.directive.pos,
                      f"neighbor_type_domain makes CARP parent '{peer.name}' a {ntd.type.text} "
                      f"for {domains}, but CARP does not select by type and still sends it "
                      "those URLs (only no-cache/refresh requests skip it); use "
                      "cache_peer_access to exclude domains",
                      end_column=ntd.directive.pos.column + len(ntd.directive.keyword))
