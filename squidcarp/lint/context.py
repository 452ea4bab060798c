"""What a rule may look at: the read result, the typed model and the target Squid version."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.model import CachePeer, SquidConfig
from squidcarp.conf.reader import ReadResult
from squidcarp.lint.diagnostic import Finding, Severity

SQUID_VERSIONS = ("2.5", "2.6", "2.7", "3", "4", "5", "6", "7")


def grade(event: ReadEvent, carries_on: Severity | None = None) -> Severity | None:
    """The severity of a reader event: an error where Squid stops (or crashes); where it
    carries on, ``carries_on`` when the rule tells its harmless cases apart so, else the rule's
    own severity (None). See the severity rule in :mod:`squidcarp.lint`."""
    return Severity.ERROR if event.squid is Squid.FATAL else carries_on


class LintContext(NamedTuple):
    read: ReadResult
    squid_version: str = "5"
    """Major version (``5``, ``6``, ``7``), or ``2.5``/``2.6``/``2.7`` for legacy arrays."""
    kinds: frozenset[Kind] = frozenset(Kind)
    """The event kinds the running rule owns (its ``KINDS``): the only ones it may read."""

    @property
    def config(self) -> SquidConfig:
        return self.read.config

    def events(self, *kinds: Kind) -> tuple[ReadEvent, ...]:
        """The reader's events of these kinds, which the running rule must own."""
        foreign = set(kinds) - self.kinds
        if foreign:
            raise ValueError(f"the rule reads events it does not own: "
                             f"{', '.join(sorted(k.value for k in foreign))} (add them to KINDS)")
        return tuple(e for e in self.read.events if e.kind in kinds)

    def relay(self, *kinds: Kind, carries_on: Severity | None = None) -> Iterator[Finding]:
        """Reader events of these kinds as findings, worded as the reader worded them and
        graded by :func:`grade`."""
        for e in self.events(*kinds):
            yield Finding(e.pos, e.message, grade(e, carries_on), e.end_column)

    @property
    def legacy(self) -> bool:
        """Squid 2.x (before CARP became a parent option)."""
        return self.squid_version.startswith("2.")

    @property
    def carp_peers(self) -> tuple[CachePeer, ...]:
        return self.config.carp_peers
