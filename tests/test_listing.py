"""Bounded lists of names in messages (squidcarp.listing)."""

from __future__ import annotations

from squidcarp.listing import quoted_names


def test_short_lists_are_written_out() -> None:
    assert quoted_names([]) == ""
    assert quoted_names(["a"]) == "'a'"
    assert quoted_names(["a", "b", "c"], shown=3) == "'a', 'b', 'c'"


def test_long_lists_count_what_is_not_shown() -> None:
    assert quoted_names(["a", "b", "c", "d"], shown=2) == "'a', 'b' and 2 more"
    assert quoted_names([f"p{i}" for i in range(100_000)]).endswith("'p9' and 99990 more")
