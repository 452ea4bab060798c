"""The batch engine gives exactly the scalar path's answers (hypothesis + targeted shapes)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from squidcarp.carp.array import CarpArray, Member
from squidcarp.carp.batch import (
    NO_OWNER,
    NOT_ROUTABLE,
    BatchEngine,
    _canonical,
    _canonical_authority,
    _sort_keys,
    route_batch,
)
from squidcarp.carp.url import NotRoutable, Request, parse
from squidcarp.conf.model import CarpKeyPart


def scalar(array: CarpArray, item: bytes | Request, down: frozenset[str]) -> int:
    try:
        owner = array.owner(item, down)
    except NotRoutable:
        return NOT_ROUTABLE
    if owner is None:
        return NO_OWNER
    return array.members.index(owner)


def check(array: CarpArray, items: list[bytes | Request], down: frozenset[str] = frozenset(),
          chunk_size: int = 1 << 15) -> None:
    result = BatchEngine(array, chunk_size).route(items, down)
    assert result.owners.tolist() == [scalar(array, i, down) for i in items]


# --- strategies -----------------------------------------------------------------------------------

names = st.one_of(
    st.from_regex(r"[a-z][a-z0-9.-]{0,20}", fullmatch=True),
    st.text(min_size=1, max_size=12).filter(lambda s: "\x00" not in s),
    st.binary(min_size=1, max_size=12),
)
weights = st.one_of(st.integers(1, 20), st.sampled_from([1, 2, 1000, 3000]))
key_parts = st.one_of(st.none(), st.lists(st.sampled_from(list(CarpKeyPart)), max_size=3)
                      .map(tuple))


@st.composite
def arrays(draw: st.DrawFn, carp_keys: bool = True) -> CarpArray:
    members = draw(st.lists(st.tuples(names, weights, key_parts if carp_keys else st.none()),
                            min_size=1, max_size=6,
                            unique_by=lambda m: (m[0].encode() if isinstance(m[0], str)
                                                 else m[0]).lower()))
    return CarpArray(tuple(Member(n, w, k) for n, w, k in members),
                     signed_char=draw(st.booleans()))


host_parts = st.sampled_from([
    b"www.example.com", b"WWW.Example.COM.", b"cdn.example.org", b"a", b"127.1", b"10.0.0.1",
    b"2130706433", b"[::1]", b"[0:0::1]", b"a..b", b".a", b"a.", b"1host.net", b"_x-y.z",
    b"caf\xc3\xa9.example", b"x" * 60, b"u:p@h", b"h:80", b"h:8080", b"h:", b"h:0", b"",
])
path_parts = st.one_of(
    st.sampled_from([b"/", b"", b"/a/../b", b"/%7E?q=1#f", b"?x", b"#f", b"/p q", b"/\x00x",
                     b"/caf\xe9", b"/x\r\ny"]),
    st.binary(max_size=40).map(lambda b: b"/" + b),
)
schemes = st.sampled_from([b"http://", b"http://", b"HTTP://", b"https://", b"ftp://",
                           b"foo://", b"http:/", b""])
urls = st.one_of(
    st.builds(lambda s, h, p: s + h + p, schemes, host_parts, path_parts),
    st.from_regex(rb"https?://[a-z_][a-z0-9._-]{0,30}/[!-~]{0,60}", fullmatch=True),
    st.binary(max_size=60),
)
ports = st.sampled_from([b":443", b":8443", b":65535", b":65536", b":0", b":080", b":", b"",
                         b":44x", b":+443", b":1", b":99999"])
authorities = st.one_of(
    st.builds(lambda h, p: h + p, host_parts, ports),
    st.from_regex(rb"[a-z_][a-z0-9._-]{0,20}:[0-9]{1,6}", fullmatch=True),
    st.binary(max_size=20),
)
requests = st.one_of(
    urls,
    urls,
    st.builds(Request.connect, authorities),
    st.builds(lambda p, h: Request.accelerated(b"/" + p, host=h),
              st.binary(max_size=20), st.sampled_from([b"site.example", b"SITE:80", b"", None])),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays(), st.lists(requests, max_size=60), st.data(), st.integers(1, 70))
def test_batch_equals_scalar(array: CarpArray, items: list[bytes | Request],
                             data: st.DataObject, chunk_size: int) -> None:
    labels = [m.label for m in array.members]
    down = frozenset(data.draw(st.lists(st.sampled_from(labels), max_size=2)))
    check(array, items, down, chunk_size)


@settings(max_examples=200, deadline=None)
@given(arrays(carp_keys=False), st.lists(urls, min_size=1, max_size=120))
def test_fast_path_equals_scalar(array: CarpArray, items: list[bytes]) -> None:
    check(array, list(items))


@settings(max_examples=500, deadline=None)
@given(urls)
@example(b"http://a..b/x")
@example(b"http://a./x")
@example(b"http://1.2.3.4/")
@example(b"http://a/\x00")
@example(b"http://a/\x7f")
def test_canonical_means_squid_keeps_it(url: bytes) -> None:
    if bool(_canonical(_sort_keys([url]))[0]):
        assert parse(url).effective == url


@settings(max_examples=500, deadline=None)
@given(authorities)
@example(b"h:65535")
@example(b"h:65536")
@example(b"h:0443")
@example(b"h.:443")
def test_canonical_authority_means_squid_keeps_it(target: bytes) -> None:
    if bool(_canonical_authority(_sort_keys([target]))[0]):
        assert parse(Request.connect(target)).effective == target


def test_canonical_authorities() -> None:
    good = [b"example.org:443", b"a:1", b"h-1.example:65535", b"x" * 255 + b":8080"]
    assert _canonical_authority(_sort_keys(good)).tolist() == [True] * len(good)
    bad = [b"Example.org:443", b"example.org", b"example.org:", b"h:0443", b"h:65536",
           b"h:443x", b"127.0.0.1:443", b"[::1]:443", b"u@h:443", b"h.:443", b"a..b:1",
           b"x" * 256 + b":1", b"h:123456", b":443"]
    assert _canonical_authority(_sort_keys(bad)).tolist() == [False] * len(bad)


def test_canonical_accepts_ordinary_urls() -> None:
    good = [b"http://www.example.com/", b"http://a-b_c.d/x?y#z", b"http://x/\xe9",
            b"https://h.example/p", b"http://" + b"a" * 255 + b"/"]
    assert _canonical(_sort_keys(good)).tolist() == [True] * len(good)
    bad = [b"http://Www.example.com/", b"http://www.example.com", b"http://h:8080/",
           b"http://127.0.0.1/", b"http://a..b/", b"https://h:443/", b"http://h/ x",
           b"http://" + b"a" * 256 + b"/", b"ftp://h/", b"http:/h/", b"HTTP://h/", b"http://h./",
           b"http://.h/", b"http:///", b"http://u@h/", b"httpx://h/", b"http://h/\x7f"]
    assert _canonical(_sort_keys(bad)).tolist() == [False] * len(bad)


def test_long_and_short_keys_mixed() -> None:
    """Bands, dense columns and per-key tails: lengths from 9 to 5000 bytes in one chunk."""
    rnd = random.Random(7)
    items: list[bytes | Request] = []
    for i in range(400):
        length = rnd.choice([rnd.randint(1, 40), rnd.randint(100, 300), rnd.randint(1000, 5000)])
        path = bytes(rnd.choice(b"abcdefXYZ0123/._~%\xe9") for _ in range(length))
        items.append(b"http://h%d.example/" % (i % 7) + path)
    array = CarpArray.from_members([("a", 1), ("b", 2), ("c", 3), ("d", 1)])
    check(array, items)
    check(CarpArray((Member("a", 1, (CarpKeyPart.PATH,)), Member("b", 2))), items)


def test_mixed_chunk_of_urls_connects_and_accelerated_requests() -> None:
    items: list[bytes | Request] = []
    for i in range(200):
        items.append(b"http://h%d.example/%d" % (i % 9, i))
        items.append(Request.connect(b"h%d.example:%d" % (i % 7, 400 + i)))
        if i % 10 == 0:
            items.append(Request.connect(b"H%d.example" % i))
            items.append(Request.accelerated(b"/a/%d" % i, host=b"site.example"))
    array = CarpArray.from_members([("a", 1), ("b", 2), ("c", 1)])
    check(array, items, chunk_size=97)
    check(array, items, frozenset({"b"}))


def test_collapsed_arrays() -> None:
    items: list[bytes | Request] = [b"http://www.example.com/%d" % i for i in range(300)]
    one_zero = CarpArray.from_members([("a", 1), ("b", 1000), ("c", 1000)])
    result = route_batch(one_zero, items)
    assert set(result.owners.tolist()) == {1}
    assert set(route_batch(one_zero, items, frozenset({"b"})).owners.tolist()) == {NO_OWNER}
    two_zero = CarpArray.from_members([("a", 1), ("b", 1), ("c", 3000)])
    assert route_batch(two_zero, items).no_owner == 300


def test_result_helpers_and_progress() -> None:
    array = CarpArray.from_members([("a", 1), ("b", 1)])
    seen: list[tuple[int, int]] = []
    items: list[bytes | Request] = [b"http://x/1", b"http://x:/bad", b"http://x/2"]
    engine = BatchEngine(array, chunk_size=2)
    result = engine.route(items, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(2, 3), (3, 3)]
    assert len(result) == 3
    assert result.not_routable == 1
    assert int(result.counts().sum()) == 2
    assert result.owner(1) is None
    assert isinstance(result.owners, np.ndarray)


def test_route_keys_checks_its_input() -> None:
    engine = BatchEngine(CarpArray((Member("a", 1, (CarpKeyPart.HOST,)), Member("b", 1))))
    with pytest.raises(ValueError):
        engine.route_keys({(): [b"x"]})
    owners = engine.route_keys({(CarpKeyPart.HOST,): [b"h"], (): [b"http://h/"]})
    assert owners.tolist() == [scalar(engine.array, b"http://h/", frozenset())]
