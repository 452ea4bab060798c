"""The PAC file's first choice is the parent real Squid 5.7 picks, for http and tunnelled URLs.

A live array (frontend + four CARP parents, mixed weights, a UTF-8 name and per-member
carp-keys) is read back from the frontend's squid.conf into the library's model; the PAC is
written for that model with each parent's own address as its proxy. For 160 browser URLs (http
with upper case, trailing dots, %-escapes, non-ASCII paths and queries; https and wss, which the
browser turns into CONNECT host:port) pacparser evaluates FindProxyForURL and the frontend is
sent the request the browser would send: the parent Squid used must be the PAC's first proxy.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from integration.carp_cases import CONNECT_NAMES
from integration.harness import LocalCarpArray
from integration.harness.local import NodeTools
from integration.harness.topology import CarpArraySpec, ParentSpec
from squidcarp.carp import CarpArray
from squidcarp.carp.fromconf import array_from_config
from squidcarp.conf.reader import read_config
from squidcarp.generate.pac import browser_request, pac_script

# A parent's error answer to CONNECT counts as a failed connection (see test_carp_vs_squid.py):
# a high limit keeps every parent up, so CARP's choice is what is compared.
PEER_OPTIONS = "connect-fail-limit=1000000"
PARENTS = (
    ParentSpec("pac-alpha", weight=2, options=PEER_OPTIONS),
    ParentSpec("Pac-Beta", weight=1, carp_key="host,path", options=PEER_OPTIONS),
    ParentSpec("pac-caché-γ", weight=3, options=PEER_OPTIONS),
    ParentSpec("pac-delta", weight=2, carp_key="scheme,host,port", options=PEER_OPTIONS),
)
FRONTEND_EXTRA = "forward_max_tries 1"
HTTP_URLS = 120
TUNNEL_URLS = 40


@dataclass
class Live:
    array: LocalCarpArray
    model: CarpArray
    pac: str
    proxy_parent: dict[str, str]
    """``PROXY host:port`` -> the parent's CARP name."""


@pytest.fixture(scope="module")
def live(harness_tools: NodeTools) -> Iterator[Live]:
    spec = CarpArraySpec.of(PARENTS, frontend_extra=FRONTEND_EXTRA, origin_names=CONNECT_NAMES)
    array = LocalCarpArray(spec, harness_tools).start()
    try:
        assert array.frontend is not None
        model = array_from_config(read_config(array.frontend.conf_path).config)
        assert [m.name_bytes for m in model.members] == [p.name_bytes for p in PARENTS]
        proxies = {m.label: f"{p.endpoint.host}:{p.endpoint.port}"
                   for m, p in zip(model.members, array.parents, strict=True)}
        proxy_parent = {f"PROXY {proxies[m.label]}": p.spec.name
                        for m, p in zip(model.members, array.parents, strict=True)}
        yield Live(array, model, pac_script(model, proxies), proxy_parent)
    finally:
        array.stop()


def browser_urls(origin_port: int) -> list[str]:
    rng = random.Random(1010)
    out = []
    for i in range(HTTP_URLS):
        host = rng.choice(("www.example.com", "Images.Example.NET.", "origin.test", "WIKI.test",
                           "xn--bcher-kva.example", "127.0.0.1"))
        port = rng.choice(("", "", ":80", f":{rng.randint(1024, 65535)}"))
        path = "".join(rng.choice(("a", "B", "/", "é", "中", "%41", "%c3%a9", "-", "😀", "~"))
                       for _ in range(rng.randint(0, 40)))
        query = rng.choice(("", "", f"?q={i}", "?lang=en&x=ü"))
        out.append(f"http://{host}{port}/{i}{path}{query}")
    for i in range(TUNNEL_URLS):
        host = rng.choice(CONNECT_NAMES)
        if rng.random() < 0.3:
            host = host.upper()
        scheme = rng.choice(("https", "https", "wss"))
        out.append(f"{scheme}://{host}:{origin_port}/{i}/path?ignored={i}")
    return out


def test_the_pacs_first_proxy_is_the_parent_squid_uses(live: Live) -> None:
    import pacparser  # type: ignore[import-untyped]

    urls = browser_urls(live.array.origin.port)
    pacparser.init()
    try:
        pacparser.setmyip("127.0.0.1")
        pacparser.parse_pac_string(live.pac)
        answers = [pacparser.find_proxy(u, "-") for u in urls]
    finally:
        pacparser.cleanup()
    mismatches = []
    used: set[str] = set()
    for url, answer in zip(urls, answers, strict=True):
        first = answer.split("; ")[0]
        request = browser_request(url)
        served = live.array.request(request.url, method=request.method)
        assert served.status == 200, (url, served.status)
        assert served.hierarchy == "CARP", (url, served.hierarchy)
        assert served.parent_name is not None
        used.add(served.parent_name)
        if live.proxy_parent[first] != served.parent_name:
            mismatches.append(f"{url!r}: PAC {first} ({live.proxy_parent[first]}), "
                              f"Squid {served.parent_name}")
    assert mismatches == []
    assert used == {p.name for p in PARENTS}
