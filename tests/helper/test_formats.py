"""Squid format strings compiled into layouts of helper lines."""

from __future__ import annotations

import pytest

from squidcarp.helper.formats import DEFAULT_EXTRAS, AclLayout, ExtrasLayout, FormatError

LINE = "http://a.example.com/x?y 10.0.0.7/host.example - GET myip=127.0.0.2 myport=3128"


def test_default_extras_give_named_fields() -> None:
    layout = ExtrasLayout()
    assert layout.extras == DEFAULT_EXTRAS == "%>a/%>A %un %>rm myip=%la myport=%lp"
    assert layout.names == ("client", "client_fqdn", "user", "method", "myip", "myport")
    extras = "10.0.0.7/host.example - GET myip=127.0.0.2 myport=3128"
    assert layout.parse(LINE) == ("http://a.example.com/x?y", (), (), extras)
    assert layout.values(extras) == ("10.0.0.7", "host.example", "-", "GET", "127.0.0.2", "3128")


def test_url_holding_spaces_is_read_whole() -> None:  # uri_whitespace allow
    layout = ExtrasLayout()
    parsed = layout.parse("http://a/b c d 10.0.0.7/10.0.0.7 bob%20x GET myip=1.2.3.4 myport=1")
    assert not isinstance(parsed, str)
    assert parsed[0] == "http://a/b c d"
    assert layout.values(parsed[3])[2] == "bob%20x"


@pytest.mark.parametrize(("line", "reason"), [
    ("http://a/", "missing fields: expected URL and extras "
                  "'%>a/%>A %un %>rm myip=%la myport=%lp'"),
    ("1.2.3.4/x - GET myip=1 myport=2", "missing fields: expected URL and extras "
                                         "'%>a/%>A %un %>rm myip=%la myport=%lp'"),
    ("http://a/ 1.2.3.4 - GET myip=1 myport=2",
     "extras do not match '%>a/%>A %un %>rm myip=%la myport=%lp'"),
    (" 1.2.3.4/x - GET myip=1 myport=2", "missing URL"),
    ("http://a/ 1.2.3.4/x - GET myaddr=1 myport=2",
     "extras do not match '%>a/%>A %un %>rm myip=%la myport=%lp'"),
])
def test_lines_that_do_not_fit(line: str, reason: str) -> None:
    assert ExtrasLayout().parse(line) == reason


def test_custom_and_empty_extras() -> None:
    layout = ExtrasLayout("%>a %>h{User-Agent} lit%%%>rm")
    assert layout.names == ("client", "header:User-Agent", "method")
    assert layout.parse("http://x/ 1.2.3.4 curl/8 lit%GET") == (
        "http://x/", (), (), "1.2.3.4 curl/8 lit%GET")
    assert layout.values("1.2.3.4 curl/8 lit%GET") == ("1.2.3.4", "curl/8", "GET")
    assert ExtrasLayout("").parse("http://x/ y") == ("http://x/ y", (), (), "")
    assert ExtrasLayout(None).parse("") == "missing URL"


@pytest.mark.parametrize(("fmt", "message"), [
    ("%>a %Q", "column 5: unknown format code '%Q'"),
    ('%"un', "column 1: quoting and width modifiers (%\"...) are not supported: the helper "
             "could not tell where such a value ends"),
    ("%10>a", "column 1: quoting and width modifiers (%1...) are not supported: the helper "
              "could not tell where such a value ends"),
    ("%>h", "column 1: %>h needs a {Name}"),
    ("%>h{Host", "column 1: '{' without '}'"),
    ("%DATA", "%DATA is for external_acl_type formats only"),
    ("%{x}un", "column 1: %un takes no {argument}"),
])
def test_bad_extras_formats(fmt: str, message: str) -> None:
    with pytest.raises(FormatError) as err:
        ExtrasLayout(fmt)
    assert str(err.value) == message


def test_external_acl_format_with_implicit_data() -> None:
    layout = AclLayout("%URI %DST %SRC %METHOD")
    assert layout.names == ("url", "host", "client", "method")
    assert layout.parse("http://a/%20b a 10.0.0.1 GET owner cache%201") == (
        "http://a/ b", ("http://a/%20b", "a", "10.0.0.1", "GET"), ("owner", "cache 1"), "")
    assert layout.parse("http://a/ a - GET -") == (
        "http://a/", ("http://a/", "a", "-", "GET"), (), "")
    assert layout.parse("http://a/ a 10.0.0.1 GET") == (
        "missing fields: expected 4 for '%URI %DST %SRC %METHOD' and the ACL arguments")


def test_external_acl_logformat_codes_and_explicit_data() -> None:
    layout = AclLayout("%>ru %DATA %>a")
    assert layout.names == ("url", "client")
    # every explicit token, %DATA too, is followed by a space (src/format/Format.cc)
    assert layout.parse("http://a/ owner x 10.0.0.1 ") == (
        "http://a/", ("http://a/", "10.0.0.1"), ("owner", "x"), "")
    assert AclLayout("%SRC %DATA").parse("10.0.0.1 - ") == (None, ("10.0.0.1",), (), "")


@pytest.mark.parametrize(("fmt", "message"), [
    ("", "an external ACL format needs at least one %code"),
    ("%URI helper", "token 2 'helper': each format token is one %code"),
    ("%URI/%DST", "token 1 '%URI/%DST': one %code per token (extra text '/%DST')"),
    ("%DATA %DATA", "token 2: %DATA given twice"),
])
def test_bad_external_acl_formats(fmt: str, message: str) -> None:
    with pytest.raises(FormatError) as err:
        AclLayout(fmt)
    assert str(err.value) == message


def test_extras_are_checked_once_and_read_when_asked() -> None:
    layout = ExtrasLayout()
    extras = "10.0.0.7/host.example - GET myip=127.0.0.2 myport=3128"
    assert layout.parse(LINE) == ("http://a.example.com/x?y", (), (), extras)
    assert layout._checked == {extras} and layout._seen == {}
    assert layout.parse(LINE) == ("http://a.example.com/x?y", (), (), extras)
    assert layout.values(extras)[0] == "10.0.0.7"
    assert list(layout._seen) == [extras]
