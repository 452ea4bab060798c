"""Stage 4c: ``http_port`` / ``https_port`` / ``ftp_port`` lines, as src/cache_cf.cc reads them.

``parsePortCfg`` -> ``parsePortSpecification`` (where to listen) -> ``parse_port_option`` for
every further token, then the checks that need the whole line (an HTTPS port needs a
``tls-cert=``; GnuTLS must accept ``tls-options=``). Squid 5.7 as Debian builds it: GnuTLS, so the
OpenSSL-only options (``ssl-bump``, ``cert=``, ``generate-host-certificates``...) are unknown
and fatal; HTTP violations enabled, so ``ignore-cc`` needs no ``accel``.

Whether a host name resolves, and whether ``tproxy`` works on the machine, are left to Squid.
"""

from __future__ import annotations

import re

from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.facts.peer import match_peer_tls_option
from squidcarp.conf.model import Directive, HttpPort, Token
from squidcarp.conf.peer import gnutls_priority_problem
from squidcarp.libc import c_upper, strtol, xatoll, xatos

# parse_port_option @ SQUID_5_7 without USE_OPENSSL: words compared with strcmp...
EXACT = frozenset({
    "accel", "transparent", "intercept", "tproxy", "require-proxy-header", "vhost", "no-vhost",
    "vport", "allow-direct", "act-as-origin", "ignore-cc", "no-connection-auth",
    "connection-auth=off", "connection-auth", "connection-auth=on", "ipv4", "tcpkeepalive",
    "ftp-track-dirs", "worker-queues",
})
# ... and key=value options compared with strncmp on the key.
PREFIXED = ("defaultsite=", "vport=", "protocol=", "name=", "disable-pmtu-discovery=",
            "tcpkeepalive=", "dynamic_cert_mem_cache_size=", "tls-")
NEEDS_ACCEL_FATAL = ("defaultsite=", "vport", "vport=", "protocol=", "allow-direct")
NEEDS_ACCEL_ERROR = ("no-vhost", "act-as-origin")
PMTU_MODES = ("off", "transparent", "always")
PROTOCOLS = {"HTTP": "HTTP", "HTTP/1.1": "HTTP", "HTTPS": "HTTPS", "HTTPS/1.1": "HTTPS",
             "FTP": "FTP"}  # parsePortProtocol (value upper-cased first)
# Security::ServerOptions::parse: server-only sub-options, before the PeerOptions ones.
SERVER_TLS = ("clientca=", "dh=", "dhparams=", "dynamic_cert_mem_cache_size=",
              "generate-host-certificates=on", "generate-host-certificates=off",
              "generate-host-certificates", "context=")
DIRECTIVE_PROTOCOL = {"http_port": "HTTP", "ascii_port": "HTTP", "https_port": "HTTPS",
                      "ftp_port": "FTP"}


class _Port:
    """One port line's flags while its options are read (a plain class: it only lives there)."""

    def __init__(self, d: Directive, events: list[ReadEvent], protocol: str = "HTTP") -> None:
        self.d = d
        self.events = events
        self.accel = False
        self.vhost = False
        self.intercept = False
        self.tproxy = False
        self.proxy_header = False
        self.defaultsite: str | None = None
        self.protocol = protocol
        self.encrypt = False
        self.certs: list[str] = []
        self.tls_options: Token | None = None

    def fatal(self, tok: Token, message: str, squid: Squid = Squid.FATAL) -> None:
        self.events.append(ReadEvent(Kind.PORT_LINE, tok.pos, f"{self.d.keyword}: {message}",
                                     squid, tok.pos.column + len(tok.raw_or_text), tok.text))


def parse_port_line(d: Directive, events: list[ReadEvent]) -> HttpPort:
    """Check one ``*_port`` line and return what CARP key building needs from it."""
    p = _Port(d, events, protocol=DIRECTIVE_PROTOCOL.get(d.keyword, "HTTP"))
    if not d.args:
        events.append(ReadEvent(Kind.PORT_LINE, d.pos, f"{d.keyword} needs a port: Squid stops "
                                "('Bungled')", Squid.FATAL))
        return HttpPort(d, None, None)
    address, port = _specification(p, d.args[0])
    for tok in d.args[1:]:
        _option(p, tok)
    if p.protocol == "HTTPS":
        p.encrypt = True
        if p.proxy_header:
            p.fatal(d.name, "require-proxy-header is not supported on HTTPS ports: Squid stops")
    elif p.protocol == "FTP" and d.keyword == "ftp_port" and p.proxy_header:
        p.fatal(d.name, "require-proxy-header is not supported on ftp_port: Squid stops")
    if p.encrypt:
        if not p.certs:
            p.fatal(d.name, f"TLS is on here, so Squid requires a tls-cert= "
                    f"('{p.protocol.lower()}_port requires a cert= parameter') and stops")
        elif p.tls_options is not None:
            value = p.tls_options.text.split("=", 1)[1]
            problem = gnutls_priority_problem(value)
            if problem:
                p.fatal(p.tls_options, f"GnuTLS rejects the TLS priority string '{value}' "
                        f"({problem}): Squid 5.7 built with GnuTLS (Debian) stops; start "
                        "tls-options= with a keyword such as NORMAL")
    return HttpPort(d, address, port, p.accel, p.vhost, p.defaultsite, d.args[1:])


def _specification(p: _Port, tok: Token) -> tuple[str | None, int | None]:
    """``parsePortSpecification``: ``[v6]:port``, ``host:port`` or ``port``."""
    text = tok.text
    host: str | None = None
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            p.fatal(tok, f"missing ']' on IPv6 address '{text}': Squid stops")
            return None, None
        if text[close + 1:close + 2] != ":":
            p.fatal(tok, f"missing port in '{text}': Squid stops")
            return None, None
        host, port_text = text[1:close], text[close + 2:]
    elif ":" in text:
        host, _, port_text = text.partition(":")
    elif (number := strtol(text)).end == len(text) and number.value != 0:
        port_text = text  # strtol(token) is non-zero with nothing after it
    else:
        p.fatal(tok, f"missing port: '{text}' is not a port number (service names do not "
                "work here): Squid stops")
        return None, None
    port, error = xatos(port_text)
    if error:
        p.fatal(tok, f"{error}: Squid stops")
        return host, None
    if port == 0 and host is not None:
        p.fatal(tok, "port cannot be 0: Squid stops")
    if host == "":
        p.fatal(tok, "no host before ':': Squid fails to resolve '' and stops")
    return host, port


def _option(p: _Port, tok: Token) -> None:
    text = tok.text
    key = text if text in EXACT else next((k for k in PREFIXED if text.startswith(k)), None)
    if key is None:
        p.fatal(tok, f"unknown option '{text}': Squid stops ('Unknown {p.d.keyword} option')")
        return
    value = text[len(key):]
    if key in NEEDS_ACCEL_FATAL and not p.accel:
        p.fatal(tok, f"{key.rstrip('=')} needs the accel mode flag before it: Squid stops")
        return
    if key in NEEDS_ACCEL_ERROR and not p.accel:
        p.fatal(tok, f"{key} needs the accel mode flag before it: Squid logs an ERROR and "
                "ignores it", Squid.ERROR)
    if key == "accel":
        if p.intercept or p.tproxy:
            p.fatal(tok, "accel cannot share a port with intercept or tproxy: Squid stops")
        p.accel = p.vhost = True
    elif key in ("transparent", "intercept"):
        if p.accel or p.tproxy:
            p.fatal(tok, f"{key} cannot share a port with accel or tproxy: Squid stops")
        p.intercept = True
    elif key == "tproxy":
        if p.intercept or p.accel:
            p.fatal(tok, "tproxy cannot share a port with accel or intercept: Squid stops")
        p.tproxy = True
    elif key == "require-proxy-header":
        p.proxy_header = True
    elif key == "vhost":
        if not p.accel:
            p.fatal(tok, "vhost without accel is deprecated: Squid warns and turns accel on",
                    Squid.WARNING)
        p.accel = p.vhost = True
    elif key == "no-vhost":
        p.vhost = False
    elif key == "defaultsite=":
        p.defaultsite = value
    elif key == "vport=":
        _, error = xatos(value)
        if error:
            p.fatal(tok, f"vport: {error}: Squid stops")
    elif key == "protocol=":
        protocol = PROTOCOLS.get(c_upper(value))
        if protocol is None:
            p.fatal(tok, f"protocol={c_upper(value)} is not supported (HTTP, HTTPS or FTP): "
                    "Squid stops")
        else:
            p.protocol = protocol
    elif key == "disable-pmtu-discovery=" and value not in PMTU_MODES:
        p.fatal(tok, f"disable-pmtu-discovery is off, transparent or always, not '{value}': "
                "Squid stops")
    elif key == "tcpkeepalive=":
        _keepalive(p, tok, value)
    elif key == "dynamic_cert_mem_cache_size=":
        _tls(p, tok, text)
    elif key == "tls-":
        _tls(p, tok, value)


def _keepalive(p: _Port, tok: Token, value: str) -> None:
    """``tcpkeepalive=idle,interval,timeout``: 5.7 reads the first two with ``xatoui(t, ',')``,
    which insists that a ',' follows each, and the last with ``xatoui(t)``: only exactly three
    non-negative numbers parse (``tcpkeepalive=60`` stops Squid)."""
    parts = value.split(",")
    for part in parts[:3]:
        result = xatoll(part)
        if result.value is None or result.value < 0:
            error = result.error or f"'{part}' cannot be less than 0"
            p.fatal(tok, f"tcpkeepalive: {error}: Squid stops")
            return
    if len(parts) != 3:
        p.fatal(tok, "tcpkeepalive= needs exactly idle,interval,timeout (Squid 5.7 cannot read "
                "fewer or more numbers): Squid stops")


def _tls(p: _Port, tok: Token, sub: str) -> None:
    """``Security::ServerOptions::parse``, then the generic ``PeerOptions::parse`` words."""
    if not sub:
        p.encrypt = True
        return
    server = next((k for k in SERVER_TLS if sub.startswith(k)), None)
    if server == "context=":
        p.fatal(tok, "tls-context= needs OpenSSL: Squid warns and ignores it", Squid.WARNING)
        return
    if server == "dynamic_cert_mem_cache_size=":
        # parseBytesOptionValue: digits, then a unit that is required (bytes, KB, MB, GB)
        if not re.fullmatch(r"[0-9]+(?i:bytes|kb|mb|gb).*", sub[len(server):]):
            p.fatal(tok, f"'{sub[len(server):]}' is not digits followed by bytes, KB, MB or GB: "
                    "Squid stops")
        return
    if server is not None:
        return  # clientca=, dh=, dhparams=, generate-host-certificates: no encryptTransport
    known = match_peer_tls_option(sub)
    if known is None:
        p.fatal(tok, f"unknown TLS option '{sub}': Squid logs an ERROR and ignores it",
                Squid.ERROR)
        return
    if known == "disable":
        p.encrypt, p.certs, p.tls_options = False, [], None
        return
    p.encrypt = True
    if known == "cert=":
        p.certs.append(sub[len(known):])
    elif known == "key=" and (not p.certs or not p.certs[-1]):
        p.fatal(tok, "tls-key= before a non-empty tls-cert=: Squid stops")
    elif known == "options=":
        p.tls_options = tok
