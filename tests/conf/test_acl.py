"""ACL value checks (squidcarp/conf/acl.py) beyond the differential table: the domain splay tree.

The table and ``integration/test_acl_differential.py`` compare verdicts with live Squid; these
tests pin the pieces: ``match_domain_name`` against Squid's documented cases, and the shortcut
that builds a domain ACL's tree only when values may overlap against always building it.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from squidcarp.conf.acl.domains import (
    DomainSplay,
    DomainValues,
    _DomainClash,
    match_domain_name,
)


def test_match_domain_name_cases() -> None:
    # src/anyp/Uri.cc matchDomainName: equal, a wildcard's inside, and the splay order
    assert match_domain_name(b"www.example.com", b".example.com") == 0
    assert match_domain_name(b"example.com", b".example.com") == 0
    assert match_domain_name(b".example.com", b"example.com") == 0  # host's dots are dropped
    assert match_domain_name(b"www.example.com", b"example.com") == 1
    assert match_domain_name(b"example.com", b"www.example.com") == -1
    assert match_domain_name(b"x-foo.com", b".foo.com") > 0  # '.' sorts before '-'
    assert match_domain_name(b"a.com", b"b.com") == ord("a") - ord("b")
    assert match_domain_name(b".", b"a.com") == -1  # nothing left of the host


def _outcome(insert: Callable[[str], DomainSplay | None],
             words: list[str]) -> tuple[object, ...]:
    ignored: list[tuple[bytes, bytes]] = []
    for word in words:
        try:
            tree = insert(word)
        except _DomainClash as clash:
            return ("clash", clash.new, clash.old, tuple(ignored))
        if tree is not None:
            ignored = list(tree.ignored)
    return ("ok", tuple(ignored))


LABELS = st.sampled_from(["a", "b", "www", "x", "example", "com", "A", "a-b", "c", "d", "e"])
DOMAINS = st.builds(
    lambda dot, labels, tail: ("." if dot else "") + ".".join(labels) + tail,
    st.booleans(), st.lists(LABELS, min_size=1, max_size=3), st.sampled_from(["", "", "", "."]))


@settings(max_examples=400, deadline=None)
@given(st.lists(DOMAINS, min_size=1, max_size=24))
def test_tree_built_only_on_possible_overlap_reports_what_the_tree_reports(
        words: list[str]) -> None:
    tree = DomainSplay()

    def always(word: str) -> DomainSplay:
        tree.insert(word.lower().encode())
        return tree

    lazy = DomainValues()
    assert _outcome(lazy.add, words) == _outcome(always, words)


def test_names_fold_like_strcasecmp() -> None:
    """ACL and peer names compare as Squid's strcasecmp does: ASCII letters fold, others do not
    (``É`` and ``é`` are two names); a name with nothing to fold is kept as the same object."""
    from squidcarp.conf import read_bytes
    from squidcarp.libc import c_lower

    word = "".join(["site", "1"])
    assert c_lower(word) is word
    assert (c_lower("Site1"), c_lower("ÉcolE"), c_lower("\udcc9")) == ("site1", "École", "\udcc9")
    # one ACL across two lines, whatever the case of its name: the second value overlaps
    r = read_bytes(b"acl Site1 dstdomain .example.com\nacl site1 dstdomain www.example.com\n",
                   "t.conf")
    assert [(e.kind.value, e.pos.line, e.pos.column) for e in r.events] == [("acl-value", 2, 21)]


def test_a_long_acl_finds_an_overlap_with_any_earlier_value() -> None:
    """One ACL over thousands of lines (a block list): each new value is checked against every
    earlier one through sets kept up to date as values arrive (not rebuilt for each value,
    which made 100k lines take minutes), so an overlap with value 7 found at line 3001 is
    reported there, and a clean list reports nothing."""
    from squidcarp.conf import read_bytes

    lines = [f"acl blocked dstdomain .d{i}.example.com" for i in range(3000)]
    clean = read_bytes(("\n".join(lines) + "\n").encode(), "t.conf")
    assert clean.events == ()
    lines.append("acl blocked dstdomain www.d7.example.com")  # inside .d7.example.com
    r = read_bytes(("\n".join(lines) + "\n").encode(), "t.conf")
    assert [(e.kind.value, e.squid.value, e.pos.line, e.pos.column) for e in r.events] == [
        ("acl-value", "warning", 3001, 23)]
    assert r.events[0].message == (
        "acl blocked: 'www.d7.example.com' is a subdomain of '.d7.example.com', already in this "
        "ACL: Squid warns and ignores it; remove it")


def test_a_one_value_address_acl_extended_later_reports_each_line_once() -> None:
    """A one-value src ACL keeps its line, not a tree (most ACLs have one line); extended by a
    later line, its tree is made from that value without reporting it again."""
    from squidcarp.conf import read_bytes

    r = read_bytes(b"acl x src 0.0.0.0/0\nacl y src 10.0.0.1\nacl x src 10.0.0.1\n", "t.conf")
    assert [(e.squid.value, e.pos.line, e.pos.column, e.message) for e in r.events] == [
        ("warning", 1, 11, "acl x: '0.0.0.0/0' means everything: Squid prints an ERROR, "
                           "replaces it by 'all' and carries on; write 'all'"),
        ("warning", 3, 11, "acl x: '10.0.0.1' lies inside '0.0.0.0/0', already in this ACL: "
                           "Squid warns and ignores it; remove it")]
