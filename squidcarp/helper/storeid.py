"""Store-ID rules in the DB format of Squid's bundled ``storeid_file_rewrite``, matched fast.

DB format (src/store/id_rewriters/file/storeid_file_rewrite.pl.in): one rule per line, a regex,
one or more TABs, and a replacement; blanks around both are trimmed; neither may contain a TAB.
Lines that are empty, blank, or a lone ``#`` (after blanks) are skipped; the Perl helper reports
any other line without a TAB as a parse error and skips it, so ``# text`` works as a comment there
with a complaint, and here without one. Note that a line such as ``# old<TAB>rule`` is *not* a
comment for the Perl helper: it is a rule whose regex is ``# old``. This module reads it the same
way, so a DB behaves alike under both helpers.

Matching: the first rule (in file order) whose regex matches anywhere in the **URL** wins and
its replacement becomes the store-id, with ``$1`` .. ``$9`` replaced by that rule's groups (a
group that did not take part gives the empty string). Where the Perl helper differs, on purpose:

* it matches the whole input line, URL *and* extras, so ``(.*)`` also captures the client
  address and method that Squid appends, and a rule ending in ``$`` never matches while extras
  are on; here only the URL is matched;
* it substitutes ``$1``, ``$2``, ... one after another over the growing result, so text a group
  brought in can be substituted again, and with no group at all ``$1`` becomes ``1``; here the
  replacement is read once, and ``$N`` beyond the rule's groups stays as written;
* a line it cannot parse (no TAB, three fields) is reported and skipped; here the whole DB is
  refused (every problem listed with ``file:line``), so a DB that lost a rule to a typo never
  replaces a good one. Only ``#`` comment lines without a TAB are skipped quietly.

Regexes are Python ``re`` patterns (the Perl patterns such DBs hold in practice — classes,
groups, anchors, quantifiers, ``\\d \\w \\s`` — mean the same; a pattern Python cannot compile is
reported with its line). Speed: all rules are tried in one combined regex, each in its own group,
so a URL costs one regex search, not one per rule; see :meth:`StoreIdDb.lookup` for why the
first-match order is kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

# src/store/id_rewriters/file/storeid_file_rewrite.pl.in: skipped lines and the rule shape.
# (ASCII: Perl reads the file as bytes, where \s is ASCII white space only, no no-break space.)
_SKIP = re.compile(r"\s*#?\s*", re.ASCII)
_COMMENT = re.compile(r"\s*#[^\t]*", re.ASCII)  # no TAB: the Perl helper's parse error: skipped
_RULE = re.compile(r"\s*([^\t]+?)\s*\t+\s*([^\t]+?)\s*", re.ASCII)
_REF = re.compile(r"\$([1-9])")
# The Perl helper matches the URL's bytes: \d, \w, \s, \b and (?i) know ASCII only.
PERL_BYTES = re.ASCII


class StoreIdError(ValueError):
    """A DB that cannot be used; ``problems`` are ``file:line: message`` strings."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


class Rule(NamedTuple):
    """One DB line: where it is, its regex and its replacement text."""

    where: str
    pattern: str
    replacement: str


def _anchored(pattern: str) -> bool:
    """True when ``pattern`` can only match at the start of the string: it starts with ``^``
    (or ``\\A``) and has no ``|`` outside groups and classes."""
    if not (pattern.startswith("^") or pattern.startswith("\\A")):
        return False
    depth = 0
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return False
        i += 1
    return True


class _Compiled:
    """A rule ready to match: its own regex, its group count, its replacement as a
    ``str.format`` template (``$N`` -> ``{N-1}``), or a constant when it has no ``$N``."""

    __slots__ = ("anchored", "constant", "groups", "regex", "rule", "search", "template")

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.regex = re.compile(rule.pattern, PERL_BYTES)
        self.groups = self.regex.groups
        self.anchored = _anchored(rule.pattern)
        # the rule's own regex, re-run on the winning URL for its groups
        self.search = self.regex.match if self.anchored else self.regex.search
        parts: list[str] = []
        last = 0
        refs = 0
        for m in _REF.finditer(rule.replacement):
            number = int(m.group(1))
            if number > self.groups:
                continue
            parts.append(_braces(rule.replacement[last:m.start()]))
            parts.append(f"{{{number - 1}}}")
            refs += 1
            last = m.end()
        parts.append(_braces(rule.replacement[last:]))
        self.template = "".join(parts)
        # a replacement without $N (or a rule without groups) is the same for every URL
        self.constant = rule.replacement if not refs else None

    def expand(self, url: str) -> str:
        """The replacement for ``url`` (which this rule matches): ``$N`` filled from the
        rule's groups, a group that did not take part giving the empty string."""
        if self.constant is not None:
            return self.constant
        m = self.search(url)
        assert m is not None
        return self.template.format(*m.groups(""))


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def parse_db(text: str, name: str = "<db>") -> tuple[Rule, ...]:
    """The rules of a DB text; raises :class:`StoreIdError` listing every bad line."""
    rules = []
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if _SKIP.fullmatch(line) or _COMMENT.fullmatch(line):
            continue
        m = _RULE.fullmatch(line)
        if m is None:
            problems.append(f"{name}:{number}: not a rule: expected REGEX, TAB, REPLACEMENT")
            continue
        rule = Rule(f"{name}:{number}", m.group(1), m.group(2))
        try:
            re.compile(rule.pattern, PERL_BYTES)
        except re.error as exc:
            problems.append(f"{name}:{number}: bad regex {rule.pattern!r}: {exc}")
            continue
        rules.append(rule)
    if problems:
        raise StoreIdError(problems)
    return tuple(rules)


# Patterns that mean something else inside a bigger regex, or cannot go there: numbered or named
# back-references and groups, conditionals, global inline flags.
_SOLO = re.compile(r"\\[1-9]|\(\?P|\(\?\(|\(\?[aiLmsux]+\)")


def _without_captures(pattern: str) -> str:
    """``pattern`` with each capturing ``(`` made ``(?:`` (same matches, no group bookkeeping:
    capturing groups inside a big alternation make Python's re several times slower)."""
    out = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append(pattern[i:j + 1])
            i = j + 1
            continue
        if c == "(" and not pattern.startswith("?", i + 1):
            out.append("(?:")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _combined(indices: Sequence[int], compiled: Sequence[_Compiled]) -> re.Pattern[str] | None:
    """One regex trying the rules ``indices`` in order; group k (1-based) marks rule k-1."""
    if not indices:
        return None
    return re.compile("|".join(f"(?:{_without_captures(compiled[i].rule.pattern)})()"
                               for i in indices), PERL_BYTES)


class StoreIdDb:
    """Compiled Store-ID rules: :meth:`lookup` gives the store-id of a URL, or None."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        compiled = tuple(_Compiled(r) for r in self.rules)
        self._compiled = compiled
        anchored: list[int] = []
        floating: list[int] = []
        alone: list[int] = []
        for index, c in enumerate(compiled):
            if _SOLO.search(c.rule.pattern) or not _combinable(c.rule.pattern):
                alone.append(index)
            elif c.anchored:
                anchored.append(index)
            else:
                floating.append(index)
        self._anchored = _combined(anchored, compiled)
        self._anchored_rules = tuple(anchored)
        self._floating = _combined(floating, compiled)
        self._floating_rules = tuple(floating)
        self._alone = tuple(alone)
        # the fast path of lookup(): every rule in the anchored alternation
        self._only_anchored = (self._anchored.match if self._anchored is not None
                               and not floating and not alone else None)
        self._by_marker = {n: compiled[i] for n, i in enumerate(anchored, start=1)}

    @classmethod
    def from_text(cls, text: str, name: str = "<db>") -> StoreIdDb:
        return cls(parse_db(text, name))

    @classmethod
    def load(cls, path: str) -> StoreIdDb:
        """Read a DB file (UTF-8; other bytes kept as surrogate escapes)."""
        with open(path, "rb") as fh:
            data = fh.read()
        return cls.from_text(data.decode("utf-8", "surrogateescape"), path)

    def first(self, url: str) -> int | None:
        """The index of the first rule (in DB order) that matches ``url``, or None.

        Rules anchored at the start (``^...`` with no top-level ``|``) can only match at
        position 0: one ``match`` of their alternation, which tries them in DB order, names the
        first of them that matches. For the others, ``search`` finds the leftmost position where
        any matches and the first of them in DB order there; one earlier in DB order may still
        match further right, so those are tried on their own. Rules that cannot share a regex
        (back-references, named groups, global flags) are tried on their own too.
        """
        best = len(self._compiled)
        if self._anchored is not None:
            m = self._anchored.match(url)
            if m is not None:
                best = self._anchored_rules[(m.lastindex or 1) - 1]
        if self._floating is not None and self._floating_rules[0] < best:
            m = self._floating.search(url)
            if m is not None:
                found = self._floating_rules[(m.lastindex or 1) - 1]
                for index in self._floating_rules:
                    if index >= found:
                        break
                    if self._compiled[index].regex.search(url) is not None:
                        found = index
                        break
                best = min(best, found)
        for index in self._alone:
            if index >= best:
                break
            if self._compiled[index].regex.search(url) is not None:
                best = index
                break
        return best if best < len(self._compiled) else None

    def match(self, url: str) -> tuple[Rule, str] | None:
        """The first rule matching ``url`` and the store-id it gives, or None."""
        index = self.first(url)
        if index is None:
            return None
        c = self._compiled[index]
        return c.rule, c.expand(url)

    def lookup(self, url: str) -> str | None:
        """The store-id for ``url`` (first matching rule), or None when no rule matches."""
        if self._only_anchored is not None:  # the usual DB: every rule anchored
            m = self._only_anchored(url)
            if m is None:
                return None
            return self._by_marker[m.lastindex or 1].expand(url)
        index = self.first(url)
        if index is None:
            return None
        return self._compiled[index].expand(url)


def _combinable(pattern: str) -> bool:
    """Whether ``pattern``, without its captures, still compiles inside a group."""
    try:
        re.compile(f"(?:{_without_captures(pattern)})()")
    except re.error:
        return False
    return True
