"""URL-list reading (squidcarp.carp.inputs.target_lines): blanks, empty and comment lines."""

from __future__ import annotations

import pytest

from squidcarp.carp.inputs import target_lines


@pytest.mark.parametrize(("data", "lines"), [
    (b"http://a/\nhttp://b/\n", [b"http://a/", b"http://b/"]),
    (b"http://a/\nhttp://b/", [b"http://a/", b"http://b/"]),
    (b"http://a/ \nhttp://b/\n", [b"http://a/", b"http://b/"]),  # space before a line feed
    (b"http://a/\n http://b/\n", [b"http://a/", b"http://b/"]),  # space after one
    (b"http://a/%20x y\nhttp://b/\n", [b"http://a/%20x y", b"http://b/"]),  # inner space kept
    (b"http://a/\r\nhttp://b/\r\n", [b"http://a/", b"http://b/"]),
    (b"\thttp://a/\x0b\n\x0chttp://b/", [b"http://a/", b"http://b/"]),
    (b" http://a/\nhttp://b/ ", [b"http://a/", b"http://b/"]),
    (b"# urls\nhttp://a/\n\n#x\nhttp://b/\n", [b"http://a/", b"http://b/"]),
    (b"\nhttp://a/\n", [b"http://a/"]),
    (b"", []),
    (b"http://\xff/\n", [b"http://\xff/"]),  # bytes stay bytes
])
def test_target_lines(data: bytes, lines: list[bytes]) -> None:
    assert target_lines(data) == lines
