"""simulate's URL-file reading (squidcarp.forward.simulate.read_url_list): the same requests as
target_lines + requests_for, with the one-scan fast path taken exactly when every line is an
h/H URL."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from squidcarp.carp.inputs import requests_for, target_lines
from squidcarp.carp.url import Accel, Request
from squidcarp.forward.simulate import read_url_list


@pytest.mark.parametrize(("data", "requests", "http_only"), [
    (b"http://a/\nHTTPS://b/\n", [b"http://a/", b"HTTPS://b/"], True),
    (b"http://a/\nhttp://b/", [b"http://a/", b"http://b/"], True),
    (b"http://a/\n\nhttp://b/\n", [b"http://a/", b"http://b/"], False),  # an empty line
    (b"#x\nhttp://a/\n", [b"http://a/"], False),
    (b"http://a/\r\n", [b"http://a/"], False),  # a blank to strip
    (b"http://a/\nCONNECT:x\n", [b"http://a/", Request(b"x", "CONNECT")], False),
    (b"http://a/\n/index.html\n", [b"http://a/", Request(b"/index.html", "GET", Accel())], False),
    (b"ftp://a/\n", [b"ftp://a/"], False),
    (b"", [], False),
    (b"\n", [], False),
])
def test_read_url_list(data: bytes, requests: list[object], http_only: bool) -> None:
    listing = read_url_list(data)
    assert (listing.requests, listing.http_only, listing.text) == (requests, http_only, data)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"http://a/", b"H", b"h x", b"", b"#", b" http://b/", b"\r",
                                 b"/p", b"*", b"C", b"hC", b"\x0c", b"urn:x"]), max_size=8),
       st.booleans())
def test_read_url_list_is_target_lines(lines: list[bytes], final_newline: bool) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline else b"")
    assert read_url_list(data).requests == requests_for(target_lines(data), "GET")
