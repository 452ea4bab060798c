"""Scripted peers on 127.0.0.1 for the runner and CLI tests (no Squid needed).

``FakeUdpPeer(answer)`` binds a UDP socket on 127.0.0.1 and, for every datagram, sends what
``answer(data, attempt)`` returns: a list of ``(payload, from_other_port)`` pairs; ``attempt``
counts datagrams with the same bytes. ``FakeHttp(routes)`` serves ``path -> (status, headers,
body)``.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

Answer = Callable[[bytes, int], list[tuple[bytes, bool]]]


class FakeUdpPeer:
    def __init__(self, answer: Answer, host: str = "127.0.0.1") -> None:
        self.answer = answer
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.other.bind((host, 0))
        self.host, self.port = self.sock.getsockname()
        self.received: list[tuple[bytes, tuple[str, int]]] = []
        self._seen: Counter[bytes] = Counter()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._stop = False

    def __enter__(self) -> FakeUdpPeer:
        self.sock.settimeout(0.05)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop = True
        self._thread.join(timeout=5)
        self.sock.close()
        self.other.close()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def _serve(self) -> None:
        while not self._stop:
            try:
                data, peer = self.sock.recvfrom(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            self.received.append((data, peer))
            self._seen[data] += 1
            for payload, from_other in self.answer(data, self._seen[data]):
                (self.other if from_other else self.sock).sendto(payload, peer)


class FakeHttp:
    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        self.routes = routes
        self.requests: list[tuple[str, dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                fake.requests.append((self.path, dict(self.headers.items())))
                status, headers, body = fake.routes.get(self.path, (404, {}, b"not here\n"))
                self.send_response(status)
                headers = {"Content-Length": str(len(body)), **headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def server_bind(self) -> None:  # no getfqdn(): no name lookup
                import socketserver

                socketserver.TCPServer.server_bind(self)
                self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FakeHttp:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
