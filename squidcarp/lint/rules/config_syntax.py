"""A line Squid cannot read: quoting, strict tokens, ``parameters()``, ``if`` statements, values.

These are the problems Squid finds while reading the file itself, before any directive logic:
with ``configuration_includes_quoted_values on`` a bad escape (``\\a``), an unclosed quote,
text glued to a closing quote, or an unquoted token with a character outside
``[A-Za-z0-9.,()-=_/:+]`` stops Squid (``Not alphanumeric character ... in unquoted token``), as do
an unknown ``name(`` function, an unreadable ``parameters("file")`` and any regular expression
(``url_regex`` and the other regex ACL types, ``req_header``, ``refresh_pattern``: ``Can not read
regex expression``). ``if`` accepts only
``true``, ``false`` and ``INTEGER = INTEGER``; a stray ``else``/``endif`` or an ``if`` left open at
the end of a file is fatal, and so is a directive value Squid cannot convert (a missing value, a
port or number it cannot read — ``int`` directives take C notation, so ``0x1F`` and ``027`` are
numbers but ``08`` is not, and port directives take no service names — or an on/off word other
than exactly ``on``/``off``: ``yes`` and ``ON`` stop Squid), and so is an access rule
(``http_access``, ``cache_peer_access``, ``never_direct``...) naming an ACL that no ``acl`` line
*above* it defines (``all``, ``manager``, ``localhost``, ``to_localhost`` and ``CONNECT`` are
built in; names compare case-insensitively). All of these are errors; an access rule without
``allow``/``deny`` or without any ACL (Squid prints it and drops the rule), the old
``enable``/``disable`` spellings (Squid warns) and a quoted value longer than 2047 bytes, which
Squid silently truncates, are warnings. Quote the whole token, fix the expression, or supply the
value.

Bad::

    configuration_includes_quoted_values on
    cache_peer 127.0.0.1 parent 3128 0 login=user*x
    if ${process_number} != 1
    endif

Good::

    configuration_includes_quoted_values on
    cache_peer 127.0.0.1 parent 3128 0 "login=user*x"
    if ${process_number} = 1
    endif
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind, Squid
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC003"
NAME = "config-syntax"
SEVERITY = Severity.ERROR

# src/ConfigParser.cc (TokenParse, UnQuote, NextToken) and src/cache_cf.cc (EvalBoolExpr,
# parseOneConfigFile, the parse_* value converters).
KINDS = (Kind.QUOTE_ERROR, Kind.STRICT_TOKEN, Kind.UNKNOWN_FUNCTION, Kind.PARAMETERS_ERROR,
         Kind.IF_EXPRESSION, Kind.IF_UNBALANCED, Kind.IF_UNCLOSED, Kind.BAD_VALUE)


def check(ctx: LintContext) -> Iterator[Finding]:
    for e in ctx.events(*KINDS):
        severity = Severity.ERROR if e.squid is Squid.FATAL else Severity.WARNING
        yield Finding(e.pos, e.message, severity, e.end_column)
