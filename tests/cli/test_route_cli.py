"""``squidcarp route``: exact output, exit codes, requests as bytes.

CARP values are the worked examples of the reference (weights 1,2,1), verified on Squid 5.7.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from squidcarp.cli.main import main
from tests.cli.conftest import Runner

CONF = (
    "pinger_enable off\n"
    "minimum_direct_rtt 0\n"
    "cache_peer 10.0.0.1 parent 3128 0 carp name=cache1.example.net weight=1 no-query no-digest\n"
    "cache_peer 10.0.0.2 parent 3128 0 carp name=cache2.example.net weight=2 no-query no-digest\n"
    "cache_peer 10.0.0.3 parent 3128 0 carp name=cache3.example.net weight=1 no-query no-digest\n"
    "acl upd dstdomain .updates.example.org\n"
    "cache_peer_access cache1.example.net deny upd\n"
    "acl night time 22:00-23:59\n"
    "always_direct allow night\n"
)
INDEX = "http://www.example.com/index.html?lang=en"


@pytest.fixture
def conf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "squid.conf").write_text(CONF)
    return "squid.conf"


def test_text_lists_the_forwarding_list_with_reasons_and_the_ranking(cli: Runner,
                                                                     conf: str) -> None:
    r = cli(["route", "--config", conf, "--rank", "--at", "12:00", INDEX,
             "CONNECT:www.example.com:443"])
    assert (r.code, r.err) == (0, "")
    assert r.out.splitlines() == [
        INDEX,
        "   1  cache1.example.net  CARP            CARP: the highest score  [squid.conf:3]",
        "   2  cache2.example.net  ANY_OLD_PARENT  another parent that is up and allowed  "
        "[squid.conf:4]",
        "   3  cache3.example.net  ANY_OLD_PARENT  another parent that is up and allowed  "
        "[squid.conf:5]",
        "   4  DIRECT              HIER_DIRECT     direct allowed (no always_direct/never_direct "
        "rule forces a choice)",
        "  CARP ranking (hashed as http://www.example.com/index.html?lang=en):",
        "    rank  member                       score    combined  multiplier",
        "       1  cache1.example.net    1998090382.9  2199183027  0.908560",
        "       2  cache3.example.net    1158803256.3  1275428016  0.908560",
        "       3  cache2.example.net    1023333192.2   844742938  1.211414",
        "",
        "CONNECT www.example.com:443",
        "   1  DIRECT  HIER_DIRECT  non-hierarchical request (CONNECT is not hierarchical): "
        "nonhierarchical_direct on sends it direct",
        "  CARP ranking (hashed as www.example.com:443):",
        "    rank  member                       score    combined  multiplier",
        "       1  cache2.example.net    4542491405.0  3749744037  1.211414",
        "       2  cache3.example.net    3297886936.1  3629794246  0.908560",
        "       3  cache1.example.net     289801545.2   318967873  0.908560",
    ]


def test_what_cannot_be_known_shows_every_outcome(cli: Runner, conf: str) -> None:
    r = cli(["route", "--config", conf, "http://a.updates.example.org/"])
    assert r.code == 0
    assert r.out.splitlines() == [
        "http://a.updates.example.org/",
        "  depends on ACL 'night' (squid.conf:8): it tests the time of day (give --at)",
        "  if ACL 'night' does not match:",
        "     1  cache3.example.net  CARP            CARP: the highest score of the members "
        "Squid may use; cache1.example.net scores higher but cache_peer_access "
        "cache1.example.net deny upd (squid.conf:7)  [squid.conf:7]",
        "     2  cache2.example.net  ANY_OLD_PARENT  another parent that is up and allowed  "
        "[squid.conf:4]",
        "     3  DIRECT              HIER_DIRECT     direct allowed (no "
        "always_direct/never_direct rule forces a choice)",
        "  if ACL 'night' matches:",
        "     1  DIRECT  HIER_DIRECT  always_direct allow night  [squid.conf:9]",
    ]


def test_brief(cli: Runner, conf: str) -> None:
    stdin = (b"# comment\n" + INDEX.encode() + b"\n"
             b"CONNECT:www.example.com:443\r\n"
             b"  http://www.example.com:/port  \n\n"
             b"/accel/path\n"
             b"http://a.updates.example.org/\n"
             b"http://www.example.com/caf\xe9\n")
    r = cli(["route", "--config", conf, "--brief", "--at", "2026-12-02T12:00"], stdin)
    assert (r.code, r.err) == (0, "")
    assert r.out.splitlines() == [
        "FIRST               HIER         URL",
        f"cache1.example.net  CARP         {INDEX}",
        "DIRECT              HIER_DIRECT  CONNECT www.example.com:443",
        "(400)                            http://www.example.com:/port  # not routable: invalid "
        "port",
        "(400)                            /accel/path  # not routable: accelerated request "
        "without Host and no defaultsite",
        "cache3.example.net  CARP         http://a.updates.example.org/",
        "cache3.example.net  CARP         http://www.example.com/caf\\xe9",
    ]
    r = cli(["route", "--config", conf, "--brief", INDEX])
    assert r.out.splitlines()[1] == f"(depends)        {INDEX}  # depends on ACL 'night'"


def test_json(cli: Runner, conf: str) -> None:
    r = cli(["route", "--config", conf, "--json", "--rank", "--at", "12:00", "--method",
             "CONNECT", "www.example.com:443", "bad:99999"])
    assert r.code == 0
    first, second = (json.loads(line) for line in r.out.splitlines())
    assert first == {
        "url": "www.example.com:443", "url_hex": b"www.example.com:443".hex(),
        "method": "CONNECT", "hashed_uri": "www.example.com:443", "owner": "cache2.example.net",
        "forwarding": [{"peer": None, "hier": "HIER_DIRECT",
                        "reason": "non-hierarchical request (CONNECT is not hierarchical): "
                                  "nonhierarchical_direct on sends it direct", "at": None}],
        "local": None, "direct": None, "direct_at": None, "depends": [], "caveats": [],
        "ranking": [
            {"member": "cache2.example.net", "score": 4542491404.988147,
             "combined_hash": 3749744037, "multiplier": 1.2114137285547597,
             "eligible": True, "down": False},
            {"member": "cache3.example.net", "score": 3297886936.0751047,
             "combined_hash": 3629794246, "multiplier": 0.9085602964160698,
             "eligible": True, "down": False},
            {"member": "cache1.example.net", "score": 289801545.24008334,
             "combined_hash": 318967873, "multiplier": 0.9085602964160698,
             "eligible": True, "down": False},
        ],
    }
    assert second == {"url": "bad:99999", "url_hex": b"bad:99999".hex(), "method": "CONNECT",
                      "hashed_uri": None, "owner": None, "error": "invalid port",
                      "status": 400, "local": None, "forwarding": None, "direct": None,
                      "direct_at": None, "depends": [], "caveats": [], "ranking": []}


def test_what_squid_answers_itself_or_refuses_is_said_so(cli: Runner, conf: str,
                                                         tmp_path: Path) -> None:
    accel = tmp_path / "accel.conf"
    accel.write_text(Path(conf).read_text() + "http_port 127.0.0.1:80 accel "
                     "defaultsite=www.example.com\n")
    r = cli(["route", "--config", str(accel), "cache_object://localhost/info"])
    assert r.out == ("cache_object://localhost/info\n  answered by Squid itself, HIER_NONE: "
                     "cache_object: the cache manager answers (Squid forwards none)\n")
    r = cli(["route", "--config", str(accel), "--port", "80", "--method", "CONNECT",
             "www.example.com:443"])
    assert r.out == ("CONNECT www.example.com:443\n  not routable: CONNECT on an accelerator "
                     "port (Squid answers 405)\n")
    r = cli(["route", "--config", str(accel), "--brief", "/squid-internal-mgr/info"])
    assert r.out.splitlines()[1] == (
        "(Squid)  HIER_NONE  /squid-internal-mgr/info  # answered by Squid: a /squid-internal- "
        "path as the request target: Squid's own URL, answered by Squid itself "
        "(src/client_side.cc parseHttpRequest)")


def test_json_when_it_depends(cli: Runner, conf: str) -> None:
    r = cli(["route", "--config", conf, "--json", "http://a.updates.example.org/"])
    obj = json.loads(r.out)
    assert obj["forwarding"] is None
    assert obj["owner"] == "cache3.example.net"
    assert obj["depends"] == [{"subject": "ACL 'night'", "reason": "it tests the time of day "
                               "(give --at)", "at": "squid.conf:8"}]
    assert [(o["assume"], [h["hier"] for h in o["forwarding"]]) for o in obj["outcomes"]] == [
        ([{"subject": "ACL 'night'", "value": False, "said": "ACL 'night' does not match"}],
         ["CARP", "ANY_OLD_PARENT", "HIER_DIRECT"]),
        ([{"subject": "ACL 'night'", "value": True, "said": "ACL 'night' matches"}],
         ["HIER_DIRECT"]),
    ]


def test_json_keeps_raw_bytes(cli: Runner, conf: str) -> None:
    r = cli(["route", "--config", conf, "--json", "--at", "12:00"], b"http://h/\xff\xfe\n")
    obj = json.loads(r.out)
    assert obj["url"] == "http://h/\\xff\\xfe"
    assert bytes.fromhex(obj["url_hex"]) == b"http://h/\xff\xfe"


def test_accelerator_targets(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "accel.conf"
    path.write_text(CONF + "http_port 3128\nhttp_port 80 accel defaultsite=www.example.com vhost\n")
    r = cli(["route", "--config", str(path), "--json", "--at", "12:00", "/index.html?lang=en"])
    obj = json.loads(r.out)
    assert obj["hashed_uri"] == INDEX
    assert [(h["peer"], h["hier"]) for h in obj["forwarding"]] == [
        ("cache1.example.net", "CARP"), ("cache2.example.net", "ANY_OLD_PARENT"),
        ("cache3.example.net", "ANY_OLD_PARENT")]
    assert obj["direct"] == "accelerated request on http_port 80 without allow-direct"
    r = cli(["route", "--config", str(path), "--json", "--at", "12:00", "--host",
             "Other.Example:80", "/x"])
    assert json.loads(r.out)["hashed_uri"] == "http://other.example/x"


def test_access_log_with_its_clients(cli: Runner, conf: str, tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_bytes(
        b"1700000000.1 5 10.1.1.1 TCP_MISS/200 10 GET http://www.example.com/index.html?lang=en"
        b" - CARP/10.0.0.1 text/html\n"
        b"1700000000.2 5 10.1.1.2 TCP_TUNNEL/200 10 CONNECT www.example.com:443 - "
        b"HIER_DIRECT/1.2.3.4 -\n"
        b"not a log line\n")
    r = cli(["route", "--config", conf, "--access-log", str(log), "--brief", "--at", "12:00"])
    assert r.code == 0
    assert r.out.splitlines()[1:] == [
        f"cache1.example.net  CARP         {INDEX}",
        "DIRECT              HIER_DIRECT  CONNECT www.example.com:443",
    ]
    assert r.err == "squidcarp: access log line 3: 4 fields, a native access.log line has 10\n"


def test_down_and_port(cli: Runner, conf: str) -> None:
    r = cli(["route", "--config", conf, "--brief", "--at", "12:00", "--down",
             "CACHE1.example.net,cache3.example.net", INDEX])
    assert r.out.splitlines()[1] == f"cache2.example.net  CARP  {INDEX}"


@pytest.mark.parametrize(("argv", "message"), [
    (["route", "http://x/"], "one of the arguments --config --array is required"),
    (["route", "--config", "{conf}", "--member", "x", "http://x/"],
     "squidcarp: --member goes with --array"),
    (["route", "--config", "/nonexistent/squid.conf", "http://x/"], "cannot read"),
    (["route", "--config", "{conf}", "--down", "nope", "x"],
     "squidcarp: --down: no cache_peer named 'nope' (peers: 'cache1.example.net', "
     "'cache2.example.net', 'cache3.example.net')"),
    (["route", "--config", "{conf}", "--port", "9999", "http://x/"],
     "squidcarp route: --port 9999: no http_port or https_port named or numbered '9999'"),
    (["route", "--config", "{conf}", "--at", "noon", "http://x/"],
     "squidcarp route: --at noon: expected 2026-12-02T14:30 or 14:30"),
    (["route", "--config", "{conf}", "--note", "novalue", "http://x/"],
     "squidcarp route: --note novalue: expected KEY=VALUE"),
    (["route", "--config", "{conf}", "--access-log", "-", "http://x/"], "not both"),
    (["route", "--config", "{conf}", "--access-log", "/nonexistent.log"], "cannot read"),
    (["route", "--config", "{conf}", "--hosts", "/nonexistent.hosts", "http://x/"],
     "cannot read /nonexistent.hosts"),
])
def test_usage_errors(cli: Runner, conf: str, argv: list[str], message: str) -> None:
    r = cli([a.format(conf=conf) for a in argv])
    assert r.code == 3
    assert message in r.err
    assert r.out == ""


def test_a_config_without_carp_still_routes(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "plain.conf"
    path.write_text("pinger_enable off\nnever_direct allow all\n"
                    "cache_peer 127.0.0.1 parent 3128 0 name=up no-query\n")
    r = cli(["route", "--config", str(path), "--brief", "http://x/"])
    assert (r.code, r.out.splitlines()[1]) == (0, "up     FIRSTUP_PARENT  http://x/")


def test_empty_and_hostile_targets_are_answers_not_tracebacks(cli: Runner, conf: str) -> None:
    r = cli(["route", "--config", conf, "--brief", "", "http://h:" + "9" * 5000 + "/"])
    assert r.code == 0
    assert [line.split()[0] for line in r.out.splitlines()[1:]] == ["(400)", "(400)"]


def test_control_characters_are_escaped(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "evil.conf"
    path.write_bytes(b"pinger_enable off\nnever_direct allow all\n"
                     b"cache_peer 127.0.0.1 parent 3128 0 carp name=a\x1b[31m\xe2\x80\xaeb\n")
    r = cli(["route", "--config", str(path), "--brief", "http://x/"])
    assert "\x1b" not in r.out and "\u202e" not in r.out
    assert r.out.splitlines()[1].startswith("a\\x1b[31m\\u202eb  CARP")


def test_config_from_stdin(cli: Runner) -> None:
    r = cli(["route", "--config", "-", "--brief", "--at", "12:00", INDEX], CONF.encode())
    assert (r.code, r.out.splitlines()[1]) == (0, f"cache1.example.net  CARP  {INDEX}")
    r = cli(["route", "--config", "-"], CONF.encode())
    assert r.code == 3 and "stdin can't hold both" in r.err


@pytest.mark.parametrize(("conf_text", "message"), [
    ("cache_peer a.example parent 3128 0 carp\ncache_peer A.example parent 3129 0 carp\n",
     "specified twice"),
    ("cache_peer a parent 3128 0 carp name=\ncache_peer b parent 3129 0 carp\n",
     "non-empty name"),
])
def test_configs_squid_refuses(cli: Runner, tmp_path: Path, conf_text: str,
                               message: str) -> None:
    path = tmp_path / "bad.conf"
    path.write_text(conf_text)
    r = cli(["route", "--config", str(path), "http://x/"])
    assert r.code == 3
    assert "warning: Squid would refuse to start" in r.err
    assert message in r.err
    assert r.out == ""


def test_member_names_that_are_not_utf8(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "latin1.conf"
    path.write_bytes(b"pinger_enable off\nnever_direct allow all\n"
                     b"cache_peer 127.0.0.1 parent 3901 0 carp name=caf\xe9 weight=1\n"
                     b"cache_peer 127.0.0.1 parent 3902 0 carp name=plain weight=1\n")
    r = cli(["route", "--config", str(path), "--rank", "--down", "CAF\udce9", "http://x/"])
    assert r.code == 0 and "caf\\xe9" in r.out and "(down or denied)" in r.out


def test_help_teaches(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "--help"]) == 0
    text = capsys.readouterr().out
    assert "examples:" in text and "exit codes:" in text
    assert "squidcarp route --config squid.conf" in text


def test_a_host_name_that_is_not_utf8_is_matched_as_bytes(cli: Runner, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """srcdom_regex on a --hosts name holding a non-UTF-8 byte: matched, no traceback."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hosts").write_bytes(b"10.0.0.9 bad\xffname\n")
    (tmp_path / "sd.conf").write_text("http_port 3128\nacl c srcdom_regex bad\n"
                                      "cache_peer p parent 3128 0 carp\nnever_direct allow c\n")
    r = cli(["route", "--config", "sd.conf", "--hosts", "hosts", "--client", "10.0.0.9",
             "http://a/"])
    assert r.code == 0 and "Traceback" not in r.err
    assert "  direct: never_direct allow c  [sd.conf:4]\n" in r.out
