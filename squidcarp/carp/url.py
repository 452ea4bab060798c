"""Squid 5's request-URI normalisation: the bytes CARP hashes (src/anyp/Uri.cc, src/HttpRequest.cc).

``parse(request)`` does what ``AnyP::Uri::parse`` does to a request target and returns a
:class:`Uri`; :attr:`Uri.effective` is ``HttpRequest::effectiveRequestUri()`` (the default CARP
key), and the :class:`Uri` fields are what ``carp-key=`` picks from.

What Squid does (and so what this does), for an absolute URI:

* scheme: up to 16 of ``[A-Za-z0-9+.-_]`` starting with a letter, then ``:`` and ``//``; a known
  scheme becomes its lower-case name, an unknown one is kept as typed (and has no default port,
  so it needs an explicit one);
* authority: everything up to ``/ ? #``, NUL or white space; userinfo (before the last ``@``) is
  dropped for every scheme except ftp and unknown ones, where it is %-decoded and re-encoded;
* host: ASCII-lowercased, trailing dots cut, ``..`` or a leading dot rejected; an IP literal in any
  form ``getaddrinfo(AI_NUMERICHOST)`` accepts (``127.1``, ``2130706433``, ``0x7f.1``,
  ``[0:0:0:0:0:0:0:1]``) is written back the way ``inet_ntop`` prints it (``127.0.0.1``,
  ``[::1]``); the any-address (``0.0.0.0``, ``::``) is kept as typed;
* port: ``atoi`` of what follows the last ``:`` (``:080`` is 80, ``:`` alone is 0 and rejected),
  1..65535, dropped from the URI when it is the scheme's default;
* path: ``/`` when empty, otherwise exactly as sent up to CR/LF/NUL, with white space removed
  (``uri_whitespace strip``, the default); query, fragment and %-escapes are untouched.

``CONNECT`` targets are ``host[:port]`` (``sscanf`` semantics: a missing, empty or non-numeric
port is 443) and hash as ``host:port``. Accelerated requests become ``http://`` + Host header
(or ``defaultsite``) + the origin-form target, which is then parsed like any absolute URI.

Not modelled: ``append_domain``, ``check_hostnames on``, ``uri_whitespace`` other than ``strip``,
``vport``, and IPv6 zone ids naming an interface (only numeric zones are recognised; Squid's answer
depends on the interfaces of the machine it runs on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from squidcarp.libc import V4_MAPPED, atoi, inet_ntop6, numeric_host, rfc1738_unescape, scanf_int

MAX_URL = 8192  # src/defines.h: URLs of MAX_URL - 1 bytes or more are rejected
HOST_BUFFER = 256  # src/defines.h SQUIDHOSTNAMELEN: AnyP::Uri keeps at most 255 host bytes
CONNECT_DEFAULT_PORT = 443  # src/anyp/Uri.cc: "we assume HTTPS (443) if no port provided"

# src/anyp/ProtocolType.h + src/anyp/UriScheme.cc: the schemes Squid knows, with default ports.
KNOWN_SCHEMES: dict[bytes, int] = {
    b"http": 80,
    b"ftp": 21,
    b"https": 443,
    b"coap": 5683,
    b"coaps": 5683,
    b"gopher": 70,
    b"wais": 210,
    b"cache_object": 3128,  # CACHE_HTTP_PORT
    b"icp": 0,
    b"htcp": 0,
    b"urn": 0,
    b"whois": 43,
    b"icy": 0,
    b"tls": 0,
    b"ssl": 0,
    b"authority_form": 0,
}
_USERINFO_SCHEMES = (b"ftp",)  # plus every unknown scheme (src/anyp/Uri.cc absolute())

_SCHEME_RE = re.compile(rb"([A-Za-z0-9+.\-_]{1,16}):")
_URN_NID_RE = re.compile(rb"[A-Za-z0-9-]{1,32}")
_HOST_END_RE = re.compile(rb"[/?#\x00 \t\n\v\f\r]")
_PATH_END_RE = re.compile(rb"[\r\n\x00]")
_WS_RE = re.compile(rb"[ \t\n\v\f\r]")
_UPPER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
# RFC 3986 userinfo characters minus '%' (src/anyp/Uri.cc UserInfoChars(), absolute()).
_USERINFO_KEEP = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-._~!$&'()*+,;="
)


class NotRoutable(ValueError):
    """Squid would reject this request target (HTTP 400) before CARP is consulted."""

    def __init__(self, reason: str, target: bytes) -> None:
        super().__init__(f"{reason}: {target!r}")
        self.reason = reason
        self.target = target


@dataclass(frozen=True)
class Accel:
    """How an accelerator port (``http_port ... accel``) turns an origin-form target into a URL.

    ``host`` is the request's Host header value (None when the request has none); ``defaultsite``
    is the port's ``defaultsite=``; ``scheme`` is ``http`` for http_port, ``https`` for https_port.
    """

    host: bytes | None = None
    defaultsite: bytes | None = None
    scheme: bytes = b"http"


@dataclass(frozen=True)
class Request:
    """What CARP needs to know about one request.

    ``url`` is the request target as sent: an absolute URI, a CONNECT authority, or (with
    ``accel``) an origin-form path. ``method`` matters for ``CONNECT`` (and ``*`` targets).
    """

    url: bytes
    method: str = "GET"
    accel: Accel | None = None

    @classmethod
    def get(cls, url: bytes | str) -> Request:
        return cls(_as_bytes(url))

    @classmethod
    def connect(cls, authority: bytes | str) -> Request:
        return cls(_as_bytes(authority), "CONNECT")

    @classmethod
    def accelerated(
        cls,
        target: bytes | str,
        host: bytes | str | None = None,
        defaultsite: bytes | str | None = None,
    ) -> Request:
        return cls(
            _as_bytes(target),
            "GET",
            Accel(
                None if host is None else _as_bytes(host),
                None if defaultsite is None else _as_bytes(defaultsite),
            ),
        )


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value


@dataclass(frozen=True)
class Uri:
    """A request URI after Squid's parse: the parts ``carp-key=`` uses, and the effective URI."""

    scheme: bytes
    """Lower-case name of a known scheme, an unknown one as typed, b"" for CONNECT."""
    host: bytes
    """Lower-case host, IP literals canonical, IPv6 in brackets."""
    port: int
    path: bytes
    """Path with query and fragment (b"" for CONNECT)."""
    userinfo: bytes = b""
    """%-decoded userinfo (only ftp and unknown schemes put it back into the effective URI)."""
    default_port: int = 0
    authority_form: bool = False
    """CONNECT target (or the authority_form pseudo-scheme): the effective URI is ``host:port``."""
    urn: bool = False
    effective: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "effective", self._effective())

    def _effective(self) -> bytes:
        # src/HttpRequest.cc effectiveRequestUri(), src/anyp/Uri.cc absolute() / authority().
        if self.authority_form:
            return b"%s:%d" % (self.host, self.port)
        if self.urn:
            return self.scheme + b":" + self.host + b":" + self.path
        out = [self.scheme, b"://"]
        if self.userinfo and (self.scheme in _USERINFO_SCHEMES or self.scheme not in KNOWN_SCHEMES):
            out.append(_encode_userinfo(self.userinfo))
            out.append(b"@")
        out.append(self.host)
        if self.port != self.default_port:
            out.append(b":%d" % self.port)
        out.append(self.path)
        return b"".join(out)


def effective_uri(request: Request | bytes | str) -> bytes:
    """The bytes Squid hashes for a member without ``carp-key`` (raises :class:`NotRoutable`)."""
    return parse(request).effective


def parse(request: Request | bytes | str) -> Uri:
    """Parse a request target the way Squid 5 does; raise :class:`NotRoutable` where Squid fails."""
    if not isinstance(request, Request):
        request = Request(_as_bytes(request))
    raw = request.url
    if request.accel is not None:
        raw = accelerated_url(raw, request.accel)
    if len(raw) > MAX_URL - 1:
        raise NotRoutable("URL too large", raw)
    if request.method in ("OPTIONS", "TRACE") and raw == b"*":
        return Uri(b"http", b"", 80, b"*", default_port=80)
    if request.method == "CONNECT":
        return _parse_connect(raw)
    return _parse_absolute(raw)


def accelerated_url(target: bytes, accel: Accel) -> bytes:
    """src/client_side.cc prepareAcceleratedURL() for a ``vhost`` port (the accel default)."""
    if not target.startswith(b"/"):
        return target  # absolute-form on an accel vhost port: used as sent, Host ignored
    site = accel.host if accel.host is not None else accel.defaultsite
    if site is None:
        raise NotRoutable("accelerated request without Host and no defaultsite", target)
    return accel.scheme + b"://" + site + target


def _parse_absolute(raw: bytes) -> Uri:
    m = _SCHEME_RE.match(raw)
    if m is None or not raw[:1].isalpha():
        raise NotRoutable("invalid URI scheme", raw)
    spelled = m.group(1)
    lowered = spelled.translate(_UPPER)
    known = lowered in KNOWN_SCHEMES
    image = lowered if known else spelled
    default_port = KNOWN_SCHEMES.get(lowered, 0)
    rest = raw[m.end() :]
    if known and lowered == b"urn":
        return _parse_urn(raw, rest)
    if not rest.startswith(b"//"):
        raise NotRoutable("missing // after the scheme", raw)
    rest = rest[2:]
    nul = rest.find(b"\x00")
    if nul >= 0:
        rest = rest[:nul]  # the rest is read as a C string
    end = _HOST_END_RE.search(rest)
    cut = len(rest) if end is None else end.start()
    authority = rest[:cut]
    tail = rest[cut:]
    stop = _PATH_END_RE.search(tail)
    if stop is not None:
        tail = tail[: stop.start()]
    path = tail if tail.startswith(b"/") else b"/" + tail

    userinfo = b""
    at = authority.rfind(b"@")
    if at >= 0:
        userinfo = rfc1738_unescape(authority[:at])
        authority = authority[at + 1 :]

    # Squid checks for an empty host before cutting the port off, so "http://:80/" passes.
    port_text: bytes | None = None
    if authority.startswith(b"["):
        close = authority.find(b"]", 1)
        if close < 0:
            host = authority[1:]
        else:
            host = authority[1:close]
            colon = authority.find(b":", close + 1)
            if colon >= 0:
                port_text = authority[colon + 1 :]
        if not host:
            raise NotRoutable("missing hostname", raw)
    else:
        if not authority:
            raise NotRoutable("missing hostname", raw)
        host = authority
        first, last = authority.find(b":"), authority.rfind(b":")
        if last >= 0 and first == last:  # two or more colons: an unbracketed IPv6 address
            host = authority[:last]
            port_text = authority[last + 1 :]
    port = default_port if port_text is None else _atoi(port_text)
    host = _check_host(host.translate(_UPPER), raw)
    if not 1 <= port <= 65535:
        raise NotRoutable("invalid port", raw)
    path = _WS_RE.sub(b"", path)
    authority_form = known and lowered == b"authority_form"
    return Uri(image, canonical_host(host), port, path, userinfo, default_port, authority_form)


def _parse_urn(raw: bytes, rest: bytes) -> Uri:
    # src/anyp/Uri.cc parseUrn(): urn:NID:NSS, the NID becomes the "host" (not lowercased).
    m = _URN_NID_RE.match(rest)
    if m is None or rest[m.end() : m.end() + 1] != b":":
        raise NotRoutable("invalid URN namespace", raw)
    nid = m.group(0)
    if len(nid) < 2 or not nid[:1].isalnum() or not nid[-1:].isalnum():
        raise NotRoutable("invalid URN namespace", raw)
    return Uri(b"urn", canonical_host(nid), 0, rest[m.end() + 1 :], urn=True)


def _parse_connect(raw: bytes) -> Uri:
    # src/anyp/Uri.cc: sscanf("[%[^]]]:%d") then sscanf("%[^:]:%d"), port preset to 443.
    text = raw.split(b"\x00", 1)[0]
    host: bytes | None = None
    port = CONNECT_DEFAULT_PORT
    if text.startswith(b"[") and len(text) > 1 and text[1:2] != b"]":
        close = text.find(b"]", 1)
        host = text[1:] if close < 0 else text[1:close]
        if close >= 0 and text[close + 1 : close + 2] == b":":
            port = _scanf_int(text[close + 2 :], port)
    if host is None:
        colon = text.find(b":")
        host = text if colon < 0 else text[:colon]
        if not host:
            raise NotRoutable("invalid CONNECT authority", raw)
        if colon >= 0:
            port = _scanf_int(text[colon + 1 :], port)
    host = _WS_RE.sub(b"", host.translate(_UPPER))
    host = _check_host(host, raw)
    if not 1 <= port <= 65535:
        raise NotRoutable("invalid port", raw)
    return Uri(b"", canonical_host(host), port, b"", authority_form=True)


def _check_host(host: bytes, raw: bytes) -> bytes:
    host = host.rstrip(b".")
    if b".." in host or host.startswith(b"."):
        raise NotRoutable("illegal hostname", raw)
    return host


# --- C library number parsing (squidcarp.libc) -------------------------------------------------


def _atoi(text: bytes) -> int:
    """``atoi`` of URL bytes (latin-1 maps each byte to one character; digits are ASCII)."""
    return atoi(text.decode("latin-1"))


def _scanf_int(text: bytes, unchanged: int) -> int:
    """``sscanf`` ``%d``: like atoi, but no digits leaves the target ``unchanged``."""
    found = scanf_int(text.decode("latin-1"))
    return unchanged if found is None else found[0]


# --- userinfo (ftp and unknown schemes only) ----------------------------------------------------


def _encode_userinfo(userinfo: bytes) -> bytes:
    """AnyP::Uri::Encode(): ``%%%02X`` of the (signed, on x86) char, so 0xE9 becomes %FFFFFFE9."""
    out = bytearray()
    for b in userinfo:
        if b in _USERINFO_KEEP:
            out.append(b)
        else:
            out += b"%%%02X" % (b if b < 0x80 else b + 0xFFFFFF00)
    return bytes(out)


# --- IP literals (src/ip/Address.cc fromHost/toHostStr over glibc) -------------------------------


def canonical_host(host: bytes) -> bytes:
    """``AnyP::Uri::host()``: IP literals in ``inet_ntop`` form, others truncated to 255 bytes."""
    inner = host
    if host.startswith(b"["):
        if len(host) == 1:
            return host[: HOST_BUFFER - 1]
        inner = host[1:-1]  # Squid drops the last byte, assuming it is ']'
    addr = numeric_host(inner.decode("latin-1"))
    if addr is None or addr == bytes(16) or addr == V4_MAPPED + bytes(4):
        return host[: HOST_BUFFER - 1]
    if addr.startswith(V4_MAPPED):
        return b"%d.%d.%d.%d" % tuple(addr[12:])
    return b"[" + inet_ntop6(addr).encode("ascii") + b"]"
