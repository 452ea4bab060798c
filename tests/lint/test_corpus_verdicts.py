"""Differential check against recorded ``squid -k parse`` verdicts (Debian Squid 5.7).

``tests/corpus/parse-verdicts/verdicts.jsonl`` holds, for each config in ``cases/``, Squid's exit
status, its ERROR/WARNING/FATAL lines and the ``Processing:`` echo of every logical line it read.
For each case:

* Squid failed (exit status != 0, a crash included): the linter must report at least one
  **error** on every line Squid complained about — the line a message names (``... line N``,
  ``FILE(N): unrecognized``), else the last line Squid echoed before it stopped.
* Squid accepted it without an ERROR or WARNING: the linter must report no error, except from
  rules that deliberately flag silent breakage (listed in ``SILENT_BREAKAGE`` with the reason).
* Squid accepted it but logged ERROR/WARNING lines: the linter must say something too (a warning
  or an error).

Cases are linted with ``ReadOptions(cwd=<cases dir>)`` because that is where Squid was started.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from squidcarp.conf import ReadOptions, ReadResult, read_config
from squidcarp.lint.diagnostic import Diagnostic, Severity
from squidcarp.lint.engine import lint
from tests.conftest import CORPUS

VERDICTS = CORPUS / "parse-verdicts" / "verdicts.jsonl"
CASES = CORPUS / "parse-verdicts" / "cases"

# Error-severity rules that may fire on configs Squid 5.7 accepts silently, and why: the
# severity rule (squidcarp.lint) makes "the line silently cannot do what it says" an error too.
SILENT_BREAKAGE = {
    "SC130": "a multicast peer with a unicast address: Squid queries one host as a 'group' and "
             "may pick it as a cache from its replies",
    "SC150": "parents without never_direct: from the second request to a host on, netdb sends "
             "it DIRECT (integration/test_forwarding_vs_squid.py sees it on live Squid)",
    "SC120": "weight=0 meant to drain a peer: Squid silently uses weight 1",
    "SC131": "a multicast peer whose TTL ends up 0: its queries never leave this host",
    "SC136": "a multicast peer: Squid 5.7 aborts when it first counts the group, 10 s after start "
             "(integration/test_multicast_icp.py)",
    "SC134": "a unicast or IPv6 mcast_groups entry: the join fails (or is skipped) at run time",
}

# "FATAL: Bungled 23-weight-abc.conf line 3: ..." / "ERROR: x.conf, line 4: No cache_peer 'y'"
LINE_IN_MESSAGE = re.compile(r"(?P<file>[^\s,]+),? line (?P<line>\d+)\b")
# "83-two-unknown-directives.conf(3): unrecognized: 'cache_peers'"
UNRECOGNIZED = re.compile(r"(?P<file>\S+)\((?P<line>\d+)\): unrecognized: ")
NOTEWORTHY = ("ERROR", "WARNING", "FATAL")


@dataclass(frozen=True)
class Verdict:
    case: str
    path: Path
    exit_code: int
    messages: tuple[str, ...]
    processed: tuple[str, ...]

    @property
    def accepted(self) -> bool:
        return self.exit_code == 0

    @property
    def quiet(self) -> bool:
        return not any(word in m for m in self.messages for word in NOTEWORTHY)


def _load() -> list[Verdict]:
    if not VERDICTS.is_file():
        return []
    out = []
    for line in VERDICTS.read_text(encoding="utf-8").splitlines():
        v = json.loads(line)
        messages = tuple(dict.fromkeys([*v["messages"], *v["diagnostics"]]))
        out.append(Verdict(v["case"], VERDICTS.parent / v["file"], v["exit_code"], messages,
                           tuple(v["processed_lines"])))
    return out


ALL = _load()


def _read(v: Verdict) -> tuple[ReadResult, list[Diagnostic]]:
    result = read_config(v.path, ReadOptions(cwd=str(CASES)))
    return result, lint(result)


def complained_lines(v: Verdict, result: ReadResult) -> set[tuple[str, int]]:
    """(file name, line) of every place Squid's messages point at, else its last echoed line."""
    places: set[tuple[str, int]] = set()
    for message in v.messages:
        for pattern in (LINE_IN_MESSAGE, UNRECOGNIZED):
            m = pattern.search(message)
            if m:
                places.add((os.path.basename(m.group("file")), int(m.group("line"))))
    if places:
        return places
    # No line number: Squid stopped (or crashed) on the last line it echoed. Our reader keeps every
    # logical line in the same order, so the N-th echoed line is the N-th logical line.
    assert v.processed, f"{v.case}: Squid failed before reading any line"
    last = result.lines[len(v.processed) - 1]
    assert last.text == v.processed[-1], f"{v.case}: reader and Squid disagree on the lines"
    return {(os.path.basename(last.file), last.first_line)}


def test_corpus_is_present() -> None:
    assert ALL, f"the recorded verdicts are missing: expected {VERDICTS}"
    assert any(not v.accepted for v in ALL) and any(v.accepted and v.quiet for v in ALL)


@pytest.mark.parametrize("v", [v for v in ALL if not v.accepted], ids=lambda v: v.case)
def test_rejected_config_has_error_on_the_line_squid_named(v: Verdict) -> None:
    result, diagnostics = _read(v)
    errors = {(os.path.basename(d.file), d.line) for d in diagnostics
              if d.severity is Severity.ERROR}
    missing = complained_lines(v, result) - errors
    assert not missing, (f"{v.case}: Squid exits {v.exit_code} ({v.messages}) but no error at "
                         f"{sorted(missing)}; got {[(d.line, d.code) for d in diagnostics]}")


@pytest.mark.parametrize("v", [v for v in ALL if v.accepted and v.quiet], ids=lambda v: v.case)
def test_quietly_accepted_config_has_no_unexpected_error(v: Verdict) -> None:
    _, diagnostics = _read(v)
    errors = [f"{d.line}:{d.column} {d.code} {d.message}" for d in diagnostics
              if d.severity is Severity.ERROR and d.code not in SILENT_BREAKAGE]
    assert not errors, f"{v.case}: Squid accepts it silently, yet: {errors}"


@pytest.mark.parametrize("v", [v for v in ALL if v.accepted and not v.quiet],
                         ids=lambda v: v.case)
def test_accepted_config_with_squid_complaints_is_not_clean(v: Verdict) -> None:
    _, diagnostics = _read(v)
    loud = [d for d in diagnostics if d.severity is not Severity.INFO]
    assert loud, f"{v.case}: Squid logs {v.messages} but the linter reports nothing above info"


@pytest.mark.parametrize("v", ALL, ids=lambda v: v.case)
def test_reader_sees_the_lines_squid_echoed(v: Verdict) -> None:
    result, _ = _read(v)
    ours = [line.text for line in result.lines][:len(v.processed)]
    assert ours == list(v.processed)


def test_silent_breakage_rules_are_errors_that_exist() -> None:
    from squidcarp.lint.rules import by_code

    rules = by_code()
    for code in SILENT_BREAKAGE:
        assert rules[code].severity is Severity.ERROR
