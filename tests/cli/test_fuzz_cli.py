"""Every subcommand on random and mutated input: an exit code 0-3, never a traceback.

Configs, URLs, access-log lines and option values are drawn at random and as mutations of real
ones (the recorded corpus, the bundled example); each run goes through ``main`` with captured
streams, so any exception that escapes is a failure here exactly as it would be a traceback for
a user.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from squidcarp.cli.main import IO, main
from tests.conftest import CORPUS

REPO = Path(__file__).resolve().parents[2]
SEED_CONFIGS = sorted(p.read_bytes() for p in (CORPUS / "parse-verdicts" / "cases").glob("*.conf"))
SEED_CONFIGS.append((REPO / "examples" / "array" / "peers.d" / "10-parents.conf").read_bytes())
SEED_URLS = [b"http://www.example.com/", b"CONNECT:example.org:443", b"/accel/x",
             b"HTTP://[::1]:080/p?q#f", b"http://127.1/", b"ftp://u:p@h/x", b"*", b"",
             b"http://h:99999999999999999999/", b"http://h/\xff\xfe\x00x", b"urn:isbn:1"]
SEED_LOG = (b"1700000000.1 5 10.1.1.1 TCP_MISS/200 10 GET http://www.example.com/ - "
            b"CARP/10.0.0.1 text/html\n")
JUNK = st.binary(max_size=200)
WORDS = [b"cache_peer", b"parent", b"sibling", b"carp", b"weight=", b"name=", b"carp-key=",
         b"acl", b"dstdomain", b"url_regex", b"cache_peer_access", b"allow", b"deny", b"all",
         b"never_direct", b"always_direct", b"http_port", b"accel", b"9" * 5000, b"-1",
         b"0x7fffffff", b"\\", b"\n", b" ", b"#", b"include", b"if", b"endif", b"\xe9",
         b"configuration_includes_quoted_values on", b"\"", b"(", b"round-robin", b"default"]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        where = draw(st.integers(0, len(data)))
        choice = draw(st.integers(0, 3))
        if choice == 0:
            data[where:where] = draw(st.sampled_from(WORDS))
        elif choice == 1 and data:
            del data[where:where + draw(st.integers(1, 20))]
        elif choice == 2:
            data[where:where] = draw(JUNK)
        else:
            data[where:where] = b"\n" + b" ".join(draw(st.lists(st.sampled_from(WORDS),
                                                                 max_size=8))) + b"\n"
    return bytes(data)


configs = st.one_of(mutated(SEED_CONFIGS), JUNK)
targets = st.one_of(mutated(SEED_URLS), JUNK)
options = st.sampled_from([
    [], ["--json"], ["--rank"], ["--brief"], ["--method", "CONNECT"], ["--down", "x"],
    ["--client", "not-an-ip"], ["--client", "10.0.0.1"], ["--port", "99999"], ["--at", "25:99"],
    ["--at", "2026-12-02T14:30"], ["--note", "k=v"], ["--host", "\udcff"], ["--rr-start", "reset"],
    ["--service-name", ""], ["--service-name", "${service_name}"], ["--process-number", "-1"],
])


def run(argv: list[str], stdin: bytes = b"") -> int:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, IO(out, err, io.BytesIO(stdin)))
    assert 0 <= code <= 3, (argv, code, err.getvalue())
    assert "Traceback" not in err.getvalue()
    return code


FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(configs, st.sampled_from([["lint"], ["lint", "--format", "json"],
                                 ["lint", "--format", "sarif"], ["lint", "--strict"],
                                 ["parse"], ["parse", "--json"]]))
def test_lint_and_parse(tmp_path_factory, data: bytes, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("c") / "squid.conf"
    path.write_bytes(data)
    run([*command, str(path)])
    run([*command, "-"], data)


@FUZZ
@given(configs, st.booleans())
def test_migrate(tmp_path_factory, data: bytes, diff: bool) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("m") / "squid.conf"
    path.write_bytes(data)
    run(["migrate", str(path), *(["--diff"] if diff else [])])


@FUZZ
@given(configs, st.lists(targets, min_size=1, max_size=5), options)
def test_route(tmp_path_factory, data: bytes, urls: list[bytes], extra: list[str]) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("r") / "squid.conf"
    path.write_bytes(data)
    argv = ["route", "--config", str(path), *extra]
    run([*argv, *(os.fsdecode(u) for u in urls if u and b"\x00" not in u)])
    run(argv, b"\n".join(urls))


@FUZZ
@given(configs, st.lists(st.one_of(targets, mutated([SEED_LOG])), max_size=20),
       st.sampled_from([[], ["--json"], ["--add", "n:3"], ["--remove", "cache1"],
                        ["--rename", "a:b"], ["--reweight", "x:0"]]))
def test_simulate(tmp_path_factory, data: bytes, lines: list[bytes], extra: list[str]) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("s")
    (folder / "squid.conf").write_bytes(data)
    (folder / "urls.txt").write_bytes(b"\n".join(lines))
    run(["simulate", "--config", str(folder / "squid.conf"), "--urls",
         str(folder / "urls.txt"), *extra])
    run(["simulate", "--config", str(folder / "squid.conf"), "--access-log",
         str(folder / "urls.txt"), *extra])
