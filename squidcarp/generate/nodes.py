"""Every file of a generated array, as bytes, from a checked :class:`ArraySpec`.

``render_array(spec)`` returns ``{relative path: content}``: ``NAME/squid.conf`` for each member
(templates ``array/frontend.conf.j2``, ``array/parent.conf.j2``, ``array/member.conf.j2``),
``proxy.pac`` and ``wpad.dat`` (the client-side CARP ranking, :mod:`squidcarp.generate.pac`),
``compose.yaml`` and ``Dockerfile``. The output depends on nothing but the spec and the
templates (no dates, no absolute paths), so generating twice gives the same bytes.

Who talks to whom: in a **two-layer** array, clients (and browsers using the PAC file's first
choice, when they bypass the frontends) reach the frontends, which send everything but the CARP
exceptions to its CARP owner among the parents; the parents go to the origin (asking each other
first when the file asks for loose coupling). In a **flat** array every member takes clients on
its ``http_port`` and forwards each request to its owner's ``intra_port``, where requests go
direct; the PAC file sends browsers straight to the owner.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Any

from squidcarp.carp.array import CarpArray
from squidcarp.carp.array import Member as CarpMember
from squidcarp.generate.arrayfile import ArraySpec, Member

CONF_TEMPLATES = {"frontend": "array/frontend.conf.j2", "parent": "array/parent.conf.j2",
                  "member": "array/member.conf.j2"}
PAC_NAMES = ("proxy.pac", "wpad.dat")  # wpad.dat: the name WPAD discovery asks for


def node_path(member: Member) -> str:
    return f"{member.name}/squid.conf"


def carp_array(spec: ArraySpec) -> CarpArray:
    """The CARP array every node of ``spec`` builds (same members, order, names, weights)."""
    key = spec.carp_key or None
    return CarpArray(tuple(CarpMember(m.name, m.weight, key) for m in spec.carp_members))


def proxies(spec: ArraySpec) -> dict[str, str]:
    """``host:port`` browsers use for each CARP member (its client port)."""
    return {m.name: m.listen for m in spec.carp_members}


def _carp_port(spec: ArraySpec, m: Member) -> int:
    return spec.intra_port if spec.topology == "flat" else m.http_port


def _listen(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def node_context(spec: ArraySpec, member: Member) -> dict[str, Any]:
    carp = [{"name": m.name, "address": m.address, "port": _carp_port(spec, m),
             "weight": m.weight} for m in spec.carp_members]
    exc = spec.exceptions
    acls = []
    if exc.domains:
        acls.append("carp_exception_domains")
    if any(not r.ignore_case for r in exc.url_regex):
        acls.append("carp_exception_urls")
    if any(r.ignore_case for r in exc.url_regex):
        acls.append("carp_exception_urls_i")
    if exc.clients:
        acls.append("carp_exception_clients")
    others = [m for m in spec.members if m.name != member.name]
    if member.role == "parent":
        talkers = [m for m in others if m.role in ("frontend", "parent")]
    elif member.role == "member":
        talkers = list(spec.members)
    else:
        talkers = []
    loose = spec.loose
    siblings = ([m for m in others if m.role == "parent"]
                if member.role == "parent" and (loose.icp or loose.htcp or loose.digests)
                else [])
    multicast = loose.multicast if member.role in ("parent", "member") else None
    return {
        "array": spec, "member": member, "source": os.path.basename(spec.source),
        "carp_members": carp, "carp_key": ",".join(p.value for p in spec.carp_key),
        "exceptions": exc if exc else None, "exception_acls": acls,
        "peer_addresses": sorted(dict.fromkeys(m.address for m in talkers)),
        "siblings": siblings, "multicast": multicast,
        "intra_listen": _listen(member.address, spec.intra_port),
    }


def render_array(spec: ArraySpec, templates: str | os.PathLike[str] | None = None,
                 variables: Mapping[str, Any] | None = None) -> dict[str, bytes]:
    """Every file of the array. ``variables`` are given to every template as ``vars``: values
    for a template layer (``templates``) that fills the built-in templates' blocks (the test
    harness's compose layer: integration/compose/templates/).

    Raises :class:`squidcarp.generate.templates.TemplateError` for a template that fails."""
    from squidcarp.generate.pac import PacOptions, pac_script
    from squidcarp.generate.templates import environment, render

    folder = None if templates is None else os.fspath(templates)
    env = environment(folder)
    given = {"vars": dict(variables or {})}
    out: dict[str, bytes] = {}
    for member in spec.members:
        text = render(env, CONF_TEMPLATES[member.role], {**node_context(spec, member), **given})
        out[node_path(member)] = text.encode("utf-8", "surrogateescape")
    pac = pac_script(carp_array(spec), proxies(spec), spec.exceptions,
                     PacOptions(name=spec.name, templates=folder))
    for name in PAC_NAMES:
        out[name] = pac.encode("utf-8")
    out["compose.yaml"] = render(env, "array/compose.yaml.j2",
                                 {**compose_context(spec), **given}).encode("utf-8")
    out["Dockerfile"] = render(env, "array/Dockerfile.j2",
                               {"array": spec, **given}).encode("utf-8")
    return out


def compose_name(name: str) -> str:
    """A compose project or service name for an array or member name: lower case, dots as
    dashes (compose allows ``[a-z0-9][a-z0-9_-]*``; array and member names are
    ``[A-Za-z0-9][A-Za-z0-9._-]*``)."""
    return name.lower().replace(".", "-")


def compose_network(spec: ArraySpec) -> tuple[ipaddress.IPv4Network, ipaddress.IPv4Address] | None:
    """The subnet of compose's ``array`` network and its gateway, when every member has an
    IPv4 literal (each service then gets its address): the smallest network holding them all
    (at least a /24); the gateway (the host side of Docker's bridge, which Docker would put on
    the first address, where a member may be) is the highest address no member has."""
    addresses = []
    for m in spec.members:
        try:
            addresses.append(ipaddress.IPv4Address(m.address))
        except ValueError:
            return None
    net = ipaddress.IPv4Network(f"{addresses[0]}/24", strict=False)
    while not all(a in net for a in addresses) and net.prefixlen > 8:
        net = net.supernet()
    taken = set(addresses)
    gateway = next(a for a in reversed(list(net.hosts())) if a not in taken)
    return net, gateway


def listening_pattern(port: int) -> str:
    """An extended regex for a LISTEN socket on ``port`` in /proc/net/tcp and tcp6 (local
    address, remote address all zeros, state 0A: TCP_LISTEN in the kernel's
    include/net/tcp_states.h), which compose's health check looks for: it tells Squid is
    listening without sending a request, so nothing reaches the access log."""
    return f":{port:04X} [0-9A-F]+:0000 0A "


def compose_context(spec: ArraySpec) -> Mapping[str, Any]:
    """Services for every member, on the network ``array`` (fixed addresses when every member
    has an IPv4 literal, see :func:`compose_network`); the entry points publish their client
    port; frontends start once every parent listens (Squid marks a parent that does not
    answer yet as down and routes its URLs elsewhere until a later probe)."""
    network = compose_network(spec)
    options = spec.compose
    entry = {m.name for m in spec.entry_points}
    services = {m.name: compose_name(m.name) for m in spec.members}
    parents = [services[m.name] for m in spec.members if m.role == "parent"]
    ports = {}
    for m in spec.members:
        if m.name in entry:
            ports[m.name] = {"target": m.http_port, "host_ip": options.publish,
                             "published": m.http_port if options.host_port == "same" else None}
    return {
        "array": spec, "project": compose_name(spec.name), "services": services,
        "image": f"{compose_name(spec.name)}-squid",
        "paths": {m.name: node_path(m) for m in spec.members},
        "subnet": str(network[0]) if network else None,
        "gateway": str(network[1]) if network else None,
        "internal": options.internal, "public": options.internal and bool(entry),
        "ports": ports,
        "depends": {m.name: parents if m.role == "frontend" else [] for m in spec.members},
        "listening": {m.name: listening_pattern(m.http_port) for m in spec.members},
    }
