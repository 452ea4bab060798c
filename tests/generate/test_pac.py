"""The PAC file in real PAC engines ranks exactly as squidcarp's CARP library (and so Squid) does.

Engines: pacparser from PyPI (QuickJS inside) and Node, in a context stripped of every built-in
ECMAScript 5 and later added, with the standard PAC helpers of js/pac_helpers.js. Each engine
gets whole batches. The expected answer for a URL is computed from the library: the request the
browser sends (:func:`browser_request`), :meth:`CarpArray.ranking` of it, and the shared
exceptions matcher.
"""

from __future__ import annotations

import ipaddress
import math
import random
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from squidcarp.carp.array import CarpArray, Member
from squidcarp.carp.url import NotRoutable, Request, parse
from squidcarp.conf.model import CarpKeyPart
from squidcarp.exceptions.match import ExceptionMatcher
from squidcarp.exceptions.model import CarpExceptions, DomainRule, NetworkRule, RegexRule
from squidcarp.generate.pac import (
    PacOptions,
    browser_request,
    js_number,
    js_pattern,
    js_string,
    pac_script,
)
from tests.generate import engines
from tests.generate.urls import NON_ASCII, urls

GOLDEN = Path(__file__).resolve().parent / "golden" / "three-members.pac"
SEED = 20240510
URL_COUNT = 20_000

S, H, PO, PA, Q = (CarpKeyPart.SCHEME, CarpKeyPart.HOST, CarpKeyPart.PORT, CarpKeyPart.PATH,
                   CarpKeyPart.PARAMS)
EXAMPLE = ("cache1.example.net", "cache2.example.net", "cache3.example.net")

EXCEPTIONS = CarpExceptions(
    (DomainRule(".windowsupdate.com"), DomainRule("intranet.example.org"),
     DomainRule("192.0.2.7"), DomainRule("__proto__"), DomainRule(".xn--bcher-kva.example")),
    (RegexRule(r"^http://[^/]*example\.net/nocache/"), RegexRule("/LIVE/", ignore_case=True),
     RegexRule(r"\.(iso|img)$"), RegexRule("/nl.nl/"), RegexRule(r"^[^:/]*:8443$"),
     RegexRule("[0-9]{5,}x")),
    (NetworkRule(ipaddress.ip_network("10.1.0.0/16")),
     NetworkRule(ipaddress.ip_network("2001:db8::/32")),
     NetworkRule(ipaddress.ip_network("192.0.2.99/32"))),
)


@dataclass(frozen=True)
class Case:
    """One array of the random test, with the proxies browsers use for its members."""

    name: str
    array: CarpArray
    exceptions: CarpExceptions

    @property
    def proxies(self) -> dict[str, str]:
        return {m.label: f"127.0.0.{10 + i}:{3128 + i}" for i, m in enumerate(self.array.members)}

    @property
    def pac(self) -> str:
        return _pac(self)


@cache
def _pac(case: Case) -> str:
    return pac_script(case.array, case.proxies, case.exceptions, PacOptions(name=case.name))


def _array(members: Sequence[tuple[str, int] | Member], signed_char: bool = True) -> CarpArray:
    return CarpArray(tuple(m if isinstance(m, Member) else Member(*m) for m in members),
                     signed_char)


MANY = (Member("caché-γ", 5, (H, PA)), Member("Upper.Example.NET", 1),
        Member("cache3", 3, (S, H, PO, PA, Q)), Member("cache4", 3), Member("ß", 10, (PO, Q)),
        Member("cache6", 2, (PA,)), Member("cache7", 7, (S,)))
CASES = (
    Case("equal", _array([(n, 1) for n in EXAMPLE]), EXCEPTIONS),
    Case("carp-keys", _array([Member(EXAMPLE[0], 1), Member(EXAMPLE[1], 2, (H, PA)),
                              Member(EXAMPLE[2], 1, (S, H, PO, Q))]), EXCEPTIONS),
    Case("one-zero-factor", _array([("small", 1), ("big1", 1000), ("big2", 1000)]), EXCEPTIONS),
    Case("two-zero-factors", _array([("z1", 1), ("z2", 1), ("big1", 1000), ("big2", 1000)]),
         CarpExceptions()),
    Case("seven", _array(MANY), EXCEPTIONS),
    Case("seven-unsigned-char", _array(MANY, signed_char=False), CarpExceptions()),
    Case("single", _array([("only.example.net", 4)]), EXCEPTIONS),
)


def expected(case: Case, url: str, my_ip: str = "192.0.2.1") -> str:
    """What the PAC must answer, from the library's ranking and the shared exceptions model."""
    matcher = ExceptionMatcher(case.exceptions)
    if matcher.match_client(my_ip) is not None:
        return "DIRECT"
    proxies = case.proxies
    try:
        ranking = case.array.ranking(browser_request(url))
    except NotRoutable:
        return "; ".join("PROXY " + proxies[m.label] for m in case.array.members)
    uri = ranking.uri
    if matcher.match(host=uri.host.decode("latin-1"), url=uri.effective) is not None:
        return "DIRECT"
    return "; ".join("PROXY " + proxies[e.member.label] for e in ranking.entries)


@cache
def batches() -> tuple[tuple[Case, tuple[str, ...], tuple[str, ...]], ...]:
    """The 20,000 seeded URLs dealt out to the cases, with the answers the PAC must give."""
    all_urls = urls(SEED, URL_COUNT)
    out = []
    for k, case in enumerate(CASES):
        mine = tuple(all_urls[k::len(CASES)])
        out.append((case, mine, tuple(expected(case, u) for u in mine)))
    return tuple(out)


def _differences(case: Case, got: Sequence[object], urls_: Sequence[str],
                 want: Sequence[str]) -> list[str]:
    return [f"{case.name}: {u!r}\n  want {w}\n  got  {g}"
            for u, w, g in zip(urls_, want, got, strict=True) if g != w]


# --- the random URLs in both engines ------------------------------------------------------------


def test_the_random_urls_cover_what_browsers_send() -> None:
    sample = urls(SEED, URL_COUNT)
    low = [u.lower() for u in sample]
    assert sum(u.startswith("http://") for u in low) > 8000
    assert sum(u.startswith("https://") for u in low) > 3000
    assert sum(u.startswith(("ws://", "wss://")) for u in low) > 800
    assert sum(any(c in NON_ASCII for c in u) for u in sample) > 5000
    assert sum(len(u) > 1000 for u in sample) > 200
    assert sum(len(u) > 8191 for u in sample) > 50
    assert sum(bool(re.match(r"[a-z]+://[^/]*[A-Z]", u)) for u in sample) > 3000
    assert sum(bool(re.match(r"[^:]+://[^/@]*@", u)) for u in sample) > 1500
    assert sum(bool(re.match(r"[^:]+://[^/]*\.:", u) or re.match(r"[^:]+://[^/:]*\./", u))
               for u in sample) > 500
    assert sum("?" in u for u in sample) > 5000
    assert sum(bool(re.match(r"[^:]+://[^/]*\]?:[0-9]+", u)) for u in sample) > 5000
    answers = [a for _, _, want in batches() for a in want]
    assert 1000 < answers.count("DIRECT") < 4000
    assert len(set(answers)) > 40


def test_the_weight_mixes_include_infinite_and_nan_multipliers() -> None:
    by_name = {c.name: c for c in CASES}
    one = [s.multiplier for s in by_name["one-zero-factor"].array.states]
    assert one[0] == 0.0 and one[1] == math.inf and math.isnan(one[2])
    two = [s.multiplier for s in by_name["two-zero-factors"].array.states]
    assert two[0] == 0.0 and all(math.isnan(m) for m in two[1:])
    assert "mult: Infinity" in by_name["one-zero-factor"].pac
    assert "mult: NaN" in by_name["two-zero-factors"].pac
    # CARP picks nothing there: every member comes in evaluation order
    case = by_name["two-zero-factors"]
    order = "; ".join("PROXY " + case.proxies[s.member.label] for s in case.array.states)
    assert expected(case, "http://www.example.com/") == order


def test_node_ranks_every_url_as_the_library_does() -> None:
    failures: list[str] = []
    for case, mine, want in batches():
        got = engines.node_find_proxy(case.pac, mine)
        failures += _differences(case, got, mine, want)
    assert failures == [], "\n".join(failures[:10])


def test_pacparser_ranks_every_url_as_the_library_does() -> None:
    failures: list[str] = []
    for case, mine, want in batches():
        got = engines.pacparser_find_proxy(case.pac, mine)
        failures += _differences(case, got, mine, want)
    assert failures == [], "\n".join(failures[:10])


def test_the_pac_request_is_squids_request_uri() -> None:
    """The key bytes themselves: scRequest in the PAC against squidcarp.carp.url.parse."""
    sample = urls(SEED + 1, 5000)
    got = engines.node_calls(CASES[0].pac, [("scRequest", u) for u in sample])
    failures = []
    for u, g in zip(sample, got, strict=True):
        try:
            uri = parse(browser_request(u))
        except NotRoutable:
            if g is not None:
                failures.append(f"{u!r}: Squid refuses it, the PAC parsed {g!r}")
            continue
        want = {"scheme": uri.scheme, "host": uri.host, "port": uri.port, "path": uri.path,
                "effective": uri.effective}
        mine = None if g is None else {k: v.encode("latin-1") if isinstance(v, str) else v
                                       for k, v in g.items()}
        if mine != want:
            failures.append(f"{u!r}:\n  want {want}\n  got  {mine}")
    assert failures == [], "\n".join(failures[:10])


@pytest.mark.parametrize(("my_ip", "direct"), [("10.1.2.3", True), ("10.1.255.255", True),
                                               ("192.0.2.99", True), ("192.0.2.98", False),
                                               ("10.2.0.1", False)])
def test_client_networks_send_everything_direct(my_ip: str, direct: bool) -> None:
    case = CASES[0]
    sample = urls(SEED + 2, 300)
    want = [expected(case, u, my_ip) for u in sample]
    if direct:
        assert want == ["DIRECT"] * len(sample)
    else:
        assert want.count("DIRECT") < len(sample) // 2
    assert engines.node_find_proxy(case.pac, sample, my_ip) == want
    assert engines.pacparser_find_proxy(case.pac, sample, my_ip) == want


def test_ipv6_client_networks_are_listed_but_not_checked() -> None:
    pac = CASES[0].pac
    assert "//   2001:db8::/32\n" in pac
    assert '["10.1.0.0", "255.255.0.0"], // 10.1.0.0/16\n' in pac
    assert '["192.0.2.99", "255.255.255.255"] // 192.0.2.99/32\n' in pac
    assert "2001:db8" not in pac.split("//   2001:db8::/32")[1]


# --- known answers --------------------------------------------------------------------------------

# /work/shared/reference/squid-config-carp-helpers.md §4, worked examples recorded from Squid
# 5.7's debug output: (weights, URL, member order by the scores Squid printed).
SQUID_EXAMPLES = [
    ((1, 1, 1), "http://www.example.com/", (0, 1, 2)),  # 2383708811 > 2258122975 > 1027870138
    # 1998090382.9 > 1158803256.3 > 1023333192.2 (cache1, cache3, cache2)
    ((1, 2, 1), "http://www.example.com/index.html?lang=en", (0, 2, 1)),
    # CONNECT www.example.com:443: 4542491405.0 > 3297886936.1 > 289801545.2
    ((1, 2, 1), "https://www.example.com/", (1, 2, 0)),
    ((1, 2, 1), "https://WWW.Example.COM.:443/any/path?q", (1, 2, 0)),
    ((1, 2, 1), "HTTP://WWW.Example.COM:80/index.html?lang=en", (0, 2, 1)),
]


@pytest.mark.parametrize(("weights", "url", "order"), SQUID_EXAMPLES)
def test_squids_recorded_rankings(weights: tuple[int, ...], url: str,
                                  order: tuple[int, ...]) -> None:
    case = Case("example", _array(list(zip(EXAMPLE, weights, strict=True))), CarpExceptions())
    proxies = case.proxies
    want = "; ".join("PROXY " + proxies[EXAMPLE[i]] for i in order)
    assert expected(case, url) == want
    assert engines.node_find_proxy(case.pac, [url]) == [want]
    assert engines.pacparser_find_proxy(case.pac, [url]) == [want]


def test_requests_squid_refuses_go_to_the_members_in_config_order() -> None:
    case = CASES[4]
    cfg = "; ".join("PROXY " + case.proxies[m.label] for m in case.array.members)
    refused = ["http://a..b.example/", "http://host:0/", "http://host:65536/", "1http://x/",
               "http:/x", "https://", "http://x/" + "a" * 8200, "urn:x:y", "ftp://[]/x"]
    for url in refused:
        with pytest.raises(NotRoutable):
            parse(browser_request(url))
    assert engines.node_find_proxy(case.pac, refused) == [cfg] * len(refused)
    assert engines.pacparser_find_proxy(case.pac, refused) == [cfg] * len(refused)


@pytest.mark.parametrize(("url", "method", "target"), [
    ("https://WWW.Example.COM./x?y", "CONNECT", b"WWW.Example.COM.:443"),
    ("https://user:pw@host.example:8443/", "CONNECT", b"host.example:8443"),
    ("https://host.example:/", "CONNECT", b"host.example:443"),
    ("wss://[2001:DB8::1]/chat", "CONNECT", b"[2001:DB8::1]:443"),
    ("wss://[2001:DB8::1]:9443/chat", "CONNECT", b"[2001:DB8::1]:9443"),
    ("WS://chat.example/socket", "CONNECT", b"chat.example:80"),
    ("https://h\u00e9.example", "CONNECT", "h\u00e9.example:443".encode()),
    ("http://host.example/\u00e9?\U0001f600", "GET", "http://host.example/\u00e9?\U0001f600"
     .encode()),
    ("http://host.example/\ud83d", "GET", "http://host.example/\ufffd".encode()),
    ("ftp://user@files.example/a", "GET", b"ftp://user@files.example/a"),
])
def test_what_the_browser_sends(url: str, method: str, target: bytes) -> None:
    assert browser_request(url) == Request(target, method)


def test_lone_surrogates_become_u_fffd_in_both() -> None:
    sample = ["http://h/\ud83dA", "http://h/\udc00\ud800", "http://h/\ud800\ud800\udc00",
              "http://h/a\udfff", "http://h/\ud83d\ude00"]
    got = engines.node_calls(CASES[0].pac, [("scUtf8", u) for u in sample])
    assert [g.encode("latin-1") for g in got] == [browser_request(u).url for u in sample] == [
        b"http://h/\xef\xbf\xbdA", b"http://h/\xef\xbf\xbd\xef\xbf\xbd",
        b"http://h/\xef\xbf\xbd\xf0\x90\x80\x80", b"http://h/a\xef\xbf\xbd",
        b"http://h/\xf0\x9f\x98\x80"]


def test_the_key_is_what_squid_hashes() -> None:
    cases = {
        "HTTP://User:pw@WWW.Example.COM.:80/a b?q#f": b"http://www.example.com/ab?q#f",
        "https://WWW.Example.COM./x": b"www.example.com:443",
        "http://127.1:8080": b"http://127.0.0.1:8080/",
        "http://[0:0:0:0:0:0:0:1]/": b"http://[::1]/",
        "http://[::FFFF:1.2.3.4]/": b"http://1.2.3.4/",
        "ftp://j\u00fcrgen:p%41ss@Files.Example/": b"ftp://j%FFFFFFC3%FFFFFFBCrgen:pAss@"
                                                   b"files.example/",
        "http://host.example:4294967376/": b"http://host.example/",
        "urn:ISBN:0451450523": b"urn:ISBN:0451450523",
    }
    got = engines.node_calls(CASES[0].pac, [("scRequest", u) for u in cases])
    assert [g["effective"].encode("latin-1") for g in got] == list(cases.values())
    assert [parse(browser_request(u)).effective for u in cases] == list(cases.values())


# --- the text -------------------------------------------------------------------------------------


def test_golden_text_for_a_small_array() -> None:
    assert golden_text() == GOLDEN.read_text(encoding="ascii")


def golden_text() -> str:
    array = _array([Member(EXAMPLE[0], 1), Member(EXAMPLE[1], 2, (H, PA)), Member(EXAMPLE[2], 1)])
    exceptions = CarpExceptions(
        (DomainRule(".windowsupdate.com"), DomainRule("intranet.example.org")),
        (RegexRule(r"^http://[^/]*example\.net/nocache/"), RegexRule("/LIVE/", True)),
        (NetworkRule(ipaddress.ip_network("10.1.0.0/16")),
         NetworkRule(ipaddress.ip_network("2001:db8::/32"))),
    )
    proxies = {EXAMPLE[0]: "192.0.2.11:3128", EXAMPLE[1]: "cache2.example.net:3128",
               EXAMPLE[2]: "[2001:db8::13]:3128"}
    return pac_script(array, proxies, exceptions, PacOptions(name="example"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_text_is_plain_es3(case: Case, tmp_path: Path) -> None:
    pac = case.pac
    assert pac.isascii()
    assert pac.endswith("}\n") and not pac.endswith("\n\n")
    assert not re.search(r"[ \t]$", pac, re.MULTILINE)
    code = re.sub(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*', '""', pac)  # strings and comments out
    assert not re.search(r",\s*[\]}]", code)  # IE's JScript counts a trailing comma as an item
    for modern in ("let ", "const ", "=>", "`", "Math.imul", "Array.isArray", ".forEach(",
                   ".trim(", "JSON.", "Uint8Array", "Int32Array"):
        assert modern not in code, modern
    path = tmp_path / "proxy.pac"
    path.write_text(pac, encoding="ascii")
    assert engines.es3_problem(path) is None


def test_the_test_helpers_are_es3_too() -> None:
    assert engines.es3_problem(engines.JS / "pac_helpers.js") is None


def test_the_es3_check_can_fail(tmp_path: Path) -> None:
    path = tmp_path / "modern.js"
    path.write_text("function f(x) {\n    let y = x;\n    return y;\n}\n")
    assert engines.es3_problem(path) == f"{path}:2:9: Unexpected token (2:8)"
    path.write_text("var o = {default: 1};\n")
    assert engines.es3_problem(path) is not None  # a reserved word as a property name


def test_the_node_context_has_no_es5_built_ins() -> None:
    probe = ("function a() { return [1, 2].indexOf(2); }\n"
             "function b() { return Math.imul(3, 5); }\n"
             "function c() { return \" x \".trim(); }\n"
             "function d() { return isInNet(myIpAddress(), \"10.0.0.0\", \"255.0.0.0\") + \" \" + "
             "shExpMatch(\"www.example.com\", \"*.example.*\") + \" \" + "
             "dnsDomainIs(\"a.example.com\", \".example.com\"); }\n")
    got = engines.node_calls(probe, [("a",), ("b",), ("c",), ("d",)], my_ip="10.9.8.7")
    assert [g["error"].split(":")[0] for g in got[:3]] == ["TypeError"] * 3
    assert got[3] == "true true true"


def test_the_node_helpers_agree_with_pacparsers() -> None:
    """The standard functions the PAC calls, on IP literals only (nothing is resolved)."""
    rng = random.Random(3)
    checks = []
    for _ in range(200):
        ip = ".".join(str(rng.choice((10, 1, 0, 255, rng.randrange(256)))) for _ in range(4))
        net = ipaddress.ip_network(f"{ip}/{rng.randint(0, 32)}", strict=False)
        other = ".".join(str(rng.randrange(256)) for _ in range(4))
        checks.append((rng.choice((ip, other)), str(net.network_address), str(net.netmask)))
    pac = ("var CHECKS = [" + ", ".join("[" + ", ".join(map(js_string, c)) + "]" for c in checks)
           + "];\nfunction FindProxyForURL(url, host) { var c = CHECKS[parseInt(host, 10)]; "
           "return isInNet(c[0], c[1], c[2]) ? \"PROXY in:1\" : \"DIRECT\"; }\n")
    calls = [f"http://x/{i}" for i in range(len(checks))]
    want = ["PROXY in:1" if ipaddress.ip_address(a) in ipaddress.ip_network(f"{p}/{m}")
            else "DIRECT" for a, p, m in checks]
    assert 20 < want.count("DIRECT") < 180
    got_node = engines.node_calls(pac, [("FindProxyForURL", u, str(i))
                                        for i, u in enumerate(calls)])
    import pacparser  # type: ignore[import-untyped]

    pacparser.init()
    try:
        pacparser.setmyip("127.0.0.1")
        pacparser.parse_pac_string(pac)
        got_pacparser = [pacparser.find_proxy(u, str(i)) for i, u in enumerate(calls)]
    finally:
        pacparser.cleanup()
    assert got_node == want
    assert got_pacparser == want


def test_same_input_same_bytes() -> None:
    case = CASES[4]
    again = pac_script(case.array, dict(reversed(list(case.proxies.items()))), case.exceptions,
                       PacOptions(name=case.name))
    assert again == case.pac
    other = pac_script(case.array, case.proxies, case.exceptions, PacOptions(name="other"))
    assert other != case.pac


def test_multipliers_reach_the_engine_as_the_same_doubles() -> None:
    for case in CASES:
        probe = ("\nfunction scTestMultipliers() { var out = [], i; for (i = 0; i < "
                 "SC_MEMBERS.length; i++) { out[i] = isFinite(SC_MEMBERS[i].mult) ? "
                 "SC_MEMBERS[i].mult : String(SC_MEMBERS[i].mult); } return out; }\n")
        (got,) = engines.node_calls(case.pac + probe, [("scTestMultipliers",)])
        want: list[float | str] = []
        for s in case.array.states:
            m = s.multiplier
            want.append(m if math.isfinite(m) else "NaN" if math.isnan(m) else "Infinity")
        assert got == want


def test_js_number_round_trips() -> None:
    rng = random.Random(7)
    values = [rng.random() * 10 ** rng.randint(-30, 30) for _ in range(2000)]
    values += [0.0, 1.0, 0.1, 1e-05, 1e16, 5e-324, 1.7976931348623157e308, 0.9085602964160698]
    for v in values:
        assert float(js_number(v)) == v
    assert (js_number(math.inf), js_number(-math.inf), js_number(math.nan)) == (
        "Infinity", "-Infinity", "NaN")


def test_js_string_escapes_everything_beyond_printable_ascii() -> None:
    assert js_string('a"b\\c') == '"a\\"b\\\\c"'
    assert js_string("caché-γ\n\U0001f600\x7f") == '"cach\\xe9-\\u03b3\\x0a\\ud83d\\ude00\\x7f"'


def test_js_pattern_dot_matches_a_decoded_newline() -> None:
    assert js_pattern(r"a.b[.]c\.d") == r"a[\s\S]b[.]c\.d"
    assert js_pattern(r"[^.]x.") == r"[^.]x[\s\S]"


# --- bad arguments ------------------------------------------------------------------------------


def test_every_member_needs_a_valid_proxy() -> None:
    array = _array([(n, 1) for n in EXAMPLE])
    good = {n: "127.0.0.2:3128" for n in EXAMPLE}
    with pytest.raises(ValueError) as err:
        pac_script(array, {EXAMPLE[0]: "a:1"})
    assert str(err.value) == ("no proxy address for member 'cache2.example.net', "
                              "'cache3.example.net'")
    with pytest.raises(ValueError) as err:
        pac_script(array, {**good, "cache9": "a:1"})
    assert str(err.value) == "proxy address for unknown member 'cache9'"
    for bad, why in [
        ("127.0.0.2", "'127.0.0.2' is not host:port"),
        ("a b:80", "'a b:80' is not host:port"),
        ("PROXY x:1", "'PROXY x:1' is not host:port"),
        ("x:1; DIRECT", "'x:1; DIRECT' is not host:port"),
        ("2001:db8::1:3128", "'2001:db8::1:3128' is not host:port"),
        ("host:0", "'host:0': port 0 is not 1-65535"),
        ("host:70000", "'host:70000': port 70000 is not 1-65535"),
    ]:
        with pytest.raises(ValueError) as err:
            pac_script(array, {**good, EXAMPLE[1]: bad})
        assert str(err.value).startswith(f"proxy for member 'cache2.example.net': {why}")
    assert "PROXY [2001:db8::1]:3128" in pac_script(
        array, {**good, EXAMPLE[1]: "[2001:db8::1]:3128"})


def test_an_empty_array_has_no_pac() -> None:
    with pytest.raises(ValueError) as err:
        pac_script(CarpArray(()), {})
    assert str(err.value) == "a PAC file needs at least one CARP member"


# --- import cost ----------------------------------------------------------------------------------


def test_importing_the_pac_module_stays_light() -> None:
    code = ("import sys, squidcarp.generate.pac; print(' '.join(sorted(m for m in sys.modules if "
            "m.split('.')[0] in ('numpy', 'yaml') or m.startswith(('squidcarp.conf', "
            "'squidcarp.lint', 'squidcarp.carp', 'squidcarp.exceptions')))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == ""


if __name__ == "__main__":  # python -m tests.generate.test_pac: rewrite the golden file
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(golden_text(), encoding="ascii")
