"""``squidcarp route`` and ``squidcarp simulate``: exact output, exit codes, inputs as bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from squidcarp.carp.analysis import RemoveMember, apply_changes
from squidcarp.carp.array import CarpArray
from squidcarp.cli.main import main
from tests.carp.conftest import Runner

CONF = (
    "cache_peer 127.0.0.1 parent 3901 0 carp name=cache1.example.net weight=1 no-query\n"
    "cache_peer 127.0.0.1 parent 3902 0 carp name=cache2.example.net weight=2 no-query\n"
    "cache_peer 127.0.0.1 parent 3903 0 carp name=cache3.example.net weight=1 no-query\n"
    "cache_peer 127.0.0.1 parent 3904 0 name=not-carp\n"
)
URLS = b"".join(b"http://www.example.com/%d\n" % i for i in range(300)) + b"http://bad:/x\n"


@pytest.fixture
def conf(tmp_path: Path) -> str:
    path = tmp_path / "squid.conf"
    path.write_text(CONF)
    return str(path)


@pytest.fixture
def urls(tmp_path: Path) -> str:
    path = tmp_path / "urls.txt"
    path.write_bytes(URLS)
    return str(path)


# --- route ----------------------------------------------------------------------------------------


def test_route_text(cli: Runner, conf: str) -> None:
    stdin = (b"# comment\n"
             b"http://www.example.com/index.html?lang=en\n"
             b"CONNECT:www.example.com:443\r\n"
             b"  http://www.example.com:/port  \n"
             b"\n"
             b"/accel/path\n"
             b"http://www.example.com/caf\xe9\n")
    r = cli(["route", "--config", conf], stdin)
    assert (r.code, r.err) == (0, "")
    assert r.out.splitlines() == [
        "OWNER               URL",
        "cache1.example.net  http://www.example.com/index.html?lang=en",
        "cache2.example.net  CONNECT www.example.com:443",
        "(400)               http://www.example.com:/port  # not routable: invalid port",
        "(400)               /accel/path  # not routable: accelerated request without Host and "
        "no defaultsite",
        "cache3.example.net  http://www.example.com/caf\\xe9",
    ]


def test_route_rank_text(cli: Runner, conf: str) -> None:
    r = cli(["route", "--config", conf, "--rank", "--down", "CACHE1.example.net",
             "http://www.example.com/index.html?lang=en", "HTTP://WWW.EXAMPLE.COM:80/"])
    assert r.code == 0
    assert r.out.splitlines() == [
        "http://www.example.com/index.html?lang=en",
        "  hashed as http://www.example.com/index.html?lang=en",
        "  rank  member                       score    combined  multiplier",
        "     1  cache3.example.net    1158803256.3  1275428016  0.908560",
        "     2  cache2.example.net    1023333192.2   844742938  1.211414",
        "     3  cache1.example.net    1998090382.9  2199183027  0.908560  (down)",
        "",
        "HTTP://WWW.EXAMPLE.COM:80/",
        "  hashed as http://www.example.com/",
        "  rank  member                       score    combined  multiplier",
        "     1  cache3.example.net     727890419.4   801147070  0.908560",
        "     2  cache2.example.net     508879450.5   420070731  1.211414",
        "     3  cache1.example.net    2165743183.9  2383708811  0.908560  (down)",
    ]


def test_route_json(cli: Runner, conf: str) -> None:
    r = cli(["route", "--config", conf, "--json", "--rank", "--method", "CONNECT",
             "www.example.com:443", "bad:99999"])
    assert r.code == 0
    lines = [json.loads(line) for line in r.out.splitlines()]
    assert lines == [
        {
            "url": "www.example.com:443", "url_hex": b"www.example.com:443".hex(),
            "method": "CONNECT", "hashed_uri": "www.example.com:443",
            "owner": "cache2.example.net",
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
        },
        {"url": "bad:99999", "url_hex": b"bad:99999".hex(), "method": "CONNECT",
         "hashed_uri": None, "owner": None, "error": "invalid port", "ranking": []},
    ]


def test_route_json_keeps_raw_bytes(cli: Runner, conf: str) -> None:
    r = cli(["route", "--config", conf, "--json"], b"http://h/\xff\xfe\n")
    obj = json.loads(r.out)
    assert obj["url"] == "http://h/\\xff\\xfe"
    assert bytes.fromhex(obj["url_hex"]) == b"http://h/\xff\xfe"
    expected = CarpArray.from_members([("cache1.example.net", 1), ("cache2.example.net", 2),
                                       ("cache3.example.net", 1)]).owner(b"http://h/\xff\xfe")
    assert expected is not None and obj["owner"] == expected.label


def test_route_accelerator_targets(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "accel.conf"
    path.write_text(CONF + "http_port 80 accel defaultsite=www.example.com vhost\n")
    r = cli(["route", "--config", str(path), "--json", "/index.html?lang=en"])
    assert json.loads(r.out)["hashed_uri"] == "http://www.example.com/index.html?lang=en"
    assert json.loads(r.out)["owner"] == "cache1.example.net"
    r = cli(["route", "--config", str(path), "--json", "--host", "Other.Example:80", "/x"])
    assert json.loads(r.out)["hashed_uri"] == "http://other.example/x"


def test_route_access_log(cli: Runner, conf: str, tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_bytes(
        b"1700000000.1 5 127.0.0.1 TCP_MISS/200 10 GET http://www.example.com/index.html?lang=en"
        b" - CARP/127.0.0.1 text/html\n"
        b"1700000000.2 5 127.0.0.1 TCP_TUNNEL/200 10 CONNECT www.example.com:443 - "
        b"HIER_DIRECT/1.2.3.4 -\n"
        b"not a log line\n")
    r = cli(["route", "--config", conf, "--access-log", str(log)])
    assert r.code == 0
    assert r.out.splitlines()[1:] == [
        "cache1.example.net  http://www.example.com/index.html?lang=en",
        "cache2.example.net  CONNECT www.example.com:443",
    ]
    assert r.err == "squidcarp: access log line 3: 4 fields, a native access.log line has 10\n"


@pytest.mark.parametrize(("argv", "message"), [
    (["route", "http://x/"], "the following arguments are required: --config"),
    (["route", "--config", "/nonexistent/squid.conf", "http://x/"], "cannot read"),
    (["route", "--config", "{conf}", "--down", "nope", "x"], "--down nope: no such CARP member"),
    (["route", "--config", "{conf}", "--access-log", "-", "http://x/"], "not both"),
    (["route", "--config", "{conf}", "--access-log", "/nonexistent.log"], "cannot read"),
])
def test_route_usage_errors(cli: Runner, conf: str, argv: list[str], message: str) -> None:
    r = cli([a.format(conf=conf) for a in argv])
    assert r.code == 3
    assert message in r.err
    assert r.out == ""


def test_route_config_without_carp(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "plain.conf"
    path.write_text("cache_peer 127.0.0.1 parent 3128 0\n")
    r = cli(["route", "--config", str(path), "http://x/"])
    assert r.code == 3
    assert "no cache_peer is a CARP parent" in r.err


@pytest.mark.parametrize("command", ["route", "simulate"])
def test_help_teaches(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "examples:" in text and "exit codes:" in text
    assert f"squidcarp {command} --config squid.conf" in text


# --- simulate -------------------------------------------------------------------------------------


def test_simulate_text(cli: Runner, conf: str, urls: str) -> None:
    r = cli(["simulate", "--config", conf, "--urls", urls, "--add", "cache4.example.net:2",
             "--remove", "cache1.example.net"])
    assert (r.code, r.err) == (0, "")
    assert r.out == (
        f"301 requests from {urls}: 300 routed, 1 not routable (Squid answers 400)\n"
        "\n"
        "member              weight        count    share  expected\n"
        "cache1.example.net       1           78   26.00%    25.00%\n"
        "cache2.example.net       2          155   51.67%    50.00%\n"
        "cache3.example.net       1           67   22.33%    25.00%\n"
        "\n"
        "after: add cache4.example.net:2, remove cache1.example.net\n"
        "member              weight        count    share  expected\n"
        "cache2.example.net       2          126   42.00%    40.00%\n"
        "cache3.example.net       1           61   20.33%    20.00%\n"
        "cache4.example.net       2          113   37.67%    40.00%\n"
        "\n"
        "moved: 218 of 300 requests (72.67%); minimum 113 (37.67%); by weights 40.00%\n"
    )


def test_simulate_json_against_the_scalar_path(cli: Runner, conf: str, urls: str) -> None:
    r = cli(["simulate", "--config", conf, "--urls", urls, "--json", "--remove", "cache3"
             ".example.net"])
    assert r.code == 0
    obj = json.loads(r.out)
    assert sorted(obj) == ["after", "changes", "members", "moved", "no_owner", "not_routable",
                           "requests", "routed"]
    before = CarpArray.from_members([("cache1.example.net", 1), ("cache2.example.net", 2),
                                     ("cache3.example.net", 1)])
    after, _ = apply_changes(before, [RemoveMember("cache3.example.net")])
    lines = [line for line in URLS.splitlines() if b":/x" not in line]
    owners_before = [before.owner(u) for u in lines]
    owners_after = [after.owner(u) for u in lines]
    moved = sum(a is None or b is None or a.label != b.label
                for a, b in zip(owners_before, owners_after, strict=True))
    assert obj["moved"]["count"] == moved
    assert obj["changes"] == ["remove cache3.example.net"]
    counts = {m["name"]: m["count"] for m in obj["members"]}
    assert counts == {m.label: sum(o is m for o in owners_before) for m in before.members}
    assert obj["after"]["members"][1] == {
        "name": "cache2.example.net", "weight": 2,
        "count": sum(o is not None and o.label == "cache2.example.net" for o in owners_after),
        "share": pytest.approx(obj["after"]["members"][1]["count"] / 300),
        "expected_share": pytest.approx(2 / 3)}
    assert obj["moved"]["ideal_share"] == pytest.approx(0.25)


def test_simulate_plot_is_written_atomically(cli: Runner, conf: str, urls: str,
                                             tmp_path: Path) -> None:
    out = tmp_path / "chart.png"
    r = cli(["simulate", "--config", conf, "--urls", urls, "--rename",
             "cache1.example.net:cacheA", "--plot", str(out)])
    assert r.code == 0
    assert r.out.endswith(f"\nchart written to {out}\n")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png", "squid.conf", "urls.txt"]


def test_simulate_progress_only_on_a_terminal(cli: Runner, conf: str, urls: str) -> None:
    quiet = cli(["simulate", "--config", conf, "--urls", urls])
    assert quiet.err == ""
    loud = cli(["simulate", "--config", conf, "--urls", urls, "--add", "x:1"], tty=True)
    assert "routing [##############################] 100% 301/301\n" in loud.err
    assert "after    [" in loud.err
    assert loud.out == cli(["simulate", "--config", conf, "--urls", urls, "--add", "x:1"]).out


def test_simulate_access_log_from_stdin(cli: Runner, conf: str) -> None:
    log = b"".join(b"1.0 1 127.0.0.1 TCP_MISS/200 1 GET http://www.example.com/%d - CARP/a -\n"
                   % i for i in range(300))
    r = cli(["simulate", "--config", conf, "--access-log", "-", "--json"], log)
    obj = json.loads(r.out)
    assert [m["count"] for m in obj["members"]] == [78, 155, 67]


@pytest.mark.parametrize(("extra", "message"), [
    (["--add", "x"], "expected NAME:WEIGHT"),
    (["--add", "x:0"], "weight must be 1..2147483647"),
    (["--reweight", "cache1.example.net:abc"], "weight must be an integer"),
    (["--remove", "nope"], "no CARP member named 'nope'"),
    (["--rename", "cache1.example.net"], "expected OLD:NEW"),
    (["--add", "CACHE1.example.net:1"], "specified twice"),
    (["--access-log", "x"], "not allowed with argument"),
    (["--plot", "/nonexistent/dir/x.png"], "cannot write"),
])
def test_simulate_usage_errors(cli: Runner, conf: str, urls: str, extra: list[str],
                               message: str) -> None:
    r = cli(["simulate", "--config", conf, "--urls", urls, *extra])
    assert r.code == 3
    assert message in r.err


def test_config_from_stdin(cli: Runner) -> None:
    r = cli(["route", "--config", "-", "http://www.example.com/index.html?lang=en"],
            CONF.encode())
    assert r.code == 0
    assert r.out.splitlines()[1] == "cache1.example.net  http://www.example.com/index.html?lang=en"
    r = cli(["route", "--config", "-"], CONF.encode())
    assert r.code == 3 and "stdin can't hold both" in r.err
    r = cli(["simulate", "--config", "-", "--urls", "-"], CONF.encode())
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


def test_member_names_that_are_not_utf8(cli: Runner, tmp_path: Path, urls: str) -> None:
    path = tmp_path / "latin1.conf"
    path.write_bytes(b"cache_peer 127.0.0.1 parent 3901 0 carp name=caf\xe9 weight=1\n"
                     b"cache_peer 127.0.0.1 parent 3902 0 carp name=plain weight=1\n")
    r = cli(["simulate", "--config", str(path), "--urls", urls, "--rename",
             "caf\udce9:caf\udce9-2"])
    assert r.code == 0
    assert "caf\\xe9 " in r.out and "rename caf\\xe9:caf\\xe9-2" in r.out
    r = cli(["simulate", "--config", str(path), "--urls", urls, "--json"])
    assert json.loads(r.out)["members"][0]["name"] == "caf\\xe9"
    r = cli(["route", "--config", str(path), "--rank", "--down", "CAF\udce9", "http://x/"])
    assert r.code == 0 and "caf\\xe9" in r.out and "(down)" in r.out
