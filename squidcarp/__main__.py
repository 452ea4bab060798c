"""``python -m squidcarp``."""

from squidcarp.cli import run

run()
