"""``squidcarp simulate``: where requests go first, what moves on a change, charts and errors."""

from __future__ import annotations

import builtins
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from squidcarp.carp.array import CarpArray
from squidcarp.cli.main import main
from tests.cli.conftest import Runner

CONF = (
    "pinger_enable off\n"
    "never_direct allow all\n"
    "cache_peer 10.0.0.1 parent 3128 0 carp name=cache1.example.net weight=1 no-query no-digest\n"
    "cache_peer 10.0.0.2 parent 3128 0 carp name=cache2.example.net weight=2 no-query no-digest\n"
    "cache_peer 10.0.0.3 parent 3128 0 carp name=cache3.example.net weight=1 no-query no-digest\n"
)
URLS = b"".join(b"http://www.example.com/%d\n" % i for i in range(300)) + b"http://bad:/x\n"
ARRAY = CarpArray.from_members([("cache1.example.net", 1), ("cache2.example.net", 2),
                                ("cache3.example.net", 1)])


@pytest.fixture
def conf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "squid.conf").write_text(CONF)
    (tmp_path / "urls.txt").write_bytes(URLS)
    return "squid.conf"


def test_text(cli: Runner, conf: str) -> None:
    r = cli(["simulate", "--config", conf, "--urls", "urls.txt", "--add",
             "cache4.example.net:2", "--remove", "cache1.example.net"])
    assert (r.code, r.err) == (0, "")
    assert r.out == (
        "301 requests from urls.txt\n"
        "\n"
        "destination               count    share  expected\n"
        "cache1.example.net           78   25.91%    25.00%\n"
        "cache2.example.net          155   51.50%    50.00%\n"
        "cache3.example.net           67   22.26%    25.00%\n"
        "(400)                         1    0.33%         -\n"
        "\n"
        "after: add cache4.example.net:2, remove cache1.example.net\n"
        "destination               count    share  expected\n"
        "cache2.example.net          126   41.86%    40.00%\n"
        "cache3.example.net           61   20.27%    20.00%\n"
        "cache4.example.net          113   37.54%    40.00%\n"
        "(400)                         1    0.33%         -\n"
        "\n"
        "moved: 218 of 300 requests (72.67%); the minimum is 113 (37.67%)\n"
    )


def _counts(obj: dict[str, Any]) -> dict[str, int]:
    return {d["name"]: d["count"] for d in obj["destinations"]}


def test_json_counts_are_the_scalar_owners(cli: Runner, conf: str) -> None:
    r = cli(["simulate", "--config", conf, "--urls", "urls.txt", "--json"])
    obj = json.loads(r.out)
    assert obj["requests"] == 301 and obj["batch"] == 301
    owners = [ARRAY.owner(u) for u in URLS.splitlines()[:300]]
    assert _counts(obj) == {**{m.label: sum(o is m for o in owners) for m in ARRAY.members},
                            "(400)": 1}
    assert obj["changes"] == [] and obj["after"] is None and obj["moved"] is None


def test_access_rules_take_the_one_by_one_path_with_the_same_answers(cli: Runner, conf: str,
                                                                     tmp_path: Path) -> None:
    ruled = tmp_path / "ruled.conf"
    ruled.write_text(CONF + "acl nothing dstdomain .never.invalid\n"
                     "cache_peer_access cache1.example.net deny nothing\n")
    fast = json.loads(cli(["simulate", "--config", conf, "--urls", "urls.txt", "--json"]).out)
    slow = json.loads(cli(["simulate", "--config", str(ruled), "--urls", "urls.txt",
                           "--json"]).out)
    assert slow["batch"] == 0
    assert _counts(slow) == _counts(fast)


def test_a_deny_rule_moves_a_domain_off_a_member(cli: Runner, conf: str, tmp_path: Path) -> None:
    ruled = tmp_path / "ruled.conf"
    ruled.write_text(CONF + "acl site dstdomain www.example.com\n"
                     "cache_peer_access cache2.example.net deny site\n")
    obj = json.loads(cli(["simulate", "--config", str(ruled), "--urls", "urls.txt",
                          "--json"]).out)
    assert _counts(obj)["cache2.example.net"] == 0
    assert _counts(obj)["cache1.example.net"] + _counts(obj)["cache3.example.net"] == 300


def test_removing_every_member_leaves_nowhere_to_go(cli: Runner, conf: str) -> None:
    r = cli(["simulate", "--config", conf, "--urls", "urls.txt", "--remove",
             "cache1.example.net", "--remove", "cache2.example.net", "--remove",
             "cache3.example.net"])
    assert r.out.split("after: ")[1].splitlines()[1:4] == [
        "destination        count    share  expected",
        "(nowhere)            300   99.67%         -",
        "(400)                  1    0.33%         -",
    ]


def test_a_renamed_member_keeps_its_rules(cli: Runner, conf: str, tmp_path: Path) -> None:
    ruled = tmp_path / "ruled.conf"
    ruled.write_text(CONF + "acl site dstdomain www.example.com\n"
                     "cache_peer_access cache2.example.net deny site\n")
    obj = json.loads(cli(["simulate", "--config", str(ruled), "--urls", "urls.txt", "--json",
                          "--rename", "cache2.example.net:renamed"]).out)
    assert _counts({"destinations": obj["after"]["destinations"]})["renamed"] == 0


def test_plot_is_written_atomically(cli: Runner, conf: str, tmp_path: Path) -> None:
    r = cli(["simulate", "--config", conf, "--urls", "urls.txt", "--rename",
             "cache1.example.net:cacheA", "--plot", "chart.png"])
    assert r.code == 0
    assert r.out.endswith("\nchart written to chart.png\n")
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png", "squid.conf",
                                                          "urls.txt"]


@pytest.mark.parametrize(("target", "message"), [
    ("/dev/full", "squidcarp simulate: --plot: /dev/full exists and is not a regular file"),
    ("", "squidcarp simulate: --plot: an empty file name"),
    ("/nonexistent/dir/x.png", "squidcarp simulate: --plot: no folder /nonexistent/dir"),
    (".", "squidcarp simulate: --plot: . is a directory"),
])
def test_plot_targets_that_are_not_files(cli: Runner, conf: str, target: str,
                                         message: str) -> None:
    r = cli(["simulate", "--config", conf, "--urls", "urls.txt", "--plot", target])
    assert (r.code, r.err, r.out) == (3, message + "\n", "")


def test_plot_without_matplotlib_says_how_to_get_it(cli: Runner, conf: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    real = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    for module in [m for m in sys.modules if m.startswith("matplotlib")]:
        monkeypatch.delitem(sys.modules, module)
    r = cli(["simulate", "--config", conf, "--urls", "urls.txt", "--plot", "c.png"])
    assert (r.code, r.err) == (3, "squidcarp simulate: --plot needs matplotlib: pip install "
                                  "'squidcarp[plot]' (or pip install matplotlib)\n")


def test_progress_only_on_a_terminal(cli: Runner, conf: str) -> None:
    quiet = cli(["simulate", "--config", conf, "--urls", "urls.txt"])
    assert quiet.err == ""
    loud = cli(["simulate", "--config", conf, "--urls", "urls.txt", "--add", "x:1"], tty=True)
    assert "routing [##############################] 100% 301/301\n" in loud.err
    assert "after    [" in loud.err
    assert loud.out == cli(["simulate", "--config", conf, "--urls", "urls.txt", "--add",
                            "x:1"]).out


def test_access_log_from_stdin(cli: Runner, conf: str) -> None:
    log = b"".join(b"1.0 1 127.0.0.1 TCP_MISS/200 1 GET http://www.example.com/%d - CARP/a -\n"
                   % i for i in range(300))
    r = cli(["simulate", "--config", conf, "--access-log", "-", "--json"], log)
    assert list(_counts(json.loads(r.out)).values()) == [78, 155, 67]


@pytest.mark.parametrize(("extra", "message"), [
    (["--add", "x"], "expected NAME:WEIGHT"),
    (["--add", "x:0"], "weight must be 1..2147483647"),
    (["--add", "x:" + "9" * 5000], "weight must be an integer 1..2147483647"),
    (["--reweight", "cache1.example.net:abc"], "weight must be an integer"),
    (["--remove", "nope"], "no CARP member named 'nope'"),
    (["--rename", "cache1.example.net"], "expected OLD:NEW"),
    (["--add", "CACHE1.example.net:1"], "a cache_peer named 'CACHE1.example.net' exists"),
    (["--access-log", "x"], "not allowed with argument"),
])
def test_usage_errors(cli: Runner, conf: str, extra: list[str], message: str) -> None:
    r = cli(["simulate", "--config", conf, "--urls", "urls.txt", *extra])
    assert r.code == 3
    assert message in r.err


def test_config_and_urls_cannot_both_be_stdin(cli: Runner) -> None:
    r = cli(["simulate", "--config", "-", "--urls", "-"], CONF.encode())
    assert r.code == 3 and "stdin can't hold both" in r.err


def test_help_teaches(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--help"]) == 0
    text = capsys.readouterr().out
    assert "examples:" in text and "exit codes:" in text
    assert "squidcarp simulate --config squid.conf" in text
