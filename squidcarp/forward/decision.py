"""What the forwarding decision says about one request: the list Squid would try, and why.

A :class:`Hop` is one entry of Squid's forwarding list (src/peer_select.cc ``FwdServer``): a peer
or DIRECT, with the hierarchy code the access log shows when that entry is used, the reason, and
the config line that decided. An :class:`Outcome` is one complete list; a :class:`Decision` holds
one outcome, or several when the answer depends on something the tool cannot know (an ACL that
needs DNS, a helper, the time of day...): then each outcome says what it assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from squidcarp.carp.array import Member, Ranking
from squidcarp.carp.url import Uri
from squidcarp.conf.model import Position

# src/hier_code.h (Squid 5.7) as src/HierarchyLogEntry / access.log print them.
HIER_NONE = "HIER_NONE"
HIER_DIRECT = "HIER_DIRECT"
CARP = "CARP"
SOURCEHASH_PARENT = "SOURCEHASH_PARENT"
USERHASH_PARENT = "USERHASH_PARENT"
ROUNDROBIN_PARENT = "ROUNDROBIN_PARENT"
FIRSTUP_PARENT = "FIRSTUP_PARENT"
DEFAULT_PARENT = "DEFAULT_PARENT"
ANY_OLD_PARENT = "ANY_OLD_PARENT"


class Hop(NamedTuple):
    """One entry of the forwarding list."""

    peer: str | None
    """The peer's name (``name=`` or its host as typed), None for DIRECT."""
    hier: str
    """The hierarchy code access.log shows when Squid uses this entry."""
    reason: str
    at: Position | None = None
    """The config line that decided, when one did."""

    @property
    def where(self) -> str | None:
        return None if self.at is None else f"{self.at.file}:{self.at.line}"


class Assumption(NamedTuple):
    """An answer the prediction could not know and assumed (each outcome lists its own)."""

    subject: str
    """The question: ``ACL 'night'``, ``round-robin picks cache2``..."""
    value: bool
    reason: str
    """Why the tool cannot know it."""
    at: Position | None = None
    said: str = ""
    """The answer in words (``ACL 'night' matches``)."""

    def __str__(self) -> str:
        return self.said or f"{self.subject}: {'yes' if self.value else 'no'}"


class Caveat(NamedTuple):
    """Something Squid consults before this list that the tool does not model (ICP replies,
    cache digests): the list holds unless it intervenes."""

    subject: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    forwarding: tuple[Hop, ...]
    assumptions: tuple[Assumption, ...] = ()
    caveats: tuple[Caveat, ...] = ()
    direct: str = ""
    """How Squid settled whether it may go direct (``always_direct allow x``...), or ""."""
    direct_at: Position | None = None


@dataclass(frozen=True)
class Decision:
    """Where Squid would send one request."""

    target: bytes
    method: str
    uri: Uri | None
    """The request URI as Squid parsed it (None when Squid rejects it before selection)."""
    error: str | None = None
    """Why Squid rejects the request (HTTP 400) before peer selection, or None."""
    outcomes: tuple[Outcome, ...] = ()
    ranking: Ranking | None = None
    """The CARP ranking for this request (members denied or down marked), or None."""
    carp_owner: Member | None = field(default=None)
    """The member ``carpSelectParent`` returns for this request (access rules and down peers
    honoured), None when it returns none."""

    @property
    def certain(self) -> bool:
        return len(self.outcomes) == 1

    @property
    def forwarding(self) -> tuple[Hop, ...] | None:
        """The forwarding list when it does not depend on anything unknown, else None."""
        return self.outcomes[0].forwarding if self.certain else None

    @property
    def first(self) -> Hop | None:
        """Where the request goes first (None: nowhere, or it depends)."""
        hops = self.forwarding
        return hops[0] if hops else None

    @property
    def depends(self) -> tuple[Assumption, ...]:
        """Every distinct question the outcomes differ on (empty when certain)."""
        seen: dict[tuple[str, Position | None], Assumption] = {}
        for outcome in self.outcomes:
            for a in outcome.assumptions:
                seen.setdefault((a.subject, a.at), a)
        return tuple(seen.values())

    @property
    def caveats(self) -> tuple[Caveat, ...]:
        return self.outcomes[0].caveats if self.outcomes else ()
