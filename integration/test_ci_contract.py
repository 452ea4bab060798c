"""Under CI=true a missing Squid (or root) fails the run; elsewhere it skips with the reason."""

from __future__ import annotations

import shutil

import pytest

from integration.harness import pytest_plugin, squid
from integration.harness.pytest_plugin import require


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
