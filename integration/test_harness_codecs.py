"""The harness's pure parsers, on text recorded from Squid 5.7 (no Squid needed).

The cache manager page parsers moved to squidcarp.proto.cachemgr (tests/proto/test_cachemgr.py).
"""

from __future__ import annotations

import pytest

from integration.harness.client import (
    ResponseError,
    build_request,
    dechunk,
    inject_header,
    parse_response,
)
from integration.harness.oracle import split_output
from integration.harness.topology import AccessLogEntry, via_hosts


def test_access_log_line() -> None:
    line = "1795315421.538 127.0.0.1 TCP_TUNNEL/200 CONNECT CARP 127.0.0.23 51229 h2 o.test:40865"
    entry = AccessLogEntry.parse(line)
    assert (entry.status, entry.method, entry.hierarchy) == (200, "CONNECT", "CARP")
    assert (entry.server_address, entry.server_port, entry.harness_id) == (
        "127.0.0.23",
        "51229",
        "h2",
    )
    assert entry.url == "o.test:40865"
    with pytest.raises(ValueError):
        AccessLogEntry.parse("not a log line")


def test_via_hosts() -> None:
    assert via_hosts("1.1 parent3 (squid/5.7), 1.1 frontend (squid/5.7)") == (
        "parent3",
        "frontend",
    )
    assert via_hosts(None) == ()


def test_request_bytes_are_exact_and_the_tag_goes_after_the_request_line() -> None:
    raw = build_request("GET", b"http://h/\xff", [("Host", b"h\xe9")])
    assert raw == b"GET http://h/\xff HTTP/1.1\r\nHost: h\xe9\r\n\r\n"
    tagged = inject_header(raw, "X-Harness-Id", "t-1")
    assert tagged == b"GET http://h/\xff HTTP/1.1\r\nX-Harness-Id: t-1\r\nHost: h\xe9\r\n\r\n"


CHUNKED = (
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nVia: 1.1 frontend (squid/5.7)\r\n\r\n"
    b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n"
)


def test_chunked_response_whole_and_cut_short() -> None:
    response = parse_response(CHUNKED)
    assert (response.status, response.body) == (200, b"hello, world")
    assert response.header("via") == "1.1 frontend (squid/5.7)"
    head_end = CHUNKED.index(b"\r\n\r\n") + 4
    for cut in range(head_end + 1, len(CHUNKED)):
        assert dechunk(CHUNKED[head_end:cut]) is None, cut
    with pytest.raises(ResponseError):
        parse_response(CHUNKED[: head_end + 3])
    with pytest.raises(ResponseError):
        parse_response(b"SSH-2.0-OpenSSH\r\n\r\n")


def test_parse_output_is_split_into_processed_messages_and_other() -> None:
    output = (
        "2026/11/22 02:45:01| Processing Configuration File: x.conf (depth 0)\n"
        "2026/11/22 02:45:01| Processing: cache_peer 127.0.0.1 parent 3901 0 weight=abc\n"
        "2026/11/22 02:45:01| ERROR: No digits were found in the input value 'abc'.\n"
        "2026/11/22 02:45:01| FATAL: Bungled x.conf line 3: cache_peer 127.0.0.1 parent\n"
        "2026/11/22 02:45:01| Squid Cache (Version 5.7): Terminated abnormally.\n"
    )
    processed, messages, other = split_output(output)
    assert processed == ("cache_peer 127.0.0.1 parent 3901 0 weight=abc",)
    assert messages == (
        "ERROR: No digits were found in the input value 'abc'.",
        "FATAL: Bungled x.conf line 3: cache_peer 127.0.0.1 parent",
    )
    assert other == (
        "Processing Configuration File: x.conf (depth 0)",
        "Squid Cache (Version 5.7): Terminated abnormally.",
    )
