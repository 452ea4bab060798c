"""A url_rewrite_program in a real Squid gets the requests, one line each, and is obeyed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from integration.harness import OriginServer, SquidFactory, SquidNode
from integration.harness.client import build_request, exchange
from integration.harness.render import HELPERS_DIR

REWRITER = HELPERS_DIR / "rewriter.py"

BODY = """
url_rewrite_program {{ python }} {{ node.workdir }}/rewriter.py {{ node.workdir }}/lines{{ flag }}
url_rewrite_children 1 startup=1 idle=1 concurrency={{ concurrency }}
cache_peer {{ origin.host }} parent {{ origin.port }} 0 originserver no-query no-digest name=origin
never_direct allow all
cache deny all
"""


def helper_lines(node: SquidNode, count: int, timeout: float = 10.0) -> list[bytes]:
    path = Path(node.workdir) / "lines"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = path.read_bytes().splitlines() if path.exists() else []
        if len(lines) >= count:
            return lines
        time.sleep(0.02)
    raise AssertionError(f"helper got fewer than {count} lines in {timeout}s")


@pytest.mark.parametrize("concurrency", [0, 2])
def test_rewriter_receives_url_and_default_extras(
    squid_factory: SquidFactory, origin: OriginServer, concurrency: int
) -> None:
    node = squid_factory(
        BODY,
        label=f"rewrite-c{concurrency}",
        files={"rewriter.py": REWRITER},
        origin=origin,
        concurrency=concurrency,
        flag=" --concurrent" if concurrency else "",
    )
    urls = ["http://origin.test/plain/1", "http://origin.test/rewrite-me/2?x=y"]
    statuses = []
    for url in urls:
        request = build_request("GET", url, [("Host", "origin.test"), ("Connection", "close")])
        statuses.append(exchange(node.address, node.port, request, source="127.0.0.1").status)
    assert statuses == [200, 200]

    # Default url_rewrite_extras "%>a/%>A %un %>rm myip=%la myport=%lp"; with concurrency>0
    # each line starts with a channel ID (a per-process counter from 1 in Squid 5.7). The
    # harness's readiness probe (a cache manager request, named after visible_hostname) is
    # rewritten too and comes first.
    extras = f"127.0.0.1/127.0.0.1 - GET myip={node.address} myport={node.port}"
    probe = f"http://{node.label}:{node.port}/squid-internal-mgr/menu"
    expected = [f"{url} {extras}".encode() for url in [probe, *urls]]
    if concurrency:
        expected = [f"{i} ".encode() + line for i, line in enumerate(expected, start=1)]
    assert helper_lines(node, 3) == expected

    # The helper's answers were obeyed: ERR kept the URL, OK rewrite-url= changed it.
    assert [r.target for r in origin.requests()] == ["/plain/1", "/rewritten/2?x=y"]
