"""Random and mutated configs never raise: they produce diagnostics (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from squidcarp.conf import ReadOptions, read_bytes
from squidcarp.conf.render import render
from squidcarp.lint.engine import LintOptions, lint
from squidcarp.lint.formats import FORMATS
from squidcarp.lint.formats import render as render_format
from squidcarp.lint.rules import RULES
from tests.conftest import CORPUS

CASES = CORPUS / "parse-verdicts" / "cases"
SEEDS = sorted(p.read_bytes() for p in CASES.glob("*.conf"))
assert SEEDS, f"no seed configs under {CASES}"

WORDS = [b"cache_peer", b"parent", b"sibling", b"multicast", b"carp", b"weight=", b"name=",
         b"carp-key=", b"host,port", b"if", b"else", b"endif", b"include", b"true", b"0", b"=",
         b"3128", b"\\", b"#", b"\"", b"'", b"parameters(", b")", b"${process_number}",
         b"mcast_groups", b"239.1.2.3", b"cache_peer_access", b"allow", b"all", b"\r", b"\t",
         b"configuration_includes_quoted_values", b"on", b"ttl=", b"htcp=", b"\xe9", b"\xff",
         b"acl", b"src", b"-", b"ssl", b"tls-", b"login=", b"max-conn=", b"standby="]

line = st.lists(st.sampled_from(WORDS) | st.binary(max_size=6), max_size=10).map(b" ".join)
configs = st.lists(line, max_size=30).map(lambda ls: b"\n".join(ls))


def _check(data: bytes) -> None:
    result = read_bytes(data, "fuzz.conf", ReadOptions(cwd="/nonexistent-squidcarp-cwd"))
    assert render(result.files["fuzz.conf"]) == data
    for version in ("5", "2.5"):
        found = lint(result, LintOptions(squid_version=version))
        for fmt in FORMATS.values():
            assert isinstance(render_format(fmt, found, RULES), str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_random_configs_never_raise(data: bytes) -> None:
    _check(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.integers(0, 10_000), st.binary(min_size=0, max_size=8),
       st.integers(0, 16))
def test_mutated_corpus_configs_never_raise(seed: bytes, at: int, insert: bytes,
                                            delete: int) -> None:
    at %= len(seed) + 1
    _check(seed[:at] + insert + seed[at + delete:])
