"""The reader reads squid.conf as Squid 5.7 does (src/cache_cf.cc, src/ConfigParser.cc)."""

from __future__ import annotations

from pathlib import Path

import pytest

from squidcarp.conf import ReadOptions, read_bytes, read_config
from squidcarp.conf.events import Kind, Squid
from squidcarp.conf.model import PeerType
from squidcarp.conf.render import Edit, render


def directives(text: str, **opts: object) -> list[tuple[str, list[str]]]:
    r = read_bytes(text.encode(), "t.conf", ReadOptions(**opts))  # type: ignore[arg-type]
    return [(d.keyword, [a.text for a in d.args]) for d in r.config.directives]


def kinds(text: str, **opts: object) -> list[tuple[str, int, int]]:
    r = read_bytes(text.encode(), "t.conf", ReadOptions(**opts))  # type: ignore[arg-type]
    return [(e.kind.value, e.pos.line, e.pos.column) for e in r.events]


def test_continuation_joins_without_separator_and_skips_comment_lines() -> None:
    text = "acl a src \\\n  # a comment inside\n\n   10.0.0.1\\\n/8\n"
    assert directives(text) == [("acl", ["a", "src", "10.0.0.1/8"])]


def test_backslash_then_blank_is_a_literal_token() -> None:
    text = "visible_hostname x \\ \nhttp_port 3128\n"
    assert directives(text) == [("visible_hostname", ["x", "\\"]), ("http_port", ["3128"])]
    assert ("backslash-blank", 1, 20) in kinds(text)


def test_token_positions_survive_continuations() -> None:
    r = read_bytes(b"cache_peer  a.example parent \\\n     3128 0 carp\n", "t.conf")
    peer = r.config.peers[0]
    assert [(t.text, t.pos.line, t.pos.column) for t in peer.directive.args] == [
        ("a.example", 1, 13), ("parent", 1, 23), ("3128", 2, 6), ("0", 2, 11), ("carp", 2, 13)]


def test_hash_token_ends_line_but_not_inside_a_token() -> None:
    assert directives("cache_peer h parent 1 0 carp#x #name=y no-query\n") == [
        ("cache_peer", ["h", "parent", "1", "0", "carp#x"])]


def test_long_line_is_split_at_8191_bytes() -> None:
    head = "visible_hostname " + "x" * (8191 - len("visible_hostname "))
    text = head + "http_port 3128\n"
    assert directives(text) == [("visible_hostname", ["x" * (8191 - 17)]),
                                ("http_port", ["3128"])]
    assert ("long-line", 1, 8192) in kinds(text)


def test_carriage_return_cuts_the_rest_of_the_line() -> None:
    assert directives("http_port 3128\rjunk\r\nvisible_hostname a\r\n") == [
        ("http_port", ["3128"]), ("visible_hostname", ["a"])]


def test_continuation_at_end_of_file_is_dropped() -> None:
    assert directives("http_port 3128\nvisible_hostname a\\") == [("http_port", ["3128"])]
    assert kinds("http_port 3128\nvisible_hostname a\\") == [("continuation-at-eof", 2, 1)]


def test_if_stack_uses_only_the_top_condition() -> None:
    text = ("if false\n visible_hostname hidden\n if true\n  http_port 1\n endif\n"
            " visible_hostname hidden2\nelse\n http_port 2\nelse\n http_port 3\nendif\n")
    assert directives(text) == [("http_port", ["1"]), ("http_port", ["2"])]
    assert ("if-reactivates", 3, 2) in kinds(text)


def test_if_integer_comparison_uses_strtol_base_zero() -> None:
    text = "if ${process_number} = 0x2\nhttp_port 1\nendif\nif 010 = 8\nhttp_port 2\nendif\n"
    assert directives(text, process_number=2) == [("http_port", ["1"]), ("http_port", ["2"])]
    assert directives(text) == [("http_port", ["2"])]


def test_if_errors_are_fatal_events() -> None:
    got = kinds("else\nendif\nif maybe\nendif\nif true\n")
    assert got == [("if-unbalanced", 1, 1), ("if-unbalanced", 2, 1), ("if-expression", 3, 1),
                   ("if-unclosed", 5, 1)]


def test_macros_expand_and_keep_positions() -> None:
    r = read_bytes(b"visible_hostname ${service_name}-${process_name}${process_number} z\n",
                   "t.conf", ReadOptions(service_name="svc", process_name="squid-disk",
                                         process_number=3))
    d = r.config.directives[0]
    assert [a.text for a in d.args] == ["svc-squid-disk3", "z"]
    assert d.args[1].pos.column == 67
    assert d.text == "visible_hostname svc-squid-disk3 z"


def test_quoted_values_off_keeps_quotes_and_parameters_literally() -> None:
    text = 'acl a note k "x y"\nacl b note k parameters("f")\n'
    assert directives(text)[1] == ("acl", ["b", "note", "k", 'parameters("f")'])
    assert ("parameters-literal", 2, 14) in kinds(text)


def test_quoted_values_on(tmp_path: Path) -> None:
    (tmp_path / "params").write_text("v1 \"v 2\"\n# comment\nv3\n")
    text = ('configuration_includes_quoted_values on\n'
            'acl a note k "x\\ty" parameters("params")\n'
            'cache_peer h parent 1 0 login=a*b\n'
            'acl c note k "\\d"\n')
    r = read_bytes(text.encode(), "t.conf", ReadOptions(cwd=str(tmp_path)))
    acl = r.config.directives[1]
    assert [a.text for a in acl.args] == ["a", "note", "k", "x\ty", "v1", "v 2", "v3"]
    assert acl.args[5].pos.file == "params" and acl.args[5].pos.column == 4
    assert [tuple(a.pos) for a in acl.args[4:]] == [("params", 1, 1), ("params", 1, 4),
                                                    ("params", 3, 1)]
    assert [(e.kind.value, e.pos.line, e.pos.column) for e in r.events] == [
        ("strict-token", 3, 32), ("quote-error", 4, 15)]


def test_include_globs_sorted_relative_to_cwd(tmp_path: Path) -> None:
    inc = tmp_path / "conf.d"
    inc.mkdir()
    (inc / "b.conf").write_text("http_port 2\n")
    (inc / "a.conf").write_text("http_port 1\n")
    main = tmp_path / "squid.conf"
    main.write_text("include conf.d/*.conf\nhttp_port 3\n")
    r = read_config(main, ReadOptions(cwd=str(tmp_path)))
    assert [d.args[0].text for d in r.config.directives] == ["1", "2", "3"]
    assert r.config.directives[0].include_stack[0].line == 1
    assert [e.kind for e in r.events] == [Kind.INCLUDE_RELATIVE]
    # Elsewhere, the same relative include finds nothing: Squid fails to start.
    other = read_config(main, ReadOptions(cwd=str(inc)))
    assert [(e.kind, e.squid) for e in other.events if e.kind is not Kind.INCLUDE_RELATIVE] == [
        (Kind.INCLUDE_MISSING, Squid.FATAL)]
    # ...unless includes are resolved against the including file, on request.
    beside = read_config(main, ReadOptions(cwd=str(inc), include_base="includer"))
    assert len(beside.config.directives) == 3
    # ...and the note says where it was resolved (issue 8 §4: not "Squid's working directory")
    assert [e.message for e in beside.events] == [
        f"relative include 'conf.d/*.conf' is read from the including file's folder ({tmp_path}) "
        "as --include-base includer asks; Squid itself resolves it against its working directory"]
    assert [e.message for e in r.events] == [
        "relative include 'conf.d/*.conf' is resolved against Squid's working directory, not the "
        f"including file (here: {tmp_path})"]


def test_include_cycle_is_reported_not_followed(tmp_path: Path) -> None:
    (tmp_path / "a.conf").write_text(f"include {tmp_path}/b.conf\nhttp_port 1\n")
    (tmp_path / "b.conf").write_text(f"include {tmp_path}/a.conf\n")
    r = read_config(tmp_path / "a.conf")
    assert [e.kind for e in r.events] == [Kind.INCLUDE_CYCLE]
    assert [d.keyword for d in r.config.directives] == ["http_port"]


def test_include_depth_limit_is_16(tmp_path: Path) -> None:
    for i in range(20):
        (tmp_path / f"{i}.conf").write_text(f"include {tmp_path}/{i + 1}.conf\n")
    (tmp_path / "20.conf").write_text("http_port 1\n")
    r = read_config(tmp_path / "0.conf")
    assert [e.kind for e in r.events] == [Kind.INCLUDE_DEPTH]
    assert r.events[0].pos.file.endswith("15.conf")


def test_include_inside_false_block_is_not_read() -> None:
    assert kinds("if false\ninclude /nonexistent/*.conf\nendif\n") == []


def test_cache_peer_is_typed() -> None:
    r = read_bytes(b"cache_peer Cache1.Example.NET parent 3128 3130 carp weight=0 "
                   b"carp-key=scheme,hostname name=Node-1 no-query no-digest ttl=300 "
                   b"htcp=oldsquid,no-clr login=a%20b CARP frobnicate=1\n", "t.conf")
    p = r.config.peers[0]
    assert (p.host, p.type, p.http_port, p.icp_port) == ("Cache1.Example.NET", PeerType.PARENT,
                                                         3128, 3130)
    assert (p.name, p.explicit_name, p.weight, p.weight_given) == ("Node-1", "Node-1", 1, 0)
    assert p.carp and p.queries.no_query and p.queries.no_digest and p.queries.htcp
    assert p.carp_key is not None and [k.value for k in p.carp_key.ordered()] == ["scheme", "host"]
    assert p.carp_key.spelled == ("scheme", "hostname")
    assert (p.queries.ttl, p.queries.htcp_modes, p.connection.login) == (
        128, ("oldsquid", "no-clr"), "a b")
    assert [(o.token.text, o.token.pos.column) for o in p.unknown_options] == [
        ("CARP", 159), ("frobnicate=1", 164)]
    assert p.is_carp_member


def test_default_name_is_host_as_typed_and_non_ascii_bytes_survive() -> None:
    r = read_bytes("cache_peer Host.A parent 1 0\ncache_peer h parent 1 0 name=caché\n".encode(),
                   "t.conf")
    assert r.config.peers[0].name == "Host.A"
    assert r.config.peers[1].name_bytes == "caché".encode()
    raw = read_bytes(b"cache_peer h parent 1 0 name=\xe9x\n", "t.conf")
    assert raw.config.peers[0].name_bytes == b"\xe9x"


def test_render_unchanged_is_byte_identical(corpus: Path) -> None:
    cases = sorted((corpus / "parse-verdicts" / "cases").glob("*.conf"))
    cases += sorted((corpus / "carp-routing").glob("*.conf"))
    assert len(cases) > 50
    for path in cases:
        r = read_config(path, ReadOptions(cwd=str(path.parent)))
        assert render(r.files[str(path)]) == path.read_bytes()


def test_render_edits_touch_only_the_token() -> None:
    data = b"# keep\ncache_peer h parent 1 0   carp-load-factor=0.5\t# tail\n"
    r = read_bytes(data, "t.conf")
    tok = r.config.peers[0].options[0].token
    out = render(r.files["t.conf"], [Edit(tok, "carp weight=1")])
    assert out == b"# keep\ncache_peer h parent 1 0   carp weight=1\t# tail\n"


def test_words_and_lazy_tokens_agree_on_every_kind_of_line() -> None:
    """``Directive.words`` is what ``args`` hold as text, whether the tokens were cut lazily
    (plain lines) or made up front (quoted values); positions are the tokens' own."""
    text = ("acl a src 10.0.0.1 # trailing comment\n"
            "acl b dstdomain \\\n    .example.com\n"
            "configuration_includes_quoted_values on\n"
            'acl c dstdomain "quoted value" .x\n')
    r = read_bytes(text.encode(), "t.conf")
    got = [(d.words, tuple(a.text for a in d.args)) for d in r.config.directives]
    assert [w for w, _ in got] == [("a", "src", "10.0.0.1"), ("b", "dstdomain", ".example.com"),
                                   ("on",), ("c", "dstdomain", "quoted value", ".x")]
    assert all(words == texts for words, texts in got)
    assert [(t.pos.line, t.pos.column) for t in r.config.directives[1].args] == [
        (2, 5), (2, 7), (3, 5)]


def test_plain_lines_keep_words_not_tokens() -> None:
    """A plain line's tokens are made when asked and not kept (memory per config line, see
    bench/scale_bench.py); a peer option finds its token through its word index."""
    from squidcarp.conf.model import Position, Token

    r = read_bytes(b"cache_peer h parent 3128 0 no-query  name=p1\n", "t.conf")
    peer = r.config.peers[0]
    assert peer.directive.args == peer.directive.args  # made twice, equal
    assert peer.directive.tokens is None  # and not kept
    assert [(o.index, o.key, o.value, o.text) for o in peer.options] == [
        (4, "no-query", None, "no-query"), (5, "name", "p1", "name=p1")]
    assert peer.options[1].token == Token("name=p1", Position("t.conf", 1, 38), "name=p1")


def test_repeated_words_share_one_string() -> None:
    """Words that many lines repeat are kept once (words.WordTable); values do not change."""
    r = read_bytes(b"http_access allow a b\nhttp_access allow c b\nacl a src all\n"
                   b"acl c src all\nacl b src all\n", "t.conf")
    first, second, *_ = r.config.directives
    assert first.words == ("allow", "a", "b")
    assert second.words == ("allow", "c", "b")
    assert first.words[0] is second.words[0] and first.words[2] is second.words[2]
    assert first.name.text is second.name.text  # the directive name too
    # an ACL's type, split while the line is built, is one string for all its lines
    kinds = [record[1] for record in r.config.acl_records]
    assert kinds == ["src", "src", "src"] and kinds[0] is kinds[1] is kinds[2]
    big = read_bytes(b"acl Big src all\nacl big src all\n", "t.conf").config.directives
    assert big[0].words[0] == "Big" and big[1].words[0] == "big"  # case kept per line


def test_cache_peer_and_acl_words_are_held_only_while_built() -> None:
    """A plain cache_peer or acl line keeps its text and its model, not its words as well
    (Directive.hold_words): they are split again when asked for, and read the same."""
    r = read_bytes(b"cache_peer a parent 3128 0 no-query # x\n"
                   b"cache_peer b parent 3128 0 name='q r'\nacl x src all\n"
                   b"http_access allow x\n", "t.conf", ReadOptions(quoted_values=False))
    plain, other = (p.directive for p in r.config.peers)
    assert plain.kept_words is None
    assert plain.words == ("a", "parent", "3128", "0", "no-query")
    assert plain.words == plain.words and plain.words is not plain.words  # split anew each time
    assert r.config.peers[0].options[0].text == "no-query"
    assert other.words == ("b", "parent", "3128", "0", "name='q", "r'")
    acl, access = r.config.directives[2:]
    assert acl.kept_words is None and acl.words == ("x", "src", "all")
    assert access.kept_words == ("allow", "x")  # other lines keep theirs


def test_quoted_cache_peer_line_keeps_its_words() -> None:
    """A line whose tokens the lexer made up front (quoted values) keeps its words: they are
    not a plain split of its text."""
    text = b"configuration_includes_quoted_values on\ncache_peer a parent 3128 0 \"name=p q\"\n"
    peer = read_bytes(text, "t.conf").config.peers[0]
    assert peer.directive.kept_words == ("a", "parent", "3128", "0", "name=p q")
    assert peer.name == "p q"


def test_equal_peer_options_are_one_spec() -> None:
    """A peer keeps option specs without its line; equal ones are shared, and options are
    bound to their line (with tokens) when read."""
    from squidcarp.conf.model import Position, Token

    r = read_bytes(b"cache_peer a parent 3128 0 carp name=x\ncache_peer b parent 3128 0 carp "
                   b"name=y\n", "t.conf")
    a, b = r.config.peers
    # carp as word 4 and name= as word 5 on both lines: the names are cut from the words
    assert a.option_specs is b.option_specs
    assert [o.value for o in a.options] == [None, "x"]
    assert [(o.key, o.value, o.token) for o in b.options] == [
        ("carp", None, Token("carp", Position("t.conf", 2, 28), "carp")),
        ("name", "y", Token("name=y", Position("t.conf", 2, 33), "name=y"))]
    assert b.option("name")[0].directive is b.directive and b.unknown_options == ()


def test_peer_option_groups_are_shared_values() -> None:
    """A peer's rarely set options sit in groups; equal groups are one object."""
    from squidcarp.conf.model import NO_CONNECTION, NO_SELECTION, NO_TLS

    r = read_bytes(b"cache_peer a parent 3128 0 no-query no-digest\n"
                   b"cache_peer b parent 3128 0 no-digest no-query\n"
                   b"cache_peer c parent 3128 0 no-query proxy-only round-robin\n", "t.conf")
    a, b, c = r.config.peers
    assert a.queries is b.queries and a.queries.no_query and a.queries.no_digest
    assert a.selection == NO_SELECTION and a.connection == NO_CONNECTION
    assert a.selection is b.selection and a.connection is b.connection
    assert c.queries.no_query and not c.queries.no_digest and c.queries is not a.queries
    assert c.connection.proxy_only and c.selection.round_robin and c.connection.tls is NO_TLS


def test_every_flag_field_is_set_by_its_option_word() -> None:
    """Each on/off field of a peer's option groups is set by the word spelled like it with
    hyphens, and by nothing else; a multicast peer has no digests and no netdb exchange."""
    from squidcarp.conf.peer import CONNECTION_FLAGS, QUERY_FLAGS, SELECTION_FLAGS

    groups = {"selection": SELECTION_FLAGS, "queries": QUERY_FLAGS,
              "connection": CONNECTION_FLAGS}
    assert [len(names) for names in groups.values()] == [6, 7, 6]
    for group, names in groups.items():
        for name, word in names:
            assert word == name.replace("_", "-")
            r = read_bytes(f"cache_peer h parent 3128 0 {word}\n".encode(), "t.conf")
            peer = r.config.peers[0]
            assert peer.option(word) and not peer.unknown_options, word
            on = [(g, n) for g, ns in groups.items() for n, _ in ns
                  if getattr(getattr(peer, g), n)]
            assert on == [(group, name)], word
    m = read_bytes(b"cache_peer 239.0.0.1 multicast 3128 3130\n", "t.conf").config.peers[0]
    assert m.queries.no_digest and m.queries.no_netdb_exchange and not m.queries.no_query


def test_word_table_is_bounded() -> None:
    """The table starts over when full: words seen once cannot grow it without bound."""
    from squidcarp.conf.words import WORD_TABLE_SIZE, WordTable

    table = WordTable()
    for i in range(3 * WORD_TABLE_SIZE):
        assert table.share([f"w{i}", "parent"]) == (f"w{i}", "parent")
    assert len(table._seen) <= WORD_TABLE_SIZE + 2
    word = "".join(["par", "ent"])
    assert table.word(word) is table.word("".join(["pa", "rent"]))


def test_lazy_directive_is_the_object_init_makes() -> None:
    """``Directive.lazy`` skips the frozen ``__init__`` for speed: it must fill the same fields
    (this fails if a field is added to Directive and not to ``lazy``)."""
    import dataclasses

    from squidcarp.conf.lexer import LogicalLine
    from squidcarp.conf.model import Directive, Position, Token

    line = LogicalLine("t.conf", "acl x src all", 1, 1)
    made = Directive("acl", ("x", "src", "all"), line.text, (), "t.conf", 1, 1, line, 4)
    lazy = Directive.lazy("acl", ("x", "src", "all"), line.text, (), "t.conf", 1, 1, line, 4)
    slots = [f.name for f in dataclasses.fields(Directive)]  # every slot filled, identically
    assert [getattr(lazy, n) for n in slots] == [getattr(made, n) for n in slots]
    assert lazy == made and hash(lazy) == hash(made) and repr(lazy) == repr(made)
    assert [(t.text, t.pos.column) for t in lazy.args] == [("x", 5), ("src", 7), ("all", 11)]
    assert lazy.name == Token("acl", Position("t.conf", 1, 1), "acl")
    moved = Directive.lazy("acl", ("x", "src", "all"), line.text, (), "t.conf", 2, 1, line, 4)
    assert moved != lazy  # the same text on another line is another directive


def test_model_classes_behave_like_generated_frozen_dataclasses() -> None:
    """The model's eq/hash/repr come from FrozenModel (one copy, not compiled per class): they
    must mean exactly what ``@dataclass(frozen=True)`` would generate."""
    import dataclasses

    from squidcarp.conf import model

    r = read_bytes(b"cache_peer a parent 3128 0 carp weight=2 name=x\nacl y src 10.0.0.1\n"
                   b"cache_peer_access x allow y\nicp_port 0\n", "t.conf")
    objects = [r.config, r.config.peers[0], r.config.peer_access[0], r.config.directives[0],
               r.config.settings[0][1], r.config.peers[0].options[0]]
    for obj in objects:
        cls = type(obj)
        assert isinstance(obj, model.FrozenModel)
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        spec = [(f.name, f.type, dataclasses.field(compare=f.compare, repr=f.repr))
                for f in dataclasses.fields(cls)]
        reference = dataclasses.make_dataclass(cls.__name__, spec, frozen=True)
        values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(cls)}
        twin = reference(**values)
        assert repr(obj) == repr(twin)
        assert hash(obj) == hash(twin)
        copy = dataclasses.replace(obj)
        assert copy == obj and hash(copy) == hash(obj) and copy is not obj
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, dataclasses.fields(cls)[0].name, None)
    # fields with compare=False are left out, other fields count
    d = r.config.directives[0]
    assert dataclasses.replace(d, start=99) == d
    assert dataclasses.replace(d, text="other") != d
    assert (d == "cache_peer") is False


def test_peer_named_finds_the_first_peer_of_a_name_as_squid_does() -> None:
    r = read_bytes(b"cache_peer 10.0.0.1 parent 3128 0 name=Ab\n"
                   b"cache_peer 10.0.0.2 parent 3128 0 name=aB\n"
                   b"cache_peer 10.0.0.3 parent 3128 0 name=\xc3\x89\n", "t.conf")
    first, _, accented = r.config.peers
    assert r.config.peer_named("AB") is first  # ASCII letters fold; the first one wins
    assert r.config.peer_named("\u00c9") is accented
    assert r.config.peer_named("\u00e9") is None  # Squid folds no other letters
    assert r.config.peer_named("ab ") is None


@pytest.mark.parametrize("text", [
    "acl x src 10.0.0.1 10.0.0.2 # note", "acl x src", "acl x", "acl  x\tsrc  a  #b c",
    "cache_peer h parent 3128 0 name=n", "cache_peer h #parent 3128"])
def test_one_word_of_a_line_reads_as_its_words(text: str) -> None:
    """Directive.word(i) cuts one word of a line whose words were let go: the same word
    words[i] is, and the same IndexError past the end."""
    d = read_bytes(text.encode() + b"\n", "t.conf").config.directives[0]
    assert d.kept_words is None
    words = d.words
    assert [d.word(i) for i in range(len(words))] == list(words)
    if words:
        assert d.word(-1) == words[-1]
    with pytest.raises(IndexError):
        d.word(len(words))
