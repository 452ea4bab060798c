"""After a harness session (including a failed test) no process, namespace or temp dir remains."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from integration.harness.ledger import (
    DIR_PREFIX,
    MANIFEST_ENV,
    process_alive,
    processes_mentioning,
    read_manifest,
)
from integration.harness.netns import list_namespaces
from integration.harness.pytest_plugin import require
from integration.harness.render import HELPERS_DIR, REPO_ROOT

PROBE = HELPERS_DIR / "leak_probe.py"


def test_inner_session_leaves_nothing_behind(tmp_path: Path, squid_binary: str) -> None:
    # The inner session needs Squid (squid_binary) and root for its namespace.
    require(os.geteuid() == 0, "network namespaces need root")
    manifest = tmp_path / "manifest.jsonl"
    env = {**os.environ, MANIFEST_ENV: str(manifest), "SQUIDCARP_LEAK_PROBE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(PROBE)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out  # exactly the deliberate failure
    assert "1 failed, 1 passed" in out, out
    # The failed test's report carries the logs of the node it started.
    assert "squid leak-failing cache.log" in out, out
    assert "squid leak-failing access.log" in out, out

    resources = read_manifest(manifest)
    kinds = {r.kind for r in resources}
    assert kinds == {"process", "netns", "dir"}, resources
    assert sum(r.kind == "process" for r in resources) >= 5  # 3 nodes + array of 2

    alive = [r for r in resources if r.kind == "process" and process_alive(int(r.value), r.marker)]
    assert alive == []
    namespaces = list_namespaces()
    assert [r.value for r in resources if r.kind == "netns" and r.value in namespaces] == []
    assert [r.value for r in resources if r.kind == "dir" and Path(r.value).exists()] == []
    # Nothing at all (helpers included) still runs from the inner session's dirs.
    bases = [
        r.value for r in resources if r.kind == "dir" and Path(r.value).name.startswith(DIR_PREFIX)
    ]
    assert bases
    assert [pid for base in bases for pid in processes_mentioning(base)] == []
