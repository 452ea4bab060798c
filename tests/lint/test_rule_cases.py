"""Every rule has a fixture that must fire (with exact positions) and one that must not.

``cases/<CODE>.fires.conf`` is linted with only that rule selected and must give exactly the
diagnostics in ``cases/<CODE>.fires.expected`` (``LINE:COL SEVERITY CODE`` per line, in order);
``cases/<CODE>.clean.conf`` must give none. Options for a case go in a first-line comment
``# squidcarp-test: --squid-version 2.5``.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from squidcarp.conf import ReadOptions, read_bytes, read_config
from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import SEVERITY_RULE
from squidcarp.lint.engine import LintOptions, lint
from squidcarp.lint.rules import RULES

CASES = Path(__file__).parent / "cases"


def _options(path: Path, code: str) -> tuple[LintOptions, ReadOptions]:
    first = path.read_text(encoding="utf-8", errors="surrogateescape").split("\n", 1)[0]
    version = "5"
    if first.startswith("# squidcarp-test:"):
        words = shlex.split(first.split(":", 1)[1])
        if "--squid-version" in words:
            version = words[words.index("--squid-version") + 1]
    return (LintOptions(select=frozenset({code}), squid_version=version),
            ReadOptions(cwd=str(CASES)))


def _run(path: Path, code: str) -> list[str]:
    lint_opts, read_opts = _options(path, code)
    result = read_config(path, read_opts)
    return [f"{d.line}:{d.column} {d.severity.value} {d.code}"
            for d in lint(result, lint_opts) if d.file == str(path)]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_rule_fires_exactly(rule) -> None:  # type: ignore[no-untyped-def]
    conf = CASES / f"{rule.code}.fires.conf"
    expected = CASES / f"{rule.code}.fires.expected"
    assert conf.is_file() and expected.is_file(), (
        f"{rule.code} needs {conf.name} and {expected.name}")
    want = [line.strip() for line in expected.read_text().splitlines() if line.strip()]
    assert want, f"{expected.name} must list at least one diagnostic"
    assert _run(conf, rule.code) == want


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_rule_clean_case_is_clean(rule) -> None:  # type: ignore[no-untyped-def]
    conf = CASES / f"{rule.code}.clean.conf"
    assert conf.is_file(), f"{rule.code} needs {conf.name}"
    assert _run(conf, rule.code) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_rule_is_documented(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.code.startswith("SC") and len(rule.code) == 5
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert "Bad::" in rule.doc and "Good::" in rule.doc, f"{rule.code} docstring needs examples"


def test_codes_and_names_are_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_every_reader_event_kind_has_exactly_one_rule() -> None:
    # Rules report one way (squidcarp.lint): Squid's reactions come from the reader's events,
    # each kind through the one rule that owns it; no event is emitted that nothing reads.
    owners: dict[Kind, list[str]] = {kind: [] for kind in Kind}
    for rule in RULES:
        for kind in rule.kinds:
            owners[kind].append(rule.code)
    assert {kind.value: codes for kind, codes in owners.items() if len(codes) != 1} == {}


def test_a_rule_cannot_read_events_it_does_not_own() -> None:
    read = read_bytes(b"HTTP_PORT 1\n", "t.conf")
    ctx = LintContext(read, kinds=frozenset({Kind.LONG_LINE}))
    with pytest.raises(ValueError, match="does not own: unknown-directive"):
        ctx.events(Kind.UNKNOWN_DIRECTIVE)
    assert ctx.events(Kind.LONG_LINE) == ()


def test_readme_and_rules_md_state_the_one_severity_rule() -> None:
    root = Path(__file__).resolve().parents[2]
    for doc in ("README.md", "docs/rules.md"):
        text = (root / doc).read_text(encoding="utf-8")
        assert SEVERITY_RULE in text, f"{doc} must state the severity rule as written"
