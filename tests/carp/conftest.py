"""Shared helpers for the CARP tests: the recorded Squid 5.7 corpus and a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from squidcarp.carp.array import CarpArray, Member
from tests.conftest import CORPUS

ROUTING = CORPUS / "carp-routing"
VERDICTS = CORPUS / "parse-verdicts" / "verdicts.jsonl"


def routing_files() -> list[Path]:
    files = sorted(ROUTING.glob("*.jsonl"))
    if not files:
        raise RuntimeError(f"no CARP routing corpus under {ROUTING.resolve()}")
    return files


def records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def all_records() -> list[dict[str, Any]]:
    return [r for f in routing_files() for r in records(f)]


def array_for(peers: list[dict[str, Any]]) -> CarpArray:
    """The array a scenario's frontend built: weight null = no weight= (1), weight<1 -> 1."""
    return CarpArray(
        tuple(Member(p["name"], max(1, p["weight"] if p["weight"] is not None else 1))
              for p in peers)
    )
