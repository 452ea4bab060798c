"""ACLs evaluated from what a request carries, type by type, as Squid 5.7 matches them."""

from __future__ import annotations

import datetime

import pytest

from squidcarp.carp.url import Request, parse
from squidcarp.conf import read_bytes
from squidcarp.forward.acl import AclEvaluator, Facts
from squidcarp.forward.choices import Chooser
from squidcarp.forward.hosts import parse_hosts
from squidcarp.forward.view import acl_definitions

ACLS = """\
acl dom dstdomain .example.com intranet.test
acl domn dstdomain -n .example.com
acl ipname dstdomain www.example.net
acl domre dstdom_regex -i ^www\\.
acl url url_regex -i /live/ +i \\.PNG$
acl path urlpath_regex ^/nocache
acl web port 80 443 8000-8100
acl high localport 3130-3140
acl pname myportname proxyport
acl hp proto HTTP https
acl none proto NONE
acl get method get
acl other method FOO
acl nets src 10.0.0.0/8 192.168.1.10-192.168.1.20 2001:db8::/32
acl v4 src ipv4
acl origin dst 192.0.2.0/24
acl night time MTWHF 22:00-23:59
acl tagged note carp_ x
acl anyof any-of dom url
acl allof all-of dom get
acl ua browser Firefox
"""
HOSTS = parse_hosts(b"192.0.2.5 www.example.net\n198.51.100.7 www.example.com\n")


@pytest.fixture(scope="module")
def acls() -> AclEvaluator:
    return AclEvaluator(acl_definitions(read_bytes(ACLS.encode(), "acl.conf").config))


def facts(target: bytes = b"http://www.example.com/", method: str = "GET",
          **kwargs: object) -> Facts:
    uri = parse(Request(target, method))
    kwargs.setdefault("hosts", HOSTS)
    return Facts(method, uri, **kwargs)  # type: ignore[arg-type]


def check(acls: AclEvaluator, name: str, f: Facts, fast: bool = True) -> bool | str:
    chooser = Chooser()
    value = acls.matches(name, f, chooser, fast)
    if chooser.made:
        return chooser.made[0].reason
    return value


@pytest.mark.parametrize(("name", "target", "method", "expected"), [
    ("dom", b"http://example.com/", "GET", True),
    ("dom", b"http://WWW.Example.COM./x", "GET", True),
    ("dom", b"http://xexample.com/", "GET", False),
    ("dom", b"http://intranet.test/", "GET", True),
    ("dom", b"http://a.intranet.test/", "GET", False),
    ("dom", b"www.example.com:443", "CONNECT", True),
    ("domre", b"http://WWW.example.org/", "GET", True),
    ("url", b"http://h/a/%4Cive/x", "GET", True),  # %XX decoded, -i
    ("url", b"http://h/logo.PNG", "GET", True),
    ("url", b"http://h/logo.png", "GET", False),  # +i: case-sensitive again
    ("path", b"http://h/nocache/x", "GET", True),
    ("path", b"http://h/%6Eocache", "GET", True),
    ("path", b"h:443", "CONNECT", False),  # no path: no match
    ("web", b"http://h/", "GET", True),
    ("web", b"http://h:8050/", "GET", True),
    ("web", b"http://h:8101/", "GET", False),
    ("web", b"h:443", "CONNECT", True),
    ("hp", b"http://h/", "GET", True),
    ("hp", b"https://h/", "GET", True),
    ("hp", b"ftp://h/", "GET", False),
    ("none", b"h:443", "CONNECT", True),
    ("get", b"http://h/", "GET", True),  # relaxed_header_parser: 'get' is GET
    ("get", b"http://h/", "POST", False),
    ("other", b"http://h/", "FOO", True),
    ("other", b"http://h/", "foo", False),  # unknown methods compare exactly
    ("anyof", b"http://h/live/", "GET", True),
    ("anyof", b"http://h/", "GET", False),
    ("allof", b"http://example.com/", "GET", True),
    ("allof", b"http://example.com/", "POST", False),
    ("CONNECT", b"h:443", "CONNECT", True),  # predefined
    ("all", b"http://h/", "GET", True),
    ("undefined", b"http://h/", "GET", False),
])
def test_request_acls(acls: AclEvaluator, name: str, target: bytes, method: str,
                      expected: bool) -> None:
    assert check(acls, name, facts(target, method)) is expected


def test_an_ip_literal_host_is_matched_by_its_hosts_file_name(acls: AclEvaluator) -> None:
    assert check(acls, "ipname", facts(b"http://192.0.2.5/")) is True
    assert check(acls, "dom", facts(b"http://198.51.100.7/")) is True
    assert check(acls, "domn", facts(b"http://198.51.100.7/")) is False  # -n: no look-ups


def test_reverse_dns_fast_checks_match_none_slow_ones_depend(acls: AclEvaluator) -> None:
    unknown = facts(b"http://203.0.113.1/")
    assert check(acls, "dom", unknown, fast=True) is False
    assert check(acls, "dom", unknown, fast=False) == ("it needs the reverse DNS name of "
                                                       "203.0.113.1")


@pytest.mark.parametrize(("client", "expected"), [
    ("10.9.8.7", True), ("11.0.0.1", False), ("192.168.1.15", True), ("192.168.1.21", False),
    ("2001:db8::1", True), ("::ffff:10.0.0.1", True),
])
def test_src(acls: AclEvaluator, client: str, expected: bool) -> None:
    assert check(acls, "nets", facts(client=client)) is expected


def test_src_needs_the_client_except_for_every_address(acls: AclEvaluator) -> None:
    assert check(acls, "nets", facts()) == "it tests the client address (give --client)"
    assert check(acls, "all", facts()) is True
    assert check(acls, "v4", facts(client="10.0.0.1")) is True
    assert check(acls, "v4", facts(client="2001:db8::1")) is False


def test_dst(acls: AclEvaluator) -> None:
    assert check(acls, "origin", facts(b"http://192.0.2.200/")) is True
    assert check(acls, "origin", facts(b"http://www.example.net/")) is True  # hosts file
    assert check(acls, "origin", facts(b"http://elsewhere.test/")) == (
        "it needs the DNS addresses of elsewhere.test")


def test_ports_of_the_receiving_port(acls: AclEvaluator) -> None:
    assert check(acls, "high", facts(local_port=3135)) is True
    assert check(acls, "high", facts(local_port=3128)) is False
    assert check(acls, "pname", facts(port_name="proxyport")) is True
    assert check(acls, "pname", facts()) == ("it tests the name of the port the request arrived "
                                             "on")


def test_time(acls: AclEvaluator) -> None:
    wednesday = datetime.datetime(2026, 12, 2, 22, 30)
    assert check(acls, "night", facts(at=wednesday)) is True
    assert check(acls, "night", facts(at=wednesday.replace(hour=21))) is False
    assert check(acls, "night", facts(at=datetime.datetime(2026, 12, 6, 22, 30))) is False
    assert check(acls, "night", facts()) == "it tests the time of day (give --at)"


def test_notes(acls: AclEvaluator) -> None:
    assert check(acls, "tagged", facts(notes=(("carp_", "x"),))) is True
    assert check(acls, "tagged", facts(notes=(("carp_", "y"),))) is False
    assert check(acls, "tagged", facts()) == "it tests annotations a helper adds"


def test_types_the_request_alone_cannot_answer(acls: AclEvaluator) -> None:
    assert check(acls, "ua", facts()) == ("Squid evaluates 'browser' ACLs from data the request "
                                          "alone does not carry")
