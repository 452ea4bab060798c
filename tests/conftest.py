"""Shared test paths. ``shared/`` (the recorded Squid corpus) sits beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the recorded Squid corpus is missing: expected {CORPUS}")
    return CORPUS
