"""ACLs evaluated from what the request itself carries, as Squid 5.7 matches them.

:class:`Facts` is what one request offers an ACL: method, the parsed URI, the receiving port, the
client address when given, the time when given, helper notes when given, and a hosts table for
the name look-ups Squid would answer from its ``hosts_file``. :class:`AclEvaluator` answers
``matches(name)`` for the types listed in :data:`EVALUATED`; for anything it cannot know (DNS, a
helper, authentication, the time without ``--at``...) it asks the :class:`Chooser`, so the
decision reports both outcomes instead of guessing.

Sources: src/acl/DomainData.cc (``matchDomainName``), DestinationDomain.cc, SourceDomain.cc,
Url.cc and UrlPath.cc (the effective URI / path with %XX decoded), RegexData.cc (POSIX ERE),
Ip.cc, IntRange.cc, ProtocolData.cc, MethodData.cc, LocalPort.cc, MyPortName.cc, TimeData.cc,
AllOf.cc/AnyOf.cc, and src/cf.data.pre for the predefined ACLs.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from squidcarp.carp.url import Uri
from squidcarp.forward.choices import Chooser
from squidcarp.forward.hosts import HostsTable, canonical
from squidcarp.forward.posix import PatternError, PosixRegex, PosixUnavailable
from squidcarp.forward.view import AclDef, Value
from squidcarp.libc import c_lower, c_upper, is_digits, numeric_host, rfc1738_unescape

# src/anyp/ProtocolType.h: the names the proto ACL compares with strcasecmp; CONNECT requests
# have no scheme (PROTO_NONE).
PROTOCOL_NAMES = ("NONE", "HTTP", "FTP", "HTTPS", "COAP", "COAPS", "GOPHER", "WAIS",
                  "CACHE_OBJECT", "ICP", "HTCP", "URN", "WHOIS", "ICY", "TLS", "SSL",
                  "AUTHORITY_FORM")
# src/http/MethodType.h: the methods Squid knows by name (others are METHOD_OTHER, compared as
# written).
KNOWN_METHODS = frozenset({
    "GET", "POST", "PUT", "HEAD", "CONNECT", "TRACE", "OPTIONS", "DELETE", "PROPFIND",
    "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "CHECKOUT", "CHECKIN",
    "UNCHECKOUT", "MKWORKSPACE", "VERSION-CONTROL", "REPORT", "UPDATE", "LABEL", "MERGE",
    "BASELINE-CONTROL", "MKACTIVITY", "ORDERPATCH", "ACL", "SEARCH", "PATCH", "BIND", "REBIND",
    "UNBIND", "PRI", "PURGE", "OTHER"})
DAY_LETTERS = "SMTWHFA"  # src/acl/TimeData.cc: Sunday first, as tm_wday counts
EVALUATED = frozenset({
    "src", "dst", "dstdomain", "srcdomain", "dstdom_regex", "srcdom_regex", "url_regex",
    "urlpath_regex", "port", "localport", "myportname", "proto", "method", "time", "note",
    "any-of", "all-of", "localip"})
V4_MAPPED = bytes(10) + b"\xff\xff"


@dataclass(frozen=True)
class Facts:
    """What one request offers its ACLs."""

    method: str
    uri: Uri
    client: str | None = None
    local_port: int | None = None
    local_ip: str | None = None
    port_name: str | None = None
    at: datetime.datetime | None = None
    notes: tuple[tuple[str, str], ...] | None = None
    """Annotations helpers made (None: unknown, () when no helper or note can set any)."""
    hosts: HostsTable = field(default_factory=HostsTable)
    relaxed_methods: bool = True
    """``relaxed_header_parser`` (on by default): method names match case-insensitively."""


class AclEvaluator:
    def __init__(self, acls: dict[str, AclDef]) -> None:
        self.acls = acls
        self._regex: dict[tuple[str, int], list[tuple[Value, PosixRegex | None]]] = {}

    def definition(self, name: str) -> AclDef | None:
        return self.acls.get(c_lower(name))

    def matches(self, name: str, facts: Facts, chooser: Chooser, fast: bool,
                depth: int = 0) -> bool:
        acl = self.definition(name)
        if acl is None:
            return False  # Squid stops on a config naming an undefined ACL (the reader says so)
        result = self._match(acl, facts, chooser, fast, depth)
        if isinstance(result, bool):
            return result
        return chooser.choose(f"ACL '{acl.name}'", result, acl.pos,
                              (f"ACL '{acl.name}' matches", f"ACL '{acl.name}' does not match"))

    # --- one ACL ---------------------------------------------------------------------------

    def _match(self, acl: AclDef, f: Facts, chooser: Chooser, fast: bool,
               depth: int) -> bool | str:
        kind = acl.type
        uri = f.uri
        if kind in ("any-of", "all-of"):
            if depth > 32:
                return False
            if kind == "any-of":
                return any(self.matches(v.text, f, chooser, fast, depth + 1) for v in acl.values)
            return bool(acl.values) and all(
                self.matches(v.text, f, chooser, fast, depth + 1) for v in acl.values)
        if kind == "src":
            if any(v.text in EVERY_ADDRESS for v in acl.values):
                return True
            if f.client is None:
                return "it tests the client address (give --client)"
            return _address_match(acl, f.client)
        if kind == "localip":
            if f.local_ip is None:
                return "it tests the address the request arrived on"
            return _address_match(acl, f.local_ip)
        if kind == "dst":
            return self._dst(acl, f)
        if kind == "dstdomain":
            return self._domain(acl, uri.host.decode("latin-1"), f, fast, regex=False)
        if kind == "dstdom_regex":
            return self._domain(acl, uri.host.decode("latin-1"), f, fast, regex=True)
        if kind in ("srcdomain", "srcdom_regex"):
            if f.client is None:
                return "it tests the client's host name (give --client)"
            name = f.hosts.name_of(f.client)
            if name is None:
                return "it needs the reverse DNS name of the client"
            return (self._regex_match(acl, name.encode("utf-8", "surrogateescape"))
                    if kind == "srcdom_regex"
                    else _domain_values_match(acl, name))
        if kind == "url_regex":
            return self._regex_match(acl, rfc1738_unescape(uri.effective))
        if kind == "urlpath_regex":
            if not uri.path:
                return False  # CONNECT: no path (the ACL does not match)
            return self._regex_match(acl, rfc1738_unescape(uri.path))
        if kind == "port":
            return _ranges_match(acl, uri.port)
        if kind == "localport":
            if f.local_port is None:
                return "it tests the port the request arrived on"
            return _ranges_match(acl, f.local_port)
        if kind == "myportname":
            if f.port_name is None:
                return "it tests the name of the port the request arrived on"
            return any(v.text == f.port_name for v in acl.values)
        if kind == "proto":
            scheme = _protocol(uri)
            return any(c_upper(v.text) == scheme for v in acl.values)
        if kind == "method":
            return any(_method_equal(v.text, f.method, f.relaxed_methods) for v in acl.values)
        if kind == "time":
            if f.at is None:
                return "it tests the time of day (give --at)"
            return _time_match(acl, f.at)
        if kind == "note":
            if f.notes is None:
                return "it tests annotations a helper adds"
            return _note_match(acl, f.notes)
        return f"Squid evaluates '{kind}' ACLs from data the request alone does not carry"

    def _dst(self, acl: AclDef, f: Facts) -> bool | str:
        host = f.uri.host.decode("latin-1")
        numeric = canonical(host)
        if numeric is not None:
            return _address_match(acl, numeric)
        if "-n" in acl.options:
            return False
        addresses = f.hosts.addresses(host)
        if addresses is None:
            return f"it needs the DNS addresses of {host}"
        return any(_address_match(acl, a) for a in addresses)

    def _domain(self, acl: AclDef, host: str, f: Facts, fast: bool,
                regex: bool) -> bool | str:
        found = (self._regex_match(acl, host.encode("latin-1")) if regex
                 else _domain_values_match(acl, host))
        if found is True or "-n" in acl.options:
            return found
        if not (is_digits(host[:1]) or host[:1] in "[:") or canonical(host) is None:
            return found  # a name: Squid trusts the first answer
        name = f.hosts.name_of(host)
        if name is not None:
            return (self._regex_match(acl, name.encode()) if regex
                    else _domain_values_match(acl, name))
        if fast:
            # A fast check cannot wait for DNS: Squid matches the word "none" instead.
            return (self._regex_match(acl, b"none") if regex
                    else _domain_values_match(acl, "none"))
        return f"it needs the reverse DNS name of {host}"

    def _regex_match(self, acl: AclDef, data: bytes) -> bool | str:
        compiled = self._regex.get((c_lower(acl.name), id(acl)))
        if compiled is None:
            compiled = []
            for v in acl.values:
                try:
                    compiled.append((v, PosixRegex(v.text.encode("utf-8", "surrogateescape"),
                                                   v.icase)))
                except PatternError:
                    compiled.append((v, None))  # Squid stops on such a line
                except PosixUnavailable:
                    return "this system has no POSIX regex library to match it with"
            self._regex[(c_lower(acl.name), id(acl))] = compiled
        return any(r is not None and r.search(data) for _, r in compiled)


def _protocol(uri: Uri) -> str:
    if uri.authority_form:
        return "NONE"
    scheme = c_upper(uri.scheme.decode("latin-1"))
    return scheme if scheme in PROTOCOL_NAMES else "UNKNOWN"


def _method_equal(value: str, method: str, relaxed: bool) -> bool:
    if value == method:
        return True
    return relaxed and c_upper(value) == c_upper(method) and c_upper(value) in KNOWN_METHODS


def domain_match(host: str, value: str) -> bool:
    """``matchDomainName(host, value) == 0`` (src/anyp/Uri.cc) for ACL values Squid keeps:
    ``.example.com`` is example.com and below, ``example.com`` only itself."""
    h = c_lower(host)
    d = c_lower(value)
    if d.startswith("."):
        return h == d[1:] or h.endswith(d)
    return h == d


def _domain_values_match(acl: AclDef, host: str) -> bool:
    return any(domain_match(host, v.text) for v in acl.values)


# --- addresses -------------------------------------------------------------------------------


def _address(text: str) -> int | None:
    raw = numeric_host(text.strip("[]"))
    return None if raw is None else int.from_bytes(raw, "big")


def _mask_bits(text: str, v4: bool) -> int | None:
    if is_digits(text):
        bits = int(text)
        limit = 32 if v4 else 128
        if not 0 <= bits <= limit:
            return None
        bits = bits + 96 if v4 else bits
        return ((1 << bits) - 1) << (128 - bits) if bits else 0
    value = _address(text)
    if value is None:
        return None
    return value | (((1 << 96) - 1) << 32) if v4 else value


def _entry(text: str) -> tuple[int, int, int] | None:
    """(low, high, mask) of an acl_ip_data value (src/acl/Ip.cc FactoryParse), addresses as
    128-bit numbers (IPv4 mapped); None for a host name (resolved by DNS at parse time)."""
    body, _, mask_text = text.partition("/")
    first, dash, last = body.partition("-") if ":" not in body else (body, "", "")
    low = _address(first)
    if low is None:
        return None
    high = _address(last) if dash else low
    if high is None:
        return None
    v4 = (low >> 32) == 0xFFFF
    full = (1 << 128) - 1
    mask = full if not mask_text else _mask_bits(mask_text, v4)
    if mask is None:
        return None
    if mask_text and (mask & full) == 0 and not dash:
        mask = full  # src/acl/Ip.cc: a /0 mask means "no mask": that one address
    return low & mask, high & mask, mask


# src/acl/Ip.cc acl_ip_data::FactoryParse: words that mean "every address" (the second group
# with an ERROR asking for 'all'), and the IPv4 half of the address space.
EVERY_ADDRESS = frozenset({"all", "0/0", "0.0.0.0/0", "0.0.0.0/0.0.0.0", "0.0.0.0-255.255.255.255",
                           "0.0.0.0-0.0.0.0/0"})


def _address_match(acl: AclDef, address: str) -> bool:
    value = _address(address)
    if value is None:
        return False
    v4 = (value >> 32) == 0xFFFF
    for v in acl.values:
        if v.text in EVERY_ADDRESS or (v.text == "ipv4" and v4):
            return True
        if v.text == "ipv6" and not v4 and value >> 124 != 0:  # every unicast space but 0::/4
            return True
        entry = _entry(v.text)
        if entry is None:
            continue
        low, high, mask = entry
        if low <= value & mask <= high:
            return True
    return False


# --- ports, time, notes ------------------------------------------------------------------------


def _ranges_match(acl: AclDef, number: int) -> bool:
    for v in acl.values:
        first, dash, last = v.text.partition("-")
        try:
            low = int(first)
            high = int(last) if dash and last else (low if not dash else 65535)
        except ValueError:
            continue
        if low <= number <= high:
            return True
    return False


def _time_match(acl: AclDef, at: datetime.datetime) -> bool:
    by_line: dict[tuple[str, int], list[str]] = {}
    for v in acl.values:
        by_line.setdefault((v.pos.file, v.pos.line), []).append(v.text)
    weekday = (at.weekday() + 1) % 7  # Python: Monday = 0; tm_wday: Sunday = 0
    minute = at.hour * 60 + at.minute
    return any(_time_spec(words, weekday, minute) for words in by_line.values())


def _time_spec(words: Sequence[str], weekday: int, minute: int) -> bool:
    days = set(range(7))
    start, stop = 0, 24 * 60
    for word in words:
        if is_digits(word[:1]):
            begin, _, end = word.partition("-")
            try:
                h1, m1 = (int(x) for x in begin.split(":"))
                h2, m2 = (int(x) for x in end.split(":"))
            except ValueError:
                return False
            start, stop = h1 * 60 + m1, h2 * 60 + m2
        else:
            days = set()
            for letter in word:
                if letter == "D":
                    days |= {1, 2, 3, 4, 5}
                elif letter in DAY_LETTERS:
                    days.add(DAY_LETTERS.index(letter))
    return weekday in days and start <= minute <= stop


def _note_match(acl: AclDef, notes: tuple[tuple[str, str], ...]) -> bool:
    if not acl.values:
        return False
    key, wanted = acl.values[0].text, [v.text for v in acl.values[1:]]
    return any(k == key and (not wanted or value in wanted) for k, value in notes)
