"""Squid native access.log reading: whole buffer, one byte at a time, junk lines."""

from __future__ import annotations

from squidcarp.carp.accesslog import AccessLogEntry, AccessLogReader, BadLine, parse_line

LOG = (
    b"1700000000.123    45 127.0.0.1 TCP_MISS/200 1234 GET http://www.example.com/ - "
    b"CARP/127.0.0.1 text/html\n"
    b"1700000001.000     1 127.0.0.1 TCP_TUNNEL/200 99 CONNECT example.org:443 - "
    b"HIER_DIRECT/93.184.216.34 -\r\n"
    b"\n"
    b"garbage line\n"
    b"1700000002.000     1 127.0.0.1 TCP_MISS/200 9 GET http://h/caf\xe9 - CARP/a -"
)

EXPECTED: list[AccessLogEntry | BadLine] = [
    AccessLogEntry(1, "GET", b"http://www.example.com/", 1700000000.123, "127.0.0.1", "CARP",
                   "127.0.0.1"),
    AccessLogEntry(2, "CONNECT", b"example.org:443", 1700000001.0, "127.0.0.1", "HIER_DIRECT",
                   "93.184.216.34"),
    BadLine(4, "2 fields, a native access.log line has 10", b"garbage line"),
    AccessLogEntry(5, "GET", b"http://h/caf\xe9", 1700000002.0, "127.0.0.1", "CARP", "a"),
]


def test_whole_buffer() -> None:
    reader = AccessLogReader()
    assert reader.feed(LOG) + reader.close() == EXPECTED


def test_one_byte_at_a_time() -> None:
    reader = AccessLogReader()
    out: list[AccessLogEntry | BadLine] = []
    for i in range(len(LOG)):
        out += reader.feed(LOG[i : i + 1])
    out += reader.close()
    assert out == EXPECTED


def test_method_field_must_look_like_a_method() -> None:
    line = b"1 2 3 4 5 6/7 http://x/ - - -"
    item = parse_line(line, 9)
    assert isinstance(item, BadLine) and item.line == 9
    assert parse_line(b"   ", 1) is None


def test_short_lines_keep_what_they_have() -> None:
    assert parse_line(b"x 1 10.0.0.1 TCP_MISS/200 1 GET http://a/", 3) == AccessLogEntry(
        3, "GET", b"http://a/", None, "10.0.0.1", None, None)
    assert parse_line(b"1.5 1 10.0.0.1 TCP_MISS/200 1 GET http://a/ - HIER_NONE/- -", 4) == (
        AccessLogEntry(4, "GET", b"http://a/", 1.5, "10.0.0.1", "HIER_NONE", "-"))
