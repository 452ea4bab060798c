"""Sending requests through a CARP frontend and telling which parent served each one.

Backend-neutral: a backend supplies how bytes reach the frontend and how to read the
frontend's access log; this module builds the request (raw bytes, so anything can be sent),
tags it with an ``X-Harness-Id`` header the access log records, and names the parent from the
log's server address and port, cross-checked against the response's Via header.
"""

from __future__ import annotations

import itertools
import secrets
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Literal

from .cachemgr import CarpRow, PeerStatus
from .client import HeaderValue, RawResponse, build_request, inject_header
from .origin import HARNESS_ID_HEADER
from .topology import AccessLogEntry, ServedBy, via_entries, via_hosts

PortKind = Literal["proxy", "accel"]
Headers = Sequence[tuple[str, HeaderValue]] | Mapping[str, HeaderValue]
NO_BODY_METHODS = frozenset({"HEAD", "CONNECT"})
ACCESS_LOG_WAIT = 10.0  # seconds for a served request's access log line to appear


class HarnessInconsistency(Exception):
    """Two sources (access log, Via) disagree about which parent served a request."""


def authority_of(target: bytes) -> bytes:
    """Host[:port] of an absolute URI, or the whole target for CONNECT's authority form."""
    if b"://" not in target:
        return target
    rest = target.split(b"://", 1)[1]
    for stop in (b"/", b"?", b"#"):
        rest = rest.split(stop, 1)[0]
    return rest.rsplit(b"@", 1)[-1]


def _as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


class CarpArrayBase(ABC):
    """The request/identification logic both backends share.

    ``parent_names`` are the CARP names of the frontend's parents in its order (what
    ``ServedBy.parent_name`` reports), ``parent_hostnames`` their ``visible_hostname`` (what
    their Via entries name).
    """

    def __init__(self, parent_names: Sequence[str], parent_hostnames: Sequence[str]) -> None:
        self.parent_names = tuple(parent_names)
        self.parent_hostnames = tuple(parent_hostnames)
        self._token = secrets.token_hex(4)
        self._serial = itertools.count(1)

    # -- what a backend provides -------------------------------------------------------------

    @abstractmethod
    def _send(self, data: bytes, port: PortKind, expect_body: bool) -> RawResponse: ...

    @abstractmethod
    def _access_entry(self, harness_id: str, timeout: float) -> AccessLogEntry | None: ...

    @abstractmethod
    def _parent_index(self, entry: AccessLogEntry) -> int | None: ...

    @abstractmethod
    def mgr_carp(self) -> tuple[CarpRow, ...]: ...

    @abstractmethod
    def mgr_server_list(self) -> tuple[PeerStatus, ...]: ...

    @abstractmethod
    def stop(self) -> None: ...

    # -- shared ------------------------------------------------------------------------------

    def next_harness_id(self) -> str:
        return f"{self._token}-{next(self._serial)}"

    def request(
        self,
        url: str | bytes,
        method: str = "GET",
        headers: Headers | None = None,
        *,
        port: PortKind = "proxy",
        body: bytes = b"",
        version: str = "HTTP/1.1",
    ) -> ServedBy:
        """Send one request through the frontend and report which parent served it.

        ``url`` is the request target exactly as it goes on the wire (``str`` as Latin-1, or
        ``bytes``): an absolute URI on the proxy port, ``host:port`` for CONNECT, an origin-form
        path on the accel port. On the proxy port a ``Host`` header is added from the URL unless
        ``headers`` has one; on the accel port only the given headers are sent.
        """
        given = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
        names = {name.lower() for name, _ in given}
        if port == "proxy" and "host" not in names:
            given.insert(0, ("Host", authority_of(_as_bytes(url))))
        if "connection" not in names and method != "CONNECT":
            given.append(("Connection", "close"))
        harness_id = self.next_harness_id()
        given.append((HARNESS_ID_HEADER, harness_id))
        data = build_request(method, url, given, body=body, version=version)
        return self._exchange(data, harness_id, method, port)

    def raw_request(self, data: bytes, *, port: PortKind = "proxy") -> ServedBy:
        """Send request bytes unchanged except for an ``X-Harness-Id`` line inserted after the
        request line. Send ``Connection: close`` yourself unless it is a CONNECT or HEAD."""
        harness_id = self.next_harness_id()
        method = data.split(b" ", 1)[0].decode("latin-1")
        return self._exchange(
            inject_header(data, HARNESS_ID_HEADER, harness_id), harness_id, method, port
        )

    def _exchange(self, data: bytes, harness_id: str, method: str, port: PortKind) -> ServedBy:
        response = self._send(data, port, method.upper() not in NO_BODY_METHODS)
        # Squid logs the request's headers only once it has parsed them: a request rejected
        # earlier (400 for a bad URL, say) has "-" where our tag would be.
        entry = self._access_entry(harness_id, ACCESS_LOG_WAIT if response.status < 400 else 1.0)
        if entry is None and response.status < 400:
            raise TimeoutError(f"no frontend access log entry for {harness_id!r}")
        index = self._parent_index(entry) if entry is not None else None
        via_value = ", ".join(response.header_all("Via"))
        hostnames = self.parent_hostnames
        via_parents = [h for h in via_hosts(via_value) if h in hostnames]
        if via_parents and (index is None or via_parents != [hostnames[index]]):
            raise HarnessInconsistency(
                f"{harness_id}: access log says parent #{index}, Via says {via_value!r}"
            )
        return ServedBy(
            parent_name=self.parent_names[index] if index is not None else None,
            status=response.status,
            via=via_entries(via_value),
            hierarchy=entry.hierarchy if entry is not None else "",
            harness_id=harness_id,
            access=entry,
            response=response,
            parent_index=index,
        )
