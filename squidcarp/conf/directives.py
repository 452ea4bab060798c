"""Stage 4b: active directives -> the typed :class:`SquidConfig`.

Directive names are matched exactly (``strcmp``: ``HTTP_PORT`` is not ``http_port``) against the
names Squid 5.7 knows (:mod:`squidcarp.conf.known`). Per-peer directives resolve their peer the way
``peerFindByName`` does — case-insensitively, among the peers defined *so far* — because that is
when Squid looks.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from squidcarp.conf import known
from squidcarp.conf.acl import AclState, check_acl_line
from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.model import (
    AccessRule,
    CachePeer,
    Directive,
    ExternalAclType,
    HelperChildren,
    HelperProgram,
    HttpPort,
    NeighborTypeDomain,
    Setting,
    SquidConfig,
    Token,
)
from squidcarp.conf.peer import parse_cache_peer
from squidcarp.conf.port import parse_port_line
from squidcarp.libc import get_integer, xatof, xatoll, xatos, xatoui

HELPER_PROGRAMS = {
    "url_rewrite_program": "url_rewrite",
    "redirect_program": "url_rewrite",
    "store_id_program": "store_id",
    "storeurl_rewrite_program": "store_id",
}
HELPER_CHILDREN = {
    "url_rewrite_children": "url_rewrite",
    "redirect_children": "url_rewrite",
    "store_id_children": "store_id",
    "storeurl_rewrite_children": "store_id",
}
# Directives whose trailing ACL names (aclParseAclList) follow this many fixed words.
ACL_LIST_FIRST = {"note": 2, "request_header_add": 2, "reply_header_add": 2,
                  "tcp_outgoing_address": 1, "tcp_outgoing_tos": 1, "tcp_outgoing_ds": 1,
                  "tcp_outgoing_dscp": 1, "tcp_outgoing_mark": 1}
LIST_FIRST = {"acl": 2, "cache_peer_access": 2, **ACL_LIST_FIRST}
# Helper::ChildConfig::parseConfig (src/helper/ChildConfig.cc @ SQUID_5_7), strncmp prefixes.
HELPER_CHILD_OPTIONS = ("startup=", "idle=", "concurrency=", "queue-size=",
                        "on-persistent-overload=", "reservation-timeout=")
ALIASES = {"udp_port": "icp_port", "redirect_program": "url_rewrite_program",
           "redirect_children": "url_rewrite_children"}
ACCESS_LISTS = ("always_direct", "never_direct")
# src/cache_cf.cc parseTimeUnit @ SQUID_5_7: unit words (strncasecmp on the word's length, so
# "seconds" works and "sec" does not), in test order, as seconds.
TIME_UNITS = (("nanosecond", 1e-9), ("microsecond", 1e-6), ("millisecond", 1e-3),
              ("second", 1.0), ("minute", 60.0), ("hour", 3600.0), ("day", 86400.0),
              ("week", 7 * 86400.0), ("fortnight", 14 * 86400.0), ("month", 30 * 86400.0),
              ("year", 365.2425 * 86400.0), ("decade", 3652.425 * 86400.0))
TIME_TYPES = {"time_t": 1.0, "time_msec": 1e-3}  # parseTimeLine<seconds / milliseconds>
# parseBytesUnits: B_BYTES_STR "bytes", then KB, MB, GB (strncasecmp, prefix).
BYTES_UNITS = (("bytes", 1), ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30))
BYTES_TYPES = {"b_size_t": 1, "b_int64_t": 1, "b_ssize_t": 1, "kb_int64_t": 1 << 10,
               "kb_size_t": 1 << 10}
ACL_NAME_SZ = 64  # src/acl/forward.h: names must be shorter
# ACL::ParseAclLine @ SQUID_5_7: old type names it renames (with an UPGRADE note) before comparing.
ACL_TYPE_RENAMES = {"myip": "localip", "myport": "localport",
                    "clientside_mark": "client_connection_mark"}
BOOLEAN_WORDS: dict[str, dict[str, bool | None]] = {
    "onoff": dict(known.ONOFF_WORDS),
    "configuration_includes_quoted_values": dict(known.ONOFF_WORDS),
    "tristate": dict(known.TRISTATE_WORDS),
}
DEPRECATED_BOOLEAN = known.DEPRECATED_BOOLEAN_WORDS


def build(directives: Sequence[Directive], events: list[ReadEvent],
          cwd: str | None = None, quoted_values: bool = False) -> SquidConfig:
    peers: list[CachePeer] = []
    by_name: dict[str, CachePeer] = {}
    """Lower-cased name -> the first peer so named (``peerFindByName``)."""
    access: list[AccessRule] = []
    ntd: list[NeighborTypeDomain] = []
    ports: list[HttpPort] = []
    groups: list[Token] = []
    settings: list[tuple[str, Setting]] = []
    lists: list[tuple[str, Directive]] = []
    helpers: list[HelperProgram] = []
    children: list[HelperChildren] = []
    eacl: list[ExternalAclType] = []
    all_peer_names = _peer_names(directives)
    acls = AclNames(dict(known.PREDEFINED_ACLS), quoted_values)
    unread = _Unread(events)

    known_names, list_directives = known.DIRECTIVES, known.LIST_DIRECTIVES
    for d in directives:
        name = d.name.text
        if name not in known_names:
            if name in known.OBSOLETE_DIRECTIVES:
                fatal = obsolete_fatal_reason(name, d.args) is not None
                events.append(ReadEvent(Kind.OBSOLETE_DIRECTIVE, d.pos,
                                        f"directive '{name}' is obsolete: Squid logs an ERROR "
                                        "and ignores the line",
                                        Squid.FATAL if fatal else Squid.ERROR, None, name))
            else:
                events.append(ReadEvent(Kind.UNKNOWN_DIRECTIVE, d.pos,
                                        f"unrecognized directive '{name}': Squid 5 skips the "
                                        "line and adds 1 to its exit status", Squid.COUNTED,
                                        d.pos.column + len(name), name))
            unread.drop(d, 0)  # parse_line never tokenizes the rest of the line
            continue
        if name in known.CONDITIONAL_DIRECTIVES:  # compiled out: cf_gen's "#else" branch
            events.append(ReadEvent(
                Kind.UNSUPPORTED_DIRECTIVE, d.pos,
                f"'{name}' requires {known.CONDITIONAL_REQUIRES[name]}, which Debian's Squid 5.7 "
                "is built without: it logs an ERROR and ignores the line", Squid.ERROR,
                d.pos.column + len(name), name))
            unread.drop(d, 0)
            continue
        if name == "cache_peer":
            peer = parse_cache_peer(d, events)
            if peer is not None:
                clash = by_name.get(peer.name.lower()) if peer.name else None
                if clash is not None:
                    events.append(ReadEvent(
                        Kind.PEER_DUPLICATE, _name_token(peer).pos,
                        f"cache_peer '{peer.name}' specified twice (names compare "
                        f"case-insensitively; first at line {clash.pos.line}): Squid stops here",
                        Squid.FATAL))
                peers.append(peer)
                if peer.name:
                    by_name.setdefault(peer.name.lower(), peer)
        elif name == "acl":
            _acl(d, acls, events)
        elif name == "auth_param":
            # Auth::SchemeConfig::parse: "program" (other than "none") makes the scheme usable
            words = d.words
            if (len(words) > 2 and words[0] in known.AUTH_SCHEMES and words[1] == "program"
                    and words[2] != "none"):
                acls.state.auth_configured = True
        elif name == "cache_peer_access":
            rule = _peer_access(d, by_name, all_peer_names, acls, events)
            if rule is not None:
                access.append(rule)
            elif d.words:  # an unknown peer: nothing more is read; a bad action: no ACL is
                unread.drop(d, 1 if d.words[0].lower() not in by_name else 2)
        elif name == "neighbor_type_domain":
            item = _neighbor_type_domain(d, by_name, all_peer_names, events)
            if item is not None:
                ntd.append(item)
            elif len(d.args) > 2:
                unread.drop(d, 3)  # the lookup fails once the first domain is read
        elif name in ("http_port", "https_port", "ascii_port", "ftp_port"):
            port = parse_port_line(d, events)
            if name != "ftp_port":
                ports.append(port)
        elif name == "mcast_groups":
            groups.extend(d.args)
        elif name in known.ACCESS_DIRECTIVES:
            if not _access_line(d, 0, acls, events):
                unread.drop(d, 1)  # aclParseAccessLine returns before reading ACL names
            if name in ACCESS_LISTS:
                lists.append((name, d))
        elif name in ACL_LIST_FIRST:  # aclParseAclList after fixed leading words
            _acl_names(d, ACL_LIST_FIRST[name], acls, events)
        elif name in HELPER_PROGRAMS:
            helpers.append(HelperProgram(d, HELPER_PROGRAMS[name], d.args))
        elif name in HELPER_CHILDREN:
            children.append(_children(d, HELPER_CHILDREN[name], events))
        elif name == "external_acl_type":
            item2 = _external_acl(d, events)
            if item2 is not None:
                eacl.append(item2)
        if quoted_values and _reads_regex(d):
            where = d.args[1] if name == "acl" else d.name
            events.append(ReadEvent(
                Kind.BAD_VALUE, where.pos,
                f"{name} reads a regular expression, which Squid 5 refuses while "
                "configuration_includes_quoted_values is on ('Can not read regex expression'): "
                "switch it off before this line", Squid.FATAL,
                where.pos.column + len(where.raw_or_text), where.text))
        if name in list_directives and not quoted_values and ('"' in d.text or "'" in d.text):
            _list_files(d, events, cwd)
        if name in known.SCALAR_TYPES:
            key = ALIASES.get(name, name)
            settings.append((key, _scalar(d, known.SCALAR_TYPES[name], events)))
            unread.drop(d, _scalar_reads(d, known.SCALAR_TYPES[name]))
            if name == "configuration_includes_quoted_values":
                quoted_values = bool(d.args) and known.ONOFF_WORDS.get(d.args[0].text) is True
                acls.quoted_values = quoted_values

    _nameless_peers(directives, peers, events)
    return SquidConfig(
        directives=tuple(directives), peers=tuple(peers), peer_access=tuple(access),
        neighbor_type_domains=tuple(ntd), http_ports=tuple(ports), mcast_groups=tuple(groups),
        settings=tuple(settings), access_lists=tuple(lists), helpers=tuple(helpers),
        helper_children=tuple(children), external_acl_types=tuple(eacl))


OBSOLETE_ALWAYS_FATAL = frozenset({"log_access", "log_icap"})  # src/cache_cf.cc parse_obsolete
OBSOLETE_INT_VALUE = frozenset({"url_rewrite_concurrency"})  # parse_obsolete: parse_int
OBSOLETE_ONOFF_VALUE = frozenset({"ignore_ims_on_miss"})  # parse_obsolete: parse_onoff
OBSOLETE_SSLPROXY_PREFIX = "sslproxy_"  # parse_obsolete: NextQuotedOrToEol, NULL crashes 5.7


def obsolete_fatal_reason(name: str, args: Sequence[Token]) -> str | None:
    """How ``parse_obsolete()`` stops Squid on this obsolete line, or None if it does not."""
    if name in OBSOLETE_ALWAYS_FATAL:
        return "stops ('Bungled'): parse_obsolete() rejects this line whatever it says"
    if name in OBSOLETE_INT_VALUE and (not args or get_integer(args[0].text).value is None):
        return "stops ('Bungled'): parse_obsolete() still reads an integer here"
    if name in OBSOLETE_ONOFF_VALUE and (not args or args[0].text not in known.ONOFF_WORDS):
        return "stops ('Bungled'): parse_obsolete() still reads an on/off value here"
    if name.startswith(OBSOLETE_SSLPROXY_PREFIX) and not args:
        return "crashes: Squid 5.7 converts the missing value into tls_outgoing_options (SIGSEGV)"
    return None


# The lexer's problems with a token (src/ConfigParser.cc TokenParse/UnQuote): Squid meets them only
# when a directive parser asks for that token.
TOKEN_KINDS = frozenset({Kind.QUOTE_ERROR, Kind.STRICT_TOKEN, Kind.UNKNOWN_FUNCTION,
                         Kind.PARAMETERS_ERROR, Kind.PARAMETERS_LITERAL})
# Scalar types whose parser reads exactly one token (parse_onoff, parse_int, parse_string...).
ONE_TOKEN_TYPES = frozenset({"onoff", "tristate", "int", "u_short", "int64_t", "string",
                             "address", "YesNoNone", "configuration_includes_quoted_values",
                             "TokenOrQuotedString"})


class _Unread:
    """Forgets lexer events in tokens Squid never reads (ConfigParser tokenizes on demand)."""

    def __init__(self, events: list[ReadEvent]) -> None:
        self.events = events
        self.any = any(e.kind in TOKEN_KINDS for e in events)

    def drop(self, d: Directive, first: int) -> None:
        if not self.any or first >= len(d.words):
            return
        spans = [(t.pos.file, t.pos.line, t.pos.column, t.pos.column + len(t.raw_or_text))
                 for t in d.args[first:]]
        self.events[:] = [e for e in self.events if e.kind not in TOKEN_KINDS or not any(
            e.pos.file == f and e.pos.line == ln and start <= e.pos.column < end
            for f, ln, start, end in spans)]


def _scalar_reads(d: Directive, squid_type: str) -> int:
    """How many tokens a scalar directive's parser reads (the rest of the line is never read)."""
    if squid_type in ONE_TOKEN_TYPES:
        return 1
    if squid_type in TIME_TYPES or squid_type in BYTES_TYPES:
        value = xatof(d.args[0].text) if d.args else None
        return 1 if value == 0 or (d.args and d.args[0].text in ("none", "-1")) else 2
    return len(d.args)


def _nameless_peers(directives: Sequence[Directive], peers: Sequence[CachePeer],
                    events: list[ReadEvent]) -> None:
    """A peer whose ``name=`` is empty has a NULL name in Squid 5: the next ``peerFindByName``
    (another cache_peer's duplicate check, cache_peer_access, neighbor_type_domain with a domain)
    passes it to strcasecmp and crashes. With none of those, ``squid -k parse`` passes."""
    for index, e in enumerate(events):
        if e.kind is not Kind.PEER_EMPTY_NAME:
            continue
        peer = next((p for p in peers if e.pos in (o.token.pos for o in p.options)), None)
        if peer is None:
            continue
        later = directives[directives.index(peer.directive) + 1:]
        if len(peers) > 1 or any(
                (d.keyword == "cache_peer_access" and d.args)
                or (d.keyword == "neighbor_type_domain" and len(d.args) > 2) for d in later):
            continue
        how = ("Squid crashes at start, when it builds the CARP table, and "
               if peer.is_carp_member else "")
        events[index] = e._replace(
            squid=Squid.SILENT,
            message=(f"empty name=: Squid 5 keeps no name; squid -k parse passes while this is "
                     f"the only peer, but {how}any other cache_peer or cache_peer_access line "
                     "makes it crash (6.1+ rejects the line)"))


def _peer_names(directives: Sequence[Directive]) -> dict[str, int]:
    """Lower-cased name of every cache_peer anywhere in the config -> its line."""
    names: dict[str, int] = {}
    for d in directives:
        if d.keyword == "cache_peer" and d.args:
            name = d.args[0].text
            for tok in d.args[4:]:
                if tok.text.startswith("name=") and tok.text[5:]:
                    name = tok.text[5:]
            names.setdefault(name.lower(), d.pos.line)
    return names


def _name_token(peer: CachePeer) -> Token:
    for opt in reversed(peer.options):
        if opt.key == "name":
            return opt.token
    return peer.directive.args[0]


def _unknown_peer(d: Directive, tok: Token, all_names: dict[str, int],
                  events: list[ReadEvent]) -> None:
    later = all_names.get(tok.text.lower())
    detail = (f"it is defined later (line {later}); Squid looks the name up when it reads this "
              "line" if later is not None else "no cache_peer has that name")
    # parse_peer_access prints "ERROR: FILE, line N: No cache_peer 'X'"; parse_hostdomaintype
    # prints the same words without "ERROR: " (the line is dropped either way, exit status 0).
    said = "logs an ERROR" if d.keyword == "cache_peer_access" else "prints 'No cache_peer'"
    events.append(ReadEvent(
        Kind.PEER_UNKNOWN_REFERENCE, tok.pos,
        f"{d.keyword} names cache_peer '{tok.text}' but {detail}: Squid 5 {said} and "
        "ignores the line (6.1+ stops)", Squid.ERROR, tok.pos.column + len(tok.raw_or_text)))


def _peer_access(d: Directive, by_name: dict[str, CachePeer], all_names: dict[str, int],
                 acls: AclNames, events: list[ReadEvent]) -> AccessRule | None:
    """``parse_peer_access``: the peer first (an unknown one drops the line), then the rule."""
    if not d.words:
        events.append(ReadEvent(Kind.BAD_VALUE, d.pos, "cache_peer_access needs a peer name",
                                Squid.FATAL))
        return None
    if d.words[0].lower() not in by_name:
        _unknown_peer(d, d.args[0], all_names, events)
        return None
    if not _access_line(d, 1, acls, events):
        return None
    return AccessRule(d, d.words[1])


class AclNames:
    """ACL names defined so far (``ACL::FindByName`` compares them case-insensitively)."""

    def __init__(self, names: dict[str, str], quoted_values: bool = False) -> None:
        self.names = names
        """Lower-cased name -> ACL type."""
        self.quoted_values = quoted_values
        self.state = AclState()
        """What acl lines carry forward (auth schemes, domain trees)."""

    def __contains__(self, name: str) -> bool:
        return name.lower() in self.names


def _reads_regex(d: Directive) -> bool:
    """Lines whose parser calls ``ConfigParser::RegexPattern``/``RegexStrtokFile``."""
    if d.keyword == "refresh_pattern":
        return True
    return d.keyword == "acl" and len(d.words) >= 2 and d.words[1] in known.REGEX_ACL_TYPES


def _acl(d: Directive, acls: AclNames, events: list[ReadEvent]) -> None:
    """``ACL::ParseAclLine``: the name and type are required; the name then exists."""
    words = d.words
    if len(words) < 2:
        what = "name" if not words else "type"
        events.append(ReadEvent(Kind.BAD_VALUE, d.pos,
                                f"acl without a {what}: Squid stops ('missing ACL {what}')",
                                Squid.FATAL))
        return
    name = words[0]
    if len(name) >= ACL_NAME_SZ // 4 and len(
            name.encode("utf-8", "surrogateescape")) >= ACL_NAME_SZ:
        tok = d.args[0]
        events.append(ReadEvent(Kind.BAD_VALUE, tok.pos,
                                f"ACL name longer than {ACL_NAME_SZ - 1} bytes: Squid stops",
                                Squid.FATAL, tok.pos.column + len(tok.raw_or_text)))
        return
    kind = ACL_TYPE_RENAMES.get(words[1], words[1])
    if kind == "proto" and name == "manager":
        return  # "UPGRADE: ACL 'manager' is now a built-in ACL": the line is ignored
    key = name.lower()
    new = key not in acls.names
    known_kind = acls.names.setdefault(key, kind)
    if known_kind != kind:
        tok = d.args[1]
        events.append(ReadEvent(Kind.BAD_VALUE, tok.pos,
                                f"ACL '{name}' already exists with type {known_kind} (names "
                                "compare case-insensitively): Squid stops", Squid.FATAL,
                                tok.pos.column + len(tok.raw_or_text), kind))
        return
    first = check_acl_line(d, kind, new, events, acls.state)
    if kind in ("all-of", "any-of"):  # Acl::InnerNode::lineParse: names of ACLs defined above
        if new:  # ParseAclLine lists a new ACL only after parsing it: it cannot name itself
            del acls.names[key]
            _acl_names(d, first, acls, events)
            acls.names[key] = kind
        else:
            _acl_names(d, first, acls, events)


def _acl_names(d: Directive, first: int, acls: AclNames, events: list[ReadEvent]) -> None:
    """``Acl::InnerNode::lineParse``: each [!]NAME (the words from ``first`` on) must name an ACL
    defined above (fatal)."""
    names = acls.names
    for index in range(first, len(d.words)):
        word = d.words[index]
        if not acls.quoted_values and word[:1] in "\"'":
            continue  # strtokFile: ACL names read from that file (SC011 checks it exists)
        name = word[1:] if word.startswith("!") else word
        if name.lower() not in names:
            tok = d.args[index]
            what = (f"ACL '{name}' is not defined above this line (ACL names are looked up "
                    "while the line is read)" if name else "a lone '!' names no ACL (write !NAME)")
            events.append(ReadEvent(
                Kind.BAD_VALUE, tok.pos, f"{what}: Squid stops ('ACL not found')", Squid.FATAL,
                tok.pos.column + len(tok.raw_or_text), name))


def _access_line(d: Directive, first: int, acls: AclNames, events: list[ReadEvent]) -> bool:
    """``aclParseAccessLine`` on the words from ``first``: allow|deny, then ACL names that must
    exist already.

    A missing or other action word, or no ACL name, is printed and the line dropped (exit 0);
    an ACL name not defined above stops Squid (``ACL not found``). Returns whether the rule is
    kept.
    """
    words = d.words
    if len(words) <= first or words[first] not in ("allow", "deny"):
        where = d.args[first] if len(words) > first else d.name
        got = f", got '{where.text}'" if len(words) > first else ""
        events.append(ReadEvent(
            Kind.BAD_VALUE, where.pos,
            f"{d.keyword} needs 'allow' or 'deny'{got}: Squid prints this and drops the line",
            Squid.ERROR, where.pos.column + len(where.raw_or_text), where.text))
        return False
    _acl_names(d, first + 1, acls, events)
    if len(words) == first + 1:
        action = d.args[first]
        events.append(ReadEvent(
            Kind.BAD_VALUE, action.pos,
            f"{d.keyword} {action.text} without an ACL: Squid drops the line ('Access line "
            "contains no ACL's, skipping')", Squid.ERROR,
            action.pos.column + len(action.raw_or_text), action.text))
        return False
    return True


def _neighbor_type_domain(d: Directive, by_name: dict[str, CachePeer], all_names: dict[str, int],
                          events: list[ReadEvent]) -> NeighborTypeDomain | None:
    if len(d.args) < 2:
        events.append(ReadEvent(Kind.BAD_VALUE, d.pos,
                                "neighbor_type_domain needs NAME parent|sibling DOMAIN...",
                                Squid.FATAL))
        return None
    # parse_hostdomaintype looks the peer up only once it has a domain to attach.
    if len(d.args) > 2 and d.args[0].text.lower() not in by_name:
        _unknown_peer(d, d.args[0], all_names, events)
        return None
    return NeighborTypeDomain(d, d.args[0], d.args[1], d.args[2:])


def _children(d: Directive, kind: str, events: list[ReadEvent]) -> HelperChildren:
    """``Helper::ChildConfig::parseConfig``: N, then ``key=value`` options matched by prefix.

    Numbers go through ``xatoui`` (decimal, 0..UINT_MAX: a negative one is fatal); an unknown
    option or overload action is fatal; idle=0 and startup/idle above N are overridden with a
    WARNING."""
    count: int | None = None
    opts: dict[str, int | str | None] = {}
    if d.args:
        count, error = xatoui(d.args[0].text)
        if error is None and count is not None and count < 1:
            error = "the maximum number of processes cannot be less than 1"
        if error is not None:
            events.append(ReadEvent(Kind.BAD_VALUE, d.args[0].pos,
                                    f"{d.keyword}: {error}: Squid stops here", Squid.FATAL))
    for tok in d.args[1:]:
        key = next((k for k in HELPER_CHILD_OPTIONS if tok.text.startswith(k)), None)
        value = tok.text[len(key):] if key else ""
        if key == "on-persistent-overload=":
            opts["on_persistent_overload"] = value
            if value not in ("ERR", "die"):
                events.append(ReadEvent(
                    Kind.BAD_VALUE, tok.pos, f"{d.keyword}: on-persistent-overload is ERR or die, "
                    f"not '{value}': Squid stops here", Squid.FATAL))
        elif key is not None:
            number, error = xatoui(value)
            opts[key[:-1].replace("-", "_")] = number
            if error is not None:
                events.append(ReadEvent(Kind.BAD_VALUE, tok.pos,
                                        f"{d.keyword} {key}: {error}: Squid stops here",
                                        Squid.FATAL))
            elif key == "idle=" and number == 0:
                events.append(ReadEvent(Kind.BAD_VALUE, tok.pos,
                                        f"{d.keyword} idle=0: Squid warns and uses idle=1",
                                        Squid.WARNING))
        else:
            events.append(ReadEvent(Kind.BAD_VALUE, tok.pos,
                                    f"unknown {d.keyword} option '{tok.text}': Squid stops here",
                                    Squid.FATAL))
    for key in ("startup", "idle"):
        value_n = opts.get(key)
        if isinstance(value_n, int) and count is not None and count >= 1 and value_n > count:
            tok = next(t for t in reversed(d.args[1:]) if t.text.startswith(f"{key}="))
            events.append(ReadEvent(Kind.BAD_VALUE, tok.pos,
                                    f"{d.keyword} {key}={value_n} is more than the {count} "
                                    f"helpers: Squid warns and uses {key}={count}", Squid.WARNING))
    return HelperChildren(
        d, kind, count,
        startup=_int_or_none(opts.get("startup")), idle=_int_or_none(opts.get("idle")),
        concurrency=_int_or_none(opts.get("concurrency")),
        queue_size=_int_or_none(opts.get("queue_size")),
        on_persistent_overload=_str_or_none(opts.get("on_persistent_overload")))


def _int_or_none(v: object) -> int | None:
    return v if isinstance(v, int) else None


def _str_or_none(v: object) -> str | None:
    return v if isinstance(v, str) else None


def _external_acl(d: Directive, events: list[ReadEvent]) -> ExternalAclType | None:
    """``external_acl_type NAME [options] %FORMAT... HELPER [args]``: at least one format and a
    helper are required (a word that is no option and no %code ends the options *and* the
    formats, so a misspelled option leaves no format: fatal)."""
    if not d.args:
        events.append(ReadEvent(Kind.BAD_VALUE, d.pos, "external_acl_type needs a name: Squid "
                                "stops ('Bungled')", Squid.FATAL))
        return None
    options: list[tuple[str, str | None, Token]] = []
    formats: list[Token] = []
    rest = list(d.args[1:])
    while rest and (rest[0].text in known.EXTERNAL_ACL_WORDS
                    or rest[0].text.startswith(known.EXTERNAL_ACL_PREFIXES)):
        tok = rest.pop(0)
        key, sep, value = tok.text.partition("=")
        options.append((key, value if sep else None, tok))
        if key == "children":
            events.append(ReadEvent(Kind.BAD_VALUE, tok.pos, "external_acl_type children= is "
                                    "deprecated: Squid warns (use children-max=)", Squid.WARNING,
                                    tok.pos.column + len(tok.raw_or_text), tok.text))
    while rest and rest[0].text.startswith("%"):
        formats.append(rest.pop(0))
    if not formats:
        where = rest[0] if rest else d.name
        why = (f"'{where.text}' is neither an option nor a %format code"
               if rest else "no %format code")
        events.append(ReadEvent(Kind.BAD_VALUE, where.pos,
                                f"external_acl_type {d.args[0].text}: {why}: Squid needs at "
                                "least one format and stops ('Bungled')", Squid.FATAL,
                                where.pos.column + len(where.raw_or_text), where.text))
    elif not rest:
        events.append(ReadEvent(Kind.BAD_VALUE, formats[-1].pos,
                                f"external_acl_type {d.args[0].text} has no helper program after "
                                "its formats: Squid stops ('Bungled')", Squid.FATAL))
    return ExternalAclType(d, d.args[0], tuple(options), tuple(formats), tuple(rest))


def _list_files(d: Directive, events: list[ReadEvent], cwd: str | None) -> None:
    """A token starting with a quote names a file of values (``ConfigParser::strtokFile``).

    Squid opens it from its working directory; a file it cannot open is an ERROR line, after
    which the ACL has no values from it (``Warning: empty ACL``) or the access rule is dropped.
    """
    # acl NAME TYPE values..., cache_peer_access PEER allow|deny acls..., note NAME VALUE acls...,
    # request_header_add NAME VALUE acls..., http_access allow|deny acls...: the leading words
    # are read with NextToken, never from a file.
    if '"' not in d.text and "'" not in d.text:
        return
    first = LIST_FIRST.get(d.keyword, 1 if d.keyword in known.ACCESS_DIRECTIVES else 0)
    words = d.words
    for index in range(first, len(words)):
        text = words[index]
        if text[:1] not in "\"'":
            continue
        path = text[1:]
        for q in "\"'":
            path = path.split(q, 1)[0]
        full = os.path.join(cwd or os.getcwd(), path)
        if not os.path.isfile(full):
            tok = d.args[index]
            events.append(ReadEvent(
                Kind.ACL_FILE_MISSING, tok.pos,
                f"{d.keyword} reads values from '{path}', which cannot be opened: Squid logs "
                "an ERROR and goes on without them", Squid.ERROR,
                tok.pos.column + len(tok.raw_or_text), path))


def _scalar(d: Directive, squid_type: str, events: list[ReadEvent]) -> Setting:
    if not d.args:
        events.append(ReadEvent(Kind.BAD_VALUE, d.pos, f"{d.keyword} needs a value",
                                Squid.FATAL))
        return Setting(d, None)
    tok = d.args[0]
    if squid_type in BOOLEAN_WORDS:
        return Setting(d, _boolean(d, tok, BOOLEAN_WORDS[squid_type], events))
    if squid_type in TIME_TYPES:  # checked; the model keeps the words as written
        _time_value(d, TIME_TYPES[squid_type], events)
    elif squid_type in BYTES_TYPES:
        _bytes_value(d, BYTES_TYPES[squid_type], events)
    if squid_type in ("int", "u_short", "int64_t"):
        if squid_type == "int":  # parse_int -> GetInteger: strtoll base 0, C int
            value, error = get_integer(tok.text)
        elif squid_type == "int64_t":  # parse_int64_t -> GetInteger64: strtoll base 10
            value, error = xatoll(tok.text)
        else:  # parse_u_short -> GetShort -> xatos: decimal 0..65535, no service names
            value, error = xatos(tok.text)
        if error:
            events.append(ReadEvent(Kind.BAD_VALUE, tok.pos, f"{d.keyword}: {error}",
                                    Squid.FATAL))
        return Setting(d, value)
    return Setting(d, " ".join(t.text for t in d.args))


def _time_value(d: Directive, minimal: float, events: list[ReadEvent]) -> float | None:
    """``parseTimeLine<Unit>``: a number, then (unless it is 0) a unit word, case-insensitive and
    matched by prefix (``seconds``, ``minutes``, not ``sec`` or ``min``), no smaller than the
    directive's unit; the result must be at least 1 of that unit. Returns seconds."""
    tok = d.args[0]
    value = xatof(tok.text)
    if value is None:
        _fatal_value(d, tok, f"'{tok.text}' is not a number", events)
        return None
    if value == 0:
        return 0.0
    unit_tok = d.args[1] if len(d.args) > 1 else None
    if unit_tok is None:
        _fatal_value(d, tok, "missing time unit (write e.g. '30 seconds')", events)
        return None
    unit = next((seconds for word, seconds in TIME_UNITS if unit_tok.text.lower().startswith(word)),
                None)
    if unit is None:
        _fatal_value(d, unit_tok, f"unknown time unit '{unit_tok.text}' (units are spelled out: "
                     "second, minute, hour, day, week...)", events)
        return None
    if unit < minimal:
        _fatal_value(d, unit_tok, f"time unit '{unit_tok.text}' is too small here", events)
        return None
    if value < 0:
        _fatal_value(d, tok, "time must have a positive value", events)
        return None
    total = value * unit
    if total * 1e9 > 2**63 - 1:
        _fatal_value(d, tok, "time values cannot exceed 292 years", events)
        return None
    if total < minimal:
        _fatal_value(d, tok, f"'{tok.text} {unit_tok.text}' is too small here", events)
        return None
    return total


def _bytes_value(d: Directive, unit: int, events: list[ReadEvent]) -> float | None:
    """``parseBytesLine*``: ``none``/``-1``, or a number and (unless it is 0) a unit (``bytes``,
    ``KB``, ``MB``, ``GB`` matched by prefix, case-insensitive); no unit only warns. The value in
    the directive's own unit must be a whole number. Returns bytes (-1 for none)."""
    tok = d.args[0]
    signed = known.SCALAR_TYPES.get(d.keyword) == "b_ssize_t"
    if tok.text in ("none", "-1") or (signed and tok.text.startswith("-")):
        return -1.0
    value = xatof(tok.text)
    if value is None:
        _fatal_value(d, tok, f"'{tok.text}' is not a number", events)
        return None
    multiplier = unit
    unit_tok = d.args[1] if len(d.args) > 1 else None
    if value != 0 and unit_tok is None:
        name = next(word for word, size in BYTES_UNITS if size == unit)
        events.append(ReadEvent(Kind.BAD_VALUE, tok.pos,
                                f"{d.keyword} {tok.text} has no unit: Squid warns and assumes "
                                f"{name}", Squid.WARNING,
                                tok.pos.column + len(tok.raw_or_text), tok.text))
    elif value != 0 and unit_tok is not None:
        found = next((size for word, size in BYTES_UNITS
                      if unit_tok.text.lower().startswith(word.lower())), None)
        if found is None:
            _fatal_value(d, unit_tok, f"unknown bytes unit '{unit_tok.text}' (bytes, KB, MB or "
                         "GB)", events)
            return None
        multiplier = found
    amount = multiplier * value / unit
    if not abs(amount) < 2**63 or float(int(amount)) != amount:  # (NaN fails too)
        _fatal_value(d, tok, f"'{tok.text}' is not a whole number of "
                     f"{'KB' if unit == 1024 else 'bytes'} (or overflows)", events)
        return None
    return amount * unit


def _fatal_value(d: Directive, tok: Token, message: str, events: list[ReadEvent]) -> None:
    events.append(ReadEvent(Kind.BAD_VALUE, tok.pos, f"{d.keyword}: {message}: Squid stops here",
                            Squid.FATAL, tok.pos.column + len(tok.raw_or_text), tok.text))


def _boolean(d: Directive, tok: Token, words: dict[str, bool | None],
             events: list[ReadEvent]) -> bool | None:
    """``parse_onoff`` / ``parse_tristate``: exact words, the old spellings with a WARNING."""
    word = tok.text
    if word not in words:
        allowed = "', '".join(w for w in words if w not in DEPRECATED_BOOLEAN)
        events.append(ReadEvent(
            Kind.BAD_VALUE, tok.pos,
            f"{d.keyword} {word}: Squid accepts only '{allowed}' (case-sensitive) and stops here",
            Squid.FATAL, tok.pos.column + len(tok.raw_or_text), word))
        return None
    if word in DEPRECATED_BOOLEAN:
        events.append(ReadEvent(
            Kind.BAD_VALUE, tok.pos,
            f"'{word}' is deprecated: Squid warns and reads it as "
            f"'{DEPRECATED_BOOLEAN[word]}'", Squid.WARNING,
            tok.pos.column + len(tok.raw_or_text), word))
    return words[word]
