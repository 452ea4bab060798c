"""ICP and HTCP against a real Squid 5.7: the package's clients and CLI, Squid's own answers.

One Squid with an origin parent caches ``/cacheable/...`` objects (max-age 3600, so fresh far
longer than the 30 s ICP and the 10 s HTCP want). Its ICP and HTCP sockets are bound to its own
127.0.0.x address; queries come from two other loopback addresses, one allowed by
``icp_access``/``htcp_access``/``htcp_clr_access`` and one not.
"""

from __future__ import annotations

import io
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from integration.harness import OriginServer, SquidFactory, SquidNode
from integration.harness.client import build_request, exchange
from integration.harness.local import NodeTools
from integration.harness.ports import free_udp_port
from integration.harness.topology import AccessLogEntry, Endpoint
from squidcarp.cli.main import IO, main
from squidcarp.proto import htcp, icp, udp
from tests.proto.golden import load

BODY = """
icp_port {{ icp_port }}
htcp_port {{ htcp_port }}
udp_incoming_address {{ node.http_ports[0].rsplit(':', 1)[0] }}
acl prober src {{ allowed }}
icp_access allow prober
icp_access deny all
htcp_access allow prober
htcp_access deny all
htcp_clr_access allow prober
htcp_clr_access deny all
cache_peer {{ origin.host }} parent {{ origin.port }} 0 originserver no-query no-digest name=origin
never_direct allow all
"""


@dataclass(frozen=True)
class Probed:
    node: SquidNode
    origin: OriginServer
    icp_port: int
    htcp_port: int
    allowed: str  # a source address the ACLs allow
    denied: str  # one they do not

    @property
    def icp(self) -> str:
        return f"{self.node.address}:{self.icp_port}"

    @property
    def htcp(self) -> str:
        return f"{self.node.address}:{self.htcp_port}"

    def get(self, url: str) -> tuple[int, str | None]:
        host = url.split("/", 3)[2]
        response = exchange(self.node.address, self.node.port, build_request(
            "GET", url, [("Host", host), ("Connection", "close")]))
        return response.status, response.header("X-Cache")


@pytest.fixture(scope="module")
def probed(harness_tools: NodeTools) -> Iterator[Probed]:
    origin = OriginServer(harness_tools.allocator.address(), 0).start()
    factory = SquidFactory(harness_tools)
    try:
        address, port = harness_tools.allocator.endpoint()
        allowed, denied = harness_tools.allocator.address(), harness_tools.allocator.address()
        icp_port, htcp_port = free_udp_port(address), free_udp_port(address)
        node = factory(BODY, label="probed", listen=Endpoint(address, port),
                       hosts={"origin.test": origin.host}, origin=origin, icp_port=icp_port,
                       htcp_port=htcp_port, allowed=allowed)
        yield Probed(node, origin, icp_port, htcp_port, allowed, denied)
    finally:
        factory.stop_all()
        origin.stop()


def logged(node: SquidNode, keep: Callable[[AccessLogEntry], bool], count: int,
           timeout: float = 10.0) -> list[AccessLogEntry]:
    """The access log entries ``keep`` selects, once there are ``count`` of them (Squid writes
    its log a moment after answering) or ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    while True:
        entries = [e for e in node.access_entries() if keep(e)]
        if len(entries) >= count or time.monotonic() > deadline:
            return entries
        time.sleep(0.02)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), IO(out, err, io.BytesIO()))
    return code, out.getvalue(), err.getvalue()


def statuses(out: str) -> list[tuple[str, str]]:
    """(status, URL) of each result line of ``icp query``'s table."""
    rows = []
    for line in out.splitlines()[1:]:
        m = re.fullmatch(r"(\S+) +(?:\d+\.\d\d ms|-)  (\S+)(?:  \(.*\))?", line)
        assert m is not None, line
        rows.append((m.group(1), m.group(2)))
    return rows


def test_icp_hit_for_a_cached_url_and_miss_otherwise(probed: Probed) -> None:
    cached = "http://origin.test/cacheable/icp-hit"
    assert probed.get(cached) == (200, "MISS from probed")
    assert probed.get("http://origin.test/nostore/icp") == (200, "MISS from probed")

    code, out, err = run("icp", "query", "--source", probed.allowed, probed.icp, cached,
                         "http://origin.test/cacheable/never-fetched",
                         "http://origin.test/nostore/icp", "HTTP://Origin.TEST:80/cacheable/icp-hit")
    assert code == 0, (out, err)
    assert statuses(out) == [
        ("HIT", cached),
        ("MISS", "http://origin.test/cacheable/never-fetched"),
        ("MISS", "http://origin.test/nostore/icp"),
        ("HIT", cached),  # sent normalised: Squid looks the exact string up
    ]
    # the same URL as typed misses: ICP does no normalisation
    code, out, _ = run("icp", "query", "--raw", "--source", probed.allowed, probed.icp,
                       "HTTP://Origin.TEST:80/cacheable/icp-hit")
    assert (code, statuses(out)) == (0, [("MISS", "HTTP://Origin.TEST:80/cacheable/icp-hit")])

    # Squid's reply, field for field: version 2, the request number and URL echoed, no flags
    options = udp.IcpOptions(source=probed.allowed)
    with udp.IcpClient(probed.node.address, probed.icp_port, options) as client:
        result = client.query(cached.encode())
    assert result.reply == icp.Reply(opcode=icp.Opcode.HIT, reqnum=result.reqnum,
                                     url=cached.encode())
    entries = logged(probed.node, lambda e: e.url == cached and e.method == "ICP_QUERY", 3)
    assert [(e.client, e.result) for e in entries] == [(probed.allowed, "UDP_HIT/000")] * 3


def test_icp_denied_from_an_address_not_in_icp_access(probed: Probed) -> None:
    urls = [f"http://origin.test/cacheable/denied-{i}" for i in range(4)]
    code, out, err = run("icp", "query", "--max-denied", "2", "--source", probed.denied,
                         probed.icp, *urls)
    assert code == 1
    assert statuses(out) == [("DENIED", urls[0]), ("DENIED", urls[1]), ("SKIPPED", urls[2]),
                             ("SKIPPED", urls[3])]
    assert err == (f"squidcarp: {probed.icp} answered DENIED 2 time(s) and stopped asking: "
                   "this address is not allowed by its icp_access (Squid goes silent for an "
                   "hour for an address whose replies are 95% DENIED)\n")
    entries = logged(probed.node, lambda e: e.method == "ICP_QUERY" and e.url in urls, 2)
    assert [(e.client, e.result) for e in entries] == [(probed.denied, "UDP_DENIED/000")] * 2


def test_htcp_tst_hit_miss_and_clr_removing_the_object(probed: Probed) -> None:
    url = "http://origin.test/cacheable/htcp-a"
    assert probed.get(url) == (200, "MISS from probed")
    assert probed.get(url) == (200, "HIT from probed")

    code, out, _ = run("htcp", "tst", "--source", probed.allowed, probed.htcp, url)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith(f"HIT  {url}  (")
    assert lines[1:3] == ["  response headers:", lines[2]] and lines[2].startswith("    Age: ")
    assert lines[3] == "  entity headers:"
    assert "    Last-Modified: Thu, 01 Jan 1970 00:00:00 GMT" in lines[4:]
    assert any(line.startswith("    Expires: ") for line in lines[4:])

    # Squid parses HTCP URIs: a spelling it normalises to the same URL hits too
    code, out, _ = run("htcp", "tst", "--source", probed.allowed, probed.htcp,
                       "HTTP://Origin.TEST:80/cacheable/htcp-a")
    assert (code, out.split("  ")[0]) == (0, "HIT")
    code, out, _ = run("htcp", "tst", "--source", probed.allowed, probed.htcp,
                       "http://origin.test/cacheable/htcp-never")
    assert (code, out.split("  (")[0]) == (0, "MISS  http://origin.test/cacheable/htcp-never")

    code, out, _ = run("htcp", "clr", "--source", probed.allowed, probed.htcp, url)
    assert (code, out.split("  (")[0]) == (0, f"REMOVED  {url}")
    code, out, _ = run("htcp", "tst", "--source", probed.allowed, probed.htcp, url)
    assert out.split("  (")[0] == f"MISS  {url}"
    before = len(probed.origin.find(lambda r: r.target.endswith("/cacheable/htcp-a")))
    assert probed.get(url) == (200, "MISS from probed")
    after = len(probed.origin.find(lambda r: r.target.endswith("/cacheable/htcp-a")))
    assert after == before + 1
    entries = logged(probed.node, lambda e: e.url == url and e.method == "GET", 3)
    assert [e.result for e in entries] == ["TCP_MISS/200", "TCP_MEM_HIT/200", "TCP_MISS/200"]

    code, out, _ = run("htcp", "clr", "--source", probed.allowed, probed.htcp,
                       "http://origin.test/cacheable/htcp-absent")
    assert (code, out.split("  (")[0]) == (0, "NOT_PRESENT  http://origin.test/cacheable/"
                                              "htcp-absent")


def test_htcp_replies_are_squids_shapes(probed: Probed) -> None:
    """The miss is RESPONSE 1 with three empty COUNTSTRs; a CLR answer has no OP-DATA."""
    options = udp.HtcpOptions(source=probed.allowed)
    with udp.HtcpClient(probed.node.address, probed.htcp_port, options) as client:
        miss = client.tst(htcp.Specifier(b"GET", b"http://origin.test/cacheable/htcp-nothing"))
        clr = client.clr(htcp.Specifier(b"GET", b"http://origin.test/cacheable/htcp-nothing"))
    assert miss.reply == htcp.TstReply.miss(miss.request.trans_id)
    assert clr.reply == htcp.ClrReply(trans_id=clr.request.trans_id,
                                      response=htcp.ClrResult.NOT_PRESENT)


def test_htcp_from_a_denied_address_gets_no_reply(probed: Probed) -> None:
    url = "http://origin.test/cacheable/htcp-a"
    code, out, _ = run("htcp", "tst", "--timeout", "0.5", "--retries", "0", "--source",
                       probed.denied, probed.htcp, url)
    assert code == 1
    assert out.startswith(f"NO REPLY  {url}  (no reply from {probed.htcp} to 1 attempt of "
                          "0.5 s: ")
    entries = logged(probed.node, lambda e: e.url == url and e.method == "HTCP_TST"
                     and e.client == probed.denied, 1)
    assert [e.result for e in entries] == ["UDP_DENIED/000"]


def _exchange(source: str, target: tuple[str, int], datagram: bytes) -> bytes | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((source, 0))
        sock.settimeout(2.0)
        sock.sendto(datagram, target)
        try:
            return sock.recvfrom(65535)[0]
        except TimeoutError:
            return None


def _golden(table: str, name: str) -> bytes:
    return bytes.fromhex(next(e["hex"] for e in load(table)["messages"] if e["name"] == name))


def test_live_replies_are_the_golden_table_bytes(probed: Probed) -> None:
    """The golden tables' captured replies, asked again of this Squid: byte for byte."""
    assert probed.get("http://origin.test/cacheable/0")[0] == 200
    icp_target = (probed.node.address, probed.icp_port)
    for name, url, source, reqnum in [
        ("hit", b"http://origin.test/cacheable/0", probed.allowed, 7),
        ("miss", b"http://origin.test/other", probed.allowed, 7),
        ("err-escaped-url", b"a b", probed.allowed, 7),
        ("err-relative-url", b"/rel", probed.allowed, 7),
        ("err-empty-url", b"", probed.allowed, 7),
        ("denied", b"http://origin.test/x", probed.denied, 0x01020304),
        ("miss-allowed", b"http://origin.test/x", probed.allowed, 0x01020305),
    ]:
        query = icp.Query(reqnum=reqnum, url=url).encode()
        assert _exchange(source, icp_target, query) == _golden("icp.json", name), name

    htcp_target = (probed.node.address, probed.htcp_port)
    spec = htcp.Specifier(b"GET", b"http://origin.test/htcp-golden-nothing")
    for name, request in [
        ("tst-miss", htcp.TstRequest(trans_id=0x1234, specifier=spec)),
        ("clr-not-present", htcp.ClrRequest(trans_id=0x56, specifier=spec)),
        ("old-tst-miss", htcp.TstRequest(trans_id=0x55, specifier=spec, minor=0)),
    ]:
        assert _exchange(probed.allowed, htcp_target, request.encode()) == _golden(
            "htcp.json", name), name
