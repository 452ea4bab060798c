"""What the commands print of config, URL and packet bytes (cli.common.show)."""

from __future__ import annotations

import pytest

from squidcarp.cli.common import show
from squidcarp.conf.source import printable


@pytest.mark.parametrize(("data", "shown"), [
    (b"caf\xc3\xa9", "caf\u00e9"),                       # UTF-8 stays itself
    (b"a\xffb", "a\\xffb"),                               # other bytes as \xNN
    (b"\x1b[31m\xe2\x80\xaeRTL", "\\x1b[31m\\u202eRTL"),  # ESC and an RTL override, inert
    ("l\u2028m", "l\\u2028m"),                            # a line separator moves the cursor
    ("x\ud800y", "x\\ud800y"),                            # a lone surrogate (it raised)
    ("b\udcffc", "b\\xffc"),                              # a byte the reader kept as a surrogate
])
def test_show_escapes_what_would_steer_a_terminal(data: bytes | str, shown: str) -> None:
    assert show(data) == shown
    assert show(data).encode("utf-8")  # valid UTF-8 whatever came in


def test_show_and_printable_are_one_definition() -> None:
    text = "".join(map(chr, range(0x2100))) + "\udc80\udcff"
    assert show(text) == printable(text)
