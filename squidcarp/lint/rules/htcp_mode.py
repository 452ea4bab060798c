"""A bad ``htcp=`` mode list: Squid stops.

``htcp=MODE[,MODE]`` (or the old ``htcp-MODE``) accepts ``oldsquid``, ``no-clr``,
``no-purge-clr``, ``only-clr`` and ``forward-clr``. Anything else stops Squid with ``FATAL:
invalid HTCP mode 'x'``, and ``no-clr`` together with ``only-clr`` stops it with ``can't set htcp
no-clr and only-clr simultaneously``. Fix the spelling or drop the conflicting mode.

Bad::

    cache_peer 127.0.0.1 parent 3128 4827 htcp=no-clr,only-clr

Good::

    cache_peer 127.0.0.1 parent 3128 4827 htcp=no-clr
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC105"
NAME = "htcp-mode"
SEVERITY = Severity.ERROR
KINDS = (Kind.PEER_HTCP_MODE,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parse_peer: fatalf("invalid HTCP mode '%s'") / only-clr with no-clr
    yield from ctx.relay(*KINDS)
