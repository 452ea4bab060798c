"""SC108 says what actually happens to a peer that has both ``carp`` and a legacy factor."""

from __future__ import annotations

from squidcarp.conf import read_bytes
from squidcarp.lint.engine import LintOptions, lint


def test_factor_next_to_carp_is_ignored_but_peer_stays_a_member() -> None:
    conf = (b"cache_peer 127.0.0.1 parent 3901 0 carp carp-load-factor=0.4 name=a weight=2\n"
            b"cache_peer 127.0.0.1 parent 3902 0 carp-load-factor=0.6 name=b\n")
    found = lint(read_bytes(conf, "t.conf"), LintOptions(select=frozenset({"SC108"})))
    assert [(d.line, d.column, d.message) for d in found] == [
        (1, 41, "legacy 'carp-load-factor=0.4' on peer 'a': Squid 3.4+ ignores it with an ERROR "
                "and exits 0; the peer is a CARP member through 'carp' with weight 2, not this "
                "factor's share; use 'carp weight=2' instead"),
        (2, 36, "legacy 'carp-load-factor=0.6' on peer 'b': Squid 3.4+ ignores it with an ERROR "
                "and exits 0, so this peer is silently not a CARP member; use 'carp weight=3' "
                "instead"),
    ]
