"""Distribution and disruption numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from squidcarp.carp.analysis import (
    AddMember,
    RemoveMember,
    Rename,
    Reweight,
    apply_changes,
    disruption,
    distribution,
)
from squidcarp.carp.array import CarpArray
from squidcarp.carp.batch import route_batch
from squidcarp.carp.url import Request

URLS: list[bytes | Request] = [b"http://www.example.com/%d" % i for i in range(3000)]
URLS.append(b"http://bad:/x")
EQUAL = CarpArray.from_members(["alpha", "beta", "gamma"])


def test_distribution() -> None:
    d = distribution(EQUAL, route_batch(EQUAL, URLS))
    assert (d.total, d.routed, d.no_owner, d.not_routable) == (3001, 3000, 0, 1)
    assert [m.name for m in d.members] == ["alpha", "beta", "gamma"]
    assert sum(m.count for m in d.members) == 3000
    assert sum(m.share for m in d.members) == pytest.approx(1.0)
    assert all(m.expected_share == pytest.approx(1 / 3) for m in d.members)
    assert all(abs(m.share - 1 / 3) < 0.04 for m in d.members)


def test_adding_last_in_evaluation_order_moves_only_to_the_new_member() -> None:
    """Equal weights: the new member is evaluated last, earlier hashes are untouched."""
    after, identity = apply_changes(EQUAL, [AddMember("delta", 1)])
    before_r, after_r = route_batch(EQUAL, URLS), route_batch(after, URLS)
    d = disruption(EQUAL, before_r, after, after_r, identity)
    new_count = int(after_r.counts()[3])
    assert d.moved == d.minimum == new_count
    assert d.requests == 3000
    assert d.ideal_share == pytest.approx(0.25)


def test_removing_the_last_evaluated_member_moves_only_its_requests() -> None:
    after, identity = apply_changes(EQUAL, [RemoveMember("GAMMA")])
    before_r = route_batch(EQUAL, URLS)
    d = disruption(EQUAL, before_r, after, route_batch(after, URLS), identity)
    assert d.moved == d.minimum == int(before_r.counts()[2])


def test_removing_an_earlier_member_reshuffles_the_rest() -> None:
    """Squid's running hash is not reset between members: later members' hashes change."""
    after, identity = apply_changes(EQUAL, [RemoveMember("alpha")])
    d = disruption(EQUAL, route_batch(EQUAL, URLS), after, route_batch(after, URLS), identity)
    assert d.moved > d.minimum


def test_rename_has_a_zero_minimum_but_moves() -> None:
    after, identity = apply_changes(EQUAL, [Rename("beta", "beta2")])
    assert identity == {"alpha": "alpha", "beta": "beta2", "gamma": "gamma"}
    d = disruption(EQUAL, route_batch(EQUAL, URLS), after, route_batch(after, URLS), identity)
    assert d.ideal_share == 0.0
    assert d.minimum < d.moved
    assert d.minimum_share < 0.05


def test_reweight() -> None:
    after, identity = apply_changes(EQUAL, [Reweight("alpha", 2)])
    assert [m.weight for m in after.members] == [2, 1, 1]
    d = disruption(EQUAL, route_batch(EQUAL, URLS), after, route_batch(after, URLS), identity)
    assert d.ideal_share == pytest.approx(0.5 - 1 / 3)
    assert d.moved >= d.minimum > 0


def test_unknown_member_in_a_change() -> None:
    with pytest.raises(ValueError, match="no CARP member"):
        apply_changes(EQUAL, [RemoveMember("nope")])
    with pytest.raises(ValueError, match="specified twice"):
        apply_changes(EQUAL, [AddMember("ALPHA", 1)])


def test_change_labels() -> None:
    assert [str(c) for c in (AddMember("a", 2), RemoveMember("b"), Reweight("c", 3),
                             Rename("d", "e"))] == ["add a:2", "remove b", "reweight c:3",
                                                    "rename d:e"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=5), st.integers(0, 4),
       st.integers(1, 5))
def test_moved_is_never_below_the_minimum(weights: list[int], which: int, w: int) -> None:
    array = CarpArray.from_members([(f"m{i}", x) for i, x in enumerate(weights)])
    target = array.members[which % len(array.members)].label
    for change in (AddMember("new", w), Reweight(target, w), RemoveMember(target),
                   Rename(target, "renamed")):
        after, identity = apply_changes(array, [change])
        d = disruption(array, route_batch(array, URLS[:400]), after,
                       route_batch(after, URLS[:400]), identity)
        assert d.minimum <= d.moved <= d.requests
        assert 0.0 <= d.ideal_share <= 1.0
