"""The CARP key of every kind of accelerated request, of IPv6 zone ids and of NUL-holding
requests, against live Squid 5.7.

One array of four CARP parents runs for the module. Besides its proxy port the frontend listens
on ten accelerator ports, each on its own 127.0.0.x address, that between them cover what
``prepareAcceleratedURL`` (src/client_side.cc) reads from a port line: ``vhost`` (the accel
default) and ``no-vhost``, a bare ``vport`` (the port the request arrived on) and ``vport=N``,
``defaultsite`` or none, ``https_port`` and ``protocol=HTTPS`` (TLS with a throw-away
self-signed certificate, spoken with Python's ``ssl``, verification off), and an
``http_port localhost:N`` line (the name becomes the defaultsite). Requests go to every port
with and without a Host header (usable, with a port, bracketed, refused by
``getHostHeaderField``), origin-form and absolute-form; to the proxy port go URLs with IPv6
zones (a zone naming ``lo``, one naming nothing, ``%25lo``, a number, a global address) and
requests with NUL, other controls, DEL, VT/FF and line feeds in the request line, and NUL in a
header.

For every request the frontend's verdict must be squidcarp's:

* the model routes it -> Squid's access log names the parent ``CarpArray.owner`` of the parsed
  request picks, with hierarchy ``CARP``, and ``Router.decide`` lists that parent first;
* the model raises ``NotRoutable`` -> Squid answers that status (400, 405) itself, without a
  parent, and its access log has no line naming a parent for it.
"""

from __future__ import annotations

import collections
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from integration.harness import AccessLogEntry, Endpoint, LocalCarpArray, RawResponse
from integration.harness.client import exchange, inject_header, parse_response
from integration.harness.ledger import Ledger
from integration.harness.local import NodeTools
from integration.harness.origin import HARNESS_ID_HEADER
from integration.harness.ports import free_tcp_port
from integration.harness.pytest_plugin import require
from integration.harness.topology import CarpArraySpec, ParentSpec, via_hosts
from squidcarp.carp import CarpArray, NotRoutable, parse
from squidcarp.carp.fromconf import array_from_config
from squidcarp.conf.reader import read_config
from squidcarp.forward import ForwardRequest, Router
from squidcarp.forward.request import carp_request, receiving_port

PARENTS = (ParentSpec("key-a", 1), ParentSpec("Key-B", 2), ParentSpec("key-c", 3),
           ParentSpec("key-d", 1))
FRONTEND_EXTRA = "forward_max_tries 1\n"


@dataclass(frozen=True)
class PortSpec:
    """One extra frontend port: ``directive ADDRESS:PORT options`` (+ the cert with ``tls``)."""

    key: str
    options: str
    tls: bool = False
    directive: str = "http_port"
    named: bool = False
    """Listen as ``localhost:PORT`` (Squid resolves the name and takes it as defaultsite)."""


PORTS = (
    PortSpec("vhost-vport-site", "accel vport defaultsite=site.example"),
    PortSpec("vhost-vport-n", "accel vport=8080"),
    PortSpec("vhost-site", "accel defaultsite=www.example.com"),
    PortSpec("vhost-only", "accel"),
    PortSpec("novhost-vport", "accel no-vhost vport"),
    PortSpec("novhost-site-vport-n", "accel no-vhost defaultsite=d.example vport=81"),
    PortSpec("novhost-only", "accel no-vhost"),
    PortSpec("named", "accel no-vhost", named=True),
    PortSpec("https-site", "accel defaultsite=secure.example", tls=True, directive="https_port"),
    PortSpec("https-vport", "accel vport", tls=True, directive="https_port"),
    PortSpec("protocol-https", "accel protocol=HTTPS vport=8443", tls=True),
)

HOSTS: tuple[bytes | None, ...] = (
    None, b"www.example.com", b"Foo.Example:99", b"foo.example:", b"[::1]", b"[::1]:5",
    b"::1", b"", b"x.example ", b"x%41.example", b"[fe80::1%lo]", b"caf\xe9.example",
    b"\tTab.Example",
)
TARGETS = (
    b"/p/index.html", b"/?q=1", b"/a%2Fb/caf\xe9", b"http://abs.example:77/x",
    b"http://abs.example?q", b"http://abs.example", b"http:///x", b"weird+x://abs.example/w",
    b"we_ird://abs.example/w", b"http://us@er@abs.example:1/u#f",
)
TLS_HOSTS = (None, b"www.example.com", b"Foo.Example:99", b"[::1]", b"x.example ")
TLS_TARGETS = (b"/t/index.html", b"http://abs.example/t2")

ZONES = (
    b"[fe80::1%lo]", b"[fe80::1%25lo]", b"[fe80::1%nosuch]", b"[fe80::1%1]", b"[FE80::2%LO]",
    b"[2001:db8::1%lo]", b"[2001:db8::1%1]", b"[ff02::1%lo]", b"[ff05::1%lo]",
    b"[fe80::1%lo]:8080", b"[fe80::3%]",
)
# On the proxy port: request lines with bytes the HTTP parser refuses or treats specially.
WIRE = (
    b"http://n.example/nul\x00zz", b"http://n\x00.example/", b"http://n.example/?q=\x00",
    b"http://n.example/soh\x01", b"http://n.example/us\x1f", b"http://n.example/del\x7f",
    b"http://n.example/bs\x08", b"\x0b http://n.example/vt-around\x0b\x0c",
    b"http://n.example/vt\x0bonly\x0cff", b"http://n.example/vt\x0b and space",
    b"http://n.exa\x0bmple/vt-in-host", b"http://n.example/cr\rcut", b"http://n.example/tab\tx",
    b'http://n.example/unwise"|^<>`{}\\',
)


@dataclass(frozen=True)
class LiveCase:
    """One request: ``target`` as on the wire, ``host`` the Host header value (None: none)."""

    port: str
    method: str
    target: bytes
    host: bytes | None = None

    def wire(self, harness_id: str) -> bytes:
        lines = [b"%s %s HTTP/1.1" % (self.method.encode("ascii"), self.target)]
        if self.host is not None:
            lines.append(b"Host: " + self.host)
        if self.method != "CONNECT":
            lines.append(b"Connection: close")
        data = b"\r\n".join(lines) + b"\r\n\r\n"
        return inject_header(data, HARNESS_ID_HEADER, harness_id)

    def describe(self) -> str:
        return f"[{self.port}] {self.method} {self.target!r} Host={self.host!r}"


def live_cases() -> tuple[LiveCase, ...]:
    out: list[LiveCase] = []
    for spec in PORTS:
        hosts, targets = (TLS_HOSTS, TLS_TARGETS) if spec.tls else (HOSTS, TARGETS)
        out += [LiveCase(spec.key, "GET", t, h) for h in hosts for t in targets]
    out.append(LiveCase("vhost-site", "CONNECT", b"n.example:443", b"n.example:443"))
    out.append(LiveCase("vhost-site", "GET", b"/nul-host", b"n\x00.example"))
    out.append(LiveCase("vhost-vport-site", "GET", b"/nul\x00path", b"n.example"))
    # several paths per form, so that a wrong key can't pass by luck
    out += [LiveCase("proxy", "GET", b"http://" + z + b"/zone/%d" % i, b"x")
            for z in ZONES for i in range(4)]
    out += [LiveCase("proxy", "GET", t, b"n.example") for t in WIRE]
    out += [LiveCase("proxy", "GET", b"http://n.example/%d%s%d" % (i, c, i), b"n.example")
            for i in range(6) for c in (b"\x0b", b"\x0c", b"\x0b\x0c", b"\t")]
    out += [LiveCase("proxy", "GET", b"http://n%d.exa\x0bmple/%d" % (i, i), b"n.example")
            for i in range(6)]
    out += [
        LiveCase("proxy", "CONNECT", b"n.example:443\x00", None),
        LiveCase("proxy", "GET", b"http://n.example/nul-header", b"n\x00.example"),
        LiveCase("proxy", "GET", b"/origin-form-on-a-proxy-port", b"n.example"),
        LiveCase("proxy", "HEAD", b"http://n.example/head\nzz", b"n.example"),
        LiveCase("proxy", "GET", b"http://n.example/zero-nine\nzz", b"n.example"),
    ]
    return tuple(out)


@dataclass(frozen=True)
class Verdict:
    """``CARP`` and the parent's CARP name, or the status Squid answered by itself."""

    kind: str
    parent: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}:{self.parent or '-'}"


# --- the frontend's ports ----------------------------------------------------------------------


def make_certificate(ledger: Ledger) -> tuple[Path, Path]:
    """A throw-away self-signed ECDSA certificate in a dir Squid (user proxy) can read."""
    require(shutil.which("openssl") is not None, "openssl is needed to make a test certificate")
    folder = ledger.node_dir("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj",
         "/CN=frontend.test"],
        check=True, capture_output=True, timeout=60)
    for path in (cert, key):
        path.chmod(0o644)
    return cert, key


@dataclass
class Frontend:
    array: LocalCarpArray
    endpoints: dict[str, Endpoint]
    names: dict[str, str]
    """Port key -> the port's name in squid.conf (its specification as written)."""
    router: Router
    model: CarpArray


@pytest.fixture(scope="module")
def frontend(harness_tools: NodeTools, harness_ledger: Ledger) -> Iterator[Frontend]:
    cert, key = make_certificate(harness_ledger)
    endpoints: dict[str, Endpoint] = {}
    names: dict[str, str] = {}
    lines = [FRONTEND_EXTRA]
    for spec in PORTS:
        if spec.named:
            endpoint = Endpoint("127.0.0.1", free_tcp_port("127.0.0.1"))
            names[spec.key] = f"localhost:{endpoint.port}"
        else:
            endpoint = Endpoint(*harness_tools.allocator.endpoint())
            names[spec.key] = str(endpoint)
        endpoints[spec.key] = endpoint
        tls = f" tls-cert={cert} tls-key={key}" if spec.tls else ""
        lines.append(f"{spec.directive} {names[spec.key]} {spec.options}{tls}")
    spec = CarpArraySpec.of(PARENTS, frontend_extra="\n".join(lines) + "\n")
    array = LocalCarpArray(spec, harness_tools).start()
    try:
        assert array.frontend is not None and array.placement is not None
        endpoints["proxy"] = array.placement.frontend
        names["proxy"] = str(array.placement.frontend)
        config = read_config(array.frontend.conf_path).config
        yield Frontend(array, endpoints, names, Router(config), array_from_config(config))
    finally:
        array.stop()


# --- each side's verdict -----------------------------------------------------------------------


def model_verdict(fe: Frontend, case: LiveCase) -> Verdict:
    """The library's answer, by both of its paths (CarpArray.owner and Router.decide)."""
    request = ForwardRequest(case.target, case.method, case.host, port=fe.names[case.port])
    decision = fe.router.decide(request, remember=False)
    try:
        carp = carp_request(request, receiving_port(fe.router.ports, request))
        parse(carp)
    except NotRoutable as exc:
        assert decision.error == exc.reason, case.describe()
        return Verdict(str(exc.status))
    owner = fe.model.owner(carp)
    assert owner is not None
    first = decision.first
    assert first is not None and decision.error is None, case.describe()
    assert (first.peer, first.hier) == (owner.label, "CARP"), case.describe()
    return Verdict("CARP", owner.label)


def tls_exchange(endpoint: Endpoint, data: bytes, timeout: float = 10.0) -> RawResponse:
    """Send ``data`` over TLS (no certificate checks: the frontend's is self-signed) and read
    until the server closes (the request asks for ``Connection: close``)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    received = b""
    with socket.create_connection((endpoint.host, endpoint.port), timeout=timeout) as raw, \
            context.wrap_socket(raw) as conn:
        conn.sendall(data)
        while True:
            try:
                chunk = conn.recv(65536)
            except (ssl.SSLError, ConnectionResetError):
                break  # a close without close_notify ends the response as well
            if not chunk:
                break
            received += chunk
    return parse_response(received)


@dataclass(frozen=True)
class Sent:
    case: LiveCase
    harness_id: str
    response: RawResponse


def send(fe: Frontend, case: LiveCase, harness_id: str) -> Sent:
    data = case.wire(harness_id)
    endpoint = fe.endpoints[case.port]
    if any(s.tls for s in PORTS if s.key == case.port):
        response = tls_exchange(endpoint, data)
    else:
        response = exchange(endpoint.host, endpoint.port, data,
                            expect_body=case.method not in ("HEAD", "CONNECT"))
    return Sent(case, harness_id, response)


def parent_of(fe: Frontend, entry: AccessLogEntry) -> str | None:
    for parent in fe.array.parents:
        if (parent.endpoint.host, str(parent.endpoint.port)) == (entry.server_address,
                                                                entry.server_port):
            return parent.name
    return None


def via_parent(fe: Frontend, response: RawResponse) -> str | None:
    hostnames = {p.hostname: p.name for p in fe.array.parents}
    found = [hostnames[h] for h in via_hosts(", ".join(response.header_all("Via")))
             if h in hostnames]
    return found[0] if found else None


def squid_verdict(fe: Frontend, sent: Sent, entry: AccessLogEntry | None) -> Verdict:
    via = via_parent(fe, sent.response)
    if entry is None or entry.hierarchy == "HIER_NONE":
        return Verdict(str(sent.response.status) if via is None else "via?", via)
    parent = parent_of(fe, entry)
    if via is not None and via != parent:
        return Verdict(f"{entry.hierarchy}, Via says {via}", parent)
    return Verdict(entry.hierarchy, parent)


# --- the test ----------------------------------------------------------------------------------


def test_every_request_gets_the_parent_or_the_refusal_the_model_predicts(
        frontend: Frontend, harness_note: Callable[[str], None]) -> None:
    fe = frontend
    node = fe.array.frontend
    assert node is not None
    cases = live_cases()
    assert len(set(cases)) == len(cases)
    started = time.monotonic()
    expected = {c: model_verdict(fe, c) for c in cases}
    sent = [send(fe, c, f"keys-{i}") for i, c in enumerate(cases)]

    deadline = time.monotonic() + 15
    served = {s.harness_id for s in sent if expected[s.case].kind == "CARP"}
    tags: dict[str, AccessLogEntry] = {}
    zero_nine: dict[LiveCase, AccessLogEntry] = {}
    while time.monotonic() < deadline:
        entries = node.access_entries()
        tags = {e.harness_id: e for e in entries if e.harness_id != "-"}
        # an HTTP/0.9 request carries no headers, so no tag: it is found by its URL
        zero_nine = {s.case: e for s in sent for e in entries if b"\n" in s.case.target
                     and e.url.encode("utf-8", "surrogateescape") == s.case.target.split(b"\n")[0]}
        untagged_served = {s.harness_id for s in sent if s.case in zero_nine}
        if served <= set(tags) | untagged_served:
            break
        time.sleep(0.05)

    mismatches = []
    outcomes: collections.Counter[str] = collections.Counter()
    for s in sent:
        entry = tags.get(s.harness_id, zero_nine.get(s.case))
        got = squid_verdict(fe, s, entry)
        want = expected[s.case]
        outcomes[str(got.kind) if got.kind != "CARP" else f"CARP:{got.parent}"] += 1
        if got != want:
            logged = entry.url if entry is not None else None
            mismatches.append(f"  {s.case.describe()}: squid {got} (status "
                              f"{s.response.status}, logged {logged!r}), squidcarp {want}")
    elapsed = time.monotonic() - started
    harness_note(f"{len(cases)} requests on {len(fe.endpoints)} ports in {elapsed:.1f}s: "
                 f"{dict(outcomes)}")
    assert not mismatches, (f"{len(mismatches)} of {len(cases)} requests differ from "
                            "squidcarp:\n" + "\n".join(mismatches))

    # No line of the access log names a parent for a request the model says Squid refuses.
    # (Untagged lines are refused requests, the harness's cache manager requests, the HTTP/0.9
    # requests found above and the rest of their connection, which Squid logs as an error.)
    refused = {s.harness_id for s in sent if expected[s.case].kind != "CARP"}
    for entry in node.access_entries():
        if entry in zero_nine.values():
            continue
        if entry.harness_id in refused or entry.harness_id == "-":
            assert (entry.hierarchy, entry.server_address) == ("HIER_NONE", "-"), entry
    # Every kind of outcome happened, on every kind of port.
    kinds = {expected[c].kind for c in cases}
    assert kinds == {"CARP", "400", "405"}, kinds
    assert {p.name for p in fe.array.parents} <= {v.parent for v in expected.values()}
    for spec in PORTS:
        verdicts = {expected[c].kind for c in cases if c.port == spec.key}
        assert "CARP" in verdicts, spec
