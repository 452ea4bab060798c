"""The ``cli`` runner fixture of tests/cli, for the probe command tests."""

from tests.cli.conftest import cli

__all__ = ["cli"]
