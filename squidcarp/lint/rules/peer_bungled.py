"""A ``cache_peer`` line Squid rejects as 'Bungled': missing fields, bad ports, bad numbers.

``cache_peer HOST TYPE HTTP-PORT ICP-PORT [options]`` needs all four fields. Squid stops with
``FATAL: Bungled FILE line N: cache_peer ...`` when one is missing, when the HTTP port is 0, not a
number or service name, or above 65535 (``larger than the type 'short'``), when the ICP port is
not a number, and when a numeric option (``weight=``, ``ttl=``, ``basetime=``,
``connect-timeout=``, ``connect-fail-limit=``, ``max-conn=``, ``standby=``) has no digits, trailing
junk (``weight=5x``), a fraction, or overflows a C ``int``. Write plain decimal integers and give
ICP port ``0`` when the peer has no ICP.

Bad::

    cache_peer 127.0.0.1 parent 3128
    cache_peer 127.0.0.2 parent 3128 0 carp weight=2.5

Good::

    cache_peer 127.0.0.1 parent 3128 0
    cache_peer 127.0.0.2 parent 3128 0 carp weight=5
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC101"
NAME = "peer-bungled"
SEVERITY = Severity.ERROR
KINDS = (Kind.PEER_BUNGLED,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parse_peer: GetTcpService/GetUdpService/xatoi => self_destruct()
    yield from ctx.relay(*KINDS)
