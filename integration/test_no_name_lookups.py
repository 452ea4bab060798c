"""The in-process parts of the harness resolve no names: no query leaves the machine.

(Squid's own lookups are pinned by the templates: ``dns_nameservers 127.0.0.1`` and a private
``hosts_file``.) Python's HTTPServer, for one, asks the system resolver for the PTR of its
address when it binds; the origin must not.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from integration.harness import OriginServer
from integration.harness.client import build_request, exchange
from integration.harness.render import NodeContext, Renderer


def test_origin_and_client_resolve_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    lookups: list[tuple[str, Any]] = []

    def refuse(name: str) -> Any:
        def lookup(*args: Any, **kwargs: Any) -> Any:
            lookups.append((name, args))
            raise OSError(f"test forbids {name}{args}")

        return lookup

    for name in ("getfqdn", "gethostbyaddr", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, refuse(name))
    real_getaddrinfo = socket.getaddrinfo

    def numeric_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            socket.inet_aton(str(host))
        except OSError:
            lookups.append(("getaddrinfo", (host,)))
            raise
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", numeric_only)

    with OriginServer("127.0.0.1", 0) as origin:
        request = build_request("GET", "/x", [("Host", "origin.test"), ("Connection", "close")])
        assert exchange(origin.host, origin.port, request).status == 200
    assert lookups == []


def test_templates_pin_squid_resolver_to_loopback_and_a_private_hosts_file() -> None:
    node = NodeContext("n", "/tmp/n", ("127.0.0.2:3128",), "/tmp/n/hosts")
    lines = Renderer().node(node, "").splitlines()
    for directive in (
        "dns_nameservers 127.0.0.1",
        "hosts_file /tmp/n/hosts",
        "pinger_enable off",
        "netdb_filename none",
        "icp_port 0",
        "htcp_port 0",
    ):
        assert directive in lines
