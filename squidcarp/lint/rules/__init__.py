"""Every lint rule, one module each, listed explicitly (no discovery by scanning)."""

from __future__ import annotations

from squidcarp.lint.rule import Rule
from squidcarp.lint.rules import (
    carp_load_factor,
    carp_zero_factor,
    unknown_directive,
)

RULES: tuple[Rule, ...] = tuple(
    Rule.from_module(m)
    for m in (
        unknown_directive,
        carp_load_factor,
        carp_zero_factor,
    )
)


def by_code() -> dict[str, Rule]:
    return {r.code: r for r in RULES}
