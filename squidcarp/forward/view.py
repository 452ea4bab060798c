"""The parts of a read config the forwarding decision consults, in the shape it needs.

ACL definitions (``acl NAME TYPE [options] values...``, every line of one name merged, names
compared case-insensitively as ``ACL::FindByName`` does) and the access lines Squid keeps for
``always_direct``, ``never_direct`` and ``cache_peer_access`` (in config order; a line without
``allow``/``deny`` or without an ACL is dropped by ``aclParseAccessLine``, a cache_peer_access
line naming an unknown peer by ``parse_peer_access``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from squidcarp.conf.model import Directive, Position, SquidConfig, Token

# src/acl/Acl.cc ACL::ParseAclLine @ SQUID_5_7: old type names it renames before looking them up.
TYPE_RENAMES = {"myip": "localip", "myport": "localport",
                "clientside_mark": "client_connection_mark"}
# Types whose values may carry -i/+i between them (src/acl/RegexData.cc).
REGEX_TYPES = frozenset({"url_regex", "urlpath_regex", "dstdom_regex", "srcdom_regex",
                         "browser", "referer_regex", "req_mime_type", "rep_mime_type",
                         "urllogin", "peername_regex", "ident_regex", "ext_user_regex",
                         "proxy_auth_regex"})
MAX_VALUE_FILE = 64 * 1024 * 1024  # a value file larger than this is not read (bounded work)
# src/cf.data.pre @ SQUID_5_7, "NAME: acl" DEFAULT lines (the ssl::* ones need OpenSSL): Squid
# defines these before reading the config; config lines of the same name add to them.
DEFAULT_ACLS = (
    "all src all",
    "manager url_regex -i ^cache_object:// +i ^[^:]+://[^/]+/squid-internal-mgr/",
    "localhost src 127.0.0.1/32 ::1",
    "to_localhost dst 127.0.0.0/8 0.0.0.0/32 ::1/128 ::/128",
    "CONNECT method CONNECT",
)
BUILT_IN = Position("(built in)", 0, 0)


@dataclass(frozen=True)
class Value:
    text: str
    pos: Position
    icase: bool = False
    """For regex types: whether -i was in force for this value."""


@dataclass(frozen=True)
class AclDef:
    name: str
    type: str
    pos: Position
    """Where the first line of this ACL is."""
    values: tuple[Value, ...]
    options: frozenset[str] = frozenset()
    """Options such as ``-n`` (no DNS lookups)."""
    unreadable: tuple[str, ...] = ()
    """Value files Squid could not open either (they add nothing)."""


@dataclass(frozen=True)
class AclRef:
    negated: bool
    name: str
    token: Token


@dataclass(frozen=True)
class AccessLine:
    directive: str
    action: str
    acls: tuple[AclRef, ...]
    pos: Position
    text: str
    peer: str | None = None

    @property
    def allow(self) -> bool:
        return self.action == "allow"


def acl_definitions(config: SquidConfig, cwd: str | None = None) -> dict[str, AclDef]:
    """Every ACL by lower-cased name, its lines merged in config order."""
    merged: dict[str, AclDef] = {}
    for line in DEFAULT_ACLS:
        words = line.split()
        merged[words[0].lower()] = AclDef(words[0], words[1], BUILT_IN, *_word_values(words[1],
                                                                                     words[2:]))
    for d in config.directives:
        if d.keyword != "acl" or len(d.words) < 2:
            continue
        name, kind = d.words[0], TYPE_RENAMES.get(d.words[1], d.words[1])
        key = name.lower()
        old = merged.get(key)
        if old is not None and old.type != kind:
            continue  # Squid stops on this line (the reader reports it)
        options, values, unreadable = _values(d, kind, cwd)
        if old is None:
            merged[key] = AclDef(name, kind, d.pos, values, options, unreadable)
        else:
            merged[key] = AclDef(old.name, kind, old.pos, old.values + values,
                                 old.options | options, old.unreadable + unreadable)
    return merged


def _values(d: Directive, kind: str,
            cwd: str | None) -> tuple[frozenset[str], tuple[Value, ...], tuple[str, ...]]:
    args = d.args[2:]
    options: set[str] = set()
    icase = False
    out: list[Value] = []
    unreadable: list[str] = []
    i = 0
    while i < len(args) and args[i].text[:1] in "-+" and args[i].text not in ("-", "+"):
        word = args[i].text
        if word == "--":
            i += 1
            break
        if word in ("-i", "+i") and kind in REGEX_TYPES:
            icase = word == "-i"
        else:
            options.add(word.split("=", 1)[0])
        i += 1
    for tok in args[i:]:
        text = tok.text
        if kind in REGEX_TYPES and text in ("-i", "+i"):
            icase = text == "-i"
            continue
        if text[:1] in "\"'" and not tok.quoted:
            path = text[1:].split(text[0], 1)[0]
            read = list(_file_values(path, cwd))
            if not read and not _readable(path, cwd):
                unreadable.append(path)
            for value, line in read:
                if kind in REGEX_TYPES and value in ("-i", "+i"):
                    icase = value == "-i"
                    continue
                out.append(Value(value, Position(path, line, 1), icase))
            continue
        out.append(Value(text, tok.pos, icase))
    return frozenset(options), tuple(out), tuple(unreadable)


def _word_values(kind: str, words: list[str]) -> tuple[tuple[Value, ...], frozenset[str]]:
    icase = False
    values = []
    for word in words:
        if word in ("-i", "+i"):
            icase = word == "-i"
        else:
            values.append(Value(word, BUILT_IN, icase))
    return tuple(values), frozenset()


def _full(path: str, cwd: str | None) -> str:
    return os.path.join(cwd or os.getcwd(), path)


def _readable(path: str, cwd: str | None) -> bool:
    return os.path.isfile(_full(path, cwd))


def _file_values(path: str, cwd: str | None) -> Iterator[tuple[str, int]]:
    """``ConfigParser::strtokFile``: one value per line, blanks trimmed, text after '#' and empty
    lines skipped."""
    full = _full(path, cwd)
    if not os.path.isfile(full):
        return
    try:
        with open(full, "rb") as fh:
            data = fh.read(MAX_VALUE_FILE)
    except OSError:
        return
    for number, raw in enumerate(data.decode("utf-8", "surrogateescape").split("\n"), start=1):
        line = raw.split("#", 1)[0].strip(" \t\r\n\v\f")
        if line:
            yield line, number


def access_lines(config: SquidConfig, directive: str,
                 aliases: dict[str, str] | None = None) -> tuple[AccessLine, ...]:
    """The lines of one access list Squid keeps, in order. ``aliases`` maps lower-cased peer
    names as written to the names they now have (a simulated rename keeps its rules)."""
    if directive == "cache_peer_access":
        out = []
        for rule in config.peer_access:
            written = rule.peer.text
            peer = config.peer_named((aliases or {}).get(written.lower(), written))
            line = _line(rule.directive, 1, peer.name if peer else rule.peer.text)
            if line is not None:
                out.append(line)
        return tuple(out)
    kept = []
    for d in config.directives:
        if d.keyword == directive:
            line = _line(d, 0, None)
            if line is not None:
                kept.append(line)
    return tuple(kept)


def _line(d: Directive, first: int, peer: str | None) -> AccessLine | None:
    words = d.words
    if len(words) <= first + 1 or words[first] not in ("allow", "deny"):
        return None
    refs = []
    for tok in d.args[first + 1:]:
        text = tok.text
        negated = text.startswith("!")
        refs.append(AclRef(negated, text[1:] if negated else text, tok))
    return AccessLine(d.keyword, words[first], tuple(refs), d.pos, d.text, peer)
