"""Store-ID rules: storeid_file_rewrite's DB format, first match wins, one combined regex."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from squidcarp.helper.storeid import Rule, StoreIdDb, StoreIdError, parse_db

DB = (
    "# a comment line is only a lone '#'\n"
    "\n"
    "   \t  \n"
    "  #  \n"
    "^http://[^.]+\\.dl\\.sourceforge\\.net/(.*)\t\thttp://dl.sourceforge.net.squid.internal/$1\n"
    "  ^http://video(\\d+)\\.example\\.com/v/([^?]+)  \t  http://video.squid.internal/$2?$1  \n"
    "# old\tcomment-looking rule\n"
)


def test_db_lines_as_storeid_file_rewrite_reads_them() -> None:
    assert parse_db(DB, "db") == (
        Rule("db:5", "^http://[^.]+\\.dl\\.sourceforge\\.net/(.*)",
             "http://dl.sourceforge.net.squid.internal/$1"),
        Rule("db:6", "^http://video(\\d+)\\.example\\.com/v/([^?]+)",
             "http://video.squid.internal/$2?$1"),
        Rule("db:7", "# old", "comment-looking rule"),
    )


def test_every_bad_line_is_reported() -> None:
    with pytest.raises(StoreIdError) as err:
        parse_db("^ok\tfine\nno tab here\n(unclosed\tx\na\tb\tc\n", "db")
    assert err.value.problems == (
        "db:2: not a rule: expected REGEX, TAB, REPLACEMENT",
        "db:3: bad regex '(unclosed': missing ), unterminated subpattern at position 0",
        "db:4: not a rule: expected REGEX, TAB, REPLACEMENT",
    )


def test_lookup_matches_the_url_and_fills_groups() -> None:
    db = StoreIdDb.from_text(DB, "db")
    assert db.lookup("http://a.dl.sourceforge.net/p/x.tgz") == (
        "http://dl.sourceforge.net.squid.internal/p/x.tgz")
    assert db.lookup("http://video12.example.com/v/abc?t=1") == (
        "http://video.squid.internal/abc?12")
    assert db.lookup("http://example.org/") is None


def test_replacement_references() -> None:
    db = StoreIdDb.from_text("^x(a)?(b)\t[$1][$2][$3][$0][$12]\n")
    # $1 did not take part: empty; $3 is beyond the groups and stays; $12 is $1 then "2"
    assert db.lookup("xb") == "[][b][$3][$0][2]"
    assert StoreIdDb.from_text("^nogroups\tconst-$1\n").lookup("nogroups/x") == "const-$1"


def test_first_rule_in_file_order_wins_anchored_or_not() -> None:
    db = StoreIdDb.from_text(
        "later\tfloating-1\n"  # matches at position 10 of the URL below
        "^http://\tanchored-2\n"
        "(x)\\1\tbackref-3\n",
    )
    assert db.lookup("http://a/later") == "floating-1"
    assert db.lookup("http://a/") == "anchored-2"
    assert db.lookup("ftp://xx") == "backref-3"
    # an anchored rule before a floating one that matches further left
    db2 = StoreIdDb.from_text("^http://a/z\tfirst\na/\tsecond\n")
    assert db2.lookup("http://a/z") == "first"
    assert db2.lookup("http://a/y") == "second"


def test_load_reports_the_path(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "storeid.db"
    path.write_bytes(b"^http://a/(.*)\thttp://b/$1\nbroken\n")
    with pytest.raises(StoreIdError) as err:
        StoreIdDb.load(str(path))
    assert err.value.problems == (f"{path}:2: not a rule: expected REGEX, TAB, REPLACEMENT",)


# Patterns from a small alphabet so that rules overlap often; some anchored, some with groups,
# alternations, back-references and scoped flags.
ATOMS = st.sampled_from(["a", "b", "ab", "a*", "b+", "[ab]", "(a)", "(b|ab)", "a?", "^", "$",
                         ".", "(?:ba)", "(a)\\1", "(?i:A)", "|", "^a"])


def naive_first(patterns: list[str], url: str) -> int | None:
    for i, p in enumerate(patterns):
        if re.search(p, url):
            return i
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(ATOMS, min_size=1, max_size=4).map("".join), min_size=1, max_size=8),
       st.lists(st.text(alphabet="abAB/", max_size=8), min_size=1, max_size=10))
def test_combined_regex_picks_the_rule_a_linear_scan_would(patterns: list[str],
                                                          urls: list[str]) -> None:
    valid = []
    for p in patterns:
        try:
            re.compile(p)
        except re.error:
            continue
        valid.append(p)
    if not valid:
        return
    db = StoreIdDb([Rule(f"t:{i}", p, f"r{i}") for i, p in enumerate(valid)])
    for url in urls:
        expected = naive_first(valid, url)
        assert db.first(url) == expected, (valid, url)
        if expected is not None:
            m = re.search(valid[expected], url)
            assert m is not None
            assert db.match(url) == (db.rules[expected], f"r{expected}")


def test_a_no_break_space_is_part_of_the_pattern_as_in_perl() -> None:
    """The Perl helper reads its file as bytes, where \\s is ASCII white space: a no-break space
    before the TAB stays in the pattern (storeid_file_rewrite then answers ERR for http://a/x)."""
    (rule,) = parse_db("^http://a/x\u00a0\thttp://b/\n")
    assert (rule.pattern, rule.replacement) == ("^http://a/x\u00a0", "http://b/")


def test_classes_match_ascii_as_the_perl_helper_does() -> None:
    """\\d and \\w know ASCII only, as in storeid_file_rewrite matching bytes (recorded from
    Squid 5.7's helper: ERR, ERR, OK store-id=http://digit/)."""
    db = StoreIdDb.from_text("^http://a/\\d\thttp://digit/\n^http://a/(\\w+)$\thttp://word/$1\n")
    assert [db.lookup(u) for u in ("http://a/\u0663", "http://a/caf\u00e9", "http://a/7")] == [
        None, None, "http://digit/"]
