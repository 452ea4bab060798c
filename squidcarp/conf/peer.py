"""Stage 4a: a ``cache_peer`` directive -> :class:`CachePeer`, as src/cache_cf.cc ``parse_peer``.

Options are matched in Squid's order and with Squid's comparisons: flags by exact string,
``key=value`` options by prefix (so ``weight=`` catches ``weight=5x`` and then fails on the number),
TLS options by their ``tls``/``ssl`` prefix. What Squid rejects, warns about or silently changes is
reported as a :class:`ReadEvent`; the peer is still returned so later checks see the whole config.

The small list grammars (``carp-key`` parts, ``htcp`` modes) are pyparsing expressions built
once, on first use.
"""

from __future__ import annotations

import re
from dataclasses import replace

from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.grammar import comma_items
from squidcarp.conf.model import (
    PEER_TYPE_SPELLINGS,
    CachePeer,
    CarpKey,
    CarpKeyPart,
    Directive,
    PeerOption,
    PeerType,
    TlsOptions,
    Token,
)
from squidcarp.conf.source import decode, encode
from squidcarp.libc import Checked, get_service, rfc1738_unescape, xatoi

# Flags compared with strcmp in parse_peer (src/cache_cf.cc, Squid 5.7), mapped to model fields.
FLAGS: dict[str, str] = {
    "proxy-only": "proxy_only",
    "no-query": "no_query",
    "background-ping": "background_ping",
    "no-digest": "no_digest",
    "no-tproxy": "no_tproxy",
    "multicast-responder": "multicast_responder",
    "multicast-siblings": "multicast_siblings",
    "closest-only": "closest_only",
    "default": "default",
    "round-robin": "round_robin",
    "weighted-round-robin": "weighted_round_robin",
    "htcp": "htcp",
    "no-netdb-exchange": "no_netdb_exchange",
    "allow-miss": "allow_miss",
    "originserver": "originserver",
    "no-delay": "no_delay",
    "auth-no-keytab": "auth_no_keytab",
}
# Selection methods that only a parent may have (fatal "non-parent X peer").
PARENT_ONLY = {"carp": "carp", "userhash": "userhash", "sourcehash": "sourcehash"}
# key=value options matched with strncmp on the prefix, with their integer-ness.
INT_OPTIONS: dict[str, str] = {
    "weight=": "weight_given",
    "basetime=": "basetime",
    "ttl=": "ttl",
    "connect-timeout=": "connect_timeout",
    "connect-fail-limit=": "connect_fail_limit",
    "max-conn=": "max_conn",
    "standby=": "standby",
}
STRING_OPTIONS: dict[str, str] = {
    "login=": "login",
    "digest-url=": "digest_url",
    "forceddomain=": "forceddomain",
}
# Exact spellings of the two tri-state options (others, e.g. front-end-https=off, are unknown).
FRONT_END_HTTPS = {"front-end-https": "on", "front-end-https=on": "on",
                   "front-end-https=auto": "auto"}
CONNECTION_AUTH = {"connection-auth": "on", "connection-auth=on": "on",
                   "connection-auth=off": "off", "connection-auth=auto": "auto"}
HTCP_MODES = ("no-clr", "no-purge-clr", "only-clr", "forward-clr", "oldsquid")  # parse_peer
# Security::PeerOptions::parse sub-options, matched by prefix (src/security/PeerOptions.cc 5.7).
TLS_SUBOPTIONS = ("disable", "cert=", "key=", "version=", "min-version=", "options=", "cipher=",
                  "cafile=", "capath=", "crlfile=", "flags=", "default-ca=off", "no-default-ca",
                  "default-ca=on", "default-ca", "domain=", "no-npn")
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

def parse_port(token: Token | None, proto: str = "tcp") -> Checked:
    """``GetTcpService``/``GetUdpService`` on a cache_peer port (``missing`` when absent)."""
    if token is None:
        return Checked(None, "missing")
    return get_service(token.text, proto)


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
    """One cache_peer line while its options are read."""

    def __init__(self, directive: Directive, events: list[ReadEvent]) -> None:
        self.directive = directive
        self.events = events
        self.values: dict[str, object] = {}
        self.options: list[PeerOption] = []
        self.tls = _Tls()

    def event(self, kind: Kind, token: Token, message: str, squid: Squid) -> None:
        self.events.append(ReadEvent(kind, token.pos, message, squid,
                                     token.pos.column + len(token.raw_or_text), token.text))


def parse_cache_peer(directive: Directive, events: list[ReadEvent]) -> CachePeer | None:
    """Type one ``cache_peer`` line. Returns None only when there is no host and type at all."""
    args = directive.args
    b = _Builder(directive, events)
    if len(args) < 2:
        events.append(ReadEvent(Kind.PEER_BUNGLED, directive.pos,
                                "cache_peer needs HOST TYPE HTTP-PORT ICP-PORT: Squid stops here "
                                "('Bungled')", Squid.FATAL))
        return None
    host_tok, type_tok = args[0], args[1]
    peer_type = PEER_TYPE_SPELLINGS.get(type_tok.text)
    if peer_type is None:
        b.event(Kind.PEER_UNKNOWN_TYPE, type_tok,
                f"unknown peer type '{type_tok.text}': Squid warns and makes this peer a sibling",
                Squid.WARNING)
        peer_type = PeerType.SIBLING
    # GetTcpService / GetUdpService
    http_port, http_err = parse_port(args[2] if len(args) > 2 else None, "tcp")
    icp_port, icp_err = parse_port(args[3] if len(args) > 3 else None, "udp")
    if http_err or http_port == 0:
        where = args[2] if len(args) > 2 else directive.name
        reason = "must not be 0" if http_port == 0 else http_err
        b.event(Kind.PEER_BUNGLED, where,
                f"HTTP port: {reason}: Squid rejects the line ('Bungled')", Squid.FATAL)
    elif icp_err:
        where = args[3] if len(args) > 3 else directive.name
        b.event(Kind.PEER_BUNGLED, where,
                f"ICP port: {icp_err}: Squid rejects the line ('Bungled')", Squid.FATAL)
    values = b.values
    if peer_type is PeerType.MULTICAST:
        values["no_digest"] = True
        values["no_netdb_exchange"] = True
    name: str | None = host_tok.text
    explicit: str | None = None
    for tok in args[4:]:
        text = tok.text
        if text.startswith("#"):
            break  # parse_peer: a token starting with '#' ends the options
        name, explicit = _option(b, tok, text, peer_type, host_tok, http_port, name, explicit)
    _tls_priorities(b)
    if name is None:
        b.event(Kind.PEER_EMPTY_NAME, _last(b, "name"),
                "empty name=: Squid 5 keeps no name and crashes once another peer is "
                "defined (6.1+ rejects it)", Squid.FATAL)
    weight_given = values.get("weight_given")
    max_conn, standby = values.get("max_conn"), values.get("standby")
    if isinstance(max_conn, int) and isinstance(standby, int) and 0 < max_conn < standby:
        b.event(Kind.PEER_MAXCONN_STANDBY, _last(b, "max-conn"),
                f"max-conn={max_conn} is lower than standby={standby}", Squid.FATAL)
    values.pop("weight_given", None)
    peer = CachePeer(
        directive=directive,
        host=host_tok.text,
        type_spelled=type_tok.text,
        type=peer_type,
        http_port=http_port,
        icp_port=icp_port,
        name=name if name is not None else "",
        explicit_name=explicit,
        weight=max(1, weight_given) if isinstance(weight_given, int) else 1,
        weight_given=weight_given if isinstance(weight_given, int) else None,
        tls=TlsOptions(b.tls.enabled, tuple(b.tls.values)),
        options=tuple(b.options),
    )
    return replace(peer, **values)  # type: ignore[arg-type]


def _last(b: _Builder, key: str) -> Token:
    for opt in reversed(b.options):
        if opt.key == key:
            return opt.token
    return b.directive.name


def _option(b: _Builder, tok: Token, text: str, peer_type: PeerType, host: Token,
            http_port: int | None, name: str | None,
            explicit: str | None) -> tuple[str | None, str | None]:
    values = b.values
    where = f"{host.text.lower()}/{http_port if http_port is not None else 0}"
    if text in FLAGS:
        values[FLAGS[text]] = True
        b.options.append(PeerOption(tok, text))
    elif text in PARENT_ONLY:
        b.options.append(PeerOption(tok, text))
        if peer_type is not PeerType.PARENT:
            b.event(Kind.PEER_NON_PARENT_METHOD, tok,
                    f"'{text}' on a {peer_type.value}: Squid stops with 'non-parent {text} peer "
                    f"{where}'", Squid.FATAL)
        values[PARENT_ONLY[text]] = True
    elif text.startswith("carp-key="):
        value = text[len("carp-key="):]
        b.options.append(PeerOption(tok, "carp-key", value))
        if not values.get("carp"):
            b.event(Kind.PEER_CARP_KEY_ORDER, tok,
                    f"carp-key before carp (or without it): Squid stops with 'carp-key specified "
                    f"on non-carp peer {where}'", Squid.FATAL)
        parts, spelled, error = parse_carp_key(value)
        if error:
            b.event(Kind.PEER_CARP_KEY_INVALID, tok, f"{error}: Squid stops here", Squid.FATAL)
        previous = values.get("carp_key")
        if isinstance(previous, CarpKey):  # parse_peer only sets flags: repeated carp-key= merge
            parts, spelled = previous.parts | parts, previous.spelled + spelled
        values["carp_key"] = CarpKey(parts, spelled, tok)
    elif text.startswith(("htcp=", "htcp-")):
        modes = comma_items(text[5:])
        b.options.append(PeerOption(tok, "htcp=", text[5:]))
        values["htcp"] = True
        seen = list(values.get("htcp_modes", ()))  # type: ignore[call-overload]
        for mode in modes:
            if mode not in HTCP_MODES:
                b.event(Kind.PEER_HTCP_MODE, tok, f"invalid HTCP mode '{mode}': Squid stops here",
                        Squid.FATAL)
                continue
            if {mode, *seen} >= {"no-clr", "only-clr"}:
                b.event(Kind.PEER_HTCP_MODE, tok,
                        "htcp no-clr and only-clr together: Squid stops here", Squid.FATAL)
            seen.append(mode)
        values["htcp_modes"] = tuple(seen)
    elif (key := _prefix(text, INT_OPTIONS)) is not None:
        b.options.append(PeerOption(tok, key[:-1], text[len(key):]))
        result = xatoi(text[len(key):])
        if result.value is None:
            b.event(Kind.PEER_BUNGLED, tok,
                    f"{key[:-1]}: {result.error}: Squid rejects the line ('Bungled')", Squid.FATAL)
        else:
            number = result.value
            if key == "ttl=":
                number = min(TTL_MAX, max(0, number))
            values[INT_OPTIONS[key]] = number
    elif text.startswith("name="):
        b.options.append(PeerOption(tok, "name", text[5:]))
        if text[5:]:
            name, explicit = text[5:], text[5:]
        else:
            name, explicit = None, None
    elif (key := _prefix(text, STRING_OPTIONS)) is not None:
        b.options.append(PeerOption(tok, key[:-1], text[len(key):]))
        value_s = text[len(key):]
        if key == "login=":
            value_s = _unescape(value_s)
        values[STRING_OPTIONS[key]] = value_s or None
    elif text.startswith("ssl"):
        b.options.append(PeerOption(tok, "ssl", text[3:]))
        b.event(Kind.PEER_TLS, tok,
                f"'{text}' needs a Squid built with OpenSSL: Debian's GnuTLS build only warns "
                "and ignores it (use the tls-* spelling)", Squid.WARNING)
    elif text.startswith("tls"):
        sub = text[4:] if text.startswith("tls-") else text[3:]
        b.options.append(PeerOption(tok, "tls", sub))
        _tls(b, tok, sub)
    elif text in FRONT_END_HTTPS:
        b.options.append(PeerOption(tok, "front-end-https", FRONT_END_HTTPS[text]))
        values["front_end_https"] = FRONT_END_HTTPS[text]
    elif text in CONNECTION_AUTH:
        b.options.append(PeerOption(tok, "connection-auth", CONNECTION_AUTH[text]))
        values["connection_auth"] = CONNECTION_AUTH[text]
    else:
        b.options.append(PeerOption(tok, text.split("=", 1)[0], None, known=False))
        b.event(Kind.PEER_UNKNOWN_OPTION, tok,
                f"unknown cache_peer option '{text}': Squid logs an ERROR and ignores it",
                Squid.ERROR)
    return name, explicit


def _prefix(text: str, table: dict[str, str]) -> str | None:
    for key in table:
        if text.startswith(key):
            return key
    return None


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
    known = next((k for k in TLS_SUBOPTIONS if sub.startswith(k)), None)
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
    if (first.upper() not in GNUTLS_LEVELS and not first.startswith("@")
            and (not first or first[0] not in "+-!%")):
        return f"'{first}' is not a priority keyword: 'The request is invalid'"
    for item in items[1:]:
        if not item or item[0] not in "+-!%":
            return f"'{item}' is not +NAME, -NAME, !NAME or %FLAG: 'The request is invalid'"
    for item in items:
        name = item.lstrip("+-!").upper()
        if item[:1] in ("+", "-", "!") and name.startswith("VERS-") and name not in GNUTLS_VERSIONS:
            return f"unknown protocol version '{item[1:]}': 'The request is invalid'"
    if (first.upper() == "NONE" or first[:1] in ("+", "-", "!", "%")) and all(
            re.fullmatch(r"(?i)NONE|[-+!]VERS-\S+|%\S*", item) for item in items):
        return "no cipher, key exchange or MAC is selected: 'No or insufficient priorities'"
    return None


def _unescape(text: str) -> str:
    """``rfc1738_unescape`` of ``login=`` (lib/rfc1738.c), over the token's bytes."""
    return decode(rfc1738_unescape(encode(text)))
