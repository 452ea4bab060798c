"""``parameters("file")`` while ``configuration_includes_quoted_values`` is off: a literal value.

Squid expands ``parameters("file")`` into the file's words only when
``configuration_includes_quoted_values on`` is in effect on that line. With the default (off),
the text ``parameters("file")`` is handed to the directive as an ordinary value — an ACL then
matches the literal string, a helper gets it as an argument — and Squid says nothing. Turn quoted
values on before the line (and quote other values accordingly), or list the values directly.

Bad::

    acl peers src parameters("/etc/squid/peers.txt")

Good::

    configuration_includes_quoted_values on
    acl peers src parameters("/etc/squid/peers.txt")
    configuration_includes_quoted_values off
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC010"
NAME = "parameters-literal"
SEVERITY = Severity.ERROR
KINDS = (Kind.PARAMETERS_LITERAL,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/ConfigParser.cc NextToken: functions are recognised only in quoted-values mode
    yield from ctx.relay(*KINDS)
