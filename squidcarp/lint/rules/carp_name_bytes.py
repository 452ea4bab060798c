"""A CARP member name that other nodes may hash differently: non-ASCII bytes, or upper case.

CARP scores every (URL, member) pair with a hash over the bytes of the member's *name* — the
``name=`` value, or the HOST exactly as typed. A byte of 0x80 or more is added as a ``char``, which
is signed on x86 but unsigned on ARM and POWER Linux: two nodes of one array on different
architectures compute different member hashes and send the same URL to different parents, so
each caches its own copy (warning). Names are also hashed case-sensitively although Squid connects
to the lower-cased host and finds peers by name case-insensitively, so ``Cache1.example.net`` on
one node and ``cache1.example.net`` on another look like the same peer and route differently
(info for a name with upper-case letters). Use plain lower-case ASCII ``name=`` values, identical
on every node. (Only ASCII letters count as upper case: Squid's name lookups fold nothing else.)

Bad::

    cache_peer Cache1.Example.NET parent 3128 0 carp
    cache_peer 127.0.0.2 parent 3128 0 carp name=caché-2

Good::

    cache_peer cache1.example.net parent 3128 0 carp
    cache_peer 127.0.0.2 parent 3128 0 carp name=cache-2
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import CachePeer, Position
from squidcarp.libc import c_lower
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC112"
NAME = "carp-name-bytes"
SEVERITY = Severity.WARNING

HIGH_BYTE = 0x80  # src/carp.cc carpInit: `for (c = p->name; *c; ++c) ... + *c` with char c


def check(ctx: LintContext) -> Iterator[Finding]:
    for peer in ctx.carp_peers:
        high = [b for b in peer.name_bytes if b >= HIGH_BYTE]
        if high:
            yield Finding(_name_pos(peer),
                          f"CARP member name '{peer.name}' has {len(high)} byte(s) >= 0x80: "
                          "Squid hashes them as signed char on x86 and unsigned on ARM/POWER, "
                          "so nodes on different CPUs rank this member differently")
        folded = c_lower(peer.name)  # the case strcasecmp ignores: ASCII letters
        if peer.name != folded:
            source = "its name=" if peer.explicit_name is not None else "its host as typed"
            yield Finding(_name_pos(peer),
                          f"CARP member name '{peer.name}' ({source}) has upper-case letters: "
                          "CARP hashes the name case-sensitively, so a node that spells it "
                          f"'{folded}' routes URLs differently; use lower case", Severity.INFO)


def _name_pos(peer: CachePeer) -> Position:
    names = peer.option("name")
    return names[-1].token.pos if names else peer.directive.args[0].pos
