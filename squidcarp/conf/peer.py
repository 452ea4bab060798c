"""Stage 4a: a ``cache_peer`` directive -> :class:`CachePeer`, as src/cache_cf.cc ``parse_peer``.

Options are matched in Squid's order and with Squid's comparisons: flags by exact string,
``key=value`` options by prefix (so ``weight=`` catches ``weight=5x`` and then fails on the number),
TLS options by their ``tls``/``ssl`` prefix. What Squid rejects, warns about or silently changes is
reported as a :class:`ReadEvent`; the peer is still returned so later checks see the whole config.

The small list grammars (``carp-key`` parts, ``htcp`` modes) are pyparsing expressions built
once, on first use.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.facts.peer import PEER_TLS_PREFIXES, match_peer_option, match_peer_tls_option
from squidcarp.conf.grammar import comma_items
from squidcarp.conf.model import (
    PEER_TYPE_SPELLINGS,
    CachePeer,
    CarpKey,
    CarpKeyPart,
    Directive,
    OptionSpec,
    PeerConnection,
    PeerKind,
    PeerQueries,
    PeerSelection,
    PeerSettings,
    PeerType,
    TlsOptions,
    Token,
)
from squidcarp.conf.source import decode, encode
from squidcarp.libc import Checked, c_lower, c_upper, get_service, rfc1738_unescape, xatoi

# What parse_peer (src/cache_cf.cc @ SQUID_5_7) does once an option matched (the matching itself,
# in Squid's order, is facts.peer.PEER_OPTION_ORDER): selection methods only a parent may have
# (fatal "non-parent X peer"), options read with xatoi, options kept as strings.
PARENT_ONLY = frozenset({"carp", "userhash", "sourcehash"})
INT_OPTIONS = frozenset({"weight=", "basetime=", "ttl=", "connect-timeout=",
                         "connect-fail-limit=", "max-conn=", "standby="})
STRING_OPTIONS = frozenset({"login=", "digest-url=", "forceddomain="})
TRI_STATE = ("front-end-https", "connection-auth")  # exact spellings: bare (on), =on/=off/=auto
HTCP_MODES = ("no-clr", "no-purge-clr", "only-clr", "forward-clr", "oldsquid")  # parse_peer
TTL_MAX = 128  # parse_peer clamps ttl= to 0..128
# PeerOptions::parseFlags: labels tried in this order, each as a prefix. VERIFY_CRL and
# VERIFY_CRL_ALL exist only where X509_V_FLAG_CRL_CHECK is defined (OpenSSL), not on GnuTLS.
TLS_FLAGS = ("NO_DEFAULT_CA", "DELAYED_AUTH", "DONT_VERIFY_PEER", "CONDITIONAL_AUTH",
             "DONT_VERIFY_DOMAIN", "NO_SESSION_REUSE")
TLS_EXCLUSIVE_FLAGS = ("DONT_VERIFY_PEER", "DELAYED_AUTH", "CONDITIONAL_AUTH")
# PeerOptions::updateTlsVersionLimits, USE_GNUTLS branch: what tls-version=N appends to options=.
GNUTLS_VERSION_HACK = {
    3: "-VERS-TLS1.0:-VERS-TLS1.1:-VERS-TLS1.2:-VERS-TLS1.3",
    4: "+VERS-TLS1.0:-VERS-TLS1.1:-VERS-TLS1.2:-VERS-TLS1.3",
    5: "-VERS-TLS1.0:+VERS-TLS1.1:-VERS-TLS1.2:-VERS-TLS1.3",
    6: "-VERS-TLS1.0:-VERS-TLS1.1:-VERS-TLS1.3",
}
# GnuTLS 3.7 (Debian 12) priority strings: level keywords (case-insensitive) and version names.
GNUTLS_LEVELS = frozenset({"NORMAL", "PERFORMANCE", "SECURE", "SECURE128", "SECURE192",
                           "SECURE256", "SUITEB128", "SUITEB192", "LEGACY", "PFS", "NONE"})
GNUTLS_VERSIONS = frozenset({"VERS-SSL3.0", "VERS-TLS1.0", "VERS-TLS1.1", "VERS-TLS1.2",
                             "VERS-TLS1.3", "VERS-DTLS0.9", "VERS-DTLS1.0", "VERS-DTLS1.2",
                             "VERS-ALL", "VERS-TLS-ALL", "VERS-DTLS-ALL"})

def parse_port(word: str | None, proto: str = "tcp") -> Checked:
    """``GetTcpService``/``GetUdpService`` on a cache_peer port (``missing`` when absent)."""
    if word is None:
        return Checked(None, "missing")
    return get_service(word, proto)


def parse_carp_key(value: str) -> tuple[frozenset[CarpKeyPart], tuple[str, ...], str | None]:
    """``carp-key=`` parts: each matched by *prefix* (``hostname`` counts as ``host``)."""
    items = comma_items(value)
    parts: set[CarpKeyPart] = set()
    for item in items:
        for part in CarpKeyPart:
            if item.startswith(part.value):
                parts.add(part)
                break
        else:
            return frozenset(parts), tuple(items), f"invalid carp-key '{item}'"
    return frozenset(parts), tuple(items), None


class _Builder:
    """One cache_peer line while its options are read: what each option sets, typed."""

    def __init__(self, directive: Directive, events: list[ReadEvent], host: str,
                 peer_type: PeerType, http_port: int | None) -> None:
        self.directive = directive
        self.events = events
        self.peer_type = peer_type
        # how Squid names the peer in its messages: the host lower-cased (ASCII), the port
        self.where = f"{c_lower(host)}/{http_port if http_port is not None else 0}"
        self.options: list[OptionSpec] = []
        self.flags: set[str] = set()
        """The flag words given (``proxy-only``, ``carp``, ``htcp``...)."""
        self.numbers: dict[str, int] = {}
        """Option key (``weight``, ``ttl``...) -> the last value Squid took."""
        self.strings: dict[str, str | None] = {}
        self.tri_state: dict[str, str] = {}
        """``front-end-https`` / ``connection-auth`` -> on, off or auto."""
        self.carp_key: CarpKey | None = None
        self.htcp_modes: list[str] = []
        self.name: str | None = host
        self.explicit: str | None = None
        self.tls = _Tls()

    def option(self, index: int, key: str, value: str | None = None, known: bool = True,
               start: int | None = None) -> None:
        """Keep word ``index`` of the line as an option (in order, for rules and rendering):
        its value is ``value``, or the word's text from ``start`` on when that is given."""
        self.options.append(_spec(index, key, value, known, start))

    def token(self, index: int) -> Token:
        """Word ``index`` of the line as a token (made only to report or keep it)."""
        return self.directive.arg(index)

    def event(self, kind: Kind, token: Token, message: str, squid: Squid) -> None:
        _token_event(self.events, kind, token, message, squid)


def _token_event(events: list[ReadEvent], kind: Kind, token: Token, message: str,
                 squid: Squid) -> None:
    events.append(ReadEvent(kind, token.pos, message, squid,
                            token.pos.column + len(token.raw_or_text), token.text))


def _flag_fields(group: type) -> tuple[tuple[str, str], ...]:
    """A group's on/off fields, each with the option word that sets it: the field name spelled
    with hyphens (``round_robin``: ``round-robin``)."""
    return tuple((f.name, f.name.replace("_", "-")) for f in dataclasses.fields(group)
                 if f.type in ("bool", bool))


SELECTION_FLAGS = _flag_fields(PeerSelection)
QUERY_FLAGS = _flag_fields(PeerQueries)
CONNECTION_FLAGS = _flag_fields(PeerConnection)


def _given(flags: set[str], fields: tuple[tuple[str, str], ...]) -> dict[str, bool]:
    return {name: word in flags for name, word in fields}


# Equal option groups are one object: most peers of a config spell the same few flags, and each
# group is a value (frozen, hashed by its fields). The bound keeps unusual ones from piling up.
_shared_selection = functools.lru_cache(maxsize=256)(PeerSelection)
_shared_queries = functools.lru_cache(maxsize=256)(PeerQueries)
_shared_connection = functools.lru_cache(maxsize=256)(PeerConnection)


def parse_cache_peer(directive: Directive, events: list[ReadEvent]) -> CachePeer | None:
    """Type one ``cache_peer`` line. Returns None only when there is no host and type at all."""
    # (words, not tokens: a token with its position is made only for what is reported or kept)
    words = directive.words
    count = len(words)
    if count < 2:
        events.append(ReadEvent(Kind.PEER_BUNGLED, directive.pos,
                                "cache_peer needs HOST TYPE HTTP-PORT ICP-PORT: Squid stops here "
                                "('Bungled')", Squid.FATAL))
        return None
    host, spelled = words[0], words[1]
    peer_type = PEER_TYPE_SPELLINGS.get(spelled)
    if peer_type is None:
        _token_event(events, Kind.PEER_UNKNOWN_TYPE, directive.arg(1),
                f"unknown peer type '{spelled}': Squid warns and makes this peer a sibling",
                Squid.WARNING)
        peer_type = PeerType.SIBLING
    # GetTcpService / GetUdpService
    http_port, http_err = parse_port(words[2] if count > 2 else None, "tcp")
    icp_port, icp_err = parse_port(words[3] if count > 3 else None, "udp")
    if http_err or http_port == 0:
        where = directive.arg(2) if count > 2 else directive.name
        reason = "must not be 0" if http_port == 0 else http_err
        _token_event(events, Kind.PEER_BUNGLED, where,
                f"HTTP port: {reason}: Squid rejects the line ('Bungled')", Squid.FATAL)
    elif icp_err:
        where = directive.arg(3) if count > 3 else directive.name
        _token_event(events, Kind.PEER_BUNGLED, where,
                f"ICP port: {icp_err}: Squid rejects the line ('Bungled')", Squid.FATAL)
    b = _Builder(directive, events, host, peer_type, http_port)
    for index in range(4, count):
        if words[index].startswith("#"):
            break  # parse_peer: a token starting with '#' ends the options
        _option(b, index, words[index])
    _tls_priorities(b)
    if b.name is None:
        b.event(Kind.PEER_EMPTY_NAME, _last(b, "name"),
                "empty name=: Squid 5 keeps no name and crashes once another peer is "
                "defined (6.1+ rejects it)", Squid.FATAL)
    numbers, strings, flags = b.numbers, b.strings, b.flags
    max_conn, standby = numbers.get("max-conn"), numbers.get("standby")
    if max_conn is not None and standby is not None and 0 < max_conn < standby:
        b.event(Kind.PEER_MAXCONN_STANDBY, _last(b, "max-conn"),
                f"max-conn={max_conn} is lower than standby={standby}", Squid.FATAL)
    weight_given = numbers.get("weight")
    queried = _given(flags, QUERY_FLAGS)
    if peer_type is PeerType.MULTICAST:  # neighborType: no digests, no netdb
        queried["no_digest"] = queried["no_netdb_exchange"] = True
    selection = _shared_selection(**_given(flags, SELECTION_FLAGS))
    queries = _shared_queries(
        **queried,
        htcp_modes=tuple(b.htcp_modes),
        ttl=numbers.get("ttl"),
        basetime=numbers.get("basetime"),
        digest_url=strings.get("digest-url"))
    connection = _shared_connection(
        **_given(flags, CONNECTION_FLAGS),
        connect_timeout=numbers.get("connect-timeout"),
        connect_fail_limit=numbers.get("connect-fail-limit"),
        max_conn=max_conn,
        standby=standby,
        forceddomain=strings.get("forceddomain"),
        login=strings.get("login"),
        connection_auth=b.tri_state.get("connection-auth"),
        front_end_https=b.tri_state.get("front-end-https"),
        # (the default TLS options are left to the dataclass: not hashed on every line)
        **({"tls": TlsOptions(b.tls.enabled, tuple(b.tls.values))}
           if b.tls.enabled or b.tls.values else {}))
    return CachePeer(
        directive=directive,
        host=host,
        kind=_shared_kind(spelled, peer_type, http_port, icp_port),
        name=b.name if b.name is not None else "",
        explicit_name=b.explicit,
        settings=_shared_settings(
            max(1, weight_given) if weight_given is not None else 1, weight_given,
            "carp" in flags, b.carp_key, selection, queries, connection, _specs(*b.options)),
    )


_shared_kind = functools.lru_cache(maxsize=256)(PeerKind)

# Equal settings are one object. Their parts are shared objects already (equal parts are one
# object, above and in _specs), so a table keyed by the parts' identities finds them without
# hashing every field of every part on every line; each entry holds its parts, so no id in the
# table can be reused by another object while the entry is there.
_SETTINGS_TABLE: dict[tuple[object, ...], PeerSettings] = {}
_SETTINGS_TABLE_SIZE = 256


def _shared_settings(weight: int, weight_given: int | None, carp: bool, carp_key: CarpKey | None,
                     selection: PeerSelection, queries: PeerQueries, connection: PeerConnection,
                     specs: tuple[OptionSpec, ...]) -> PeerSettings:
    if carp_key is not None:  # a carp-key keeps its own token: the peer's own settings
        return PeerSettings(weight, weight_given, carp, carp_key, selection, queries, connection,
                            specs)
    key = (weight, weight_given, carp, id(selection), id(queries), id(connection), id(specs))
    found = _SETTINGS_TABLE.get(key)
    if found is None:
        if len(_SETTINGS_TABLE) >= _SETTINGS_TABLE_SIZE:
            _SETTINGS_TABLE.clear()
        found = _SETTINGS_TABLE[key] = PeerSettings(
            weight, weight_given, carp, None, selection, queries, connection, specs)
    return found


# Equal option specs are one object, and so are equal tuples of them: most peers spell the same
# options at the same places, and a spec holds no value that is cut from its word (name=x,
# weight=N). The bound keeps the rare spellings from piling up.
_spec = functools.lru_cache(maxsize=4096)(OptionSpec)


@functools.lru_cache(maxsize=4096)
def _specs(*specs: OptionSpec) -> tuple[OptionSpec, ...]:
    return specs


def _last(b: _Builder, key: str) -> Token:
    for spec in reversed(b.options):
        if spec.key == key:
            return b.directive.args[spec.word]
    return b.directive.name


def _option(b: _Builder, index: int, text: str) -> None:
    """Option word ``index`` (``text``): matched as parse_peer matches it, then acted upon."""
    key = match_peer_option(text)
    if key is None:
        b.option(index, text.split("=", 1)[0], None, known=False)
        b.event(Kind.PEER_UNKNOWN_OPTION, b.token(index),
                f"unknown cache_peer option '{text}': Squid logs an ERROR and ignores it",
                Squid.ERROR)
    elif key.startswith(TRI_STATE):
        name, _, value = key.partition("=")
        b.option(index, name, value or "on")
        b.tri_state[name] = value or "on"
    elif "=" not in key and key not in PEER_TLS_PREFIXES and key != "htcp-":
        _flag(b, index, key)
    elif key == "carp-key=":
        _carp_key(b, index, b.token(index), text[len(key):])
    elif key in ("htcp=", "htcp-"):
        _htcp_modes(b, index, b.token(index), text[len(key):])
    elif key in INT_OPTIONS:
        b.option(index, key[:-1], start=len(key))
        result = xatoi(text[len(key):])
        if result.value is None:
            b.event(Kind.PEER_BUNGLED, b.token(index),
                    f"{key[:-1]}: {result.error}: Squid rejects the line ('Bungled')", Squid.FATAL)
        else:
            b.numbers[key[:-1]] = (min(TTL_MAX, max(0, result.value)) if key == "ttl="
                                   else result.value)
    elif key == "name=":
        value = text[5:]
        b.option(index, "name", start=5)
        b.name = b.explicit = value or None
    elif key in STRING_OPTIONS:
        value = text[len(key):]
        b.option(index, key[:-1], start=len(key))
        b.strings[key[:-1]] = (_unescape(value) if key == "login=" else value) or None
    elif key == "ssl":
        b.option(index, "ssl", start=3)
        b.event(Kind.PEER_TLS, b.token(index),
                f"'{text}' needs a Squid built with OpenSSL: Debian's GnuTLS build only warns "
                "and ignores it (use the tls-* spelling)", Squid.WARNING)
    else:  # "tls-" or "tls"
        sub = text[len(key):]
        b.option(index, "tls", start=len(key))
        _tls(b, b.token(index), sub)


def _flag(b: _Builder, index: int, key: str) -> None:
    b.option(index, key)
    b.flags.add(key)
    if key in PARENT_ONLY and b.peer_type is not PeerType.PARENT:
        b.event(Kind.PEER_NON_PARENT_METHOD, b.token(index),
                f"'{key}' on a {b.peer_type.value}: Squid stops with 'non-parent {key} peer "
                f"{b.where}'", Squid.FATAL)


def _carp_key(b: _Builder, index: int, tok: Token, value: str) -> None:
    b.option(index, "carp-key", start=len(tok.text) - len(value))
    if "carp" not in b.flags:
        b.event(Kind.PEER_CARP_KEY_ORDER, tok,
                f"carp-key before carp (or without it): Squid stops with 'carp-key specified "
                f"on non-carp peer {b.where}'", Squid.FATAL)
    parts, spelled, error = parse_carp_key(value)
    if error:
        b.event(Kind.PEER_CARP_KEY_INVALID, tok, f"{error}: Squid stops here", Squid.FATAL)
    previous = b.carp_key
    if previous is not None:  # parse_peer only sets flags: repeated carp-key= merge
        parts, spelled = previous.parts | parts, previous.spelled + spelled
    b.carp_key = CarpKey(parts, spelled, tok)


def _htcp_modes(b: _Builder, index: int, tok: Token, value: str) -> None:
    b.option(index, "htcp=", start=len(tok.text) - len(value))
    b.flags.add("htcp")
    seen = b.htcp_modes
    for mode in comma_items(value):
        if mode not in HTCP_MODES:
            b.event(Kind.PEER_HTCP_MODE, tok, f"invalid HTCP mode '{mode}': Squid stops here",
                    Squid.FATAL)
            continue
        if {mode, *seen} >= {"no-clr", "only-clr"}:
            b.event(Kind.PEER_HTCP_MODE, tok,
                    "htcp no-clr and only-clr together: Squid stops here", Squid.FATAL)
        seen.append(mode)


class _Tls:
    """``Security::PeerOptions`` while one peer's TLS tokens are parsed (5.7, GnuTLS build).

    Besides the per-token checks of ``parse()``, it keeps what decides the GnuTLS priority string
    that Squid builds once the line is read (``parseOptions``, ``updateTlsVersionLimits``).
    """

    def __init__(self) -> None:
        self.enabled = False
        self.values: list[tuple[str, str | None]] = []
        self.certs: list[str] = []
        self.default_ca: bool | None = None
        self.flags_given = False
        self.options: Token | None = None
        self.min_version: Token | None = None
        self.version: tuple[Token, int] | None = None


def _tls(b: _Builder, tok: Token, sub: str) -> None:
    """One ``Security::PeerOptions::parse(sub)`` call (src/security/PeerOptions.cc @ SQUID_5_7)."""
    t = b.tls
    if not sub:
        t.enabled = True
        return
    known = match_peer_tls_option(sub)
    if known is None:
        b.event(Kind.PEER_TLS, tok, f"unknown TLS option '{sub}': Squid logs an ERROR and "
                "ignores it", Squid.ERROR)
        return
    if known == "disable":
        b.tls = _Tls()  # clear(): everything given so far is forgotten
        return
    value = sub[len(known):] if known.endswith("=") else None
    t.values.append((known.rstrip("="), value))
    t.enabled = True
    if known == "cert=":
        t.certs.append(value or "")
    elif known == "key=" and (not t.certs or not t.certs[-1]):
        b.event(Kind.PEER_TLS, tok, "tls-key= before a non-empty tls-cert=: Squid stops with "
                "'cert= option must be set before key= is used'", Squid.FATAL)
    elif known == "version=":
        number = xatoi(value or "")
        if number.value is None:
            b.event(Kind.PEER_TLS, tok, f"tls-version: {number.error}: Squid rejects the line "
                    "('Bungled')", Squid.FATAL)
        else:
            b.event(Kind.PEER_TLS, tok, "tls-version= is deprecated: Squid logs an UPGRADE "
                    "WARNING (use tls-min-version= and tls-options=)", Squid.WARNING)
            t.version = (tok, number.value)
    elif known == "min-version=":
        t.min_version = tok
    elif known == "options=":
        t.options = tok
    elif known == "capath=":
        b.event(Kind.PEER_TLS, tok, "tls-capath= needs a Squid built with OpenSSL: Debian's "
                "GnuTLS build warns and ignores it", Squid.WARNING)
    elif known == "flags=":
        if t.flags_given:
            b.event(Kind.PEER_TLS, tok, "a second tls-flags= replaces the first (Squid warns)",
                    Squid.WARNING)
        t.flags_given = True
        _tls_flags(b, tok, value or "")
    elif known in ("default-ca=off", "no-default-ca", "default-ca=on", "default-ca"):
        wanted = known in ("default-ca=on", "default-ca")
        if t.default_ca is (not wanted):
            b.event(Kind.PEER_TLS, tok, f"'{tok.text}' contradicts an earlier default-ca "
                    "setting: Squid stops ('previous default-ca settings conflict')", Squid.FATAL)
        t.default_ca = wanted


def _tls_flags(b: _Builder, tok: Token, text: str) -> None:
    """``PeerOptions::parseFlags``: each flag matched as a prefix, ':' or ',' between them."""
    if not text:
        return
    found: list[str] = []
    i = 0
    while True:
        flag = next((f for f in TLS_FLAGS if text.startswith(f, i)), None)
        if flag is None:
            b.event(Kind.PEER_TLS, tok, f"unknown TLS flag '{text[i:]}': Squid stops here",
                    Squid.FATAL)
            return
        i += len(flag)
        if flag == "NO_DEFAULT_CA":
            if b.tls.default_ca is True:
                b.event(Kind.PEER_TLS, tok, "flags=NO_DEFAULT_CA contradicts an earlier "
                        "default-ca setting: Squid stops", Squid.FATAL)
            b.tls.default_ca = False
        else:
            found.append(flag)
        if i < len(text) and text[i] in ":,":
            i += 1  # one separator; text after a flag that is not ":" or "," ends the list
            continue
        break
    exclusive = [f for f in found if f in TLS_EXCLUSIVE_FLAGS]
    if len(set(exclusive)) > 1:
        if "CONDITIONAL_AUTH" in exclusive:
            b.event(Kind.PEER_TLS, tok, "CONDITIONAL_AUTH with DELAYED_AUTH or DONT_VERIFY_PEER: "
                    "Squid stops ('not compatible')", Squid.FATAL)
        else:
            b.event(Kind.PEER_TLS, tok, "DELAYED_AUTH with DONT_VERIFY_PEER: Squid warns that "
                    "this mixture will become fatal", Squid.WARNING)


def _tls_priorities(b: _Builder) -> None:
    """The GnuTLS priority string Squid 5.7 builds for an encrypting peer, checked like
    ``gnutls_priority_init`` would (``PeerOptions::updateTlsVersionLimits``/``parseOptions``).

    ``tls-min-version=1.N`` appends ``:-VERS-TLS1.0...`` *with* its leading ':' even when
    ``tls-options=`` is empty (5.7 bug), which GnuTLS rejects; the ``tls-version=3..6`` hack adds
    ``-VERS-...`` items that need a keyword such as ``NORMAL`` in front.
    """
    t = b.tls
    if not t.enabled:
        return
    options = t.options.text[t.options.text.index("=") + 1:] if t.options else ""
    blame = t.options
    added = ""
    if t.min_version is not None:
        spec = t.min_version.text[t.min_version.text.index("=") + 1:]
        m = re.match(r"1\.([0-9])", spec)  # skip('1'), skip('.'), int64 of at most 1 digit
        if m is None or int(m.group(1)) > 3:
            b.event(Kind.PEER_TLS, t.min_version, f"unknown TLS minimum version '{spec}': Squid "
                    "warns and ignores it (1.0 to 1.3)", Squid.WARNING)
        else:
            added = "".join(f":-VERS-TLS1.{n}" for n in range(int(m.group(1))))
            blame = blame if options else t.min_version
    elif t.version is not None and t.version[1] in GNUTLS_VERSION_HACK:
        hack = GNUTLS_VERSION_HACK[t.version[1]]
        options = f"{options}:{hack}" if options else hack
        blame = blame if t.options else t.version[0]
    problem = gnutls_priority_problem(options + added)
    if problem and blame is not None:
        b.event(Kind.PEER_TLS, blame, f"GnuTLS rejects the TLS priority string "
                f"'{options + added}' Squid builds from this ({problem}): Squid 5.7 built with "
                "GnuTLS (Debian) stops; start tls-options= with a keyword such as NORMAL",
                Squid.FATAL)


def gnutls_priority_problem(text: str) -> str | None:
    """Why ``gnutls_priority_init`` would fail on ``text``, when that is certain; else None.

    Checked: the first element must be a level keyword (or an @system keyword, not judged here);
    without one only +/-/!/% items remain, and items that merely remove versions or set flags
    select no cipher at all; every element must be non-empty and later ones start with + - ! %;
    version names must exist. Algorithm names and % flags are GnuTLS's to judge.
    """
    if not text:
        return None
    items = text.split(":")
    first = items[0]
    if (c_upper(first) not in GNUTLS_LEVELS and not first.startswith("@")
            and (not first or first[0] not in "+-!%")):
        return f"'{first}' is not a priority keyword: 'The request is invalid'"
    for item in items[1:]:
        if not item or item[0] not in "+-!%":
            return f"'{item}' is not +NAME, -NAME, !NAME or %FLAG: 'The request is invalid'"
    for item in items:
        name = c_upper(item.lstrip("+-!"))
        if item[:1] in ("+", "-", "!") and name.startswith("VERS-") and name not in GNUTLS_VERSIONS:
            return f"unknown protocol version '{item[1:]}': 'The request is invalid'"
    if (c_upper(first) == "NONE" or first[:1] in ("+", "-", "!", "%")) and all(
            re.fullmatch(r"(?i)NONE|[-+!]VERS-\S+|%\S*", item) for item in items):
        return "no cipher, key exchange or MAC is selected: 'No or insufficient priorities'"
    return None


def _unescape(text: str) -> str:
    """``rfc1738_unescape`` of ``login=`` (lib/rfc1738.c), over the token's bytes."""
    return decode(rfc1738_unescape(encode(text)))
