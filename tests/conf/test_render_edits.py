"""Round trips *with edits*: render must change exactly the token the reader saw, wherever the
reader saw it (issue 8 §4/§5: form feeds and friends, continuations)."""

from __future__ import annotations

import pytest

from squidcarp.conf import read_bytes
from squidcarp.conf.migrate import migrate
from squidcarp.conf.render import Edit, RenderError, render
from squidcarp.conf.source import physical_lines

PEERS = (b"cache_peer 127.0.0.1 parent 3901 0 name=a carp-load-factor=0.25\n"
         b"cache_peer 127.0.0.1 parent 3902 0 name=b carp-load-factor=0.75\n")
MIGRATED = (b"cache_peer 127.0.0.1 parent 3901 0 name=a carp weight=1\n"
            b"cache_peer 127.0.0.1 parent 3902 0 name=b carp weight=3\n")

# Characters str.splitlines() breaks at but fgets() does not: each is part of its line.
NOT_LINE_BREAKS = ["\x0c", "\r", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("char", NOT_LINE_BREAKS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_line_holding_a_splitlines_break_before_the_edit(char: str) -> None:
    head = f"visible_hostname a{char}b\n".encode()
    out = migrate(read_bytes(head + PEERS, "s.conf"))
    assert out.invalid == ()
    assert out.outputs["s.conf"] == head + MIGRATED


def test_form_feeds_do_not_shift_the_edit_onto_an_inactive_line() -> None:
    # splitlines() would see 3 lines before the active peer and rewrite the inactive one
    text = (b"# a\x0cb\x0cc\n"
            b"if false\n"
            b"cache_peer 127.0.0.1 parent 3901 0 name=x carp-load-factor=0.5\n"
            b"endif\n") + PEERS
    out = migrate(read_bytes(text, "s.conf"))
    assert out.outputs["s.conf"] == text.replace(PEERS, MIGRATED)


def test_a_factor_split_by_a_continuation() -> None:
    text = (b"cache_peer 127.0.0.1 parent 3901 0 name=a carp-load-\\\n"
            b"    factor=0.25 no-query\n"
            b"cache_peer 127.0.0.1 parent 3902 0 name=b carp-load-factor=0.75\n")
    read = read_bytes(text, "s.conf")
    out = migrate(read)
    assert out.invalid == ()
    new = out.outputs["s.conf"]
    assert new == (b"cache_peer 127.0.0.1 parent 3901 0 name=a \\\n"
                   b"    carp weight=1 no-query\n"
                   b"cache_peer 127.0.0.1 parent 3902 0 name=b carp weight=3\n")
    again = read_bytes(new, "s.conf").config.peers  # read back: what was meant, and nothing else
    assert [(p.name, p.carp, p.weight, p.queries.no_query) for p in again] == [
        ("a", True, 1, True), ("b", True, 3, False)]


def test_a_token_split_over_a_comment_line_inside_a_continuation() -> None:
    text = b"visible_hostname abc\\\n# note\n  def\n"
    read = read_bytes(text, "s.conf")
    [d] = read.config.directives
    assert d.args[0].text == "abcdef"
    assert render(read.files["s.conf"], [Edit(d.args[0], "xyz")]) == b"visible_hostname \\\n# " \
        b"note\n  xyz\n"


def test_round_trip_with_edits_changes_only_the_tokens() -> None:
    text = b"# keep\x0c\n\nhttp_port  3128   # trailing\n  visible_hostname \t host  \n"
    read = read_bytes(text, "s.conf")
    port, host = read.config.directives
    edits = [Edit(port.args[0], "8080"), Edit(host.args[0], "other")]
    assert render(read.files["s.conf"], edits) == (
        b"# keep\x0c\n\nhttp_port  8080   # trailing\n  visible_hostname \t other  \n")
    assert render(read.files["s.conf"]) == text  # and no edit: the bytes themselves


def test_an_edit_that_does_not_match_is_refused() -> None:
    read = read_bytes(b"http_port 3128\n", "s.conf")
    [port] = read.config.directives
    stale = port.args[0]._replace(raw="3129")
    with pytest.raises(RenderError, match=r"s.conf:1:11: expected '3129', found '3128'"):
        render(read.files["s.conf"], [Edit(stale, "1")])


def test_physical_lines_are_the_readers() -> None:
    text = "a\x0cb\nc\u2028d\r\ne"
    assert physical_lines(text) == ["a\x0cb\n", "c\u2028d\r\n", "e"]
    assert "".join(physical_lines(text)) == text
    assert physical_lines("") == [] and physical_lines("x\n") == ["x\n"]


@pytest.mark.parametrize(("factors", "problem"), [
    ((b"1e5000", b"1"), "s.conf:1:29: 'carp-load-factor=1e5000' is larger than a C double holds"),
    ((b"1e-12", b"1"), "s.conf:1:29: the exact shares need weights up to 1000000000000 (adding "
     "up to 1000000000001), more than Squid takes: weight= is a C int and CARP adds the weights "
     "in an int, at most 2147483647; round the factors (e.g. to 3 decimals)"),
    ((b"1_0", b"1"), "s.conf:1:29: 'carp-load-factor=1_0' is not a number"),
])
def test_factors_squid_could_not_use_are_refused(factors: tuple[bytes, bytes], problem: str
                                                 ) -> None:
    text = b"".join(b"cache_peer h%d parent 3128 0 carp-load-factor=%s\n" % (i, f)
                    for i, f in enumerate(factors))
    out = migrate(read_bytes(text, "s.conf"))
    assert out.outputs == {}
    assert out.invalid == (problem,)


def test_a_factor_below_any_double_is_zero_and_needs_no_huge_number() -> None:
    text = (b"cache_peer h0 parent 3128 0 carp-load-factor=1e-999999999\n"
            b"cache_peer h1 parent 3128 0 carp-load-factor=1\n")
    out = migrate(read_bytes(text, "s.conf"))
    assert out.invalid == () and out.weights == {"h0": 1, "h1": 1}
