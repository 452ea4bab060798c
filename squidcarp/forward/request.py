"""One request as peer selection sees it, and the port it arrived on.

:class:`ForwardRequest` is what a user can tell about a request: the target as sent (absolute
URI, CONNECT authority, or an origin-form ``/path`` for an accelerator port), the method, the
Host header, the client address, which ``http_port`` received it, and the request headers that
change Squid's choices (Authorization, If-Modified-Since, Via). :class:`Port` is a receiving
``http_port``/``https_port`` line as peer selection needs it.

Squid's own flags (src/client_side_request.cc ``clientInterpretRequestHeaders``,
``clientHierarchical``; src/client_side.cc ``clientProcessRequest``):

* *hierarchical*: TRACE; or GET of an http (or other non-cache_object) URL, without
  Authorization or userinfo, without If-Modified-Since unless ``neighbors_do_private_keys``,
  not looping; intercepted requests are never hierarchical until their Host is verified;
* *noDirect*: an accelerated request on a port without ``allow-direct``.

How the port turns the target into the URL CARP hashes (src/client_side.cc): an accelerator port
completes it (:func:`squidcarp.carp.url.accelerated_url`: its scheme, ``vhost``, ``vport``,
``defaultsite`` and, for a bare ``vport`` without Host or defaultsite, the address the client
connected to) and refuses CONNECT (405); a forward-proxy port refuses an origin-form target
(400, "Invalid URL"); an intercepting port (or no known port) completes one from the Host.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from squidcarp.carp.fromconf import (
    VPORT_ARRIVAL,
    listening_address,
    port_defaultsite,
    port_protocol,
    port_vport,
)
from squidcarp.carp.url import Accel, NotRoutable, Request, Uri
from squidcarp.conf.model import HttpPort, Position, SquidConfig
from squidcarp.libc import is_digits, numeric_host


@dataclass(frozen=True)
class Port:
    """A receiving port (src/anyp/PortCfg.h)."""

    directive: str
    address: str | None
    number: int | None
    name: str
    """``name=``, or the port specification as written (Squid's default port name)."""
    accel: bool = False
    vhost: bool = False
    """Accelerated URLs take their site from the Host header (``accel`` turns it on,
    ``no-vhost`` off)."""
    vport: int = 0
    """``vport=N``: N; a bare ``vport``: -1 (the port the request arrives on); 0: none."""
    defaultsite: str | None = None
    """``defaultsite=``, or the host name of an ``http_port NAME:PORT`` line."""
    allow_direct: bool = False
    intercept: bool = False
    pos: Position | None = None
    protocol: str | None = None
    """``HTTP``, ``HTTPS`` or ``FTP`` (``protocol=``); None: the directive's own."""

    @property
    def scheme(self) -> bytes:
        """The scheme accelerated URLs get: the port's transfer protocol."""
        if self.protocol is not None:
            return self.protocol.lower().encode("ascii")
        return b"https" if self.directive == "https_port" else b"http"

    def accel_for(self, host: bytes | None, local: str | None = None) -> Accel:
        """How this (accelerator) port completes a request with Host ``host`` that arrived on
        address ``local`` (default: the port's own)."""
        site = self.defaultsite.encode("utf-8", "surrogateescape") \
            if self.defaultsite is not None else None
        vport = (self.number or 0) if self.vport == VPORT_ARRIVAL else self.vport
        return Accel(host, site, self.scheme, self.vhost, vport,
                     listening_address(local if local is not None else self.address))


def ports(config: SquidConfig) -> tuple[Port, ...]:
    return tuple(_port(p) for p in config.http_ports if p.port is not None)


def _port(p: HttpPort) -> Port:
    words = [t.text for t in p.options]
    name = next((w[5:] for w in words if w.startswith("name=")), None)
    spec = p.directive.args[0].text if p.directive.args else str(p.port)
    keyword = p.directive.keyword
    return Port(
        directive=keyword, address=p.address, number=p.port, name=name or spec,
        accel=p.accel, vhost=p.vhost, vport=port_vport(p.options),
        defaultsite=port_defaultsite(p), allow_direct="allow-direct" in words,
        intercept=any(w in ("intercept", "transparent", "tproxy") for w in words),
        pos=p.directive.pos, protocol=port_protocol(keyword, p.options))


@dataclass(frozen=True)
class ForwardRequest:
    target: bytes
    method: str = "GET"
    host: bytes | None = None
    """The Host header (accelerator requests take their site from it)."""
    client: str | None = None
    port: str | None = None
    """The receiving port: its name, its number, or None for the first that fits (an
    accelerator port for an origin-form target, else the first forward-proxy port)."""
    authorization: bool = False
    ims: bool = False
    loop: bool = False
    """The request's Via already holds this Squid (a forwarding loop)."""
    user: str | None = None
    at: datetime.datetime | None = None
    notes: tuple[tuple[str, str], ...] | None = None
    when: float | None = None
    """Seconds since an earlier point (an access log's timestamp), for state kept over time."""
    local: str | None = None
    """The address the client connected to (``127.0.0.5``, ``::1``), when the receiving port
    listens on every address: an accelerator port with ``vport`` may put it in the URL."""

    def __post_init__(self) -> None:
        if self.local is not None and numeric_host(self.local.strip("[]")) is None:
            raise ValueError(f"local must be a numeric IP address, not {self.local!r}")

    @classmethod
    def of(cls, target: bytes | Request, **kwargs: object) -> ForwardRequest:
        """From a CARP library request (``bytes`` or :class:`~squidcarp.carp.url.Request`)."""
        if isinstance(target, Request):
            host = target.accel.host if target.accel is not None else None
            return cls(target.url, target.method, host, **kwargs)  # type: ignore[arg-type]
        return cls(target, **kwargs)  # type: ignore[arg-type]


class UnknownPort(KeyError):
    """The request names a receiving port the config does not have."""


def receiving_port(ports_: tuple[Port, ...], request: ForwardRequest) -> Port | None:
    """The port the request arrived on (None when the config has no port at all)."""
    if request.port is not None:
        for p in ports_:
            if p.name == request.port or (is_digits(request.port) and p.number is not None
                                          and p.number == int(request.port)):
                return p
        raise UnknownPort(request.port)
    origin_form = request.target.startswith(b"/")
    for p in ports_:
        if p.accel == origin_form and not p.intercept:
            return p
    return ports_[0] if ports_ else None


def carp_request(request: ForwardRequest, port: Port | None) -> Request:
    """The CARP library's view of the request (accelerator completion included); raises
    :class:`~squidcarp.carp.url.NotRoutable` for what the receiving port refuses."""
    if request.host is not None and b"\x00" in request.host:
        raise NotRoutable("NUL in the Host header", request.host)
    if port is not None and port.accel:
        return Request(request.target, request.method,
                       port.accel_for(request.host, request.local))
    if request.target.lstrip(b" \t\x0b\x0c\r").startswith(b"/"):
        if port is not None and not port.intercept:
            raise NotRoutable(f"origin-form target on the forward-proxy port {port.name} (only "
                              "accelerator and intercepting ports complete one)", request.target)
        return Request(request.target, request.method, Accel(request.host, None))
    return Request(request.target, request.method)


def hierarchical(request: ForwardRequest, uri: Uri, port: Port | None,
                 private_keys: bool) -> tuple[bool, str]:
    """``clientHierarchical``: whether peers may be asked, and why not."""
    method = request.method
    if port is not None and port.intercept:
        return False, "intercepted requests are not sent to peers until their Host is verified"
    if request.ims and not private_keys:
        return False, "If-Modified-Since needs neighbors_do_private_keys"
    if request.authorization or uri.userinfo:
        return False, "the request carries credentials"
    if method == "TRACE":
        return True, "TRACE"
    if method != "GET":
        return False, f"{method} is not hierarchical"
    if request.loop:
        return False, "a forwarding loop"
    if uri.scheme == b"cache_object":
        return False, "cache_object URLs"
    return True, "GET"
