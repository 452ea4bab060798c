"""squidcarp's CARP against real Squid 5.7: the same parent for every request, the same mgr:carp.

For each array below, the frontend's own squid.conf is read back with ``read_config`` and turned
into a :class:`~squidcarp.carp.CarpArray` with ``array_from_config``; then 500+ distinct requests
(see ``carp_cases.py``: plain, percent-escapes, raw bytes 0x80-0xFF, upper case, trailing dots,
ports, IP literals, userinfo, fragments, no path, CONNECT, accelerator, and requests Squid
refuses) go through the live frontend, and for **every** one the parent Squid used must be the
library's ``owner()``:

* library owner M          -> Squid logs ``CARP`` and parent M;
* library owner None       -> (every multiplier NaN) Squid logs ``FIRSTUP_PARENT`` and the first
  cache_peer line, as the reference §7 records;
* library ``NotRoutable``  -> Squid answers 400 without using a parent;
* ``Case.denied``          -> Squid answers 403 (http_access) with ``HIER_NONE``, whatever the
  library would pick: CARP never runs for it.

One array runs at a time (module-scoped, parametrised): started, routed, compared, stopped.
"""

from __future__ import annotations

import collections
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from integration.carp_cases import CONNECT_NAMES, Case, by_category, cases
from integration.harness import LocalCarpArray, ServedBy
from integration.harness.cachemgr import fetch_page
from integration.harness.client import build_request, exchange
from integration.harness.local import NodeTools
from integration.harness.routing import authority_of
from integration.harness.topology import CarpArraySpec, ParentSpec, via_hosts
from squidcarp.carp import Accel, CarpArray, NotRoutable
from squidcarp.carp.fromconf import accel_from_config, array_from_config
from squidcarp.conf.reader import read_config

DEFAULTSITE = "www.example.com"

# forward_max_tries 1: a CONNECT the chosen parent answers with 503 (nothing listens on 443) is
# not retried through the other parents (ANY_OLD_PARENT), so the log names CARP's own choice.
# debug section 39 (peer selection) at level 3: the failure report's cache.log tail then shows
# each member's key and hash for the last requests.
FRONTEND_EXTRA = "forward_max_tries 1\ndebug_options ALL,1 39,3"


@dataclass(frozen=True)
class ArrayCase:
    """An array to compare on. ``only``: the one parent every routed request must reach (a
    collapsed array), reached by ``hierarchy``; otherwise every parent must get some."""

    id: str
    parents: tuple[ParentSpec, ...]
    why: str
    only: str | None = None
    hierarchy: str = "CARP"


# Squid 5.7 counts a parent's error answer to CONNECT (503 here: nothing listens on 443) as a
# failed connection to that parent (Http::Tunneler calls peerConnectFailed); after
# connect-fail-limit of them in a row (default 10) it is "Detected DEAD" and CARP skips it
# until the next probe revives it. A limit this high keeps every parent up for the whole run, so
# what is compared is CARP's choice, not a parent's health (which the library takes as `down`).
PEER_OPTIONS = "connect-fail-limit=1000000"


def _p(name: str, weight: int | None, key: str | None = None) -> ParentSpec:
    return ParentSpec(name, weight=weight, carp_key=key, options=PEER_OPTIONS)


ARRAYS = (
    ArrayCase(
        "ties-mixed-names",
        (_p("Alpha", 2), _p("beta", 1), _p("GAMMA", 2), _p("caché-γ", 3), _p("Δelta-Ω", 1)),
        "equal weights keep config order; mixed case and UTF-8 names are hashed byte for byte",
    ),
    ArrayCase(
        "default-weights",
        (_p("w-none", None), _p("w-zero", 0), _p("w-one", 1), _p("W-Four", 4)),
        "no weight= and weight=0 both become 1 (three-way tie)",
    ),
    ArrayCase(
        "one-zero-factor",
        (_p("tiny", 1), _p("big-1", 700), _p("Big-2", 800), _p("big-3", 900)),
        "1 vs ~2400: the tiny member's factor floors to 0, the next gets inf, the rest NaN",
        only="big-1",
    ),
    ArrayCase(
        "two-zero-factors",
        (_p("z-first", 1), _p("z-second", 1), _p("huge-a", 3000), _p("huge-b", 3000)),
        "two factors floor to 0: every score NaN, CARP picks none, Squid takes the first parent",
        only="z-first",
        hierarchy="FIRSTUP_PARENT",
    ),
    ArrayCase(
        "per-peer-keys",
        (
            _p("k-host", 3, "host"),
            _p("k-path", 1, "path"),
            _p("k-shp", 2, "scheme,host,port"),
            _p("k-none", 1),
            _p("k-params", 2, "params"),
        ),
        "each member hashes its own key into the one running hash",
    ),
    ArrayCase(
        "scheme-host",
        (_p("sh-1", 1, "scheme,host"), _p("SH-2", 3, "scheme,host"), _p("sh-3", 2, "scheme,host")),
        "carp-key=scheme,host on every member",
    ),
    ArrayCase(
        "host-port-path",
        (
            _p("hpp-a", 5, "host,port,path"),
            _p("hpp-b", 1, "host,port,path"),
            _p("hpp-c", 3, "host,port,path"),
            _p("hpp-d", 3, "host,port,path"),
            _p("hpp-e", 2, "host,port,path"),
            _p("hpp-é", 7, "host,port,path"),
        ),
        "carp-key=host,port,path: queries ignored, ports always in the key",
    ),
    ArrayCase(
        "path-params",
        (_p("pp-1", 2, "path,params"), _p("PP-2", 2, "path,params"), _p("pp-3", 1, "path,params")),
        "carp-key=path,params: the host does not matter",
    ),
    ArrayCase(
        "all-five-parts",
        (
            _p("f1", 1, "scheme,host,port,path,params"),
            _p("F2", 2, "params,path,port,host,scheme"),
            _p("f3", 0, "scheme,host,port,path,params"),
            _p("f4", 4, "scheme,host,port,path,params"),
            _p("f5", 5, "scheme,host,port,path,params"),
            _p("caf\udce9-6", 6, "scheme,host,port,path,params"),
            _p("f7", 7, "scheme,host,port,path,params"),
        ),
        "all five parts (any order written); a name with a raw 0xE9 byte (not UTF-8)",
    ),
)


@dataclass
class Live:
    """One running array and the library's model of it, read from the frontend's squid.conf."""

    case: ArrayCase
    array: LocalCarpArray
    model: CarpArray
    accel: Accel


@pytest.fixture(scope="module", params=ARRAYS, ids=[a.id for a in ARRAYS])
def live(request: pytest.FixtureRequest, harness_tools: NodeTools) -> Iterator[Live]:
    case: ArrayCase = request.param
    spec = CarpArraySpec.of(
        case.parents,
        frontend_extra=FRONTEND_EXTRA,
        accel_defaultsite=DEFAULTSITE,
        origin_names=CONNECT_NAMES,
    )
    array = LocalCarpArray(spec, harness_tools).start()
    try:
        assert array.frontend is not None
        config = read_config(array.frontend.conf_path).config
        accel = accel_from_config(config)
        assert accel is not None and accel.defaultsite == DEFAULTSITE.encode()
        yield Live(case, array, array_from_config(config), accel)
    finally:
        array.stop()


# --- what each side says -----------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What happened to one request: ``kind`` is CARP, FIRSTUP_PARENT, 400 or 403."""

    kind: str
    parent: bytes | None

    def __str__(self) -> str:
        who = "-" if self.parent is None else self.parent.decode("utf-8", "surrogateescape")
        return f"{self.kind}:{who}"


def library_verdict(live: Live, case: Case) -> Verdict:
    try:
        owner = live.model.owner(case.library_request(live.accel))
    except NotRoutable:
        return Verdict("400", None)
    if case.denied is not None:
        return Verdict("403", None)
    if owner is None:
        # Every score NaN: Squid falls through to the first cache_peer line that is up.
        return Verdict("FIRSTUP_PARENT", live.model.members[0].name_bytes)
    return Verdict("CARP", owner.name_bytes)


def squid_verdict(live: Live, served: ServedBy) -> Verdict:
    parent = None
    if served.parent_index is not None:
        parent = live.array.spec.parents[served.parent_index].name_bytes
    if served.status in (400, 403) and parent is None:
        hierarchy_ok = served.access is None or served.access.hierarchy == "HIER_NONE"
        return Verdict(str(served.status) if hierarchy_ok else f"{served.status}?", None)
    return Verdict(served.hierarchy, parent)


def send(array: LocalCarpArray, case: Case) -> ServedBy:
    if case.raw:
        return array.raw_request(case.wire(), port=case.port)
    headers = {} if case.host is None else {"Host": case.host}
    return array.request(case.target, method=case.method, headers=headers, port=case.port)


def send_unroutable(live: Live, case: Case) -> Verdict:
    """Send a request the library calls NotRoutable and say what Squid did with it.

    Squid rejects such a request before it parses the headers, so its access log line carries
    no harness tag, and ``array.request`` would wait a second for a tag that never comes. Sent
    here on a plain connection instead: a 400 whose Via names no parent is Squid refusing it
    itself (the test then checks the access log has one untagged ``HIER_NONE`` 400 line per
    such request). Anything else is reported with the parent the Via header names.
    """
    placement = live.array.placement
    assert placement is not None
    endpoint = placement.accel if case.port == "accel" else placement.frontend
    assert endpoint is not None
    host = case.host
    if host is None and case.port == "proxy":
        host = authority_of(case.target)  # what array.request would add
    headers = [] if host is None else [("Host", host)]
    if case.method != "CONNECT":
        headers.append(("Connection", "close"))
    data = build_request(case.method, case.target, headers)
    response = exchange(endpoint.host, endpoint.port, data, expect_body=case.method != "CONNECT")
    hostnames = [live.array.spec.parent_hostname(i) for i in range(len(live.array.parents))]
    via = [h for h in via_hosts(", ".join(response.header_all("Via"))) if h in hostnames]
    if not via:
        return Verdict(str(response.status), None)
    parent = live.array.parents[hostnames.index(via[0])]
    return Verdict(f"{response.status}-via", parent.spec.name_bytes)


def explain(live: Live, case: Case) -> str:
    """The library's per-member keys and scores for one request (for a mismatch report)."""
    try:
        _, scores = live.model.evaluate(case.library_request(live.accel))
    except NotRoutable as exc:
        return f"    library: {exc}"
    return "\n".join(
        f"    {s.member.label}: key={s.key!r} hash={s.combined_hash:08x} "
        f"mult={s.multiplier!r} score={s.score!r}"
        for s in scores
    )


# --- the tests ---------------------------------------------------------------------------------


def test_owner_is_the_parent_squid_chose_for_every_request(
    live: Live, harness_note: Callable[[str], None]
) -> None:
    array = live.array
    requests = cases(live.case.id, array.origin.port)
    assert len(requests) >= 500
    assert len({c.identity for c in requests}) == len(requests)

    started = time.monotonic()
    mismatches: list[str] = []
    outcomes: collections.Counter[str] = collections.Counter()
    parents: collections.Counter[str] = collections.Counter()
    untagged_400 = 0
    refused: dict[Case, str] = {}
    for case in requests:
        want = library_verdict(live, case)
        if want.kind == "400":
            got = send_unroutable(live, case)
            untagged_400 += got == want
            detail = "sent untagged"
        else:
            served = send(array, case)
            got = squid_verdict(live, served)
            logged = served.access.url if served.access else None
            detail = f"status {served.status}, logged {logged!r}"
        outcomes[got.kind] += 1
        if case.category == "rejected":
            refused[case] = got.kind
        if got.parent is not None:
            parents[got.parent.decode("utf-8", "surrogateescape")] += 1
        if got != want:
            mismatches.append(
                f"  {case.describe()}: squid {got} ({detail}), library {want}\n"
                + explain(live, case)
            )
    elapsed = time.monotonic() - started

    categories = ", ".join(f"{k} {v}" for k, v in by_category(requests).items())
    harness_note(
        f"{live.case.id}: {len(requests)} requests in {elapsed:.1f}s "
        f"({len(requests) - len(mismatches)} agree); outcomes {dict(outcomes)}; "
        f"per parent {dict(parents)}; categories: {categories}"
    )
    assert not mismatches, (
        f"{live.case.id} ({live.case.why}): {len(mismatches)} of {len(requests)} requests "
        f"routed differently from squidcarp:\n" + "\n".join(mismatches)
    )
    # Every request sent untagged was refused by the frontend itself, before any parent.
    assert array.frontend is not None
    untagged = [
        e
        for e in array.frontend.access_entries()
        if e.harness_id == "-" and "/squid-internal-mgr/" not in e.url  # the harness's own
    ]
    assert len(untagged) == untagged_400
    assert all(
        (e.status, e.hierarchy, e.server_address) == (400, "HIER_NONE", "-") for e in untagged
    )
    # Nothing was routed around a member that went down meanwhile.
    assert all(p.up for p in array.mgr_server_list())
    # The array is what its description says it is (a collapse really collapsed, etc.).
    assert outcomes[live.case.hierarchy] > 500
    if live.case.only is not None:
        assert set(parents) == {live.case.only}
    else:
        assert len(parents) == len(live.case.parents)
    # The requests meant to be refused were: 400 for the malformed ones, 403 for the denied.
    assert refused and all(
        kind == ("400" if case.denied is None else "403") for case, kind in refused.items()
    ), refused


def c_printf_f(value: float) -> str:
    """``printf("%f")`` as glibc writes it: ``inf``, ``nan``/``-nan`` by the NaN's sign bit."""
    if math.isnan(value):
        return "-nan" if math.copysign(1.0, value) < 0 else "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:f}"


def test_mgr_carp_hash_and_multiplier_equal_the_library(live: Live) -> None:
    frontend = live.array.frontend
    assert frontend is not None
    page = fetch_page(frontend.address, frontend.port, "carp")
    lines = [line for line in page.splitlines() if line.strip()]
    assert lines[0].split() == ["Hostname", "Hash", "Multiplier", "Factor", "Actual"]
    printed = []
    for line in lines[1:]:
        name, hash_text, multiplier, factor, _actual = line.strip().rsplit(None, 4)
        printed.append((name.encode("utf-8", "surrogateescape"), hash_text, multiplier, factor))
    expected = [
        (s.member.name_bytes, f"{s.hash:x}", c_printf_f(s.multiplier), c_printf_f(s.load_factor))
        for s in live.model.table()
    ]
    assert printed == expected, f"{live.case.id}: mgr:carp {printed} != library {expected}"
