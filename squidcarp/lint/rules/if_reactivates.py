"""An ``if`` that evaluates true inside a false block switches lines back on.

Squid keeps a stack of ``if`` results but decides whether a line is active from the *top* of the
stack only. So in ``if false`` ... ``if true`` ... ``endif`` ... ``endif`` the inner lines are
read even though the outer block is off — unlike every programming language. Nested conditions
over ``${process_number}`` are where this bites: a kid-specific block inside a block meant for
another kid is applied anyway. Avoid nesting, or repeat the outer condition in the inner one.

An error: the lines Squid switches back on are read as if they were written outside the block,
so the config does what its text says it does not.

Bad::

    if ${process_number} = 1
    if true
    http_port 3129
    endif
    endif

Good::

    if ${process_number} = 1
    http_port 3129
    endif
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC012"
NAME = "if-reactivates"
SEVERITY = Severity.ERROR
KINDS = (Kind.IF_REACTIVATES,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parseOneConfigFile: a line is skipped iff !if_states.back()
    yield from ctx.relay(*KINDS)
