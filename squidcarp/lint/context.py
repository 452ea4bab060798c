"""What a rule may look at: the read result, the typed model and the target Squid version."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.model import CachePeer, SquidConfig
from squidcarp.conf.reader import ReadResult
from squidcarp.lint.diagnostic import Finding, Severity

SQUID_VERSIONS = ("2.5", "2.6", "2.7", "3", "4", "5", "6", "7")


class LintContext(NamedTuple):
    read: ReadResult
    squid_version: str = "5"
    """Major version (``5``, ``6``, ``7``), or ``2.5``/``2.6``/``2.7`` for legacy arrays."""

    @property
    def config(self) -> SquidConfig:
        return self.read.config

    def events(self, *kinds: Kind) -> tuple[ReadEvent, ...]:
        return tuple(e for e in self.read.events if e.kind in kinds)

    def event_findings(self, *kinds: Kind) -> Iterator[Finding]:
        """Reader events of these kinds as findings, message as the reader worded it."""
        for e in self.events(*kinds):
            yield Finding(e.pos, e.message, end_column=e.end_column)

    def verdict_findings(self, *kinds: Kind) -> Iterator[Finding]:
        """Like :meth:`event_findings`, graded by Squid's own reaction: an error where Squid
        stops (or crashes), a warning where it carries on."""
        for e in self.events(*kinds):
            severity = Severity.ERROR if e.squid is Squid.FATAL else Severity.WARNING
            yield Finding(e.pos, e.message, severity, e.end_column)

    @property
    def legacy(self) -> bool:
        """Squid 2.x (before CARP became a parent option)."""
        return self.squid_version.startswith("2.")

    @property
    def carp_peers(self) -> tuple[CachePeer, ...]:
        return self.config.carp_peers
