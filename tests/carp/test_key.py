"""carp-key: the parts Squid concatenates, in its fixed order, and the running hash across them."""

from __future__ import annotations

import pytest

from squidcarp.carp.array import CarpArray, Member
from squidcarp.carp.fromconf import array_from_config
from squidcarp.carp.hash import accumulate, combine
from squidcarp.carp.key import carp_key, key_spec
from squidcarp.carp.url import Request, parse
from squidcarp.conf import read_config
from squidcarp.conf.model import CarpKeyPart as P
from tests.carp.conftest import CORPUS

ALL = (P.SCHEME, P.HOST, P.PORT, P.PATH, P.PARAMS)


def test_spec_is_a_set_in_squids_order() -> None:
    assert key_spec(["params", P.HOST, "path", "host"]) == (P.HOST, P.PATH, P.PARAMS)
    assert key_spec(None) == ()
    with pytest.raises(ValueError):
        key_spec(["hostname"])


CASES = [
    (b"HTTP://Example.COM/p?q=1#f", ALL, b"http://example.com:80/p?q=1#f"),
    (b"http://example.com:8080/p", (P.HOST, P.PORT), b"example.com:8080"),
    (b"http://example.com/p?q", (P.PARAMS,), b"?q"),
    (b"http://example.com/p", (P.PARAMS,), b"http://example.com/p"),  # empty -> effective URI
    (b"http://example.com/p#f?x", (P.PATH,), b"/p#f"),  # the fragment is part of Squid's path
    (b"http://example.com/p#f?x", (P.PARAMS,), b"?x"),
    (b"http://example.com", (P.PATH,), b"/"),
    (b"https://[::1]/x", (P.SCHEME, P.HOST), b"https://[::1]"),
    (b"urn:isbn:123", (P.PORT,), b":0"),
]


@pytest.mark.parametrize(("url", "parts", "expected"), CASES)
def test_carp_key(url: bytes, parts: tuple[P, ...], expected: bytes) -> None:
    assert carp_key(parse(url), key_spec(parts)) == expected


def test_connect_keys() -> None:
    uri = parse(Request.connect(b"Example.org"))
    assert carp_key(uri, ALL) == b"example.org:443"  # no scheme, no path
    assert carp_key(uri, (P.PATH,)) == b"example.org:443"  # empty key -> effective URI
    assert carp_key(uri, (P.SCHEME, P.PARAMS)) == b"example.org:443"


def test_hash_runs_through_every_members_key() -> None:
    array = CarpArray((Member("a", 1, (P.PATH,)), Member("b", 1, (P.HOST,)), Member("c", 1)))
    _, evaluation = array.evaluate(b"http://Www.Example.com/x/y?z")
    assert [s.key for s in evaluation] == [b"/x/y", b"www.example.com",
                                           b"http://www.example.com/x/y?z"]
    u = 0
    for s, state in zip(evaluation, array.states, strict=True):
        u = accumulate(s.key, u)
        assert s.combined_hash == combine(u, state.hash)


def test_mixed_per_peer_case_from_the_parse_corpus() -> None:
    conf = CORPUS / "parse-verdicts" / "cases" / "07-carp-key-mixed-per-peer.conf"
    array = array_from_config(read_config(conf).config)
    assert [(m.label, m.carp_key) for m in array.members] == [
        ("a", (P.PATH,)), ("b", (P.HOST,)), ("c", None)]
    _, evaluation = array.evaluate(b"http://h.example/p?q")
    assert [s.key for s in evaluation] == [b"/p", b"h.example", b"http://h.example/p?q"]
