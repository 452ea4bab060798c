"""The Docker backend: an array file's array run by ``docker compose`` from its generated files.

The array (``integration/compose/array.yaml`` unless given another) is rendered by
``squidcarp.generate`` with the harness's layer (:mod:`.compose`), as the committed
``integration/compose/generated/`` is, with two changes so that runs on one engine never
collide: the members move to a /24 no Docker network of the engine uses yet (the host numbers
stay), and the frontend's port is published on 127.0.0.1 at a port Docker picks. The files go
to a temporary folder, ``docker compose up --build --wait`` starts them under a project name of
this run's own, and ``stop()`` takes everything down again.

Needs the ``docker`` command with its compose plugin, talking to an engine; without them
:func:`docker_available` raises :class:`DockerUnavailable` with the reason.
"""

from __future__ import annotations

import ipaddress
import json
import random
import shutil
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from squidcarp.generate.arrayfile import ArraySpec
from squidcarp.generate.nodes import compose_name, compose_network
from squidcarp.generate.output import write_all

from .cachemgr import CarpRow, PeerStatus, parse_carp, parse_server_list
from .client import RawResponse, build_request, exchange
from .compose import ACCESS_LOG, harness_array, harness_files
from .routing import CarpArrayBase, PortKind
from .topology import AccessLogEntry, Endpoint

DOCKER = "docker"
SUBNET_POOL = ipaddress.IPv4Network("10.192.0.0/10")
"""Where a run's subnet is taken from (private: RFC 1918 §3)."""
COMMAND_TIMEOUT = 60.0  # seconds for one docker command that starts nothing


class DockerUnavailable(Exception):
    """No ``docker compose`` command, or no engine answers it."""


class DockerError(Exception):
    """A docker command failed; the message holds its output."""


def _run(argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)


def docker_available() -> None:
    """Returns when ``docker compose`` and an engine answer; else :class:`DockerUnavailable`."""
    if shutil.which(DOCKER) is None:
        raise DockerUnavailable("no docker command on PATH")
    for argv, what in (([DOCKER, "compose", "version"], "the docker compose plugin"),
                       ([DOCKER, "info", "--format", "{{.ServerVersion}}"], "a Docker engine")):
        try:
            result = _run(argv, COMMAND_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DockerUnavailable(f"{what} does not answer: {exc}") from exc
        if result.returncode != 0:
            said = (result.stderr or result.stdout).strip().splitlines()
            why = said[0] if said else f"exit status {result.returncode}"
            raise DockerUnavailable(f"{what} does not answer: {why}")


def used_subnets() -> list[ipaddress.IPv4Network]:
    """The IPv4 subnets of every network the engine has."""
    listed = _run([DOCKER, "network", "ls", "--quiet"], COMMAND_TIMEOUT)
    ids = listed.stdout.split()
    if listed.returncode != 0 or not ids:
        return []
    inspected = _run([DOCKER, "network", "inspect", *ids], COMMAND_TIMEOUT)
    if inspected.returncode != 0:
        raise DockerError(f"docker network inspect failed: {inspected.stderr.strip()}")
    out = []
    for network in json.loads(inspected.stdout):
        for config in (network.get("IPAM") or {}).get("Config") or []:
            text = config.get("Subnet")
            if not text:
                continue
            subnet = ipaddress.ip_network(text, strict=False)
            if isinstance(subnet, ipaddress.IPv4Network):
                out.append(subnet)
    return out


def free_subnet(prefixlen: int, used: list[ipaddress.IPv4Network],
                rng: random.Random) -> ipaddress.IPv4Network:
    """A subnet of ``SUBNET_POOL`` with ``prefixlen`` that overlaps none of ``used``."""
    candidates = list(SUBNET_POOL.subnets(new_prefix=prefixlen))
    rng.shuffle(candidates)
    for subnet in candidates:
        if not any(subnet.overlaps(u) for u in used):
            return subnet
    raise DockerError(f"no /{prefixlen} of {SUBNET_POOL} is free on this engine")


def relocate(spec: ArraySpec, subnet: ipaddress.IPv4Network) -> ArraySpec:
    """``spec`` with every member moved to ``subnet`` (same host numbers) and the entry points
    published at ports Docker picks."""
    network = compose_network(spec)
    if network is None or network[0].prefixlen != subnet.prefixlen:
        raise ValueError(f"cannot move {spec.source}'s members to {subnet}")
    base = int(network[0].network_address)
    members = tuple(
        replace(m, address=str(subnet.network_address + (int(ipaddress.IPv4Address(m.address))
                                                         - base)))
        for m in spec.members)
    return replace(spec, members=members, compose=replace(spec.compose, host_port="any"))


class DockerCarpArray(CarpArrayBase):
    """A running array in containers, started by ``start()`` and removed by ``stop()``."""

    def __init__(self, spec: ArraySpec | None = None, *, seed: int | None = None) -> None:
        self.array = spec or harness_array()
        if len(self.array.frontends) != 1:
            raise ValueError(f"{self.array.source}: the Docker backend sends requests through "
                             "one frontend")
        parents = [m for m in self.array.members if m.role == "parent"]
        super().__init__([m.name for m in parents], [m.name for m in parents])
        self._rng = random.Random(seed)
        self._folder: Path | None = None
        self._running = self.array
        self._proxy: Endpoint | None = None
        self._by_address: dict[tuple[str, str], int] = {}

    @property
    def project(self) -> str:
        return f"sqcarp-{self._token}"

    @property
    def frontend_service(self) -> str:
        return compose_name(self.array.frontends[0].name)

    def _compose(self, *args: str, timeout: float = COMMAND_TIMEOUT) -> str:
        if self._folder is None:
            raise DockerError("the array is not started")
        argv = [DOCKER, "compose", "--project-name", self.project, "--project-directory",
                str(self._folder), "--file", str(self._folder / "compose.yaml"), *args]
        result = _run(argv, timeout)
        if result.returncode != 0:
            raise DockerError(f"{' '.join(argv[2:])} exited {result.returncode}:\n"
                              f"{result.stdout[-2000:]}{result.stderr[-4000:]}")
        return result.stdout

    def start(self, timeout: float = 300.0) -> DockerCarpArray:
        """Build the image, start every service and wait until each is healthy and the
        frontend's cache manager lists every parent up."""
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, timeout: float) -> None:
        network = compose_network(self.array)
        if network is None:
            raise ValueError(f"{self.array.source}: the Docker backend needs IPv4 addresses")
        subnet = free_subnet(network[0].prefixlen, used_subnets(), self._rng)
        self._running = relocate(self.array, subnet)
        self._folder = Path(tempfile.mkdtemp(prefix=f"{self.project}-"))
        write_all(str(self._folder), harness_files(self._running, self._folder))
        self._compose("up", "--detach", "--build", "--wait", "--wait-timeout",
                      str(int(timeout)), timeout=timeout + COMMAND_TIMEOUT)
        frontend = self.array.frontends[0]
        published = self._compose("port", self.frontend_service, str(frontend.http_port))
        host, _, port = published.strip().rpartition(":")
        self._proxy = Endpoint(host.strip("[]"), int(port))
        parents = [m for m in self._running.members if m.role == "parent"]
        self._by_address = {(m.address, str(m.http_port)): i for i, m in enumerate(parents)}
        deadline = time.monotonic() + timeout
        while not all(p.up for p in self.mgr_server_list()) and time.monotonic() < deadline:
            time.sleep(0.2)

    def stop(self) -> None:
        if self._folder is None:
            return
        try:
            self._compose("down", "--volumes", "--remove-orphans", "--timeout", "1")
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
            self._proxy = None

    def __enter__(self) -> DockerCarpArray:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- backend hooks -----------------------------------------------------------------------

    def _endpoint(self, port: PortKind) -> Endpoint:
        if port != "proxy":
            raise ValueError(f"the Docker array has no {port} port (its frontend is the "
                             "generator's: one http_port)")
        if self._proxy is None:
            raise DockerError("the array is not started")
        return self._proxy

    def _send(self, data: bytes, port: PortKind, expect_body: bool) -> RawResponse:
        endpoint = self._endpoint(port)
        return exchange(endpoint.host, endpoint.port, data, expect_body=expect_body)

    def _access_entry(self, harness_id: str, timeout: float) -> AccessLogEntry | None:
        deadline = time.monotonic() + timeout
        while True:
            text = self._compose("exec", "-T", self.frontend_service, "cat", ACCESS_LOG)
            for line in text.splitlines():
                entry = AccessLogEntry.parse(line)
                if entry.harness_id == harness_id:
                    return entry
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)

    def _parent_index(self, entry: AccessLogEntry) -> int | None:
        return self._by_address.get((entry.server_address, entry.server_port))

    def _mgr(self, page: str) -> str:
        endpoint = self._endpoint("proxy")
        request = build_request(
            "GET", f"/squid-internal-mgr/{page}", [("Host", str(endpoint)), ("Connection", "close")]
        )
        return exchange(endpoint.host, endpoint.port, request).body.decode("utf-8", "replace")

    def mgr_carp(self) -> tuple[CarpRow, ...]:
        return parse_carp(self._mgr("carp"))

    def mgr_server_list(self) -> tuple[PeerStatus, ...]:
        return parse_server_list(self._mgr("server_list"))
