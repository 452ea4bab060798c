"""CARP exceptions from YAML (every problem with file:line and key) and the precompiled matcher."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from squidcarp.exceptions import (
    CarpExceptions,
    DomainRule,
    ExceptionMatcher,
    ExceptionsError,
    NetworkRule,
    RegexRule,
    load_exceptions,
)
from squidcarp.exceptions.model import domain_problem, network_problem

GOOD = """\
exceptions:
  domains: [.windowsupdate.com, Intranet.Example.ORG, 192.0.2.7]
  url_regex:
    - ^http://[^/]*example\\.net/nocache/
    - {pattern: /LIVE/, ignore_case: true}
  clients: [10.1.0.0/16, "2001:db8::/32", 192.0.2.99]
"""

BAD = """\
exceptions:
  domains: [.windowsupdate.com, www.windowsupdate.com, "bad..x", 5, example.com.]
  url_regex:
    - '\\d+'
    - {pattern: x, ignore_case: maybe}
    - {regex: x}
  clients: [10.1.0.0/16, 10.1.2.0/24, 10.0.0.1/8, nonsense]
  other: 1
bogus: 2
"""


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_good_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    exc = load_exceptions(path)
    assert exc == CarpExceptions(
        (DomainRule(".windowsupdate.com"), DomainRule("intranet.example.org"),
         DomainRule("192.0.2.7")),
        (RegexRule(r"^http://[^/]*example\.net/nocache/"), RegexRule("/LIVE/", True)),
        (NetworkRule(ipaddress.ip_network("10.1.0.0/16")),
         NetworkRule(ipaddress.ip_network("2001:db8::/32")),
         NetworkRule(ipaddress.ip_network("192.0.2.99/32"))),
    )
    assert [d.where for d in exc.domains] == [f"{path}:2"] * 3
    assert exc.url_regex[1].where == f"{path}:5"
    assert exc.count == 8


def test_every_problem_in_line_order(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    with pytest.raises(ExceptionsError) as info:
        load_exceptions(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:2: exceptions.domains[2]: 'bad..x' has an empty label",
        f"{path}:2: exceptions.domains[3]: must be a string, not a number",
        f"{path}:2: exceptions.domains[4]: 'example.com.' ends with a dot: Squid removes "
        "trailing dots from request hosts, so it would never match (drop the dot)",
        f"{path}:2: exceptions.domains[1]: 'www.windowsupdate.com' is already covered by "
        f"'.windowsupdate.com' ({path}:2): Squid refuses such a dstdomain ACL; remove one",
        f"{path}:4: exceptions.url_regex[0]: '\\\\d+': at character 1: '\\d' means different "
        "things in POSIX, Python and JavaScript; escape only . [ ] ( ) * + ? { } | ^ $ \\ /",
        f"{path}:5: exceptions.url_regex[1].ignore_case: must be true or false",
        f"{path}:6: exceptions.url_regex[2].regex: unknown key (expected pattern or "
        "ignore_case)",
        f"{path}:6: exceptions.url_regex[2].pattern: must be a string",
        f"{path}:7: exceptions.clients[2]: '10.0.0.1/8' has host bits set: Squid would "
        "silently use 10.0.0.0/8; write that instead",
        f"{path}:7: exceptions.clients[3]: 'nonsense' is not an IPv4 or IPv6 address or CIDR "
        "network ('nonsense' does not appear to be an IPv4 or IPv6 network)",
        f"{path}:7: exceptions.clients[1]: 10.1.2.0/24 overlaps 10.1.0.0/16 ({path}:7): "
        "Squid's src ACL would keep only one of them",
        f"{path}:8: exceptions.other: unknown key (expected one of domains, url_regex, clients)",
        f"{path}:9: bogus: unknown key in a rules file (it holds only 'exceptions:')",
    ]


def test_an_array_file_keeps_its_other_keys_to_itself(tmp_path: Path) -> None:
    path = write(tmp_path, "name: a\nmembers: []\nexceptions:\n  domains: [.x.org]\n")
    assert load_exceptions(path).domains == (DomainRule(".x.org"),)


@pytest.mark.parametrize(("text", "expected"), [
    ("", CarpExceptions()),
    ("exceptions:\n", CarpExceptions()),
    ("exceptions: {}\n", CarpExceptions()),
])
def test_empty_files(tmp_path: Path, text: str, expected: CarpExceptions) -> None:
    assert load_exceptions(write(tmp_path, text)) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("exceptions: [a]\n", "1: exceptions: must be a mapping with domains, url_regex, clients"),
    ("- a\n", "1: (top level): must be a mapping with an 'exceptions:' section"),
    ("exceptions:\n  domains: x\n", "2: exceptions.domains: must be a list"),
    ("exceptions:\n  domains: [a\n", "3: (file): not valid YAML: did not find expected ',' or "
     "']'"),
    ("exceptions:\n  domains: []\n  domains: []\n", "3: exceptions.domains: key given twice "
     "(first at line 2)"),
])
def test_structure_problems(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ExceptionsError) as info:
        load_exceptions(path)
    assert str(info.value) == f"{path}:{message}"


def test_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ExceptionsError) as info:
        load_exceptions(str(tmp_path / "missing.yaml"))
    assert str(info.value) == f"{tmp_path / 'missing.yaml'}:0: (file): cannot read: No such file " \
                              "or directory"


def test_alias_bomb_is_bounded(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(ExceptionsError, match="too large or too deeply nested"):
        load_exceptions(path)


@pytest.mark.parametrize(("text", "why"), [
    ("example.com", None), (".example.com", None), ("a_b.example", None), ("10.1.2.3", None),
    (".", "'.' alone names no domain"), ("-a.com", "'-a.com': label '-a' may hold only letters, "
                                          "digits, '-' and '_' (not first or last '-')"),
    ("caché.fr", "'caché.fr' is not ASCII: write internationalised names in their xn-- form"),
    # the Kelvin sign is not 'k' to Squid (str.lower() would make it one and let it pass)
    ("\u212a.example", "'\u212a.example' is not ASCII: write internationalised names in their "
                        "xn-- form"),
    ("[::1]", "'[::1]': IPv6 literals cannot be domain exceptions (use a url_regex)"),
    (".10.1.2.3", "'.10.1.2.3': a leading dot makes no sense before an IP address"),
    ("a b", "'a b' holds white space"), ("a" * 64 + ".com", f"'{'a' * 64}.com' has a label "
                                                              "longer than 63 characters"),
])
def test_domain_checks(text: str, why: str | None) -> None:
    assert domain_problem(text) == why


def test_network_checks() -> None:
    assert network_problem("::ffff:10.0.0.0/104") is None
    assert network_problem("10.0.0.0/33") == ("'10.0.0.0/33' is not an IPv4 or IPv6 address or "
                                              "CIDR network ('10.0.0.0/33' does not appear to "
                                              "be an IPv4 or IPv6 network)")


def matcher(tmp_path: Path) -> ExceptionMatcher:
    return ExceptionMatcher(load_exceptions(write(tmp_path, GOOD)))


@pytest.mark.parametrize(("host", "kind"), [
    ("windowsupdate.com", "domain"), ("download.WINDOWSUPDATE.com", "domain"),
    ("xwindowsupdate.com", None), ("intranet.example.org", "domain"),
    ("www.intranet.example.org", None), ("example.org", None), ("192.0.2.7", "domain"),
])
def test_domains(tmp_path: Path, host: str, kind: str | None) -> None:
    hit = matcher(tmp_path).match(host=host)
    assert (hit.kind if hit else None) == kind


def test_hosts_fold_ascii_letters_only(tmp_path: Path) -> None:
    # Squid lower-cases request hosts and compares domains ASCII letter by letter: a Kelvin
    # sign (which Python's str.lower() turns into 'k') is a byte sequence of its own
    match = ExceptionMatcher(load_exceptions(write(tmp_path, "exceptions:\n  domains: "
                                                             "[.kb.example]\n"))).match
    assert match(host="KB.example") is not None and match(host="a.Kb.EXAMPLE") is not None
    assert match(host="\u212ab.example") is None
    assert match(host="a.\u212ab.example") is None


@pytest.mark.parametrize(("url", "pattern"), [
    ("http://a.example.net/nocache/x", r"^http://[^/]*example\.net/nocache/"),
    ("http://a.example.net/%6Eocache/x", r"^http://[^/]*example\.net/nocache/"),  # %XX decoded
    ("http://a.example.net/NOCACHE/x", None),
    ("http://tv.example/live/1", "/LIVE/"),
    ("http://tv.example/%4C%49VE/1", "/LIVE/"),
    ("http://tv.example/lives", None),
])
def test_url_patterns(tmp_path: Path, url: str, pattern: str | None) -> None:
    hit = matcher(tmp_path).match(url=url)
    assert (hit.rule.pattern if hit and isinstance(hit.rule, RegexRule) else None) == pattern


@pytest.mark.parametrize(("client", "network"), [
    ("10.1.255.1", "10.1.0.0/16"), ("10.2.0.1", None), ("::ffff:10.1.0.9", "10.1.0.0/16"),
    ("2001:db8:ffff::1", "2001:db8::/32"), ("192.0.2.99", "192.0.2.99/32"),
    ("192.0.2.98", None), ("not-an-address", None),
])
def test_clients(tmp_path: Path, client: str, network: str | None) -> None:
    hit = matcher(tmp_path).match(client=client)
    assert (hit.rule.text if hit and isinstance(hit.rule, NetworkRule) else None) == network


def test_domain_first_then_url_then_client(tmp_path: Path) -> None:
    m = matcher(tmp_path)
    hit = m.match(host="windowsupdate.com", url="http://tv.example/live/", client="10.1.0.1")
    assert hit is not None and hit.kind == "domain"
    hit = m.match(host="tv.example", url="http://tv.example/live/", client="10.1.0.1")
    assert hit is not None and hit.kind == "url_regex"
    assert m.match(host="tv.example", url="http://tv.example/", client="10.9.0.1") is None


def test_many_domains_are_set_lookups() -> None:
    exc = CarpExceptions(tuple(DomainRule(f".d{i}.example") for i in range(10_000)))
    m = ExceptionMatcher(exc)
    assert m.match_host("a.b.d9999.example") == DomainRule(".d9999.example")
    assert m.match_host("d10000.example") is None
