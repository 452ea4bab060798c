"""Squid's cache manager pages, fetched from a test node; the parsers live in the package.

Pages are fetched as origin-form requests to the node's own http_port
(``GET /squid-internal-mgr/PAGE``), which the harness configs allow from loopback, and parsed by
:mod:`squidcarp.proto.cachemgr` (re-exported here for the harness's callers).
"""

from __future__ import annotations

from squidcarp.proto.cachemgr import (
    CacheManagerError,
    CarpRow,
    Counters,
    InfoPage,
    PeerStatus,
    StoreDigestReport,
    parse_carp,
    parse_counters,
    parse_info,
    parse_server_list,
    parse_store_digest,
)

from .client import build_request, exchange

__all__ = [
    "CacheManagerError",
    "CacheManagerFetchError",
    "CarpRow",
    "PeerStatus",
    "carp",
    "counters",
    "fetch_page",
    "info",
    "parse_carp",
    "parse_counters",
    "parse_info",
    "parse_server_list",
    "parse_store_digest",
    "server_list",
    "store_digest",
]


class CacheManagerFetchError(Exception):
    """The page could not be fetched (Squid answered with another status than 200)."""


def fetch_page(address: str, port: int, page: str, timeout: float = 10.0) -> str:
    request = build_request(
        "GET",
        f"/squid-internal-mgr/{page}",
        [("Host", f"{address}:{port}"), ("Connection", "close")],
    )
    response = exchange(address, port, request, timeout=timeout)
    if response.status != 200:
        raise CacheManagerFetchError(f"mgr:{page} at {address}:{port}: HTTP {response.status}")
    return response.body.decode("utf-8", "surrogateescape")


def carp(address: str, port: int) -> tuple[CarpRow, ...]:
    return parse_carp(fetch_page(address, port, "carp"))


def server_list(address: str, port: int) -> tuple[PeerStatus, ...]:
    return parse_server_list(fetch_page(address, port, "server_list"))


def info(address: str, port: int) -> InfoPage:
    return parse_info(fetch_page(address, port, "info"))


def counters(address: str, port: int) -> Counters:
    return parse_counters(fetch_page(address, port, "counters"))


def store_digest(address: str, port: int) -> StoreDigestReport | None:
    return parse_store_digest(fetch_page(address, port, "store_digest"))
