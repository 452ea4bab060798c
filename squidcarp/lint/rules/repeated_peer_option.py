"""The same ``cache_peer`` option twice on one line.

``parse_peer`` handles options left to right and each valued option simply overwrites the
previous one: ``weight=1 weight=5`` is weight 5, ``name=a name=b`` is named ``b`` — typically the
result of appending to a line instead of editing it, and whoever reads only the first value is
wrong about routing. ``carp-key=`` and ``htcp=`` are the exceptions: repeated ones *merge*
(``carp-key=host carp-key=path`` hashes host and path). A repeated flag (``no-query no-query``)
does nothing. TLS ``tls-cert=``, ``tls-key=`` and ``tls-cafile=`` may legitimately repeat. Keep one
of each.

Bad::

    cache_peer 127.0.0.1 parent 3128 0 carp weight=1 no-query weight=5

Good::

    cache_peer 127.0.0.1 parent 3128 0 carp no-query weight=5
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.facts.peer import match_peer_tls_option
from squidcarp.conf.model import CachePeer, OptionSpec
from squidcarp.conf.peer import TRI_STATE
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC125"
NAME = "repeated-peer-option"
SEVERITY = Severity.WARNING

# src/cache_cf.cc parse_peer: these set flags and OR them together (no overwrite).
MERGED = frozenset({"carp-key", "htcp="})
# src/security/PeerOptions.cc parse: cert= appends a key pair, key= completes it, cafile= appends.
TLS_REPEATABLE = frozenset({"cert=", "key=", "cafile="})


def check(ctx: LintContext) -> Iterator[Finding]:
    for peer in ctx.config.peers:
        yield from _peer(peer)


def _slot(opt: OptionSpec, words: tuple[str, ...]) -> str | None:
    """What the option sets, or None when repeating it is fine (or not an option at all)."""
    if not opt.known:
        return None
    if opt.key in ("tls", "ssl"):
        sub = match_peer_tls_option(opt.value_in(words) or "")
        if sub is None or sub in TLS_REPEATABLE or sub == "disable":
            return None
        return f"{opt.key}-{sub}" if sub else opt.key
    return opt.key


def _peer(peer: CachePeer) -> Iterator[Finding]:
    first: dict[str, OptionSpec] = {}
    words = peer.directive.words
    for opt in peer.option_specs:  # (specs: a token is made only for a repeat)
        slot = _slot(opt, words)
        if slot is None:
            continue
        if slot not in first:
            first[slot] = opt
            continue
        earlier = words[first[slot].word]
        tok = peer.directive.args[opt.word]
        text = tok.text
        end = tok.pos.column + len(tok.raw_or_text)
        if slot in MERGED:
            what = "Squid merges them"
            if slot == "carp-key" and peer.carp_key is not None:
                what += " (the key is " + ",".join(p.value for p in peer.carp_key.ordered()) + ")"
            message = (f"'{text}' repeats '{earlier}' on peer '{peer.name}': {what}; "
                       "write one option")
        elif opt.value_in(words) is None and slot not in TRI_STATE and text == earlier:
            message = f"flag '{text}' is given twice on peer '{peer.name}': the repeat does nothing"
        else:
            message = (f"'{text}' on peer '{peer.name}' overrides the earlier '{earlier}': Squid "
                       "keeps only the last value")
        yield Finding(tok.pos, message, end_column=end)
