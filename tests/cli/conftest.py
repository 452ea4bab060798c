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


class _TtyStringIO(io.StringIO):
    def isatty(self) -> bool:
        return True


Runner = Callable[..., Run]


@pytest.fixture
def cli() -> Runner:
    """``cli(argv, stdin=b"", tty=False)``: run a command; ``tty`` makes stderr a terminal."""

    def run(argv: Sequence[str], stdin: bytes = b"", tty: bool = False) -> Run:
        out = io.StringIO()
        err = _TtyStringIO() if tty else io.StringIO()
        code = main(list(argv), IO(out, err, io.BytesIO(stdin)))
        return Run(code, out.getvalue(), err.getvalue())

    return run
