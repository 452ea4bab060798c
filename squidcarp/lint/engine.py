"""Run the rules over a read config: select/ignore, inline suppressions, ordering."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import NamedTuple

from squidcarp.conf.reader import ReadResult
from squidcarp.conf.source import printable
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Diagnostic, Severity
from squidcarp.lint.rule import Rule
from squidcarp.lint.rules import RULES

# "# squidcarp: disable=SC101,SC140" (this logical line) or "disable-next-line=..." (the next one).
# Without "=CODES" every rule is silenced there.
# (Pattern strings, not compiled objects: re compiles and caches them on first use, so a run
# over a config without suppressions never pays for compiling them.)
SUPPRESS = (
    r"#\s*squidcarp:\s*(disable-next-line|disable)(?:\s*=\s*([A-Za-z0-9_,\s-]+))?")


class LintOptions(NamedTuple):
    select: frozenset[str] = frozenset()
    """Codes or names to run (empty = all)."""
    ignore: frozenset[str] = frozenset()
    squid_version: str = "5"
    rules: Sequence[Rule] = RULES


def matches(rule: Rule, key: str) -> bool:
    """Whether ``--select``/``--ignore`` word ``key`` names ``rule``: its code, its name, or a
    code prefix (``SC1``, ``SC14``)."""
    return key in (rule.code, rule.name) or (
        key[:2] == "SC" and key[2:].isdigit() and rule.code.startswith(key))


def _wanted(rule: Rule, options: LintOptions) -> bool:
    if options.select and not any(matches(rule, key) for key in options.select):
        return False
    return not any(matches(rule, key) for key in options.ignore)


def lint(read: ReadResult, options: LintOptions | None = None) -> list[Diagnostic]:
    opts = options or LintOptions()
    out: list[Diagnostic] = []
    suppressed = _suppressions(read)
    for rule in opts.rules:
        if not _wanted(rule, opts):
            continue
        ctx = LintContext(read, opts.squid_version, rule.kinds)
        help_text = rule.help  # one string shared by the rule's diagnostics
        for f in rule.check(ctx):
            if suppressed and _is_suppressed(rule, f.pos.file, f.pos.line, suppressed):
                continue
            # file and message as printable text: every output format stays valid UTF-8 and
            # no config byte reaches a terminal as a control character
            out.append(Diagnostic(
                file=printable(f.pos.file), line=f.pos.line, column=f.pos.column,
                code=rule.code, name=rule.name, severity=f.severity or rule.severity,
                message=printable(f.message), help=help_text, end_column=f.end_column))
    return in_order(out, printable(read.path))


_ORDER = ("message", "code", "column", "line", "file")  # least significant first


def in_order(found: list[Diagnostic], main: str) -> list[Diagnostic]:
    """``found`` sorted by file (``main`` first), line, column, code and message, with
    duplicates dropped (a rule may reach one finding twice). Sorted in place.

    One stable sort per field, least significant first, instead of one sort by a key tuple:
    each key is a value the diagnostic already holds, so ordering a report of a million
    diagnostics builds no million key tuples (see bench/scale_bench.py).
    """
    for name in _ORDER:
        found.sort(key=attrgetter(name))
    found.sort(key=lambda d: d.file != main)
    unique: list[Diagnostic] = []
    group = 0  # where, in ``unique``, the diagnostics at this place with this message begin
    for d in found:
        if unique and not _same_place(unique[group], d):
            group = len(unique)
        if d not in unique[group:]:
            unique.append(d)
    return unique


def _same_place(a: Diagnostic, b: Diagnostic) -> bool:
    """Whether ``a`` and ``b`` tie in :func:`in_order` (duplicates can only be among those)."""
    return (a.line == b.line and a.column == b.column and a.file == b.file and a.code == b.code
            and a.message == b.message)


def _suppressions(read: ReadResult) -> dict[tuple[str, int], frozenset[str] | None]:
    """(file, line) -> codes silenced there (None = all)."""
    if not any(source.mentions("squidcarp:") for source in read.files.values()):
        return {}
    spans: dict[tuple[str, int], tuple[int, int]] = {}
    for logical in read.lines:
        for n in range(logical.first_line, logical.last_line + 1):
            spans[(logical.file, n)] = (logical.first_line, logical.last_line)
    result: dict[tuple[str, int], frozenset[str] | None] = {}
    for label, source in read.files.items():
        if not source.mentions("squidcarp:"):
            continue
        lines = source.texts
        for index, text in enumerate(lines, start=1):
            m = re.search(SUPPRESS, text)
            if not m:
                continue
            codes = (frozenset(c.strip() for c in re.split(r"[,\s]+", m.group(2)) if c.strip())
                     if m.group(2) else None)
            if m.group(1) == "disable":
                first, last = spans.get((label, index), (index, index))
            else:
                target = index + 1
                while target <= len(lines) and _is_blank_or_comment(lines[target - 1]):
                    target += 1
                first, last = spans.get((label, target), (target, target))
            for n in range(first, last + 1):
                _merge(result, (label, n), codes)
    return result


def _is_blank_or_comment(text: str) -> bool:
    s = text.strip()
    return not s or s.startswith("#")


def _merge(table: dict[tuple[str, int], frozenset[str] | None], key: tuple[str, int],
           codes: frozenset[str] | None) -> None:
    if key in table:
        old = table[key]
        table[key] = None if old is None or codes is None else old | codes
    else:
        table[key] = codes


def _is_suppressed(rule: Rule, file: str, line: int,
                   table: dict[tuple[str, int], frozenset[str] | None]) -> bool:
    key = (file, line)
    if key not in table:
        return False
    codes = table[key]
    return codes is None or rule.code in codes or rule.name in codes


def worst(diagnostics: Iterable[Diagnostic]) -> Severity | None:
    ranked = sorted((d.severity for d in diagnostics), key=lambda s: s.rank, reverse=True)
    return ranked[0] if ranked else None
