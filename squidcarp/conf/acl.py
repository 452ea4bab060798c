"""Stage 4c: the rest of an ``acl`` line, as ``ACL::ParseAclLine`` reads it (src/acl/Acl.cc).

``directives`` checks the name and the type word; this module checks what follows, in Squid's
order: the type must be one Debian's Squid 5.7 registers (``Acl::Make``), the ``-x``/``+x``
options and flags must be ones the type supports (``Acl::OptionsParser``), and then the values
of the types whose mistakes stop Squid or silently change what the ACL matches:

* IP addresses, ranges and masks of ``src``/``dst``/``localip`` (src/acl/Ip.cc
  ``acl_ip_data::FactoryParse``), including words Squid resolves through DNS while it parses,
  and entries that overlap, through the splay tree Squid keeps them in;
* port ranges of ``port``/``localport`` (src/acl/IntRange.cc) and the numbers of ``maxconn`` and
  ``max_user_ip``;
* ``time`` specs (src/acl/TimeData.cc);
* overlapping ``dstdomain``/``srcdomain`` values, through the splay tree Squid keeps them in
  (src/acl/DomainData.cc, include/splay.h).

An ACL line without values is checked as well (``Warning: empty ACL``, or worse). Values read
from a ``"file"`` are not opened here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from squidcarp.conf import known
from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.model import Directive
from squidcarp.conf.peer import parse_c_long, parse_short
from squidcarp.conf.splay import Splay

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
_TIME_RANGE = r"([+-]?[0-9]+):([+-]?[0-9]+)-([+-]?[0-9]+):([+-]?[0-9]+)"
_HOST_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"
DAY_LETTERS = "SMTWHFAD-"  # aclParseTimeSpec: S M T W H F A, D = weekdays, '-' ignored
# ACLRandom::parse: sscanf "%[0-9]:%[0-9]", then "%[0-9]/%[0-9]", then "0.%[0-9]"
_RANDOM_RATIO = r"([0-9]+)([:/])([0-9]+)"
_RANDOM_FRACTION = r"0\.[0-9]"


class AclState:
    """What ACL parsing carries from one line to the next."""

    def __init__(self) -> None:
        self.auth_configured = False
        """Whether an ``auth_param SCHEME program ...`` line has been read (proxy_auth needs it)."""
        self.ips: dict[str, IpSplay | None] = {}
        """Lower-cased ACL name -> its address tree (None once a value is not plain addresses)."""
        self.domains: dict[str, DomainValues | tuple[str, ...] | None] = {}
        """Lower-cased ACL name -> its domain values: just the words while nothing overlaps,
        None once a value came from a file."""


def check_acl_line(d: Directive, kind: str, new: bool, events: list[ReadEvent],
                   state: AclState | None = None) -> int:
    """Check an ``acl NAME TYPE ...`` line whose name and type word are already read.

    ``new`` is whether this line creates the ACL (only then does Squid make one of ``kind`` and
    check that it is valid); ``state`` is what earlier lines left (auth schemes, domain trees).
    Returns the index in ``d.words`` of the first value (after the options), so that callers can
    read ACL names from there.
    """
    state = state or AclState()
    words = d.words
    if new and kind not in known.ACL_TYPES:
        if kind in known.ACL_OPENSSL_TYPES:
            why = ("an OpenSSL-only type: Debian's Squid 5.7 is built with GnuTLS and does not "
                   "have it")
        else:
            why = "Squid 5.7 has no such ACL type"
        _event(events, d, 1, f"invalid ACL type '{kind}': {why}; Squid stops ('Invalid ACL "
               "type')", Squid.FATAL)
        return len(words)
    first = 2
    if len(words) > 2 and words[2][0] in "-+":
        options_end = _options(d, kind, events)
        if options_end is None:
            return len(words)
        first = options_end
    if new and kind in known.AUTH_ACL_TYPES and not state.auth_configured:
        _event(events, d, 1, f"'{kind}' ACL before any 'auth_param SCHEME program ...' line: Squid "
               "stops ('no authentication schemes are fully configured'); put the auth_param "
               "lines above it", Squid.FATAL)
    elif first >= len(words):
        if new:
            _empty(d, kind, events)
    elif kind in DOMAIN_TYPES:
        _domains(d, first, state, events)
    elif kind in IP_TYPES:
        _ip_values(d, first, state, events)
    else:
        checker = _VALUE_CHECKERS.get(kind)
        if checker is not None:
            checker(d, first, new, events)
    return first


def _event(events: list[ReadEvent], d: Directive, index: int, message: str,
           squid: Squid) -> None:
    """Report on the word ``d.words[index]`` (its token made only now, to point at it)."""
    tok = d.args[index]
    events.append(ReadEvent(Kind.ACL_VALUE, tok.pos, f"acl {d.words[0]}: {message}", squid,
                            tok.pos.column + len(tok.raw_or_text), tok.text))


def _options(d: Directive, kind: str, events: list[ReadEvent]) -> int | None:
    """``Acl::OptionsParser::parse``: the words starting with '-' or '+' after the type.

    Returns the index of the first value, or None when Squid stops on an option.
    """
    options = known.ACL_OPTIONS.get(kind, {})
    flags = known.ACL_FLAGS.get(kind, frozenset())
    words = d.words
    index = 2
    while index < len(words) and words[index][:1] in ("-", "+"):
        word = words[index]
        if word in flags or options.get(word) == "none":
            index += 1  # a whole -x the type takes, with no value: the common case
            continue
        prefix, sep, value = word.partition("=")
        if sep and not value and index + 1 < len(words):
            index += 1  # ConfigParser::NextKvPair takes the next token as the value
            value = words[index]
        if sep and not prefix:
            _event(events, d, index, f"malformed ACL option '{word}': Squid stops",
                   Squid.FATAL)
            return None
        if len(prefix) < 2:
            _event(events, d, index, f"truncated ACL flag '{word}' (a lone '{prefix}'): Squid "
                   "stops", Squid.FATAL)
            return None
        if prefix == "--":
            return index + 1  # the explicit end of options
        if prefix.startswith("--") or len(prefix) == 2:
            names = [prefix]
        else:
            names = [prefix[0] + letter for letter in prefix[1:]]  # -xyz = -x -y -z
        for position, name in enumerate(names):
            last = position == len(names) - 1
            has_value = bool(sep) and last
            expects = options.get(name)
            if expects is None and name not in flags:
                supported = sorted({*options, *flags})
                hint = (f" ({kind} takes {', '.join(supported)})" if supported
                        else f" ({kind} takes none)")
                _event(events, d, index, f"unsupported ACL option '{name}'{hint}: Squid stops",
                       Squid.FATAL)
                return None
            if expects == "none" and has_value:
                _event(events, d, index, f"ACL option {name} takes no value: Squid stops",
                       Squid.FATAL)
                return None
            if expects == "required" and not has_value:
                _event(events, d, index, f"ACL option {name} needs a value ({name}=...): "
                       "Squid stops", Squid.FATAL)
                return None
        index += 1
    return index


def _empty(d: Directive, kind: str, events: list[ReadEvent]) -> None:
    """An ``acl`` line that creates an ACL with no values (``ACL::empty``/``ACL::valid``)."""
    effect = known.ACL_TYPES[kind]
    at = len(d.words) - 1
    if effect == "empty":
        _event(events, d, at, f"'{kind}' ACL without values: Squid warns ('empty ACL') and the "
               "ACL never matches", Squid.WARNING)
    elif effect == "fatal":
        _event(events, d, at, f"'{kind}' ACL without a value: Squid stops", Squid.FATAL)
    elif effect == "crash":
        _event(events, d, at, f"'{kind}' ACL without a value: Squid 5.7 aborts (assertion in "
               "NoteData.cc)", Squid.FATAL)


IP_TYPES = frozenset({"src", "dst", "localip"})  # acl_ip_data values (src/AclRegs.cc)


def _ip_values(d: Directive, first: int, state: AclState, events: list[ReadEvent]) -> None:
    """Each value checked (``acl_ip_data::FactoryParse``), then into the ACL's splay tree."""
    key = d.words[0].lower()
    if key not in state.ips:
        state.ips[key] = IpSplay()
    tree = state.ips[key]
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
                _event(events, d, index, f"'{entry.text}' is ignored: '{other.text}', listed "
                       "before it in this ACL, lies inside it, and Squid keeps only the first "
                       f"of two overlapping entries, so the ACL matches '{other.text}' but not "
                       f"the rest of '{entry.text}'; list '{entry.text}' alone", Squid.WARNING)
            else:
                _event(events, d, index, f"'{entry.text}' lies inside '{other.text}', already "
                       "in this ACL: Squid warns and ignores it; remove it", Squid.WARNING)


def _ip_value(d: Directive, index: int, events: list[ReadEvent]) -> IpEntry | None:
    """One ``acl_ip_data::FactoryParse`` value; its entry when it is plain addresses."""
    text = d.words[index]
    if text[:1] in ("'", '"') or text in ("ipv4", "ipv6"):
        return None  # a file of values (not opened here), or one of the magic words
    if text == "all":
        return IpEntry(0, None, 0, text)  # setAnyAddr: address and mask all zero
    if text in ALL_SPELLINGS:
        _event(events, d, index, f"'{text}' means everything: Squid prints an ERROR, replaces "
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
            _event(events, d, index, f"'{ignored}' at the end of '{text}' is ignored without a "
                   "word", Squid.SILENT)
        return entry
    address = numeric_address(text)
    if address is not None:
        return IpEntry(_mapped(*address), None, ALL_BITS, text)
    if _never_a_host(text):
        _event(events, d, index, f"'{text}' is neither an IP address nor a host name: "
               "Squid looks it up in DNS, which fails, and stops ('Bad host/IP')",
               Squid.FATAL)
    else:
        _event(events, d, index, f"'{text}' is a host name: Squid resolves it through DNS "
               "once, while reading its configuration (start-up waits for DNS, the ACL "
               "keeps the addresses of that moment, and a name that does not resolve stops "
               "Squid); use addresses", Squid.WARNING)
    return None


def _ip_parts(d: Directive, index: int, family: int, first: str, second: str, mask: str,
              events: list[ReadEvent]) -> IpEntry | None:
    text = d.words[index]
    low = numeric_address(first)
    if low is None:
        _event(events, d, index, f"'{first}' in '{text}' is not an IP address (no host names "
               "with a mask or range): Squid stops ('unknown first address')", Squid.FATAL)
        return None
    high = numeric_address(second) if second else None
    if second and high is None:
        _event(events, d, index, f"'{second}' in '{text}' is not an IP address: Squid stops "
               "('unknown second address')", Squid.FATAL)
        return None
    bits = ALL_BITS
    if mask:
        cidr = _c_int_whole(mask)
        if cidr is not None and 0 <= cidr <= 128:
            if family == 4 and cidr > 32:
                _event(events, d, index, f"mask /{cidr} is longer than an IPv4 address: Squid "
                       "stops ('unknown netmask')", Squid.FATAL)
                return None
            if cidr == 0:  # Ip::Address::applyMask: "CIDR /0 is NoAddr", every bit kept
                _event(events, d, index, f"'/0' in '{text}' does not mean every address: Squid "
                       f"reads it as no mask at all and matches '{first}' only; write 'all'",
                       Squid.WARNING)
            else:
                width = 32 if family == 4 else 128
                bits = ALL_BITS ^ ((1 << (width - cidr)) - 1)
                addresses = [a for a in (low, high) if a is not None]
                if any(_masked(value, size, cidr) for value, size in addresses):
                    _event(events, d, index, f"/{cidr} masks away part of the address in "
                           f"'{text}': Squid warns and matches the whole network",
                           Squid.WARNING)
        elif numeric_address(mask) is not None:
            _event(events, d, index, f"netmask '{mask}' in '{text}': Squid warns that netmasks "
                   "are deprecated and converts it to a CIDR length, which for anything but an "
                   "IPv4 netmask is nonsense (a wrong mask can match every address); write "
                   "/LENGTH", Squid.WARNING)
            return None
        else:
            _event(events, d, index, f"'{mask}' in '{text}' is not a mask: Squid stops "
                   "('unknown netmask')", Squid.FATAL)
            return None
    if high is not None and low[1] == high[1] and high[0] < low[0]:
        _event(events, d, index, f"the range '{text}' runs backwards (its first address is "
               "above its last): Squid accepts it without a word", Squid.SILENT)
    if not family:
        return None  # "neither" addresses: not modelled in the tree
    top = _mapped(*high) & bits if high is not None else 0
    return IpEntry(_mapped(*low) & bits, top or None, bits, text)


def _masked(value: int, bits: int, cidr: int) -> bool:
    """Whether a /cidr mask clears set bits of a ``bits``-wide address."""
    return cidr < bits and value & ((1 << (bits - cidr)) - 1) != 0


def numeric_address(text: str) -> tuple[int, int] | None:
    """(value, bits) of a numeric address as ``getaddrinfo`` takes it without DNS: IPv4 in
    ``inet_aton`` forms (``10.1``, ``0x0a000001``, octal parts), IPv6 with an optional zone."""
    if ":" in text:
        import ipaddress  # (here, not at the top: only address ACLs with IPv6 need it)

        try:
            return int(ipaddress.IPv6Address(text)), 128
        except ValueError:
            return None
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        value = _inet_aton_part(part)
        if value is None:
            return None
        numbers.append(value)
    # a; a.b (8.24); a.b.c (8.8.16); a.b.c.d (8.8.8.8)
    widths = {1: (32,), 2: (8, 24), 3: (8, 8, 16), 4: (8, 8, 8, 8)}[len(numbers)]
    total = 0
    for value, width in zip(numbers, widths, strict=True):
        if value >= 1 << width:
            return None
        total = (total << width) | value
    return total, 32


def _inet_aton_part(part: str) -> int | None:
    """A C-style unsigned number (0x hex, 0 octal, decimal), as ``inet_aton`` reads each part."""
    if not part:
        return None
    try:
        if part[:2] in ("0x", "0X"):
            return int(part[2:], 16) if part[2:] else 0
        if part.startswith("0") and len(part) > 1:
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def _never_a_host(text: str) -> bool:
    """A word that no DNS lookup can resolve: one with a ':' (an IPv6 attempt), whose last label
    is all digits (RFC 3696 s2: top-level domains are not all-numeric, so ``10.0.0.300``), or
    that breaks RFC 1123 host name syntax (letters, digits and inner hyphens; underscores are
    let through, as resolvers do)."""
    labels = text[:-1].split(".") if text.endswith(".") else text.split(".")
    return (":" in text or labels[-1].isdigit()
            or not all(re.fullmatch(_HOST_LABEL, label) for label in labels))


def _c_int_whole(text: str) -> int | None:
    """``sscanf(asc, "%d%c") == 1``: an optionally signed decimal and nothing after it."""
    m = re.fullmatch(r"[ \t\n\v\f\r]*([+-]?[0-9]+)", text)
    return int(m.group(1)) if m else None


def _port_ranges(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    for index in range(first, len(d.words)):
        _port_range(d, index, events)


def _port_range(d: Directive, index: int, events: list[ReadEvent]) -> None:
    """``ACLIntRange::parse``: ``N`` or ``N-M``, each ``xatos`` (0..65535), with N <= M."""
    text = d.words[index]
    if text[:1] in ("'", '"'):
        return
    low_text, dash, high_text = text.partition("-")
    low, error = parse_short(low_text)
    if error is None and dash:
        high, error = parse_short(high_text)
    else:
        high = low
    if error is not None:
        _event(events, d, index, f"port '{text}': {error}: Squid stops", Squid.FATAL)
    elif low is not None and high is not None and high < low:
        _event(events, d, index, f"port range '{text}' runs backwards: Squid stops ('Invalid "
               "port value')", Squid.FATAL)


def _maxconn(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    """``ACLMaxConnection::parse``: ``atoi`` of the first value; the rest is ignored."""
    text = d.words[first]
    m = re.match(r"[ \t\n\v\f\r]*([+-]?[0-9]+)", text)
    limit = int(m.group(1)) if m else 0
    if new and limit <= 0:
        _event(events, d, first, f"maxconn limit '{text}' is not a positive number: Squid stops "
               "('Invalid ACL')", Squid.FATAL)
    for index in range(first + 1, len(d.words)):
        _event(events, d, index, f"maxconn takes one limit: '{d.words[index]}' is ignored "
               "without a word", Squid.SILENT)


def _max_user_ip(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    """``ACLMaxUserIP::parse``: ``xatoi`` of the first value (a number, else Squid stops)."""
    text = d.words[first]
    result = parse_c_long(text)
    if result.value is None:
        _event(events, d, first, f"max_user_ip '{text}' is not a number: Squid stops",
               Squid.FATAL)
    elif new and result.value <= 0:
        _event(events, d, first, f"max_user_ip '{text}' is not a positive number: Squid stops "
               "('Invalid ACL')", Squid.FATAL)


def _hier_codes(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    """``ACLHierCodeData::parse``: each word exactly one of the hier_code names."""
    for index in range(first, len(d.words)):
        word = d.words[index]
        if word not in known.HIER_CODES and word[:1] not in ("'", '"'):
            _event(events, d, index, f"no hier_code '{word}' (they are spelled like "
                   "HIER_DIRECT, PARENT_HIT, CARP): Squid stops", Squid.FATAL)
            return


def _random(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    """``ACLRandom::parse``: ``A:B`` (A in A+B), ``A/B`` (A <= B) or ``0.NNN``; otherwise the
    ACL has no pattern and Squid stops ('Invalid ACL')."""
    text = d.words[first]
    if not new or text[:1] in ("'", '"'):
        return
    ratio = re.match(_RANDOM_RATIO, text)
    if ratio is not None:
        a, sep, b = int(ratio.group(1)), ratio.group(2), int(ratio.group(3))
        if a > 0 and b > 0 and (sep == ":" or a <= b):
            return
    elif re.match(_RANDOM_FRACTION, text) is not None:
        return
    _event(events, d, first, f"random pattern '{text}' is not A:B, A/B (A <= B) or 0.N: Squid "
           "stops ('Invalid ACL')", Squid.FATAL)


def _time_specs(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    for index in range(first, len(d.words)):
        _time_spec(d, index, events)


def _time_spec(d: Directive, index: int, events: list[ReadEvent]) -> None:
    """``ACLTimeData::parse``: day letters, or ``HH:MM-HH:MM`` within one day."""
    text = d.words[index]
    if text[:1] in ("'", '"'):
        return
    if not "0" <= text[0] <= "9":
        bad = sorted({c for c in text if c not in DAY_LETTERS})
        if bad:
            what = "is no day letter" if len(bad) == 1 else "are no day letters"
            _event(events, d, index, f"time: {', '.join(repr(c) for c in bad)} in '{text}' "
                   f"{what} (S M T W H F A, D for weekdays; upper case): Squid prints 'Bad Day' "
                   "and ignores it", Squid.WARNING)
        return
    m = re.match(_TIME_RANGE, text)
    if m is None:
        _event(events, d, index, f"time range '{text}' is not HH:MM-HH:MM: Squid stops",
               Squid.FATAL)
        return
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if not (0 <= h1 < 24 and (0 <= h2 < 24 or (h2 == 24 and m2 == 0))
            and 0 <= m1 < 60 and 0 <= m2 < 60):
        _event(events, d, index, f"time range '{text}' is outside 00:00-24:00: Squid stops",
               Squid.FATAL)
    elif h1 * 60 + m1 > h2 * 60 + m2:
        _event(events, d, index, f"time range '{text}' runs backwards (a range cannot cross "
               "midnight: write two): Squid stops", Squid.FATAL)


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


DOMAIN_TYPES = frozenset({"dstdomain", "srcdomain"})  # ACLDomainData (src/AclRegs.cc)


class _DomainClash(Exception):
    """aclDomainCompare stopped Squid: ``new`` overlaps ``old``, already in the tree. Squid's
    message calls the longer of the two a subdomain of the shorter."""

    def __init__(self, new: bytes, old: bytes) -> None:
        super().__init__(new, old)
        self.new, self.old = new, old
        self.sub, self.parent = (old, new) if len(old) > len(new) else (new, old)


class DomainSplay(Splay[bytes]):
    """An ``ACLDomainData`` value tree: Squid's splay tree with ``aclDomainCompare``
    (src/acl/DomainData.cc) as its order.

    ``matchDomainName`` calls a domain and its subdomains *equal*, so overlaps show up as equal
    comparisons, met in an order that depends on the tree's shape: a subdomain met after its
    wildcard is dropped with a WARNING (``ignored``), a wildcard met after one of its subdomains
    stops Squid (``_DomainClash``).
    """

    def __init__(self) -> None:
        super().__init__()
        self.ignored: list[tuple[bytes, bytes]] = []
        """(subdomain, domain) pairs Squid warned about and dropped."""

    def compare(self, new: bytes, old: bytes) -> int:
        """``aclDomainCompare(new, old)``."""
        ret = match_domain_name(old, new)
        if ret != 0:
            ret = match_domain_name(new, old)
            if ret == 0:
                longer, shorter = (new, old) if len(new) > len(old) else (old, new)
                if (longer, shorter) not in self.ignored:
                    self.ignored.append((longer, shorter))
        elif old != new:
            raise _DomainClash(new, old)
        return ret


def match_domain_name(host: bytes, domain: bytes) -> int:
    """``matchDomainName(host, domain)`` without flags (src/anyp/Uri.cc): 0 when ``host`` is
    ``domain`` or, for a ``.domain`` wildcard, inside it; otherwise the splay order, comparing
    from the end with '.' sorting before every other character (bytes as C's signed char)."""
    h = host.lstrip(b".")
    if not h:
        return -1
    hl, dl = len(h), len(domain)  # both non-empty: values are words
    while True:
        hl -= 1
        dl -= 1
        if _lower(h[hl]) != _lower(domain[dl]):
            break
        if hl == 0 and dl == 0:
            return 0
        if hl == 0:
            return 0 if dl == 1 and domain[:1] == b"." else -1
        if dl == 0:
            return 0 if domain[:1] == b"." else 1
    if domain[dl] == 0x2E:  # '.' sorts before everything ("x-foo.com" > ".foo.com")
        return 1
    if h[hl] == 0x2E:
        return -1
    return _signed(_lower(h[hl])) - _signed(_lower(domain[dl]))


def _lower(byte: int) -> int:
    return byte + 32 if 0x41 <= byte <= 0x5A else byte


def _signed(byte: int) -> int:
    return byte - 256 if byte >= 0x80 else byte


class DomainValues:
    """One dstdomain/srcdomain ACL's values, and its splay tree only once it matters.

    The tree decides *which* overlapping pair Squid meets, but with no overlap at all no
    comparison returns 0 and nothing is reported. ``matchDomainName`` calls two values equal only
    if one, without its leading dots, is the other or a label-aligned tail of it. So values are
    kept in order, checked for such a pair (on ``str.lower``, which keeps every pair ASCII
    lower-casing would make), and the tree is built, replaying every value in order, only when
    one turns up: most ACLs never pay for it.
    """

    __slots__ = ("_tails", "names", "tree", "words")

    def __init__(self) -> None:
        self.words: list[str] = []
        self.names: list[str] = []
        """Each earlier value, lower-cased, without its leading dots."""
        self.tree: DomainSplay | None = None
        self._tails: set[str] | None = None
        """Every label-aligned tail of every name, once there are many names."""

    def add(self, word: str) -> DomainSplay | None:
        """Insert ``word``; returns the tree when it went through it (which may raise
        ``_DomainClash`` and records ignored pairs), None when no overlap was possible."""
        if self.tree is None:
            name = word.lower().lstrip(".")
            if not self._may_overlap(word, name):
                self.words.append(word)
                self.names.append(name)
                if self._tails is not None:
                    self._tails.update(_tails(name))
                return None
            self.tree = DomainSplay()
            for earlier in self.words:  # no overlap among these, so no event either
                self.tree.insert(_domain_bytes(earlier))
        self.words.append(word)
        self.tree.insert(_domain_bytes(word))
        return self.tree

    def _may_overlap(self, word: str, name: str) -> bool:
        if not name or ".." in word or word[-1] == ".":
            return True  # unusual spellings take the exact path
        names = self.names
        if not names:
            return False
        if len(names) < 16:  # few values: compare with each
            dotted = "." + name
            for old in names:
                if old == name or old.endswith(dotted) or name.endswith("." + old):
                    return True
            return False
        if self._tails is None:
            self._tails = {tail for old in names for tail in _tails(old)}
        return name in self._tails or not set(names).isdisjoint(_tails(name))


def _tails(name: str) -> list[str]:
    out = [name]
    dot = name.find(".")
    while dot >= 0:
        out.append(name[dot + 1:])
        dot = name.find(".", dot + 1)
    return out


def _domain_bytes(word: str) -> bytes:
    """A value as ``ACLDomainData::parse`` stores it: its bytes, ASCII letters lower-cased."""
    return word.encode("utf-8", "surrogateescape").translate(_ASCII_LOWER)


def _domains(d: Directive, first: int, state: AclState, events: list[ReadEvent]) -> None:
    """``ACLDomainData::parse``: each value, lower-cased, into the ACL's splay tree."""
    key = d.words[0].lower()
    values = d.words[first:]
    acl = state.domains.get(key)
    if acl is None:
        if key in state.domains:
            return  # a value came from a file earlier: not modelled any more
        if _plainly_apart(values):  # the usual new ACL: nothing to report, keep the words
            state.domains[key] = values
            return
        acl = state.domains[key] = DomainValues()
    elif isinstance(acl, tuple):  # an ACL seen before, now extended: replay its words
        earlier, acl = acl, DomainValues()
        for word in earlier:
            acl.add(word)
        state.domains[key] = acl
    for index in range(first, len(d.words)):
        word = d.words[index]
        if word[:1] in ("'", '"'):
            state.domains[key] = None  # values from a file: the tree is no longer known here
            return
        seen = len(acl.tree.ignored) if acl.tree is not None else 0
        try:
            tree = acl.add(word)
        except _DomainClash as clash:
            _event(events, d, index, f"'{_text(clash.new)}' overlaps '{_text(clash.old)}', "
                   f"listed before it in this ACL: Squid stops (\"'{_text(clash.sub)}' is a "
                   f"subdomain of '{_text(clash.parent)}'\"); keep one entry (a wildcard "
                   ".domain covers the domain and all its subdomains)", Squid.FATAL)
            state.domains[key] = None
            return
        for sub, parent in tree.ignored[seen:] if tree is not None else ():
            _event(events, d, index, f"'{_text(sub)}' is a subdomain of '{_text(parent)}', "
                   "already in this ACL: Squid warns and ignores it; remove it", Squid.WARNING)


def _plainly_apart(words: tuple[str, ...]) -> bool:
    """Whether no two of a new ACL's words can overlap (and none is spelled unusually or read
    from a file), so that inserting them reports nothing. (Long lists go the indexed way.)"""
    if len(words) > 16:
        return False
    names: list[str] = []
    for word in words:
        if word[0] in "'\"" or ".." in word or word[-1] == ".":
            return False
        name = word.lower().lstrip(".")
        if not name:
            return False
        dotted = "." + name
        for old in names:
            if old == name or old.endswith(dotted) or name.endswith("." + old):
                return False
        names.append(name)
    return True


def _text(value: bytes) -> str:
    return value.decode("utf-8", "surrogateescape")


_ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


Checker = Callable[[Directive, int, bool, list[ReadEvent]], None]
# The types whose values are checked (the others' values are regular expressions, domains,
# names... that Squid takes as they come).
_VALUE_CHECKERS: dict[str, Checker] = {
    "port": _port_ranges, "localport": _port_ranges,
    "maxconn": _maxconn, "max_user_ip": _max_user_ip, "time": _time_specs,
    "hier_code": _hier_codes, "random": _random,
}
