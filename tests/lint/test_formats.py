"""Output formats yield their report in pieces (written as made), and ``render`` joins them."""

from __future__ import annotations

import json

from squidcarp.lint.diagnostic import Diagnostic, Severity
from squidcarp.lint.formats import FORMATS, render, text
from squidcarp.lint.rules import RULES

FOUND = [Diagnostic("a.conf", 3, 1, "SC001", "unknown-directive", Severity.ERROR, "m1"),
         Diagnostic("a.conf", 7, 5, "SC140", "carp-non-parent", Severity.WARNING, "m2", "", 9)]


def test_text_is_one_piece_per_diagnostic() -> None:
    assert list(text(FOUND, RULES)) == [
        "a.conf:3:1: error SC001 unknown-directive: m1\n",
        "a.conf:7:5: warning SC140 carp-non-parent: m2\n"]
    assert list(text([], RULES)) == []


def test_every_format_renders_whole() -> None:
    joined = {name: render(fmt, FOUND, RULES) for name, fmt in FORMATS.items()}
    assert joined["text"] == "".join(text(FOUND, RULES))
    assert joined["github"] == (
        "::error file=a.conf,line=3,col=1,title=SC001 unknown-directive::m1\n"
        "::warning file=a.conf,line=7,col=5,endColumn=9,title=SC140 carp-non-parent::m2\n")
    assert [d["line"] for d in json.loads(joined["json"])] == [3, 7]
    assert joined["json"].endswith("]\n")
    sarif = json.loads(joined["sarif"])
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["SC001", "SC140"]
