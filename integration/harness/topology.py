"""One description of a CARP array (a frontend and N parents) shared by every backend.

A ``CarpArraySpec`` says what the array is (peer names, weights, carp-keys, extra config); a
``Placement`` says where each node listens (127.0.0.x addresses and ports); the local backend
renders its nodes' configs from the two. The records of what happened (``AccessLogEntry``,
``ServedBy``) serve the Docker backend too, whose array is an array file (compose.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .client import RawResponse


@dataclass(frozen=True)
class ParentSpec:
    """One CARP parent as the frontend's ``cache_peer`` line names it.

    ``name`` is hashed by CARP byte for byte; it is written to the config as UTF-8, and a name
    that must hold bytes that are not UTF-8 can carry them as surrogate escapes
    (``b"caf\\xe9".decode("utf-8", "surrogateescape")``). ``weight=None`` leaves ``weight=`` out.
    ``options`` are appended to the frontend's cache_peer line; ``extra`` goes into this parent's
    own squid.conf.
    """

    name: str
    weight: int | None = 1
    carp_key: str | None = None
    options: str = ""
    extra: str = ""

    @property
    def name_bytes(self) -> bytes:
        return self.name.encode("utf-8", "surrogateescape")

    @classmethod
    def coerce(cls, value: ParentSpec | tuple[object, ...]) -> ParentSpec:
        if isinstance(value, ParentSpec):
            return value
        if not 1 <= len(value) <= 3:
            raise ValueError(f"parent must be (name, weight[, carp_key]), not {value!r}")
        name, weight, carp_key = (*value, None, None)[:3]
        if not isinstance(name, str):
            raise TypeError(f"parent name must be str, not {name!r}")
        if weight is not None and not isinstance(weight, int):
            raise TypeError(f"weight must be int or None, not {weight!r}")
        if carp_key is not None and not isinstance(carp_key, str):
            raise TypeError(f"carp_key must be str or None, not {carp_key!r}")
        return cls(name=name, weight=weight if len(value) > 1 else 1, carp_key=carp_key)


@dataclass(frozen=True)
class CarpArraySpec:
    """What the array is. Hashable, so a fixture can reuse a running array for an equal spec.

    ``accel_defaultsite`` adds a second frontend port ``http_port ... accel vhost
    defaultsite=...``. ``frontend_extra`` and each parent's ``extra`` are Jinja templates
    rendered with the same context as the node's config (``node``, ``origin``, ``parents``, ...).
    ``origin_names`` resolve to the origin in every node's hosts file (needed for CONNECT;
    plain requests reach the origin whatever their host, through each parent's originserver
    peer).
    """

    parents: tuple[ParentSpec, ...]
    frontend_extra: str = ""
    accel_defaultsite: str | None = None
    origin_names: tuple[str, ...] = ("origin.test",)

    def __post_init__(self) -> None:
        if not self.parents:
            raise ValueError("a CARP array needs at least one parent")
        lowered = [p.name.lower() for p in self.parents]
        if len(set(lowered)) != len(lowered):
            raise ValueError("parent names must differ case-insensitively (Squid: specified twice)")

    @classmethod
    def of(
        cls,
        parents: Iterable[ParentSpec | tuple[object, ...]],
        *,
        frontend_extra: str = "",
        accel_defaultsite: str | None = None,
        origin_names: Iterable[str] = ("origin.test",),
    ) -> CarpArraySpec:
        return cls(
            parents=tuple(ParentSpec.coerce(p) for p in parents),
            frontend_extra=frontend_extra,
            accel_defaultsite=accel_defaultsite,
            origin_names=tuple(origin_names),
        )

    @staticmethod
    def parent_hostname(index: int) -> str:
        """visible_hostname of parent ``index`` (0-based): ASCII whatever the CARP name is."""
        return f"parent{index + 1}"

    frontend_hostname = "frontend"


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Placement:
    """Where the nodes of one array listen."""

    origin: Endpoint
    frontend: Endpoint
    parents: tuple[Endpoint, ...]
    accel: Endpoint | None = None


@dataclass(frozen=True)
class AccessLogEntry:
    """One line of a harness node's access log (``logformat harness`` in the templates)."""

    timestamp: float
    client: str
    result: str  # e.g. TCP_MISS/200
    method: str
    hierarchy: str  # e.g. CARP, HIER_NONE, FIRSTUP_PARENT
    server_address: str  # "-" when no server was contacted
    server_port: str
    harness_id: str
    url: str

    @property
    def status(self) -> int:
        code = self.result.rsplit("/", 1)[-1]
        return int(code) if code.isdigit() else 0

    @classmethod
    def parse(cls, line: str) -> AccessLogEntry:
        parts = line.rstrip("\n").split(" ", 8)
        if len(parts) != 9:
            raise ValueError(f"not a harness access log line: {line!r}")
        ts, client, result, method, hier, addr, port, hid, url = parts
        return cls(float(ts), client, result, method, hier, addr, port, hid, url)


@dataclass(frozen=True)
class ServedBy:
    """Which parent served one request sent through the frontend.

    ``parent_name`` is the CARP name of the parent the frontend's access log names (None when
    no parent was used, e.g. an error the frontend produced itself). ``via`` are the entries of
    the response's Via header (empty for CONNECT: the tunnel's 200 comes from the frontend).
    ``access`` is the frontend's access log entry; None for an error response to a request
    Squid rejected before parsing its headers (then ``hierarchy`` is "").
    """

    parent_name: str | None
    status: int
    via: tuple[str, ...]
    hierarchy: str
    harness_id: str
    access: AccessLogEntry | None
    response: RawResponse
    parent_index: int | None = None


def via_entries(value: str | None) -> tuple[str, ...]:
    """Split a Via header into its entries (``1.1 parent2 (squid/5.7)``, ...)."""
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def via_hosts(value: str | None) -> tuple[str, ...]:
    """The received-by host of each Via entry, in order."""
    hosts = []
    for entry in via_entries(value):
        words = entry.split()
        if len(words) >= 2:
            hosts.append(words[1])
    return tuple(hosts)
