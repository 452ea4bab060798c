"""Cache manager page parsers, on pages recorded from Squid 5.7 (no Squid needed)."""

from __future__ import annotations

import math

import pytest

from squidcarp.proto import cachemgr
from squidcarp.proto.cachemgr import CacheManagerError
from squidcarp.proto.errors import DecodeError
from tests.proto.golden import GOLDEN


def page(name: str) -> str:
    return (GOLDEN / "cachemgr" / name).read_text(encoding="utf-8")


CARP_PAGE = """\
                Hostname       Hash Multiplier     Factor     Actual
                   alpha   f2c69b1e   0.793701   0.166667  -1.000000
                    Beta   7d1b7887   1.024663   0.333333  -1.000000
               caché-γ   1286f224   1.229596   0.500000  -1.000000
"""

# weights 1,1000,1000: one load factor floors to 0, so multipliers 0, inf, nan (recorded)
CARP_DEGENERATE = """\
                Hostname       Hash Multiplier     Factor     Actual
                       a   f4c82f93   0.000000   0.000000  -1.000000
                       b   219479f7        inf   0.499750  -1.000000
                       c   4e40c45a        nan   0.499750  -1.000000
"""

SERVER_LIST = """\

Parent     : alpha
Host       : 127.0.0.21/37983/0
Flags      : no-query no-digest carp connection-auth=auto tls-disable
Address[0] : 127.0.0.21
Status     : Up
FETCHES    : 3
OPEN CONNS : 0
AVG RTT    : 0 msec
IGNORED    :        0   0%
keep-alive ratio: 0%

Parent     : Beta
Host       : 127.0.0.22/52039/0
Flags      : no-query no-digest carp weight=2 connection-auth=auto tls-disable
Address[0] : 127.0.0.22
Status     : Down
FETCHES    : 0
"""


def test_parse_carp_page() -> None:
    rows = cachemgr.parse_carp(CARP_PAGE)
    assert [(r.name, r.hash) for r in rows] == [
        ("alpha", 0xF2C69B1E),
        ("Beta", 0x7D1B7887),
        ("caché-γ", 0x1286F224),
    ]
    assert [r.factor for r in rows] == [0.166667, 0.333333, 0.5]
    assert rows[0].multiplier == 0.793701 and rows[0].actual == -1.0


def test_parse_carp_page_with_inf_and_nan() -> None:
    a, b, c = cachemgr.parse_carp(CARP_DEGENERATE)
    assert a.multiplier == 0.0
    assert math.isinf(b.multiplier)
    assert math.isnan(c.multiplier)


def test_parse_carp_rejects_other_pages() -> None:
    with pytest.raises(CacheManagerError) as caught:
        cachemgr.parse_carp("<html>403</html>")
    assert (caught.value.offset, caught.value.line) == (0, 1)
    bad_row = CARP_PAGE.replace("7d1b7887", "zz")
    with pytest.raises(CacheManagerError) as caught:
        cachemgr.parse_carp(bad_row)
    assert caught.value.line == 3
    assert caught.value.offset == CARP_PAGE.index("                    Beta")
    assert isinstance(caught.value, DecodeError)


def test_parse_server_list() -> None:
    alpha, beta = cachemgr.parse_server_list(SERVER_LIST)
    assert (alpha.kind, alpha.name, alpha.host, alpha.http_port, alpha.icp_port) == (
        "Parent", "alpha", "127.0.0.21", 37983, 0)
    assert alpha.up and not beta.up
    assert alpha.fetches == 3
    assert "weight=2" in beta.flags
    assert alpha.field("AVG RTT") == "0 msec" and alpha.field("PINGS SENT") is None
    assert cachemgr.parse_server_list("There are no neighbors installed.\n") == ()


def test_parse_server_list_recorded() -> None:
    (origin,) = cachemgr.parse_server_list(page("server_list.txt"))
    assert (origin.kind, origin.name, origin.host, origin.http_port, origin.status) == (
        "Parent", "origin", "127.0.0.200", 46855, "Up")
    assert origin.addresses == ("127.0.0.200",) and origin.fetches == 42
    assert origin.flags == ("no-query", "no-digest", "originserver", "connection-auth=auto",
                            "tls-disable")


def test_parse_server_list_with_a_multicast_group() -> None:
    group, one, two, three = cachemgr.parse_server_list(page("server_list_multicast.txt"))
    assert (group.kind, group.name, group.host, group.http_port, group.icp_port) == (
        "Multicast Group", "239.255.42.7", "239.255.42.7", 3128, 3130)
    assert (group.status, group.field("LAST REPLY"), group.up) == ("Down", "none received", False)
    assert group.flags == ("no-digest", "no-netdb-exchange", "ttl=1", "connection-auth=auto",
                           "tls-disable")
    assert group.field("Last failed connect() at") == "02/Dec/2026:07:10:29 +0000"
    assert [(p.kind, p.name, p.up) for p in (one, two, three)] == [
        ("Sibling", "member1", True), ("Sibling", "member2", True), ("Sibling", "member3", True)]
    assert "multicast-responder" in one.flags and "multicast-responder" not in three.flags
    assert one.field("PINGS ACKED") == "0   0%"


def test_parse_server_list_bad_host_line() -> None:
    text = SERVER_LIST.replace("127.0.0.22/52039/0", "127.0.0.22/x/0")
    with pytest.raises(CacheManagerError) as caught:
        cachemgr.parse_server_list(text)
    assert caught.value.line == 14
    assert caught.value.reason.startswith("line 14: bad Host line '127.0.0.22/x/0' in peer "
                                          "block 'Beta'")


def test_parse_info_recorded() -> None:
    info = cachemgr.parse_info(page("info.txt"))
    assert info.version == "5.7"
    assert [s.title for s in info.sections] == [
        "", "Connection information for squid", "Cache information for squid",
        "Median Service Times (seconds)  5 min    60 min", "Resource usage for squid",
        "Memory accounted for", "File descriptor usage for squid", "Internal Data Structures",
    ]
    first = info.sections[0]
    assert first.get("Start Time") == "Wed, 02 Dec 2026 06:45:41 GMT"
    assert first.get("Build Info") == "Debian linux"
    assert (info.uptime_seconds, info.clients, info.http_requests) == (44.5, 2.0, 44.0)
    assert (info.icp_received, info.icp_sent, info.htcp_received, info.htcp_sent) == (
        8.0, 8.0, 9.0, 8.0)
    assert (info.file_descriptors_in_use, info.file_descriptors_max) == (14.0, 20000.0)
    assert info.store_entries == 93.0
    assert info.number("on-disk objects") == 39.0
    assert info.hit_ratio() == (0.0, 0.0)
    assert info.hit_ratio("Hits as % of bytes sent") == (-0.0, -0.0)
    assert info.value("Select loop called") == "376 times, 118.351 ms avg"
    assert info.section("Median") is not None
    assert info.section("Median").get("ICP Queries") == "0.00000  0.00000"  # type: ignore[union-attr]
    assert info.value("no such key") is None and info.hit_ratio("no such key") is None


def test_parse_info_rejects_other_pages() -> None:
    with pytest.raises(CacheManagerError) as caught:
        cachemgr.parse_info("Counters:\nsample_time = 1.2\n")
    assert caught.value.line == 1
    broken = page("info.txt").replace("Internal Data Structures:\n", "Internal Data Structures\n")
    with pytest.raises(CacheManagerError) as caught:
        cachemgr.parse_info(broken)
    assert caught.value.reason == ("line 57: neither a section title nor an entry: "
                                   "'Internal Data Structures'")
    assert caught.value.offset == broken.index("Internal Data Structures")


def test_parse_counters_recorded() -> None:
    counters = cachemgr.parse_counters(page("counters.txt"))
    # "1796193942.54782" is tv_sec and an unpadded tv_usec: 54782 microseconds
    assert counters.sample_time == 1796193942.054782
    assert counters["client_http.requests"] == 45
    assert counters["icp.pkts_sent"] == 8 and counters["icp.replies_sent"] == 8
    assert counters["cd.msgs_sent"] == 0
    assert counters["cpu_time"] == 0.09662 and counters["wall_time"] == 44.211214
    assert isinstance(counters["swap.outs"], int) and counters["swap.outs"] == 40
    assert counters.get("nope") is None and len(counters.as_dict()) == len(counters.values)
    with pytest.raises(KeyError):
        counters["nope"]


def test_parse_counters_errors() -> None:
    with pytest.raises(CacheManagerError) as caught:
        cachemgr.parse_counters("client_http.requests = 4\n")
    assert caught.value.reason.startswith("line 1: not a mgr:counters page (no sample_time)")
    with pytest.raises(CacheManagerError) as caught:
        cachemgr.parse_counters("sample_time = 1.2 (x)\nicp.pkts_sent = lots\n")
    assert caught.value.reason == "line 2: counter icp.pkts_sent is not a number: 'lots'"
    assert caught.value.offset == len("sample_time = 1.2 (x)\n")
    with pytest.raises(CacheManagerError) as caught:
        cachemgr.parse_counters("<html>\n")
    assert caught.value.reason == "line 1: not a 'name = value' line: '<html>'"


def test_parse_store_digest_recorded() -> None:
    report = cachemgr.parse_store_digest(page("store_digest.txt"))
    assert report == cachemgr.StoreDigestReport(
        size_bytes=58, count=90, capacity=92, entries_util_percent=98, deletion_attempts=0,
        bits_per_entry=5, bits_on=250, bit_capacity=464, bits_util_percent=54,
        bit_sequences=233, bit_sequence_avg_length=1.99, added=90, rejected=2,
        rejected_percent=2.17, deleted=0, add_collision_percent=0.0,
        reject_collision_percent=0.0)


def test_parse_store_digest_without_a_digest() -> None:
    assert cachemgr.parse_store_digest("") is None
    assert cachemgr.parse_store_digest("store digest: disabled.\n") is None


def test_parse_store_digest_errors() -> None:
    text = page("store_digest.txt")
    with pytest.raises(CacheManagerError) as caught:
        cachemgr.parse_store_digest(text.replace("on: 250", "on: many"))
    assert caught.value.line == 4
    assert caught.value.offset == text.index("\t bits:")
    cut = "".join(text.splitlines(keepends=True)[:3])
    with pytest.raises(CacheManagerError) as caught:
        cachemgr.parse_store_digest(cut)
    assert caught.value.reason == "line 4: the mgr:store_digest page ends after 3 of 7 lines"
    with pytest.raises(CacheManagerError) as caught:
        cachemgr.parse_store_digest(text + "extra\n")
    assert caught.value.reason == "line 8: unexpected line after the report: 'extra'"
