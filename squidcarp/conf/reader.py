"""The whole reading pipeline behind one call: ``read_config(path) -> ReadResult``."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import NamedTuple, overload

from squidcarp.conf.directives import build
from squidcarp.conf.events import ReadEvent
from squidcarp.conf.lexer import LogicalLine
from squidcarp.conf.model import Directive, SquidConfig
from squidcarp.conf.preprocess import Reader, ReadOptions
from squidcarp.conf.source import SourceFile, read_file


class LogicalLines(Sequence[LogicalLine]):
    """Every logical line of a config, in order, active or not, after macros.

    A directive read from its own line as it stands (most lines) stands in for that line here
    (:data:`~squidcarp.conf.model.OWN_LINE`), and the line is made from it when read: a config's
    lines are not kept twice (see bench/scale_bench.py).
    """

    __slots__ = ("_items",)

    def __init__(self, items: list[LogicalLine | Directive]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> LogicalLine: ...

    @overload
    def __getitem__(self, index: slice) -> list[LogicalLine]: ...

    def __getitem__(self, index: int | slice) -> LogicalLine | list[LogicalLine]:
        if isinstance(index, slice):
            return [_line(item) for item in self._items[index]]
        return _line(self._items[index])

    def __iter__(self) -> Iterator[LogicalLine]:
        return map(_line, self._items)

    def __repr__(self) -> str:
        return f"LogicalLines({list(self)!r})"


def _line(item: LogicalLine | Directive) -> LogicalLine:
    return item.own_line() if isinstance(item, Directive) else item


class ReadResult(NamedTuple):
    """A config as Squid would read it, plus everything noticed on the way."""

    path: str
    config: SquidConfig
    events: tuple[ReadEvent, ...]
    files: dict[str, SourceFile]
    """Every file read (the main one first), exact bytes, for rendering and rewriting."""
    lines: LogicalLines
    """Every logical line, active or not, after macros."""
    inactive: tuple[LogicalLine, ...]
    """Lines switched off by ``if``/``else``."""
    options: ReadOptions


def read_bytes(data: bytes, label: str = "-", options: ReadOptions | None = None) -> ReadResult:
    """Read config text that is already in memory (``-`` for stdin)."""
    opts = options or ReadOptions()
    reader = Reader(opts)
    pre = reader.read(label, data)
    del data  # kept as text by pre.files: not a second copy for the rest of the read
    events = pre.events
    config = build(pre.directives, events, opts.cwd, opts.quoted_values)
    ordered = tuple(sorted(events, key=lambda e: (e.pos.file != label, e.pos)))
    return ReadResult(label, config, ordered, pre.files, LogicalLines(pre.lines),
                      tuple(pre.inactive), opts)


def read_config(path: str | os.PathLike[str], options: ReadOptions | None = None) -> ReadResult:
    """Read a squid.conf file and its includes. Raises OSError only if ``path`` can't be read
    (a FIFO, a device or a file over the size bound included: see :func:`read_file`)."""
    label = os.fspath(path)
    return read_bytes(read_file(label), label, options)
