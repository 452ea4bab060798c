"""Requests for the live CARP comparison (test_carp_vs_squid.py): what goes on the wire, by kind.

Each :class:`Case` is one request as the frontend receives it (method, target bytes, port, Host
header) plus the category it stands for. :func:`cases` builds a deterministic, distinct set for one
array from a seed, so every array sees different URLs but a rerun sees the same ones.

Targets are bytes: raw 0x80-0xFF bytes travel unchanged (``raw_request``). Hosts in plain requests
need not resolve (each parent hands every request to the origin through its ``originserver``
peer); CONNECT targets must name a host the parents' hosts file knows (``CONNECT_NAMES``) or an
IP literal, because the parent connects there itself.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from squidcarp.carp import Accel, Request

Port = Literal["proxy", "accel"]

# Names the parents resolve (the harness's origin_names): CONNECT goes to these.
CONNECT_NAMES = ("origin.test", *(f"t{i}.origin.test" for i in range(24)))


@dataclass(frozen=True)
class Case:
    """One request: ``target`` exactly as on the wire, ``host`` the Host header (None: none sent).

    ``denied`` names why Squid answers 403 before CARP runs (an http_access rule), for requests
    the library may well call routable.
    """

    category: str
    method: str
    target: bytes
    port: Port = "proxy"
    host: bytes | None = None
    raw: bool = False
    denied: str | None = None

    @property
    def identity(self) -> tuple[str, bytes, str, bytes | None]:
        return (self.method, self.target, self.port, self.host)

    def wire(self) -> bytes:
        """The request bytes for ``raw_request`` (Host as given, then Connection: close)."""
        lines = [b"%s %s HTTP/1.1" % (self.method.encode("ascii"), self.target)]
        if self.host is not None:
            lines.append(b"Host: " + self.host)
        if self.method != "CONNECT":
            lines.append(b"Connection: close")
        return b"\r\n".join(lines) + b"\r\n\r\n"

    def library_request(self, accel: Accel | None) -> Request:
        """The same request as squidcarp sees it (``accel``: the accel port's Accel, no Host)."""
        if self.port == "accel":
            if accel is None:
                raise ValueError("an accelerator case needs the accel port's settings")
            return Request(self.target, self.method, dataclasses.replace(accel, host=self.host))
        return Request(self.target, self.method)

    def describe(self) -> str:
        host = "" if self.port == "proxy" else f" Host={self.host!r}"
        denied = "" if self.denied is None else f", denied: {self.denied}"
        return f"[{self.category}] {self.method} {self.target!r} ({self.port}{host}{denied})"


# --- building blocks ---------------------------------------------------------------------------

_WORDS = (
    "index",
    "img",
    "static",
    "api",
    "v1",
    "v2",
    "users",
    "Photos",
    "a",
    "b",
    "c",
    "feed",
    "logo.png",
    "style.css",
    "app.js",
    "data.json",
    "~user",
    "search",
    "Caf",
    "x-y_z",
    "1",
)
_HOSTS = (
    "origin.test",
    "www.example.com",
    "example.org",
    "cdn.example.net",
    "a.b.c.example",
    "media-1.static.example",
    "xn--caf-dma.example",
    "localhost",
    "intranet",
    "h.example.co.uk",
)
_UNSAFE = (
    "%41",
    "%2F",
    "%2f",
    "%e9",
    "%C3%A9",
    "%25",
    "%00",
    "%7E",
    "%zz",
    "%",
    "%4",
    "%%41",
    "+",
    "!",
    "$",
    "'",
    "(",
    ")",
    "*",
    ",",
    ";",
    "=",
    "@",
    ":",
    "~",
    "%20",
    "%3F",
    "%23",
)


def _path(rng: random.Random, depth: int = 3) -> str:
    return "/" + "/".join(rng.choice(_WORDS) for _ in range(rng.randint(0, depth)))


def _query(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return ""
    if roll < 0.5:
        return "?"
    pairs = [f"{rng.choice(_WORDS)}={rng.randint(0, 999)}" for _ in range(rng.randint(1, 3))]
    return "?" + "&".join(pairs)


def _host(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(_HOSTS)
    return f"h{rng.randint(0, 9999)}.{rng.choice(('example', 'example.com', 'test'))}"


def _mixcase(rng: random.Random, text: str) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)


def _b(text: str) -> bytes:
    return text.encode("latin-1")


# --- categories --------------------------------------------------------------------------------


def _plain(rng: random.Random) -> Case:
    url = f"http://{_host(rng)}{_path(rng)}{_query(rng)}"
    return Case("plain", "GET", _b(url))


def _escapes(rng: random.Random) -> Case:
    bits = "".join(rng.choice(_UNSAFE) + rng.choice(("", *_WORDS[:6])) for _ in range(3))
    where = rng.random()
    if where < 0.5:
        url = f"http://{_host(rng)}/e/{bits}"
    elif where < 0.85:
        url = f"http://{_host(rng)}/e?q={bits}"
    else:  # an escape in the host: neither Squid nor CARP decodes it
        url = f"http://h{rng.choice(('%41', '%2e', '%e9', '%25'))}{_host(rng)}/e"
    return Case("percent-escape", "GET", _b(url))


def _high_bytes(rng: random.Random) -> Case:
    chunk = bytes(rng.randint(0x80, 0xFF) for _ in range(rng.randint(1, 4)))
    host = _b(_host(rng))
    if rng.random() < 0.15:  # in the host too: CARP hashes it as it is (lower-cased ASCII only)
        host = b"caf" + bytes([rng.randint(0x80, 0xFF)]) + b"." + host
    if rng.random() < 0.5:
        target = b"http://" + host + b"/raw/" + chunk + b"/" + _b(rng.choice(_WORDS))
    else:
        target = b"http://" + host + b"/raw?k=" + chunk + _b(rng.choice(("", "&x=1", "#f")))
    return Case("raw-high-bytes", "GET", target, host=host, raw=True)


def _byte_sweep() -> tuple[Case, ...]:
    """Every byte 0x80-0xFF at least once: four consecutive ones per request, path or query."""
    out = []
    for i in range(32):
        chunk = bytes(range(0x80 + 4 * i, 0x84 + 4 * i))
        target = b"http://sweep.example/" + (chunk if i % 2 else b"q?v=" + chunk)
        out.append(Case("raw-high-bytes", "GET", target, host=b"sweep.example", raw=True))
    return tuple(out)


def _case(rng: random.Random) -> Case:
    scheme = rng.choice(("HTTP", "Http", "hTtP", "http"))
    url = f"{scheme}://{_mixcase(rng, _host(rng))}{_path(rng)}{_query(rng)}"
    return Case("upper-case", "GET", _b(url))


def _trailing_dot(rng: random.Random) -> Case:
    dots = rng.choice((".", ".", "..."))
    port = rng.choice(("", ":80", ":8080"))
    url = f"http://{_host(rng)}{dots}{port}{_path(rng)}"
    return Case("trailing-dot", "GET", _b(url))


def _ports(rng: random.Random) -> Case:
    scheme, port = rng.choice(
        (
            ("http", "80"),
            ("http", "080"),
            ("http", "0080"),
            ("http", "8080"),
            ("http", "1"),
            ("http", "65535"),
            ("http", "443"),
            ("https", "443"),
            ("https", "80"),
            ("https", "8443"),
            ("http", "3128"),
            ("ftp", "21"),
            ("ftp", "2121"),
            ("http", "+81"),
        )
    )
    url = f"{scheme}://{_host(rng)}:{port}{_path(rng)}"
    return Case("ports", "GET", _b(url))


_V4_FORMS = (
    "127.1",
    "127.0.0.1",
    "127.0.1",
    "2130706433",
    "0x7f.1",
    "0x7F000001",
    "017700000001",
    "10.1",
    "192.168.0.300",
    "0.0.0.0",
    "255.255.255.255",
    "1.2.3.4",
    "01.02.03.04",
)
_V6_FORMS = (
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[2001:DB8::1]",
    "[2001:db8:0:0:1:0:0:1]",
    "[::ffff:127.0.0.1]",
    "[::FFFF:7f00:1]",
    "[::]",
    "[fe80::1%1]",
    "[fe80::1%lo]",  # a zone naming an interface: [fe80::1]
    "[fe80::1%25lo]",  # RFC 6874's escape, not decoded: a host name
    "[fe80::1%nosuch]",
    "[2001:db8::1%lo]",  # names count for link-local addresses only
    "[::127.0.0.1]",
    "[2001:db8::]",
    "[1:2:3:4:5:6:7:8]",
)


def _ip_literals(rng: random.Random) -> Case:
    # IPv6 literals go through the parents like any host: each parent forwards every request
    # to the origin's IPv4 address through its originserver peer, so the host is only hashed.
    host = rng.choice(_V4_FORMS + _V6_FORMS)
    port = rng.choice(("", "", ":80", ":8000"))
    url = f"http://{host}{port}{_path(rng)}{_query(rng)}"
    return Case("ip-literal", "GET", _b(url))


def _userinfo(rng: random.Random) -> Case:
    user = rng.choice(("user", "u:pw", "User:P%41ss", "a@b", ":", "@", "%40x"))
    scheme = rng.choice(("http", "http", "ftp"))
    url = f"{scheme}://{user}@{_host(rng)}{_path(rng)}"
    return Case("userinfo", "GET", _b(url))


def _fragments(rng: random.Random) -> Case:
    frag = rng.choice(("#", "#top", "#a?b=c", "#x/y", "#%41"))
    url = f"http://{_host(rng)}{_path(rng)}{_query(rng)}{frag}"
    return Case("fragment", "GET", _b(url))


def _bare_authority(rng: random.Random) -> Case:
    # No path at all, or a query/fragment right after the authority.
    tail = rng.choice(("", "?q=1", "#f", "?", ":80", ":8080?x"))
    return Case("no-path", "GET", _b(f"http://{_host(rng)}{tail}"))


def _connect_factory(origin_port: int) -> Callable[[random.Random], Case]:
    def make(rng: random.Random) -> Case:
        # The port decides whether the tunnel opens (origin port) or the parent answers 503
        # (nothing listens on 443); either way the frontend logs the parent CARP chose.
        # IPv6 literals are left out of CONNECT: the parents connect from 127.0.0.x and the
        # origin listens on IPv4 only, so such a tunnel can never reach anything.
        name = (
            _mixcase(rng, rng.choice(CONNECT_NAMES))
            if rng.random() < 0.3
            else rng.choice(CONNECT_NAMES)
        )
        if rng.random() < 0.15:
            name = rng.choice(("127.1", "127.0.0.1", "2130706433", "0x7f.0.0.1"))
        if rng.random() < 0.1:
            name += "."
        port = rng.choice((f":{origin_port}", f":{origin_port}", ":443", "", ":", ":abc", ":0443"))
        return Case("connect", "CONNECT", _b(name + port))

    return make


def _accel(rng: random.Random) -> Case:
    host = rng.choice(
        (
            None,
            "www.example.com",
            "WWW.Example.COM",
            "www.example.com:80",
            "www.example.com:080",
            "www.example.com:8080",
            "Other.Example",
            "127.1",
            "127.0.0.1:80",
            "[0::1]:80",
            "[::1]",
            "site.example.",
            "h{n}.example",
        )
    )
    if host is not None:
        host = host.replace("{n}", str(rng.randint(0, 999)))
    target = f"{_path(rng)}{_query(rng)}"
    if rng.random() < 0.1:
        # Absolute-form on the accel port: the URL is used as sent, Host is ignored.
        target = f"http://{_host(rng)}{target}"
    raw = rng.random() < 0.15
    wire = _b(target)
    if raw:  # bytes 0x80-0xFF in an accelerated path, sent as they are
        wire += b"/" + bytes(rng.randint(0x80, 0xFF) for _ in range(rng.randint(1, 3)))
    return Case(
        "accelerator",
        "GET",
        wire,
        port="accel",
        host=None if host is None else _b(host),
        raw=raw,
    )


def _rejected() -> tuple[Case, ...]:
    """Requests Squid refuses before CARP: 400 (the library says NotRoutable) or 403 (ACL)."""
    return (
        Case("rejected", "GET", b"http://www.example.com:/p"),
        Case("rejected", "GET", b"http://www.example.com:99999/p"),
        Case("rejected", "GET", b"http://www.example.com:0/p"),
        Case("rejected", "GET", b"http://bad..host.example/p"),
        Case("rejected", "GET", b"http://.leading.example/p"),
        Case("rejected", "GET", b"http:///nohost"),
        Case("rejected", "CONNECT", b"origin.test:99999"),
        Case("rejected", "CONNECT", b"origin.test:0"),
        Case("rejected", "GET", b"/a", port="accel", host=b""),
        Case("rejected", "GET", b"/b", port="accel", host=b"www.example.com:"),
        # the HTTP parser refuses NUL, the other controls and DEL anywhere in the request line
        Case("rejected", "GET", b"http://www.example.com/nul\x00x"),
        Case("rejected", "GET", b"http://www\x00.example.com/"),
        Case("rejected", "GET", b"http://www.example.com/soh\x01"),
        Case("rejected", "GET", b"http://www.example.com/del\x7f"),
        Case("rejected", "CONNECT", b"origin.test:443\x00"),
        Case("rejected", "GET", b"/nul\x00", port="accel", host=b"www.example.com"),
        Case("rejected", "CONNECT", b"origin.test:25", denied="CONNECT port not in SSL_ports"),
        Case("rejected", "CONNECT", b"origin.test:80", denied="CONNECT port not in SSL_ports"),
    )


Generator = Callable[[random.Random], Case]


def categories(origin_port: int) -> dict[str, tuple[int, Generator, tuple[Case, ...]]]:
    """Category name -> (how many distinct requests, generator of one, fixed ones first)."""
    return {
        "plain": (160, _plain, ()),
        "percent-escape": (60, _escapes, ()),
        "raw-high-bytes": (80, _high_bytes, _byte_sweep()),
        "upper-case": (40, _case, ()),
        "trailing-dot": (20, _trailing_dot, ()),
        "ports": (40, _ports, ()),
        "ip-literal": (40, _ip_literals, ()),
        "userinfo": (20, _userinfo, ()),
        "fragment": (20, _fragments, ()),
        "no-path": (20, _bare_authority, ()),
        "connect": (40, _connect_factory(origin_port), ()),
        "accelerator": (60, _accel, ()),
    }


def cases(seed: str, origin_port: int) -> tuple[Case, ...]:
    """Distinct requests for one array: every category's quota, then the rejected ones."""
    rng = random.Random(seed)
    seen: set[tuple[str, bytes, str, bytes | None]] = set()
    out: list[Case] = []

    def take(case: Case) -> bool:
        if case.identity in seen:
            return False
        seen.add(case.identity)
        out.append(case)
        return True

    for name, (count, make, fixed) in categories(origin_port).items():
        made = sum(take(case) for case in fixed)
        tries = 0
        while made < count:
            tries += 1
            if tries > count * 50:
                raise RuntimeError(f"category {name}: only {made} distinct requests of {count}")
            made += take(make(rng))
    for case in _rejected():
        take(case)
    return tuple(out)


def by_category(items: Iterable[Case]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for case in items:
        counts[case.category] = counts.get(case.category, 0) + 1
    return counts
