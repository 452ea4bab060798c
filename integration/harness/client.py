"""A raw-socket HTTP/1.1 client: bytes go on the wire exactly as given (high bytes included).

``build_request``/``parse_response`` are pure; ``exchange`` is the thin socket runner.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass

HeaderValue = str | bytes


class ResponseError(Exception):
    """The server's reply is not a parsable HTTP response."""


@dataclass(frozen=True)
class RawResponse:
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    head: bytes  # status line and headers as received

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def header_all(self, name: str) -> tuple[str, ...]:
        lowered = name.lower()
        return tuple(v for k, v in self.headers if k.lower() == lowered)


def _bytes(value: HeaderValue) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


def build_request(
    method: str,
    target: str | bytes,
    headers: Sequence[tuple[str, HeaderValue]] = (),
    body: bytes = b"",
    version: str = "HTTP/1.1",
) -> bytes:
    """Request bytes; ``str`` parts are sent as Latin-1 so every code point <= 0xFF is one byte."""
    lines = [b" ".join((method.encode("ascii"), _bytes(target), version.encode("ascii")))]
    lines += [name.encode("ascii") + b": " + _bytes(value) for name, value in headers]
    if body:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def inject_header(request: bytes, name: str, value: str) -> bytes:
    """Insert ``name: value`` right after the request line (the rest stays byte for byte)."""
    end = request.find(b"\n")
    if end < 0:
        raise ValueError("request has no line end after the request line")
    eol = b"\r\n" if request[end - 1 : end] == b"\r" else b"\n"
    line = name.encode("ascii") + b": " + value.encode("latin-1") + eol
    return request[: end + 1] + line + request[end + 1 :]


def split_head(data: bytes) -> tuple[bytes, bytes] | None:
    """(head, rest) once the blank line after the headers has arrived, else None."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        index = data.find(sep)
        if index >= 0:
            return data[:index], data[index + len(sep) :]
    return None


def parse_head(head: bytes) -> tuple[int, str, tuple[tuple[str, str], ...]]:
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        raise ResponseError(f"bad status line {lines[0]!r}")
    reason = parts[2].decode("latin-1") if len(parts) > 2 else ""
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            raise ResponseError(f"bad header line {line!r}")
        headers.append((name.decode("latin-1").strip(), value.decode("latin-1").strip()))
    return int(parts[1]), reason, tuple(headers)


def dechunk(data: bytes) -> bytes | None:
    """The payload of a chunked body, or None while the last chunk has not arrived."""
    payload = b""
    pos = 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            return None
        size_text = data[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as exc:
            raise ResponseError(f"bad chunk size {size_text!r} at byte {pos}") from exc
        if size == 0:
            return payload if data.find(b"\r\n", eol + 2) >= 0 else None
        start = eol + 2
        if len(data) < start + size + 2:
            return None
        payload += data[start : start + size]
        pos = start + size + 2


def _chunked(headers: tuple[tuple[str, str], ...]) -> bool:
    return any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers)


def parse_response(data: bytes) -> RawResponse:
    """Parse a complete response (as read until the server closed, or head only).

    A chunked body is decoded; ``head`` keeps the headers as received.
    """
    split = split_head(data)
    if split is None:
        raise ResponseError(f"incomplete response head ({len(data)} bytes)")
    head, body = split
    status, reason, headers = parse_head(head)
    if _chunked(headers) and body:
        decoded = dechunk(body)
        if decoded is None:
            raise ResponseError("chunked body ended early")
        body = decoded
    return RawResponse(status=status, reason=reason, headers=headers, body=body, head=head)


def _complete(data: bytes, expect_body: bool) -> bool:
    split = split_head(data)
    if split is None:
        return False
    head, rest = split
    status, _, headers = parse_head(head)
    if not expect_body or status in (204, 304) or 100 <= status < 200:
        return True
    if _chunked(headers):
        return dechunk(rest) is not None
    length = next((v for k, v in headers if k.lower() == "content-length"), None)
    return length is not None and length.isdigit() and len(rest) >= int(length)


def exchange(
    address: str,
    port: int,
    request: bytes,
    *,
    timeout: float = 10.0,
    expect_body: bool = True,
    source: str | None = None,
) -> RawResponse:
    """Send ``request`` on a new connection and read one response.

    Reading stops at the end of the head when ``expect_body`` is False (HEAD, CONNECT), after
    Content-Length bytes of body, or when the server closes.
    """
    deadline = time.monotonic() + timeout
    with socket.create_connection(
        (address, port), timeout=timeout, source_address=(source, 0) if source else None
    ) as sock:
        sock.sendall(request)
        data = b""
        while not _complete(data, expect_body):
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except TimeoutError as exc:
                raise ResponseError(f"no complete response within {timeout}s: {data!r}") from exc
            if not chunk:
                break
            data += chunk
    return parse_response(data)
