#!/usr/bin/env python3
"""Test-local HTTP client for use inside a network namespace (``ip netns exec NS python3 ...``).

``ns_request.py PROXY_HOST PROXY_PORT URL`` sends ``GET URL HTTP/1.0`` (absolute form, through
the proxy; 1.0 so that the body is never chunked)
and prints one JSON line: status, the response headers (name, value), the body as Latin-1
text and its length.
Standard library only: it runs as a plain script where the package is not importable.
Exit 0 once a response came, 1 on a connection error.
"""

from __future__ import annotations

import json
import socket
import sys


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: ns_request.py PROXY_HOST PROXY_PORT URL", file=sys.stderr)
        return 2
    host, port, url = argv[0], int(argv[1]), argv[2]
    authority = url.split("/", 3)[2]
    request = f"GET {url} HTTP/1.0\r\nHost: {authority}\r\n\r\n".encode()
    try:
        with socket.create_connection((host, port), timeout=15) as sock:
            sock.sendall(request)
            chunks = []
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                chunks.append(data)
    except OSError as exc:
        print(f"ns_request: {host}:{port}: {exc}", file=sys.stderr)
        return 1
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers = [line.split(":", 1) for line in lines[1:] if ":" in line]
    print(json.dumps({"status": status, "headers": [[k.strip(), v.strip()] for k, v in headers],
                      "body": body.decode("latin-1"), "body_length": len(body)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
