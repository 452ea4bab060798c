"""Ranking, fall-back order and down members."""

from __future__ import annotations

import math

import pytest

from squidcarp.carp.array import CarpArray, Member
from squidcarp.carp.url import NotRoutable

ARRAY = CarpArray.from_members([("cache1.example.net", 1), ("cache2.example.net", 2),
                                ("cache3.example.net", 1)])
URLS = [f"http://www.example.com/{i}".encode() for i in range(200)]


def test_ranking_is_score_order_with_owner_first() -> None:
    for url in URLS:
        ranking = ARRAY.ranking(url)
        scores = [s.score for s in ranking.entries]
        assert scores == sorted(scores, reverse=True)
        assert ranking.owner == ranking.entries[0].member == ARRAY.owner(url)
        assert sorted(s.position for s in ranking.evaluation) == [0, 1, 2]


@pytest.mark.parametrize("depth", [1, 2])
def test_down_members_fall_back_along_the_ranking(depth: int) -> None:
    for url in URLS:
        plain = ARRAY.ranking(url)
        down = frozenset(s.member.label for s in plain.entries[:depth])
        expected = plain.entries[depth].member
        assert ARRAY.owner(url, down) == expected
        ranked = ARRAY.ranking(url, down)
        assert ranked.owner == expected
        assert ranked.entries[0].member == expected
        assert [s.down for s in ranked.entries] == [False] * (3 - depth) + [True] * depth


def test_everything_down_means_no_owner() -> None:
    down = frozenset(m.label for m in ARRAY.members)
    assert ARRAY.owner(URLS[0], down) is None
    assert ARRAY.ranking(URLS[0], down).owner is None


def test_evaluation_keeps_squids_order_and_keys() -> None:
    uri, evaluation = ARRAY.evaluate(b"HTTP://WWW.Example.COM:80/")
    assert uri.effective == b"http://www.example.com/"
    assert [s.member.label for s in evaluation] == [
        "cache1.example.net", "cache3.example.net", "cache2.example.net"]
    assert all(s.key == b"http://www.example.com/" for s in evaluation)
    assert all(s.score == s.combined_hash * s.multiplier for s in evaluation)


def test_not_routable_raises() -> None:
    with pytest.raises(NotRoutable) as info:
        ARRAY.owner(b"http://www.example.com:/port")
    assert info.value.reason == "invalid port"


def test_never_winning_members_rank_last() -> None:
    array = CarpArray.from_members([("a", 1), ("b", 1000), ("c", 1000)])
    ranking = array.ranking(b"http://x/")
    assert [s.member.label for s in ranking.entries] == ["b", "a", "c"]
    assert [s.eligible for s in ranking.entries] == [True, False, False]
    assert math.isinf(ranking.entries[0].score)


def test_member_lookup_is_case_insensitive() -> None:
    assert ARRAY.member("CACHE2.example.net").label == "cache2.example.net"
    with pytest.raises(KeyError):
        ARRAY.member("nope")


def test_bytes_and_str_names_hash_alike() -> None:
    a = CarpArray.from_members([Member("caché", 1), Member("b", 1)])
    b = CarpArray.from_members([Member("caché".encode(), 1), Member(b"b", 1)])
    assert [s.hash for s in a.states] == [s.hash for s in b.states]
    assert a.owner(URLS[0]) is not None
    assert b"\xc3\xa9" in a.members[0].name_bytes


def test_empty_array_routes_nothing() -> None:
    empty = CarpArray(())
    assert empty.owner(URLS[0]) is None
