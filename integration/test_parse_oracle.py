"""The recorded parse verdicts still hold on the installed Squid (``squid -k parse``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from integration.harness import SquidParser
from integration.harness.pytest_plugin import require
from integration.harness.render import REPO_ROOT

CORPUS = REPO_ROOT / "tests" / "corpus" / "parse-verdicts"
VERDICTS = CORPUS / "verdicts.jsonl"


def load_verdicts() -> list[dict[str, Any]]:
    if not VERDICTS.exists():
        return []
    lines = VERDICTS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


RECORDED = load_verdicts()


def test_corpus_is_present() -> None:
    require(bool(RECORDED), f"no parse-verdict corpus at {VERDICTS}")
    assert len(RECORDED) >= 40
    for verdict in RECORDED:
        assert (CORPUS / verdict["file"]).is_file(), verdict["file"]


@pytest.mark.parametrize("verdict", RECORDED, ids=[v["case"] for v in RECORDED])
def test_oracle_agrees_with_recorded_verdict(oracle: SquidParser, verdict: dict[str, Any]) -> None:
    cases = CORPUS / "cases"
    # Recorded from inside cases/ with a relative file name: messages name the file that way
    # and relative includes resolve against the process's cwd.
    result = oracle.parse(Path(verdict["file"]).name, cwd=cases)
    assert result.exit_code == verdict["exit_code"], result.output
    assert list(result.messages) == verdict["messages"]
    assert list(result.processed) == verdict["processed_lines"]
    assert result.fatal == verdict["fatal"]
