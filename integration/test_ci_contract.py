"""Under CI=true a missing Squid (or root) fails the run; elsewhere it skips with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from integration.harness import pytest_plugin, squid
from integration.harness.pytest_plugin import require
from integration.harness.render import REPO_ROOT


@pytest.mark.parametrize("value", ["true", "1", "TRUE", "yes"])
def test_require_fails_under_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI=true and no squid"):
        require(False, "no squid")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_require_skips_elsewhere(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="no squid"):
        require(False, "no squid")
    require(True, "never raised when the condition holds")


def test_squid_binary_fixture_fails_under_ci_when_squid_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.setattr(squid, "SQUID_CANDIDATES", ("/nonexistent/squid",))
    fixture = pytest_plugin.squid_binary.__wrapped__  # type: ignore[attr-defined]
    with pytest.raises(pytest.fail.Exception, match="CI=true and no squid binary"):
        fixture()


def test_the_suite_needs_nothing_beside_the_checkout(tmp_path: Path) -> None:
    """The tests that read recorded Squid data pass in a bare copy of the tracked files, in a
    folder with nothing beside it (a user's clone has no ../shared)."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True,
                             check=True).stdout.split(b"\0")
    copy = tmp_path / "alone" / "checkout"
    for name in filter(None, tracked):
        source = REPO_ROOT / os.fsdecode(name)
        if source.is_file():
            target = copy / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    assert sorted(p.name for p in copy.parent.iterdir()) == ["checkout"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/carp/test_corpus.py", "tests/lint/test_corpus_verdicts.py",
         "tests/carp/test_key.py", "tests/test_checkout_only.py"],
        cwd=copy, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " passed" in run.stdout
