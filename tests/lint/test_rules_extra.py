"""Subtle rule behaviours the fire/clean fixtures do not pin down: Squid's prefix matching of
carp-key parts, inet_aton-style multicast literals, thresholds, version gating and message facts."""

from __future__ import annotations

import pytest

from squidcarp.conf import ReadOptions, read_bytes
from squidcarp.conf.model import CarpKeyPart
from squidcarp.libc import inet_aton
from squidcarp.lint.diagnostic import Diagnostic, Severity
from squidcarp.lint.engine import LintOptions, lint
from squidcarp.lint.rules.multicast_peer_address import dotted, is_multicast

HEAD = "http_port 127.0.0.1:3128\n"


def run(text: str, code: str, version: str = "5") -> list[Diagnostic]:
    result = read_bytes((HEAD + text).encode("utf-8"), "t.conf", ReadOptions(cwd="/"))
    return lint(result, LintOptions(select=frozenset({code}), squid_version=version))


def brief(diagnostics: list[Diagnostic]) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.severity.value) for d in diagnostics]


# --- SC104 carp-key parts ------------------------------------------------------------------------

PEER = "cache_peer 127.0.0.1 parent 3901 0 carp carp-key="  # the value starts at column 50


@pytest.mark.parametrize(("value", "expected", "says"), [
    ("host,port,path", [], ""),
    ("hostname", [(2, 50, "warning")], "read as 'host'"),
    ("portx", [(2, 50, "warning")], "read as 'port'"),
    ("paths", [(2, 50, "warning")], "read as 'path'"),
    ("params2", [(2, 50, "warning")], "read as 'params'"),
    ("hostport", [(2, 50, "warning")], "missing comma"),
    ("path,pathparams", [(2, 55, "warning")], "'params' is NOT part of the key"),
    ("host,host", [(2, 55, "warning")], "names 'host' again"),
    ("param", [(2, 50, "error")], "invalid carp-key 'param'"),
    ("", [(2, 50, "error")], "an empty part"),
    ("host,,path", [(2, 55, "error")], "invalid carp-key ',path'"),
    ("foo,host", [(2, 50, "error")], "invalid carp-key 'foo,host'"),
])
def test_carp_key_parts_follow_squid_prefix_matching(value: str, expected: list[tuple[int, int,
                                                     str]], says: str) -> None:
    got = run(f"{PEER}{value}\n", "SC104")
    assert brief(got) == expected
    if says:
        assert says in got[0].message


def test_repeated_carp_key_options_merge_and_repeats_are_seen_across_them() -> None:
    text = f"{PEER}host carp-key=path carp-key=hostname\n"
    got = run(text, "SC104")
    assert brief(got) == [(2, 78, "warning")]
    assert "names 'host' again" in got[0].message
    peer = read_bytes((HEAD + text).encode(), "t.conf").config.peers[0]
    assert peer.carp_key is not None
    assert peer.carp_key.ordered() == (CarpKeyPart.HOST, CarpKeyPart.PATH)


def test_quoted_carp_key_points_at_the_token() -> None:
    got = run("configuration_includes_quoted_values on\n"
              'cache_peer 127.0.0.1 parent 3901 0 carp "carp-key=hostname"\n', "SC104")
    assert brief(got) == [(3, 41, "warning")]


# --- SC130/SC134 multicast literals --------------------------------------------------------------

@pytest.mark.parametrize(("text", "address"), [
    ("224.0.0.1", "224.0.0.1"),
    ("224.1", "224.0.0.1"),          # a.b: b fills three bytes
    ("224.1.2", "224.1.0.2"),        # a.b.c: c fills two bytes
    ("224.65536", "224.1.0.0"),
    ("0xe0.0.0.1", "224.0.0.1"),     # hex part
    ("0340.0.0.1", "224.0.0.1"),     # octal part
    ("3758096385", "224.0.0.1"),     # one 32-bit number
    ("00", "0.0.0.0"),
    ("239.255.255.255", "239.255.255.255"),
])
def test_ipv4_literals_as_inet_aton_reads_them(text: str, address: str) -> None:
    value = inet_aton(text)
    assert value is not None and dotted(value) == address


@pytest.mark.parametrize("text", ["224.0.0.256", "224..1", "224.0.0.1.", "1.2.3.4.5", "08",
                                  "0x", "0x.1", "4294967296", "", "+224.1", "224.0.0.1a",
                                  "ff02::1", "group.example.net"])
def test_not_ipv4_literals(text: str) -> None:
    assert inet_aton(text) is None


@pytest.mark.parametrize(("host", "expected"), [
    ("224.0.0.0", []),
    ("239.255.255.255", []),
    ("224.1", []),
    ("0xef.1.1.1", []),
    ("223.255.255.255", [(2, 12, "error")]),
    ("240.0.0.0", [(2, 12, "error")]),   # class E is not multicast
    ("ff02::1", [(2, 12, "error")]),
    ("group.example.net", [(2, 12, "warning")]),
])
def test_multicast_peer_address(host: str, expected: list[tuple[int, int, str]]) -> None:
    assert brief(run(f"cache_peer {host} multicast 3128 3130 ttl=1\n", "SC130")) == expected


def test_multicast_boundaries() -> None:
    assert not is_multicast(inet_aton("223.255.255.255") or 0)
    assert is_multicast(inet_aton("224.0.0.0") or 0)
    assert is_multicast(inet_aton("239.255.255.255") or 0)
    assert not is_multicast(inet_aton("240.0.0.0") or 0)


def test_mcast_groups_accepts_short_forms_and_flags_the_rest() -> None:
    got = run("icp_port 3130\nmcast_groups 224.1 0xe0.0.0.2 240.0.0.1 ::ffff:224.0.0.1\n", "SC134")
    assert brief(got) == [(3, 31, "error"), (3, 41, "error")]  # unjoinable: the SC130 trap
    assert "unicast address 240.0.0.1" in got[0].message
    assert "IPv6" in got[1].message


def test_ttl_that_is_not_a_number_is_left_to_peer_bungled() -> None:
    assert run("cache_peer 239.255.1.1 multicast 3128 3130 ttl=abc\n", "SC131") == []
    assert brief(run("cache_peer 239.255.1.1 multicast 3128 3130 ttl=+4\n", "SC131")) == []


# --- multicast responders and ICP ----------------------------------------------------------------

def test_responder_without_any_group_is_a_warning() -> None:
    got = run("cache_peer 127.0.0.1 sibling 3901 3130 multicast-responder name=a\n", "SC133")
    assert brief(got) == [(2, 40, "warning")]
    assert "no multicast peer is declared" in got[0].message


def test_carp_parent_queried_while_own_icp_port_is_zero_names_the_log_line() -> None:
    got = run("cache_peer 127.0.0.1 parent 3901 3130 carp name=a\n", "SC140")
    assert brief(got) == [(2, 34, "warning")]
    assert "ICP is disabled! Cannot send ICP request to peer." in got[0].message


def test_htcp_only_clr_peers_are_queried_by_icp() -> None:
    got = run("icp_port 3130\ncache_peer 127.0.0.1 parent 3901 3130 carp htcp=only-clr name=a\n",
              "SC140")
    assert len(got) == 1 and "gets ICP queries" in got[0].message


def test_weight_counts_for_parents_this_squid_queries_by_icp() -> None:
    peer = "cache_peer 127.0.0.1 parent 3901 3130 name=a weight=3\n"
    assert run("icp_port 3130\n" + peer, "SC123") == []
    assert brief(run(peer, "SC123")) == [(2, 46, "info")]


def test_sibling_made_parent_by_domain_uses_its_weight_with_round_robin() -> None:
    text = ("cache_peer 127.0.0.1 sibling 3901 0 name=a weight=3 round-robin\n"
            "neighbor_type_domain a parent .example.com\n")
    assert run(text, "SC123") == []


# --- weights ---------------------------------------------------------------------------------

def _carp(weights: list[int]) -> str:
    return "".join(f"cache_peer 127.0.0.1 parent {3901 + i} 0 carp name=p{i} weight={w}\n"
                   for i, w in enumerate(weights))


@pytest.mark.parametrize(("weights", "expected"), [
    ([2**29, 2**29], []),                                   # exactly 2^30
    ([2**29, 2**29 + 1], [(3, 1, "warning")]),
    ([2**31 - 2, 1], [(2, 1, "warning")]),                  # INT_MAX itself still fits
    ([2**31 - 1, 1], [(3, 1, "error")]),
    ([2**30, 2**30, 2**30], [(3, 1, "error")]),             # reported where it overflows
])
def test_carp_weight_sum_thresholds(weights: list[int],
                                    expected: list[tuple[int, int, str]]) -> None:
    assert brief(run(_carp(weights), "SC122")) == expected


def test_equal_weights_are_reported_once_at_the_second_member() -> None:
    got = run(_carp([1, 1, 1]), "SC124")
    assert brief(got) == [(3, 1, "info")]
    assert "'p0', 'p1', 'p2'" in got[0].message


def test_a_long_tie_names_ten_members_and_counts_the_rest() -> None:
    (got,) = run(_carp([1] * 25), "SC124")
    names = ", ".join(f"'p{i}'" for i in range(10))
    assert got.message.startswith(f"CARP members {names} and 15 more all have weight 1: ")


def test_clamped_weights_tie_with_real_ones() -> None:
    got = run(_carp([0, 1]), "SC124")  # weight=0 becomes 1 in Squid
    assert brief(got) == [(3, 1, "info")]


# --- peer options ----------------------------------------------------------------------------

@pytest.mark.parametrize(("option", "severity", "says"), [
    ("Tls-Cafile=/etc/ssl/ca.pem", "error", "case-sensitive"),
    ('"carp"', "error", "quotes are part of the word"),
    ("Connection-Auth=off", "error", "case-sensitive"),
    ("NAME=Cache1", "error", "is not 'name=Cache1'"),
    ("connection-auth=OFF", "error", "is not 'connection-auth=off'"),  # exact-match values
    ("\\ ", "warning", "does not continue the line"),
    ("no-qeury", "error", "did you mean 'no-query'"),  # a routing option: not harmless
    ("front-end-https=OFF", "warning", "unknown option"),
])
def test_unknown_peer_option_kinds(option: str, severity: str, says: str) -> None:
    got = run(f"cache_peer 127.0.0.1 parent 3901 0 name=a {option}\n", "SC106")
    assert [d.severity.value for d in got] == [severity]
    assert says in got[0].message


def test_legacy_options_belong_to_sc107_in_any_2x_case() -> None:
    text = "cache_peer 127.0.0.1 parent 3901 0 name=a Carp-Load-Factor=0.5 MONITORURL=http://x/\n"
    assert run(text, "SC106") == []
    assert brief(run(text, "SC107")) == [(2, 43, "warning"), (2, 64, "warning")]
    assert run(text, "SC108") == []  # SC108 takes only the exact 2.5 spelling


def test_legacy_options_are_gated_by_version() -> None:
    text = "cache_peer 127.0.0.1 parent 3901 0 name=a monitorurl=http://x/ http11\n"
    assert brief(run(text, "SC107", "2.6")) == [(2, 64, "warning")]  # http11 is 2.7 only
    assert run(text, "SC107", "2.7") == []
    assert len(run(text, "SC107", "6")) == 2


def test_repeated_tri_state_and_tls_options() -> None:
    text = ("cache_peer 127.0.0.1 parent 3901 0 name=a connection-auth=off connection-auth=on "
            "tls-cafile=/a tls-cafile=/b tls-domain=x tls-domain=y\n")
    got = run(text, "SC125")
    assert [d.column for d in got] == [63, 123]
    assert all("keeps only the last value" in d.message for d in got)


def test_obsolete_directives_that_still_stop_squid() -> None:
    got = run("sslproxy_cafile\nurl_rewrite_concurrency abc\nignore_ims_on_miss on\n"
              "url_rewrite_concurrency 2\n", "SC002")
    assert brief(got) == [(2, 1, "error"), (3, 1, "error"), (4, 1, "warning"), (5, 1, "warning")]
    assert "SIGSEGV" in got[0].message


def test_prefer_direct_with_partial_never_direct_still_warns() -> None:
    text = ("prefer_direct on\nacl local dstdomain .example.com\nnever_direct allow local\n"
            "cache_peer 127.0.0.1 parent 3901 0 carp name=a\n")
    assert brief(run(text, "SC142")) == [(2, 1, "warning")]


def test_name_bytes_rule_ignores_non_carp_peers_and_reports_both_problems() -> None:
    text = ("cache_peer 127.0.0.1 parent 3901 0 name=Café\n"
            "cache_peer 127.0.0.1 parent 3902 0 carp name=Café-2\n")
    got = run(text, "SC112")
    assert sorted(d.severity for d in got) == sorted([Severity.WARNING, Severity.INFO])
    assert {d.line for d in got} == {3}


def test_carp_name_upper_case_means_ascii_letters() -> None:
    """Squid's name lookups fold ASCII letters only: 'É' is no upper-case spelling of 'é'."""
    found = run("cache_peer 127.0.0.1 parent 3128 0 carp name=\u00c9t\u00e9\n"
                "cache_peer 127.0.0.2 parent 3128 0 carp name=Abc\n", "SC112")
    assert [(d.line, d.severity) for d in found] == [  # line 1 is the HEAD's http_port
        (2, Severity.WARNING), (3, Severity.INFO)]
    assert "spells it 'abc'" in found[1].message


# --- SC121 load factors that floor to 0 ----------------------------------------------------------

def test_each_member_whose_factor_floors_to_zero_is_reported() -> None:
    """Two light members among heavy ones: each is a weight to raise, each on its line."""
    got = run(_carp([1, 5000, 1, 5000]), "SC121")
    assert [(d.line, d.column, d.message) for d in got] == [
        (2, 1, "CARP member 'p0' has weight 1 of 10002 (less than 1/1000): 2 members' load "
               "factors floor to 0, so every CARP score is NaN and CARP never picks a parent"),
        (4, 1, "CARP member 'p2' has weight 1 of 10002 (less than 1/1000): 2 members' load "
               "factors floor to 0, so every CARP score is NaN and CARP never picks a parent")]


def test_one_light_member_names_the_member_that_owns_every_url() -> None:
    (got,) = run(_carp([1000, 1, 999]), "SC121")
    assert (got.line, got.message) == (
        3, "CARP member 'p1' has weight 1 of 2000 (less than 1/1000): its load factor floors to "
           "0, so 'p2' (the next member by weight) gets an infinite multiplier and owns every URL")


@pytest.mark.parametrize(("weights", "expected"), [
    ([1] * 1000, []),           # 1/1000 each: floor(1000 * 0.001) is 1, nothing floors
    ([1] * 1001, [(2, 1)]),     # every factor floors to 0: the array, once, at its first member
    ([3] * 1000 + [2] * 2, [(2, 1)]),  # 3000 of 3004 is not 1/1000 either: every member
])
def test_an_array_where_every_factor_floors_is_reported_once(
        weights: list[int], expected: list[tuple[int, int]]) -> None:
    got = run(_carp(weights), "SC121")
    assert [(d.line, d.column) for d in got] == expected
    if got:
        total, heaviest = sum(weights), max(weights)
        assert got[0].message == (
            f"every one of the {len(weights)} CARP members has a weight under 1/1000 of the "
            f"total {total} (the largest is {heaviest}), so every load factor floors to 0, "
            "every CARP score is NaN and CARP never picks a parent: CARP spreads over 1000 "
            "members of equal weight at most")
