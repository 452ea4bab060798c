"""The harness as pytest fixtures and hooks (loaded by integration/conftest.py).

Fixtures
- ``squid_binary`` (session): path of ``squid``; skips when missing, fails under ``CI=true``.
- ``harness_tools`` (session): ledger, squid, address allocator and renderer for factories.
- ``oracle`` (session): ``SquidParser`` running ``squid -k parse``.
- ``origin`` (function): a recording ``OriginServer`` on its own 127.0.0.x address.
- ``squid_factory`` (function): ``SquidFactory``; every node it started is stopped afterwards.
- ``netns`` (function): a fresh ``NetNamespace`` with multicast on lo, deleted afterwards.
- ``carp_array`` (module): factory ``carp_array(parents=[(name, weight, carp_key)], ...)``
  returning a started ``LocalCarpArray``; an equal spec in the same module reuses the running
  array; all are stopped when the module ends.
- ``harness_note`` (function): ``harness_note(text)`` adds a line to the "squid harness" section
  of pytest's terminal summary (e.g. per-parent counts), shown even when output is captured.

Hook: when a test fails, the cache.log and access.log tails of every Squid still running are
attached to its report as sections.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Protocol

import pytest

from .ledger import Ledger
from .local import LocalCarpArray, NodeTools, SquidFactory
from .netns import NetNamespace, network_namespace
from .oracle import SquidParser
from .origin import OriginServer
from .ports import LoopbackAllocator
from .render import Renderer
from .squid import SquidNotFound, find_squid, stop_all
from .topology import CarpArraySpec, ParentSpec

LEDGER_KEY = pytest.StashKey[Ledger]()


class CarpArrayFactory(Protocol):
    """The ``carp_array`` fixture: start (or reuse) an array for this spec."""

    def __call__(
        self,
        parents: Iterable[ParentSpec | tuple[object, ...]],
        *,
        frontend_extra: str = "",
        accel_defaultsite: str | None = None,
        origin_names: Iterable[str] = ("origin.test",),
    ) -> LocalCarpArray: ...


def running_under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false, except under CI=true where that is a failure."""
    if condition:
        return
    if running_under_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[LEDGER_KEY] = Ledger.from_environment()


def pytest_unconfigure(config: pytest.Config) -> None:
    ledger = config.stash.get(LEDGER_KEY, None)
    if ledger is None:
        return
    stop_all(list(ledger.live_nodes))  # a safety net: fixtures normally stopped them all
    ledger.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    ledger = terminalreporter.config.stash.get(LEDGER_KEY, None)
    if ledger is not None and ledger.notes:
        terminalreporter.section("squid harness")
        for note in ledger.notes:
            terminalreporter.write_line(note)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    ledger = item.config.stash.get(LEDGER_KEY, None)
    if report.failed and ledger is not None:
        for node in ledger.live_nodes:
            for title, content in node.report_sections():
                report.sections.append((title, content))
    return report


def stop_arrays(arrays: list[LocalCarpArray]) -> None:
    """Stop every node of several arrays at once, then their origins."""
    stop_all(node for array in arrays for node in array.nodes())
    for array in arrays:
        array.stop()  # nodes already stopped: only the origin is left


@pytest.fixture(scope="session")
def harness_ledger(pytestconfig: pytest.Config) -> Ledger:
    return pytestconfig.stash[LEDGER_KEY]


@pytest.fixture
def harness_note(harness_ledger: Ledger, request: pytest.FixtureRequest) -> Callable[[str], None]:
    def note(text: str) -> None:
        harness_ledger.notes.append(f"{request.node.nodeid}: {text}")

    return note


@pytest.fixture(scope="session")
def squid_binary() -> str:
    try:
        return find_squid()
    except SquidNotFound as exc:
        require(False, str(exc))
        raise


@pytest.fixture(scope="session")
def harness_tools(harness_ledger: Ledger, squid_binary: str) -> NodeTools:
    return NodeTools(
        ledger=harness_ledger,
        squid=squid_binary,
        allocator=LoopbackAllocator(),
        renderer=Renderer(),
    )


@pytest.fixture(scope="session")
def oracle(squid_binary: str) -> SquidParser:
    return SquidParser(squid_binary)


@pytest.fixture
def origin(harness_tools: NodeTools) -> Iterator[OriginServer]:
    with OriginServer(harness_tools.allocator.address(), 0) as server:
        yield server


@pytest.fixture
def squid_factory(harness_tools: NodeTools) -> Iterator[SquidFactory]:
    factory = SquidFactory(harness_tools)
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture
def netns(harness_ledger: Ledger) -> Iterator[NetNamespace]:
    require(os.geteuid() == 0, "network namespaces need root")
    with network_namespace(harness_ledger) as ns:
        yield ns


@pytest.fixture(scope="module")
def carp_array(harness_tools: NodeTools) -> Iterator[CarpArrayFactory]:
    running: dict[CarpArraySpec, LocalCarpArray] = {}

    def start(
        parents: Iterable[ParentSpec | tuple[object, ...]],
        *,
        frontend_extra: str = "",
        accel_defaultsite: str | None = None,
        origin_names: Iterable[str] = ("origin.test",),
    ) -> LocalCarpArray:
        spec = CarpArraySpec.of(
            parents,
            frontend_extra=frontend_extra,
            accel_defaultsite=accel_defaultsite,
            origin_names=origin_names,
        )
        if spec not in running:
            running[spec] = LocalCarpArray(spec, harness_tools).start()
        return running[spec]

    try:
        yield start
    finally:
        stop_arrays(list(running.values()))
