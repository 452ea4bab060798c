"""The whole reading pipeline behind one call: ``read_config(path) -> ReadResult``."""

from __future__ import annotations

import os
from typing import NamedTuple

from squidcarp.conf.directives import build
from squidcarp.conf.events import ReadEvent
from squidcarp.conf.lexer import LogicalLine
from squidcarp.conf.model import SquidConfig
from squidcarp.conf.preprocess import Reader, ReadOptions
from squidcarp.conf.source import SourceFile, read_file


class ReadResult(NamedTuple):
    """A config as Squid would read it, plus everything noticed on the way."""

    path: str
    config: SquidConfig
    events: tuple[ReadEvent, ...]
    files: dict[str, SourceFile]
    """Every file read (the main one first), exact bytes, for rendering and rewriting."""
    lines: tuple[LogicalLine, ...]
    """Every logical line, active or not, after macros."""
    inactive: tuple[LogicalLine, ...]
    """Lines switched off by ``if``/``else``."""
    options: ReadOptions


def read_bytes(data: bytes, label: str = "-", options: ReadOptions | None = None) -> ReadResult:
    """Read config text that is already in memory (``-`` for stdin)."""
    opts = options or ReadOptions()
    reader = Reader(opts)
    pre = reader.read(label, data)
    events = pre.events
    config = build(pre.directives, events, opts.cwd, opts.quoted_values)
    ordered = tuple(sorted(events, key=lambda e: (e.pos.file != label, e.pos)))
    return ReadResult(label, config, ordered, pre.files, tuple(pre.lines), tuple(pre.inactive),
                      opts)


def read_config(path: str | os.PathLike[str], options: ReadOptions | None = None) -> ReadResult:
    """Read a squid.conf file and its includes. Raises OSError only if ``path`` can't be read
    (a FIFO, a device or a file over the size bound included: see :func:`read_file`)."""
    label = os.fspath(path)
    return read_bytes(read_file(label), label, options)
