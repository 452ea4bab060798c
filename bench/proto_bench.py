"""ICP queries/s and digest lookups/s, side by side with Squid answering on the same machine.

    python bench/proto_bench.py [--urls 2000] [--repeat 3] [--window 32]

One Squid 5.7 is started through the integration harness (loopback only: its own 127.0.0.x
address, an origin parent, a ufs cache_dir, digest generation every few seconds); half of the
URLs are cached through it first. Then, each the best of ``--repeat`` rounds:

* **Squid answering ICP, raw**: pre-encoded QUERY datagrams from a bare socket, replies only
  counted, ``--window`` outstanding: how fast Squid answers (the reference).
* **squidcarp IcpClient**: the package's client (encode, send, match by address, port and
  request number, decode) with ``--window`` outstanding, and with 1 (one round trip at a time).
* **ICP codec alone**: encode a query and decode a reply, no network.
* **digest lookups**: ``Digest.contains(url)`` (MD5 of the key + four bit tests) on the digest
  fetched from that Squid, and ``contains_key`` with the keys computed beforehand.

Every URL's ICP answer (HIT for the cached half) and its digest answer ("probably cached" for
the cached half) are checked; a disagreement fails the run (exit 1). Rates are wall-clock, the
garbage collector off; client and Squid share the machine's cores.
"""

from __future__ import annotations

import argparse
import gc
import math
import select
import socket
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from integration.harness.client import build_request, exchange  # noqa: E402
from integration.harness.ledger import Ledger  # noqa: E402
from integration.harness.local import NodeTools, SquidFactory  # noqa: E402
from integration.harness.origin import OriginServer  # noqa: E402
from integration.harness.ports import LoopbackAllocator, free_udp_port  # noqa: E402
from integration.harness.render import Renderer  # noqa: E402
from integration.harness.squid import SquidNode, find_squid  # noqa: E402
from integration.harness.topology import Endpoint  # noqa: E402
from squidcarp.proto import digest, icp, udp  # noqa: E402
from squidcarp.proto.fetch import FetchError, fetch_digest  # noqa: E402

BODY = """
icp_port {{ icp_port }}
udp_incoming_address {{ node.http_ports[0].rsplit(':', 1)[0] }}
acl prober src {{ prober }}
icp_access allow prober
icp_access deny all
log_icp_queries off
cache_dir ufs {{ node.workdir }}/cache 50 4 4
digest_generation on
digest_rebuild_period {{ period }} seconds
digest_rewrite_period {{ period }} seconds
cache_peer {{ origin.host }} parent {{ origin.port }} 0 originserver no-query no-digest name=origin
never_direct allow all
"""


PERIOD = 2  # seconds between digest rebuilds, and between rewrites


@dataclass(frozen=True)
class Row:
    name: str
    rate: float  # operations per second
    note: str = ""


def best_rate(count: int, repeat: int, run: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return count / best


def raw_icp(target: tuple[str, int], source: str, queries: list[bytes], window: int) -> int:
    """Send pre-encoded queries, ``window`` outstanding, count the replies; returns replies."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((source, 0))
        sock.setblocking(False)
        sent = received = 0
        deadline = time.monotonic() + 60
        while received < len(queries) and time.monotonic() < deadline:
            while sent < len(queries) and sent - received < window:
                sock.sendto(queries[sent], target)
                sent += 1
            readable, _, _ = select.select([sock], [], [], 1.0)
            if not readable:
                break  # a reply was lost: the round is cut short, and reported
            while True:
                try:
                    sock.recvfrom(65535)
                except BlockingIOError:
                    break
                received += 1
        return received


def start_squid(tools: NodeTools, origin: OriginServer, prober: str) -> tuple[SquidNode, int]:
    address, port = tools.allocator.endpoint()
    icp_port = free_udp_port(address)
    node = SquidFactory(tools)(BODY, label="bench", listen=Endpoint(address, port),
                               hosts={"origin.test": origin.host}, origin=origin,
                               icp_port=icp_port, prober=prober, period=PERIOD, start=False)
    node.create_cache_dirs()
    node.start()
    return node, icp_port


def served_digest(node: SquidNode, written_after: float, timeout: float = 60.0) -> digest.Digest:
    """The first digest Squid serves with a Last-Modified at or after ``written_after``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fetched = fetch_digest(f"{node.address}:{node.port}", timeout=5)
            written = parsedate_to_datetime(fetched.last_modified or "").timestamp()
            if written >= written_after:
                return fetched.digest
        except (FetchError, TypeError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"no digest written after {written_after} within {timeout}s")
        time.sleep(0.25)


def bench(args: argparse.Namespace) -> tuple[list[Row], list[str]]:
    tools = NodeTools(ledger=Ledger(), squid=find_squid(), allocator=LoopbackAllocator(first=2),
                      renderer=Renderer())
    origin = OriginServer(tools.allocator.address(), 0).start()
    prober = tools.allocator.address()
    node = None
    try:
        node, icp_port = start_squid(tools, origin, prober)
        cached = [b"http://origin.test/cacheable/bench-%d" % i for i in range(args.urls // 2)]
        absent = [b"http://origin.test/cacheable/absent-%d" % i for i in range(args.urls // 2)]
        for url in cached:
            exchange(node.address, node.port, build_request(
                "GET", url, [("Host", "origin.test"), ("Connection", "close")]))
        # a digest written two rebuild periods after the last fetch holds every cached URL
        peer_digest = served_digest(node, math.ceil(time.time()) + 2 * PERIOD)
        urls = [u for pair in zip(cached, absent, strict=True) for u in pair]
        return measure(args, node.address, icp_port, prober, urls, set(cached), peer_digest)
    finally:
        if node is not None:
            node.stop()
        origin.stop()
        tools.ledger.close()


def measure(args: argparse.Namespace, address: str, icp_port: int, prober: str,
            urls: list[bytes], cached: set[bytes],
            peer_digest: digest.Digest) -> tuple[list[Row], list[str]]:
    problems: list[str] = []
    rows: list[Row] = []
    n = len(urls)
    queries = [icp.Query(reqnum=i + 1, url=u).encode() for i, u in enumerate(urls)]
    got = [0]

    def raw() -> None:
        got[0] = raw_icp((address, icp_port), prober, queries, args.window)

    rows.append(Row(f"Squid answering ICP, raw socket ({args.window} outstanding)",
                    best_rate(n, args.repeat, raw), "reference"))
    if got[0] != n:
        problems.append(f"raw ICP: {got[0]} of {n} replies in the last round")

    answers: dict[bytes, str] = {}

    def client(window: int) -> Callable[[], None]:
        def go() -> None:
            options = udp.IcpOptions(timeout=2.0, retries=1, window=window, source=prober,
                                     max_denied=n + 1)
            with udp.IcpClient(address, icp_port, options) as c:
                for r in c.query_all(urls):
                    answers[r.url] = r.status

        return go

    for window in (args.window, 1):
        rows.append(Row(f"squidcarp IcpClient ({window} outstanding)",
                        best_rate(n, args.repeat, client(window))))
    wrong = [u for u in urls if answers.get(u) != ("HIT" if u in cached else "MISS")]
    if wrong:
        problems.append(f"ICP: {len(wrong)} URLs answered otherwise than expected, e.g. "
                        f"{wrong[0]!r}: {answers.get(wrong[0])}")

    replies = [icp.Reply(opcode=icp.Opcode.MISS, reqnum=i + 1, url=u).encode()
               for i, u in enumerate(urls)]

    def codec() -> None:
        for i, u in enumerate(urls):
            icp.Query(reqnum=i + 1, url=u).encode()
            icp.decode(replies[i])

    rows.append(Row("ICP codec alone (encode query + decode reply)",
                    best_rate(n, args.repeat, codec)))

    lookups = urls * max(1, 200_000 // n)
    keys = [digest.store_key(u) for u in lookups]

    def by_url() -> None:
        contains = peer_digest.contains
        for u in lookups:
            contains(u)

    def by_key() -> None:
        contains_key = peer_digest.contains_key
        for k in keys:
            contains_key(k)

    rows.append(Row("digest lookups, Digest.contains(url)",
                    best_rate(len(lookups), args.repeat, by_url)))
    rows.append(Row("digest lookups, keys computed beforehand",
                    best_rate(len(keys), args.repeat, by_key)))
    missing = [u for u in cached if not peer_digest.contains(u)]
    if missing:
        problems.append(f"digest: {len(missing)} cached URLs not 'probably cached', e.g. "
                        f"{missing[0]!r}")
    others = [b"http://origin.test/cacheable/never-%d" % i for i in range(20_000)]
    false_hits = sum(peer_digest.contains(u) for u in others) / len(others)
    rows.append(Row("digest false hits on 20,000 URLs never cached", false_hits,
                    f"predicted {100 * peer_digest.predicted_false_hit_rate:.2f}%"))
    return rows, problems


def report(rows: list[Row], n: int) -> str:
    reference = rows[0].rate
    lines = [f"{'measurement':<58} {'per second':>12} {'vs Squid ICP':>13}"]
    for r in rows:
        if r.name.startswith("digest false hits"):
            lines.append(f"{r.name:<58} {100 * r.rate:>11.2f}% {'':>13}  {r.note}")
            continue
        ratio = "1.00x" if r.note == "reference" else f"{r.rate / reference:.2f}x"
        lines.append(f"{r.name:<58} {r.rate:>12,.0f} {ratio:>13}")
    lines.append(f"({n:,} URLs queried, half of them cached; digest lookups repeat them to "
                 "200,000)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, default=2000, help="URLs queried (2,000; half cached)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per timing, best kept")
    parser.add_argument("--window", type=int, default=32, help="ICP queries outstanding")
    args = parser.parse_args(argv)
    gc_was = gc.isenabled()
    gc.disable()
    try:
        rows, problems = bench(args)
    except (RuntimeError, OSError) as exc:
        print(f"proto_bench: cannot run: {exc}", file=sys.stderr)
        return 1
    finally:
        if gc_was:
            gc.enable()
    print(report(rows, args.urls))
    for p in problems:
        print(f"MISMATCH: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
