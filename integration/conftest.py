"""Registers the Squid test harness (integration/harness/pytest_plugin.py) for integration/."""

from integration.harness.pytest_plugin import (
    carp_array,
    harness_ledger,
    harness_note,
    harness_tools,
    netns,
    oracle,
    origin,
    pytest_configure,
    pytest_runtest_makereport,
    pytest_terminal_summary,
    pytest_unconfigure,
    squid_binary,
    squid_factory,
)

__all__ = [
    "carp_array",
    "harness_ledger",
    "harness_note",
    "harness_tools",
    "netns",
    "oracle",
    "origin",
    "pytest_configure",
    "pytest_runtest_makereport",
    "pytest_terminal_summary",
    "pytest_unconfigure",
    "squid_binary",
    "squid_factory",
]
