"""Address ACLs (``src``, ``dst``, ``localip``): src/acl/Ip.cc @ SQUID_5_7.

Each value is parsed like ``acl_ip_data::FactoryParse`` (its sscanf() forms, then getaddrinfo for
anything else, so a host name is a DNS lookup while Squid reads its config), then inserted into
the splay tree Squid keeps the entries in, ordered by ``acl_ip_data::NetworkCompare``, where an
entry inside another compares equal and the later of the two is dropped.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from squidcarp.conf.acl.common import AclState, report
from squidcarp.conf.events import ReadEvent, Squid
from squidcarp.conf.model import Directive
from squidcarp.conf.splay import Splay
from squidcarp.libc import c_lower, inet_aton, is_digits, numeric_host, scanf_int

# acl_ip_data::FactoryParse: the sscanf() formats (src/acl/Ip.cc SCAN_ACL*), tried in this order.
# sscanf's %[set] takes one or more characters of the set; %c any one character. (Patterns here
# and below are strings: re compiles and caches them on first use, so configs without such ACLs
# never pay for compiling them.)
_V4, _V6 = "[0-9.]", "[0-9A-Fa-f:]"
_IP_FORMS = (
    (f"({_V4}+)-({_V4}+)/({_V4}+)", 4),  # SCAN_ACL1_4: a-b/mask
    (f"({_V4}+)-({_V4}+)()", 4),  # SCAN_ACL2_4: a-b
    (f"({_V4}+)()/({_V4}+)", 4),  # SCAN_ACL3_4: a/mask
    (f"({_V4}+)()/()(?=.)", 4),  # SCAN_ACL4_4: a/<any character>: no mask at all
    (f"({_V6}+)-({_V6}+)/([0-9]+)", 6),
    (f"({_V6}+)-({_V6}+)()", 6),
    (f"({_V6}+)()/([0-9]+)", 6),
    (f"({_V6}+)()/()(?=.)", 6),
    ("([^/]+)()/(.+)", 0),  # "%[^/]/%s": neither (%s takes the rest of the word)
)


# FactoryParse: spellings of "everything" it replaces by 'all' with an ERROR line.
ALL_SPELLINGS = frozenset({"0/0", "0.0.0.0/0", "0.0.0.0/0.0.0.0", "0.0.0.0-255.255.255.255",
                           "0.0.0.0-0.0.0.0/0"})
_HOST_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"


IP_TYPES = frozenset({"src", "dst", "localip"})  # acl_ip_data values (src/AclRegs.cc)
ALL_BITS = (1 << 128) - 1  # Ip::Address::setNoAddr: a mask keeping every bit


_V4_MAPPED = 0xFFFF << 32  # Ip::Address keeps IPv4 as ::ffff:a.b.c.d


class IpEntry(NamedTuple):
    """An ``acl_ip_data``: addresses as Squid stores them (IPv4 mapped into IPv6), masked."""

    low: int
    high: int | None
    """The range's last address; None for one address or network (``addr2`` is any)."""
    mask: int
    text: str


def _mapped(value: int, bits: int) -> int:
    return value | _V4_MAPPED if bits == 32 else value


def _network_compare(p: IpEntry, q: IpEntry) -> int:
    """``aclIpAddrNetworkCompare(p, q)``: p's address under q's mask against q."""
    a = p.low & q.mask
    if q.high is not None and q.low <= a <= q.high:
        return 0
    return (a > q.low) - (a < q.low)


class IpSplay(Splay[IpEntry]):
    """An address ACL's value tree (src/acl/Ip.cc ``acl_ip_data::NetworkCompare``): an entry
    inside another compares equal, and the later of the two is dropped with a WARNING, whether
    it is the narrower or the wider one."""

    def __init__(self) -> None:
        super().__init__()
        self.overlaps: list[tuple[IpEntry, bool, IpEntry]] = []
        """(the new entry, whether it is the wider one, the entry already there)."""

    def compare(self, new: IpEntry, old: IpEntry) -> int:
        ret = _network_compare(old, new)
        wider = True
        if ret != 0:
            wider = False
            ret = _network_compare(new, old)
        if ret == 0 and (new, wider, old) not in self.overlaps:
            self.overlaps.append((new, wider, old))
        return ret


def ip_values(d: Directive, first: int, state: AclState, events: list[ReadEvent]) -> None:
    """Each value checked (``acl_ip_data::FactoryParse``), then into the ACL's splay tree."""
    key = c_lower(d.words[0])
    if key not in state.ips:
        if len(d.words) == first + 1:  # the usual new ACL: one value, nothing to compare with
            entry = _ip_value(d, first, events)
            state.ips[key] = (d, first) if entry is not None else None
            return
        state.ips[key] = IpSplay()
    tree = state.ips[key]
    if isinstance(tree, tuple):  # a one-value ACL, now extended: its tree, from its value
        (line, start), tree = tree, IpSplay()
        earlier = _ip_value(line, start, [])  # (reported with its own line already)
        if earlier is not None:
            tree.insert(earlier)
        state.ips[key] = tree
    for index in range(first, len(d.words)):
        entry = _ip_value(d, index, events)
        if tree is None:
            continue
        if entry is None:  # a host name, netmask, file...: the tree is no longer known here
            tree = state.ips[key] = None
            continue
        seen = len(tree.overlaps)
        tree.insert(entry)
        for _, new_is_wider, other in tree.overlaps[seen:]:
            if new_is_wider:
                report(events, d, index, f"'{entry.text}' is ignored: '{other.text}', listed "
                       "before it in this ACL, lies inside it, and Squid keeps only the first "
                       f"of two overlapping entries, so the ACL matches '{other.text}' but not "
                       f"the rest of '{entry.text}'; list '{entry.text}' alone", Squid.WARNING)
            else:
                report(events, d, index, f"'{entry.text}' lies inside '{other.text}', already "
                       "in this ACL: Squid warns and ignores it; remove it", Squid.WARNING)


def _ip_value(d: Directive, index: int, events: list[ReadEvent]) -> IpEntry | None:
    """One ``acl_ip_data::FactoryParse`` value; its entry when it is plain addresses."""
    text = d.words[index]
    if text[:1] in ("'", '"') or text in ("ipv4", "ipv6"):
        return None  # a file of values (not opened here), or one of the magic words
    if text == "all":
        return IpEntry(0, None, 0, text)  # setAnyAddr: address and mask all zero
    if text in ALL_SPELLINGS:
        report(events, d, index, f"'{text}' means everything: Squid prints an ERROR, replaces "
               "it by 'all' and carries on; write 'all'", Squid.WARNING)
        return IpEntry(0, None, 0, text)
    for pattern, family in _IP_FORMS:
        m = re.match(pattern, text)
        if m is None:
            continue
        first, second, mask = m.groups()
        entry = _ip_parts(d, index, family, first, second, mask, events)
        ignored = text[m.end():]
        if ignored:  # what sscanf() did not convert is never looked at
            report(events, d, index, f"'{ignored}' at the end of '{text}' is ignored without a "
                   "word", Squid.SILENT)
        return entry
    address = numeric_address(text)
    if address is not None:
        return IpEntry(_mapped(*address), None, ALL_BITS, text)
    if _never_a_host(text):
        report(events, d, index, f"'{text}' is neither an IP address nor a host name: "
               "Squid looks it up in DNS, which fails, and stops ('Bad host/IP')",
               Squid.FATAL)
    else:
        report(events, d, index, f"'{text}' is a host name: Squid resolves it through DNS "
               "once, while reading its configuration (start-up waits for DNS, the ACL "
               "keeps the addresses of that moment, and a name that does not resolve stops "
               "Squid); use addresses", Squid.WARNING)
    return None


def _ip_parts(d: Directive, index: int, family: int, first: str, second: str, mask: str,
              events: list[ReadEvent]) -> IpEntry | None:
    text = d.words[index]
    low = numeric_address(first)
    if low is None:
        report(events, d, index, f"'{first}' in '{text}' is not an IP address (no host names "
               "with a mask or range): Squid stops ('unknown first address')", Squid.FATAL)
        return None
    high = numeric_address(second) if second else None
    if second and high is None:
        report(events, d, index, f"'{second}' in '{text}' is not an IP address: Squid stops "
               "('unknown second address')", Squid.FATAL)
        return None
    bits = ALL_BITS
    if mask:
        cidr = _c_int_whole(mask)
        if cidr is not None and 0 <= cidr <= 128:
            if family == 4 and cidr > 32:
                report(events, d, index, f"mask /{cidr} is longer than an IPv4 address: Squid "
                       "stops ('unknown netmask')", Squid.FATAL)
                return None
            if cidr == 0:  # Ip::Address::applyMask: "CIDR /0 is NoAddr", every bit kept
                report(events, d, index, f"'/0' in '{text}' does not mean every address: Squid "
                       f"reads it as no mask at all and matches '{first}' only; write 'all'",
                       Squid.WARNING)
            else:
                width = 32 if family == 4 else 128
                bits = ALL_BITS ^ ((1 << (width - cidr)) - 1)
                addresses = [a for a in (low, high) if a is not None]
                if any(_masked(value, size, cidr) for value, size in addresses):
                    report(events, d, index, f"/{cidr} masks away part of the address in "
                           f"'{text}': Squid warns and matches the whole network",
                           Squid.WARNING)
        elif numeric_address(mask) is not None:
            report(events, d, index, f"netmask '{mask}' in '{text}': Squid warns that netmasks "
                   "are deprecated and converts it to a CIDR length, which for anything but an "
                   "IPv4 netmask is nonsense (a wrong mask can match every address); write "
                   "/LENGTH", Squid.WARNING)
            return None
        else:
            report(events, d, index, f"'{mask}' in '{text}' is not a mask: Squid stops "
                   "('unknown netmask')", Squid.FATAL)
            return None
    if high is not None and low[1] == high[1] and high[0] < low[0]:
        report(events, d, index, f"the range '{text}' runs backwards (its first address is "
               "above its last): Squid accepts it without a word", Squid.SILENT)
    if not family:
        return None  # "neither" addresses: not modelled in the tree
    top = _mapped(*high) & bits if high is not None else 0
    return IpEntry(_mapped(*low) & bits, top or None, bits, text)


def _masked(value: int, bits: int, cidr: int) -> bool:
    """Whether a /cidr mask clears set bits of a ``bits``-wide address."""
    return cidr < bits and value & ((1 << (bits - cidr)) - 1) != 0


def numeric_address(text: str) -> tuple[int, int] | None:
    """(value, bits) of a numeric address as ``getaddrinfo(AI_NUMERICHOST)`` takes it: IPv4 in
    ``inet_aton`` forms (``10.1``, ``0x0a000001``, octal parts) as 32 bits, IPv6 with an
    optional zone (an interface of this machine or a number) as 128."""
    v4 = inet_aton(text)
    if v4 is not None:
        return v4, 32
    if ":" not in text:
        return None
    address = numeric_host(text, _interface_index)
    return (int.from_bytes(address, "big"), 128) if address is not None else None


def _interface_index(name: str) -> int:
    """``if_nametoindex``: 0 for a name this machine has no interface for."""
    import socket  # (here: only an IPv6 ACL value with a named zone needs it)

    try:
        return socket.if_nametoindex(name)
    except (OSError, ValueError):
        return 0


def _never_a_host(text: str) -> bool:
    """A word that no DNS lookup can resolve: one with a ':' (an IPv6 attempt), whose last label
    is all digits (RFC 3696 s2: top-level domains are not all-numeric, so ``10.0.0.300``), or
    that breaks RFC 1123 host name syntax (letters, digits and inner hyphens; underscores are
    let through, as resolvers do)."""
    labels = text[:-1].split(".") if text.endswith(".") else text.split(".")
    return (":" in text or is_digits(labels[-1])
            or not all(re.fullmatch(_HOST_LABEL, label) for label in labels))


def _c_int_whole(text: str) -> int | None:
    """``sscanf(asc, "%d%c") == 1``: a ``%d`` number (blanks and a sign allowed before it, the
    low 32 bits of the clamped value kept) and nothing after it."""
    found = scanf_int(text)
    return found[0] if found is not None and found[1] == len(text) else None
