"""Squid's request-URI normalisation (src/anyp/Uri.cc), case by case, and glibc as an oracle."""

from __future__ import annotations

import socket
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from squidcarp.carp.url import (
    Accel,
    NotRoutable,
    Request,
    c_atoi,
    canonical_host,
    effective_uri,
    inet_aton_exact,
    inet_ntop6,
    inet_pton6,
    numeric_host,
    parse,
)

ABSOLUTE = [
    # reference §4 "Effective URI"
    (b"HTTP://Example.COM.:80/P?q#f", b"http://example.com/P?q#f"),
    (b"http://[2001:db8::1]:8080/x", b"http://[2001:db8::1]:8080/x"),
    (b"http://www.example.com", b"http://www.example.com/"),
    (b"http://www.example.com?x=1", b"http://www.example.com/?x=1"),
    (b"http://www.example.com#f", b"http://www.example.com/#f"),
    # corpus README
    (b"http://127.1:18080/hosts", b"http://127.0.0.1:18080/hosts"),
    (b"http://2130706433:18080/hosts", b"http://127.0.0.1:18080/hosts"),
    (b"http://127.000.000.001/", b"http://127.0.0.1/"),
    (b"http://[0:0:0:0:0:0:0:1]:18080/h", b"http://[::1]:18080/h"),
    (b"http://[::1]:80/h", b"http://[::1]/h"),
    (b"http://127.0.0.1:080/p", b"http://127.0.0.1/p"),
    (b"http://127.0.0.1:018080/p", b"http://127.0.0.1:18080/p"),
    (b"http://user:pw@www.example.com/h", b"http://www.example.com/h"),
    (b"http://a/%2e%2e/./x//y#z?w", b"http://a/%2e%2e/./x//y#z?w"),
    (b"http://a/caf\xe9", b"http://a/caf\xe9"),
    # inet_aton forms beyond the corpus
    (b"http://0x7f.1/", b"http://127.0.0.1/"),
    (b"http://0177.0.0.1/", b"http://127.0.0.1/"),
    (b"http://[::ffff:127.0.0.1]/", b"http://127.0.0.1/"),
    (b"http://[::1.2.3.4]/", b"http://[::1.2.3.4]/"),
    (b"http://0.0.0.0/", b"http://0.0.0.0/"),  # the any-address is kept as typed
    (b"http://[::]/", b"http://::/"),
    (b"http://4294967296/", b"http://4294967296/"),  # too big for inet_aton: a name
    # ports and schemes
    (b"https://Example.com:443/", b"https://example.com/"),
    (b"https://example.com:80/", b"https://example.com:80/"),
    (b"http://example.com:80abc/", b"http://example.com/"),  # atoi stops at the junk
    (b"ftp://user%40x:pw@ftp.example.com/f", b"ftp://user%40x:pw@ftp.example.com/f"),
    (b"ftp://u\xe9@h/", b"ftp://u%FFFFFFE9@h/"),  # Encode() prints the signed char
    (b"Foo://U@Host:99/x", b"Foo://U@host:99/x"),  # unknown scheme: as typed, userinfo kept
    (b"urn:ISBN:0451450523", b"urn:ISBN:0451450523"),
    # blanks: the host stops at one, the path loses them (uri_whitespace strip)
    (b"http://a/b c\td", b"http://a/bcd"),
    (b"http://a b/c", b"http://a/b/c"),
    (b"http://a/p\r\nX", b"http://a/p"),
    # Squid's empty-host check runs before the port is cut off
    (b"http://:80/x", b"http:///x"),
]


@pytest.mark.parametrize(("raw", "expected"), ABSOLUTE)
def test_absolute(raw: bytes, expected: bytes) -> None:
    assert effective_uri(raw) == expected


REJECTED = [
    b"http://www.example.com:/port",  # the corpus' 400
    b"http://www.example.com:0/",
    b"http://www.example.com:65536/",
    b"http://www.example.com:-1/",
    b"http://www..example.com/",
    b"http://.example.com/",
    b"http:///path",
    b"http://user@/x",
    b"http://[]/x",
    b"www.example.com/",
    b"1http://a/",
    b"http:/a/",
    b"foo://host/",  # unknown scheme, no default port
    b"abcdefghijklmnopq://h:1/",  # scheme longer than 16
    b"urn:a:b",  # NID too short
    b"http://a/" + b"x" * 8190,  # MAX_URL
]


@pytest.mark.parametrize("raw", REJECTED)
def test_rejected(raw: bytes) -> None:
    with pytest.raises(NotRoutable):
        parse(raw)


def test_longest_url_squid_accepts() -> None:
    raw = b"http://a/" + b"x" * (8191 - 9)
    assert len(raw) == 8191
    assert effective_uri(raw) == raw


def test_host_truncated_to_255_bytes() -> None:
    host = b"a" * 300
    assert effective_uri(b"http://" + host + b"/") == b"http://" + b"a" * 255 + b"/"


CONNECT = [
    (b"example.org", b"example.org:443"),
    (b"Example.ORG.:8443", b"example.org:8443"),
    (b"example.org:", b"example.org:443"),
    (b"example.org:abc", b"example.org:443"),
    (b"example.org:80x", b"example.org:80"),
    (b"user@host:443", b"user@host:443"),  # userinfo stays in the hashed authority
    (b"[::1]:443", b"[::1]:443"),
    (b"[0:0::1]", b"[::1]:443"),
    (b"127.1:443", b"127.0.0.1:443"),
]


@pytest.mark.parametrize(("raw", "expected"), CONNECT)
def test_connect(raw: bytes, expected: bytes) -> None:
    uri = parse(Request.connect(raw))
    assert uri.effective == expected
    assert uri.scheme == b"" and uri.path == b""


@pytest.mark.parametrize("raw", [b"example.org:65536", b"example.org:0", b":443", b""])
def test_connect_rejected(raw: bytes) -> None:
    with pytest.raises(NotRoutable):
        parse(Request.connect(raw))


ACCEL = [
    (Request.accelerated("/p?q", host="WWW.Example.com:80"), b"http://www.example.com/p?q"),
    (Request.accelerated("/p", host="www.example.com:8080"), b"http://www.example.com:8080/p"),
    (Request.accelerated("/p", host="127.1"), b"http://127.0.0.1/p"),
    (Request.accelerated("/p", host="[0:0:0:0:0:0:0:1]:080"), b"http://[::1]/p"),
    (Request.accelerated("/p", defaultsite="site.example"), b"http://site.example/p"),
    (Request.accelerated("/p", host="h", defaultsite="d"), b"http://h/p"),
    (Request.accelerated("http://abs.example/x", host="ignored"), b"http://abs.example/x"),
    (Request(b"/p", "GET", Accel(b"h", None, b"https")), b"https://h/p"),
]


@pytest.mark.parametrize(("request_", "expected"), ACCEL)
def test_accelerated(request_: Request, expected: bytes) -> None:
    assert effective_uri(request_) == expected


@pytest.mark.parametrize("request_", [
    Request.accelerated("/p", host=""),
    Request.accelerated("/p", host="h:"),
    Request.accelerated("/p"),
])
def test_accelerated_rejected(request_: Request) -> None:
    with pytest.raises(NotRoutable):
        parse(request_)


def test_options_star() -> None:
    assert effective_uri(Request(b"*", "OPTIONS")) == b"http://*"


def test_c_atoi() -> None:
    assert c_atoi(b"080") == 80
    assert c_atoi(b"  +42x") == 42
    assert c_atoi(b"") == 0
    assert c_atoi(b"-7") == -7
    assert c_atoi(b"4294967377") == 81  # strtol, then truncated to a 32-bit int
    assert c_atoi(b"99999999999999999999") == -1  # clamped to LONG_MAX


def test_canonical_host_brackets_like_squid() -> None:
    assert canonical_host(b"[::1]") == b"[::1]"
    assert canonical_host(b"[") == b"["
    assert canonical_host(b"example.com") == b"example.com"


# --- glibc oracle: getaddrinfo(AI_NUMERICHOST), inet_ntop, inet_pton ------------------------------

GLIBC = sys.platform.startswith("linux") and "glibc" in " ".join(
    __import__("platform").libc_ver())
needs_glibc = pytest.mark.skipif(not GLIBC, reason="the oracle is glibc's resolver")


def _glibc_numeric(text: bytes) -> bytes | None:
    try:
        infos = socket.getaddrinfo(text.decode("latin-1"), None, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    family, *_, addr = infos[0]
    if family == socket.AF_INET:
        return bytes(10) + b"\xff\xff" + socket.inet_aton(str(addr[0]))
    return socket.inet_pton(socket.AF_INET6, str(addr[0]).split("%")[0])


HOSTISH = st.text(alphabet="0123456789abcdefxX.:", min_size=1, max_size=14).map(str.encode)


@needs_glibc
@settings(max_examples=3000, deadline=None)
@given(HOSTISH)
def test_numeric_host_matches_getaddrinfo(text: bytes) -> None:
    assert numeric_host(text) == _glibc_numeric(text)


@needs_glibc
@pytest.mark.parametrize("text", [
    b"127.1", b"2130706433", b"0x7f.1", b"0177.0.0.1", b"08", b"0x", b"0x.1", b"1.0x",
    b"4294967295", b"4294967296", b"1.2.3.4.", b"1.2.3.04", b"::1", b"::", b"1::", b":1",
    b"1:2:3:4:5:6:7:8", b"1:2:3:4:5:6:7::", b"1::2:3:4:5:6:7:8", b"::1.2.3.4",
    b"1:2:3:4:5:6:1.2.3.4", b"::ffff:1.2.3.04", b"fe80::1%2", b"fe80::1%eth99", b"12345::",
])
def test_numeric_host_edge_cases(text: bytes) -> None:
    assert numeric_host(text) == _glibc_numeric(text)


@given(st.binary(min_size=16, max_size=16) | st.lists(
    st.sampled_from([0, 0, 0, 1, 0xFF, 0x12]), min_size=16, max_size=16).map(bytes))
def test_inet_ntop6_matches_libc(addr: bytes) -> None:
    assert inet_ntop6(addr).decode() == socket.inet_ntop(socket.AF_INET6, addr)


@given(st.text(alphabet="0123456789abcdefABCDEF:.", max_size=24))
def test_inet_pton6_matches_libc(text: str) -> None:
    try:
        expected: bytes | None = socket.inet_pton(socket.AF_INET6, text)
    except OSError:
        expected = None
    assert inet_pton6(text.encode()) == expected


def test_inet_aton_exact_parts() -> None:
    assert inet_aton_exact(b"1.2.3") == bytes([1, 2, 0, 3])
    assert inet_aton_exact(b"1.65535") == bytes([1, 0, 255, 255])
    assert inet_aton_exact(b"1.2.3.256") is None
