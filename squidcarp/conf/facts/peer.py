"""``cache_peer`` facts: the options parse_peer() tests and in which order, the TLS sub-options, and
the Squid 2.x options that 5.x no longer knows (src/cache_cf.cc, src/security/PeerOptions.cc @
SQUID_5_7, same in SQUID_6_14 and SQUID_7_6; squid-cache/squid2 src/cache_cf.c @
SQUID_2_5_STABLE14, SQUID_2_6_STABLE23, SQUID_2_7_STABLE9). Each table was checked option by
option against Debian's ``squid -k parse`` 5.7; the 2.x ones come from source only.
"""

from __future__ import annotations

from typing import Final, Literal

MatchKind = Literal["exact", "prefix"]

#: Squid 2.5's per-peer CARP share (src/cache_cf.cc parse_peer @ SQUID_2_5_STABLE14); Squid 3.4+
#: treats it as an unknown option.
LEGACY_OPTION: Final = "carp-load-factor="

# src/cache_cf.cc parse_peer() @ SQUID_5_7: every option test, in Squid's order (first match wins,
# which matters for the prefix tests). "exact" = strcmp, "prefix" = strncmp on the key. All tests
# are case-sensitive. An unmatched token logs "ERROR: Ignoring unknown cache_peer option" and is
# skipped (exit status 0); a token starting with "#" ends the option list. htcp/htcp=/htcp- need
# USE_HTCP and digest-url= needs USE_CACHE_DIGESTS (both on in Debian); multicast-siblings sat
# behind PEER_MULTICAST_SIBLINGS, which 5.x/6.x hard-define to 1.
PEER_OPTION_ORDER: Final[tuple[tuple[str, MatchKind], ...]] = (
    ("proxy-only", "exact"),
    ("no-query", "exact"),
    ("background-ping", "exact"),
    ("no-digest", "exact"),
    ("no-tproxy", "exact"),
    ("multicast-responder", "exact"),
    ("multicast-siblings", "exact"),
    ("weight=", "prefix"),
    ("basetime=", "prefix"),
    ("closest-only", "exact"),
    ("ttl=", "prefix"),
    ("default", "exact"),
    ("round-robin", "exact"),
    ("weighted-round-robin", "exact"),
    ("htcp", "exact"),
    ("htcp=", "prefix"),
    ("htcp-", "prefix"),
    ("no-netdb-exchange", "exact"),
    ("carp", "exact"),
    ("carp-key=", "prefix"),
    ("userhash", "exact"),
    ("sourcehash", "exact"),
    ("no-delay", "exact"),
    ("login=", "prefix"),
    ("auth-no-keytab", "exact"),
    ("connect-timeout=", "prefix"),
    ("connect-fail-limit=", "prefix"),
    ("digest-url=", "prefix"),
    ("allow-miss", "exact"),
    ("max-conn=", "prefix"),
    ("standby=", "prefix"),
    ("originserver", "exact"),
    ("name=", "prefix"),
    ("forceddomain=", "prefix"),
    ("ssl", "prefix"),
    ("tls-", "prefix"),
    ("tls", "prefix"),
    ("front-end-https", "exact"),
    ("front-end-https=on", "exact"),
    ("front-end-https=auto", "exact"),
    ("connection-auth=off", "exact"),
    ("connection-auth", "exact"),
    ("connection-auth=on", "exact"),
    ("connection-auth=auto", "exact"),
)
# parse_peer() @ SQUID_6_14 and @ SQUID_7_6 test exactly the same 44 options in the same order as
# 5.7 (7.x drops the always-true PEER_MULTICAST_SIBLINGS guard), so this one table serves 5 to 7.
# Behaviour differences that do not change the option set: 6.1+ rejects an empty name= (5.x
# accepts it and can crash later), and several 5.x fatalf() calls became exceptions.

# Prefixes that hand the rest of the token to the TLS option parser (tested in this order):
# "ssl<sub>", "tls-<sub>", "tls<sub>"; an empty <sub> just enables TLS. On builds without OpenSSL
# (Debian's GnuTLS build) every "ssl..." token is ignored with
# "WARNING: cache_peer option '...' requires --with-openssl" (verified), so use tls-.
PEER_TLS_PREFIXES: Final[tuple[str, ...]] = ("ssl", "tls-", "tls")

# src/security/PeerOptions.cc Security::PeerOptions::parse() @ SQUID_5_7 (unchanged in 6.14/7.6):
# sub-options after the prefix, in test order, all compared with strncmp (prefix). Anything else
# logs "ERROR: Unknown TLS option" (not fatal). "capath=" only warns on non-OpenSSL builds;
# "version=" logs an upgrade warning. Debian's GnuTLS build rejected tls-min-version=1.2,
# tls-options=NO_SSLv3 and tls-version=4 with a FATAL priority-string error when a peer used them.
PEER_TLS_OPTIONS: Final[tuple[str, ...]] = (
    "disable",
    "cert=",
    "key=",
    "version=",
    "min-version=",
    "options=",
    "cipher=",
    "cafile=",
    "capath=",
    "crlfile=",
    "flags=",
    "default-ca=off",
    "no-default-ca",
    "default-ca=on",
    "default-ca",
    "domain=",
    "no-npn",
)

# squid-cache/squid2 src/cache_cf.c parse_peer() @ SQUID_2_5_STABLE14, SQUID_2_6_STABLE23 and
# SQUID_2_7_STABLE9: options that 5.x/6.x/7.x do not accept (each is "Ignoring unknown cache_peer
# option" there, verified with 5.7), key -> how 2.x compared it. In 2.x an unknown option was
# fatal; from 3.4 on it is only an ERROR, so e.g. a 2.5 "carp-load-factor=" peer silently loses
# CARP. 2.x "htcp-oldsquid" and the "ssl*=" options are still understood by 5.x (see above).
PEER_OPTIONS_SQUID2_ONLY: Final[dict[str, MatchKind]] = {
    "carp-load-factor=": "prefix",
    "monitorurl=": "prefix",
    "monitorsize=": "prefix",
    "monitorinterval=": "prefix",
    "monitortimeout=": "prefix",
    "idle=": "prefix",
    "http11": "exact",
    "front-end-https=off": "exact",
}

#: Which 2.x releases accepted each of the options above.
PEER_OPTIONS_SQUID2_VERSIONS: Final[dict[str, tuple[str, ...]]] = {
    "carp-load-factor=": ("2.5",),  # with --enable-carp; replaced by carp + weight= in 2.6
    "monitorurl=": ("2.6", "2.7"),
    "monitorsize=": ("2.6", "2.7"),
    "monitorinterval=": ("2.6", "2.7"),
    "monitortimeout=": ("2.6", "2.7"),
    "idle=": ("2.7",),
    "http11": ("2.7",),
    "front-end-https=off": ("2.6", "2.7"),
}

# In 2.x most option tests used strcasecmp/strncasecmp (so "CARP" or "Proxy-Only" worked); only the
# ssl*, front-end-https*, connection-auth*, idle= and http11 tests were case-sensitive. 3.x+ is
# case-sensitive throughout ("CARP" is ignored as unknown in 5.7, verified).
PEER_SQUID2_CASE_SENSITIVE_PREFIXES: Final[tuple[str, ...]] = (
    "ssl",
    "front-end-https",
    "connection-auth",
    "idle=",
    "http11",
)

def match_peer_option(token: str) -> str | None:
    """Return the key of the first parse_peer() test that ``token`` passes, or None if unknown.

    A token starting with ``#`` is not an
    option at all (Squid stops reading options there); callers should handle that first.
    """
    for key, kind in PEER_OPTION_ORDER:
        if (token == key) if kind == "exact" else token.startswith(key):
            return key
    return None

def match_peer_tls_option(sub: str) -> str | None:
    """Return the PEER_TLS_OPTIONS key that Squid's TLS parser matches for ``sub``.

    ``sub`` is the token with its ssl/tls-/tls prefix removed. The empty string (bare ``tls``)
    returns ``""`` (enables TLS); None means "Unknown TLS option".
    """
    if not sub:
        return ""
    for key in PEER_TLS_OPTIONS:
        if sub.startswith(key):
            return key
    return None
