"""Stage 1: physical lines exactly as Squid's ``fgets`` loop sees them.

Squid reads squid.conf with an 8192-byte ``fgets`` buffer (src/cache_cf.cc ``parseOneConfigFile``,
``BUFSIZ``): a physical line longer than 8191 bytes is cut, and its tail is parsed as if it were a
line of its own. Each :class:`Record` is one such ``fgets`` result, with the real file line and the
column its first character has there, so positions still point into the file a person edits.

Files are read as bytes and decoded as UTF-8 with ``surrogateescape``: any byte sequence
round-trips, and a peer name's bytes (which CARP hashes) can be recovered exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

FGETS_CHUNK = 8191  # BUFSIZ (8192) minus the terminating NUL: src/cache_cf.cc parseOneConfigFile

BLANKS = " \t\n\r\v\f"  # xisspace() in the C locale


def decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


class Record(NamedTuple):
    """One ``fgets`` result: ``text`` without newline, cut at the first ``\\r`` like Squid."""

    line: int
    """1-based line of the file this record starts in."""
    column: int
    """1-based column (characters) of the record's first character in that file line."""
    text: str
    split: bool = False
    """True when this record is the tail of a physical line longer than 8191 bytes."""
    cut_cr: bool = False
    """True when text after a carriage return was dropped."""


@dataclass(frozen=True)
class SourceFile:
    """A config file's exact bytes, split into physical lines (newline kept) for rendering."""

    path: str
    data: bytes

    @property
    def lines(self) -> list[str]:
        return decode(self.data).splitlines(keepends=True)


def records(data: bytes) -> list[Record]:
    """Split file bytes into Squid's ``fgets`` records (newline dropped, cut at ``\\r``)."""
    out: list[Record] = []
    text = decode(data)
    text_lines = text.split("\n")
    last = len(text_lines) - 1
    # A character is at most 4 bytes, so only lines this long can reach fgets' limit.
    suspicious = FGETS_CHUNK // 4
    if "\r" not in text and max(map(len, text_lines)) < suspicious:
        # The common case: one record per line. (tuple.__new__ builds the named tuples without
        # their generated __new__: same objects, a third of the cost.)
        if not text_lines[last]:
            text_lines.pop()  # nothing after the final newline
        new = tuple.__new__
        return [new(Record, (number, 1, line, False, False))
                for number, line in enumerate(text_lines, 1)]
    for index, text in enumerate(text_lines):
        if index == last and not text:
            break  # nothing after the final newline
        line = index + 1
        raw = encode(text) if len(text) >= suspicious else b""
        if len(raw) < FGETS_CHUNK or (len(raw) == FGETS_CHUNK and index == last):
            cr = text.find("\r")
            if cr >= 0:
                out.append(Record(line, 1, text[:cr], cut_cr=True))
            else:
                out.append(Record(line, 1, text))
            continue
        # fgets returns at most 8191 bytes: a longer line arrives in pieces, and a line of
        # exactly 8191 bytes is followed by an empty piece holding only its newline.
        column = 1
        pieces = [raw[i : i + FGETS_CHUNK] for i in range(0, len(raw), FGETS_CHUNK)]
        if len(raw) % FGETS_CHUNK == 0 and index != last:
            pieces.append(b"")
        for number, piece in enumerate(pieces):
            body = decode(piece)
            cr = body.find("\r")
            out.append(Record(line, column, body[:cr] if cr >= 0 else body, split=number > 0,
                              cut_cr=cr >= 0))
            column += len(body)
    return out
