"""Squid's native access.log format, sans-IO: bytes in, entries out.

A native line is ``time elapsed client code/status bytes method URL user hierarchy/peer type``
(``logformat squid``, src/log/FormatSquidNative.cc); fields are separated by runs of blanks and
the URL (field 7) never contains one. The method and URL are what a request is routed by; the
time, client and the logged hierarchy code and peer are kept when present (predictions in
order of time, ``src`` ACLs, and comparing a prediction with what Squid did).

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

TIME_FIELD = 1  # 1-based, src/log/FormatSquidNative.cc
CLIENT_FIELD = 3
METHOD_FIELD = 6
URL_FIELD = 7
HIERARCHY_FIELD = 9
_METHOD_RE = re.compile(rb"[A-Za-z][A-Za-z_-]*")  # RFC 9110 tokens as Squid logs them


@dataclass(frozen=True)
class AccessLogEntry:
    line: int
    method: str
    url: bytes
    time: float | None = None
    client: str | None = None
    hierarchy: str | None = None
    """The logged hierarchy code (``CARP``, ``HIER_DIRECT``, ``HIER_NONE``...)."""
    peer: str | None = None
    """What follows the code: the peer's address (or the origin's for DIRECT), ``-`` if none."""


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
    try:
        when: float | None = float(fields[TIME_FIELD - 1])
    except ValueError:
        when = None
    client = fields[CLIENT_FIELD - 1].decode("ascii", "replace")
    code = peer = None
    if len(fields) >= HIERARCHY_FIELD:
        code_b, _, peer_b = fields[HIERARCHY_FIELD - 1].partition(b"/")
        code, peer = code_b.decode("ascii", "replace"), peer_b.decode("ascii", "replace") or None
    return AccessLogEntry(line, method.decode("ascii"), fields[URL_FIELD - 1], when, client,
                          code, peer)


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
