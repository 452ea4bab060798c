"""The array file: one YAML description of a whole cache array, checked all at once.

``load_array(path)`` reads the YAML (keeping the line of every key), validates it against the
published JSON Schema (:mod:`squidcarp.generate.schema`), then checks what a schema cannot: member
names unique the way Squid compares them (case-insensitively), one listener per address and
port, roles that fit the topology, CARP weights Squid can use (a weight under 1/1000 of the total
floors its load factor to 0, and CARP then picks nothing, or always the same member), legacy
``load_factor`` fractions converted to the smallest integer weights with the same shares (as
``squidcarp migrate`` does), multicast groups, client networks, the CARP
exceptions (:mod:`squidcarp.exceptions`), and what Docker needs of the entry points (the
``compose`` section: a published port reaches a member on an internal network only through a
second network, so it must ``listen_all``; two entry points cannot publish one host port).
Every problem is reported, each as ``array.yaml:14: members[2].weight: -1 is less than the
minimum of 1``; nothing is generated from a file with problems.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from squidcarp.conf.model import CarpKeyPart
from squidcarp.exceptions import CarpExceptions
from squidcarp.exceptions.load import exceptions_from_doc
from squidcarp.exceptions.model import network_problem
from squidcarp.generate.schema import INT_MAX, SCHEMA
from squidcarp.libc import c_lower
from squidcarp.yamldoc import Problem, ProblemsError, YamlDoc, YamlError, load_yaml, read_yaml

DEFAULT_HTTP_PORT = 3128  # Squid's http_port default (src/cf.data.pre)
DEFAULT_ICP_PORT = 3130  # IANA icp, src/cf.data.pre icp_port example
DEFAULT_HTCP_PORT = 4827  # RFC 2756 §1, src/cf.data.pre htcp_port
DEFAULT_INTRA_PORT = 3129
DEFAULT_ALLOW = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1")
MULTICAST_V4 = ipaddress.ip_network("224.0.0.0/4")  # RFC 5771
# Squid 5.7 aborts about 10 s after start when it queries a group (a `cache_peer ... multicast`
# line: lint rule SC136), so generated members join the group and answer it, and none queries it.
QUERY_KEYS = ("ttl", "responders", "query")


class ArrayFileError(ProblemsError):
    """The file cannot be used; ``problems`` holds every one, in line order."""


@dataclass(frozen=True)
class Member:
    name: str
    address: str
    role: str
    """``frontend`` / ``parent`` (two-layer) or ``member`` (flat)."""
    http_port: int
    icp_port: int
    htcp_port: int
    weight: int = 1
    load_factor: Fraction | None = None
    """The legacy factor the weight was converted from, if any."""
    extra: str = ""
    line: int = 0
    listen_all: bool = False
    """Clients come in on every address of the host, not only on ``address``."""

    @property
    def listen(self) -> str:
        """``address:port``: where the other members and browsers reach this member."""
        return f"[{self.address}]:{self.http_port}" if ":" in self.address else \
            f"{self.address}:{self.http_port}"

    @property
    def bind(self) -> str:
        """What this member's client ``http_port`` line binds: ``address:port``, or the port
        alone (every address) with ``listen_all``."""
        return str(self.http_port) if self.listen_all else self.listen


@dataclass(frozen=True)
class Multicast:
    """The group every CARP member joins (``mcast_groups``) and answers ICP queries sent to."""

    group: str


@dataclass(frozen=True)
class LooseCoupling:
    icp: bool = False
    htcp: bool = False
    digests: bool = False
    multicast: Multicast | None = None

    def __bool__(self) -> bool:
        return self.icp or self.htcp or self.digests or self.multicast is not None


@dataclass(frozen=True)
class ComposeOptions:
    """How ``compose.yaml`` runs the array (the array file's ``compose`` section)."""

    publish: str | None = None
    """The host address the entry points' client ports are published on (None: every one)."""
    host_port: str = "any"
    """``any``: a free port Docker picks; ``same``: the member's ``http_port``."""
    internal: bool = False
    """The array's network has no route out; entry points also join a ``public`` network."""


@dataclass(frozen=True)
class Helper:
    program: str
    children: int = 5
    concurrency: int = 0


@dataclass(frozen=True)
class ArraySpec:
    source: str
    name: str
    topology: str
    members: tuple[Member, ...]
    carp_key: tuple[CarpKeyPart, ...] = ()
    intra_port: int = DEFAULT_INTRA_PORT
    connect: str = "direct"
    allow_clients: tuple[str, ...] = DEFAULT_ALLOW
    loose: LooseCoupling = field(default_factory=LooseCoupling)
    exceptions: CarpExceptions = field(default_factory=CarpExceptions)
    helper: Helper | None = None
    extra: str = ""
    compose: ComposeOptions = field(default_factory=ComposeOptions)

    @property
    def carp_members(self) -> tuple[Member, ...]:
        """The members CARP ranks, in file order (the order every node lists them in)."""
        return tuple(m for m in self.members if m.role in ("parent", "member"))

    @property
    def frontends(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.role == "frontend")

    @property
    def entry_points(self) -> tuple[Member, ...]:
        """Where clients send requests: the frontends (two-layer) or every member (flat)."""
        return self.frontends if self.topology == "two-layer" else self.members

    def member(self, name: str) -> Member:
        low = c_lower(name)
        for m in self.members:
            if c_lower(m.name) == low:
                return m
        known = ", ".join(m.name for m in self.members)
        raise KeyError(f"no member named {name!r} in {self.source} (members: {known})")


def load_array(path: str) -> ArraySpec:
    """Read and check an array file; raises :class:`ArrayFileError` with every problem."""
    try:
        return array_from_doc(read_yaml(path))
    except YamlError as exc:
        raise ArrayFileError(exc.problems) from None


def array_from_text(text: bytes | str, path: str) -> ArraySpec:
    try:
        return array_from_doc(load_yaml(text, path))
    except YamlError as exc:
        raise ArrayFileError(exc.problems) from None


def array_from_doc(doc: YamlDoc) -> ArraySpec:
    broken = schema_problems(doc)
    checker = _Checker(doc, {path for path, _ in broken})
    try:
        return checker.spec([problem for _, problem in broken])
    except _NotAnArray:
        raise ArrayFileError([problem for _, problem in broken]) from None


def schema_problems(doc: YamlDoc) -> list[tuple[tuple[str | int, ...], Problem]]:
    """Every place ``doc`` breaks the JSON Schema (jsonschema, loaded only here), with the
    key path of each."""
    import jsonschema  # type: ignore[import-untyped]  # (no stubs are published)

    validator = jsonschema.Draft202012Validator(SCHEMA)
    out = []
    for error in validator.iter_errors(doc.data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
            allowed = set(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    out.append(((*path, key), doc.problem(
                        (*path, key), f"unknown key (expected one of "
                                      f"{', '.join(sorted(allowed))})")))
            continue
        out.append((path, doc.problem(path, error.message)))
    return out


class _NotAnArray(Exception):
    """The document is too far from an array file for any check beyond the schema's."""


class _Checker:
    """What a schema cannot check, over data the schema has accepted."""

    def __init__(self, doc: YamlDoc,
                 broken: frozenset[tuple[str | int, ...]] | set[tuple[str | int, ...]]
                 = frozenset()) -> None:
        """``broken``: where the schema found problems; checks that would read those values
        are skipped (their problems are already reported), the others still run."""
        self.doc = doc
        self.data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
        self.problems: list[Problem] = []
        self.broken = broken
        self.bad_members = {p[1] for p in broken
                            if len(p) > 1 and p[0] == "members" and isinstance(p[1], int)}

    def sound(self, *prefix: str | int) -> bool:
        """No schema problem at or below ``prefix`` (nor at the top level)."""
        n = len(prefix)
        return not any(p[:n] == prefix or len(p) < 1 for p in self.broken)

    def fail(self, path: tuple[str | int, ...], message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def spec(self, problems: list[Problem] | None = None) -> ArraySpec:
        self.problems = list(problems or [])
        data = self.data
        members_ok = isinstance(data.get("members"), list) and (
            ("members",) not in self.broken) and all(
            isinstance(m, dict) for m in data.get("members", ()))
        shaky = (not members_ok or not self.sound("defaults") or not self.sound("topology")
                 or not self.sound("intra_port"))
        if shaky and self.problems:
            raise _NotAnArray
        defaults = data.get("defaults", {})
        roles = {m.get("role") for m in data["members"]}
        topology = data.get("topology") or (
            "two-layer" if roles & {"frontend", "parent"} else "flat")
        good = self._members(defaults, topology)
        self._unique(topology, data.get("intra_port", DEFAULT_INTRA_PORT), defaults)
        members = list(good.values())
        loose = LooseCoupling()
        if not self.bad_members:  # these look at all members together
            self._roles(members, topology)
            members = self._weights(members, topology)
            if self.sound("loose_coupling"):
                loose = self._loose(members, topology)
        exceptions = CarpExceptions()
        if self.sound("exceptions"):
            exceptions, found = exceptions_from_doc(self.doc)
            self.problems += found
        allow = tuple(data.get("allow_clients", DEFAULT_ALLOW))
        if self.sound("allow_clients"):
            for i, net in enumerate(allow):
                why = network_problem(net)
                if why is not None:
                    self.fail(("allow_clients", i), why)
        helper = None
        if "helper" in data and self.sound("helper"):
            h = data["helper"]
            if not h["program"].startswith("/"):
                self.fail(("helper", "program"), "must be an absolute path (Squid runs it as "
                                                 "user proxy from its own working directory)")
            helper = Helper(h["program"], h.get("children", 5), h.get("concurrency", 0))
        compose = ComposeOptions()
        if "compose" in data and self.sound("compose"):
            c = data["compose"]
            compose = ComposeOptions(c.get("publish"), c.get("host_port", "any"),
                                     c.get("internal", False))
            if not self.bad_members:
                self._compose(compose, members, topology)
        if self.problems:
            raise ArrayFileError(self.problems)
        return ArraySpec(
            source=self.doc.file, name=data["name"], topology=topology,
            members=tuple(members),
            carp_key=tuple(p for p in CarpKeyPart if p.value in data.get("carp_key", ())),
            intra_port=data.get("intra_port", DEFAULT_INTRA_PORT),
            connect=data.get("connect", "direct"), allow_clients=allow, loose=loose,
            exceptions=exceptions, helper=helper, extra=defaults.get("extra", ""),
            compose=compose)

    def _members(self, defaults: dict[str, Any], topology: str) -> dict[int, Member]:
        """The members the schema accepted, by their index in the file."""
        out: dict[int, Member] = {}
        for i, m in enumerate(self.data["members"]):
            if i in self.bad_members:
                continue
            role = m.get("role", "member" if topology == "flat" else None)
            out[i] = (Member(
                name=m["name"], address=m["address"], role=role or "",
                http_port=m.get("http_port", defaults.get("http_port", DEFAULT_HTTP_PORT)),
                icp_port=m.get("icp_port", defaults.get("icp_port", 0)),
                htcp_port=m.get("htcp_port", defaults.get("htcp_port", 0)),
                weight=m.get("weight", 1),
                load_factor=Fraction(repr(m["load_factor"])) if "load_factor" in m else None,
                extra=m.get("extra", ""), line=self.doc.line(("members", i)),
                listen_all=m.get("listen_all", False)))
        return out

    def _compose(self, compose: ComposeOptions, members: list[Member], topology: str) -> None:
        """What Docker needs of the entry points (the members compose.yaml publishes)."""
        if compose.publish is not None:
            try:
                ipaddress.ip_address(compose.publish)
            except ValueError:
                self.fail(("compose", "publish"), f"{compose.publish!r} is not an IP address "
                                                  "(Docker publishes on a host address)")
        entry = [i for i, m in enumerate(members)
                 if m.role == "frontend" or topology == "flat"]
        if compose.internal:
            for i in entry:
                if not members[i].listen_all:
                    self.fail(("members", i), "compose.internal: Docker publishes this entry "
                              "point's port through its 'public' network, whose address its "
                              "http_port does not bind: give it listen_all: true")
        if compose.host_port == "same":
            first: dict[int, int] = {}
            for i in entry:
                port = members[i].http_port
                other = first.setdefault(port, i)
                if other != i:
                    self.fail(("members", i), f"compose.host_port same: host port {port} is "
                              f"published for members[{other}] already")

    def _roles(self, members: list[Member], topology: str) -> None:
        for i, m in enumerate(members):
            given = self.data["members"][i].get("role")
            if topology == "two-layer" and m.role not in ("frontend", "parent"):
                self.fail(("members", i, "role") if given else ("members", i),
                          "a two-layer array needs role: frontend or role: parent")
            if topology == "flat" and m.role != "member":
                self.fail(("members", i, "role"), f"role {m.role!r} in a flat array (every "
                                                  "member is both: leave role out)")
            if m.role == "frontend" and ("weight" in self.data["members"][i]
                                         or "load_factor" in self.data["members"][i]):
                self.fail(("members", i), "a frontend is not a CARP member: weight and "
                                          "load_factor belong on the parents")
        if topology == "two-layer":
            for role in ("frontend", "parent"):
                if not any(m.role == role for m in members):
                    self.fail(("members",), f"a two-layer array needs at least one {role}")
        if self.data.get("intra_port") is not None and topology != "flat":
            self.fail(("intra_port",), "intra_port is for flat arrays only")

    def _unique(self, topology: str, intra: int, defaults: dict[str, Any]) -> None:
        """Names and listeners, from every member whose name, address and port are usable
        (the other keys of a member may be wrong: this check does not need them)."""
        names: dict[str, int] = {}
        listens: dict[tuple[str, int], int] = {}
        for i, raw in enumerate(self.data["members"]):
            name, address = raw.get("name"), raw.get("address")
            port = raw.get("http_port", defaults.get("http_port", DEFAULT_HTTP_PORT))
            if isinstance(name, str) and name and ("members", i, "name") not in self.broken:
                first = names.setdefault(c_lower(name), i)
                if first != i:
                    self.fail(("members", i, "name"), f"{name!r} is given twice (first as "
                              f"members[{first}].name; Squid compares peer names "
                              "case-insensitively)")
            if not isinstance(address, str) or type(port) is not int or \
                    ("members", i, "http_port") in self.broken:
                continue
            if topology == "flat" and intra == port:
                self.fail(("members", i, "http_port"), f"{port} is also the intra_port")
            other = listens.setdefault((address.lower(), port), i)
            if other != i:
                listen = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
                self.fail(("members", i, "http_port"), f"{listen} is also where "
                          f"members[{other}] listens")

    def _weights(self, members: list[Member], topology: str) -> list[Member]:
        carp = [i for i, m in enumerate(members) if m.role in ("parent", "member")]
        legacy = [i for i in carp if members[i].load_factor is not None]
        if legacy and len(legacy) != len(carp):
            for i in carp:
                if i not in legacy:
                    self.fail(("members", i), "give every CARP member a load_factor, or none "
                                              "(weights and legacy factors do not mix)")
            return members
        both = [i for i in carp if "weight" in self.data["members"][i]
                and "load_factor" in self.data["members"][i]]
        for i in both:
            self.fail(("members", i), "give weight or load_factor, not both")
        if both:
            return members
        if legacy:
            from squidcarp.conf.migrate import smallest_weights

            factors = [members[i].load_factor or Fraction(0) for i in legacy]
            factor_sum = sum(factors, Fraction(0))
            if factor_sum != 1:
                self.fail(("members", legacy[0], "load_factor"),
                          f"the load factors add up to {float(factor_sum):g}, not 1 (Squid 2.5 "
                          "refused to start on that)")
                return members
            weights = smallest_weights(factors)
            if max(weights) > INT_MAX:
                self.fail(("members", legacy[0], "load_factor"), "these factors need weights "
                          f"above {INT_MAX}, which Squid cannot take")
                return members
            for i, w in zip(legacy, weights, strict=True):
                members[i] = replace(members[i], weight=w)
        from squidcarp.carp.array import load_factors

        weights = [members[i].weight for i in carp]
        total = sum(weights)
        if total > INT_MAX:
            self.fail(("members",), f"the CARP weights add up to {total}, above {INT_MAX} "
                                    "(Squid sums them in a C int)")
            return members
        for i, lf in zip(carp, load_factors(weights), strict=True):
            if lf == 0.0:
                key = "load_factor" if legacy else "weight"
                self.fail(("members", i, key) if key in self.data["members"][i]
                          else ("members", i),
                          f"weight {members[i].weight} of {total} is under 1/1000 of the total: "
                          "Squid floors its load factor to 0, and CARP then picks nothing "
                          "(or always one member)")
        return members

    def _loose(self, members: list[Member], topology: str) -> LooseCoupling:
        lc = self.data.get("loose_coupling", {})
        if lc and topology == "flat":
            self.fail(("loose_coupling",), "a flat array has no loose coupling: a member would "
                      "query its siblings before CARP (ICP and digests come first in Squid's "
                      "peer selection); use a two-layer array")
            return LooseCoupling()
        multicast = None
        if "multicast" in lc:
            mc = lc["multicast"]
            group = mc["group"]
            try:
                addr = ipaddress.ip_address(group)
            except ValueError:
                addr = None
            if addr is None or addr.version != 4 or addr not in MULTICAST_V4:
                self.fail(("loose_coupling", "multicast", "group"),
                          f"{group!r} is not an IPv4 multicast address (224.0.0.0/4): Squid "
                          "joins IPv4 groups only")
            for key in QUERY_KEYS:
                if key in mc:
                    self.fail(("loose_coupling", "multicast", key),
                              f"{key}: no generated member queries the group, because Squid 5.7 "
                              "aborts 10 s after start with a multicast cache_peer (squidcarp "
                              "lint SC136); the members join the group and answer it, and "
                              "`squidcarp icp query --group` asks it")
            multicast = Multicast(group)
        loose = LooseCoupling(lc.get("icp", False), lc.get("htcp", False),
                              lc.get("digests", False), multicast)
        for i, m in enumerate(members):
            if m.role not in ("parent", "member"):
                continue
            if (loose.icp or multicast) and not m.icp_port:
                self.fail(("members", i), "ICP (loose_coupling icp or multicast) needs an "
                                          "icp_port on every CARP member")
            if loose.htcp and not m.htcp_port:
                self.fail(("members", i), "loose_coupling htcp needs an htcp_port on every "
                                          "CARP member")
        return loose
