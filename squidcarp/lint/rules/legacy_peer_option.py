"""A ``cache_peer`` option from Squid 2.x that Squid 3.4 and later ignore.

Squid 2.6/2.7 had ``monitorurl=``, ``monitorsize=``, ``monitorinterval=`` and ``monitortimeout=``
(an HTTP health probe), ``idle=`` (a pool of idle connections), ``http11`` (talk HTTP/1.1 to the
peer) and accepted ``front-end-https=off``. Squid 5 knows none of them: it logs ``ERROR: Ignoring
unknown cache_peer option`` and carries on (exit 0), so a migrated config *looks* accepted while
the health probe or connection pool is gone. 2.x also compared most options case-insensitively,
so spellings like ``MonitorURL=`` are recognised here. (The 2.5 ``carp-load-factor=`` has its own
rule, SC108.) Use the modern equivalent named in the message, or delete the option.

Bad::

    cache_peer 127.0.0.1 parent 3128 0 monitorurl=http://127.0.0.1/ idle=10 http11

Good::

    cache_peer 127.0.0.1 parent 3128 0 connect-fail-limit=3 standby=10
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.facts.peer import (
    LEGACY_OPTION,
    PEER_OPTIONS_SQUID2_ONLY,
    PEER_OPTIONS_SQUID2_VERSIONS,
    PEER_SQUID2_CASE_SENSITIVE_PREFIXES,
)
from squidcarp.libc import c_lower
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC107"
NAME = "legacy-peer-option"
SEVERITY = Severity.WARNING

# What to write for Squid 5 instead of each 2.x option.
_MONITOR = ("Squid 3+ has no HTTP health probe: it counts failed connects instead "
            "(connect-fail-limit=N) and, for peers it sends ICP queries to, missing replies "
            "(dead_peer_timeout)")
INSTEAD: dict[str, str] = {
    "carp-load-factor=": "use 'carp weight=N' ('squidcarp migrate' rewrites it)",
    "monitorurl=": _MONITOR,
    "monitorsize=": _MONITOR,
    "monitorinterval=": _MONITOR,
    "monitortimeout=": _MONITOR,
    "idle=": "use standby=N to keep N idle connections open to the peer",
    "http11": "Squid 3.2+ always speaks HTTP/1.1 to peers: delete it",
    "front-end-https=off": "off is the default (Squid 5 accepts only front-end-https, =on and "
                           "=auto): delete it",
}


def legacy_key(text: str) -> str | None:
    """The 2.x option ``text`` is, compared the way Squid 2.x compared it, else None."""
    for key, kind in PEER_OPTIONS_SQUID2_ONLY.items():
        sensitive = key.startswith(PEER_SQUID2_CASE_SENSITIVE_PREFIXES)
        word = text if sensitive else c_lower(text)  # strcasecmp
        if (word == key) if kind == "exact" else word.startswith(key):
            return key
    return None


def handled_by_carp_load_factor(text: str) -> bool:
    """SC108 reports the exact-case ``carp-load-factor=`` spelling itself."""
    return text.startswith(LEGACY_OPTION)


def check(ctx: LintContext) -> Iterator[Finding]:
    for peer in ctx.config.peers:
        for opt in peer.unknown_options:
            text = opt.text
            key = legacy_key(text)
            if key is None or handled_by_carp_load_factor(text):
                continue
            accepted = PEER_OPTIONS_SQUID2_VERSIONS[key]
            if ctx.squid_version in accepted:
                continue
            versions = "-".join(dict.fromkeys((accepted[0], accepted[-1])))
            yield Finding(opt.token.pos,
                          f"'{text}' on peer '{peer.name}' is a Squid {versions} option: Squid "
                          f"3.4+ logs an ERROR and ignores it; {INSTEAD[key]}",
                          end_column=opt.token.pos.column + len(opt.token.raw_or_text))
