"""Exploring every answer when part of a decision is unknowable.

The decision procedure is deterministic except where it asks a :class:`Chooser` about something
the tool cannot know (an ACL needing DNS or a helper, round-robin state after an undecided
request). :func:`explore` runs it once per combination of answers that the procedure actually
asks for: the first run answers "no" to every new question; each later run flips one answer of
an earlier run and lets the questions after it be asked afresh. The same question always gets
the same answer within one run, so one unknown ACL used twice is consistent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, NamedTuple, TypeVar

from squidcarp.conf.model import Position

T = TypeVar("T")
MAX_OUTCOMES = 64  # beyond this many combinations, say so instead of listing them


class Choice(NamedTuple):
    key: str
    value: bool
    reason: str
    at: Position | None
    phrases: tuple[str, str]
    """How to say the answer: (when yes, when no)."""


class TooManyUnknowns(Exception):
    """More than :data:`MAX_OUTCOMES` combinations of unknown answers matter."""


class Chooser:
    def __init__(self, forced: tuple[bool, ...] = ()) -> None:
        self.forced = forced
        self.made: list[Choice] = []

    def choose(self, key: str, reason: str, at: Position | None = None,
               phrases: tuple[str, str] | None = None) -> bool:
        """The answer to the yes/no question ``key`` in this run."""
        for c in self.made:
            if c.key == key:
                return c.value
        index = len(self.made)
        value = self.forced[index] if index < len(self.forced) else False
        self.made.append(Choice(key, value, reason, at,
                                phrases or (f"{key}: yes", f"{key}: no")))
        return value


class Explored(NamedTuple, Generic[T]):
    choices: tuple[Choice, ...]
    result: T


def explore(run: Callable[[Chooser], T], limit: int = MAX_OUTCOMES) -> list[Explored[T]]:
    """Every distinct way ``run`` can go, in a stable order (all "no" answers first)."""
    out: list[Explored[T]] = []
    pending: list[tuple[bool, ...]] = [()]
    while pending:
        forced = pending.pop()
        chooser = Chooser(forced)
        result = run(chooser)
        out.append(Explored(tuple(chooser.made), result))
        if len(out) > limit:
            raise TooManyUnknowns(f"more than {limit} combinations of unknown answers")
        made = [c.value for c in chooser.made]
        for i in range(len(made) - 1, len(forced) - 1, -1):
            pending.append((*made[:i], not made[i]))
    return out
