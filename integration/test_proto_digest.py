"""Cache digests against a real Squid 5.7 with a ufs cache_dir.

Squid rebuilds its digest every ``digest_rebuild_period`` and rewrites the served copy every
``digest_rewrite_period`` (both 2 s here); a rewrite serves the mask of the last finished
rebuild (src/store_digest.cc). The test caches 150 URLs and waits for a digest written two
rebuild periods after the last of them (its Last-Modified says when); then every cached URL
must be "probably cached", and on 10,000 URLs Squid never saw the measured false-hit rate must
be within one point of the rate predicted from the mask.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
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
digest_rebuild_period {{ period }} seconds
digest_rewrite_period {{ period }} seconds
cache_peer {{ origin.host }} parent {{ origin.port }} 0 originserver no-query no-digest name=origin
never_direct allow all
"""
CACHED = [f"http://origin.test/cacheable/digest-{i}" for i in range(150)]
UNCACHED = [f"http://origin.test/cacheable/never-{i}".encode() for i in range(10_000)]
PERIOD = 2  # seconds between digest rebuilds, and between rewrites


@pytest.fixture(scope="module")
def node(harness_tools: NodeTools) -> Iterator[SquidNode]:
    origin = OriginServer(harness_tools.allocator.address(), 0).start()
    factory = SquidFactory(harness_tools)
    try:
        made = factory(BODY, label="digested", hosts={"origin.test": origin.host},
                       origin=origin, period=PERIOD, start=False)
        made.create_cache_dirs()
        yield made.start()
    finally:
        factory.stop_all()
        origin.stop()


def written_after(node: SquidNode, moment: float, timeout: float = 40.0) -> digest.Digest:
    """The first digest Squid serves whose Last-Modified is at or after ``moment``."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            fetched = fetch_digest(f"{node.address}:{node.port}", timeout=5)
        except FetchError as exc:  # 404 while the first digest is being built
            last = str(exc)
        else:
            assert fetched.last_modified is not None
            written = parsedate_to_datetime(fetched.last_modified).timestamp()
            if written >= moment:
                return fetched.digest
            last = f"written at {fetched.last_modified}"
        if time.monotonic() > deadline:
            pytest.fail(f"no digest written after {moment} within {timeout}s (last: {last})\n"
                        f"{node.cache_log()[-2000:]}")
        time.sleep(0.25)


def test_a_fetched_digest_holds_every_cached_url_and_predicts_its_false_hits(
    node: SquidNode, tmp_path: Path, harness_note: Callable[[str], None]
) -> None:
    for url in CACHED:
        response = exchange(node.address, node.port, build_request(
            "GET", url, [("Host", "origin.test"), ("Connection", "close")]))
        assert response.status == 200
    # Last-Modified has whole seconds; one more period covers a rebuild already under way
    d = written_after(node, math.ceil(time.time()) + 2 * PERIOD)
    assert d.control.count > len(CACHED)  # and Squid's own entries (icons...)

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
