"""An empty ``name=``: Squid 5 keeps a peer with no name and crashes; 6.1+ refuses it.

In Squid 5 ``name=`` with nothing after it frees the default name and stores none. ``squid -k
parse`` passes while it is the only peer, but as soon as another ``cache_peer`` line exists
(before or after it) the duplicate-name check compares against the missing name and Squid dies
with a segmentation fault (signal 11, shell status 139); a later ``cache_peer_access`` does the
same, and a lone nameless CARP parent crashes Squid at start, when the CARP table is built.
Squid 6.1 and later reject the line.
Give the peer a real name or remove the option.

Bad::

    cache_peer 127.0.0.1 parent 3901 0 carp name=a
    cache_peer 127.0.0.1 parent 3902 0 carp name=

Good::

    cache_peer 127.0.0.1 parent 3901 0 carp name=a
    cache_peer 127.0.0.1 parent 3902 0 carp name=b
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC111"
NAME = "empty-peer-name"
SEVERITY = Severity.ERROR
KINDS = (Kind.PEER_EMPTY_NAME,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parse_peer (5.7): name= with an empty value leaves p->name NULL
    yield from ctx.relay(*KINDS)
