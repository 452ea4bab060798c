"""Requests Squid 5.7 answers itself (squidcarp.forward.local): no forwarding list at all."""

from __future__ import annotations

import pytest

from squidcarp.conf import read_bytes
from squidcarp.forward import Decision, ForwardRequest, Router

BASE = ("pinger_enable off\nminimum_direct_rtt 0\nhttp_port 127.0.0.1:3128\n"
        "cache_peer 10.0.0.1 parent 3128 0 carp name=cache1 no-query no-digest\n"
        "cache_peer 10.0.0.2 parent 3128 0 carp name=cache2 no-query no-digest\n")
NAMED = BASE + "visible_hostname Proxy1\nappend_domain .example.net\n"
OWN = "proxy1.example.net:3128 is this Squid (its name and port): Squid answers its own URL"
STATIC = ("global_internal_static on: Squid serves /squid-internal-static paths of every host "
          "itself")


def decide(conf: str, target: bytes, **kwargs: object) -> Decision:
    router = Router(read_bytes(conf.encode(), "squid.conf").config)
    return router.decide(ForwardRequest(target, **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(("conf", "target", "local"), [
    (BASE, b"cache_object://localhost/info",
     "cache_object: the cache manager answers (Squid forwards none)"),
    (BASE, b"CACHE_OBJECT://10.0.0.1/menu",
     "cache_object: the cache manager answers (Squid forwards none)"),
    (BASE, b"urn:isbn:0451450523",
     "urn: Squid's URN resolver handles it (src/urn.cc); the URL it then fetches is a request "
     "of its own"),
    (BASE, b"/squid-internal-mgr/info",
     "a /squid-internal- path as the request target: Squid's own URL, answered by Squid itself "
     "(src/client_side.cc parseHttpRequest)"),
    # visible_hostname + append_domain, lower-cased, compared exactly; the port must be Squid's
    (NAMED, b"http://proxy1.example.net:3128/squid-internal-periodic/store_digest", OWN),
    (NAMED, b"http://PROXY1.example.net:3128/squid-internal-mgr/info", OWN),
    (NAMED, b"http://www.example.com/squid-internal-static/icons/silk/folder.png", STATIC),
    (NAMED + "hostname_aliases other.example.net\n",
     b"http://other.example.net:3128/squid-internal-mgr/menu",
     "other.example.net:3128 is this Squid (its name and port): Squid answers its own URL"),
])
def test_what_squid_answers_itself(conf: str, target: bytes, local: str) -> None:
    d = decide(conf, target)
    assert (d.error, d.local, d.forwarding, d.carp_owner) == (None, local, (), None)


@pytest.mark.parametrize("target", [
    b"http://proxy1.example.net:3129/squid-internal-mgr/info",  # another port: another Squid
    b"http://proxy1/squid-internal-periodic/store_digest",  # the name before append_domain
    b"http://cache1:3128/squid-internal-periodic/store_digest",  # a peer's digest
    b"http://www.example.com/squid-internal-static-not/x",
])
def test_other_caches_internal_urls_are_forwarded(target: bytes) -> None:
    d = decide(NAMED + "global_internal_static off\n", target)
    assert d.local == "" and d.first is not None and d.first.hier == "CARP"


def test_global_internal_static_off_forwards_other_hosts_icons() -> None:
    d = decide(NAMED + "global_internal_static off\n",
               b"http://www.example.com/squid-internal-static/icons/a.png")
    assert (d.local, d.first is not None and d.first.hier) == ("", "CARP")


def test_an_accelerator_port_answers_an_internal_target_before_completing_it() -> None:
    conf = BASE.replace("http_port 127.0.0.1:3128\n",
                        "http_port 127.0.0.1:80 accel defaultsite=www.example.com\n")
    assert decide(conf, b"/squid-internal-static/icons/a.png").local.startswith(
        "a /squid-internal- path as the request target")
    assert decide(conf, b"/index.html").first is not None


def test_an_intercepting_port_does_not_take_a_relative_internal_target_as_its_own() -> None:
    conf = BASE + "http_port 127.0.0.1:3129 intercept\n"
    d = decide(conf, b"/squid-internal-mgr/info", host=b"www.example.com", port="3129")
    assert d.local == "" and d.first is not None


def test_without_visible_hostname_it_depends_on_the_machine_name() -> None:
    d = decide(BASE, b"http://box.example.net:3128/squid-internal-mgr/info")
    assert not d.certain and d.local == ""
    assert [(str(a), o.local != "", [h.hier for h in o.forwarding])
            for o in d.outcomes for a in o.assumptions] == [
        ("'box.example.net' is not this Squid's name", False,
         ["CARP", "ANY_OLD_PARENT", "HIER_DIRECT"]),
        ("'box.example.net' is this Squid's host name", True, []),
    ]
    assert d.depends[0].reason == "visible_hostname is not set: Squid uses the machine's name"


def test_a_local_answer_leaves_no_netdb_entry() -> None:
    router = Router(read_bytes((NAMED.replace("minimum_direct_rtt 0\n", "")).encode(),
                               "squid.conf").config)
    router.decide(ForwardRequest(b"http://proxy1.example.net:3128/squid-internal-mgr/info"))
    assert router.state.pinged == set() and router.state.served == 1


@pytest.mark.parametrize("source", [True, False])
def test_simulated_destinations_set_aside_what_squid_answers_itself(source: bool) -> None:
    from squidcarp.forward.simulate import UrlList, destinations

    router = Router(read_bytes((BASE + "never_direct allow all\n").encode(), "squid.conf").config)
    urls = [b"http://www.example.com/%d" % i for i in range(50)] + [
        b"cache_object://localhost/info", b"http://a.example/squid-internal-static/x",
        b"http://a.example/Squid-Internal-static/x", b"http://a\nb.example/"]
    listing = UrlList(list(urls), b"\n".join(urls) + b"\n", False) if source else None
    d = destinations(router, urls, listing=listing)
    counts = d.counts()
    # the batch engine took the 50 plain URLs and the one whose prefix differs in case; the
    # line feed ends Squid's request line (the URL is http://a/), decided one by one
    assert (counts["(Squid itself)"], counts["(refused)"], d.fast) == (2, 0, 51)
    assert counts["cache1"] + counts["cache2"] == 52
