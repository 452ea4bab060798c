"""Multicast ICP inside a private network namespace: Squid answers a query sent to its group."""

from __future__ import annotations

import json

from integration.harness import NetNamespace, SquidFactory
from integration.harness.ports import free_udp_port
from integration.harness.render import HELPERS_DIR

QUERIER = HELPERS_DIR / "icp_query.py"
GROUP = "239.255.42.7"
OTHER_GROUP = "239.255.42.8"  # nobody joined it: the control
ICP_HIT, ICP_MISS, ICP_MISS_NOFETCH = 2, 3, 21  # RFC 2186 §8, Squid's icp_opcode.h

BODY = """
icp_port {{ icp_port }}
mcast_groups {{ group }}
icp_access allow harness_clients
icp_access deny all
"""


def query(ns: NetNamespace, group: str, port: int, timeout: float) -> tuple[int, str]:
    argv = ["python3", "-I", str(QUERIER), "--to", group, "--port", str(port)]
    argv += ["--url", "http://origin.test/mcast", "--source", "127.0.0.9", "--reqnum", "777"]
    done = ns.run([*argv, "--timeout", str(timeout)], timeout=timeout + 20)
    return done.returncode, done.stdout


def test_squid_in_a_namespace_answers_an_icp_query_sent_to_its_group(
    netns: NetNamespace, squid_factory: SquidFactory
) -> None:
    icp_port = free_udp_port("127.0.0.1")  # the namespace is empty: any port is free there
    node = squid_factory(BODY, label="mcast", netns=netns.name, icp_port=icp_port, group=GROUP)

    code, out = query(netns, GROUP, icp_port, timeout=15)
    assert code == 0, node.cache_log()
    reply = json.loads(out)
    assert reply["opcode"] in (ICP_HIT, ICP_MISS, ICP_MISS_NOFETCH)
    assert reply["version"] == 2
    assert reply["reqnum"] == 777
    assert reply["url"] == "http://origin.test/mcast"
    assert reply["from"].endswith(f":{icp_port}")

    # A group Squid did not join gets no answer: the reply above came through the membership.
    code, _ = query(netns, OTHER_GROUP, icp_port, timeout=1.5)
    assert code == 1
