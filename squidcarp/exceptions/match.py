"""Matching requests against CARP exceptions, precompiled for a helper's per-request path.

Domains go into two sets (exact names, and names whose subdomains count), looked up once per
label of the host; every regex of one case mode is one combined :mod:`re` pattern with a named
group per rule; networks are grouped by prefix length, one set look-up per length.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from squidcarp.exceptions.model import CarpExceptions, DomainRule, NetworkRule, RegexRule
from squidcarp.exceptions.regex import python_pattern
from squidcarp.libc import c_lower, rfc1738_unescape

Rule = DomainRule | RegexRule | NetworkRule


@dataclass(frozen=True)
class Match:
    kind: str
    """``domain``, ``url_regex`` or ``client``."""
    rule: Rule

    @property
    def where(self) -> str:
        return self.rule.where


class ExceptionMatcher:
    """``match(host, url, client)``: the first kind that matches (domains, then URL patterns,
    then the client address), or None."""

    def __init__(self, exceptions: CarpExceptions) -> None:
        self.exceptions = exceptions
        self._exact = {d.name: d for d in exceptions.domains if not d.subdomains}
        self._below = {d.name: d for d in exceptions.domains if d.subdomains}
        self._regex: list[tuple[re.Pattern[str], tuple[RegexRule, ...]]] = []
        for icase in (False, True):
            rules = tuple(r for r in exceptions.url_regex if r.ignore_case is icase)
            if rules:
                combined = "|".join(f"(?P<r{i}>{python_pattern(r.pattern)})"
                                    for i, r in enumerate(rules))
                flags = re.IGNORECASE if icase else 0
                self._regex.append((re.compile(combined, flags | re.ASCII | re.DOTALL), rules))
        self._nets: dict[tuple[int, int], dict[int, NetworkRule]] = {}
        for n in exceptions.clients:
            net = n.network
            bucket = self._nets.setdefault((net.version, net.prefixlen), {})
            bucket.setdefault(int(net.network_address), n)

    def match_host(self, host: str) -> DomainRule | None:
        h = c_lower(host)  # ASCII letters only, as Squid's matchDomainName
        rule = self._exact.get(h) or self._below.get(h)
        if rule is not None:
            return rule
        dot = h.find(".")
        while dot >= 0:
            rule = self._below.get(h[dot + 1 :])
            if rule is not None:
                return rule
            dot = h.find(".", dot + 1)
        return None

    def match_url(self, url: bytes | str) -> RegexRule | None:
        """``url`` is the effective request URI; %XX escapes are decoded first, as url_regex
        does, and bytes are matched one character each (Latin-1)."""
        if not self._regex:
            return None
        raw = url if isinstance(url, bytes) else url.encode("utf-8", "surrogateescape")
        text = rfc1738_unescape(raw).decode("latin-1")
        for pattern, rules in self._regex:
            m = pattern.search(text)
            if m is not None and m.lastgroup is not None:
                return rules[int(m.lastgroup[1:])]
        return None

    def match_client(self, client: str) -> NetworkRule | None:
        if not self._nets:
            return None
        try:
            addr = ipaddress.ip_address(client)
        except ValueError:
            return None
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
            addr = addr.ipv4_mapped
        value, bits = int(addr), addr.max_prefixlen
        for (version, prefix), bucket in self._nets.items():
            if version == addr.version:
                rule = bucket.get(value >> (bits - prefix) << (bits - prefix) if prefix else 0)
                if rule is not None:
                    return rule
        return None

    def match(self, host: str | None = None, url: bytes | str | None = None,
              client: str | None = None) -> Match | None:
        if host:
            d = self.match_host(host)
            if d is not None:
                return Match("domain", d)
        if url:
            r = self.match_url(url)
            if r is not None:
                return Match("url_regex", r)
        if client:
            n = self.match_client(client)
            if n is not None:
                return Match("client", n)
        return None
