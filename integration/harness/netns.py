"""A private network namespace for multicast tests (``ip netns``), always deleted afterwards.

Inside it only ``lo`` exists: it is brought up, multicast is enabled on it and 224.0.0.0/4 is
routed to it, so multicast never reaches a real interface.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from .ledger import Ledger, Resource

NETNS_PREFIX = "sqcarp-"


class NetnsError(Exception):
    """A namespace could not be made or set up (usually: not root)."""


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30, check=False)


def _checked(*args: str) -> None:
    done = _ip(*args)
    if done.returncode != 0:
        raise NetnsError(f"ip {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")


def list_namespaces() -> set[str]:
    done = _ip("netns", "list")
    return {line.split()[0] for line in done.stdout.splitlines() if line.strip()}


@dataclass(frozen=True)
class NetNamespace:
    name: str

    def argv(self, command: Sequence[str]) -> list[str]:
        """``command`` prefixed to run inside the namespace."""
        return ["ip", "netns", "exec", self.name, *command]

    def run(
        self, command: Sequence[str], timeout: float = 30.0
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(command), capture_output=True, text=True, timeout=timeout, check=False
        )

    def pids(self) -> list[int]:
        done = _ip("netns", "pids", self.name)
        return [int(word) for word in done.stdout.split() if word.isdigit()]


def _kill_leftovers(ns: NetNamespace, timeout: float = 5.0) -> None:
    """Processes still inside our own namespace were started by this test: TERM, then KILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in ns.pids():
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + timeout
        while ns.pids() and time.monotonic() < deadline:
            time.sleep(0.05)


@contextmanager
def network_namespace(ledger: Ledger | None = None) -> Iterator[NetNamespace]:
    """Make a uniquely named namespace with multicast on ``lo``; delete it on exit."""
    name = f"{NETNS_PREFIX}{os.getpid()}-{secrets.token_hex(3)}"
    _checked("netns", "add", name)
    ns = NetNamespace(name)
    if ledger is not None:
        ledger.record(Resource("netns", name))
    try:
        _checked("-n", name, "link", "set", "lo", "up")
        _checked("-n", name, "link", "set", "lo", "multicast", "on")
        _checked("-n", name, "route", "add", "224.0.0.0/4", "dev", "lo")
        yield ns
    finally:
        _kill_leftovers(ns)
        _checked("netns", "delete", name)
