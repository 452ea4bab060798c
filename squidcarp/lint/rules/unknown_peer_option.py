"""An unknown ``cache_peer`` option: Squid logs an ERROR, ignores it and starts anyway.

Since 3.4, ``parse_peer`` answers an option it does not know with ``ERROR: Ignoring unknown
cache_peer option 'X'`` and exit status 0, so ``squid -k parse`` in CI passes. Options are matched
case-sensitively, so ``CARP``, ``No-Query`` or ``Weight=2`` do nothing at all — the peer silently
leaves the CARP array or keeps receiving ICP queries; and without
``configuration_includes_quoted_values on`` quotes are part of the word, so ``"name=a"`` is not
``name=a``. Such tokens, which *would* be options if spelled right, are errors, and so is a near
miss of an option that decides where requests go or how many (``wieght=5``, ``crap``,
``no-qeury``: the peer silently keeps weight 1, leaves CARP, or keeps getting queries); other
unknown tokens are warnings. Options of Squid 2.x are reported by SC107 and ``carp-load-factor=`` by
SC108. Fix the spelling.

Bad::

    cache_peer 127.0.0.1 parent 3128 0 CARP No-Query "name=alpha"

Good::

    cache_peer 127.0.0.1 parent 3128 0 carp no-query name=alpha
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.conf.facts.peer import (
    PEER_OPTION_ORDER,
    PEER_TLS_PREFIXES,
    match_peer_option,
    match_peer_tls_option,
)
from squidcarp.conf.model import CachePeer, PeerOption
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity
from squidcarp.lint.rules.legacy_peer_option import handled_by_carp_load_factor, legacy_key

CODE = "SC106"
NAME = "unknown-peer-option"
SEVERITY = Severity.WARNING
KINDS = (Kind.PEER_UNKNOWN_OPTION,)

QUOTES = "\"'"
BACKSLASH = "\\"  # what '\' + trailing blank leaves behind (src/cache_cf.cc parseOneConfigFile)
# Every option word parse_peer() tests (src/cache_cf.cc @ SQUID_5_7), for suggestions.
OPTION_WORDS = tuple(key.rstrip("=") for key, _ in PEER_OPTION_ORDER)
# Options whose loss changes which peer gets a request, or how many (selection methods, the
# CARP hash's inputs, queries and connection limits): a near miss of one is not harmless.
ROUTING = frozenset({"weight", "carp", "carp-key", "name", "userhash", "sourcehash",
                     "round-robin", "weighted-round-robin", "default", "closest-only",
                     "no-query", "originserver", "max-conn", "standby", "no-digest",
                     "htcp", "multicast-responder"})


def check(ctx: LintContext) -> Iterator[Finding]:
    # The reader reports each option parse_peer does not match; the peer gives the context.
    unknown = {o.token.pos: (p, o) for p in ctx.config.peers for o in p.unknown_options}
    for e in ctx.events(*KINDS):
        peer, opt = unknown[e.pos]
        text = opt.text
        if legacy_key(text) is not None or handled_by_carp_load_factor(text):
            continue  # SC107 / SC108 say what the 2.x option was
        yield _finding(peer, opt)


def _finding(peer: CachePeer, opt: PeerOption) -> Finding:
    tok = opt.token
    text = tok.text
    end = tok.pos.column + len(tok.raw_or_text)
    base = (f"unknown option '{text}' on peer '{peer.name}': Squid logs an ERROR, ignores it "
            "and exits 0")
    if text[:1] in QUOTES:
        inner = text[1:-1] if len(text) > 1 and text[-1] == text[0] else text[1:]
        if _known(inner):
            return Finding(tok.pos, f"{base} — the quotes are part of the word while "
                                    "configuration_includes_quoted_values is off, so "
                                    f"'{inner}' silently does nothing; write it unquoted",
                           Severity.ERROR, end)
    keyword, sep, value = text.partition("=")
    for folded in (keyword.lower() + sep + value, text.lower()):  # keyword first, keep the value
        if folded != text and _known(folded):
            return Finding(tok.pos, f"{base} — options are case-sensitive, so '{text}' is not "
                                    f"'{folded}' and silently does nothing",
                           Severity.ERROR, end)
    if text == BACKSLASH:
        return Finding(tok.pos, f"{base} — a lone '\\' is usually a continuation backslash "
                                "followed by blanks, which does not continue the line: the next "
                                "line is read as a directive of its own", end_column=end)
    import difflib  # only for the suggestion, so only when an option is unknown

    close = difflib.get_close_matches(text.split("=", 1)[0], OPTION_WORDS, n=1, cutoff=0.75)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    if close and close[0] in ROUTING:
        return Finding(tok.pos, f"{base}{hint} Without it, the peer silently routes as if "
                                f"'{close[0]}' were not there", Severity.ERROR, end)
    return Finding(tok.pos, f"{base}{hint}", end_column=end)


def _known(word: str) -> bool:
    """Would parse_peer() accept ``word`` (including the TLS sub-option check)?"""
    key = match_peer_option(word)  # (5.x to 7.x test the same options)
    if key is None:
        return False
    if key in PEER_TLS_PREFIXES:
        return match_peer_tls_option(word[len(key):]) is not None
    return True
