"""Where CARP arrays come from: a parsed squid.conf, or a plain description.

* :func:`array_from_config` takes the CARP parents of a :class:`~squidcarp.conf.model.SquidConfig`
  (``carp`` on a ``parent`` line), in config order, with their effective names (``name=`` or the
  host as typed), clamped weights and ``carp-key`` parts: the array Squid would build.
* :func:`array_from_description` takes plain data (what a JSON/TOML array description file
  decodes to) so a file format can be added without touching the CARP code::

      {"members": [{"name": "cache1", "weight": 2, "carp_key": ["host", "path"]}, ...],
       "signed_char": true}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from squidcarp.carp.array import CarpArray, Member
from squidcarp.carp.url import Accel
from squidcarp.conf.model import CarpKeyPart, SquidConfig


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


def accel_from_config(config: SquidConfig, host: bytes | None = None) -> Accel | None:
    """How origin-form targets are completed: the first ``accel`` port's defaultsite and Host."""
    for port in config.http_ports:
        if port.accel:
            site = port.defaultsite.encode("utf-8", "surrogateescape") if port.defaultsite else None
            return Accel(host, site)
    return Accel(host, None) if host is not None else None


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
