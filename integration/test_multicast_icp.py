"""Multicast ICP, only inside private network namespaces, with the package's own ICP client.

* One namespace: a Squid with ``mcast_groups`` answers ``squidcarp icp query --group`` sent to
  its group, and a group it did not join stays silent.
* A bridged mesh (integration/harness/mesh.py): three member Squids, each in a namespace of its
  own with its own address, join one group. One query from the hub gets three replies, from three
  distinct members; and a Squid in the hub configured with a ``multicast`` peer and the members
  as ``multicast-responder`` siblings counts them, queries the group and fetches a URL one
  member holds from that member (SIBLING_HIT in its access log).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from integration.harness import NetNamespace, SquidFactory, SquidNode
from integration.harness.ledger import Ledger
from integration.harness.local import NodeTools
from integration.harness.mesh import Mesh, bridged_mesh
from integration.harness.ports import free_udp_port
from integration.harness.pytest_plugin import require
from integration.harness.render import HELPERS_DIR, REPO_ROOT
from integration.harness.topology import AccessLogEntry, Endpoint
from squidcarp.proto.cachemgr import PeerStatus, parse_server_list

GROUP = "239.255.42.7"
OTHER_GROUP = "239.255.42.8"  # nobody joined it: the control
ICP_PORT = 3130  # inside private namespaces any port is free
HTTP_PORT = 3128
ORIGIN_PORT = 8080
NS_REQUEST = HELPERS_DIR / "ns_request.py"
ORIGIN_SCRIPT = REPO_ROOT / "integration" / "harness" / "origin.py"
ANSWERS = {"HIT", "MISS", "MISS_NOFETCH"}


def squidcarp_in(ns: NetNamespace, *args: str, timeout: float = 60.0) -> tuple[int, str, str]:
    """``python -m squidcarp ARGS`` run inside ``ns`` (a namespace only changes the network)."""
    done = ns.run([sys.executable, "-m", "squidcarp", *args], timeout=timeout)
    return done.returncode, done.stdout, done.stderr


# -- one namespace ---------------------------------------------------------------------------------

BODY = """
icp_port {{ icp_port }}
mcast_groups {{ group }}
icp_access allow harness_clients
icp_access deny all
"""


def test_squid_in_a_namespace_answers_an_icp_query_sent_to_its_group(
    netns: NetNamespace, squid_factory: SquidFactory
) -> None:
    icp_port = free_udp_port("127.0.0.1")  # the namespace is empty: any port is free there
    node = squid_factory(BODY, label="mcast", netns=netns.name, icp_port=icp_port, group=GROUP)

    query = ["icp", "query", "--json", "--ttl", "1", "--source", "127.0.0.9", "--wait", "1"]
    reply = None
    for _ in range(15):  # Squid joins the group once its ICP port is open
        code, out, err = squidcarp_in(netns, *query, "--group", f"{GROUP}:{icp_port}",
                                      "http://origin.test/mcast")
        reply = json.loads(out)
        if reply["responders"]:
            break
    assert reply is not None and code == 0, (err, node.cache_log())
    (responder,) = reply["responders"]
    assert responder["status"] in ANSWERS
    assert responder["port"] == icp_port
    assert (reply["url"], reply["ttl"]) == ("http://origin.test/mcast", 1)

    # A group Squid did not join gets no answer: the reply above came through the membership.
    code, out, _ = squidcarp_in(netns, *query, "--group", f"{OTHER_GROUP}:{icp_port}",
                                "http://origin.test/mcast")
    assert code == 1
    assert json.loads(out)["responders"] == []


# -- the bridged mesh ------------------------------------------------------------------------------

MEMBER_BODY = """
icp_port {{ icp_port }}
mcast_groups {{ group }}
acl mesh src {{ subnet }}.0/24
icp_access allow mesh
icp_access deny all
http_access allow mesh
"""

# The querier: the group as a `multicast` peer and the three members as `multicast-responder`
# siblings (never asked directly; their replies to the group are accepted).
#
# Squid waits for a group's replies only once it has counted the group's members, 10 s after
# start, and Squid 5.7 crashes as that count ends (see the test). Within those 10 s it waits
# for replies only from peers it asks directly and believes up, and stops at the first
# `n_replies_expected` replies (src/neighbors.cc neighborsUdpPing, src/peer_select.cc). The
# three `wait` siblings are that: member 3's HTTP port (so their TCP probe succeeds) with an ICP
# port nothing listens on, so they never answer; Squid then waits for three replies, more than
# the two MISSes that may reach it before member 1's HIT, which it acts on at once.
QUERIER_BODY = """
icp_port {{ icp_port }}
icp_query_timeout 3000
cache_peer {{ group }} multicast {{ http_port }} {{ icp_port }} ttl=1
{% for m in members %}
{% set options = "multicast-responder no-digest name=member" ~ m.index %}
cache_peer {{ m.address }} sibling {{ http_port }} {{ icp_port }} {{ options }}
{% endfor %}
{% for i in range(3) %}
{% set options = "no-digest name=wait" ~ i %}
cache_peer {{ members[2].address }} sibling {{ http_port }} {{ silent_port }} {{ options }}
{% endfor %}
never_direct allow all
acl mesh src {{ subnet }}.0/24
icp_access allow mesh
icp_access deny all
http_access allow mesh
"""
SILENT_ICP_PORT = ICP_PORT + 1


@pytest.fixture(scope="module")
def mesh(harness_tools: NodeTools, harness_ledger: Ledger) -> Iterator[Mesh]:
    """The mesh (``harness_tools`` first: without Squid this skips, or fails under CI)."""
    require(os.geteuid() == 0, "network namespaces need root")
    with bridged_mesh(3, harness_ledger) as made:
        yield made


@pytest.fixture(scope="module")
def members(mesh: Mesh, harness_tools: NodeTools) -> Iterator[list[SquidNode]]:
    factory = SquidFactory(harness_tools)
    subnet = mesh.hub_address.rsplit(".", 1)[0]
    try:
        nodes = [
            factory(MEMBER_BODY, label=f"member{m.index}", netns=m.ns.name, start=False,
                    listen=Endpoint(m.address, HTTP_PORT), hosts={"origin.test": mesh.hub_address},
                    icp_port=ICP_PORT, group=GROUP, subnet=subnet)
            for m in mesh.members
        ]
        for node in nodes:
            node.launch()
        for node in nodes:
            node.wait_ready()
        yield nodes
    finally:
        factory.stop_all()


@pytest.fixture(scope="module")
def origin_in_hub(mesh: Mesh) -> Iterator[str]:
    """The recording origin, run as a script in the hub: http://origin.test:8080/ to members."""
    process = subprocess.Popen(
        mesh.hub.argv(["python3", "-I", str(ORIGIN_SCRIPT), "--host", mesh.hub_address,
                       "--port", str(ORIGIN_PORT)]),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            probe = mesh.hub.run(["python3", "-I", "-c", (
                "import socket,sys;s=socket.socket();s.settimeout(1);"
                f"sys.exit(s.connect_ex(('{mesh.hub_address}',{ORIGIN_PORT})))")])
            if probe.returncode == 0:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the origin in the hub namespace did not start")
        yield f"http://origin.test:{ORIGIN_PORT}"
    finally:
        process.terminate()
        process.wait(10)


def request_in(ns: NetNamespace, proxy: str, url: str) -> dict[str, object]:
    done = ns.run(["python3", "-I", str(NS_REQUEST), proxy, str(HTTP_PORT), url], timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_one_group_query_gets_a_reply_from_each_of_three_members(
    mesh: Mesh, members: list[SquidNode]
) -> None:
    args = ["icp", "query", "--json", "--ttl", "1", "--wait", "1", "--expect", "3",
            "--source", mesh.hub_address, "--group", f"{GROUP}:{ICP_PORT}",
            "http://origin.test/mesh-query"]
    reply: dict[str, object] = {}
    for _ in range(15):  # members join the group once their ICP ports are open
        code, out, _ = squidcarp_in(mesh.hub, *args)
        reply = json.loads(out)
        if code == 0:
            break
    responders = reply["responders"]
    assert isinstance(responders, list)
    assert [(r["address"], r["port"]) for r in responders] == [
        (m.address, ICP_PORT) for m in mesh.members], [n.cache_log()[-2000:] for n in members]
    assert {r["status"] for r in responders} <= ANSWERS
    assert reply["duplicates"] == 0

    code, out, _ = squidcarp_in(mesh.hub, "icp", "query", "--ttl", "1", "--wait", "1",
                                "--source", mesh.hub_address, "--group", f"{GROUP}:{ICP_PORT}",
                                "http://origin.test/mesh-query")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (f"http://origin.test/mesh-query to {GROUP}:{ICP_PORT}, ttl 1, replies "
                        "within 1 s:")
    assert [line.split()[0] for line in lines[2:5]] == [
        f"{m.address}:{ICP_PORT}" for m in mesh.members]
    assert lines[5] == "  3 responders"


def test_a_squid_with_a_multicast_peer_fetches_from_the_responder_that_hits(
    mesh: Mesh, members: list[SquidNode], origin_in_hub: str, harness_tools: NodeTools,
) -> None:
    url = f"{origin_in_hub}/cacheable/mesh-hit"
    warmed = request_in(mesh.hub, mesh.members[0].address, url)
    assert warmed["status"] == 200

    factory = SquidFactory(harness_tools)
    try:
        querier = factory(QUERIER_BODY, label="querier", netns=mesh.hub.name,
                          listen=Endpoint(mesh.hub_address, HTTP_PORT),
                          hosts={"origin.test": mesh.hub_address}, icp_port=ICP_PORT,
                          http_port=HTTP_PORT, group=GROUP, members=mesh.members,
                          silent_port=SILENT_ICP_PORT, subnet=mesh.hub_address.rsplit(".", 1)[0])
        started = time.monotonic()
        peers = wait_for_peers(mesh, querier)
        assert [(p.kind, p.host, p.icp_port) for p in peers] == [
            ("Multicast Group", GROUP, ICP_PORT),
            *[("Sibling", m.address, ICP_PORT) for m in mesh.members],
            *[("Sibling", mesh.members[2].address, SILENT_ICP_PORT)] * 3]
        assert "multicast-responder" in peers[1].flags and "ttl=1" in peers[0].flags
        # the group can never pass Squid's TCP probe of GROUP:http_port: it stays "Down"
        assert peers[0].status == "Down" and peers[0].field("LAST REPLY") == "none received"

        served = request_in(mesh.hub, mesh.hub_address, url)
        assert time.monotonic() - started < 10, "too slow: Squid counts the group at 10 s"
        assert served["status"] == 200, (querier.access_log(), querier.cache_log()[-2000:])
        (entry,) = logged(querier, url, 1)
        assert (entry.result, entry.hierarchy, entry.server_address) == (
            "TCP_MISS/200", "SIBLING_HIT", mesh.members[0].address), querier.access_log()
        # member 1 is a responder, never asked directly: its ICP_QUERY came through the group;
        # it answered HIT and then served the object from its cache (after the warming fetch)
        warm, asked, fetched = ((e.result, e.method) for e in logged(members[0], url, 3))
        assert (warm, asked) == (("TCP_MISS/200", "GET"), ("UDP_HIT/000", "ICP_QUERY"))
        assert fetched in (("TCP_MEM_HIT/200", "GET"), ("TCP_HIT/200", "GET"))
        # members 2 and 3 got the group's query and answered MISS
        for member in members[1:]:
            assert [(e.result, e.method) for e in logged(member, url, 1)] == [
                ("UDP_MISS/000", "ICP_QUERY")]

        # Squid 5.7's member count ends by unlocking its fake store entry twice (once in
        # peerCountMcastPeersAbort, again in ~PeerSelector, src/neighbors.cc and
        # src/peer_select.cc): the querying Squid dies on an assertion right after logging it.
        counted = f"Group {GROUP}: 3 replies"
        deadline = time.monotonic() + 40
        while counted not in querier.cache_log() and time.monotonic() < deadline:
            time.sleep(0.25)
        log = querier.cache_log()
        assert counted in log, log[-3000:]
        while querier.running() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not querier.running()
        assert "assertion failed: store.cc:" in log[log.index(counted):] or (
            "assertion failed: store.cc:" in querier.cache_log())
        # what squidcarp lint says of that config beforehand (squid -k parse says nothing)
        from squidcarp.conf import read_config
        from squidcarp.lint.engine import LintOptions, lint

        found = [(d.code, d.line) for d in lint(read_config(querier.conf_path), LintOptions())
                 if d.code == "SC136"]
        assert len(found) == 1, found
    finally:
        factory.stop_all()


def logged(node: SquidNode, url: str, count: int, timeout: float = 10.0) -> list[AccessLogEntry]:
    """The node's access log entries for ``url`` once there are ``count`` (Squid writes its
    log a moment after answering), or what there is after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        entries = [e for e in node.access_entries() if e.url == url]
        if len(entries) >= count or time.monotonic() > deadline:
            return entries
        time.sleep(0.02)


def wait_for_peers(mesh: Mesh, querier: SquidNode) -> tuple[PeerStatus, ...]:
    """mgr:server_list from inside the hub until every sibling is up (their TCP probes)."""
    # absolute form naming Squid's visible_hostname: Squid answers it itself (src/internal.cc)
    page = f"http://{querier.label}:{HTTP_PORT}/squid-internal-mgr/server_list"
    deadline = time.monotonic() + 8
    while True:
        answer = request_in(mesh.hub, mesh.hub_address, page)
        peers = parse_server_list(str(answer["body"]))
        if (len(peers) == 7 and all(p.up for p in peers[1:])) or time.monotonic() > deadline:
            return peers
        time.sleep(0.1)
