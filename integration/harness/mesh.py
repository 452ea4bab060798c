"""A bridged mesh of private network namespaces, for multicast between distinct hosts.

One namespace alone cannot show several Squids answering a multicast query as distinct peers:
they all reply from the one loopback address, and Squid tells peers apart by address and ICP
port. The mesh gives each member a namespace of its own with one address on a veth link into
a bridge in a ``hub`` namespace::

    hub (bridge br0, 10.77.0.1/24) --veth-- member 1 (10.77.0.11) ... member N (10.77.0.1N)

Every namespace is made by :func:`network_namespace` (recorded in the ledger, deleted on exit,
processes left inside killed); the bridge, the links and 224.0.0.0/4 routes (via the bridge in
the hub, via the veth in members) exist only inside them. Multicast snooping is off on the
bridge so that group traffic reaches every member without an IGMP querier.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from .ledger import Ledger
from .netns import NetNamespace, NetnsError, network_namespace

SUBNET = "10.77.0"  # private to the namespaces: nothing outside them sees it
HUB_ADDRESS = f"{SUBNET}.1"
MULTICAST_ROUTE = "224.0.0.0/4"


@dataclass(frozen=True)
class MeshMember:
    index: int  # 1-based
    ns: NetNamespace
    address: str


@dataclass(frozen=True)
class Mesh:
    hub: NetNamespace
    hub_address: str
    members: tuple[MeshMember, ...]


def _ip(ns: NetNamespace | None, *args: str) -> None:
    argv = ["ip", *(("-n", ns.name) if ns is not None else ()), *args]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0:
        raise NetnsError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")


@contextmanager
def bridged_mesh(members: int, ledger: Ledger | None = None) -> Iterator[Mesh]:
    """A hub namespace with a bridge and ``members`` namespaces linked to it."""
    if not 1 <= members <= 9:
        raise ValueError("a mesh has 1 to 9 members")
    with ExitStack() as stack:
        hub = stack.enter_context(network_namespace(ledger))
        _ip(hub, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0")
        _ip(hub, "addr", "add", f"{HUB_ADDRESS}/24", "dev", "br0")
        _ip(hub, "link", "set", "br0", "up")
        _ip(hub, "route", "replace", MULTICAST_ROUTE, "dev", "br0")
        listed = []
        for i in range(1, members + 1):
            ns = stack.enter_context(network_namespace(ledger))
            address = f"{SUBNET}.1{i}"
            _ip(hub, "link", "add", f"veth{i}", "type", "veth", "peer", "name", "eth0",
                "netns", ns.name)
            _ip(hub, "link", "set", f"veth{i}", "master", "br0")
            _ip(hub, "link", "set", f"veth{i}", "up")
            _ip(ns, "addr", "add", f"{address}/24", "dev", "eth0")
            _ip(ns, "link", "set", "eth0", "up")
            _ip(ns, "route", "replace", MULTICAST_ROUTE, "dev", "eth0")
            listed.append(MeshMember(i, ns, address))
        yield Mesh(hub, HUB_ADDRESS, tuple(listed))
