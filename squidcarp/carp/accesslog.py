"""Squid's native access.log format, sans-IO: bytes in, entries out.

A native line is ``time elapsed client code/status bytes method URL user hierarchy/peer type``
(``logformat squid``, src/log/FormatSquidNative.cc); fields are separated by runs of blanks and
the URL (field 7) never contains one. Only the method (field 6) and URL matter here.

Note that Squid logs the URL after its own normalisation and, with the default
``strip_query_terms on``, without the query: routing logged URLs routes what was logged.

    reader = AccessLogReader()
    for chunk in chunks:
        for item in reader.feed(chunk):
            ...
    for item in reader.close():
        ...

Items are :class:`AccessLogEntry` or :class:`BadLine` (a line that is not in native format);
nothing is raised for bad data, so one broken line never hides the rest of a log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

METHOD_FIELD = 6  # 1-based, src/log/FormatSquidNative.cc
URL_FIELD = 7
_METHOD_RE = re.compile(rb"[A-Za-z][A-Za-z_-]*")  # RFC 9110 tokens as Squid logs them


@dataclass(frozen=True)
class AccessLogEntry:
    line: int
    method: str
    url: bytes


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str
    text: bytes


def parse_line(text: bytes, line: int) -> AccessLogEntry | BadLine | None:
    """One line (without its newline); None for a blank line."""
    fields = text.split()
    if not fields:
        return None
    if len(fields) < URL_FIELD:
        return BadLine(line, f"{len(fields)} fields, a native access.log line has 10", text)
    method = fields[METHOD_FIELD - 1]
    if _METHOD_RE.fullmatch(method) is None:
        return BadLine(line, f"field {METHOD_FIELD} is not an HTTP method", text)
    return AccessLogEntry(line, method.decode("ascii"), fields[URL_FIELD - 1])


class AccessLogReader:
    """Incremental line splitter: feed any chunks, get entries for the complete lines."""

    def __init__(self) -> None:
        self._pending = b""
        self._line = 0

    def feed(self, data: bytes) -> list[AccessLogEntry | BadLine]:
        buf = self._pending + data
        lines = buf.split(b"\n")
        self._pending = lines.pop()
        return self._parse(lines)

    def close(self) -> list[AccessLogEntry | BadLine]:
        rest, self._pending = self._pending, b""
        return self._parse([rest]) if rest else []

    def _parse(self, lines: list[bytes]) -> list[AccessLogEntry | BadLine]:
        out: list[AccessLogEntry | BadLine] = []
        for raw in lines:
            self._line += 1
            item = parse_line(raw.rstrip(b"\r"), self._line)
            if item is not None:
                out.append(item)
        return out
