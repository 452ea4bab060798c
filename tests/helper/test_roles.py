"""What each role answers, as the bytes Squid reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from squidcarp.carp.fromconf import array_from_config
from squidcarp.conf import read_config
from squidcarp.helper.formats import AclLayout, ExtrasLayout
from squidcarp.helper.owner import load_owner
from squidcarp.helper.roles import (
    Action,
    ExternalAclRole,
    RulesError,
    StoreIdRole,
    UrlRewriteRole,
    host_of,
    load_matcher,
    load_storeid,
)
from tests.helper.conftest import EXTRAS, make_service


def rewrite(rules: Path, data: bytes, action: Action | None = None) -> bytes:
    log: list[str] = []
    service = make_service(lambda: UrlRewriteRole(load_matcher(str(rules)), action),
                           [str(rules)], ExtrasLayout(), log)
    assert log == []
    return service.handle(data)


def test_url_rewrite_tags_exceptions_and_leaves_the_rest(rules_file: Path) -> None:
    data = (b"1 http://a.windowsupdate.com/x" + EXTRAS + b"\n"
            b"2 http://windowsupdate.com:8080/" + EXTRAS + b"\n"
            b"3 http://www.example.net/nocache/a" + EXTRAS + b"\n"
            b"4 http://www.example.com/" + b" 10.1.200.3/- - GET myip=127.0.0.2 myport=3128\n"
            b"5 intranet.example.org:443" + b" 10.0.0.7/- - CONNECT myip=127.0.0.2 myport=3128\n"
            b"6 http://www.example.com/" + EXTRAS + b"\n"
            b"7 http://notwindowsupdate.com/" + EXTRAS + b"\n")
    assert rewrite(rules_file, data) == (
        b"1 OK carp_exception_=domain carp_rule_=.windowsupdate.com\n"
        b"2 OK carp_exception_=domain carp_rule_=.windowsupdate.com\n"
        b'3 OK carp_exception_=url_regex carp_rule_="^http://[^/]*example\\\\.net/nocache/"\n'
        b"4 OK carp_exception_=client carp_rule_=10.1.0.0/16\n"
        b"5 OK carp_exception_=domain carp_rule_=intranet.example.org\n"
        b"6 ERR\n"
        b"7 ERR\n")


def test_url_rewrite_redirects_or_rewrites_exceptions(rules_file: Path) -> None:
    line = b"http://a.windowsupdate.com/x?y=1" + EXTRAS + b"\n"
    assert rewrite(rules_file, line, Action("redirect", "http://portal/?u={url_escaped}", 307)) \
        == (b'OK status=307 url="http://portal/?u=http%3A%2F%2Fa.windowsupdate.com%2Fx%3Fy%3D1"'
            b" carp_exception_=domain carp_rule_=.windowsupdate.com\n")
    assert rewrite(rules_file, line, Action("rewrite", "http://mirror.local/{host}")) == (
        b"OK rewrite-url=http://mirror.local/a.windowsupdate.com"
        b" carp_exception_=domain carp_rule_=.windowsupdate.com\n")


@pytest.mark.parametrize(("kind", "template", "status", "message"), [
    ("redirect", "http://x/", 305, "redirect status 305: Squid accepts only 301, 302, 303, 307, "
                                   "308"),
    ("rewrite", "http://x/{path}", 302, "target 'http://x/{path}': only {url}, {url_escaped}, "
                                        "{host} may appear in braces"),
    ("rewrite", "", 302, "a rewrite needs a target URL"),
])
def test_bad_actions(kind: str, template: str, status: int, message: str) -> None:
    with pytest.raises(ValueError) as err:
        Action(kind, template, status)
    assert str(err.value) == message


def test_host_of() -> None:
    assert host_of("http://user@Example.COM:8080/x") == "Example.COM"
    assert host_of("http://[2001:db8::1]:8080/x") == "2001:db8::1"
    assert host_of("example.org:443") == "example.org"
    assert host_of("http://a.example?x=/y") == "a.example"


def test_store_id(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_text("^http://[^.]+\\.cdn\\.example\\.com/(.*)\thttp://cdn.squid.internal/$1\n")
    log: list[str] = []
    service = make_service(lambda: StoreIdRole(load_storeid(str(db))), [str(db)],
                           ExtrasLayout(), log)
    assert service.handle(b"8 http://s1.cdn.example.com/a b" + EXTRAS + b"\n"
                          b"9 http://other/" + EXTRAS + b"\n") == (
        b'8 OK store-id="http://cdn.squid.internal/a b"\n9 ERR\n')


def test_external_acl_exception_and_owner(rules_file: Path, squid_conf: Path) -> None:
    log: list[str] = []
    service = make_service(
        lambda: ExternalAclRole(load_matcher(str(rules_file)), load_owner(str(squid_conf))),
        [str(rules_file), str(squid_conf)], AclLayout("%URI %DST %SRC %METHOD"), log)
    array = array_from_config(read_config(str(squid_conf)).config)
    urls = [f"http://www.example.com/{i}" for i in range(12)]
    owners = []
    for url in urls:
        member = array.owner(url)
        assert member is not None
        owners.append(member.label)
    assert len(set(owners)) == 3  # the URLs reach every member
    data = b"".join(f"{i} {u} www.example.com 10.0.0.7 GET owner\n".encode()
                    for i, u in enumerate(urls))
    assert service.handle(data) == b"".join(
        f"{i} OK owner_={o}\n".encode() for i, o in enumerate(owners))
    first = owners[0]
    other = next(o for o in owners if o != first)
    assert service.handle(
        f"1 {urls[0]} www.example.com 10.0.0.7 GET owner {first.upper()} x\n"
        f"2 {urls[0]} www.example.com 10.0.0.7 GET owner {other}\n"
        f"3 http://a.windowsupdate.com/ a.windowsupdate.com 10.0.0.7 GET exception\n"
        f"4 http://b.example.com/ b.example.com 10.0.0.7 GET -\n"
        f"5 http://b.example.com/ b.example.com 10.0.0.7 GET ask\n".encode()) == (
        f"1 OK owner_={first}\n2 ERR owner_={first}\n".encode()
        + b"3 OK carp_exception_=domain carp_rule_=.windowsupdate.com\n4 ERR\n"
        b"5 BH message=\"unknown question 'ask': the ACL's first argument must be 'exception' "
        b"or 'owner'\"\n")
    assert log == []


def test_external_acl_connect_owner(squid_conf: Path) -> None:
    from squidcarp.carp.url import Request as CarpRequest

    array = array_from_config(read_config(str(squid_conf)).config)
    member = array.owner(CarpRequest(b"www.example.org:443", "CONNECT"))
    assert member is not None
    log: list[str] = []
    service = make_service(lambda: ExternalAclRole(None, load_owner(str(squid_conf))),
                           [str(squid_conf)], AclLayout("%URI %METHOD"), log)
    assert service.handle(b"www.example.org:443 CONNECT owner\n"
                          b"www.example.org:443 - owner\n"
                          b"http://x/ GET exception\n") == (
        f"OK owner_={member.label}\nOK owner_={member.label}\n".encode()
        + b'BH message="no --rules given: cannot tell CARP exceptions"\n')


def test_external_acl_without_url_or_unroutable(rules_file: Path, squid_conf: Path) -> None:
    log: list[str] = []
    service = make_service(
        lambda: ExternalAclRole(load_matcher(str(rules_file)), load_owner(str(squid_conf))),
        [], AclLayout("%SRC %URI"), log)
    assert service.handle(b"10.1.2.3 - exception\n10.0.0.1 - owner\n"
                          b"10.0.0.1 http://x:99999/ owner\n") == (
        b"OK carp_exception_=client carp_rule_=10.1.0.0/16\n"
        b'BH message="Squid sent no URL (%URI was -): cannot name the CARP owner"\n'
        b'ERR message="Squid refuses this URL: invalid port"\n')
    service = make_service(lambda: ExternalAclRole(None, load_owner(str(squid_conf))), [],
                           AclLayout("%SRC"), log)
    assert service.handle(b"10.0.0.1 owner\n") == (
        b'BH message="the format has no %URI: cannot name the CARP owner"\n')


def test_loading_errors_are_rules_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("exceptions:\n  domains: [.a.example, www.a.example]\n")
    with pytest.raises(RulesError) as err:
        load_matcher(str(bad))
    assert err.value.problems == (
        f"{bad}:2: exceptions.domains[1]: 'www.a.example' is already covered by '.a.example' "
        f"({bad}:2): Squid refuses such a dstdomain ACL; remove one",)
    with pytest.raises(RulesError) as err:
        load_storeid(str(tmp_path / "missing.db"))
    assert err.value.problems == (f"{tmp_path}/missing.db: cannot read: No such file or "
                                  "directory",)
    conf = tmp_path / "nocarp.conf"
    conf.write_text("http_port 3128\n")
    with pytest.raises(RulesError) as err:
        load_owner(str(conf))
    assert err.value.problems == (f"{conf}: no cache_peer is a CARP parent (type parent with "
                                  "the carp option)",)


OWNER_RULES = """\
acl is_exception note carp_exception_
always_direct allow is_exception
acl owned_by_1 note owner_ cache1.example.net
acl owned_by_2 note owner_ cache2.example.net
acl owned_by_3 note owner_ cache3.example.net
cache_peer_access cache1.example.net allow owned_by_1
cache_peer_access cache2.example.net allow owned_by_2
cache_peer_access cache3.example.net allow owned_by_3
"""


def test_owner_follows_the_forwarding_decision(rules_file: Path, tmp_path: Path) -> None:
    """A config that lets each parent serve only what the helper says it owns, and sends the
    helper's exceptions direct: the owner is the CARP owner, the one name that, once given, is
    the peer Squid uses (the answer is a fixed point of the config's own rules)."""
    from tests.helper.conftest import SQUID_CONF

    conf = tmp_path / "pinned.conf"
    conf.write_text(SQUID_CONF + OWNER_RULES)
    plain = array_from_config(read_config(str(conf)).config)
    log: list[str] = []
    matcher = load_matcher(str(rules_file))
    service = make_service(lambda: ExternalAclRole(matcher, load_owner(str(conf), matcher)),
                           [], AclLayout("%URI %SRC %METHOD"), log)
    urls = [f"http://www.example.com/{i}" for i in range(12)]
    owners = []
    for u in urls:
        member = plain.owner(u)
        assert member is not None
        owners.append(member.label)
    assert len(set(owners)) == 3
    data = b"".join(f"{i} {u} 10.0.0.7 GET owner\n".encode() for i, u in enumerate(urls))
    assert service.handle(data) == b"".join(
        f"{i} OK owner_={o}\n".encode() for i, o in enumerate(owners))
    # an exception: the helper's own exception notes make Squid go DIRECT (never_direct loses
    # to always_direct), so no peer serves it
    assert service.handle(b"0 http://a.windowsupdate.com/x 10.0.0.7 GET owner\n") == (
        b'0 ERR message="no peer would serve this URL: Squid sends it DIRECT"\n')
    assert log == []


def test_owner_says_why_when_no_peer_serves(tmp_path: Path) -> None:
    from tests.helper.conftest import SQUID_CONF

    conf = tmp_path / "direct.conf"
    conf.write_text(SQUID_CONF.replace("never_direct allow all\n", "pinger_enable off\n"
                                       "visible_hostname proxy.example.net\n"))
    log: list[str] = []
    service = make_service(lambda: ExternalAclRole(None, load_owner(str(conf))), [],
                           AclLayout("%URI %METHOD"), log)
    assert service.handle(
        b"www.example.org:443 CONNECT owner\n"
        b"cache_object://localhost/info GET owner\n"
        b"http://proxy.example.net:3128/squid-internal-mgr/info GET owner\n") == (
        b'ERR message="no peer would serve this URL: Squid sends it DIRECT"\n'
        b'ERR message="Squid answers it itself: cache_object: the cache manager answers '
        b'(Squid forwards none)"\n'
        b'ERR message="Squid answers it itself: proxy.example.net:3128 is this Squid (its name '
        b'and port): Squid answers its own URL"\n')
    pinger = tmp_path / "pinger.conf"
    pinger.write_text(SQUID_CONF.replace("never_direct allow all\n", ""))
    service = make_service(lambda: ExternalAclRole(None, load_owner(str(pinger))), [],
                           AclLayout("%URI %METHOD"), log)
    assert service.handle(b"http://www.example.com/ GET owner\n") == (
        b'ERR message="where Squid sends it depends on netdb RTT of www.example.com"\n')
