"""Stage 4b: active directives -> the typed :class:`SquidConfig`.

Directive names are matched exactly (``strcmp``: ``HTTP_PORT`` is not ``http_port``) against the
names Squid 5.7 knows (:mod:`squidcarp.conf.known`). Per-peer directives resolve their peer the way
``peerFindByName`` does — case-insensitively, among the peers defined *so far* — because that is
when Squid looks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property

from squidcarp.conf.access import (
    ACTIONS,
    AclNames,
    access_line,
    acl_line,
    acl_names,
    leading_words,
    list_file_events,
)
from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.facts.acl import ACL_LISTS, AUTH_SCHEMES, LIST_DIRECTIVES, REGEX_ACL_TYPES
from squidcarp.conf.facts.directives import (
    CONDITIONAL_REQUIRES,
    DIRECTIVE_ALIASES,
    DIRECTIVES,
    EXTERNAL_ACL_PREFIXES,
    EXTERNAL_ACL_WORDS,
    OBSOLETE_DIRECTIVES,
)
from squidcarp.conf.facts.scalars import ONOFF_WORDS, SCALAR_TYPES
from squidcarp.conf.model import (
    PEER_TYPE_SPELLINGS,
    AccessRecord,
    AccessRule,
    AclRecord,
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
from squidcarp.conf.scalars import parse_scalar, scalar_reads
from squidcarp.conf.words import WordTable
from squidcarp.libc import c_lower, get_integer, xatoui

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
# Helper::ChildConfig::parseConfig (src/helper/ChildConfig.cc @ SQUID_5_7), strncmp prefixes.
HELPER_CHILD_OPTIONS = ("startup=", "idle=", "concurrency=", "queue-size=",
                        "on-persistent-overload=", "reservation-timeout=")
ACCESS_LISTS = ("always_direct", "never_direct")


class _Build:
    """What :func:`build` collects while it walks the directives (one instance per read)."""

    def __init__(self, directives: Sequence[Directive], events: list[ReadEvent],
                 cwd: str | None, quoted_values: bool) -> None:
        self.events = events
        self.cwd = cwd
        self.quoted_values = quoted_values
        self.peers: list[CachePeer] = []
        self.by_name: dict[str, CachePeer] = {}
        """Lower-cased name -> the first peer so named (``peerFindByName``)."""
        self.words = WordTable()  # words of the lines split while they are built
        self.directives = directives
        self.peer_access: list[AccessRule] = []
        self.access: list[AccessRecord] = []
        self.acl_definitions: list[AclRecord] = []
        self.ntd: list[NeighborTypeDomain] = []
        self.ports: list[HttpPort] = []
        self.groups: list[Token] = []
        self.settings: list[tuple[str, Setting]] = []
        self.lists: list[tuple[str, Directive]] = []
        self.helpers: list[HelperProgram] = []
        self.children: list[HelperChildren] = []
        self.eacl: list[ExternalAclType] = []
        self.acls = AclNames(quoted_values, cwd)
        self.unread = _Unread(events)

    @cached_property
    def all_peer_names(self) -> dict[str, int]:
        """Every peer name in the config, later lines included (made for the first reference
        to an unknown peer: most configs have none)."""
        return _peer_names(self.directives)


Handler = Callable[[_Build, Directive], None]


def _cache_peer(b: _Build, d: Directive) -> None:
    d.hold_words(b.words)  # only while the line is built (Directive.hold_words)
    peer = parse_cache_peer(d, b.events)
    d.release_words()  # the CachePeer keeps what the line says
    if peer is None:
        return
    clash = b.by_name.get(c_lower(peer.name)) if peer.name else None
    if clash is not None:
        b.events.append(ReadEvent(
            Kind.PEER_DUPLICATE, _name_token(peer).pos,
            f"cache_peer '{peer.name}' specified twice (names compare case-insensitively; "
            f"first at line {clash.pos.line}): Squid stops here", Squid.FATAL))
    b.peers.append(peer)
    if peer.name:
        b.by_name.setdefault(c_lower(peer.name), peer)


def _acl(b: _Build, d: Directive) -> None:
    d.hold_words(b.words)  # only while the line is built (Directive.hold_words)
    definition = acl_line(d, b.acls, b.events)
    d.release_words()  # the record keeps what the line says
    if definition is not None:
        b.acl_definitions.append(definition)


def _auth_param(b: _Build, d: Directive) -> None:
    # Auth::SchemeConfig::parse: "program" (other than "none") makes the scheme usable
    words = d.words
    if (len(words) > 2 and words[0] in AUTH_SCHEMES and words[1] == "program"
            and words[2] != "none"):
        b.acls.state.auth_configured = True


def _cache_peer_access(b: _Build, d: Directive) -> None:
    """``parse_peer_access``: the peer first (an unknown one drops the line), then the rule."""
    if not d.words:
        b.events.append(ReadEvent(Kind.MISSING_VALUE, d.pos, "cache_peer_access needs a peer name",
                                  Squid.FATAL))
        return
    peer = b.by_name.get(c_lower(d.words[0]))
    if peer is None:
        _unknown_peer(d, d.args[0], b.all_peer_names, b.events)
        b.unread.drop(d, 1)  # nothing more is read
        return
    if len(d.words) < 2 or d.words[1] not in ACTIONS:
        b.unread.drop(d, 2)  # aclParseAccessLine returns before reading ACL names
    line = access_line(d, 1, b.acls, b.events, peer.name)
    if line is not None:
        b.access.append(line)
        b.peer_access.append(AccessRule(d, line[1]))


def _access_list(b: _Build, d: Directive) -> None:
    """A directive of :data:`ACL_LISTS`: its own words, then its ACL list."""
    syntax = ACL_LISTS[d.keyword]
    first = leading_words(d, syntax)
    if d.keyword == "ftp_epsv" and d.words[:1] in (("on",), ("off",)):
        return  # parse_ftp_epsv: the deprecated form reads no ACL list
    if not syntax.action:
        acl_names(d, first, b.acls, b.events)
        return
    if len(d.words) <= first or d.words[first] not in ACTIONS:
        b.unread.drop(d, first + 1)  # aclParseAccessLine returns before reading ACL names
    line = access_line(d, first, b.acls, b.events)
    if line is not None:
        b.access.append(line)
    if d.keyword in ACCESS_LISTS:
        b.lists.append((d.keyword, d))


def _neighbor_type_domain_line(b: _Build, d: Directive) -> None:
    item = _neighbor_type_domain(d, b.by_name, b.all_peer_names, b.events)
    if item is not None:
        b.ntd.append(item)
    elif len(d.args) > 2:
        b.unread.drop(d, 3)  # the lookup fails once the first domain is read


def _port(b: _Build, d: Directive) -> None:
    port = parse_port_line(d, b.events)
    if d.keyword != "ftp_port":
        b.ports.append(port)


def _mcast_groups(b: _Build, d: Directive) -> None:
    b.groups.extend(d.args)


def _helper_program(b: _Build, d: Directive) -> None:
    b.helpers.append(HelperProgram(d, HELPER_PROGRAMS[d.keyword], d.args))


def _helper_children(b: _Build, d: Directive) -> None:
    b.children.append(_children(d, HELPER_CHILDREN[d.keyword], b.events))


def _external_acl_type(b: _Build, d: Directive) -> None:
    item = _external_acl(d, b.events)
    if item is not None:
        b.eacl.append(item)


# Directive name -> what reads it (beyond the checks every line gets: see build()).
HANDLERS: dict[str, Handler] = {
    "cache_peer": _cache_peer,
    "acl": _acl,
    "auth_param": _auth_param,
    "neighbor_type_domain": _neighbor_type_domain_line,
    "mcast_groups": _mcast_groups,
    "external_acl_type": _external_acl_type,
    **{name: _port for name in ("http_port", "https_port", "ascii_port", "ftp_port")},
    **{name: _access_list for name in ACL_LISTS},
    "cache_peer_access": _cache_peer_access,
    **{name: _helper_program for name in HELPER_PROGRAMS},
    **{name: _helper_children for name in HELPER_CHILDREN},
}


def build(directives: Sequence[Directive], events: list[ReadEvent],
          cwd: str | None = None, quoted_values: bool = False) -> SquidConfig:
    b = _Build(directives, events, cwd, quoted_values)
    known_names, list_directives = DIRECTIVES, LIST_DIRECTIVES
    scalar_types, aliases = SCALAR_TYPES, DIRECTIVE_ALIASES
    for d in directives:
        name = d.keyword
        if name not in known_names:
            _unrecognised(b, d)
            continue
        if name in CONDITIONAL_REQUIRES:  # compiled out: cf_gen's "#else" branch
            events.append(ReadEvent(
                Kind.UNSUPPORTED_DIRECTIVE, d.pos,
                f"'{name}' requires {CONDITIONAL_REQUIRES[name]}, which Debian's Squid 5.7 "
                "is built without: it logs an ERROR and ignores the line", Squid.ERROR,
                d.pos.column + len(name), name))
            b.unread.drop(d, 0)
            continue
        handler = HANDLERS.get(name)
        if handler is not None:
            handler(b, d)
        if b.quoted_values and _reads_regex(d):
            where = d.args[1] if name == "acl" else d.name
            events.append(ReadEvent(
                Kind.REGEX_QUOTED, where.pos,
                f"{name} reads a regular expression, which Squid 5 refuses while "
                "configuration_includes_quoted_values is on ('Can not read regex expression'): "
                "switch it off before this line", Squid.FATAL,
                where.pos.column + len(where.raw_or_text), where.text))
        if name in list_directives and not b.quoted_values and (
                '"' in d.text or "'" in d.text):
            list_file_events(d, events, cwd)
        squid_type = scalar_types.get(name)
        if squid_type is not None:
            b.settings.append((aliases.get(name, name), parse_scalar(d, squid_type, events)))
            b.unread.drop(d, scalar_reads(d, squid_type))
            if name == "configuration_includes_quoted_values":
                b.quoted_values = bool(d.args) and ONOFF_WORDS.get(d.args[0].text) is True
                b.acls.quoted_values = b.quoted_values

    _nameless_peers(directives, b.peers, events)
    return SquidConfig(
        directives=tuple(directives), peers=tuple(b.peers), peer_access=tuple(b.peer_access),
        neighbor_type_domains=tuple(b.ntd), http_ports=tuple(b.ports),
        mcast_groups=tuple(b.groups), settings=tuple(b.settings), access_lists=tuple(b.lists),
        helpers=tuple(b.helpers), helper_children=tuple(b.children),
        external_acl_types=tuple(b.eacl), acl_records=tuple(b.acl_definitions),
        access_records=tuple(b.access))


def _unrecognised(b: _Build, d: Directive) -> None:
    """A name that is no directive of 5.7: obsolete (an ERROR) or unknown (counted)."""
    name = d.keyword
    if name in OBSOLETE_DIRECTIVES:
        fatal = obsolete_fatal_reason(name, d.args) is not None
        b.events.append(ReadEvent(Kind.OBSOLETE_DIRECTIVE, d.pos,
                                  f"directive '{name}' is obsolete: Squid logs an ERROR and "
                                  "ignores the line", Squid.FATAL if fatal else Squid.ERROR,
                                  None, name))
    else:
        b.events.append(ReadEvent(Kind.UNKNOWN_DIRECTIVE, d.pos,
                                  f"unrecognized directive '{name}': Squid 5 skips the line and "
                                  "adds 1 to its exit status", Squid.COUNTED,
                                  d.pos.column + len(name), name))
    b.unread.drop(d, 0)  # parse_line never tokenizes the rest of the line


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
    if name in OBSOLETE_ONOFF_VALUE and (not args or args[0].text not in ONOFF_WORDS):
        return "stops ('Bungled'): parse_obsolete() still reads an on/off value here"
    if name.startswith(OBSOLETE_SSLPROXY_PREFIX) and not args:
        return "crashes: Squid 5.7 converts the missing value into tls_outgoing_options (SIGSEGV)"
    return None


# The lexer's problems with a token (src/ConfigParser.cc TokenParse/UnQuote): Squid meets them only
# when a directive parser asks for that token.
TOKEN_KINDS = frozenset({Kind.QUOTE_ERROR, Kind.STRICT_TOKEN, Kind.UNKNOWN_FUNCTION,
                         Kind.PARAMETERS_ERROR, Kind.PARAMETERS_LITERAL})


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
        if d.keyword == "cache_peer" and d.words:
            name = d.words[0]
            for word in d.words[4:]:
                if word.startswith("name=") and word[5:]:
                    name = word[5:]
            names.setdefault(c_lower(name), d.pos.line)
    return names


def _name_token(peer: CachePeer) -> Token:
    for opt in reversed(peer.options):
        if opt.key == "name":
            return opt.token
    return peer.directive.args[0]


def _unknown_peer(d: Directive, tok: Token, all_names: dict[str, int],
                  events: list[ReadEvent]) -> None:
    later = all_names.get(c_lower(tok.text))
    detail = (f"it is defined later (line {later}); Squid looks the name up when it reads this "
              "line" if later is not None else "no cache_peer has that name")
    # parse_peer_access prints "ERROR: FILE, line N: No cache_peer 'X'"; parse_hostdomaintype
    # prints the same words without "ERROR: " (the line is dropped either way, exit status 0).
    said = "logs an ERROR" if d.keyword == "cache_peer_access" else "prints 'No cache_peer'"
    events.append(ReadEvent(
        Kind.PEER_UNKNOWN_REFERENCE, tok.pos,
        f"{d.keyword} names cache_peer '{tok.text}' but {detail}: Squid 5 {said} and "
        "ignores the line (6.1+ stops)", Squid.ERROR, tok.pos.column + len(tok.raw_or_text)))


def _reads_regex(d: Directive) -> bool:
    """Lines whose parser calls ``ConfigParser::RegexPattern``/``RegexStrtokFile``."""
    if d.keyword == "refresh_pattern":
        return True
    return d.keyword == "acl" and len(d.words) >= 2 and d.words[1] in REGEX_ACL_TYPES


def _neighbor_type_domain(d: Directive, by_name: dict[str, CachePeer], all_names: dict[str, int],
                          events: list[ReadEvent]) -> NeighborTypeDomain | None:
    if len(d.args) < 2:
        events.append(ReadEvent(Kind.MISSING_VALUE, d.pos,
                                "neighbor_type_domain needs NAME parent|sibling DOMAIN...",
                                Squid.FATAL))
        return None
    # parse_hostdomaintype looks the peer up only once it has a domain to attach.
    if len(d.args) > 2 and c_lower(d.args[0].text) not in by_name:
        _unknown_peer(d, d.args[0], all_names, events)
        return None
    kind = d.args[1]
    if len(d.args) > 2 and kind.text not in PEER_TYPE_SPELLINGS:  # parseNeighborType per domain
        events.append(ReadEvent(Kind.PEER_UNKNOWN_TYPE, kind.pos,
                                f"unknown neighbor type '{kind.text}': Squid warns once per "
                                "domain and uses sibling there", Squid.WARNING,
                                kind.pos.column + len(kind.raw_or_text), kind.text))
    return NeighborTypeDomain(d, d.args[0], kind, d.args[2:])


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
            events.append(ReadEvent(Kind.HELPER_CHILDREN, d.args[0].pos,
                                    f"{d.keyword}: {error}: Squid stops here", Squid.FATAL))
    for tok in d.args[1:]:
        key = next((k for k in HELPER_CHILD_OPTIONS if tok.text.startswith(k)), None)
        value = tok.text[len(key):] if key else ""
        if key == "on-persistent-overload=":
            opts["on_persistent_overload"] = value
            if value not in ("ERR", "die"):
                events.append(ReadEvent(
                    Kind.HELPER_CHILDREN, tok.pos, f"{d.keyword}: on-persistent-overload is ERR "
                    f"or die, not '{value}': Squid stops here", Squid.FATAL))
        elif key is not None:
            number, error = xatoui(value)
            opts[key[:-1].replace("-", "_")] = number
            if error is not None:
                events.append(ReadEvent(Kind.HELPER_CHILDREN, tok.pos,
                                        f"{d.keyword} {key}: {error}: Squid stops here",
                                        Squid.FATAL))
            elif key == "idle=" and number == 0:
                events.append(ReadEvent(Kind.HELPER_CHILDREN, tok.pos,
                                        f"{d.keyword} idle=0: Squid warns and uses idle=1",
                                        Squid.WARNING))
        else:
            events.append(ReadEvent(Kind.HELPER_CHILDREN, tok.pos,
                                    f"unknown {d.keyword} option '{tok.text}': Squid stops here",
                                    Squid.FATAL))
    for key in ("startup", "idle"):
        value_n = opts.get(key)
        if isinstance(value_n, int) and count is not None and count >= 1 and value_n > count:
            tok = next(t for t in reversed(d.args[1:]) if t.text.startswith(f"{key}="))
            events.append(ReadEvent(Kind.HELPER_CHILDREN, tok.pos,
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
        events.append(ReadEvent(Kind.EXTERNAL_ACL, d.pos, "external_acl_type needs a name: Squid "
                                "stops ('Bungled')", Squid.FATAL))
        return None
    options: list[tuple[str, str | None, Token]] = []
    formats: list[Token] = []
    rest = list(d.args[1:])
    while rest and (rest[0].text in EXTERNAL_ACL_WORDS
                    or rest[0].text.startswith(EXTERNAL_ACL_PREFIXES)):
        tok = rest.pop(0)
        key, sep, value = tok.text.partition("=")
        options.append((key, value if sep else None, tok))
        if key == "children":
            events.append(ReadEvent(Kind.EXTERNAL_ACL, tok.pos, "external_acl_type children= is "
                                    "deprecated: Squid warns (use children-max=)", Squid.WARNING,
                                    tok.pos.column + len(tok.raw_or_text), tok.text))
    while rest and rest[0].text.startswith("%"):
        formats.append(rest.pop(0))
    if not formats:
        where = rest[0] if rest else d.name
        why = (f"'{where.text}' is neither an option nor a %format code"
               if rest else "no %format code")
        events.append(ReadEvent(Kind.EXTERNAL_ACL, where.pos,
                                f"external_acl_type {d.args[0].text}: {why}: Squid needs at "
                                "least one format and stops ('Bungled')", Squid.FATAL,
                                where.pos.column + len(where.raw_or_text), where.text))
    elif not rest:
        events.append(ReadEvent(Kind.EXTERNAL_ACL, formats[-1].pos,
                                f"external_acl_type {d.args[0].text} has no helper program after "
                                "its formats: Squid stops ('Bungled')", Squid.FATAL))
    return ExternalAclType(d, d.args[0], tuple(options), tuple(formats), tuple(rest))
