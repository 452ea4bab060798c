"""The published vectors and worked examples of the reference notes (§4), digit for digit."""

from __future__ import annotations

import math

import pytest

from squidcarp.carp.array import CarpArray, Member, load_factors, load_multipliers
from squidcarp.carp.hash import (
    MASK32,
    accumulate,
    char_value,
    combine,
    peer_hash,
    rotl32,
)
from squidcarp.carp.url import Request

# draft-vinod-carp-v1-03 / Wessels, Web Caching, App. C (reference §4 "Checks").
PUBLISHED_HASHES = [
    ("test1.ircache.net", 0x96010320),
    ("test2.web-cache.com", 0x84965F0F),
    ("test3.squid-cache.org", 0x4F5D7332),
    ("test4.packet-pushers.com", 0xA79AF670),
]


@pytest.mark.parametrize(("name", "expected"), PUBLISHED_HASHES)
def test_published_member_hashes(name: str, expected: int) -> None:
    assert peer_hash(name.encode()) == expected


def test_published_single_pass_url_hash() -> None:
    assert accumulate(b"http://www.squid-cache.org/") == 0x16073A01


def test_published_multipliers() -> None:
    array = CarpArray.from_members([(n, w) for (n, _), w in zip(PUBLISHED_HASHES, (1, 1, 2, 3),
                                                                strict=True)])
    got = [round(s.multiplier, 6) for s in array.states]
    assert got == [0.869442, 0.869442, 1.064844, 1.242318]
    assert [s.member.label for s in array.states] == [n for n, _ in PUBLISHED_HASHES]


def test_rotl32() -> None:
    assert rotl32(0x80000000, 1) == 1
    assert rotl32(0x12345678, 8) == 0x34567812
    assert rotl32(0xFFFFFFFF, 19) == 0xFFFFFFFF
    assert rotl32(1, 31) == 0x80000000


def test_char_value_sign_extends_like_x86() -> None:
    assert char_value(0x41) == 0x41
    assert char_value(0x7F) == 0x7F
    assert char_value(0x80) == 0xFFFFFF80
    assert char_value(0xE9) == (0xE9 - 256) & MASK32
    assert char_value(0xE9, signed_char=False) == 0xE9
    with pytest.raises(ValueError):
        char_value(256)


def test_unsigned_char_changes_only_high_bytes() -> None:
    assert peer_hash(b"cache1", signed_char=False) == peer_hash(b"cache1")
    name = "caché-1".encode()
    assert peer_hash(name, signed_char=False) != peer_hash(name)


C1, C2, C3 = "cache1.example.net", "cache2.example.net", "cache3.example.net"


def test_worked_example_member_hashes() -> None:
    assert [peer_hash(n.encode()) for n in (C1, C2, C3)] == [0x43DBCD12, 0x2AD8EDAA, 0x4CDE2611]


# (weights c1,c2,c3), request, evaluation order, u after each pass, combined hashes, scores, owner
WORKED = [
    (
        (1, 1, 1), Request.get("http://www.example.com/"), (C1, C2, C3),
        (0xA31B69FA, 0xBAB127D4, 0x721DF1A6),
        (2383708811, 2258122975, 1027870138),
        ("2383708811.0", "2258122975.0", "1027870138.0"), C1,
    ),
    (
        (1, 2, 1), Request.get("http://www.example.com/index.html?lang=en"), (C1, C3, C2),
        (0x0E86DAD6, 0xFCFB1401, 0xC2670739),
        (2199183027, 1275428016, 844742938),
        ("1998090382.9", "1158803256.3", "1023333192.2"), C1,
    ),
    (
        (1, 2, 1), Request.connect("www.example.com:443"), (C1, C3, C2),
        (0xD6DE6596, 0x3416CF8A, 0x9A112820),
        (318967873, 3629794246, 3749744037),
        ("289801545.2", "3297886936.1", "4542491405.0"), C2,
    ),
]


@pytest.mark.parametrize(
    ("weights", "request_", "order", "passes", "combined", "scores", "owner"), WORKED,
    ids=["equal-root", "weighted-query", "weighted-connect"],
)
def test_worked_examples(
    weights: tuple[int, int, int], request_: Request, order: tuple[str, ...],
    passes: tuple[int, ...], combined: tuple[int, ...], scores: tuple[str, ...], owner: str,
) -> None:
    array = CarpArray.from_members(list(zip((C1, C2, C3), weights, strict=True)))
    assert tuple(s.member.label for s in array.states) == order
    _, evaluation = array.evaluate(request_)
    u = 0
    for s, expected_u in zip(evaluation, passes, strict=True):
        u = accumulate(s.key, u)
        assert u == expected_u
        assert combine(u, peer_hash(s.member.name_bytes)) == s.combined_hash
    assert tuple(s.combined_hash for s in evaluation) == combined
    assert tuple(f"{s.score:.1f}" for s in evaluation) == scores
    owned = array.owner(request_)
    assert owned is not None and owned.label == owner


def test_worked_example_2_multipliers_full_precision() -> None:
    array = CarpArray.from_members([(C1, 1), (C2, 2), (C3, 1)])
    assert [s.multiplier for s in array.states] == [
        0.9085602964160698, 0.9085602964160698, 1.2114137285547597]


def test_worked_example_2_with_equal_weights_goes_to_cache3() -> None:
    array = CarpArray.from_members([(C1, 1), (C2, 1), (C3, 1)])
    owner = array.owner("http://www.example.com/index.html?lang=en")
    assert owner is not None and owner.label == C3


def test_zero_factor_collapse_one_zero() -> None:
    # weights 1,1000,1000: 1*1000 < 2001, so the first factor floors to 0 (reference §4, §7).
    array = CarpArray.from_members([("a", 1), ("b", 1000), ("c", 1000)])
    table = {s.member.label: s for s in array.states}
    assert table["a"].load_factor == 0.0 and table["a"].multiplier == 0.0
    assert table["b"].multiplier == math.inf
    assert math.isnan(table["c"].multiplier)
    for i in range(50):
        url = f"http://www.example.com/{i}"
        owner = array.owner(url)
        assert owner is not None and owner.label == "b"
        assert array.owner(url, down=frozenset({"b"})) is None  # 0 and NaN never win


def test_zero_factor_collapse_two_zeros_picks_nothing() -> None:
    array = CarpArray.from_members([("a", 1), ("b", 1), ("c", 3000)])
    assert [s.load_factor for s in array.states][:2] == [0.0, 0.0]
    assert all(math.isnan(s.multiplier) for s in array.states[1:])
    for i in range(50):
        ranking = array.ranking(f"http://www.example.com/{i}")
        assert ranking.owner is None
        assert not any(s.eligible for s in ranking.entries)


def test_load_factor_floor_boundary() -> None:
    # weight*1000 == W keeps the factor (floor(1.0) == 1); one less weight unit per mille drops it.
    assert load_factors([1, 999]) == (0.001, 0.999)
    assert load_factors([1, 1000])[0] == 0.0


def test_multiplier_recurrence_equal_weights_is_one() -> None:
    assert load_multipliers([0.25] * 4) == (1.0, 1.0, 1.0, 1.0)


def test_weights_sort_stably() -> None:
    array = CarpArray.from_members([("z", 2), ("y", 1), ("x", 2), ("w", 1)])
    assert [s.member.label for s in array.states] == ["y", "w", "z", "x"]
    assert [s.config_index for s in array.states] == [1, 3, 0, 2]
    assert [s.member.label for s in array.table()] == ["z", "y", "x", "w"]


def test_member_validation() -> None:
    with pytest.raises(ValueError):
        Member("a", 0)
    with pytest.raises(ValueError):
        Member("a", 2**31)
    with pytest.raises(ValueError):
        Member("", 1)
    with pytest.raises(TypeError):
        Member("a", True)
    with pytest.raises(ValueError, match="specified twice"):
        CarpArray.from_members(["Foo", "foo"])
