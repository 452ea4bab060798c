"""A threaded HTTP origin server that records every request it sees.

Standard library only: the Docker array's origin service runs this file too, mounted into the
generated image (``python3 origin.py --host 0.0.0.0 --port 80``, integration/compose/).

Objects: a path under ``/cacheable/`` is served with ``Cache-Control: public, max-age=3600`` and a
``Last-Modified``; any other path with ``Cache-Control: no-store``. Any method is answered
(``HEAD`` without a body). The body names the request, so a test can read what arrived.
"""

from __future__ import annotations

import argparse
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CACHEABLE_PREFIX = "/cacheable/"
HARNESS_ID_HEADER = "X-Harness-Id"


@dataclass(frozen=True)
class OriginRequest:
    """One request as the origin received it."""

    serial: int
    client: tuple[str, int]
    request_line: bytes  # raw, without CRLF
    method: str
    target: str  # decoded as Latin-1, so raw bytes survive: target.encode("latin-1")
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first header with this name (case-insensitive), or None."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    @property
    def host(self) -> str | None:
        return self.header("Host")

    @property
    def via(self) -> str | None:
        return self.header("Via")

    @property
    def x_forwarded_for(self) -> str | None:
        return self.header("X-Forwarded-For")

    @property
    def harness_id(self) -> str | None:
        return self.header(HARNESS_ID_HEADER)


def path_of(target: str) -> str:
    """The path of an origin-form or absolute-form request target."""
    if "://" not in target:
        return target
    rest = target.split("://", 1)[1]
    slash = rest.find("/")
    return rest[slash:] if slash >= 0 else "/"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One buffered write per response, sent at once: split small writes on a persistent
    # connection otherwise meet Nagle + delayed ACK and cost 40 ms each.
    wbufsize = 65536
    disable_nagle_algorithm = True
    server: _OriginHTTPServer

    def handle_one_request(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        self._serve()
        self.wfile.flush()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        record = self.server.record(
            client=(str(self.client_address[0]), int(self.client_address[1])),
            request_line=self.raw_requestline.rstrip(b"\r\n"),
            method=self.command,
            target=self.path,
            headers=tuple((k, v) for k, v in self.headers.items()),
            body=body,
        )
        payload = f"origin saw #{record.serial}: {self.command} {self.path}\n".encode(
            "latin-1", "replace"
        )
        path = path_of(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=iso-8859-1")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Origin-Serial", str(record.serial))
        if path.startswith(CACHEABLE_PREFIX):
            self.send_header("Cache-Control", "public, max-age=3600")
            self.send_header("Last-Modified", formatdate(0, usegmt=True))
        else:
            self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Requests are recorded, not printed."""


class _OriginHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self._lock = threading.Lock()
        self._records: list[OriginRequest] = []

    def server_bind(self) -> None:
        """Bind without HTTPServer's ``socket.getfqdn()``: that is a PTR query to the
        system's resolver, a packet leaving the machine."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def record(self, **fields: object) -> OriginRequest:
        with self._lock:
            rec = OriginRequest(serial=len(self._records) + 1, **fields)  # type: ignore[arg-type]
            self._records.append(rec)
            return rec

    def snapshot(self) -> tuple[OriginRequest, ...]:
        with self._lock:
            return tuple(self._records)


class OriginServer:
    """Start with ``start()`` (or as a context manager); ``requests()`` lists what arrived."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._server: _OriginHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> OriginServer:
        self._server = _OriginHTTPServer((self.host, self.port))
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> OriginServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests(self) -> tuple[OriginRequest, ...]:
        if self._server is None:
            return ()
        return self._server.snapshot()

    def find(self, predicate: Callable[[OriginRequest], bool]) -> list[OriginRequest]:
        return [r for r in self.requests() if predicate(r)]

    def by_harness_id(self, harness_id: str) -> list[OriginRequest]:
        return self.find(lambda r: r.harness_id == harness_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="recording HTTP origin for squidcarp tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    server = _OriginHTTPServer((args.host, args.port))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
