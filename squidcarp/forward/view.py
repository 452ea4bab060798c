"""The parts of a read config the forwarding decision consults, in the shape it needs.

The reader already keeps every ``acl`` line (:class:`~squidcarp.conf.model.AclDefinition`, value
files read as Squid reads them) and every access-list line Squid keeps
(:class:`~squidcarp.conf.model.AccessLine`). Here an ACL's lines are merged under its name (names
compare case-insensitively, as ``ACL::FindByName``; Squid's predefined ACLs come first), with
the case flag each regex value was read under: every line starts case-sensitive, its leading
``-i`` and any ``-i``/``+i`` between values switch it (src/acl/RegexData.cc).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from squidcarp.conf.model import AccessLine, AclDefinition, Position, SquidConfig
from squidcarp.libc import c_lower

# Types whose values may carry -i/+i between them (src/acl/RegexData.cc users, src/AclRegs.cc).
REGEX_TYPES = frozenset({"url_regex", "urlpath_regex", "dstdom_regex", "srcdom_regex",
                         "browser", "referer_regex", "req_mime_type", "rep_mime_type",
                         "urllogin", "peername_regex", "ident_regex", "ext_user_regex",
                         "proxy_auth_regex"})


@dataclass(frozen=True)
class Value:
    text: str
    pos: Position
    icase: bool = False
    """For regex types: whether -i was in force for this value."""


@dataclass(frozen=True)
class AclDef:
    """One ACL, all its lines merged."""

    name: str
    type: str
    pos: Position
    """Where its first line is."""
    values: tuple[Value, ...]
    options: frozenset[str] = frozenset()
    """Options such as ``-n`` (no DNS look-ups)."""


def _line_values(line: AclDefinition) -> tuple[tuple[Value, ...], frozenset[str]]:
    options = frozenset(t.text.split("=", 1)[0] for t in line.options)
    icase = line.type in REGEX_TYPES and "-i" in options
    values = []
    for tok in line.values:
        if line.type in REGEX_TYPES and tok.text in ("-i", "+i"):
            icase = tok.text == "-i"
            continue
        values.append(Value(tok.text, tok.pos, icase))
    return tuple(values), options


def acl_definitions(config: SquidConfig) -> dict[str, AclDef]:
    """Every ACL by lower-cased name: Squid's predefined ones, then the config's lines."""
    from squidcarp.conf.acl.predefined import predefined

    merged: dict[str, AclDef] = {}
    for line in (*predefined(), *config.acls):
        key = c_lower(line.name.text)
        values, options = _line_values(line)
        old = merged.get(key)
        if old is None:
            merged[key] = AclDef(line.name.text, line.type, line.name.pos, values, options)
        elif old.type == line.type:  # another type stops Squid (the reader reports it)
            merged[key] = AclDef(old.name, old.type, old.pos, old.values + values,
                                 old.options | options)
    return merged


def access_lines(config: SquidConfig, directive: str,
                 aliases: dict[str, str] | None = None) -> tuple[AccessLine, ...]:
    """The lines of one access list Squid keeps, in order. ``aliases`` maps lower-cased peer
    names as the config has them to the names they now have (a simulated rename keeps its
    rules)."""
    lines = config.access_list(directive)
    if directive != "cache_peer_access" or not aliases:
        return lines
    out = []
    for line in lines:
        renamed = aliases.get(c_lower(line.peer or ""))
        out.append(line if renamed is None else replace(line, peer=renamed))
    return tuple(out)
