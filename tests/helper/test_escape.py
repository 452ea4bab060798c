"""Squid's %-escaping (lib/rfc1738.c) as the helper reads and writes it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from squidcarp.helper.escape import escape, escape_unescaped, unescape, unescape_text


def test_escape_marks_controls_space_unsafe_high_and_percent() -> None:
    assert escape(b"a Z9\t\x7f\xe9%<>\"#{}|\\^~[]`'") == (
        b"a%20Z9%09%7F%E9%25%3C%3E%22%23%7B%7D%7C%5C%5E%7E%5B%5D%60%27")


def test_escape_keeps_reserved_characters() -> None:
    assert escape(b";/?:@=&-._!*()$,+") == b";/?:@=&-._!*()$,+"


def test_extras_escaping_keeps_percent() -> None:
    assert escape_unescaped(b"a b%41\xff") == b"a%20b%41%FF"


def test_unescape_as_squid() -> None:
    assert unescape(b"%41%62c") == b"Abc"
    assert unescape(b"100%%") == b"100%"
    assert unescape(b"%00x") == b"%00x"  # a NUL would end Squid's C string: kept as text
    assert unescape(b"%4") == b"%4"
    assert unescape(b"%zz%4g") == b"%zz%4g"
    assert unescape(b"%%41") == b"%41"  # "%%" first, then "41" is plain text
    assert unescape(b"%e9") == b"\xe9"


def test_unescape_text_keeps_bytes_that_are_not_utf8() -> None:
    assert unescape_text("caf%E9") == "caf\udce9"
    assert unescape_text("caf%C3%A9") == "café"


@given(st.binary().filter(lambda b: b"\x00" not in b))
def test_unescape_undoes_escape(data: bytes) -> None:
    assert unescape(escape(data)) == data
    assert b" " not in escape(data) and b"\n" not in escape(data)


@given(st.binary())
def test_escaped_values_are_printable_ascii_without_space(data: bytes) -> None:
    for out in (escape(data), escape_unescaped(data)):
        assert all(0x21 <= b <= 0x7E for b in out)
