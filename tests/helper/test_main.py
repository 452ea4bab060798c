"""The command line: help, usage errors, --check; the real process on pipes (partial lines,
SIGHUP with a broken file, EOF), what it imports, and that its garbage collector stays on."""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from squidcarp.helper.main import main

REPO = Path(__file__).resolve().parents[2]
HELPER = REPO / "helpers" / "squidcarp-helper"
EXTRAS = b" 10.0.0.7/10.0.0.7 - GET myip=127.0.0.2 myport=3128"


def run_main(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    code = main(argv, stdin=os.open(os.devnull, os.O_RDONLY), stderr=err)
    return code, err.getvalue()


def test_help_teaches(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for text in ("url_rewrite_program /usr/bin/squidcarp-helper url-rewrite --rules",
                 "store_id_program", "external_acl_type carp concurrency=50", "examples:",
                 "exit codes:", "  3  usage error"):
        assert text in out
    assert main(["store-id", "--help"]) == 0
    assert "--storeid-db FILE" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    ([], "squidcarp-helper: give a ROLE: url-rewrite, store-id or external-acl (see "
         "squidcarp-helper --help)"),
    (["rewrite"], "squidcarp-helper: argument ROLE: invalid choice: 'rewrite' (choose from "
                  "'url-rewrite', 'store-id', 'external-acl')"),
    (["store-id"], "squidcarp-helper store-id: the following arguments are required: "
                   "--storeid-db"),
    (["external-acl", "--format", "%URI"], "squidcarp-helper external-acl: give --rules, "
                                           "--squid-conf or both"),
    (["external-acl", "--format", "%URI", "%NOPE", "--rules", "r"],
     "squidcarp-helper: bad --format: column 1: unknown format code '%NOPE'"),
    (["store-id", "--storeid-db", "d", "--extras", "%>a %>h"],
     "squidcarp-helper: bad --extras: column 5: %>h needs a {Name}"),
    (["url-rewrite", "--rules", "r", "--rewrite", "http://x/{nope}"],
     "squidcarp-helper: target 'http://x/{nope}': only {url}, {url_escaped}, {host} may appear "
     "in braces"),
    (["url-rewrite", "--rules", "r", "--redirect", "http://x/", "--status", "305"],
     "squidcarp-helper url-rewrite: argument --status: invalid choice: 305 (choose from 301, "
     "302, 303, 307, 308)"),
    (["store-id", "--storeid-db", "d", "--max-line", "0"],
     "squidcarp-helper: --max-line must be at least 1"),
])
def test_usage_errors_exit_3(argv: list[str], message: str) -> None:
    code, err = run_main(argv)
    assert code == 3
    assert err.splitlines()[-1] == message


def test_check(tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    good.write_text("^http://a/\tx\n")
    bad = tmp_path / "bad.db"
    bad.write_text("^ok\tx\nbroken\n")
    assert run_main(["store-id", "--storeid-db", str(good), "--check"]) == (0, "")
    assert run_main(["store-id", "--storeid-db", str(bad), "--check"]) == (
        1, f"{bad}:2: not a rule: expected REGEX, TAB, REPLACEMENT\n")
    rules = tmp_path / "rules.yaml"
    rules.write_text("exceptions:\n  domains: [.a.example]\n  nonsense: 1\n")
    assert run_main(["url-rewrite", "--rules", str(rules), "--check"]) == (
        1, f"{rules}:3: exceptions.nonsense: unknown key (expected one of domains, url_regex, "
           "clients)\n")


def start(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(HELPER), *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def read_lines(stream: object, count: int, timeout: float = 10.0) -> bytes:
    fd = stream.fileno()  # type: ignore[attr-defined]
    data = b""
    deadline = time.monotonic() + timeout
    while data.count(b"\n") < count:
        left = deadline - time.monotonic()
        assert left > 0, f"only {data!r} after {timeout}s"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            assert chunk, f"EOF after {data!r}"
            data += chunk
    return data


def test_process_answers_partial_writes_and_ends_at_eof(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_text("^http://a/(.*)\thttp://a.squid.internal/$1\n")
    proc = start(["store-id", "--storeid-db", str(db)])
    assert proc.stdin and proc.stdout and proc.stderr
    line = b"1 http://a/x" + EXTRAS + b"\n"
    proc.stdin.write(line[:10])
    proc.stdin.flush()
    time.sleep(0.1)
    proc.stdin.write(line[10:] + b"2 http://b/" + EXTRAS + b"\n3 \xff\n")
    proc.stdin.flush()
    assert read_lines(proc.stdout, 3) == (b"1 OK store-id=http://a.squid.internal/x\n2 ERR\n"
                                          b'3 BH message="invalid UTF-8 at byte 2 of the line"\n')
    proc.stdin.write(b"4 http://a/last" + EXTRAS)  # no newline: answered at end of input
    proc.stdin.close()
    assert proc.wait(10) == 0
    assert proc.stdout.read() == b"4 OK store-id=http://a.squid.internal/last\n"
    assert proc.stderr.read() == b""


def test_process_sighup_with_a_broken_file_keeps_old_rules(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_text("^http://a/(.*)\thttp://a.squid.internal/$1\n")
    proc = start(["store-id", "--storeid-db", str(db), "--reload-interval", "3600"])
    assert proc.stdin and proc.stdout and proc.stderr
    prefix = f"squidcarp-helper store-id[{proc.pid}]: "
    try:
        line = b"7 http://a/x" + EXTRAS + b"\n"
        proc.stdin.write(line)
        proc.stdin.flush()
        assert read_lines(proc.stdout, 1) == b"7 OK store-id=http://a.squid.internal/x\n"
        db.write_text("^http://a/(.*)\thttp://b.squid.internal/$1\nno tab\n")
        proc.send_signal(signal.SIGHUP)
        # an idle helper reloads at once, not at its next request or check
        err = read_lines(proc.stderr, 2).decode().splitlines()
        assert err[0].startswith(prefix + "reload (SIGHUP) failed; still using the rules loaded ")
        assert err[1] == f"  {db}:2: not a rule: expected REGEX, TAB, REPLACEMENT"
        proc.stdin.write(line)
        proc.stdin.flush()
        assert read_lines(proc.stdout, 1) == b"7 OK store-id=http://a.squid.internal/x\n"
        db.write_text("^http://a/(.*)\thttp://b.squid.internal/$1\n")
        proc.send_signal(signal.SIGHUP)
        assert read_lines(proc.stderr, 1) == (prefix + "reloaded the rules (SIGHUP)\n").encode()
        proc.stdin.write(line)
        proc.stdin.flush()
        assert read_lines(proc.stdout, 1) == b"7 OK store-id=http://b.squid.internal/x\n"
        proc.stdin.write(b"quit\n")
        proc.stdin.flush()
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


PROBE = """\
import gc, sys
from squidcarp.helper.main import main
code = main(sys.argv[1:])
print(code, gc.isenabled(), ' '.join(sorted(sys.modules)), file=sys.stderr)
"""
HEAVY = ("numpy", "squidcarp.conf.reader", "squidcarp.lint", "jsonschema", "squidcarp.cli",
         "squidcarp.carp")


# store-id needs neither YAML nor the exceptions model (whose dataclasses cost ~8 ms to import)
@pytest.mark.parametrize(("role", "allowed"), [("store-id", ()),
                                               ("url-rewrite", ("yaml", "dataclasses"))])
def test_helper_imports_little_and_keeps_gc_on(tmp_path: Path, role: str,
                                              allowed: tuple[str, ...]) -> None:
    (tmp_path / "db").write_text("^a\tb\n")
    (tmp_path / "rules.yaml").write_text("exceptions:\n  domains: [.a.example]\n")
    arg = ["--storeid-db", str(tmp_path / "db")] if role == "store-id" else [
        "--rules", str(tmp_path / "rules.yaml")]
    done = subprocess.run([sys.executable, "-c", PROBE, role, *arg], input=b"",
                          capture_output=True, cwd=REPO, check=True, timeout=30)
    code, gc_on, *modules = done.stderr.decode().split()
    assert (code, gc_on) == ("0", "True")
    loaded = set(modules)
    assert [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)] == []
    for optional in ("yaml", "dataclasses"):
        assert (optional in loaded) == (optional in allowed)
