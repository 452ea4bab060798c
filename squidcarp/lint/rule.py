"""A rule is a module with ``CODE``, ``NAME``, ``SEVERITY``, a docstring, ``check(ctx)`` and, when
it reports reader events, ``KINDS`` (the event kinds it owns).

``check`` is pure: it looks at the :class:`LintContext` and yields :class:`Finding` objects; it
keeps nothing between calls. The docstring is the user documentation (``docs/rules.md`` is
generated from it): a summary line, why it matters in Squid, then ``Bad:`` and ``Good:`` examples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import NamedTuple

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity


class Rule(NamedTuple):
    code: str
    name: str
    severity: Severity
    doc: str
    check: Callable[[LintContext], Iterator[Finding]]
    module: str
    kinds: frozenset[Kind] = frozenset()
    """The reader event kinds this rule reports (each kind has exactly one rule)."""

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else ""

    @property
    def help(self) -> str:
        """The docstring's paragraph after the summary: what to do about it."""
        paragraphs = [p.strip() for p in self.doc.strip().split("\n\n")]
        return " ".join(paragraphs[1].split()) if len(paragraphs) > 1 else self.summary

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        return cls(
            code=module.CODE,
            name=module.NAME,
            severity=module.SEVERITY,
            doc=module.__doc__ or "",
            check=module.check,
            module=module.__name__,
            kinds=frozenset(getattr(module, "KINDS", ())),
        )
