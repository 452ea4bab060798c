"""The generated PAC file against the forwarding decision of the generated frontend.

For every URL the PAC (run in Node with PAC helper functions) returns either ``DIRECT`` exactly
where the frontend's decision goes direct first (the CARP exceptions; CONNECT is not used by
browsers for plain http), or ``PROXY p1; PROXY p2; ...`` where entry k+1 is the parent the
frontend's decision uses first when the parents of entries 1..k are down: the PAC's fail-over
order is the order Squid's CARP falls back in.
"""

from __future__ import annotations

import random
from pathlib import Path

from squidcarp.conf import read_bytes
from squidcarp.forward import ForwardRequest, Router
from squidcarp.generate.arrayfile import load_array
from squidcarp.generate.nodes import render_array
from tests.generate.engines import node_find_proxy

REPO = Path(__file__).resolve().parents[2]
HOSTS = ("www.example.com", "a.updates.example.org", "intranet.example.net", "img.cdn.example",
         "WWW.Example.COM", "news.example.org")
PATHS = ("/", "/index.html", "/live/now", "/a.ISO", "/img/caf%C3%A9.png", "/q?x=1&y=%41")


def urls(n: int, seed: int = 20261202) -> list[str]:
    rnd = random.Random(seed)
    return [f"http://{rnd.choice(HOSTS)}{rnd.choice(PATHS)}{rnd.randrange(1000)}"
            for _ in range(n)]


def test_pac_order_is_the_frontends_fallback_order() -> None:
    spec = load_array(str(REPO / "examples" / "array.yaml"))
    files = render_array(spec)
    frontend = spec.frontends[0]
    config = read_bytes(files[f"{frontend.name}/squid.conf"], "frontend.conf").config
    address_of = {m.listen: m.name for m in spec.carp_members}
    sample = urls(400)
    answers = node_find_proxy(files["proxy.pac"].decode(), sample, my_ip="192.168.1.20")
    checked = 0
    for url, answer in zip(sample, answers, strict=True):
        request = ForwardRequest(url.encode(), client="192.168.1.20")
        first = Router(config).decide(request).first
        assert first is not None, url
        if answer == "DIRECT":
            assert first.peer is None, (url, first)
            continue
        order = [address_of[part.split()[1]] for part in answer.split("; ")]
        assert sorted(order) == sorted(address_of.values()), (url, answer)
        for k, name in enumerate(order):
            fallback = Router(config, down=order[:k]).decide(request).first
            assert fallback is not None and (fallback.peer, fallback.hier) == (name, "CARP"), (
                url, k, answer, fallback)
        checked += 1
    assert checked > 200  # most of the sample goes through the array
