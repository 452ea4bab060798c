"""Stage 1: physical lines exactly as Squid's ``fgets`` loop sees them.

Squid reads squid.conf with an 8192-byte ``fgets`` buffer (src/cache_cf.cc ``parseOneConfigFile``,
``BUFSIZ``): a physical line longer than 8191 bytes is cut, and its tail is parsed as if it were a
line of its own. Each :class:`Record` is one such ``fgets`` result, with the real file line and the
column its first character has there, so positions still point into the file a person edits.

Files are read as bytes and decoded as UTF-8 with ``surrogateescape``: any byte sequence round-trips,
and a peer name's bytes (which CARP hashes) can be recovered exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

FGETS_CHUNK = 8191  # BUFSIZ (8192) minus the terminating NUL: src/cache_cf.cc parseOneConfigFile

BLANKS = " \t\n\r\v\f"  # xisspace() in the C locale


def decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Record:
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
    pos, line, column = 0, 1, 1
    size = len(data)
    while pos < size:
        newline = data.find(b"\n", pos)
        end = size if newline < 0 else newline + 1
        take = min(end - pos, FGETS_CHUNK)
        chunk = data[pos : pos + take]
        pos += take
        has_newline = chunk.endswith(b"\n")
        body = decode(chunk[:-1] if has_newline else chunk)
        text, cut = body, False
        cr = body.find("\r")
        if cr >= 0:
            text, cut = body[:cr], True
        out.append(Record(line, column, text, split=column > 1, cut_cr=cut))
        if has_newline:
            line, column = line + 1, 1
        else:
            column += len(body)
    return out
