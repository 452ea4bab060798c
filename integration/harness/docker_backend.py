"""The Docker backend: the same CARP array as ``local.py``, one container per node.

Configs come from the same templates and ``CarpArraySpec``; only the ``NodeContext`` differs
(container paths, Docker's embedded DNS at 127.0.0.11, the compose-style host names). Nodes
share an ``internal`` Docker network (no route out); only the frontend is also on a second
network to publish its ports on the host's 127.0.0.1.

Uses the ``docker`` Python package, imported when a backend is built, so the rest of the
harness works where it is not installed.
"""

from __future__ import annotations

import io
import tarfile
import time
from typing import Any

from .cachemgr import CarpRow, PeerStatus, parse_carp, parse_server_list
from .client import RawResponse, build_request, exchange
from .ports import free_tcp_port
from .render import REPO_ROOT, NodeContext, Renderer
from .routing import CarpArrayBase, PortKind
from .topology import AccessLogEntry, CarpArraySpec, Endpoint, Placement

IMAGE_TAG = "squidcarp-harness:latest"
CONTAINER_WORKDIR = "/var/lib/squidcarp-harness"
CONTAINER_CONF_DIR = "/etc/squid/harness"
CONTAINER_CONF = f"{CONTAINER_CONF_DIR}/squid.conf"
CONTAINER_TOOLS = "/opt/squidcarp"  # origin.py and nsprobe.py, copied by the Dockerfile
DOCKER_DNS = "127.0.0.11"  # Docker's embedded resolver on user-defined networks
DOCKER_CLIENTS = "127.0.0.0/8 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 fc00::/7 ::1"
SQUID_PORT = 3128
ACCEL_PORT = 8081
ORIGIN_PORT = 8080


class DockerUnavailable(Exception):
    """No Docker engine answers (or the ``docker`` package is missing)."""


def docker_node_context(hostname: str, accel: bool = False) -> NodeContext:
    return NodeContext(
        visible_hostname=hostname,
        workdir=CONTAINER_WORKDIR,
        http_ports=(str(SQUID_PORT),),
        hosts_file="/etc/hosts",
        dns_nameservers=DOCKER_DNS,
        clients=DOCKER_CLIENTS,
        accel_listen=str(ACCEL_PORT) if accel else None,
    )


def docker_placement(spec: CarpArraySpec) -> Placement:
    """Nodes are reached by their network alias: origin, parent1.., frontend."""
    accel = Endpoint(spec.frontend_hostname, ACCEL_PORT) if spec.accel_defaultsite else None
    return Placement(
        origin=Endpoint("origin", ORIGIN_PORT),
        frontend=Endpoint(spec.frontend_hostname, SQUID_PORT),
        parents=tuple(
            Endpoint(spec.parent_hostname(i), SQUID_PORT) for i in range(len(spec.parents))
        ),
        accel=accel,
    )


def render_configs(spec: CarpArraySpec, renderer: Renderer) -> dict[str, str]:
    """squid.conf text per node hostname (``frontend``, ``parent1``, ...)."""
    placement = docker_placement(spec)
    configs = {
        spec.parent_hostname(i): renderer.parent(
            spec, placement, i, docker_node_context(spec.parent_hostname(i))
        )
        for i in range(len(spec.parents))
    }
    frontend_context = docker_node_context(
        spec.frontend_hostname, accel=spec.accel_defaultsite is not None
    )
    configs[spec.frontend_hostname] = renderer.frontend(spec, placement, frontend_context)
    return configs


def docker_client() -> Any:
    """A client whose engine answered ``ping()``; else ``DockerUnavailable`` with the reason."""
    try:
        import docker  # type: ignore[import-untyped]
    except ImportError as exc:
        raise DockerUnavailable(f"the docker package is not installed: {exc}") from exc
    try:
        client = docker.from_env()
        client.ping()
    except Exception as exc:  # docker raises DockerException, requests and OS errors alike
        raise DockerUnavailable(f"no Docker engine answers: {exc}") from exc
    return client


def _tar_one(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class DockerCarpArray(CarpArrayBase):
    """A running array in containers. ``build_image()`` once, then ``start()``/``stop()``."""

    def __init__(self, spec: CarpArraySpec, client: Any, renderer: Renderer | None = None):
        super().__init__(spec)
        self._client = client
        self._renderer = renderer or Renderer()
        self._containers: dict[str, Any] = {}
        self._networks: list[Any] = []
        self._internal: Any = None
        self._published: dict[PortKind, Endpoint] = {}
        self._by_address: dict[tuple[str, str], int] = {}

    def build_image(self) -> None:
        self._client.images.build(path=str(REPO_ROOT), tag=IMAGE_TAG, rm=True)

    def _container(
        self, hostname: str, command: list[str], aliases: list[str], **kwargs: Any
    ) -> Any:
        network = kwargs.pop("network", self._internal.name)
        endpoint = self._client.api.create_endpoint_config(aliases=aliases)
        container = self._client.containers.create(
            IMAGE_TAG,
            command,
            name=f"sqcarp-{self._token}-{hostname}",
            hostname=hostname,
            network=network,
            networking_config={network: endpoint},
            **kwargs,
        )
        self._containers[hostname] = container
        return container

    def _squid(self, hostname: str, config: str, **kwargs: Any) -> Any:
        command = ["squid", "-N", "-f", CONTAINER_CONF]
        container = self._container(hostname, command, [hostname], **kwargs)
        data = config.encode("utf-8", "surrogateescape")
        container.put_archive(CONTAINER_CONF_DIR, _tar_one("squid.conf", data))
        return container

    def _wait_ready(self, container: Any, timeout: float) -> None:
        probe = ["python3", f"{CONTAINER_TOOLS}/nsprobe.py", "http", "127.0.0.1"]
        result = container.exec_run([*probe, str(SQUID_PORT), str(timeout)])
        if result.exit_code != 0:
            logs = container.logs(tail=40).decode("utf-8", "replace")
            raise TimeoutError(f"{container.name} did not answer in {timeout}s:\n{logs}")

    def start(self, timeout: float = 60.0) -> DockerCarpArray:
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, timeout: float) -> None:
        spec = self.spec
        configs = render_configs(spec, self._renderer)
        self._internal = self._client.networks.create(
            f"sqcarp-{self._token}", driver="bridge", internal=True
        )
        self._networks.append(self._internal)
        public = self._client.networks.create(f"sqcarp-{self._token}-pub", driver="bridge")
        self._networks.append(public)

        origin_command = ["python3", f"{CONTAINER_TOOLS}/origin.py", "--host", "0.0.0.0"]
        origin_command += ["--port", str(ORIGIN_PORT)]
        self._container("origin", origin_command, ["origin", *spec.origin_names]).start()
        parents = [spec.parent_hostname(i) for i in range(len(spec.parents))]
        for hostname in parents:
            self._squid(hostname, configs[hostname]).start()
        for hostname in parents:
            self._wait_ready(self._containers[hostname], timeout)

        ports = {f"{SQUID_PORT}/tcp": ("127.0.0.1", free_tcp_port("127.0.0.1"))}
        self._published["proxy"] = Endpoint("127.0.0.1", ports[f"{SQUID_PORT}/tcp"][1])
        if spec.accel_defaultsite is not None:
            ports[f"{ACCEL_PORT}/tcp"] = ("127.0.0.1", free_tcp_port("127.0.0.1"))
            self._published["accel"] = Endpoint("127.0.0.1", ports[f"{ACCEL_PORT}/tcp"][1])
        frontend = self._squid(
            spec.frontend_hostname,
            configs[spec.frontend_hostname],
            network=public.name,
            ports=ports,
        )
        self._internal.connect(frontend, aliases=[spec.frontend_hostname])
        frontend.start()
        self._wait_ready(frontend, timeout)

        for i, hostname in enumerate(parents):
            container = self._containers[hostname]
            container.reload()
            address = container.attrs["NetworkSettings"]["Networks"][self._internal.name]
            self._by_address[(address["IPAddress"], str(SQUID_PORT))] = i
        deadline = time.monotonic() + timeout
        while not all(p.up for p in self.mgr_server_list()) and time.monotonic() < deadline:
            time.sleep(0.1)

    def stop(self) -> None:
        for container in self._containers.values():
            try:
                container.remove(force=True)
            except Exception:  # already gone: nothing to clean
                continue
        self._containers.clear()
        for network in self._networks:
            try:
                network.remove()
            except Exception:
                continue
        self._networks.clear()

    # -- backend hooks -----------------------------------------------------------------------

    def _send(self, data: bytes, port: PortKind, expect_body: bool) -> RawResponse:
        endpoint = self._published[port]
        return exchange(endpoint.host, endpoint.port, data, expect_body=expect_body)

    def _access_entry(self, harness_id: str, timeout: float) -> AccessLogEntry | None:
        frontend = self._containers[self.spec.frontend_hostname]
        deadline = time.monotonic() + timeout
        while True:
            result = frontend.exec_run(["cat", f"{CONTAINER_WORKDIR}/access.log"])
            text = result.output.decode("utf-8", "surrogateescape")
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
        endpoint = self._published["proxy"]
        request = build_request(
            "GET", f"/squid-internal-mgr/{page}", [("Host", str(endpoint)), ("Connection", "close")]
        )
        return exchange(endpoint.host, endpoint.port, request).body.decode("utf-8", "replace")

    def mgr_carp(self) -> tuple[CarpRow, ...]:
        return parse_carp(self._mgr("carp"))

    def mgr_server_list(self) -> tuple[PeerStatus, ...]:
        return parse_server_list(self._mgr("server_list"))
