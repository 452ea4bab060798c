"""Squid 5.7's peer selection, rule by rule: the exact forwarding list and why.

CARP owners here are the worked examples of the reference (src/carp.cc, verified on Squid 5.7):
with weights 1,2,1 ``http://www.example.com/index.html?lang=en`` ranks cache1 > cache3 > cache2
and ``CONNECT www.example.com:443`` ranks cache2 > cache3 > cache1; with 1,1,1
``http://www.example.com/`` goes to cache1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from squidcarp.carp.hash import accumulate, combine, peer_hash
from squidcarp.conf import read_bytes
from squidcarp.forward import Decision, ForwardRequest, Router, parse_hosts

PEERS = (
    "cache_peer 10.0.0.1 parent 3128 0 carp name=cache1.example.net weight=1 no-query no-digest\n"
    "cache_peer 10.0.0.2 parent 3128 0 carp name=cache2.example.net weight=2 no-query no-digest\n"
    "cache_peer 10.0.0.3 parent 3128 0 carp name=cache3.example.net weight=1 no-query no-digest\n"
)
QUIET = "pinger_enable off\nminimum_direct_rtt 0\n"  # no netdb in these cases unless asked
INDEX = b"http://www.example.com/index.html?lang=en"
C1, C2, C3 = "cache1.example.net", "cache2.example.net", "cache3.example.net"


def router(text: str, **kwargs: object) -> Router:
    return Router(read_bytes(text.encode(), "squid.conf").config, **kwargs)  # type: ignore[arg-type]


def hops(d: Decision) -> list[tuple[str | None, str]]:
    assert d.forwarding is not None, d.outcomes
    return [(h.peer, h.hier) for h in d.forwarding]


def decide(text: str, target: bytes = INDEX, method: str = "GET", **kwargs: object) -> Decision:
    return router(text).decide(ForwardRequest(target, method, **kwargs))  # type: ignore[arg-type]


def test_a_hierarchical_get_tries_carp_then_every_parent_then_direct() -> None:
    d = decide(QUIET + PEERS)
    assert hops(d) == [(C1, "CARP"), (C2, "ANY_OLD_PARENT"), (C3, "ANY_OLD_PARENT"),
                       (None, "HIER_DIRECT")]
    assert d.first is not None and d.first.reason == "CARP: the highest score"
    assert d.first.where == "squid.conf:3"
    assert d.carp_owner is not None and d.carp_owner.label == C1
    assert d.outcomes[0].direct == ""


def test_a_denied_member_hands_its_urls_to_the_next_in_ranking() -> None:
    d = decide(QUIET + PEERS + "acl all_urls url_regex .\n"
               "cache_peer_access cache1.example.net deny all_urls\n")
    assert hops(d) == [(C3, "CARP"), (C2, "ANY_OLD_PARENT"), (None, "HIER_DIRECT")]
    assert d.first is not None and d.first.reason == (
        "CARP: the highest score of the members Squid may use; cache1.example.net scores higher "
        "but cache_peer_access cache1.example.net deny all_urls (squid.conf:7)")
    assert d.first.where == "squid.conf:7"
    assert d.ranking is not None
    assert [(e.member.label, e.down) for e in d.ranking.entries] == [
        (C3, False), (C2, False), (C1, True)]


def test_a_down_member_is_skipped_the_same_way() -> None:
    d = router(QUIET + PEERS, down=["CACHE1.example.net"]).decide(ForwardRequest(INDEX))
    assert hops(d) == [(C3, "CARP"), (C2, "ANY_OLD_PARENT"), (None, "HIER_DIRECT")]
    assert d.first is not None and d.first.reason == (
        "CARP: the highest score of the members Squid may use; cache1.example.net scores higher "
        "but cache1.example.net is down")
    assert d.first.where == "squid.conf:5"


@pytest.mark.parametrize(("extra", "expected"), [
    ("", [(None, "HIER_DIRECT")]),
    ("nonhierarchical_direct off\n", [(C2, "CARP"), (C1, "ANY_OLD_PARENT"),
                                      (C3, "ANY_OLD_PARENT"), (None, "HIER_DIRECT")]),
    ("never_direct allow all\n", [(C2, "CARP"), (C1, "ANY_OLD_PARENT"),
                                  (C3, "ANY_OLD_PARENT")]),
])
def test_connect_is_not_hierarchical(extra: str, expected: list[tuple[str | None, str]]) -> None:
    d = decide(QUIET + PEERS + extra, b"www.example.com:443", "CONNECT")
    assert hops(d) == expected


def test_prefer_direct_puts_direct_first() -> None:
    d = decide(QUIET + PEERS + "prefer_direct on\n")
    assert hops(d) == [(None, "HIER_DIRECT"), (C1, "CARP"), (C2, "ANY_OLD_PARENT"),
                       (C3, "ANY_OLD_PARENT")]
    assert d.forwarding is not None and d.forwarding[0].reason == "prefer_direct on: DIRECT first"


def test_always_direct_is_the_exception_and_wins_over_never_direct() -> None:
    conf = (QUIET + PEERS + "acl exc dstdomain .example.com\nalways_direct allow exc\n"
            "never_direct allow all\n")
    d = decide(conf)
    assert hops(d) == [(None, "HIER_DIRECT")]
    assert d.first is not None and (d.first.reason, d.first.where) == (
        "always_direct allow exc", "squid.conf:7")
    assert (d.outcomes[0].direct, d.outcomes[0].direct_at is not None) == (
        "always_direct allow exc", True)
    other = decide(conf, b"http://www.example.org/")
    assert [h for _, h in hops(other)] == ["CARP", "ANY_OLD_PARENT", "ANY_OLD_PARENT"]
    assert other.outcomes[0].direct == "never_direct allow all"


def test_an_access_list_ending_in_deny_allows_everything_else() -> None:
    conf = QUIET + PEERS + "acl exc dstdomain .example.com\nalways_direct deny exc\n"
    assert [h for _, h in hops(decide(conf))] == ["CARP", "ANY_OLD_PARENT", "ANY_OLD_PARENT",
                                                  "HIER_DIRECT"]
    d = decide(conf, b"http://www.example.org/")
    assert hops(d) == [(None, "HIER_DIRECT")]
    assert d.first is not None and d.first.reason == (
        "always_direct: no line matches, so the implicit rule is the opposite of the last "
        "line's 'deny'")
    assert d.first.where == "squid.conf:7"


def test_an_accelerator_port_forbids_direct_unless_allow_direct() -> None:
    conf = QUIET + PEERS + "http_port 3128\nhttp_port 80 accel vhost defaultsite=www.example.com\n"
    d = decide(conf, b"/index.html?lang=en")
    assert d.uri is not None and d.uri.effective == INDEX
    assert hops(d) == [(C1, "CARP"), (C2, "ANY_OLD_PARENT"), (C3, "ANY_OLD_PARENT")]
    assert d.outcomes[0].direct == "accelerated request on http_port 80 without allow-direct"
    d = decide(conf.replace("defaultsite=www.example.com", "defaultsite=www.example.com "
                            "allow-direct"), b"/index.html?lang=en")
    assert [h for _, h in hops(d)][-1] == "HIER_DIRECT"
    assert decide(conf, b"/x", port="3128").error == (
        "accelerated request without Host and no defaultsite")


def test_a_forwarding_loop_goes_direct() -> None:
    d = decide(QUIET + PEERS + "never_direct deny all\n", loop=True)
    assert hops(d) == [(None, "HIER_DIRECT")]
    assert d.first is not None and d.first.reason == (
        "forwarding loop detected (Via names this Squid)")


def test_netdb_sends_the_second_request_to_a_host_direct() -> None:
    r = router("pinger_enable off\nnetdb_filename none\n" + PEERS)
    first = r.decide(ForwardRequest(b"http://192.0.2.1/a"))
    assert [h for _, h in hops(first)] == ["CARP", "ANY_OLD_PARENT", "ANY_OLD_PARENT",
                                           "HIER_DIRECT"]
    second = r.decide(ForwardRequest(b"http://192.0.2.1/b"))
    assert hops(second) == [(None, "HIER_DIRECT")]
    assert second.first is not None and second.first.reason == (
        "netdb: an earlier request was forwarded to 192.0.2.1, and Squid 5.7 starts every "
        "netdb entry with an RTT of 1 ms, within minimum_direct_rtt (400 ms)")
    other = r.decide(ForwardRequest(b"http://192.0.2.2/b"))
    assert other.first is not None and other.first.hier == "CARP"  # another host: no entry
    # a name only DNS resolves: the second request depends on it
    third = r.decide(ForwardRequest(b"http://unknown.example/"))
    assert third.certain
    again = r.decide(ForwardRequest(b"http://unknown.example/2"))
    assert not again.certain
    assert [str(a) for a in again.depends] == ["netdb has no RTT to unknown.example within "
                                               "minimum_direct_rtt (400 ms)"]


def test_netdb_state_with_the_default_state_file_depends() -> None:
    d = decide("pinger_enable off\n" + PEERS)
    assert not d.certain
    assert d.depends[0].reason == "netdb_filename may hold an entry for it from an earlier run"
    assert [o.forwarding[0].hier for o in d.outcomes] == ["CARP", "HIER_DIRECT"]


def test_hosts_file_names_resolve_for_netdb() -> None:
    r = router("pinger_enable off\nnetdb_filename none\n" + PEERS,
               hosts=parse_hosts(b"192.0.2.9 www.example.com\n"))
    r.decide(ForwardRequest(INDEX))
    assert hops(r.decide(ForwardRequest(INDEX))) == [(None, "HIER_DIRECT")]


@pytest.mark.parametrize(("weights", "expected"), [
    # two load factors floored to 0: every multiplier NaN, CARP picks nothing
    ((1, 1, 3000), [(C1, "FIRSTUP_PARENT"), (C2, "ANY_OLD_PARENT"), (C3, "ANY_OLD_PARENT")]),
    # one floored to 0: the next in weight order has an infinite multiplier and wins
    ((1, 1000, 1000), [(C2, "CARP"), (C1, "ANY_OLD_PARENT"), (C3, "ANY_OLD_PARENT")]),
])
def test_collapsed_load_factors(weights: tuple[int, int, int],
                                expected: list[tuple[str, str]]) -> None:
    peers = "".join(f"cache_peer 10.0.0.{i} parent 3128 0 carp name=cache{i}.example.net "
                    f"weight={w} no-query no-digest\n" for i, w in enumerate(weights, start=1))
    d = decide(QUIET + peers + "never_direct allow all\n")
    assert hops(d) == expected


RR = QUIET + "".join(f"cache_peer 10.0.0.{i} parent 3128 0 round-robin name=r{i} no-query\n"
                     for i in (1, 2, 3)) + "never_direct allow all\n"


@pytest.mark.parametrize(("start", "sequence"), [
    # after a start only the first cache_peer's counter is 1 (src/cache_cf.cc
    # peerClearRRStart runs while it is the only peer); a later peer wins a tie
    ("start", ["r3", "r2", "r3", "r2", "r1", "r3"]),
    ("reconfigure", ["r3", "r2", "r1", "r3", "r2", "r1"]),
    ("reset", ["r3", "r2", "r1", "r3", "r2", "r1"]),
])
def test_round_robin_counts_across_requests(start: str, sequence: list[str]) -> None:
    r = router(RR, rr_start=start)
    got = [r.decide(ForwardRequest(b"http://h/%d" % i)).first for i in range(6)]
    assert [(h.peer, h.hier) for h in got if h] == [(p, "ROUNDROBIN_PARENT") for p in sequence]


def test_round_robin_after_five_minutes_depends() -> None:
    r = router(RR)
    r.decide(ForwardRequest(b"http://h/", when=1000.0))
    later = r.decide(ForwardRequest(b"http://h/", when=1301.0))
    assert not later.certain
    assert sorted(o.forwarding[0].peer or "" for o in later.outcomes) == ["r1", "r2", "r3"]
    assert later.depends[0].reason == ("its counters are unknown after an undecided request, "
                                       "or Squid's five-minute reset has run")


def test_weighted_round_robin_steps_by_one_without_icp() -> None:
    conf = QUIET + "".join(f"cache_peer 10.0.0.{i} parent 3128 0 weighted-round-robin name=w{i} "
                           "no-query\n" for i in (1, 2)) + "never_direct allow all\n"
    r = router(conf, rr_start="reconfigure")
    assert [r.decide(ForwardRequest(b"http://h/")).first.peer for _ in range(4)] == [  # type: ignore[union-attr]
        "w2", "w1", "w2", "w1"]


def test_neighbor_type_domain_keeps_a_carp_member_out_of_the_other_lists() -> None:
    d = decide(QUIET + PEERS + "never_direct allow all\n"
               "neighbor_type_domain cache1.example.net sibling .example.com\n")
    # CARP ignores neighbor_type_domain (its members are fixed at start): cache1 still wins
    assert hops(d) == [(C1, "CARP"), (C2, "ANY_OLD_PARENT"), (C3, "ANY_OLD_PARENT")]
    d = decide(QUIET + PEERS + "never_direct allow all\n"
               "neighbor_type_domain cache2.example.net sibling .example.com\n")
    assert hops(d) == [(C1, "CARP"), (C3, "ANY_OLD_PARENT")]


def test_an_originserver_peer_tunnels_only_its_own_port() -> None:
    conf = QUIET + ("cache_peer 10.0.0.9 parent 8443 0 originserver name=origin no-query\n"
                    "never_direct allow all\n")
    assert hops(decide(conf, b"example.org:8443", "CONNECT")) == [("origin", "FIRSTUP_PARENT")]
    assert hops(decide(conf, b"example.org:443", "CONNECT")) == []


def test_forward_max_tries_cuts_the_list() -> None:
    assert len(hops(decide(QUIET + PEERS + "forward_max_tries 2\n"))) == 2


def test_sourcehash_hashes_the_client_address_once() -> None:
    conf = QUIET + "".join(f"cache_peer 10.0.0.{i} parent 3128 0 sourcehash name=s{i} no-query\n"
                           for i in (1, 2, 3)) + "never_direct allow all\n"
    d = decide(conf, client="10.1.2.3")
    u = accumulate(b"10.1.2.3")
    best = max(("s1", "s2", "s3"), key=lambda n: combine(u, peer_hash(n.encode())))
    assert d.first is not None and (d.first.peer, d.first.hier) == (best, "SOURCEHASH_PARENT")
    unknown = decide(conf)
    assert not unknown.certain
    assert sorted(o.forwarding[0].peer or "" for o in unknown.outcomes) == ["s1", "s2", "s3"]
    assert unknown.depends[0].reason == ("sourcehash parents hash the client address (give "
                                         "--client)")


def test_icp_and_digests_are_named_as_caveats() -> None:
    d = decide(QUIET + "cache_peer 10.0.0.1 parent 3128 3130 carp name=p\n")
    assert [c.subject for c in d.caveats] == ["cache digests", "ICP/HTCP replies"]
    assert not decide(QUIET + PEERS).caveats


def test_unknowable_acls_give_every_outcome() -> None:
    conf = (QUIET + PEERS + "acl night time 22:00-23:59\n"
            "cache_peer_access cache1.example.net deny night\n")
    d = decide(conf)
    assert not d.certain and d.forwarding is None and d.first is None
    assert [(str(a), a.reason) for a in d.depends] == [
        ("ACL 'night' does not match", "it tests the time of day (give --at)")]
    assert [[h.peer for h in o.forwarding][:1] for o in d.outcomes] == [[C1], [C3]]
    import datetime

    at = datetime.datetime(2026, 12, 2, 22, 30)
    assert hops(decide(conf, at=at))[0] == (C3, "CARP")
    assert hops(decide(conf, at=at.replace(hour=12)))[0] == (C1, "CARP")


def test_peer_names_given_to_down_must_exist(tmp_path: Path) -> None:
    from squidcarp.forward import UnknownPeer

    with pytest.raises(UnknownPeer, match="no cache_peer named 'nope'"):
        router(QUIET + PEERS, down=["nope"])
