"""Domain ACLs (``dstdomain``, ``srcdomain``): src/acl/DomainData.cc @ SQUID_5_7.

Squid keeps a domain ACL's values in a splay tree ordered by ``matchDomainName``
(src/anyp/Uri.cc), which calls a domain and its subdomains equal: a subdomain inserted after its
wildcard is dropped with a WARNING, a wildcard inserted after one of its subdomains stops Squid,
and which pairs meet depends on the tree's shape.
"""

from __future__ import annotations

from squidcarp.conf.acl.common import AclState, report
from squidcarp.conf.events import ReadEvent, Squid
from squidcarp.conf.model import Directive
from squidcarp.conf.splay import Splay
from squidcarp.libc import c_lower

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

    __slots__ = ("_name_set", "_tails", "names", "tree", "words")

    def __init__(self) -> None:
        self.words: list[str] = []
        self.names: list[str] = []
        """Each earlier value, lower-cased, without its leading dots."""
        self.tree: DomainSplay | None = None
        self._tails: set[str] | None = None
        """Every label-aligned tail of every name, once there are many names."""
        self._name_set: set[str] | None = None
        """:attr:`names` as a set, once there are many names (kept with :attr:`_tails`)."""

    def add(self, word: str) -> DomainSplay | None:
        """Insert ``word``; returns the tree when it went through it (which may raise
        ``_DomainClash`` and records ignored pairs), None when no overlap was possible."""
        if self.tree is None:
            name = c_lower(word).lstrip(".")
            if not self._may_overlap(word, name):
                self.words.append(word)
                self.names.append(name)
                if self._tails is not None and self._name_set is not None:
                    self._tails.update(_tails(name))
                    self._name_set.add(name)
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
        if self._tails is None or self._name_set is None:
            self._tails = {tail for old in names for tail in _tails(old)}
            self._name_set = set(names)
        return name in self._tails or not self._name_set.isdisjoint(_tails(name))


def _tails(name: str) -> list[str]:
    out = [name]
    dot = name.find(".")
    while dot >= 0:
        out.append(name[dot + 1:])
        dot = name.find(".", dot + 1)
    return out


def _domain_bytes(word: str) -> bytes:
    """A value as ``ACLDomainData::parse`` stores it: its bytes, ASCII letters lower-cased."""
    return word.encode("utf-8", "surrogateescape").lower()


def domains(d: Directive, first: int, state: AclState, events: list[ReadEvent]) -> None:
    """``ACLDomainData::parse``: each value, lower-cased, into the ACL's splay tree."""
    key = c_lower(d.words[0])
    values = d.words[first:]
    acl = state.domains.get(key)
    if acl is None:
        if key in state.domains:
            return  # a value came from a file earlier: not modelled any more
        if _plainly_apart(values):  # the usual new ACL: nothing to report, keep its line
            state.domains[key] = (d, first)
            return
        acl = state.domains[key] = DomainValues()
    elif isinstance(acl, tuple):  # an ACL seen before, now extended: replay its words
        (line, start), acl = acl, DomainValues()
        for word in line.words[start:]:
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
            report(events, d, index, f"'{_text(clash.new)}' overlaps '{_text(clash.old)}', "
                   f"listed before it in this ACL: Squid stops (\"'{_text(clash.sub)}' is a "
                   f"subdomain of '{_text(clash.parent)}'\"); keep one entry (a wildcard "
                   ".domain covers the domain and all its subdomains)", Squid.FATAL)
            state.domains[key] = None
            return
        for sub, parent in tree.ignored[seen:] if tree is not None else ():
            report(events, d, index, f"'{_text(sub)}' is a subdomain of '{_text(parent)}', "
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
        name = c_lower(word).lstrip(".")
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

