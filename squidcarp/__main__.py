"""``python -m squidcarp``."""

from squidcarp.cli.main import entry

entry()
