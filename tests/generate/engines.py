"""Real PAC engines for the tests: pacparser (PyPI) in this process, and Node in a batch process.

Both are handed a whole batch at once (one engine for thousands of calls). Neither resolves a
name: pacparser's myIpAddress is pinned with ``setmyip`` (it would ask the resolver otherwise)
and the PAC never calls dnsResolve; the Node helpers (js/pac_helpers.js) resolve nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

JS = Path(__file__).resolve().parent / "js"
NODE_TIMEOUT = 300  # seconds for one batch; a batch of 20,000 URLs takes a few


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def need(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false, except under CI=true where that is a failure."""
    if not condition:
        if in_ci():
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)


def node_binary() -> str:
    found = shutil.which("node")
    need(found is not None, "node is not installed")
    assert found is not None
    return found


def node_calls(pac: str, calls: Sequence[Sequence[str]], my_ip: str = "192.0.2.1") -> list[Any]:
    """``[FUNCTION, ARG...]`` calls evaluated in one Node process (js/pac_run.js)."""
    request = json.dumps({"pac": pac, "my_ip": my_ip, "calls": [list(c) for c in calls]})
    proc = subprocess.run([node_binary(), str(JS / "pac_run.js")], input=request.encode(),
                          capture_output=True, timeout=NODE_TIMEOUT, check=False)
    if proc.returncode != 0:
        raise AssertionError(f"node failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    answer = json.loads(proc.stdout)
    assert "Math.imul" in answer["removed"] and "this.JSON" in answer["removed"]
    results: list[Any] = answer["results"]
    return results


def node_find_proxy(pac: str, urls: Sequence[str], my_ip: str = "192.0.2.1") -> list[Any]:
    return node_calls(pac, [("FindProxyForURL", u, url_host(u)) for u in urls], my_ip)


def es3_problem(path: Path) -> str | None:
    """Why the JavaScript file at ``path`` is not ECMAScript 3 (acorn bundled in Node)."""
    proc = subprocess.run([node_binary(), "--expose-internals", str(JS / "es3_check.js"),
                           str(path)], capture_output=True, timeout=60, check=False)
    if proc.returncode == 2:
        raise AssertionError(proc.stderr.decode())
    if proc.returncode == 0:
        return None
    return proc.stdout.decode().strip() or f"acorn exited with {proc.returncode}"


def pacparser_find_proxy(pac: str, urls: Sequence[str], my_ip: str = "192.0.2.1") -> list[str]:
    try:
        import pacparser  # type: ignore[import-untyped]
    except ImportError:
        need(False, "pacparser is not installed (pip install -e '.[dev]')")
        raise
    pacparser.init()
    try:
        pacparser.setmyip(my_ip)
        pacparser.parse_pac_string(pac)
        return [pacparser.find_proxy(u, url_host(u)) for u in urls]
    finally:
        pacparser.cleanup()


def url_host(url: str) -> str:
    """The ``host`` argument a browser passes with ``url`` (the PAC ignores it)."""
    rest = url.split("://", 1)[-1]
    for stop in "/?#":
        rest = rest.split(stop, 1)[0]
    return rest.rsplit("@", 1)[-1].lower() or "-"
