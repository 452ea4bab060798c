"""A directive name Squid does not recognise.

Squid 5 and 6 log ``unrecognized: 'NAME'``, skip the line and keep going; ``squid -k parse`` then
exits with the *number* of such lines, modulo 256 — so 256 typos exit 0 and a CI check that only
reads the exit status passes. Names are case-sensitive (``HTTP_PORT`` is not ``http_port``). Squid 7
stops at the first one. Fix the spelling or remove the line.

Bad::

    HTTP_PORT 3128
    cache_peer_acces alpha allow all

Good::

    http_port 3128
    cache_peer_access alpha allow all
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.conf.facts.directives import DIRECTIVES, DIRECTIVES_BY_VERSION
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC001"
NAME = "unknown-directive"
SEVERITY = Severity.ERROR
KINDS = (Kind.UNKNOWN_DIRECTIVE,)

EXIT_STATUS_WRAP = 256  # the count is returned as a process exit status (8 bits)


def check(ctx: LintContext) -> Iterator[Finding]:
    events = ctx.events(Kind.UNKNOWN_DIRECTIVE)
    total = len(events)
    wraps = total % EXIT_STATUS_WRAP == 0 and total > 0
    for e in events:
        hint = _hint(e.subject)
        extra = (f" (all {total} together make 'squid -k parse' exit {total % 256}: the count "
                 "wraps at 256)") if wraps else ""
        yield Finding(e.pos, f"{e.message}{hint}{extra}", end_column=e.end_column)


def _hint(name: str) -> str:
    low = name.lower()
    if low != name and low in DIRECTIVES:
        return f"; directive names are case-sensitive: did you mean '{low}'?"
    for version in ("6", "7"):
        if name in DIRECTIVES_BY_VERSION.get(version, frozenset()):
            return f"; '{name}' exists in Squid {version}, not 5"
    return ""
