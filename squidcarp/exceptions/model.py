"""CARP exceptions: requests that must bypass the array and go direct from the first proxy.

One model for every place that honours them (like the "CARP exceptions" of Microsoft's TMG):
``squidcarp generate`` writes them as Squid ACLs with ``always_direct``, the PAC file as
``DIRECT``, and the squidcarp helper matches them per request. Three kinds:

* :class:`DomainRule`: ``dstdomain`` semantics (src/acl/DomainData.cc, src/anyp/Uri.cc
  ``matchDomainName``): ``.example.com`` is example.com and every name below it,
  ``example.com`` only that name; compared case-insensitively (Squid lower-cases the values).
* :class:`RegexRule`: a ``url_regex`` pattern (optionally case-insensitive, Squid's ``-i``)
  matched anywhere in the URL Squid's url_regex sees: the effective request URI with %XX escapes
  decoded (src/acl/Url.cc); for CONNECT that is ``host:port``. Patterns are limited to the
  constructs POSIX, Python and JavaScript read alike (:mod:`squidcarp.exceptions.regex`).
* :class:`NetworkRule`: the client's address (Squid's ``src``), IPv4 or IPv6 in CIDR form.

The checks refuse what Squid would read differently from what the list says: a domain below a
``.domain`` already listed (Squid stops on ``www.example.com .example.com``), overlapping
networks (Squid keeps only the first of ``10.0.0.1 10.0.0.0/8``), a network with host bits
set (Squid silently masks them).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from squidcarp.exceptions import regex
from squidcarp.libc import c_lower

MAX_DOMAIN = 255  # RFC 1035 §2.3.4: names are at most 255 octets
MAX_LABEL = 63  # RFC 1035 §2.3.4
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class DomainRule:
    value: str
    """Lower-cased, as Squid stores it; a leading dot includes every subdomain."""
    where: str = field(default="", compare=False)
    """``file:line`` of the entry, for messages."""

    @property
    def subdomains(self) -> bool:
        return self.value.startswith(".")

    @property
    def name(self) -> str:
        """The domain without its leading dot."""
        return self.value.lstrip(".")

    def matches(self, host: str) -> bool:
        """``matchDomainName(host, value) == 0`` for a host as Squid stores it."""
        h = c_lower(host)  # Squid folds ASCII letters only (matchDomainName)
        return h == self.name or (self.subdomains and h.endswith(self.value))


@dataclass(frozen=True)
class RegexRule:
    pattern: str
    ignore_case: bool = False
    where: str = field(default="", compare=False)


@dataclass(frozen=True)
class NetworkRule:
    network: Network
    where: str = field(default="", compare=False)

    @property
    def text(self) -> str:
        return str(self.network)


@dataclass(frozen=True)
class CarpExceptions:
    domains: tuple[DomainRule, ...] = ()
    url_regex: tuple[RegexRule, ...] = ()
    clients: tuple[NetworkRule, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.domains or self.url_regex or self.clients)

    @property
    def count(self) -> int:
        return len(self.domains) + len(self.url_regex) + len(self.clients)


def domain_problem(text: str) -> str | None:
    """Why ``text`` cannot be a dstdomain exception (None when it can)."""
    if not text:
        return "an empty domain"
    if text != text.strip() or any(c.isspace() for c in text):
        return f"{text!r} holds white space"
    value = c_lower(text)  # (str.lower() makes the Kelvin sign an ASCII 'k')
    name = value[1:] if value.startswith(".") else value
    if not name:
        return "'.' alone names no domain"
    if name.endswith("."):
        return (f"{text!r} ends with a dot: Squid removes trailing dots from request hosts, so "
                "it would never match (drop the dot)")
    if not name.isascii():
        return f"{text!r} is not ASCII: write internationalised names in their xn-- form"
    if len(name) > MAX_DOMAIN:
        return f"{text!r} is longer than {MAX_DOMAIN} characters"
    if ":" in name or name.startswith("["):
        return f"{text!r}: IPv6 literals cannot be domain exceptions (use a url_regex)"
    for label in name.split("."):
        if not label:
            return f"{text!r} has an empty label"
        if len(label) > MAX_LABEL:
            return f"{text!r} has a label longer than {MAX_LABEL} characters"
        if not _LABEL.fullmatch(label):
            return (f"{text!r}: label {label!r} may hold only letters, digits, '-' and '_' "
                    "(not first or last '-')")
    if value.startswith(".") and _is_ipv4(name):
        return f"{text!r}: a leading dot makes no sense before an IP address"
    return None


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def network_problem(text: str) -> str | None:
    """Why ``text`` cannot be a client network (None when it can)."""
    try:
        ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            return f"{text!r} is not an IPv4 or IPv6 address or CIDR network ({exc})"
        return (f"{text!r} has host bits set: Squid would silently use {loose}; write that "
                "instead")
    return None


def overlapping_domains(domains: tuple[DomainRule, ...]) -> list[tuple[DomainRule, DomainRule]]:
    """Pairs (entry, the earlier or broader entry covering it) that Squid would refuse."""
    out: list[tuple[DomainRule, DomainRule]] = []
    seen: dict[str, DomainRule] = {}
    dotted: dict[str, DomainRule] = {}
    for d in domains:
        if d.value in seen:
            out.append((d, seen[d.value]))
            continue
        seen[d.value] = d
        if d.subdomains:
            dotted[d.name] = d
    for d in domains:
        if seen.get(d.value) is not d:
            continue
        labels = d.name.split(".")
        start = 0 if not d.subdomains else 1
        for k in range(start, len(labels)):
            parent = ".".join(labels[k:])
            cover = dotted.get(parent)
            if cover is not None and cover is not d:
                out.append((d, cover))
                break
    return out


def overlapping_networks(nets: tuple[NetworkRule, ...]) -> list[tuple[NetworkRule, NetworkRule]]:
    """Pairs (later entry, earlier entry it overlaps): Squid's address tree keeps the first only.

    Two CIDR networks overlap only when one contains the other, so each entry is checked against
    the entries at its own and every shorter prefix (33 or 129 look-ups, not a pairwise scan)."""
    first: dict[Network, int] = {}
    for index, rule in enumerate(nets):
        first.setdefault(rule.network, index)
    pairs: dict[int, int] = {}
    for index, rule in enumerate(nets):
        net = rule.network
        for prefix in range(net.prefixlen, -1, -1):
            other = first.get(net.supernet(new_prefix=prefix))
            if other is not None and other != index:
                later, earlier = max(index, other), min(index, other)
                pairs.setdefault(later, earlier)
                break
    return [(nets[later], nets[earlier]) for later, earlier in sorted(pairs.items())]


def regex_problem(pattern: str) -> str | None:
    return regex.problem(pattern)
