"""The whole forwarding decision against live Squid 5.7: random arrays, random rules, every request.

Eight parents and an origin run for the module. For each of :data:`ARRAYS` seeded random configs
a frontend (one Squid, reconfigured between configs; restarted before Squid's five-minute
round-robin reset could run) gets CARP members with random weights (including weights whose
load factors collapse, so CARP picks nothing), sometimes a non-CARP ``default`` or
``round-robin`` parent, random ``cache_peer_access`` rules (dstdomain, url_regex,
urlpath_regex, port, method, any-of, all-of, negation), random ``always_direct`` /
``never_direct`` lines, ``prefer_direct``, ``nonhierarchical_direct`` and ``minimum_direct_rtt``
(netdb sends hosts seen before direct), and an accelerator port with or without
``allow-direct``. :data:`PER_ARRAY` requests (GET, CONNECT, accelerator) go
through it; for every one, the first entry of squidcarp's forwarding list (peer and hierarchy
code) must be what the frontend's access log shows Squid used, and a request squidcarp says
has no path must get Squid's error with ``HIER_NONE``.

A failure names the array's seed and shows the config and the disagreeing requests: run
``squidcarp route --config FILE --rr-start ...`` on the config written beside the report.
"""

from __future__ import annotations

import os
import random
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from integration.harness import LocalCarpArray
from integration.harness.cachemgr import server_list
from integration.harness.client import build_request, exchange
from integration.harness.local import NodeTools
from integration.harness.origin import HARNESS_ID_HEADER
from integration.harness.ports import free_tcp_port
from integration.harness.squid import SquidNode
from squidcarp.conf.reader import read_config
from squidcarp.forward import ForwardRequest, Router

ARRAYS = int(os.environ.get("SQUIDCARP_FORWARD_ARRAYS", "200"))  # fewer for a quick local run
PER_ARRAY = 50
SEED = 20261202
RESTART_AFTER = 240.0  # seconds: Squid resets round-robin counters 300 s after it starts
HOSTS = ("www.shop.test", "img.cdn.test", "a.cdn.test", "b.cdn.test", "news.test",
         "api.news.test", "video.stream.test", "x.other.test")
PATHS = ("", "index.html", "img/logo.png", "live/stream1", "nocache/x?y=1", "A/B/c.js",
         "LIVE/now")
WEIGHT_SETS = ((1, 1, 1), (1, 2, 3, 4), (5, 1), (10, 10, 30, 50), (1, 1000, 1000),
               (1, 1, 3000), (2, 2), (7,), (1, 1, 1, 1))


def acl_lines(origin_port: int) -> dict[str, str]:
    return {
        "dA": "dstdomain .cdn.test",
        "dB": "dstdomain www.shop.test news.test",
        "dC": "dstdomain .stream.test .other.test",
        "rA": "url_regex -i /live/",
        "rB": "url_regex \\.png$",
        "rC": "urlpath_regex ^/nocache",
        "pA": f"port {origin_port}",
        "pB": "port 1-1024",
        "mG": "method GET",
        "mC": "method CONNECT",
        "anyA": "any-of dA rB",
        "allA": "all-of dB mG",
    }


@dataclass(frozen=True)
class Sent:
    kind: str  # get, connect, accel
    target: bytes
    host: bytes | None


@dataclass
class Frontend:
    node: SquidNode
    accel_port: int
    started: float
    tools: NodeTools


def random_config(rnd: random.Random, array: LocalCarpArray, accel: str) -> tuple[str, list[str]]:
    """A frontend body and the peer names it defines."""
    assert array.placement is not None
    oport = array.placement.origin.port
    acls = acl_lines(oport)
    names = list(acls)
    weights = rnd.choice(WEIGHT_SETS)
    endpoints = list(array.placement.parents)
    rnd.shuffle(endpoints)
    lines = [f"acl {n} {v}" for n, v in acls.items()]
    # server_persistent_connections off: Squid logs the hierarchy code of the connection it
    # uses, and a pooled connection keeps the code of the request that opened it (a peer chosen
    # by FIRSTUP_PARENT once is logged FIRSTUP_PARENT again when CARP picks it later).
    lines += [f"acl SSL_ports port 443 {oport}", "http_access deny CONNECT !SSL_ports",
              "debug_options ALL,1 44,3 28,3", "server_persistent_connections off",
              "cache deny all", accel]
    peer_lines: list[tuple[str, str]] = []
    for i, weight in enumerate(weights):
        ep = endpoints.pop()
        name = rnd.choice(["c", "Cache-", "m"]) + f"{i}-{rnd.randrange(1000)}"
        peer_lines.append((name, f"cache_peer {ep.host} parent {ep.port} 0 carp "
                                 f"weight={weight} name={name} no-query no-digest"))
    extra = rnd.choice(["", "", "default", "round-robin", "round-robin2"])
    for j in range(2 if extra == "round-robin2" else (1 if extra else 0)):
        ep = endpoints.pop()
        name = f"x{j}-{rnd.randrange(1000)}"
        option = "default" if extra == "default" else "round-robin"
        peer_lines.append((name, f"cache_peer {ep.host} parent {ep.port} 0 {option} "
                                 f"weight={rnd.choice((1, 1, 3))} name={name} no-query "
                                 "no-digest"))
    if rnd.random() < 0.5:  # a parent with no selection method: first-up material
        ep = endpoints.pop()
        name = f"plain-{rnd.randrange(1000)}"
        peer_lines.insert(rnd.randrange(len(peer_lines) + 1),
                          (name, f"cache_peer {ep.host} parent {ep.port} 0 name={name} "
                                 "no-query no-digest"))
    peers = [name for name, _ in peer_lines]
    lines += [line for _, line in peer_lines]

    def rule(directive: str, peer: str | None = None) -> str:
        refs = [("!" if rnd.random() < 0.3 else "") + rnd.choice(names)
                for _ in range(rnd.choice((1, 1, 2)))]
        head = f"{directive} {peer}" if peer else directive
        return f"{head} {rnd.choice(('allow', 'deny'))} {' '.join(refs)}"

    for peer in peers:
        for _ in range(rnd.choice((0, 0, 1, 2))):
            lines.append(rule("cache_peer_access", peer))
    for _ in range(rnd.choice((0, 0, 1, 2))):
        lines.append(rule("always_direct"))
    nd = rnd.choice(("none", "all", "rule", "rules"))
    if nd == "all":
        lines.append("never_direct allow all")
    elif nd != "none":
        for _ in range(1 if nd == "rule" else 2):
            lines.append(rule("never_direct"))
    lines.append(f"prefer_direct {rnd.choice(('on', 'off', 'off'))}")
    # 0 turns off netdb's "go direct to hosts seen before" (see squidcarp.forward.select)
    lines.append(f"minimum_direct_rtt {rnd.choice((0, 400))}")
    lines.append(f"nonhierarchical_direct {rnd.choice(('on', 'on', 'off'))}")
    return "\n".join(lines) + "\n", peers


def random_requests(rnd: random.Random, origin_port: int) -> list[Sent]:
    out = []
    for _ in range(PER_ARRAY):
        host = rnd.choice(HOSTS)
        path = rnd.choice(PATHS)
        kind = rnd.choices(("get", "connect", "accel"), (6, 2, 2))[0]
        authority = f"{host}:{origin_port}".encode()
        if kind == "get":
            out.append(Sent(kind, b"http://" + authority + b"/" + path.encode(), None))
        elif kind == "connect":
            out.append(Sent(kind, authority, None))
        else:
            out.append(Sent(kind, b"/" + path.encode(), authority))
    return out


def reconfigure(node: SquidNode, squid: str) -> None:
    subprocess.run([squid, "-n", node.service_name, "-f", str(node.conf_path), "-k",
                    "reconfigure"], check=True, capture_output=True, timeout=30)


def wait_peers(node: SquidNode, names: list[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    wanted = sorted(n.lower() for n in names)
    while True:
        try:
            peers = server_list(node.address, node.port)
        except Exception:  # the port is being reopened by the reconfigure
            peers = ()
        if sorted(p.name.lower() for p in peers) == wanted and all(p.up for p in peers):
            return
        if time.monotonic() >= deadline:
            raise TimeoutError(f"peers {names} not all up: {peers}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def backend(carp_array) -> LocalCarpArray:  # type: ignore[no-untyped-def]
    # Eight parents that forward anything to the origin; their own frontend is not used.
    return carp_array([(f"backend{i}", 1) for i in range(8)], origin_names=HOSTS)


@pytest.fixture(scope="module")
def frontend(backend: LocalCarpArray, harness_tools: NodeTools) -> Iterator[Frontend]:
    assert backend.placement is not None
    node, _ = harness_tools.new_node("fwd-frontend",
                                     type(backend.placement.frontend)(
                                         *harness_tools.allocator.endpoint()))
    accel_port = free_tcp_port(node.address)
    holder = Frontend(node, accel_port, 0.0, harness_tools)
    try:
        yield holder
    finally:
        holder.node.stop()


def served(node: SquidNode, sent: Sent, accel_port: int, harness_id: str) -> tuple[str, str]:
    headers: list[tuple[str, str | bytes]] = []
    port = node.port
    if sent.kind == "accel":
        port = accel_port
        assert sent.host is not None
        headers.append(("Host", sent.host))
    elif sent.kind == "get":
        headers.append(("Host", sent.target.split(b"/")[2]))
    if sent.kind != "connect":
        headers.append(("Connection", "close"))
    headers.append((HARNESS_ID_HEADER, harness_id))
    method = "CONNECT" if sent.kind == "connect" else "GET"
    exchange(node.address, port, build_request(method, sent.target, headers),
             expect_body=method != "CONNECT")
    entry = node.wait_access(harness_id, 10.0)
    return entry.hierarchy, f"{entry.server_address}:{entry.server_port}"


def test_first_forwarding_entry_is_what_squid_used(backend: LocalCarpArray, frontend: Frontend,
                                                  harness_note, tmp_path: Path) -> None:
    assert backend.placement is not None
    rnd = random.Random(SEED)
    origin = backend.placement.origin
    node = frontend.node
    renderer = frontend.tools.renderer
    hosts = "".join(f"{origin.host} {h}\n" for h in HOSTS)
    squid = frontend.tools.squid
    agree = total = 0
    netdb: set[str] = set()
    failures: list[str] = []
    counts: dict[str, int] = {}
    from integration.harness.local import node_context

    context = node_context("fwd-frontend", node.workdir, type(origin)(node.address, node.port))
    for index in range(ARRAYS):
        seed = rnd.randrange(1 << 30)
        arnd = random.Random(seed)
        allow_direct = arnd.random() < 0.3
        accel = (f"http_port {node.address}:{frontend.accel_port} accel vhost "
                 f"defaultsite=www.shop.test:{origin.port}"
                 + (" allow-direct" if allow_direct else ""))
        body, peers = random_config(arnd, backend, accel)
        node.write(renderer.node(context, body), hosts)
        fresh = (not node.running() or time.monotonic() - frontend.started > RESTART_AFTER)
        if fresh:
            if node.running():
                node.stop()
                node, _ = frontend.tools.new_node("fwd-frontend", type(origin)(
                    node.address, node.port))
                frontend.node = node
                context = node_context("fwd-frontend", node.workdir,
                                       type(origin)(node.address, node.port))
                node.write(renderer.node(context, body), hosts)
            node.start()
            frontend.started = time.monotonic()
        else:
            reconfigure(node, squid)
        wait_peers(node, peers)
        config = read_config(node.conf_path).config
        # netdb outlives a reconfigure (not a restart): the new Router starts with its hosts.
        router = Router(config, rr_start="start" if fresh else "reconfigure",
                        netdb_hosts=() if fresh else netdb)
        address_of = {p.name: f"{p.host}:{p.http_port}" for p in config.peers}
        problems = []
        for n, sent in enumerate(random_requests(arnd, origin.port)):
            method = "CONNECT" if sent.kind == "connect" else "GET"
            decision = router.decide(ForwardRequest(
                sent.target, method, sent.host, client="127.0.0.1",
                port=None if sent.kind != "accel" else str(frontend.accel_port)))
            hier, server = served(node, sent, frontend.accel_port, f"a{index}r{n}-{seed}")
            total += 1
            if decision.error is not None or not decision.certain:
                expected = ("HIER_NONE", "-:-") if decision.error else ("(depends)", "")
            elif decision.first is None:
                expected = ("HIER_NONE", "-:-")
            elif decision.first.peer is None:
                expected = (decision.first.hier, f"{origin.host}:{origin.port}")
            else:
                expected = (decision.first.hier, address_of[decision.first.peer])
            got = (hier, server)
            counts[hier] = counts.get(hier, 0) + 1
            if got == expected:
                agree += 1
            else:
                who = next((p.name for p in config.peers
                            if f"{p.host}:{p.http_port}" == server), server)
                problems.append(f"  request {n}: {method} {sent.target!r} host={sent.host!r}: "
                                f"predicted {expected} ({decision.first}), Squid used "
                                f"{got} ({who})")
        netdb = set(router.state.pinged)
        if problems:
            (tmp_path / f"array-{index}.cache.log").write_text(node.cache_log())
            saved = tmp_path / f"array-{index}-seed-{seed}.conf"
            saved.write_bytes(node.conf_path.read_bytes())
            failures.append(f"array {index} (seed {seed}, rr-start "
                            f"{'start' if fresh else 'reconfigure'}, config {saved}):\n"
                            + "\n".join(problems[:8]) + "\n--- config body ---\n" + body)
    harness_note(f"forwarding decision vs Squid: {agree}/{total} first entries agree over "
                 f"{ARRAYS} random arrays; Squid logged {dict(sorted(counts.items()))}")
    assert not failures, (f"{agree}/{total} agree; {len(failures)} arrays disagree:\n"
                          + "\n\n".join(failures[:5]))
