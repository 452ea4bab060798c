"""The regular expressions a CARP exception may use: the part Squid, Python and JavaScript agree on.

An exception's URL pattern is matched in three engines: Squid's ``url_regex`` ACL (POSIX extended
regular expressions, ``regcomp(REG_EXTENDED | REG_NOSUB)``, src/base/RegexPattern.cc), the
squidcarp helper (Python :mod:`re`) and the generated PAC file (JavaScript ``RegExp``). The three
dialects differ (``\\d`` is a digit in two of them and a ``d`` in the third; ``[\\]]`` is a class
in two; ``$`` before a trailing newline matches in Python only; ``[[:alpha:]]`` exists only in
POSIX), so a pattern is accepted only when every construct in it means the same everywhere:

* printable ASCII characters other than ``. [ ] ( ) * + ? { } | ^ $ \\``, which match themselves;
* ``.``, ``^`` and ``$``; groups ``( )`` and alternatives ``|`` (no empty ones);
* ``*``, ``+``, ``?`` and ``{m}``, ``{m,}``, ``{m,n}`` (m <= n <= 255, RE_DUP_MAX) after an atom,
  never two in a row;
* ``\\`` followed by one of ``. [ ] ( ) * + ? { } | ^ $ \\ /``: that character itself;
* bracket expressions ``[...]`` and ``[^...]`` of plain characters and ranges within digits,
  lower-case or upper-case letters (``0-9``, ``a-f``), ``-`` first or last; no backslash, no
  ``[`` (POSIX classes) and no ``]`` first (an empty class in JavaScript, a literal in POSIX).

:func:`problem` says why a pattern is outside this language (or None); :func:`python_pattern`
writes an accepted pattern for :mod:`re` with the same meaning (``$`` as ``\\Z``, groups made
non-capturing so a combined pattern can name each rule).
"""

from __future__ import annotations

from squidcarp.libc import is_digits

SPECIAL = frozenset(".[]()*+?{}|^$\\")
ESCAPABLE = frozenset(".[]()*+?{}|^$\\/")
DUP_MAX = 255  # RE_DUP_MAX, glibc <regex.h>: the largest count in {m,n}
_RANGES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class RegexSubsetError(ValueError):
    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"at character {offset + 1}: {reason}")
        self.offset = offset
        self.reason = reason


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def fail(self, reason: str, at: int | None = None) -> RegexSubsetError:
        return RegexSubsetError(self.i if at is None else at, reason)

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def alternation(self, depth: int) -> None:
        while True:
            start = self.i
            self.branch(depth)
            if self.i == start:
                raise self.fail("empty alternative (write the pattern without the extra '|')")
            if self.peek() != "|":
                return
            self.i += 1

    def branch(self, depth: int) -> None:
        while self.peek() not in ("", "|", ")"):
            quantifiable = self.atom(depth)
            if self.peek() in ("*", "+", "?", "{"):
                if not quantifiable:
                    raise self.fail(f"'{self.peek()}' must follow something to repeat")
                self.quantifier()
                if self.peek() in ("*", "+", "?", "{"):
                    raise self.fail("two repetition operators in a row mean different things in "
                                    "POSIX, Python and JavaScript")

    def atom(self, depth: int) -> bool:
        c = self.peek()
        if c == "(":
            if depth >= 32:
                raise self.fail("groups nested too deeply")
            open_at = self.i
            self.i += 1
            if self.peek() == "?":
                raise self.fail("'(?' extensions exist only in Python and JavaScript")
            self.alternation(depth + 1)
            if self.peek() != ")":
                raise self.fail("'(' is never closed", open_at)
            self.i += 1
            return True
        if c == ")":
            raise self.fail("')' without '('")
        if c == "[":
            self.bracket()
            return True
        if c in ("^", "$"):
            self.i += 1
            return False
        if c == ".":
            self.i += 1
            return True
        if c == "\\":
            nxt = self.text[self.i + 1] if self.i + 1 < len(self.text) else ""
            if nxt not in ESCAPABLE:
                what = f"'\\{nxt}'" if nxt else "a trailing '\\'"
                raise self.fail(f"{what} means different things in POSIX, Python and JavaScript; "
                                "escape only . [ ] ( ) * + ? { } | ^ $ \\ /")
            self.i += 2
            return True
        if c in SPECIAL:  # ] } and stray quantifiers
            raise self.fail(f"'{c}' must be escaped as '\\{c}' here")
        self.literal(c)
        self.i += 1
        return True

    def literal(self, c: str) -> None:
        if not " " <= c <= "~":
            raise self.fail(f"character {c!r} is not printable ASCII (the engines count "
                            "non-ASCII characters differently; use the %-escaped form)")

    def quantifier(self) -> None:
        if self.peek() != "{":
            self.i += 1
            return
        open_at = self.i
        close = self.text.find("}", self.i)
        body = self.text[self.i + 1 : close] if close > 0 else ""
        low, comma, high = body.partition(",")
        if close < 0 or not is_digits(low) or (high and not is_digits(high)):
            raise self.fail("'{' starts a count {m}, {m,} or {m,n}; escape it as '\\{' for a "
                            "literal brace", open_at)
        if not low.isascii() or not high.isascii():
            raise self.fail("counts are ASCII digits", open_at)
        if int(low) > DUP_MAX or (high and int(high) > DUP_MAX):
            raise self.fail(f"counts above {DUP_MAX} are refused by POSIX regcomp", open_at)
        if comma and high and int(high) < int(low):
            raise self.fail(f"{{{body}}}: the upper count is below the lower one", open_at)
        self.i = close + 1

    def bracket(self) -> None:
        open_at = self.i
        self.i += 1
        if self.peek() == "^":
            self.i += 1
        if self.peek() == "]":
            raise self.fail("']' first in brackets is a literal in POSIX and an empty class in "
                            "JavaScript; write it outside brackets as '\\]'")
        items = 0
        while True:
            c = self.peek()
            if c == "":
                raise self.fail("'[' is never closed", open_at)
            if c == "]":
                break
            if c in ("\\", "["):
                raise self.fail(f"'{c}' inside brackets means different things in POSIX, Python "
                                "and JavaScript")
            self.literal(c)
            nxt = self.text[self.i + 1] if self.i + 1 < len(self.text) else ""
            end = self.text[self.i + 2] if self.i + 2 < len(self.text) else ""
            if c != "-" and nxt == "-" and end not in ("", "]"):
                if not any(c in r and end in r and r.index(c) <= r.index(end) for r in _RANGES):
                    raise self.fail(f"range '{c}-{end}': only ranges within digits, lower-case or "
                                    "upper-case letters mean the same in every engine")
                self.i += 3
            else:
                if c == "-" and items and nxt != "]":
                    raise self.fail("'-' inside brackets must come first or last")
                self.i += 1
            items += 1
        self.i += 1


def problem(pattern: str) -> str | None:
    """Why ``pattern`` is not in the portable subset (None when it is)."""
    if not pattern:
        return "an empty pattern matches every URL"
    parser = _Parser(pattern)
    try:
        parser.alternation(0)
        if parser.i != len(pattern):
            raise parser.fail("')' without '('")
    except RegexSubsetError as exc:
        return str(exc)
    return None


def translate(pattern: str, outside: dict[str, str]) -> str:
    """An accepted pattern with each character of ``outside`` replaced where it stands outside
    brackets (escapes and bracket expressions are copied as they are): the one walk over the
    subset's syntax that every target dialect needs."""
    out: list[str] = []
    i = 0
    in_bracket = False
    while i < len(pattern):
        c = pattern[i]
        if in_bracket:
            out.append(c)
            # ']' right after '[' or '[^' is refused by problem(), so any ']' closes.
            in_bracket = c != "]"
        elif c == "\\":
            out.append(pattern[i : i + 2])
            i += 1
        elif c == "[":
            in_bracket = True
            out.append(c)
        else:
            out.append(outside.get(c, c))
        i += 1
    return "".join(out)


def python_pattern(pattern: str) -> str:
    """An accepted pattern written for :mod:`re`: same matches, no capturing groups, ``$`` only
    at the very end (POSIX has no "before a final newline")."""
    return translate(pattern, {"(": "(?:", "$": r"\Z"})
