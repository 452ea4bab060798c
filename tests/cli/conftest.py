"""Run ``squidcarp.cli.main.main`` with captured streams."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest

from squidcarp.cli.main import IO, main


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


Runner = Callable[..., Run]


@pytest.fixture
def cli() -> Runner:
    def run(argv: Sequence[str], stdin: bytes = b"") -> Run:
        out, err = io.StringIO(), io.StringIO()
        code = main(list(argv), IO(out, err, io.BytesIO(stdin)))
        return Run(code, out.getvalue(), err.getvalue())

    return run
