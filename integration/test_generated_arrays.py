"""Arrays made by ``squidcarp generate``, run as real Squid 5.7 processes.

A two-layer array (2 frontends, 3 CARP parents) and a flat one (4 members) are written as array
files with 127.0.0.x addresses, generated, checked with ``squid -k parse`` (no ERROR, WARNING or
FATAL line) and started, one Squid per member. :data:`URLS` requests go through every entry
point (each frontend, each flat member). The origin records who fetched what:

* every URL that is not a CARP exception is fetched from the origin exactly once in all, by its
  CARP owner (a parent, or in the flat array the member whose intra port received it): no
  duplicates across members, no loops (every request answered 200);
* every CARP exception is fetched directly by the proxy that received it, each time;
* and for every request, ``Router`` over the generated config of the receiving node (what
  ``squidcarp route --array FILE --member NAME`` prints) names that same fetcher.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from integration.harness.cachemgr import server_list
from integration.harness.client import build_request, exchange
from integration.harness.local import NodeTools
from integration.harness.origin import HARNESS_ID_HEADER, OriginServer
from integration.harness.ports import free_tcp_port
from integration.harness.squid import SquidNode, stop_all
from integration.harness.topology import Endpoint
from squidcarp.conf import read_bytes
from squidcarp.forward import ForwardRequest, Router
from squidcarp.generate.arrayfile import load_array
from squidcarp.generate.nodes import render_array

URLS = 500
HOSTS = ("www.shop.test", "img.cdn.test", "news.test", "api.news.test")
EXCEPTION_HOST = "files.direct.test"


@dataclass
class Node:
    name: str
    role: str
    squid: SquidNode
    workdir: Path


def isolation(node: Node) -> str:
    """The lines every test Squid needs (running-squid-in-tests.md), as member extra lines."""
    w = node.workdir
    return "\n".join([
        f"pid_filename {w}/squid.pid", f"cache_log {w}/cache.log",
        "logformat harness %ts.%03tu %>a %Ss/%03>Hs %rm %Sh %<a %<p %{X-Harness-Id}>h %ru",
        f"access_log stdio:{w}/access.log harness", "cache_store_log none",
        f"coredump_dir {w}", "logfile_rotate 0", "shutdown_lifetime 0 seconds",
        "dns_nameservers 127.0.0.1", f"hosts_file {w}/hosts", "pinger_enable off",
        "netdb_filename none", f"tcp_outgoing_address {node.squid.address}",
        "strip_query_terms off"])


def yaml_block(text: str, indent: int) -> str:
    pad = " " * indent
    return "|\n" + "".join(f"{pad}{line}\n" for line in text.splitlines())


def write_array(path: Path, name: str, nodes: list[Node], topology: str,
                intra_port: int | None) -> None:
    lines = [f"name: {name}", f"topology: {topology}"]
    if intra_port is not None:
        lines.append(f"intra_port: {intra_port}")
    lines.append("members:")
    weights = {"parent": (1, 2, 3), "member": (1, 1, 2, 3)}
    carp_index = 0
    for node in nodes:
        lines.append(f"  - name: {node.name}")
        lines.append(f"    address: {node.squid.address}")
        lines.append(f"    http_port: {node.squid.port}")
        if topology == "two-layer":
            lines.append(f"    role: {node.role}")
        if node.role in ("parent", "member"):
            lines.append(f"    weight: {weights[node.role][carp_index]}")
            carp_index += 1
        lines.append(f"    extra: {yaml_block(isolation(node), 6)}")
    lines += ["exceptions:", f"  domains: [.direct.test]"]
    path.write_text("\n".join(lines) + "\n")


def hosts_text(origin: OriginServer) -> str:
    return "".join(f"{origin.host} {h}\n" for h in (*HOSTS, EXCEPTION_HOST))


def common_port(tools: NodeTools, addresses: list[str]) -> int:
    """One TCP port free on every address (the flat array's intra_port)."""
    import socket

    for _ in range(50):
        port = free_tcp_port(addresses[0])
        try:
            for addr in addresses[1:]:
                with socket.socket() as s:
                    s.bind((addr, port))
        except OSError:
            continue
        return port
    raise RuntimeError("no common free port")


def wait_all_up(node: SquidNode, count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        peers = server_list(node.address, node.port)
        if len(peers) == count and all(p.up for p in peers):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{node.label}: peers not up: {peers}")
        time.sleep(0.05)


@pytest.fixture
def origin(harness_tools: NodeTools) -> Iterator[OriginServer]:
    with OriginServer(harness_tools.allocator.address(), 0) as server:
        yield server


def start_array(tools: NodeTools, tmp_path: Path, origin: OriginServer, topology: str,
                roles: list[str], oracle) -> tuple[list[Node], dict[str, bytes], str]:  # type: ignore[no-untyped-def]
    nodes = []
    for i, role in enumerate(roles):
        address = tools.allocator.address()
        port = free_tcp_port(address)
        name = f"{role}{i}.array.test"
        squid, workdir = tools.new_node(name, Endpoint(address, port))
        nodes.append(Node(name, role, squid, workdir))
    intra = common_port(tools, [n.squid.address for n in nodes]) if topology == "flat" else None
    array_file = tmp_path / f"{topology}.yaml"
    write_array(array_file, topology.replace("-", ""), nodes, topology, intra)
    files = render_array(load_array(str(array_file)))
    for node in nodes:
        text = files[f"{node.name}/squid.conf"]
        result = oracle.parse_text(text.decode(), node.workdir)
        assert result.messages == () and result.exit_code == 0, (node.name, result.messages)
        node.squid.write(text.decode("utf-8", "surrogateescape"), hosts_text(origin))
    order = sorted(nodes, key=lambda n: n.role != "parent")  # parents first
    for node in order:
        node.squid.launch()
    for node in order:
        node.squid.wait_ready()
    carp = [n for n in nodes if n.role in ("parent", "member")]
    for node in nodes:
        if node.role in ("frontend", "member"):
            wait_all_up(node.squid, len(carp))
    return nodes, files, str(array_file)


def run_array(nodes: list[Node], files: dict[str, bytes], origin: OriginServer,
              harness_note, label: str) -> None:  # type: ignore[no-untyped-def]
    entries = [n for n in nodes if n.role in ("frontend", "member")]
    by_address = {n.squid.address: n for n in nodes}
    urls = [f"http://{HOSTS[i % len(HOSTS)]}:{origin.port}/cacheable/{label}/{i}"
            for i in range(URLS - 50)]
    urls += [f"http://{EXCEPTION_HOST}:{origin.port}/cacheable/{label}/x{i}" for i in range(50)]
    routers = {n.name: Router(read_bytes(files[f"{n.name}/squid.conf"], n.name).config)
               for n in entries}
    predicted: dict[tuple[str, str], str] = {}
    statuses: dict[int, int] = {}
    for entry in entries:
        for i, url in enumerate(urls):
            hid = f"{label}-{entry.name}-{i}"
            decision = routers[entry.name].decide(ForwardRequest(url.encode(), client="127.0.0.1"))
            assert decision.first is not None, (url, decision.outcomes)
            fetcher = entry.name if decision.first.peer is None else decision.first.peer
            predicted[(entry.name, url)] = fetcher
            request = build_request("GET", url, [("Host", url.split("/")[2]),
                                                 ("Connection", "close"),
                                                 (HARNESS_ID_HEADER, hid)])
            response = exchange(entry.squid.address, entry.squid.port, request)
            statuses[response.status] = statuses.get(response.status, 0) + 1
    assert statuses == {200: len(urls) * len(entries)}, statuses
    fetched: dict[str, list[str]] = {}
    for r in origin.requests():
        fetched.setdefault(r.target, []).append(by_address[r.client[0]].name)
    problems = []
    for url in urls:
        path = "/" + url.split("/", 3)[3]
        got = fetched.get(path, [])
        wanted = {predicted[(e.name, url)] for e in entries}
        if EXCEPTION_HOST in url:
            expect = sorted(e.name for e in entries)  # each entry point, directly
            if sorted(got) != expect or wanted != set(expect):
                problems.append(f"{url}: fetched by {got}, predicted {sorted(wanted)}")
        elif len(got) != 1 or wanted != set(got):
            problems.append(f"{url}: fetched by {got}, predicted {sorted(wanted)}")
    owners = {}
    for url in urls[:-50]:
        owners[fetched[("/" + url.split("/", 3)[3])][0]] = owners.get(
            fetched[("/" + url.split("/", 3)[3])][0], 0) + 1
    harness_note(f"{label}: {len(urls) * len(entries)} requests through {len(entries)} entry "
                 f"points; origin fetches per owner {dict(sorted(owners.items()))}; "
                 f"{len(problems)} disagreements")
    assert not problems, "\n".join(problems[:20])


def test_two_layer_array(harness_tools: NodeTools, tmp_path: Path, origin: OriginServer,
                         oracle, harness_note) -> None:  # type: ignore[no-untyped-def]
    nodes, files, _ = start_array(harness_tools, tmp_path, origin, "two-layer",
                                  ["frontend", "frontend", "parent", "parent", "parent"], oracle)
    try:
        run_array(nodes, files, origin, harness_note, "two-layer")
    finally:
        stop_all([n.squid for n in nodes])


def test_flat_array(harness_tools: NodeTools, tmp_path: Path, origin: OriginServer,
                    oracle, harness_note) -> None:  # type: ignore[no-untyped-def]
    nodes, files, _ = start_array(harness_tools, tmp_path, origin, "flat",
                                  ["member"] * 4, oracle)
    try:
        run_array(nodes, files, origin, harness_note, "flat")
    finally:
        stop_all([n.squid for n in nodes])
