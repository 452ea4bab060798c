"""What the reader keeps once instead of twice: a file's text, and the logical line of a
directive read from its own line (bench/scale_bench.py measures the memory; these tests hold
the values)."""

from __future__ import annotations

import pytest

from squidcarp.conf import read_bytes
from squidcarp.conf.lexer import LogicalLine
from squidcarp.conf.model import OWN_LINE, Position, Token
from squidcarp.conf.source import SourceFile, records


@pytest.mark.parametrize("data", [
    b"", b"\n", b"a", b"a\n", b"a\nb", b"a\r\nb\r\n", b"x\x0cy\n\x0bz\x85\n", b"\xff\xfe name\n",
    b"cache_peer a parent 3128 0\n\n\n", "caf\u00e9 \u2028\n".encode(),
])
def test_a_source_file_gives_its_exact_bytes_back(data: bytes) -> None:
    source = SourceFile.of("f.conf", data)
    assert source.data == data
    assert "".join(source.lines).encode("utf-8", "surrogateescape") == data


def test_lines_records_and_directives_share_the_files_strings() -> None:
    r = read_bytes(b"http_port 3128\n  acl a src 10.0.0.1\n", "t.conf")
    texts = r.files["t.conf"].texts
    port, acl = r.config.directives
    assert port.text is texts[0]  # the file's own string, not a copy
    assert acl.text == "acl a src 10.0.0.1" and acl.column == 3
    assert [rec.text for rec in records(b"a\nb\n")] == ["a", "b"]


def test_a_directive_read_from_its_own_line_stands_for_it() -> None:
    r = read_bytes(b"# c\nhttp_port 3128\n  acl a src 10.0.0.1  # note\nacl b src \\\n 1.2.3.4\n",
                   "t.conf")
    port, acl_a, acl_b = r.config.directives
    assert port.source is OWN_LINE and acl_a.source is OWN_LINE
    assert acl_b.source is not OWN_LINE  # joined from two records: its line keeps a map
    assert list(r.lines) == [
        LogicalLine("t.conf", "http_port 3128", 2, 2, 1),
        LogicalLine("t.conf", "acl a src 10.0.0.1  # note", 3, 3, 3),
        r.lines[2],
    ]
    assert (r.lines[2].text, r.lines[2].first_line, r.lines[2].last_line) == (
        "acl b src 1.2.3.4", 4, 5)
    assert len(r.lines) == 3 and r.lines[0:2] == list(r.lines)[0:2]
    assert r.lines[-1].position(10) == Position("t.conf", 5, 2)
    # tokens cut from the directive's own line keep their file positions
    assert acl_a.args == (Token("a", Position("t.conf", 3, 7), "a"),
                          Token("src", Position("t.conf", 3, 9), "src"),
                          Token("10.0.0.1", Position("t.conf", 3, 13), "10.0.0.1"))


def test_lines_switched_off_or_made_by_macros_are_kept_as_lines() -> None:
    r = read_bytes(b"if false\nhttp_port 1\nendif\nvisible_hostname ${service_name}\n",
                   "t.conf")
    (host,) = r.config.directives
    assert host.source is not OWN_LINE  # macros changed the text: the line maps it back
    assert [line.text for line in r.lines] == [
        "if false", "http_port 1", "endif", "visible_hostname squid"]
    assert [line.text for line in r.inactive] == ["http_port 1"]


def test_one_argument_is_cut_without_the_others() -> None:
    r = read_bytes(b"cache_peer 10.0.0.1 parent 3128 0 carp name=a # note\n"
                   b"acl x src \\\n  10.0.0.0/8\n", "t.conf")
    peer, acl = r.config.directives
    assert [peer.arg(i) for i in range(6)] == list(peer.args)
    assert peer.arg(5) == Token("name=a", Position("t.conf", 1, 40), "name=a")
    assert acl.arg(2) == Token("10.0.0.0/8", Position("t.conf", 3, 3), "10.0.0.0/8")
    for directive, past in ((peer, 6), (acl, 3)):  # '# note' ends the words
        with pytest.raises(IndexError):
            directive.arg(past)
    with pytest.raises(IndexError):
        peer.arg(-1)
    assert r.config.peers[0].option("name")[0].token == peer.arg(5)
