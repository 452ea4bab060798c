"""The portable regex subset: what is refused and why, and that accepted patterns mean the same in
glibc's POSIX regcomp (what Squid's url_regex uses) and in Python's re (what the helper uses)."""

from __future__ import annotations

import ctypes
import ctypes.util
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from squidcarp.exceptions.regex import problem, python_pattern

ACCEPTED = [
    r"^http://[^/]*example\.net/nocache/",
    r"(a|b)$",
    r"[a-z0-9_-]+",
    r"a{3}b{2,}c{1,4}",
    r"\.\[\]\(\)\*\+\?\{\}\|\^\$\\\/",
    r"[-a]",
    r"[a^]",
    r"x.y",
]

REFUSED = {
    "": "an empty pattern matches every URL",
    "a**": "at character 3: two repetition operators in a row mean different things in POSIX, "
           "Python and JavaScript",
    r"\d+": "at character 1: '\\d' means different things in POSIX, Python and JavaScript; escape "
            "only . [ ] ( ) * + ? { } | ^ $ \\ /",
    "[]a]": "at character 2: ']' first in brackets is a literal in POSIX and an empty class in "
            "JavaScript; write it outside brackets as '\\]'",
    "a{2,1}": "at character 2: {2,1}: the upper count is below the lower one",
    "a|": "at character 3: empty alternative (write the pattern without the extra '|')",
    "[z-a]": "at character 2: range 'z-a': only ranges within digits, lower-case or upper-case "
             "letters mean the same in every engine",
    "é": "at character 1: character 'é' is not printable ASCII (the engines count non-ASCII "
         "characters differently; use the %-escaped form)",
    "x{": "at character 2: '{' starts a count {m}, {m,} or {m,n}; escape it as '\\{' for a "
          "literal brace",
    "(?i)a": "at character 2: '(?' extensions exist only in Python and JavaScript",
    "(ab": "at character 1: '(' is never closed",
    "ab)": "at character 3: ')' without '('",
    "*a": "at character 1: '*' must be escaped as '\\*' here",
    "^*": "at character 2: '*' must follow something to repeat",
    "a{256}": "at character 2: counts above 255 are refused by POSIX regcomp",
    "[[:alpha:]]": "at character 2: '[' inside brackets means different things in POSIX, Python "
                   "and JavaScript",
    r"[\d]": "at character 2: '\\' inside brackets means different things in POSIX, Python and "
             "JavaScript",
    "[a-]b-c]": "at character 8: ']' must be escaped as '\\]' here",
    "[a-b-c]": "at character 5: '-' inside brackets must come first or last",
    "a\\": "at character 2: a trailing '\\' means different things in POSIX, Python and "
           "JavaScript; escape only . [ ] ( ) * + ? { } | ^ $ \\ /",
    "a}": "at character 2: '}' must be escaped as '\\}' here",
    "[ab": "at character 1: '[' is never closed",
    "a\tb": "at character 2: character '\\t' is not printable ASCII (the engines count non-ASCII "
            "characters differently; use the %-escaped form)",
}


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_accepted(pattern: str) -> None:
    assert problem(pattern) is None
    re.compile(python_pattern(pattern))


@pytest.mark.parametrize(("pattern", "reason"), REFUSED.items())
def test_refused_with_the_reason(pattern: str, reason: str) -> None:
    assert problem(pattern) == reason


def test_python_form() -> None:
    assert python_pattern(r"^(a|b)$") == r"^(?:a|b)\Z"
    assert python_pattern(r"[$(]x\$") == r"[$(]x\$"
    assert re.search(python_pattern("a$"), "a\n") is None  # POSIX: $ is the end, nothing else


# --- glibc regcomp/regexec, the engine behind Squid's url_regex ---------------------------------

REG_EXTENDED, REG_NOSUB = 1, 8  # glibc <regex.h>


class _Posix:
    def __init__(self) -> None:
        self.libc = ctypes.CDLL(ctypes.util.find_library("c"))
        self.buffer = ctypes.create_string_buffer(256)  # regex_t is 64 bytes on x86-64

    def search(self, pattern: str, text: str) -> bool:
        rc = self.libc.regcomp(self.buffer, pattern.encode(), REG_EXTENDED | REG_NOSUB)
        assert rc == 0, f"regcomp refused {pattern!r} ({rc})"
        try:
            return self.libc.regexec(self.buffer, text.encode("latin-1"), 0, None, 0) == 0
        finally:
            self.libc.regfree(self.buffer)


POSIX = _Posix()
ALPHABET = "ab.-/:"
atoms = st.sampled_from(["a", "b", "/", ":", "-", ".", r"\.", r"\/", "[ab]", "[^a]", "[a-b]",
                         "[-/]"])


@st.composite
def patterns(draw: st.DrawFn, depth: int = 0) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 2 and draw(st.integers(0, 5)) == 0:
            inner = "|".join(draw(st.lists(patterns(depth + 1), min_size=1, max_size=3)))
            atom = f"({inner})"
        else:
            atom = draw(atoms)
        atom += draw(st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,}", "{0,2}"]))
        pieces.append(atom)
    body = "".join(pieces)
    if depth == 0:
        body = draw(st.sampled_from(["", "^"])) + body + draw(st.sampled_from(["", "$"]))
    return body


@settings(max_examples=400, deadline=None)
@given(patterns(), st.lists(st.text(ALPHABET, max_size=8), min_size=1, max_size=6))
def test_posix_and_python_agree(pattern: str, texts: list[str]) -> None:
    assert problem(pattern) is None, pattern
    compiled = re.compile(python_pattern(pattern), re.ASCII | re.DOTALL)
    for text in texts:
        assert POSIX.search(pattern, text) == (compiled.search(text) is not None), (pattern, text)


def test_a_count_of_unicode_digits_is_refused_not_a_crash() -> None:
    assert problem("a{\u00b2}") == ("at character 2: '{' starts a count {m}, {m,} or {m,n}; "
                                    "escape it as '\\{' for a literal brace")
