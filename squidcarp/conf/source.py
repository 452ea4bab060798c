"""Stage 1: physical lines exactly as Squid's ``fgets`` loop sees them.

Squid reads squid.conf with an 8192-byte ``fgets`` buffer (src/cache_cf.cc ``parseOneConfigFile``,
``BUFSIZ``): a physical line longer than 8191 bytes is cut, and its tail is parsed as if it were a
line of its own. Each :class:`Record` is one such ``fgets`` result, with the real file line and the
column its first character has there, so positions still point into the file a person edits.

Files are read as bytes and decoded as UTF-8 with ``surrogateescape``: any byte sequence
round-trips, and a peer name's bytes (which CARP hashes) can be recovered exactly.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from itertools import islice, repeat
from typing import NamedTuple

FGETS_CHUNK = 8191  # BUFSIZ (8192) minus the terminating NUL: src/cache_cf.cc parseOneConfigFile

BLANKS = " \t\n\r\v\f"  # xisspace() in the C locale


MAX_FILE_BYTES = 256 << 20  # our bound on one file (a 1M-line squid.conf is ~60 MiB)
MAX_DEVICE_BYTES = 1 << 20  # our bound on a device (/dev/null gives nothing, /dev/zero no end)


def read_file(path: str) -> bytes:
    """A config file's bytes, or OSError with a reason Squid would understand.

    Regular files are read up to :data:`MAX_FILE_BYTES`, devices up to
    :data:`MAX_DEVICE_BYTES` (``/dev/null`` is an empty file to Squid too, but ``fgets`` on
    ``/dev/zero`` never ends); a FIFO is refused, since Squid's ``fopen`` would wait for a
    writer. Nothing here blocks or fills memory. A name holding a NUL byte ends there, as the C
    string Squid passes to ``fopen`` does.
    """
    path = path.split("\0", 1)[0]
    info = os.stat(path)
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        raise OSError(errno.EINVAL, "is a FIFO or socket, not a regular file: Squid would wait "
                      "for a writer", path)
    limit = MAX_FILE_BYTES if stat.S_ISREG(mode) else MAX_DEVICE_BYTES
    with open(path, "rb") as fh:
        # read() sets aside all it is asked for before reading: ask for the size the file has
        # (one byte more shows it grew), not the limit, then for whatever it grew by
        data = fh.read(min(info.st_size, limit) + 1)
        if len(data) > info.st_size and len(data) <= limit:
            data += fh.read(limit + 1 - len(data))
    if len(data) > limit:
        what = ("a device that reads on and on (like /dev/zero): Squid would never finish "
                "reading it" if not stat.S_ISREG(mode) else
                f"larger than {MAX_FILE_BYTES >> 20} MiB, more than squidcarp reads")
        raise OSError(errno.EFBIG, f"is {what}", path)
    return data


def decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _steers_a_terminal(ch: str) -> bool:
    """C0 and C1 controls, DEL, bidirectional embeddings/overrides/isolates and marks, and the
    line and paragraph separators: characters that move or recolour what a terminal shows."""
    code = ord(ch)
    return (code < 0x20 or 0x7F <= code <= 0x9F or 0x202A <= code <= 0x202E
            or 0x2066 <= code <= 0x2069 or code in (0x200E, 0x200F, 0x061C, 0x2028, 0x2029))


def printable(text: str) -> str:
    """Config text made safe to print anywhere: bytes that are not UTF-8 (the surrogate escapes
    of :func:`decode`) as ``\\xNN``, and characters that steer a terminal (ESC, BEL, an RTL
    override...) as ``\\xNN`` or ``\\uNNNN``. The result is valid UTF-8 and inert on a
    terminal; plain text comes back unchanged."""
    if text.isascii() and text.isprintable():
        return text
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif _steers_a_terminal(ch) or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def printable_json(value: object) -> object:
    """A JSON value whose strings went through :func:`printable`'s byte escapes: what a strict
    UTF-8 encoder takes. (Controls stay characters: JSON escapes them itself.)"""
    if isinstance(value, str):
        if value.isascii():
            return value
        return "".join(f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF else ch
                       for ch in value)
    if isinstance(value, dict):
        return {printable_json(k): printable_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable_json(v) for v in value]
    return value


def inert_json(dumped: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the characters that steer
    a terminal written as ``\\uNNNN`` escapes (the same JSON value, safe to show raw), and the
    bytes that are not UTF-8 as the text ``\\xNN`` (what :func:`printable_json` makes of them):
    valid UTF-8 however the config was written."""
    if dumped.isascii():
        return dumped
    out: list[str] = []
    for ch in dumped:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\\\x{code - 0xDC00:02x}")  # inside a JSON string: an escaped '\\'
        elif code >= 0x7F and (_steers_a_terminal(ch) or 0xD800 <= code <= 0xDFFF):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


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


class SourceFile(NamedTuple):
    """A config file exactly as read, kept as the text between its ``\\n`` characters.

    ``texts`` is the decoded file split on ``\\n`` (the last piece is what follows the final
    newline, usually nothing): joined and encoded it gives the file's bytes back, and the
    reader's logical lines share these strings instead of keeping a second copy of the file
    (see bench/scale_bench.py). Make one with :meth:`of`.
    """

    path: str
    texts: list[str]

    @classmethod
    def of(cls, path: str, data: bytes) -> SourceFile:
        return cls(path, decode(data).split("\n"))

    @property
    def data(self) -> bytes:
        """The file's exact bytes (joined anew on each call)."""
        return encode("\n".join(self.texts))

    @property
    def lines(self) -> list[str]:
        """Physical lines with their newlines (:func:`physical_lines`), for rendering."""
        return _with_newlines(self.texts)

    def mentions(self, word: str) -> bool:
        """Whether ``word`` is written on some line of the file."""
        return any(word in text for text in self.texts)


def physical_lines(text: str) -> list[str]:
    """``text`` split after each ``\\n`` (kept), as ``fgets`` and the reader split it: form
    feeds, vertical tabs, ``\\r``, NEL, U+2028 and friends are characters, not line breaks
    (``str.splitlines`` would break there). Joining the result gives ``text`` back."""
    return _with_newlines(text.split("\n"))


def _with_newlines(texts: list[str]) -> list[str]:
    lines = [line + "\n" for line in texts]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    return lines


RecordFields = tuple[int, int, str, bool, bool]
"""A :class:`Record`'s fields as a plain tuple (what :func:`record_fields` yields)."""
# A character is at most 4 bytes, so only lines this long can reach fgets' limit.
_SUSPICIOUS = FGETS_CHUNK // 4


def records(data: bytes) -> list[Record]:
    """Split file bytes into Squid's ``fgets`` records (newline dropped, cut at ``\\r``)."""
    return [r if isinstance(r, Record) else Record(*r)
            for r in record_fields(decode(data).split("\n"))]


def record_fields(text_lines: list[str]) -> Iterable[RecordFields]:
    """:func:`records` of a file split on ``\\n`` (:attr:`SourceFile.texts`) as plain field
    tuples, for the reader's single pass over them: an ordinary file (no carriage return, no
    line near fgets' limit) yields them without building a Record per line, and each record's
    text is the file's own string."""
    if max(map(len, text_lines)) >= _SUSPICIOUS or any("\r" in text for text in text_lines):
        return _split_records(text_lines)
    n = len(text_lines) - (not text_lines[-1])  # (nothing after the final newline)
    return zip(range(1, n + 1), repeat(1, n), islice(text_lines, n), repeat(False, n),
               repeat(False, n), strict=True)


def _split_records(text_lines: list[str]) -> list[Record]:
    """The general case: carriage returns and lines longer than fgets' limit."""
    out: list[Record] = []
    last = len(text_lines) - 1
    suspicious = _SUSPICIOUS
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
