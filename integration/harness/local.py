"""The local-process backend: origin, parents and frontend as processes on 127.0.0.x.

Start order follows running-squid-in-tests.md: origin and parents first (each waited for),
then the frontend, then wait until its ``mgr:server_list`` shows every parent up.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import cachemgr
from .cachemgr import CarpRow, PeerStatus
from .client import RawResponse, exchange
from .ledger import Ledger
from .origin import OriginServer
from .ports import LoopbackAllocator, free_tcp_port
from .render import NodeContext, Renderer, hosts_file_text
from .routing import CarpArrayBase, PortKind
from .squid import SquidNode, SquidStartError, stop_all
from .topology import AccessLogEntry, CarpArraySpec, Endpoint, ParentSpec, Placement

START_ATTEMPTS = 3


@dataclass(frozen=True)
class ParentNode:
    index: int
    spec: ParentSpec
    endpoint: Endpoint
    hostname: str  # visible_hostname, as in Via
    node: SquidNode

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class NodeTools:
    """What starting nodes needs; one per session, passed explicitly."""

    ledger: Ledger
    squid: str
    allocator: LoopbackAllocator
    renderer: Renderer

    def new_node(self, label: str, listen: Endpoint,
                 netns: str | None = None) -> tuple[SquidNode, Path]:
        """A not-yet-started node listening on ``listen``, in a fresh work dir of its own."""
        workdir = self.ledger.node_dir(label)
        node = SquidNode(label=label, address=listen.host, port=listen.port, workdir=workdir,
                         ledger=self.ledger, squid=self.squid, netns=netns)
        return node, workdir


def node_context(
    hostname: str, workdir: Path, listen: Endpoint, accel: Endpoint | None = None
) -> NodeContext:
    return NodeContext(
        visible_hostname=hostname,
        workdir=str(workdir),
        http_ports=(str(listen),),
        hosts_file=str(workdir / "hosts"),
        outgoing_address=listen.host,
        accel_listen=str(accel) if accel is not None else None,
    )


class LocalCarpArray(CarpArrayBase):
    """A running frontend + CARP parents + origin on this machine. Use ``start()``/``stop()``
    or ``with``."""

    def __init__(self, spec: CarpArraySpec, tools: NodeTools) -> None:
        super().__init__([p.name for p in spec.parents],
                         [spec.parent_hostname(i) for i in range(len(spec.parents))])
        self.spec = spec
        self._tools = tools
        self.origin = OriginServer(tools.allocator.address(), 0)
        self.parents: tuple[ParentNode, ...] = ()
        self.frontend: SquidNode | None = None
        self.placement: Placement | None = None
        self._by_endpoint: dict[tuple[str, str], int] = {}

    def _place(self) -> Placement:
        alloc = self._tools.allocator
        parents = tuple(Endpoint(*alloc.endpoint()) for _ in self.spec.parents)
        frontend = Endpoint(*alloc.endpoint())
        accel = None
        if self.spec.accel_defaultsite is not None:
            accel = Endpoint(frontend.host, free_tcp_port(frontend.host))
        origin = Endpoint(self.origin.host, self.origin.port)
        return Placement(origin=origin, frontend=frontend, parents=parents, accel=accel)

    def _node(self, label: str, listen: Endpoint) -> tuple[SquidNode, Path]:
        return self._tools.new_node(label, listen)

    def start(self, timeout: float = 30.0) -> LocalCarpArray:
        """Start origin, parents, frontend; on a port taken meanwhile, start over on new ones."""
        for _ in range(START_ATTEMPTS - 1):
            try:
                return self._start_once(timeout)
            except SquidStartError as exc:
                if not exc.address_in_use:
                    raise
                self._reset()
        return self._start_once(timeout)

    def _start_once(self, timeout: float) -> LocalCarpArray:
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _reset(self) -> None:
        self.origin = OriginServer(self.origin.host, 0)
        self.parents = ()
        self.frontend = None
        self.placement = None
        self._by_endpoint.clear()

    def _start(self, timeout: float) -> None:
        renderer = self._tools.renderer
        self.origin.start()
        placement = self.placement = self._place()
        hosts = hosts_file_text(placement.origin, self.spec.origin_names)
        pairs = zip(self.spec.parents, placement.parents, strict=True)
        for i, (spec, endpoint) in enumerate(pairs):
            hostname = self.spec.parent_hostname(i)
            node, workdir = self._node(hostname, endpoint)
            context = node_context(hostname, workdir, endpoint)
            node.write(renderer.parent(self.spec, placement, i, context), hosts)
            self.parents += (ParentNode(i, spec, endpoint, hostname, node),)
            self._by_endpoint[(endpoint.host, str(endpoint.port))] = i
            node.launch()
        for parent in self.parents:
            parent.node.wait_ready(timeout)
        node, workdir = self._node(self.spec.frontend_hostname, placement.frontend)
        context = node_context(
            self.spec.frontend_hostname, workdir, placement.frontend, placement.accel
        )
        node.write(renderer.frontend(self.spec, placement, context), hosts)
        self.frontend = node
        node.start(timeout)
        self.wait_peers_up(timeout)

    def wait_peers_up(self, timeout: float = 30.0) -> tuple[PeerStatus, ...]:
        deadline = time.monotonic() + timeout
        while True:
            peers = self.mgr_server_list()
            if len(peers) == len(self.spec.parents) and all(p.up for p in peers):
                return peers
            if time.monotonic() >= deadline:
                raise TimeoutError(f"peers not all up after {timeout}s: {peers}")
            time.sleep(0.05)

    def stop(self) -> None:
        nodes = [p.node for p in self.parents]
        if self.frontend is not None:
            nodes.insert(0, self.frontend)
        stop_all(nodes)
        self.origin.stop()

    def __enter__(self) -> LocalCarpArray:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- backend hooks -----------------------------------------------------------------------

    def _frontend(self) -> SquidNode:
        if self.frontend is None:
            raise RuntimeError("array not started")
        return self.frontend

    def _send(self, data: bytes, port: PortKind, expect_body: bool) -> RawResponse:
        self._frontend()
        assert self.placement is not None
        if port == "accel":
            if self.placement.accel is None:
                raise ValueError("this array has no accel port (set accel_defaultsite)")
            target = self.placement.accel
        else:
            target = self.placement.frontend
        return exchange(target.host, target.port, data, expect_body=expect_body)

    def _access_entry(self, harness_id: str, timeout: float) -> AccessLogEntry | None:
        return self._frontend().find_access(harness_id, timeout)

    def _parent_index(self, entry: AccessLogEntry) -> int | None:
        return self._by_endpoint.get((entry.server_address, entry.server_port))

    def mgr_carp(self) -> tuple[CarpRow, ...]:
        frontend = self._frontend()
        return cachemgr.carp(frontend.address, frontend.port)

    def mgr_server_list(self) -> tuple[PeerStatus, ...]:
        frontend = self._frontend()
        return cachemgr.server_list(frontend.address, frontend.port)

    def nodes(self) -> list[SquidNode]:
        listed = [p.node for p in self.parents]
        return [self.frontend, *listed] if self.frontend is not None else listed


class SquidFactory:
    """Starts standalone Squid nodes from a test's config body; ``stop_all()`` stops them.

    The body is a Jinja template rendered with ``node`` (NodeContext: ``node.workdir``, ...),
    ``python`` (an interpreter user proxy can run), ``helpers_dir`` and any keyword given.
    ``hosts`` maps names to addresses in the node's hosts file; ``files`` (name -> source path)
    are copied into the node's dir, executable, before it starts (helpers run as user proxy,
    which may not be able to read the work tree). ``listen`` places the node on a given
    address and port (its http_port and tcp_outgoing_address), for nodes in a namespace that
    must be reached on the namespace's own address.
    """

    def __init__(self, tools: NodeTools) -> None:
        self._tools = tools
        self.nodes: list[SquidNode] = []

    def __call__(
        self,
        body: str = "",
        *,
        label: str = "node",
        netns: str | None = None,
        hosts: Mapping[str, str] | None = None,
        files: Mapping[str, Path] | None = None,
        start: bool = True,
        timeout: float = 30.0,
        listen: Endpoint | None = None,
        **context: object,
    ) -> SquidNode:
        for _ in range(START_ATTEMPTS - 1):
            node = self._make(body, label, netns, hosts, files, context, listen)
            if not start:
                return node
            try:
                return node.start(timeout)
            except SquidStartError as exc:
                if not exc.address_in_use:
                    raise
                node.stop()
                self.nodes.remove(node)
        node = self._make(body, label, netns, hosts, files, context, listen)
        return node.start(timeout) if start else node

    def _make(
        self,
        body: str,
        label: str,
        netns: str | None,
        hosts: Mapping[str, str] | None,
        files: Mapping[str, Path] | None,
        context: dict[str, object],
        listen: Endpoint | None = None,
    ) -> SquidNode:
        # ``listen``: a fixed address (e.g. a mesh namespace's own) instead of a fresh 127.0.0.x
        listen = listen or Endpoint(*self._tools.allocator.endpoint())
        node, workdir = self._tools.new_node(label, listen, netns)
        for name, source in (files or {}).items():
            target = workdir / name
            shutil.copyfile(source, target)
            target.chmod(0o755)
        hosts_text = "".join(f"{addr} {name}\n" for name, addr in (hosts or {}).items())
        text = self._tools.renderer.node(node_context(label, workdir, listen), body, **context)
        node.write(text, hosts_text)
        self.nodes.append(node)
        return node

    def stop_all(self) -> None:
        stop_all(self.nodes)
        self.nodes.clear()
