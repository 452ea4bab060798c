"""Where CARP arrays come from: a parsed squid.conf, or a plain description.

* :func:`array_from_config` takes the CARP parents of a :class:`~squidcarp.conf.model.SquidConfig`
  (``carp`` on a ``parent`` line), in config order, with their effective names (``name=`` or the
  host as typed), clamped weights and ``carp-key`` parts: the array Squid would build.
* :func:`accel_of_port` says how an accelerator port completes request targets (its scheme,
  ``vhost``, ``vport``, ``defaultsite`` and listening address, as src/cache_cf.cc reads the
  line); :func:`accel_from_config` does it for a config's first accel port.
* :func:`array_from_description` takes plain data (what a JSON/TOML array description file
  decodes to) so a file format can be added without touching the CARP code::

      {"members": [{"name": "cache1", "weight": 2, "carp_key": ["host", "path"]}, ...],
       "signed_char": true}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from squidcarp.carp.array import CarpArray, Member
from squidcarp.carp.url import Accel
from squidcarp.conf.model import CarpKeyPart, HttpPort, SquidConfig, Token
from squidcarp.conf.port import DIRECTIVE_PROTOCOL, PROTOCOLS
from squidcarp.libc import V4_MAPPED, c_upper, inet_ntop6, numeric_host, xatos

VPORT_ARRIVAL = -1  # src/cache_cf.cc parse_port_option: a bare "vport" (the local port)


class NoCarpMembers(ValueError):
    """The config or description defines no CARP member."""


def array_from_config(config: SquidConfig, signed_char: bool = True) -> CarpArray:
    """The CARP array Squid builds from ``config`` (src/carp.cc carpInit)."""
    members = tuple(
        Member(
            p.name_bytes,
            p.weight,
            p.carp_key.ordered() if p.carp_key is not None else None,
        )
        for p in config.carp_peers
    )
    if not members:
        raise NoCarpMembers("no cache_peer is a CARP parent (type parent with the carp option)")
    return CarpArray(members, signed_char)


def accel_from_config(config: SquidConfig, host: bytes | None = None,
                      local: bytes | None = None) -> Accel | None:
    """How the first ``accel`` port completes targets (:func:`accel_of_port`); without an accel
    port, ``Accel(host)`` when a Host is given, else None."""
    for port in config.http_ports:
        if port.accel:
            return accel_of_port(port, host, local)
    return Accel(host, None) if host is not None else None


def accel_of_port(port: HttpPort, host: bytes | None = None,
                  local: bytes | None = None) -> Accel:
    """The :class:`~squidcarp.carp.url.Accel` of a request with Host ``host`` on ``port``.

    ``local`` is the address the client connected to (Squid prints it as ``127.0.0.5`` or
    ``[::1]``); by default the port's own address, which a wildcard port does not have.
    """
    vport = port_vport(port.options)
    if vport == VPORT_ARRIVAL:
        vport = port.port or 0
    site = port_defaultsite(port)
    return Accel(host, None if site is None else site.encode("utf-8", "surrogateescape"),
                 port_scheme(port.directive.keyword, port.options), port.vhost, vport,
                 local if local is not None else listening_address(port.address))


def port_vport(options: Iterable[Token]) -> int:
    """``vport``: -1 (:data:`VPORT_ARRIVAL`, the port a request arrives on), ``vport=N``: N
    (``xatos``; Squid stops on a bad one), 0 without; the last one counts."""
    vport = 0
    for tok in options:
        if tok.text == "vport":
            vport = VPORT_ARRIVAL
        elif tok.text.startswith("vport="):
            vport = xatos(tok.text[6:]).value or 0
    return vport


def port_protocol(directive: str, options: Iterable[Token]) -> str:
    """``HTTP``, ``HTTPS`` or ``FTP``: the directive's transport unless ``protocol=`` sets one."""
    protocol = DIRECTIVE_PROTOCOL.get(directive, "HTTP")
    for tok in options:
        if tok.text.startswith("protocol="):
            protocol = PROTOCOLS.get(c_upper(tok.text[9:]), protocol)
    return protocol


def port_scheme(directive: str, options: Iterable[Token]) -> bytes:
    """The scheme accelerated URLs get (``AnyP::UriScheme(transferProtocol).image()``)."""
    return port_protocol(directive, options).lower().encode("ascii")


def port_defaultsite(port: HttpPort) -> str | None:
    """``defaultsite=``, else the host name of an ``http_port NAME:PORT`` line
    (src/cache_cf.cc parsePortSpecification: a listening address that is not numeric)."""
    if port.defaultsite is not None:
        return port.defaultsite
    if port.address is not None and numeric_host(port.address) is None:
        return port.address
    return None


def listening_address(address: str | None) -> bytes | None:
    """A port's numeric address as ``Ip::Address::toHostStr`` prints it (``127.0.0.1``,
    ``[::1]``); None for no address, the any-address or a host name (not known before a
    connection arrives)."""
    if address is None:
        return None
    raw = numeric_host(address[1:-1] if address.startswith("[") else address)
    if raw is None or raw in (bytes(16), V4_MAPPED + bytes(4)):
        return None
    if raw.startswith(V4_MAPPED):
        return b"%d.%d.%d.%d" % tuple(raw[12:])
    return b"[" + inet_ntop6(raw).encode("ascii") + b"]"


def array_from_description(data: Mapping[str, object]) -> CarpArray:
    """An array from decoded description data (see the module docstring for the shape)."""
    raw_members = data.get("members")
    if not isinstance(raw_members, Sequence) or isinstance(raw_members, (str, bytes)):
        raise ValueError("description: 'members' must be a list")
    members = []
    for i, item in enumerate(raw_members):
        if not isinstance(item, Mapping):
            raise ValueError(f"description: members[{i}] must be a mapping")
        name = item.get("name")
        if not isinstance(name, (str, bytes)) or not name:
            raise ValueError(f"description: members[{i}].name must be a non-empty string")
        weight = item.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise ValueError(f"description: members[{i}].weight must be an integer")
        parts = item.get("carp_key")
        key: tuple[CarpKeyPart, ...] | None = None
        if parts is not None:
            if not isinstance(parts, Sequence) or isinstance(parts, (str, bytes)):
                raise ValueError(f"description: members[{i}].carp_key must be a list")
            try:
                key = tuple(CarpKeyPart(str(p)) for p in parts)
            except ValueError as exc:
                raise ValueError(f"description: members[{i}].carp_key: {exc}") from None
        members.append(Member(name, weight, key))
    if not members:
        raise NoCarpMembers("description: no members")
    signed = data.get("signed_char", True)
    if not isinstance(signed, bool):
        raise ValueError("description: 'signed_char' must be true or false")
    return CarpArray(tuple(members), signed)
