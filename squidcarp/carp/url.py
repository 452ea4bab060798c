"""Squid 5's request-URI normalisation: the bytes CARP hashes (src/anyp/Uri.cc, src/HttpRequest.cc).

``parse(request)`` follows a request from the wire to ``AnyP::Uri::parse`` and returns a
:class:`Uri`; :attr:`Uri.effective` is ``HttpRequest::effectiveRequestUri()`` (the default CARP
key), and the :class:`Uri` fields are what ``carp-key=`` picks from. It runs three stages, each
also callable on its own: :func:`request_line_target` (what the HTTP/1 parser takes from the
request line), :func:`accelerated_url` (an accelerator port completing the URL) and
:func:`parse_uri` (``AnyP::Uri::parse`` of a URL, e.g. one a helper or an ICP query gives).

The request line (src/http/one/RequestParser.cc, ``relaxed_header_parser on``, the default):
delimiters (SP, HTAB, VT, FF, CR) around the target are dropped; a byte outside RFC 3986's
characters, the RFC 2396 "unwise" ones, 0x80-0xFF and those delimiters -- NUL, the other
controls, DEL -- makes Squid answer 400 before it looks at the URL; an LF ends the request line
early, which Squid reads as an HTTP/0.9 request (GET only, else 400). A NUL in the Host header
gets 400 too (src/HttpHeader.cc: "HTTP header contains NULL characters").

What ``AnyP::Uri::parse`` does (and so what this does), for an absolute URI:

* scheme: up to 16 of ``[A-Za-z0-9+.-_]`` starting with a letter, then ``:`` and ``//``; a known
  scheme becomes its lower-case name, an unknown one is kept as typed (and has no default port,
  so it needs an explicit one);
* authority: everything up to ``/ ? #``, NUL or white space; userinfo (before the last ``@``) is
  dropped for every scheme except ftp and unknown ones, where it is %-decoded and re-encoded;
* host: ASCII-lowercased, trailing dots cut, ``..`` or a leading dot rejected; an IP literal in any
  form ``getaddrinfo(AI_NUMERICHOST)`` accepts (``127.1``, ``2130706433``, ``0x7f.1``,
  ``[0:0:0:0:0:0:0:1]``, ``[fe80::1%lo]``) is written back the way ``inet_ntop`` prints it
  (``127.0.0.1``, ``[::1]``, ``[fe80::1]``: the zone is dropped); the any-address (``0.0.0.0``,
  ``::``) is kept as typed;
* IPv6 zones: glibc takes a zone that names an interface (link-local and link- or node-local
  multicast addresses only) or a decimal number; ``[fe80::1%lo]`` and ``[fe80::1%1]`` become
  ``[fe80::1]``, while ``%25lo`` (RFC 6874's escape, which Squid does not decode), a zone naming no
  interface, or a named zone on a global address make the literal a host name, kept as typed
  without its brackets (``http://fe80::1%25lo/``). Interface names are looked up on the machine
  this runs on (Squid's answer depends on the machine it runs on); pass ``interface_index`` to
  model another;
* port: ``atoi`` of what follows the last ``:`` (``:080`` is 80, ``:`` alone is 0 and rejected),
  1..65535, dropped from the URI when it is the scheme's default;
* path: ``/`` when empty, otherwise exactly as sent up to CR/LF/NUL; when it holds a space or a
  tab every C ``isspace`` byte is removed (``uri_whitespace strip``, the default), so a VT or FF
  alone stays; query, fragment and %-escapes are untouched.

``CONNECT`` targets are ``host[:port]`` (``sscanf`` semantics: a missing, empty or non-numeric
port is 443) and hash as ``host:port``.

Accelerator ports (src/client_side.cc ``prepareAcceleratedURL``, with :class:`Accel`): an
origin-form target becomes SCHEME:// + site + target, SCHEME being the port's protocol
(``https`` on https_port); with ``vhost`` (the accel default) and a usable Host header the site
is the Host, its ``:port`` replaced by ``:vport`` when vport is set; else ``defaultsite``
(plus ``:vport``); else, with vport, the port's local address and ``:vport``; else Squid has no
URL (400). An absolute-form target is used as sent with vhost, and cut to its path (then
completed the same way) without it. ``vport`` alone means the port the request arrived on.

Not modelled: ``append_domain``, ``check_hostnames on``, ``uri_whitespace`` other than ``strip``,
``relaxed_header_parser off``, a target whose part before an LF itself ends in ``HTTP/x.y``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from squidcarp.libc import V4_MAPPED, atoi, inet_ntop6, numeric_host, rfc1738_unescape, scanf_int

InterfaceIndex = Callable[[str], int]
"""``if_nametoindex``: the index of the interface a zone names, 0 when none has that name."""

MAX_URL = 8192  # src/defines.h: URLs of MAX_URL - 1 bytes or more are rejected
HOST_BUFFER = 256  # src/defines.h SQUIDHOSTNAMELEN: AnyP::Uri keeps at most 255 host bytes
CONNECT_DEFAULT_PORT = 443  # src/anyp/Uri.cc: "we assume HTTPS (443) if no port provided"
MAX_REQUEST_URI = 64 * 1024 - 1  # src/http/one/RequestParser.cc parseUriField(): longer is 414
HOST_HEADER_MAX = 1024 - 1  # src/http/one/Parser.cc GET_HDR_SZ: getHostHeaderField() keeps 1023

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
_ALNUM = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# src/http/one/Parser.cc RelaxedDelimiterCharacters(): SP, HTAB, VT, FF and a bare CR.
_DELIMITERS = b" \t\x0b\x0c\r"
# src/http/one/RequestParser.cc RequestTargetCharacters() with relaxed_header_parser on (and
# HTTP violations, as Debian builds 5.7): RFC 3986 characters, the delimiters above, the RFC 2396
# "unwise" ones and 0x80-0xFF. Everything else (NUL, the other controls, DEL) is a 400.
_TARGET_BYTES = frozenset(_ALNUM + b":/?#[]@!$&'()*+,;=-._~%" + _DELIMITERS + b'"\\|^<>`{}'
                          + bytes(range(0x80, 0x100)))
# src/client_side.cc prepareAcceleratedURL(): what it skips as scheme and as authority.
_ACCEL_SCHEME_BYTES = frozenset(_ALNUM + b"+-.")
_ACCEL_AUTHORITY_BYTES = frozenset(_ALNUM + b"-._~%:@[]!$&'()*+,;=")
# src/http/one/Parser.cc getHostHeaderField(): a Host with any other byte counts as no Host.
_HOST_HEADER_BYTES = frozenset(_ALNUM + b":[].-_")
_W_SPACE = re.compile(rb"[ \t\n\r]")  # compat/compat_shared.h w_space (stringHasWhitespace)
# RFC 3986 userinfo characters minus '%' (src/anyp/Uri.cc UserInfoChars(), absolute()).
_USERINFO_KEEP = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-._~!$&'()*+,;="
)


class NotRoutable(ValueError):
    """Squid would reject this request (HTTP ``status``, 400 unless said) before CARP runs."""

    def __init__(self, reason: str, target: bytes, status: int = 400) -> None:
        super().__init__(f"{reason}: {target!r}")
        self.reason = reason
        self.target = target
        self.status = status


class LocalAddressUnknown(NotRoutable):
    """The URL Squid builds holds the address the client connected to, which is not known here
    (the port listens on every address; an ``http_port NAME:PORT`` line has the name as its
    defaultsite, so it never gets here): give it as :attr:`Accel.local`.

    Squid does not refuse such a request (``status`` is 0): the prediction lacks a fact."""

    def __init__(self, target: bytes) -> None:
        super().__init__("Squid completes this URL with the address the client connected to, "
                         "which a port listening on every address does not name: say which "
                         "(the request's local address)", target, 0)


@dataclass(frozen=True)
class Accel:
    """How an accelerator port (``http_port ... accel``) turns a request target into a URL.

    ``host`` is the request's Host header value as sent (None when the request has none);
    ``defaultsite`` the port's ``defaultsite=`` (or the host name of an ``http_port NAME:PORT``
    line); ``scheme`` the port's protocol: ``http`` for http_port, ``https`` for https_port
    (``protocol=`` changes it); ``vhost`` whether the Host header counts (on unless
    ``no-vhost``); ``vport`` the port number the URL gets (``vport=N``: N; a bare ``vport``: the
    port the request arrived on), 0 for none; ``local`` the address the client connected to as
    Squid prints it (``127.0.0.5``, ``[::1]``), which the URL holds when there is no Host
    (or no vhost) and no defaultsite but a vport.
    """

    host: bytes | None = None
    defaultsite: bytes | None = None
    scheme: bytes = b"http"
    vhost: bool = True
    vport: int = 0
    local: bytes | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.vport <= 65535:
            raise ValueError(f"vport must be a port number or 0 (a bare vport is the port the "
                             f"request arrived on), not {self.vport}")


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
        *,
        scheme: bytes = b"http",
        vhost: bool = True,
        vport: int = 0,
        local: bytes | str | None = None,
    ) -> Request:
        return cls(
            _as_bytes(target),
            "GET",
            Accel(
                None if host is None else _as_bytes(host),
                None if defaultsite is None else _as_bytes(defaultsite),
                scheme,
                vhost,
                vport,
                None if local is None else _as_bytes(local),
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


def effective_uri(request: Request | bytes | str,
                  interface_index: InterfaceIndex | None = None) -> bytes:
    """The bytes Squid hashes for a member without ``carp-key`` (raises :class:`NotRoutable`)."""
    return parse(request, interface_index).effective


def parse(request: Request | bytes | str, interface_index: InterfaceIndex | None = None) -> Uri:
    """Parse a request the way Squid 5 does, from the request line on; raise
    :class:`NotRoutable` where Squid answers with an error instead.

    ``interface_index`` names IPv6 zones (``[fe80::1%lo]``); the default looks them up on this
    machine (:func:`system_interface_index`).
    """
    if not isinstance(request, Request):
        request = Request(_as_bytes(request))
    raw = request_line_target(request.url, request.method)
    if request.accel is not None:
        host = request.accel.host
        if host is not None and b"\x00" in host:
            raise NotRoutable("NUL in the Host header", host)
        if request.method == "CONNECT":
            raise NotRoutable("CONNECT on an accelerator port", raw, 405)
        raw = accelerated_url(raw, request.accel)
    return parse_uri(raw, request.method, interface_index)


def parse_uri(raw: bytes, method: str = "GET",
              interface_index: InterfaceIndex | None = None) -> Uri:
    """``AnyP::Uri::parse`` of a URL as Squid holds it (no request-line checks: a URL from a
    helper, an ICP/HTCP query or an access log)."""
    if len(raw) > MAX_URL - 1:
        raise NotRoutable("URL too large", raw)
    if method in ("OPTIONS", "TRACE") and raw == b"*":
        return Uri(b"http", b"", 80, b"*", default_port=80)
    lookup = system_interface_index if interface_index is None else interface_index
    if method == "CONNECT":
        return _parse_connect(raw, lookup)
    return _parse_absolute(raw, lookup)


def request_line_target(target: bytes, method: str = "GET") -> bytes:
    """The request-target Squid's HTTP/1 parser takes from ``METHOD SP target SP HTTP/1.1``.

    Delimiters around it are dropped; a byte the parser does not accept there is a 400 (the
    message names its offset in ``target``); an LF ends the request line: for GET the part
    before it (trailing CRs dropped) is an HTTP/0.9 request, any other method is a 400.
    """
    end = target.find(b"\n")
    if end >= 0:
        if method != "GET":
            raise NotRoutable(f"a line feed at offset {end} ends the request line before the "
                              "HTTP version (only GET may be HTTP/0.9)", target)
        line = target[:end].rstrip(b"\r")
        start = len(line) - len(line.lstrip(_DELIMITERS))
        uri = line[start:]
    else:
        start = len(target) - len(target.lstrip(_DELIMITERS))
        uri = target.strip(_DELIMITERS)
    if not uri:
        raise NotRoutable("missing request target", target)
    for i, byte in enumerate(uri):
        if byte not in _TARGET_BYTES:
            raise NotRoutable(f"byte 0x{byte:02x} at offset {start + i} is not allowed in a "
                              "request target", target)
    if len(uri) > MAX_REQUEST_URI:
        raise NotRoutable(f"request target longer than {MAX_REQUEST_URI} bytes", target, 414)
    return uri


def host_header_field(value: bytes | None) -> bytes | None:
    """src/http/one/Parser.cc getHostHeaderField(): the Host value accelerated URLs use.

    Leading blanks and trailing CR/LF go, the rest is cut to 1023 bytes; a value holding any
    byte but letters, digits and ``: [ ] . - _`` (a space, ``%``, 0x80-0xFF...) is no Host.
    """
    if value is None:
        return None
    text = value.rstrip(b"\r\n").lstrip(b" \t")[:HOST_HEADER_MAX]
    if any(byte not in _HOST_HEADER_BYTES for byte in text):
        return None
    return text


def accelerated_url(target: bytes, accel: Accel) -> bytes:
    """src/client_side.cc prepareAcceleratedURL(): the URL an accelerator port makes of a target.

    Raises :class:`NotRoutable` when it leaves an origin-form target as it is (no usable Host,
    no defaultsite, no vport: Squid then fails to parse it and answers 400), and
    :class:`LocalAddressUnknown` when the URL needs :attr:`Accel.local` and it is not given.
    """
    if target.startswith(b"cache_object://"):
        return target  # "already in good shape"
    if target.startswith(b"/"):
        url = target
    elif accel.vhost:
        return target  # absolute-form on a vhost port: used as sent
    else:
        url = _accel_path(target)
    host = host_header_field(accel.host) if accel.vhost else None
    if host is not None:
        if accel.vport > 0:
            colon = host.rfind(b":")
            if colon >= 0 and not host.endswith(b"]"):
                host = host[:colon]
            host += b":%d" % accel.vport
        return accel.scheme + b"://" + host + url
    port = b":%d" % accel.vport if accel.vport > 0 else b""
    if accel.defaultsite is not None:
        return accel.scheme + b"://" + accel.defaultsite + port + url
    if accel.vport > 0:
        if accel.local is None:
            raise LocalAddressUnknown(target)
        return accel.scheme + b"://" + accel.local + port + url
    if target.startswith(b"/"):
        if not accel.vhost:
            why = "accelerated request on a port without vhost, defaultsite or vport"
        elif accel.host is not None:
            why = "accelerated request whose Host header Squid cannot use, and no defaultsite"
        else:
            why = "accelerated request without Host and no defaultsite"
        raise NotRoutable(why, target)
    return target  # no rewrite: the target as sent


def _accel_path(target: bytes) -> bytes:
    """An absolute-form target on a port without vhost: ``scheme://authority`` skipped with
    prepareAcceleratedURL's character sets; what it cannot skip leaves the target whole."""
    i = 0
    while i < len(target) and target[i] in _ACCEL_SCHEME_BYTES:
        i += 1
    if i == 0 or target[i : i + 3] != b"://":
        return target
    i += 3
    j = i
    while j < len(target) and target[j] in _ACCEL_AUTHORITY_BYTES:
        j += 1
    if j == i:
        return target
    rest = target[j:]
    if not rest:
        return b"/"
    if rest.startswith(b"/"):
        return rest
    if rest[:1] in (b"?", b"#"):
        return b"/" + rest
    return target  # "invalid path": left as it is


def system_interface_index(name: str) -> int:
    """``if_nametoindex(3)`` on this machine: 0 when no interface has that name."""
    import socket  # only an IPv6 zone needs it

    try:  # the zone's bytes came in as latin-1; the file-system codec gives them back
        return socket.if_nametoindex(os.fsdecode(name.encode("latin-1")))
    except (OSError, ValueError):
        return 0


def _parse_absolute(raw: bytes, lookup: InterfaceIndex) -> Uri:
    m = _SCHEME_RE.match(raw)
    if m is None or not raw[:1].isalpha():
        raise NotRoutable("invalid URI scheme", raw)
    spelled = m.group(1)
    lowered = spelled.lower()
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
    host = _check_host(host.lower(), raw)
    if not 1 <= port <= 65535:
        raise NotRoutable("invalid port", raw)
    path = _strip_whitespace(path)
    authority_form = known and lowered == b"authority_form"
    return Uri(image, canonical_host(host, lookup), port, path, userinfo, default_port,
               authority_form)


def _parse_urn(raw: bytes, rest: bytes) -> Uri:
    # src/anyp/Uri.cc parseUrn(): urn:NID:NSS, the NID becomes the "host" (not lowercased).
    m = _URN_NID_RE.match(rest)
    if m is None or rest[m.end() : m.end() + 1] != b":":
        raise NotRoutable("invalid URN namespace", raw)
    nid = m.group(0)
    if len(nid) < 2 or not nid[:1].isalnum() or not nid[-1:].isalnum():
        raise NotRoutable("invalid URN namespace", raw)
    return Uri(b"urn", canonical_host(nid), 0, rest[m.end() + 1 :], urn=True)


def _parse_connect(raw: bytes, lookup: InterfaceIndex) -> Uri:
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
    host = _check_host(_strip_whitespace(host.lower()), raw)
    if not 1 <= port <= 65535:
        raise NotRoutable("invalid port", raw)
    return Uri(b"", canonical_host(host, lookup), port, b"", authority_form=True)


def _strip_whitespace(text: bytes) -> bytes:
    """``uri_whitespace strip``: only when stringHasWhitespace() finds SP, HTAB, CR or LF, then
    every ``isspace`` byte goes (a VT or FF alone is kept)."""
    return _WS_RE.sub(b"", text) if _W_SPACE.search(text) else text


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


def canonical_host(host: bytes, interface_index: InterfaceIndex | None = None) -> bytes:
    """``AnyP::Uri::host()``: IP literals in ``inet_ntop`` form, others truncated to 255 bytes.

    ``interface_index`` names IPv6 zones (default: this machine's interfaces)."""
    inner = host
    if host.startswith(b"["):
        if len(host) == 1:
            return host[: HOST_BUFFER - 1]
        inner = host[1:-1]  # Squid drops the last byte, assuming it is ']'
    lookup = system_interface_index if interface_index is None else interface_index
    addr = numeric_host(inner.decode("latin-1"), lookup)
    if addr is None or addr == bytes(16) or addr == V4_MAPPED + bytes(4):
        return host[: HOST_BUFFER - 1]
    if addr.startswith(V4_MAPPED):
        return b"%d.%d.%d.%d" % tuple(addr[12:])
    return b"[" + inet_ntop6(addr).encode("ascii") + b"]"
