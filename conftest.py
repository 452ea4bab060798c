"""The test suite reads nothing beside the checkout.

A user's clone has no ``../shared`` (or any other sibling folder), so a test that needs a file
from there passes here and fails for everyone else. An audit hook records every file the test
process opens; one under the checkout's parent folder but outside the checkout itself fails the
run, with the paths, at the end of the session (tests/test_checkout_only.py checks the hook).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent
TEMP = os.path.realpath(tempfile.gettempdir())
_OUTSIDE: list[str] = []


def outside_checkout(path: object, repo: Path = REPO, temp: str = TEMP) -> str | None:
    """``path`` as an absolute string when it lies beside ``repo`` (under its parent, not in it).

    Temporary files are never "beside" the checkout, even for a clone made in the temp folder
    (integration/test_ci_contract.py covers that case by running tests in a bare copy)."""
    if isinstance(path, int):  # open(fd)
        return None
    try:
        full = os.path.abspath(os.fsdecode(path))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    parent = str(repo.parent)
    inside = str(repo)
    if full == inside or full.startswith(inside + os.sep) or full.startswith(temp + os.sep):
        return None
    if full.startswith(parent + os.sep):
        return full
    return None


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and args:
        found = outside_checkout(args[0])
        if found is not None and found not in _OUTSIDE:
            _OUTSIDE.append(found)


sys.addaudithook(_audit)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _OUTSIDE:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _OUTSIDE:
        terminalreporter.section("files read outside the checkout", red=True)
        for path in _OUTSIDE:
            terminalreporter.line(f"{path}: a user's clone has no such file")
