"""Cache digests against a real Squid 5.7 with a ufs cache_dir.

Squid rebuilds its digest every ``digest_rebuild_period`` and rewrites the served copy every
``digest_rewrite_period`` (both a few seconds here). The test notes the digest's entry count
before caching anything, caches 150 URLs, and waits until a served digest counts them; then
every cached URL must be "probably cached", and on 10,000 URLs Squid never saw the measured
false-hit rate must be within one point of the rate predicted from the mask.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from integration.harness import OriginServer, SquidFactory, SquidNode
from integration.harness import cachemgr as mgr
from integration.harness.client import build_request, exchange
from integration.harness.local import NodeTools
from squidcarp.cli.main import IO, main
from squidcarp.proto import digest
from squidcarp.proto.fetch import FetchError, fetch_digest

BODY = """
cache_dir ufs {{ node.workdir }}/cache 20 4 4
digest_generation on
digest_rebuild_period 3 seconds
digest_rewrite_period 3 seconds
cache_peer {{ origin.host }} parent {{ origin.port }} 0 originserver no-query no-digest name=origin
never_direct allow all
"""
CACHED = [f"http://origin.test/cacheable/digest-{i}" for i in range(150)]
UNCACHED = [f"http://origin.test/cacheable/never-{i}".encode() for i in range(10_000)]


@pytest.fixture(scope="module")
def node(harness_tools: NodeTools) -> Iterator[SquidNode]:
    origin = OriginServer(harness_tools.allocator.address(), 0).start()
    factory = SquidFactory(harness_tools)
    try:
        made = factory(BODY, label="digested", hosts={"origin.test": origin.host},
                       origin=origin, start=False)
        made.create_cache_dirs()
        yield made.start()
    finally:
        factory.stop_all()
        origin.stop()


def served(node: SquidNode) -> digest.Digest | None:
    try:
        return fetch_digest(f"{node.address}:{node.port}", timeout=5).digest
    except FetchError:  # 404 while the first digest is being built
        return None


def wait_for(node: SquidNode, enough: int, timeout: float = 40.0) -> digest.Digest:
    deadline = time.monotonic() + timeout
    while True:
        d = served(node)
        if d is not None and d.control.count >= enough:
            return d
        if time.monotonic() > deadline:
            pytest.fail(f"no digest with {enough} entries after {timeout}s; last: "
                        f"{d.control if d else None}\n{node.cache_log()[-2000:]}")
        time.sleep(0.25)


def test_a_fetched_digest_holds_every_cached_url_and_predicts_its_false_hits(
    node: SquidNode, tmp_path: Path, harness_note: Callable[[str], None]
) -> None:
    before = wait_for(node, 1)  # Squid's own entries (icons...) are in it from the start
    baseline = before.control.count
    for url in CACHED:
        response = exchange(node.address, node.port, build_request(
            "GET", url, [("Host", "origin.test"), ("Connection", "close")]))
        assert response.status == 200
    d = wait_for(node, baseline + len(CACHED))

    # through the CLI: fetch and save, then look the cached URLs up in the saved file
    saved = tmp_path / "peer.digest"
    out, err = io.StringIO(), io.StringIO()
    code = main(["digest", "fetch", f"{node.address}:{node.port}", "-o", str(saved)],
                IO(out, err, io.BytesIO()))
    assert (code, err.getvalue()) == (0, ""), out.getvalue()
    assert "  Squid uses it  yes\n" in out.getvalue()
    out = io.StringIO()
    code = main(["digest", "lookup", str(saved), *CACHED], IO(out, err, io.BytesIO()))
    assert code == 0
    rate = 100 * digest.decode(saved.read_bytes()).predicted_false_hit_rate
    assert out.getvalue().splitlines() == [
        f"{url}: probably cached ({rate:.1f}% chance of a false hit)" for url in CACHED]

    assert digest.squid_verdict(d).accepted
    assert all(d.contains(url.encode()) for url in CACHED)
    false_hits = sum(d.contains(url) for url in UNCACHED) / len(UNCACHED)
    predicted = d.predicted_false_hit_rate
    harness_note(f"digest {d.control.count} entries, {d.control.mask_size} bytes: false hits "
                 f"{100 * false_hits:.2f}% measured, {100 * predicted:.2f}% predicted")
    assert abs(false_hits - predicted) <= 0.01, (false_hits, predicted, d.control)
    assert 0.02 < predicted < 0.2  # a digest sized the way Squid sizes it (5 bits per entry)

    # Squid's own report of its local digest agrees on the shape of what it served
    report = mgr.store_digest(node.address, node.port)
    assert report is not None
    assert (report.capacity, report.size_bytes, report.bits_per_entry) == (
        d.control.capacity, d.control.mask_size, d.control.bits_per_entry)
    assert report.bit_capacity == d.bit_count
