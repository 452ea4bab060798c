"""The model the forwarding decision reads: acl lines, access lists and typed settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from squidcarp.conf import read_bytes, read_config
from squidcarp.conf.model import AccessLine, AclDefinition, SquidConfig


def _config(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> SquidConfig:
    for name, body in (files or {}).items():
        (tmp_path / name).write_text(body)
    (tmp_path / "squid.conf").write_text(text)
    return read_config("squid.conf").config  # (the tests chdir there: short labels)


def _values(a: AclDefinition | None) -> list[tuple[str, str]]:
    assert a is not None
    return [(t.text, str(t.pos)) for t in a.values]


def test_acl_lines_keep_type_options_and_values_in_order(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = _config(tmp_path, (
        'acl a dstdomain -n .example.com "doms.txt" after\n'
        "acl A dstdomain .more\n"
        "acl b myip 10.0.0.1\n"
        "acl r url_regex -i ^http: +i ^ftp:\n"), {
        "doms.txt": "# comment\n  one.example   \n\n two words here  #c\n#x\n"})
    a, upper, b, r = config.acls
    assert (a.name.text, a.type, [t.text for t in a.options]) == ("a", "dstdomain", ["-n"])
    # strtokFile: one value per line (blanks and a trailing #word trimmed, comments and blank
    # lines skipped); the list ends with the file, so "after" is never read
    assert _values(a) == [(".example.com", "squid.conf:1:20"), ("one.example", "doms.txt:2:3"),
                          ("two words here", "doms.txt:4:2")]
    assert (b.type, b.type_token.text) == ("localip", "myip")  # ACL::ParseAclLine renames it
    assert [t.text for t in r.options] == ["-i"]
    assert [t.text for t in r.values] == ["^http:", "+i", "^ftp:"]  # +i is RegexData's flag
    assert upper.name.text == "A"


def test_acl_helper_merges_lines_case_insensitively_after_squids_own(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch
                                                                     ) -> None:
    monkeypatch.chdir(tmp_path)
    config = _config(tmp_path, "acl a dstdomain .one\nacl A dstdomain .two\n"
                               "acl localhost src 10.9.9.9\n")
    merged = config.acl("A")
    assert merged is not None and merged.name.text == "a" and merged.type == "dstdomain"
    assert [t.text for t in merged.values] == [".one", ".two"]
    local = config.acl("LOCALHOST")
    assert local is not None and [t.text for t in local.values] == [
        "127.0.0.1/32", "::1", "10.9.9.9"]
    assert str(local.name.pos) == "<squid default>:3:5"
    manager = config.acl("manager")
    assert manager is not None and [t.text for t in manager.options] == ["-i"]
    assert config.acl("nosuch") is None


def test_access_lines_of_every_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = _config(tmp_path, (
        "acl a src 10.0.0.0/8\nacl b dstdomain .x\n"
        "cache_peer p1 parent 3128 0 name=Peer1\n"
        "cache_peer_access PEER1 allow a !b\n"
        "cache_peer_access nosuch allow a\n"       # unknown peer: dropped
        "http_access deny !a\n"
        "http_access allow\n"                      # no ACL: dropped
        "http_access bogus a\n"                    # no action: dropped
        'never_direct allow "names.txt"\n'
        "request_header_access Foo deny a\n"
        "miss_access allow all\n"
        "tcp_outgoing_address 10.0.0.1 b\n"), {"names.txt": "a\n!b\n"})
    got = [(line.name, line.action, [(r.negated, r.name, str(r.token.pos)) for r in line.acls],
            line.peer) for line in config.access]
    assert got == [
        ("cache_peer_access", "allow",
         [(False, "a", "squid.conf:4:31"), (True, "b", "squid.conf:4:33")], "Peer1"),
        ("http_access", "deny", [(True, "a", "squid.conf:6:18")], None),
        ("never_direct", "allow", [(False, "a", "names.txt:1:1"), (True, "b", "names.txt:2:1")],
         None),
        ("request_header_access", "deny", [(False, "a", "squid.conf:10:32")], None),
        ("miss_access", "allow", [(False, "all", "squid.conf:11:19")], None),
    ]
    assert [line.name for line in config.access_list("http_access")] == ["http_access"]
    assert [r.peer.text for r in config.peer_access] == ["PEER1"]  # the old view still works
    assert [name for name, _ in config.access_lists] == ["never_direct"]


def test_a_line_naming_an_undefined_acl_is_not_kept() -> None:
    config = read_bytes(b"http_access allow nosuch\nhttp_access deny all\n", "s.conf").config
    assert [(line.action, [r.name for r in line.acls]) for line in config.access] == [
        ("deny", ["all"])]


def test_settings_the_forwarding_decision_reads_are_typed_with_squids_defaults() -> None:
    config = read_bytes(b"dead_peer_timeout 2 minutes\nprefer_direct on\n"
                        b"forward_max_tries 0x10\nmaximum_object_size 1 MB\n", "s.conf").config
    assert config.setting_value("dead_peer_timeout") == 120.0
    assert config.setting_value("prefer_direct") is True
    assert config.setting_value("forward_max_tries") == 16
    assert config.setting_value("maximum_object_size") == 1 << 20
    # not in the config: cf.data.pre's DEFAULT, read by the same parser
    assert config.setting_value("nonhierarchical_direct") is True
    assert config.setting_value("minimum_direct_rtt") == 400
    assert config.setting_value("hosts_file") == "/etc/hosts"  # Debian's @DEFAULT_HOSTS@
    assert config.setting_value("read_timeout") == 900.0
    assert config.setting_value("icp_port") == 0
    assert config.setting_value("udp_port") == 0  # an alias
    # not a directive at all (src/neighbors.cc keeps it internal): nothing to read
    assert config.setting_value("neighbors_do_private_keys") is None


def test_a_refused_value_falls_back_to_the_default() -> None:
    config = read_bytes(b"icp_port 70000\n", "s.conf").config
    setting = config.setting("icp_port")
    assert setting is not None and setting.value is None
    assert config.setting_value("icp_port") == 0


def test_the_readers_fast_constructors_make_what_init_makes() -> None:
    config = read_bytes(b"acl a src 10.0.0.0/8\nhttp_access allow a\n", "s.conf").config
    [definition], [line] = config.acls, config.access
    assert definition == AclDefinition(definition.directive, "src", 2)
    assert line == AccessLine(line.directive, "allow", 1)
    assert hash(line) == hash(AccessLine(line.directive, "allow", 1))
    assert repr(definition).startswith("AclDefinition(directive=Directive(")
