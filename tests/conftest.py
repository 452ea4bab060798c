"""Shared test paths: the recorded Squid 5.7 corpus lives in the repository (tests/corpus/)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the recorded Squid corpus is missing: expected {CORPUS}")
    return CORPUS
