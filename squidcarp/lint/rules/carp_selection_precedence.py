"""Another selection method that runs before CARP, or is overruled by it.

Squid tries parent selection methods in a fixed order: ``sourcehash``, then ``userhash``, then
``carp``, then ``round-robin``, ``weighted-round-robin``, the first parent that is up, and
``default``. Any usable ``sourcehash`` parent therefore takes *every* request before CARP runs,
and ``userhash`` takes every authenticated request — CARP sees only what they could not place
(warning). ``round-robin`` or ``weighted-round-robin`` on a CARP member is only a fallback for when
CARP picks nobody (info). Use one hashing method per array.

Bad::

    cache_peer 127.0.0.1 parent 3901 0 carp name=a
    cache_peer 127.0.0.1 parent 3902 0 carp sourcehash name=b

Good::

    cache_peer 127.0.0.1 parent 3901 0 carp name=a
    cache_peer 127.0.0.1 parent 3902 0 carp name=b
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import PeerType
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC145"
NAME = "carp-selection-precedence"
SEVERITY = Severity.WARNING

# src/peer_select.cc PeerSelector::selectSomeParent: peerSourceHashSelectParent,
# peerUserHashSelectParent, carpSelectParent, getRoundRobinParent, getWeightedRoundRobinParent,
# getFirstUpParent, getDefaultParent — first non-NULL wins.
BEFORE_CARP = {
    "sourcehash": "takes every request (hashing the client address) while one of its parents "
                  "is usable",
    "userhash": "takes every authenticated request (hashing the user name)",
}
AFTER_CARP = ("round-robin", "weighted-round-robin")


def check(ctx: LintContext) -> Iterator[Finding]:
    members = ctx.carp_peers
    if not members:
        return
    for peer in ctx.config.peers:
        if peer.type is not PeerType.PARENT:
            continue
        for method, effect in BEFORE_CARP.items():
            for opt in peer.option(method)[:1]:
                tok = opt.token
                whose = f"{'CARP ' if peer.is_carp_member else ''}parent '{peer.name}'"
                yield Finding(tok.pos, f"{method} on {whose} runs before CARP and {effect}: the "
                                       f"CARP array ({len(members)} member(s)) sees only what it "
                                       "cannot place",
                              end_column=tok.pos.column + len(tok.raw_or_text))
        if not peer.is_carp_member:
            continue
        for method in AFTER_CARP:
            for opt in peer.option(method)[:1]:
                tok = opt.token
                yield Finding(tok.pos, f"{method} on CARP parent '{peer.name}' is used only when "
                                       "CARP picks no parent: CARP runs first",
                              Severity.INFO, tok.pos.column + len(tok.raw_or_text))
