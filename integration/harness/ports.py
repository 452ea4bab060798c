"""Loopback addresses and free ports for test nodes.

Every node gets its own 127.0.0.x address (Squid tells ICP/HTCP senders apart by address only,
and the frontend's access log names a parent by address), and a port the kernel reports free
on that address.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field


def free_port(address: str, kind: int = socket.SOCK_STREAM) -> int:
    """A port that was free on ``address`` a moment ago (bind to port 0, read it, close)."""
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((address, 0))
        port: int = sock.getsockname()[1]
        return port


def free_tcp_port(address: str) -> int:
    return free_port(address, socket.SOCK_STREAM)


def free_udp_port(address: str) -> int:
    return free_port(address, socket.SOCK_DGRAM)


def _loopback_hosts(first: int) -> Iterator[str]:
    host = first
    while True:
        yield f"127.0.0.{host}"
        host = host + 1 if host < 254 else 2


@dataclass
class LoopbackAllocator:
    """Hands out 127.0.0.2, 127.0.0.3, ... (wrapping at .254) with a free TCP port each.

    Addresses repeat only after 253 nodes; ports are always checked free on the address handed
    out, so nodes of parallel sessions never collide even when they share an address.
    """

    first: int = 2
    _hosts: Iterator[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.first <= 254:
            raise ValueError(f"first host number must be 1..254, not {self.first}")
        self._hosts = _loopback_hosts(self.first)

    def address(self) -> str:
        return next(self._hosts)

    def endpoint(self) -> tuple[str, int]:
        """A fresh address and a TCP port free on it."""
        address = self.address()
        return address, free_tcp_port(address)
