"""The receiving port as peer selection sees it: how each http_port/https_port line completes a
request target, read from squid.conf (src/cache_cf.cc parsePortCfg, src/client_side.cc)."""

from __future__ import annotations

import pytest

from squidcarp.carp.array import CarpArray
from squidcarp.carp.url import Accel, NotRoutable, parse
from squidcarp.conf import read_bytes
from squidcarp.forward import ForwardRequest, Router
from squidcarp.forward.request import Port, carp_request, ports

PEERS = (
    "cache_peer 10.0.0.1 parent 3128 0 carp name=cache1.example.net weight=1 no-query no-digest\n"
    "cache_peer 10.0.0.2 parent 3128 0 carp name=cache2.example.net weight=2 no-query no-digest\n"
    "cache_peer 10.0.0.3 parent 3128 0 carp name=cache3.example.net weight=1 no-query no-digest\n"
    "pinger_enable off\nminimum_direct_rtt 0\n"
)
TLS = "tls-cert=/etc/ssl/c.pem tls-key=/etc/ssl/k.pem"


def port_of(line: str) -> Port:
    (port,) = ports(read_bytes(line.encode() + b"\n", "squid.conf").config)
    return port


@pytest.mark.parametrize(("line", "fields"), [
    ("http_port 127.0.0.2:8080 accel vport defaultsite=site.example",
     (True, -1, "site.example", b"http")),
    ("http_port 127.0.0.3:8080 accel vport=81", (True, 81, None, b"http")),
    ("http_port 127.0.0.4:8080 accel no-vhost vport", (False, -1, None, b"http")),
    ("http_port 127.0.0.4:8080 no-vhost accel", (True, 0, None, b"http")),  # accel: vhost on
    ("http_port 127.0.0.4:8080 accel vport=5 vport", (True, -1, None, b"http")),  # the last
    ("http_port 127.0.0.4:8080 accel vport vport=5", (True, 5, None, b"http")),
    (f"https_port 127.0.0.6:8443 accel {TLS} defaultsite=secure.example",
     (True, 0, "secure.example", b"https")),
    (f"http_port 127.0.0.6:8443 accel protocol=https {TLS}", (True, 0, None, b"https")),
    (f"https_port 127.0.0.6:8443 accel protocol=HTTP/1.1 {TLS}", (True, 0, None, b"http")),
    ("http_port localhost:8080 accel", (True, 0, "localhost", b"http")),
    ("http_port localhost:8080 accel defaultsite=other.example",
     (True, 0, "other.example", b"http")),
    ("http_port 3128", (False, 0, None, b"http")),
])
def test_port_lines(line: str, fields: tuple[bool, int, str | None, bytes]) -> None:
    p = port_of(line)
    assert (p.vhost, p.vport, p.defaultsite, p.scheme) == fields


@pytest.mark.parametrize(("line", "host", "local", "accel"), [
    ("http_port 127.0.0.2:8080 accel vport defaultsite=site.example", b"h", None,
     Accel(b"h", b"site.example", b"http", True, 8080, b"127.0.0.2")),
    ("http_port 127.0.0.4:3129 accel no-vhost vport=81", None, None,
     Accel(None, None, b"http", False, 81, b"127.0.0.4")),
    ("http_port [0:0::1]:3130 accel vport", None, None,
     Accel(None, None, b"http", True, 3130, b"[::1]")),
    ("http_port 127.1:3131 accel vport", None, None,
     Accel(None, None, b"http", True, 3131, b"127.0.0.1")),
    ("http_port 3132 accel vport", None, None, Accel(None, None, b"http", True, 3132, None)),
    ("http_port 3132 accel vport", None, "127.0.0.9",
     Accel(None, None, b"http", True, 3132, b"127.0.0.9")),
    ("http_port 0.0.0.0:3133 accel vport", None, "::1",
     Accel(None, None, b"http", True, 3133, b"[::1]")),
    ("http_port localhost:3134 accel", None, None,
     Accel(None, b"localhost", b"http", True, 0, None)),
])
def test_accel_of_a_port(line: str, host: bytes | None, local: str | None,
                         accel: Accel) -> None:
    assert port_of(line).accel_for(host, local) == accel


def router(text: str) -> Router:
    return Router(read_bytes((PEERS + text).encode(), "squid.conf").config)


def owner_of(url: bytes) -> str:
    array = CarpArray.from_members([("cache1.example.net", 1), ("cache2.example.net", 2),
                                    ("cache3.example.net", 1)])
    found = array.owner(url)
    assert found is not None
    return found.label


@pytest.mark.parametrize(("ports_", "request_", "url"), [
    ("http_port 127.0.0.2:8080 accel vport defaultsite=site.example\n",
     ForwardRequest(b"/a1", host=b"Foo.Example:99"), b"http://foo.example:8080/a1"),
    ("http_port 127.0.0.2:8080 accel vport defaultsite=site.example\n",
     ForwardRequest(b"/a2"), b"http://site.example:8080/a2"),
    ("http_port 127.0.0.3:8080 accel vport=8081\n",
     ForwardRequest(b"/b2"), b"http://127.0.0.3:8081/b2"),
    ("http_port 127.0.0.4:3129 accel no-vhost vport\n",
     ForwardRequest(b"http://abs.example/c2?x", port="3129"), b"http://127.0.0.4:3129/c2?x"),
    (f"https_port 127.0.0.6:8443 accel {TLS} defaultsite=secure.example\n",
     ForwardRequest(b"/e2"), b"https://secure.example/e2"),
    ("http_port 3132 accel vport\n",
     ForwardRequest(b"/w", local="127.0.0.9"), b"http://127.0.0.9:3132/w"),
    ("http_port 3128\nhttp_port 3135 intercept\n",
     ForwardRequest(b"/i", host=b"www.example.com", port="3135"), b"http://www.example.com/i"),
])
def test_router_completes_targets_as_the_port_does(ports_: str, request_: ForwardRequest,
                                                   url: bytes) -> None:
    d = router(ports_).decide(request_)
    assert d.error is None and d.uri is not None
    assert d.uri.effective == url
    assert d.carp_owner is not None and d.carp_owner.label == owner_of(url)


@pytest.mark.parametrize(("ports_", "request_", "error"), [
    ("http_port 3128\n", ForwardRequest(b"/r5", host=b"n.example"),
     "origin-form target on the forward-proxy port 3128 (only accelerator and intercepting "
     "ports complete one)"),
    ("http_port 80 accel defaultsite=a.example\n",
     ForwardRequest(b"n.example:443", "CONNECT", port="80"), "CONNECT on an accelerator port"),
    ("http_port 80 accel defaultsite=a.example\n", ForwardRequest(b"/q1", host=b"n\x00.example"),
     "NUL in the Host header"),
    ("http_port 3128\n", ForwardRequest(b"http://n.example/q2", host=b"n\x00.example"),
     "NUL in the Host header"),
    ("http_port 3128\n", ForwardRequest(b"http://n.example/p1\x00zz"),
     "byte 0x00 at offset 19 is not allowed in a request target"),
    ("http_port 80 accel no-vhost\n", ForwardRequest(b"/f1", host=b"foo.example"),
     "accelerated request on a port without vhost, defaultsite or vport"),
    ("http_port 3132 accel vport\n", ForwardRequest(b"/w"),
     "Squid completes this URL with the address the client connected to, which a port "
     "listening on every address does not name: say which (the request's local address)"),
    ("http_port 80 accel defaultsite=\n", ForwardRequest(b"/p"), "missing hostname"),
])
def test_router_refuses_what_the_port_refuses(ports_: str, request_: ForwardRequest,
                                              error: str) -> None:
    d = router(ports_).decide(request_)
    assert (d.error, d.uri, d.outcomes) == (error, None, ())


def test_carp_request_keeps_the_request_line_to_the_parser() -> None:
    port = port_of("http_port 127.0.0.2:8080 accel vport defaultsite=site.example")
    request = carp_request(ForwardRequest(b" /x ", host=b"h"), port)
    assert request.url == b" /x " and request.accel == Accel(b"h", b"site.example", b"http",
                                                             True, 8080, b"127.0.0.2")
    assert parse(request).effective == b"http://h:8080/x"
    with pytest.raises(NotRoutable, match="NUL in the Host header"):
        carp_request(ForwardRequest(b"/x", host=b"\x00"), None)


def test_local_must_be_an_address() -> None:
    with pytest.raises(ValueError) as info:
        ForwardRequest(b"/x", local="h.example")
    assert str(info.value) == "local must be a numeric IP address, not 'h.example'"
    assert ForwardRequest(b"/x", local="[::1]").local == "[::1]"
