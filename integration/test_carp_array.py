"""A live CARP array: which parent Squid picks, per URL, and that it picks the same again."""

from __future__ import annotations

import collections
from collections.abc import Callable

import pytest

from integration.harness import LocalCarpArray, ServedBy
from integration.harness.pytest_plugin import CarpArrayFactory

# Mixed case and non-ASCII on purpose: CARP hashes names byte for byte.
PARENTS = [("alpha", 1), ("Beta", 2), ("caché-γ", 3)]
URLS = [f"http://origin.test/objects/{i:03d}/item-{i * 7919 % 1000}.html" for i in range(300)]


@pytest.fixture(scope="module")
def array(carp_array: CarpArrayFactory) -> LocalCarpArray:
    return carp_array(PARENTS, accel_defaultsite="www.example.com")


def route_all(array: LocalCarpArray) -> list[ServedBy]:
    return [array.request(url) for url in URLS]


def test_weights_1_2_3_split_300_urls_and_repeat_exactly(
    array: LocalCarpArray, harness_note: Callable[[str], None]
) -> None:
    first = route_all(array)
    assert all(s.status == 200 and s.hierarchy == "CARP" for s in first)
    counts = collections.Counter(s.parent_name for s in first)
    shares = ", ".join(f"{name} (weight {w}): {counts[name]}" for name, w in PARENTS)
    print(f"per-parent counts of {len(URLS)} URLs: {shares}")
    harness_note(f"per-parent counts of {len(URLS)} URLs: {shares}")
    assert set(counts) == {name for name, _ in PARENTS}
    assert sum(counts.values()) == 300
    assert counts["alpha"] < counts["caché-γ"]  # weight 1 vs 3: about 50 vs 150

    # Every request reached the origin through the frontend and the parent the log names.
    origin = array.origin
    for served in first:
        (seen,) = origin.by_harness_id(served.harness_id)
        assert served.parent_index is not None
        hostname = array.spec.parent_hostname(served.parent_index)
        assert seen.via == f"1.1 frontend (squid/5.7), 1.1 {hostname} (squid/5.7)"

    second = route_all(array)
    assert [s.parent_name for s in second] == [s.parent_name for s in first]


def test_mgr_carp_lists_the_peers_with_their_load_factors(array: LocalCarpArray) -> None:
    rows = array.mgr_carp()
    assert [r.name for r in rows] == [name for name, _ in PARENTS]
    names = [r.name.encode("utf-8", "surrogateescape") for r in rows]
    assert names == [p.spec.name_bytes for p in array.parents]  # "caché-γ" as UTF-8 bytes
    assert [round(r.factor, 6) for r in rows] == [0.166667, 0.333333, 0.5]
    assert all(r.multiplier > 0 for r in rows)


def test_server_list_shows_every_parent_up(array: LocalCarpArray) -> None:
    peers = array.mgr_server_list()
    assert [(p.name, p.kind, p.up) for p in peers] == [(n, "Parent", True) for n, _ in PARENTS]
    assert all("carp" in p.flags for p in peers)
    placed = [(p.endpoint.host, p.endpoint.port, 0) for p in array.parents]
    assert [(p.host, p.http_port, p.icp_port) for p in peers] == placed
    assert [p.addresses for p in peers] == [(host,) for host, _, _ in placed]


def test_connect_is_tunnelled_through_a_carp_parent(array: LocalCarpArray) -> None:
    target = f"origin.test:{array.origin.port}"
    served = array.request(target, method="CONNECT")
    assert served.status == 200
    assert served.hierarchy == "CARP"
    assert served.parent_name in {name for name, _ in PARENTS}
    assert served.access is not None and served.access.url == target
    assert array.request(target, method="CONNECT").parent_name == served.parent_name


def test_accelerator_port_routes_by_host_header(array: LocalCarpArray) -> None:
    served = array.request("/accel/page", headers={"Host": "WWW.Example.COM"}, port="accel")
    assert served.status == 200
    assert served.hierarchy == "CARP"
    assert served.access is not None
    assert served.access.url == "http://www.example.com/accel/page"
    (seen,) = array.origin.by_harness_id(served.harness_id)
    assert seen.request_line == b"GET /accel/page HTTP/1.1"


def test_raw_high_bytes_reach_the_origin_unchanged(array: LocalCarpArray) -> None:
    raw = b"GET http://origin.test/caf\xe9/\xff%41?q=\x80 HTTP/1.1\r\nHost: origin.test\r\n"
    served = array.raw_request(raw + b"Connection: close\r\n\r\n")
    assert served.status == 200
    assert served.parent_name is not None
    (seen,) = array.origin.by_harness_id(served.harness_id)
    assert seen.request_line == b"GET /caf\xe9/\xff%41?q=\x80 HTTP/1.1"


def test_carp_key_host_sends_every_path_of_a_host_to_one_parent(
    carp_array: CarpArrayFactory,
) -> None:
    keyed = carp_array([("k-one", 1, "host"), ("k-two", 1, "host"), ("k-three", 1, "host")])
    one_host = {keyed.request(f"http://origin.test/p/{i}").parent_name for i in range(30)}
    assert len(one_host) == 1
    many_hosts = {keyed.request(f"http://h{i}.example/p").parent_name for i in range(30)}
    assert len(many_hosts) > 1


def test_requests_squid_rejects_are_reported_without_a_parent(array: LocalCarpArray) -> None:
    # An empty port: Squid answers 400 before parsing headers, so the log line has no tag.
    bad_url = array.request("http://www.example.com:/port")
    assert (bad_url.status, bad_url.parent_name, bad_url.access) == (400, None, None)
    # A CONNECT port outside SSL_ports: denied (403) before CARP, logged with the tag.
    denied = array.request("www.example.org:25", method="CONNECT")
    assert (denied.status, denied.parent_name) == (403, None)
    assert denied.access is not None and denied.access.hierarchy == "HIER_NONE"
