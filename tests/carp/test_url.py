"""Squid's request-URI normalisation (src/anyp/Uri.cc), case by case, and glibc as an oracle."""

from __future__ import annotations

import pytest

from squidcarp.carp.url import (
    Accel,
    NotRoutable,
    Request,
    canonical_host,
    effective_uri,
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


def test_canonical_host_brackets_like_squid() -> None:
    assert canonical_host(b"[::1]") == b"[::1]"
    assert canonical_host(b"[") == b"["
    assert canonical_host(b"example.com") == b"example.com"


HUGE = b"9" * 5000  # longer than Python's int-string limit


def test_huge_numbers_in_urls_clamp_like_libc() -> None:
    with pytest.raises(NotRoutable, match="invalid port"):  # atoi: LONG_MAX, low 32 bits = -1
        parse(b"http://example.com:" + HUGE + b"/")
    # not an inet_aton number (strtoul overflows): a host name, kept as typed
    assert effective_uri(b"http://1." + HUGE + b"/") == b"http://1." + HUGE[:253] + b"/"
    # a zone number above 0xffffffff: no numeric host either
    assert effective_uri(b"http://[fe80::1%" + HUGE + b"]/") == (
        b"http://" + (b"fe80::1%" + HUGE)[:255] + b"/")
    with pytest.raises(NotRoutable, match="invalid port"):
        parse(Request.connect(b"example.com:" + HUGE))
