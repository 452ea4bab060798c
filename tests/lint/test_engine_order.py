"""The order of a lint report and the dropping of duplicates (lint.engine.in_order)."""

from __future__ import annotations

from squidcarp.lint.diagnostic import Diagnostic, Severity
from squidcarp.lint.engine import in_order


def diag(file: str, line: int, column: int, code: str, message: str = "m",
         severity: Severity = Severity.ERROR, end_column: int | None = None) -> Diagnostic:
    return Diagnostic(file, line, column, code, "name-" + code, severity, message,
                      end_column=end_column)


def test_main_file_first_then_files_lines_columns_codes_messages() -> None:
    found = [
        diag("a.conf", 1, 1, "SC100"),
        diag("squid.conf", 9, 1, "SC100"),
        diag("squid.conf", 2, 5, "SC200"),
        diag("squid.conf", 2, 5, "SC100", "b"),
        diag("squid.conf", 2, 5, "SC100", "a"),
        diag("squid.conf", 2, 1, "SC300"),
        diag("squid.conf", 10, 1, "SC100"),
        diag("b.conf", 1, 1, "SC100"),
    ]
    assert [(d.file, d.line, d.column, d.code, d.message)
            for d in in_order(found, "squid.conf")] == [
        ("squid.conf", 2, 1, "SC300", "m"),
        ("squid.conf", 2, 5, "SC100", "a"),
        ("squid.conf", 2, 5, "SC100", "b"),
        ("squid.conf", 2, 5, "SC200", "m"),
        ("squid.conf", 9, 1, "SC100", "m"),
        ("squid.conf", 10, 1, "SC100", "m"),  # lines compare as numbers, not text
        ("a.conf", 1, 1, "SC100", "m"),
        ("b.conf", 1, 1, "SC100", "m"),
    ]


def test_duplicates_are_dropped_even_when_not_adjacent() -> None:
    first = diag("squid.conf", 3, 1, "SC100")
    other = diag("squid.conf", 3, 1, "SC100", severity=Severity.WARNING)
    spanned = diag("squid.conf", 3, 1, "SC100", end_column=7)
    found = [first, other, diag("squid.conf", 3, 1, "SC100"), spanned,
             diag("squid.conf", 3, 1, "SC100", end_column=7)]
    # equal findings collapse to the first; findings that differ only in severity or span stay,
    # in the order the rules gave them (an int and None end column are never compared)
    assert in_order(found, "squid.conf") == [first, other, spanned]


def test_an_empty_report() -> None:
    assert in_order([], "squid.conf") == []
