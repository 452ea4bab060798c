"""Squid's cache manager pages ``carp`` and ``server_list``: fetch and parse.

Pages are fetched as origin-form requests to the node's own http_port
(``GET /squid-internal-mgr/PAGE``), which the harness configs allow from loopback.
Parsing is pure (text in, frozen records out); formats are those of Squid 5
(src/carp.cc ``carpCachemgr``, src/neighbors.cc ``dump_peers``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .client import build_request, exchange


class CacheManagerError(Exception):
    """The page could not be fetched or does not look like Squid's."""


@dataclass(frozen=True)
class CarpRow:
    """One line of ``mgr:carp``: the peer's name, hash, load multiplier and load factor."""

    name: str
    hash: int
    multiplier: float  # may be inf or nan (src/carp.cc with load factors floored to 0)
    factor: float
    actual: float  # share of fetches so far, -1 before any


@dataclass(frozen=True)
class PeerStatus:
    """One peer block of ``mgr:server_list``."""

    kind: str  # Parent, Sibling, Multicast
    name: str
    host: str
    http_port: int
    icp_port: int
    flags: tuple[str, ...]
    addresses: tuple[str, ...]
    status: str  # Up / Down
    fetches: int

    @property
    def up(self) -> bool:
        return self.status == "Up"


def fetch_page(address: str, port: int, page: str, timeout: float = 10.0) -> str:
    request = build_request(
        "GET",
        f"/squid-internal-mgr/{page}",
        [("Host", f"{address}:{port}"), ("Connection", "close")],
    )
    response = exchange(address, port, request, timeout=timeout)
    if response.status != 200:
        raise CacheManagerError(f"mgr:{page} at {address}:{port}: HTTP {response.status}")
    return response.body.decode("utf-8", "surrogateescape")


def parse_carp(text: str) -> tuple[CarpRow, ...]:
    """Rows of ``mgr:carp`` (header ``Hostname Hash Multiplier Factor Actual``)."""
    rows = []
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or lines[0].split() != ["Hostname", "Hash", "Multiplier", "Factor", "Actual"]:
        raise CacheManagerError(f"not a mgr:carp page: {text[:200]!r}")
    for line in lines[1:]:
        head, *numbers = line.rsplit(None, 4)
        if len(numbers) != 4:
            raise CacheManagerError(f"bad mgr:carp row {line!r}")
        rows.append(
            CarpRow(
                name=head.strip(),
                hash=int(numbers[0], 16),
                multiplier=float(numbers[1]),
                factor=float(numbers[2]),
                actual=float(numbers[3]),
            )
        )
    return tuple(rows)


def parse_server_list(text: str) -> tuple[PeerStatus, ...]:
    """Peer blocks of ``mgr:server_list`` (empty when "There are no neighbors installed.")."""
    peers = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        kind = ""
        addresses = []
        for line in block.splitlines():
            key, sep, value = line.partition(":")
            if not sep:
                continue
            key, value = key.strip(), value.strip()
            if key in ("Parent", "Sibling", "Multicast"):
                kind = key
                fields["name"] = value
            elif key.startswith("Address["):
                addresses.append(value)
            else:
                fields.setdefault(key, value)
        if not kind:
            continue
        host_parts = fields.get("Host", "").rsplit("/", 2)
        if len(host_parts) != 3:
            raise CacheManagerError(f"bad Host line in mgr:server_list block {block!r}")
        host, http_port, icp_port = host_parts
        peers.append(
            PeerStatus(
                kind=kind,
                name=fields["name"],
                host=host,
                http_port=int(http_port or 0),
                icp_port=int(icp_port or 0),
                flags=tuple(fields.get("Flags", "").split()),
                addresses=tuple(addresses),
                status=fields.get("Status", ""),
                fetches=int(fields.get("FETCHES", "0") or 0),
            )
        )
    return tuple(peers)


def carp(address: str, port: int) -> tuple[CarpRow, ...]:
    return parse_carp(fetch_page(address, port, "carp"))


def server_list(address: str, port: int) -> tuple[PeerStatus, ...]:
    return parse_server_list(fetch_page(address, port, "server_list"))
