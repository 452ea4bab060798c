"""The file ends inside a ``\\`` continuation: Squid silently drops the whole logical line.

Squid joins a line ending in ``\\`` with the next one; when the file ends while a continuation
is still open (the last line ends in ``\\``, or only comments follow it), the accumulated line is
never processed — no error, no warning, the directive is simply gone. In an included file this
drops, say, the last ``cache_peer`` of the array. Remove the trailing backslash.

Bad::

    cache_peer 127.0.0.1 parent 3128 0 carp \\
    # end of file

Good::

    cache_peer 127.0.0.1 parent 3128 0 carp
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC009"
NAME = "continuation-at-eof"
SEVERITY = Severity.ERROR
KINDS = (Kind.CONTINUATION_AT_EOF,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parseOneConfigFile: the fgets loop ends with the continuation unprocessed
    yield from ctx.relay(*KINDS)
