"""Readiness probe run inside a network namespace (``ip netns exec NS python3 nsprobe.py``).

Standard library only and no package imports: it runs as a plain script in the namespace.
``nsprobe.py http ADDRESS PORT TIMEOUT`` exits 0 once ADDRESS:PORT answers an HTTP request with a
status line, 1 when TIMEOUT seconds pass first.
"""

from __future__ import annotations

import socket
import sys
import time


def answers(address: str, port: int) -> bool:
    request = (
        f"GET /squid-internal-mgr/menu HTTP/1.1\r\nHost: {address}:{port}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    try:
        with socket.create_connection((address, port), timeout=2) as sock:
            sock.sendall(request)
            return sock.recv(16).startswith(b"HTTP/")
    except OSError:
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] != "http":
        print("usage: nsprobe.py http ADDRESS PORT TIMEOUT", file=sys.stderr)
        return 2
    address, port, timeout = argv[1], int(argv[2]), float(argv[3])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(address, port):
            return 0
        time.sleep(0.05)
    return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
