"""A port taken between "found free" and Squid binding it: the harness starts over elsewhere."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from integration.harness import CarpArraySpec, LocalCarpArray, NodeTools, SquidFactory
from integration.harness.ports import LoopbackAllocator


@dataclass
class TakenFirst(LoopbackAllocator):
    """Hands out ``taken`` first (a port someone else holds), then behaves normally."""

    taken: tuple[str, int] | None = None
    handed: list[tuple[str, int]] = field(default_factory=list)

    def endpoint(self) -> tuple[str, int]:
        endpoint = self.taken if self.taken and not self.handed else super().endpoint()
        self.handed.append(endpoint)
        return endpoint


@pytest.fixture
def squatter() -> Iterator[tuple[str, int]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.250", 0))
        sock.listen()
        yield sock.getsockname()


def tools_with(base: NodeTools, allocator: LoopbackAllocator) -> NodeTools:
    return NodeTools(base.ledger, base.squid, allocator, base.renderer)


def test_squid_factory_retries_on_a_taken_port(
    harness_tools: NodeTools, squatter: tuple[str, int]
) -> None:
    allocator = TakenFirst(first=230, taken=squatter)
    factory = SquidFactory(tools_with(harness_tools, allocator))
    try:
        node = factory(label="retry")
        assert allocator.handed[0] == squatter
        assert (node.address, node.port) == allocator.handed[1]
        assert node.running()
        assert len(factory.nodes) == 1
    finally:
        factory.stop_all()


def test_carp_array_starts_over_when_a_parent_port_is_taken(
    harness_tools: NodeTools, squatter: tuple[str, int]
) -> None:
    allocator = TakenFirst(first=235, taken=squatter)
    spec = CarpArraySpec.of([("one", 1), ("two", 1)])
    with LocalCarpArray(spec, tools_with(harness_tools, allocator)) as array:
        assert allocator.handed[0] == squatter
        assert squatter not in [(p.endpoint.host, p.endpoint.port) for p in array.parents]
        assert array.request("http://origin.test/after-retry").parent_name in {"one", "two"}
