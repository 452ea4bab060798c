"""Squid's request-URI normalisation (src/anyp/Uri.cc), case by case, and glibc as an oracle."""

from __future__ import annotations

import pytest

from squidcarp.carp.url import (
    Accel,
    LocalAddressUnknown,
    NotRoutable,
    Request,
    accelerated_url,
    canonical_host,
    effective_uri,
    host_header_field,
    parse,
    parse_uri,
    request_line_target,
    system_interface_index,
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


# --- the request line (src/http/one/RequestParser.cc), as Squid 5.7 answered on the wire ----------

WIRE = [
    # delimiters (SP HTAB VT FF CR) around the target are not part of it
    (b"\x0b http://n.example/r1\x0b\x0c", b"http://n.example/r1"),
    (b"  http://n.example/x\t", b"http://n.example/x"),
    # an LF ends the request line: GET becomes HTTP/0.9 with what came before it
    (b"http://n.example/p9\nzz", b"http://n.example/p9"),
    (b"http://n.example/r6\r\r\nConnection: close", b"http://n.example/r6"),
    # a bare CR inside is a delimiter the URI parser stops the path at
    (b"http://n.example/r7 HTTP/1.1\rzz", b"http://n.example/r7HTTP/1.1"),
    # VT and FF alone stay in the path (stringHasWhitespace looks for SP, HTAB, CR, LF only) ...
    (b"http://n.example/q4\x0bv\x0cf", b"http://n.example/q4\x0bv\x0cf"),
    # ... and go with a space (then every isspace byte is stripped)
    (b"http://n.example/r2\x0b \x0cx", b"http://n.example/r2x"),
    # the host ends at any isspace byte; the rest is the path, VT kept
    (b"http://n.exa\x0bmple/r10", b"http://n.exa/\x0bmple/r10"),
    # the RFC 2396 "unwise" characters and bytes 0x80-0xFF are accepted as they are
    (b'http://n.example/"\\|^<>`{}', b'http://n.example/"\\|^<>`{}'),
]


@pytest.mark.parametrize(("target", "expected"), WIRE)
def test_request_line(target: bytes, expected: bytes) -> None:
    assert effective_uri(target) == expected


WIRE_REJECTED = [
    (b"http://n.example/p1\x00zz", "byte 0x00 at offset 19 is not allowed in a request target"),
    (b"http://n.example/p2\x01zz", "byte 0x01 at offset 19 is not allowed in a request target"),
    (b"http://n.example/p3\x7fzz", "byte 0x7f at offset 19 is not allowed in a request target"),
    (b"  http://n\x00.example/", "byte 0x00 at offset 10 is not allowed in a request target"),
    (b"http://n.example/?q=\x1f", "byte 0x1f at offset 20 is not allowed in a request target"),
    (b"\x00", "byte 0x00 at offset 0 is not allowed in a request target"),
    (b" \t", "missing request target"),
    (b"\nhttp://n.example/", "missing request target"),
]


@pytest.mark.parametrize(("target", "reason"), WIRE_REJECTED)
def test_request_line_rejected(target: bytes, reason: str) -> None:
    with pytest.raises(NotRoutable) as info:
        parse(target)
    assert (info.value.reason, info.value.status, info.value.target) == (reason, 400, target)


@pytest.mark.parametrize("control", [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
def test_every_control_but_the_delimiters_is_a_400(control: int) -> None:
    with pytest.raises(NotRoutable, match=f"byte 0x{control:02x} at offset 9 "):
        parse(b"http://a/" + bytes([control]) + b"x")
    with pytest.raises(NotRoutable, match=f"byte 0x{control:02x} at offset 2 "):
        parse(Request.connect(b"a:" + bytes([control])))
    with pytest.raises(NotRoutable, match=f"byte 0x{control:02x} at offset 2 "):
        parse(Request.accelerated(b"/a" + bytes([control]), host="h"))


def test_a_line_feed_is_http_0_9_for_get_only() -> None:
    assert request_line_target(b"http://a/b \r\nx", "GET") == b"http://a/b "
    for method in ("HEAD", "CONNECT", "POST"):
        with pytest.raises(NotRoutable) as info:
            request_line_target(b"http://a/b\nzz", method)
        assert info.value.reason == ("a line feed at offset 10 ends the request line before the "
                                     "HTTP version (only GET may be HTTP/0.9)")
    # bytes after the line feed are not part of the request line
    assert effective_uri(b"http://a/b\n\x00") == b"http://a/b"


def test_a_target_over_64k_is_414() -> None:
    with pytest.raises(NotRoutable) as info:
        request_line_target(b"http://a/" + b"x" * 65527)
    assert info.value.status == 414
    assert request_line_target(b"http://a/" + b"x" * 65526) == b"http://a/" + b"x" * 65526


def test_parse_uri_skips_the_request_line_checks() -> None:
    # AnyP::Uri::parse alone (a helper's or an ICP query's URL): reads up to a NUL or a control
    assert parse_uri(b"http://a/b\x00c").effective == b"http://a/b"
    assert parse_uri(b"http://a/b\x01c").effective == b"http://a/b\x01c"
    assert parse_uri(b"a.example:8443", "CONNECT").effective == b"a.example:8443"


def test_connect_blanks() -> None:
    # sscanf keeps blanks in the host; a space makes Squid strip every isspace byte, VT alone not
    assert parse(Request.connect(b"orig in.test:443")).effective == b"origin.test:443"
    assert parse(Request.connect(b"orig\x0bin.test:443")).effective == b"orig\x0bin.test:443"


# --- IPv6 zones (glibc __inet6_scopeid_pton through getaddrinfo(AI_NUMERICHOST)) ----------------

INTERFACES = {"lo": 1, "eth0": 2, "caf\xe9": 7}


def interfaces(name: str) -> int:
    return INTERFACES.get(name, 0)


ZONES = [
    # seen on Squid 5.7 (lo is interface 1 there): a zone naming an interface or a number goes
    (b"http://[fe80::1%lo]/p4", b"http://[fe80::1]/p4"),
    (b"http://[fe80::1%1]/p7", b"http://[fe80::1]/p7"),
    # RFC 6874's %25 is not decoded: "25lo" names nothing and is no number -> a host name
    (b"http://[fe80::1%25lo]/p5", b"http://fe80::1%25lo/p5"),
    (b"http://[fe80::1%nosuch]/p6", b"http://fe80::1%nosuch/p6"),
    # names count for link-local addresses only (and link/node-local multicast)
    (b"http://[2001:db8::1%lo]/p8", b"http://2001:db8::1%lo/p8"),
    (b"http://[2001:db8::1%7]/", b"http://[2001:db8::1]/"),
    (b"http://[ff02::1%eth0]/", b"http://[ff02::1]/"),
    (b"http://[ff01::1%lo]/", b"http://[ff01::1]/"),
    (b"http://[ff05::1%lo]/", b"http://ff05::1%lo/"),
    (b"http://[FE80::0:1%LO]:8080/", b"http://[fe80::1]:8080/"),  # lower-cased: LO is lo
    (b"http://[fe80::1%caf\xe9]/", b"http://[fe80::1]/"),  # names are bytes
    (b"http://[fe80::1%]/", b"http://fe80::1%/"),
    (b"http://[fe80::1%4294967295]/", b"http://[fe80::1]/"),
    (b"http://[fe80::1%4294967296]/", b"http://fe80::1%4294967296/"),
]


@pytest.mark.parametrize(("url", "expected"), ZONES)
def test_zones(url: bytes, expected: bytes) -> None:
    assert effective_uri(url, interfaces) == expected


def test_zones_in_connect_and_the_lookup_sees_the_zone_text() -> None:
    asked: list[str] = []

    def record(name: str) -> int:
        asked.append(name)
        return interfaces(name)

    assert parse(Request.connect(b"[fe80::1%eth0]:8443"), record).effective == b"[fe80::1]:8443"
    assert parse(b"http://[fe80::2%25eth0]/", record).host == b"fe80::2%25eth0"
    assert parse(b"http://[2001:db8::3%eth0]/", record).host == b"2001:db8::3%eth0"
    assert asked == ["eth0", "25eth0"]  # a global address never asks
    assert canonical_host(b"[fe80::9%lo]", record) == b"[fe80::9]"


def test_the_default_lookup_is_this_machine() -> None:
    socket = pytest.importorskip("socket")
    try:
        lo = socket.if_nametoindex("lo")
    except OSError:
        pytest.skip("no interface named lo here")
    assert system_interface_index("lo") == lo
    assert system_interface_index("no-such-interface-x") == 0
    assert system_interface_index("x" * 40) == 0
    assert system_interface_index("caf\xe9") == 0
    assert effective_uri(b"http://[fe80::1%lo]/") == b"http://[fe80::1]/"


# --- accelerator ports (src/client_side.cc prepareAcceleratedURL), as Squid 5.7 built them ------

P = 55659  # the accel port's own number (what a bare vport stands for)
SITE_VPORT = Accel(defaultsite=b"site.example", vport=P, local=b"127.0.0.2")
VPORT_8080 = Accel(vport=8080, local=b"127.0.0.3")
NO_VHOST_VPORT = Accel(vhost=False, vport=P, local=b"127.0.0.4")
NO_VHOST_SITE = Accel(defaultsite=b"d.example", vhost=False, vport=81, local=b"127.0.0.5")
TLS_SITE = Accel(defaultsite=b"secure.example", scheme=b"https", local=b"127.0.0.6")
NO_VHOST = Accel(vhost=False, local=b"127.0.0.7")
TLS_VPORT = Accel(scheme=b"https", vport=P, local=b"127.0.0.8")
NAMED = Accel(defaultsite=b"localhost", vhost=False)  # http_port localhost:N accel no-vhost


def at(accel: Accel, host: bytes | None) -> Accel:
    return Accel(host, accel.defaultsite, accel.scheme, accel.vhost, accel.vport, accel.local)


ACCEL_URLS = [
    # vhost + vport: the Host's port (after its last ':') becomes the vport...
    (SITE_VPORT, b"Foo.Example:99", b"/a1", b"http://Foo.Example:55659/a1"),
    (SITE_VPORT, b"foo.example:", b"/q12", b"http://foo.example:55659/q12"),
    # ... unless the Host ends in ']'
    (SITE_VPORT, b"[::1]", b"/a3", b"http://[::1]:55659/a3"),
    (SITE_VPORT, b"[::1]:5", b"/a4", b"http://[::1]:55659/a4"),
    (SITE_VPORT, b"::1", b"/q13", b"http://::55659/q13"),
    (SITE_VPORT, b"", b"/q14", b"http://:55659/q14"),
    (SITE_VPORT, b"\tfoo.example", b"/q7", b"http://foo.example:55659/q7"),
    # no Host, or one getHostHeaderField refuses: defaultsite + vport
    (SITE_VPORT, None, b"/a2", b"http://site.example:55659/a2"),
    (SITE_VPORT, b"x.example ", b"/a5", b"http://site.example:55659/a5"),
    (SITE_VPORT, b"x%41.example", b"/a6", b"http://site.example:55659/a6"),
    (SITE_VPORT, b"caf\xe9.example", b"/a", b"http://site.example:55659/a"),
    # absolute-form on a vhost port: as sent
    (SITE_VPORT, b"h.example", b"http://abs.example:77/a7", b"http://abs.example:77/a7"),
    # vport=N, no defaultsite: Host, else the port's address
    (VPORT_8080, b"foo.example", b"/b1", b"http://foo.example:8080/b1"),
    (VPORT_8080, None, b"/b2", b"http://127.0.0.3:8080/b2"),
    # no-vhost: the Host is ignored; absolute-form is cut to its path
    (NO_VHOST_VPORT, b"foo.example", b"/c1", b"http://127.0.0.4:55659/c1"),
    (NO_VHOST_VPORT, b"foo.example", b"http://abs.example/c2?x", b"http://127.0.0.4:55659/c2?x"),
    (NO_VHOST_VPORT, None, b"http://abs.example?q", b"http://127.0.0.4:55659/?q"),
    (NO_VHOST_VPORT, None, b"http://abs.example", b"http://127.0.0.4:55659/"),
    (NO_VHOST_VPORT, None, b"weird+x://abs.example/w1", b"http://127.0.0.4:55659/w1"),
    (NO_VHOST_VPORT, None, b"http://us@er@abs.example:1/w3#f", b"http://127.0.0.4:55659/w3#f"),
    # ... unless its scheme or authority has a byte the cut does not skip: then all of it
    (NO_VHOST_VPORT, None, b"http:///x", b"http://127.0.0.4:55659http:///x"),
    (NO_VHOST_VPORT, None, b"http://ab\xe9/x", b"http://127.0.0.4:55659http://ab\xe9/x"),
    (NO_VHOST_VPORT, None, b"we_ird://abs.example/w2",
     b"http://127.0.0.4:55659we_ird://abs.example/w2"),
    (NO_VHOST_VPORT, None, b'http://abs.example"x/w4',
     b'http://127.0.0.4:55659http://abs.example"x/w4'),
    (NO_VHOST_VPORT, None, b"cache_object://x.example/info", b"cache_object://x.example/info"),
    # no-vhost + defaultsite + vport=81
    (NO_VHOST_SITE, b"foo.example", b"/d1", b"http://d.example:81/d1"),
    (NO_VHOST_SITE, None, b"/d2", b"http://d.example:81/d2"),
    # https_port: the scheme is https
    (TLS_SITE, b"foo.example", b"/e1", b"https://foo.example/e1"),
    (TLS_SITE, None, b"/e2", b"https://secure.example/e2"),
    (TLS_VPORT, None, b"/g1", b"https://127.0.0.8:55659/g1"),
    (TLS_VPORT, b"foo.example:1", b"/g2", b"https://foo.example:55659/g2"),
    # no-vhost and nothing else: an absolute-form target is used as sent
    (NO_VHOST, b"foo.example", b"http://abs.example/f2", b"http://abs.example/f2"),
    # http_port NAME:PORT: the name is the defaultsite
    (NAMED, None, b"/r13", b"http://localhost/r13"),
    (NAMED, b"h.example", b"/r14", b"http://localhost/r14"),
]


@pytest.mark.parametrize(("accel", "host", "target", "url"), ACCEL_URLS)
def test_accelerated_urls(accel: Accel, host: bytes | None, target: bytes, url: bytes) -> None:
    assert accelerated_url(target, at(accel, host)) == url


ACCEL_EFFECTIVE = [
    (SITE_VPORT, b"Foo.Example:99", b"/a1", b"http://foo.example:55659/a1"),
    (SITE_VPORT, b"::1", b"/q13", b"http://::55659/q13"),
    (SITE_VPORT, b"", b"/q14", b"http://:55659/q14"),
    (SITE_VPORT, b"a" * 1030, b"/q9", b"http://" + b"a" * 255 + b":55659/q9"),
    (NO_VHOST_VPORT, None, b"http:///x", b"http://127.0.0.4:55659http:///x"),
    (Accel(b"h", vport=80, local=b"127.0.0.2"), b"h", b"/p", b"http://h/p"),
    (Accel(scheme=b"https", vport=443, local=b"[::1]"), None, b"/p", b"https://[::1]/p"),
]


@pytest.mark.parametrize(("accel", "host", "target", "uri"), ACCEL_EFFECTIVE)
def test_accelerated_effective_uris(accel: Accel, host: bytes | None, target: bytes,
                                    uri: bytes) -> None:
    assert effective_uri(Request(target, "GET", at(accel, host))) == uri


def test_host_header_field() -> None:
    assert host_header_field(None) is None
    assert host_header_field(b" \t Www.Example:80\r") == b"Www.Example:80"
    assert host_header_field(b"[fe80::1]:8080") == b"[fe80::1]:8080"
    assert host_header_field(b"a_b-c.d") == b"a_b-c.d"
    assert host_header_field(b"a" * 1030) == b"a" * 1023
    assert host_header_field(b"a" * 1021 + b":99") == b"a" * 1021 + b":9"
    for refused in (b"x.example ", b"x%41", b"[fe80::1%lo]", b"a b", b"caf\xe9", b"a,b"):
        assert host_header_field(refused) is None


def test_accelerated_refusals() -> None:
    with pytest.raises(NotRoutable) as info:
        parse(Request(b"/f1", "GET", at(NO_VHOST, b"foo.example")))
    assert info.value.reason == "accelerated request on a port without vhost, defaultsite or vport"
    with pytest.raises(NotRoutable) as info:
        parse(Request.accelerated(b"/x", host=b"x y"))
    assert info.value.reason == ("accelerated request whose Host header Squid cannot use, and no "
                                 "defaultsite")
    with pytest.raises(NotRoutable) as info:
        parse(Request(b"n.example:443", "CONNECT", SITE_VPORT))
    assert (info.value.reason, info.value.status) == ("CONNECT on an accelerator port", 405)
    with pytest.raises(NotRoutable) as info:
        parse(Request(b"/q1", "GET", at(SITE_VPORT, b"n\x00.example")))
    assert (info.value.reason, info.value.status) == ("NUL in the Host header", 400)
    with pytest.raises(LocalAddressUnknown) as unknown:
        parse(Request.accelerated(b"/w", vport=3128))
    assert (unknown.value.target, unknown.value.status) == (b"/w", 0)
    # a defaultsite that is empty is still a defaultsite: Squid builds "http:///p"
    with pytest.raises(NotRoutable, match="missing hostname"):
        parse(Request.accelerated(b"/p", defaultsite=b""))


def test_accel_checks_its_vport() -> None:
    with pytest.raises(ValueError, match="not -1"):
        Accel(vport=-1)
    with pytest.raises(ValueError, match="not 65536"):
        Accel(vport=65536)
    assert Request.accelerated("/p", vport=8080, local="127.0.0.9") == Request(
        b"/p", "GET", Accel(None, None, b"http", True, 8080, b"127.0.0.9"))
