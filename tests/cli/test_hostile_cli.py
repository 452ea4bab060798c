"""Hostile input at the command line (issue 8 §4/§5): exact exit codes and output, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Runner

PEERS = ("cache_peer 127.0.0.1 parent 3901 0 name=a carp-load-factor=0.25\n"
         "cache_peer 127.0.0.1 parent 3902 0 name=b carp-load-factor=0.75\n")
MIGRATED = ("cache_peer 127.0.0.1 parent 3901 0 name=a carp weight=1\n"
            "cache_peer 127.0.0.1 parent 3902 0 name=b carp weight=3\n")


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- migrate ----------------------------------------------------------------------------------


def test_migrate_follows_a_symlink_and_keeps_owner_group_and_mode(cli: Runner, here: Path
                                                                  ) -> None:
    real = here / "real.conf"
    real.write_text(PEERS)
    os.chmod(real, 0o640)
    if os.getuid() == 0:
        os.chown(real, 13, 13)  # proxy:proxy on Debian, as a packaged squid.conf may be
    before = os.stat(real)
    (here / "squid.conf").symlink_to(real)
    r = cli(["migrate", "squid.conf"])
    assert (r.code, r.out) == (0, "")
    assert r.err == "squidcarp migrate: wrote squid.conf\nsquidcarp migrate: weights a=1, b=3\n"
    assert (here / "squid.conf").is_symlink()
    assert real.read_text() == MIGRATED
    after = os.stat(real)
    assert (after.st_mode & 0o7777, after.st_uid, after.st_gid) == (
        0o640, before.st_uid, before.st_gid)
    assert sorted(p.name for p in here.iterdir()) == ["real.conf", "squid.conf"]


def test_migrate_writes_every_file_or_none(cli: Runner, here: Path) -> None:
    locked = here / "locked"
    locked.mkdir()
    inc = locked / "peers.conf"
    inc.write_text(PEERS.splitlines(keepends=True)[1])
    main = here / "squid.conf"
    main.write_text(PEERS.splitlines(keepends=True)[0] + f"include {inc}\n")
    os.chmod(locked, 0o555)  # the included file's folder takes no temp file
    try:
        if os.access(locked, os.W_OK):  # root: make the write fail another way
            pytest.skip("root can write into a read-only folder")
        r = cli(["migrate", "squid.conf"])
    finally:
        os.chmod(locked, 0o755)
    assert r.code == 3
    assert r.err.endswith(f"squidcarp migrate: cannot write {inc}: Permission denied; no file "
                          "was changed\n")
    assert main.read_text() == PEERS.splitlines(keepends=True)[0] + f"include {inc}\n"


def test_migrate_all_or_none_even_as_root(cli: Runner, here: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # the second temp file cannot be made: the first file must be left alone
    import tempfile

    (here / "inc.conf").write_text(PEERS.splitlines(keepends=True)[1])
    main = here / "squid.conf"
    main.write_text(PEERS.splitlines(keepends=True)[0] + f"include {here}/inc.conf\n")
    real_mkstemp = tempfile.mkstemp
    calls: list[str] = []

    def failing(*args: object, **kwargs: object) -> tuple[int, str]:
        calls.append("mkstemp")
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied")
        return real_mkstemp(*args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", failing)
    before = main.read_bytes(), (here / "inc.conf").read_bytes()
    r = cli(["migrate", "squid.conf"])
    assert r.code == 3 and "no file was changed" in r.err
    assert (main.read_bytes(), (here / "inc.conf").read_bytes()) == before
    assert sorted(p.name for p in here.iterdir()) == ["inc.conf", "squid.conf"]


@pytest.mark.parametrize(("factor", "message"), [
    ("1e5000", "'carp-load-factor=1e5000' is larger than a C double holds"),
    ("1e-12", "the exact shares need weights up to 1000000000000"),
])
def test_migrate_refuses_factors_squid_cannot_take(cli: Runner, here: Path, factor: str,
                                                   message: str) -> None:
    text = PEERS.replace("0.25", factor).replace("0.75", "1")
    (here / "squid.conf").write_text(text)
    r = cli(["migrate", "squid.conf"])
    assert r.code == 1 and message in r.err and "Traceback" not in r.err
    assert (here / "squid.conf").read_text() == text
    lint = cli(["lint", "--select", "SC108", "squid.conf"])
    assert lint.code == 1 and "Traceback" not in lint.err


def test_migrate_a_tiny_factor_is_zero(cli: Runner, here: Path) -> None:
    (here / "squid.conf").write_text(PEERS.replace("0.25", "1e-999999999"))
    r = cli(["migrate", "--diff", "squid.conf"])
    assert r.code == 0
    assert "+cache_peer 127.0.0.1 parent 3901 0 name=a carp weight=1\n" in r.out


# --- parse --------------------------------------------------------------------------------------


def test_parse_says_refused_for_a_port_and_exits_1_when_squid_would_stop(cli: Runner, here: Path
                                                                          ) -> None:
    (here / "squid.conf").write_text("cache_peer a parent 70000 0\n")
    r = cli(["parse", "squid.conf"])
    assert r.code == 1
    assert r.out.splitlines()[1] == ("  squid.conf:1  a                        parent    "
                                     "a:refused icp=0 weight=1 ")
    assert r.err == ("squidcarp parse: squid.conf: Squid would refuse this config (fatal events "
                     "above)\n")
    assert cli(["parse", "--json", "squid.conf"]).code == 1
    (here / "squid.conf").write_text("cache_peer a parent 3128 0\n")
    assert cli(["parse", "squid.conf"]).code == 0


def test_control_characters_are_escaped_in_text_and_json(cli: Runner, here: Path) -> None:
    (here / "squid.conf").write_bytes(
        b"cache_peer h parent 3128 0 name=x\x1b[2Jy\x07\xe2\x80\xaez\xff carp\n")
    r = cli(["parse", "squid.conf"])
    assert r.code == 0
    assert "x\\x1b[2Jy\\x07\\u202ez\\xff" in r.out and "\x1b" not in r.out
    lint = cli(["lint", "squid.conf"])
    assert "\x1b" not in lint.out and "\x07" not in lint.out and "\u202e" not in lint.out
    assert "'x\\x1b[2Jy\\x07\\u202ez\\xff'" in lint.out
    js = cli(["parse", "--json", "squid.conf"])
    assert "\x1b" not in js.out and "\u202e" not in js.out
    assert json.loads(js.out)["config"]["peers"][0]["name"] == "x\x1b[2Jy\x07\u202ez\\xff"


def test_non_utf8_file_names_under_a_strict_utf8_terminal(here: Path) -> None:
    name = os.fsdecode(b"caf\xe9\x1b.conf")
    Path(name).write_bytes(os.fsencode(PEERS + f"include {here}/{name}\n"))  # (a cycle too)
    env = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "C.UTF-8",
           "PYTHONIOENCODING": "utf-8:strict"}
    for argv in (["parse", name], ["parse", "--json", name], ["lint", name],
                 ["lint", "--format", "json", name], ["lint", "--format", "sarif", name],
                 ["migrate", "--diff", name]):
        done = subprocess.run([sys.executable, "-m", "squidcarp", *argv], capture_output=True,
                              env=env, check=False, timeout=120)
        assert b"Traceback" not in done.stderr, argv
        assert done.returncode in (0, 1), (argv, done.stderr)
        assert b"\x1b" not in done.stderr
        if argv[0] != "migrate":  # the diff holds the file's own bytes, for patch(1)
            done.stdout.decode("utf-8")  # strict: valid UTF-8
            assert b"\x1b" not in done.stdout
        if "--json" in argv or "json" in argv:
            json.loads(done.stdout)
    out = subprocess.run([sys.executable, "-m", "squidcarp", "lint", name], capture_output=True,
                         env=env, check=False, timeout=120).stdout.decode()
    assert [line.split(" ", 3)[:3] for line in out.splitlines()][:2] == [
        ["caf\\xe9\\x1b.conf:1:1:", "error", "SC150"],
        ["caf\\xe9\\x1b.conf:1:43:", "error", "SC108"]]


# --- macros -------------------------------------------------------------------------------------


def test_service_name_is_what_squid_n_takes(cli: Runner, here: Path) -> None:
    (here / "squid.conf").write_text("${service_name}\nvisible_hostname a${service_name}b\n")
    r = cli(["parse", "--service-name", "", "squid.conf"])  # squid -n '' keeps "squid"
    assert r.code == 0
    assert r.out.splitlines()[1] == ("  squid.conf:1:1: [unknown-directive] unrecognized "
                                     "directive 'squid': Squid 5 skips the line and adds 1 to "
                                     "its exit status")
    r = cli(["parse", "--service-name", "${service_name}", "squid.conf"])
    assert r.code == 3
    assert r.err.endswith("argument --service-name: expected an alphanumeric service name (as "
                          "squid -n does), got '${service_name}'\n")
    assert cli(["parse", "--service-name", "a" * 33, "squid.conf"]).code == 3


# --- Unicode digits ---------------------------------------------------------------------------


def test_unicode_digits_are_not_digits(cli: Runner, here: Path) -> None:
    """``²`` passes ``str.isdigit`` but not ``int()`` (nor C's isdigit): a port, a count or an
    address holding one is a usage error, never a traceback."""
    r = cli(["icp", "query", "127.0.0.1:3\u00b230", "http://a/"])
    assert (r.code, r.err) == (3, "squidcarp: bad HOST[:PORT] '127.0.0.1:3\u00b230': port must "
                                  "be 1..65535\n")
    r = cli(["icp", "query", "--retries", "\u00b2", "127.0.0.1:3130", "http://a/"])
    assert r.code == 3 and "'\u00b2' is not a whole number >= 0" in r.err
    assert "Traceback" not in r.err


def test_a_peer_name_that_is_not_utf8_is_shown_as_its_byte(here: Path) -> None:
    """``--down`` with a name holding byte 0xff: the usage error shows \\xff, not Python's
    repr of a surrogate."""
    (here / "sd.conf").write_text("cache_peer p parent 3128 0 carp\n")
    done = subprocess.run([sys.executable, "-m", "squidcarp", "simulate", "--config", "sd.conf",
                           "--down", os.fsdecode(b"\xff"), "--urls", "/dev/null"],
                          capture_output=True, check=False, env={**os.environ, "LANG": "C.UTF-8"})
    assert (done.returncode, done.stderr) == (
        3, b"squidcarp: --down: no cache_peer named '\\xff' (peers: 'p')\n")
