"""A line Squid cannot read: quoting, strict tokens, ``parameters()``, ``if`` statements, values.

These are the problems Squid finds while reading a line, before any cache_peer logic. Errors
(Squid stops):

- with ``configuration_includes_quoted_values on``: a bad escape (``\\a``), an unclosed quote, text
  glued to a closing quote, an unquoted token with a character outside ``[A-Za-z0-9.,()-=_/:+]``
  (``Not alphanumeric character ... in unquoted token``), an unknown ``name(`` function, an
  unreadable ``parameters("file")``, and any regular expression: ``url_regex`` and the other
  regex ACL types, ``req_header``, ``refresh_pattern`` (``Can not read regex expression``);
- ``if`` other than ``true``, ``false`` or ``INTEGER = INTEGER``; a stray ``else``/``endif``; an
  ``if`` left open at the end of a file;
- a value Squid cannot convert: a missing one; a number or port it cannot read (``int``
  directives take C notation, so ``0x1F`` and ``027`` are numbers but ``08`` is not; port
  directives such as ``icp_port`` take no service names); a time without a unit spelled out
  (``dead_peer_timeout 5`` or ``10 sec``: write ``10 seconds``); a byte size with an unknown unit
  (``4096 B``) or not a whole number of the directive's unit; an on/off word other than exactly
  ``on``/``off`` (``yes`` and ``ON`` stop Squid);
- an ``http_port``/``https_port``/``ftp_port`` Squid cannot set up: no port number (service
  names do not work), an unknown option (the OpenSSL-only ``ssl-bump``, ``cert=``... on Debian's
  GnuTLS build), ``defaultsite=``/``vport``/``protocol=``/``allow-direct`` before ``accel``,
  ``accel``/``intercept``/``tproxy`` on one port, ``tcpkeepalive=`` with fewer than three numbers
  (5.7 cannot read them), TLS without a ``tls-cert=``, ``tls-options=`` GnuTLS rejects;
- ``external_acl_type`` with a word that is neither an option nor a ``%`` format code before
  its formats (so no format is read), or without a helper program;
- an access rule (``http_access``, ``cache_peer_access``, ``never_direct``...) or ACL list
  (``note``, ``request_header_add``, ``tcp_outgoing_address``...) naming an ACL that no ``acl``
  line *above* it defines (``all``, ``manager``, ``localhost``, ``to_localhost`` and ``CONNECT``
  are built in; names compare case-insensitively), and an ``acl`` line reusing a name with
  another type;
- a malformed quoted string or ``name(...)`` where Squid reads a quoted token even with quoted
  values off (``url_rewrite_program`` and other program/word lists, ``dns_nameservers``,
  ``*_extras``, ``note`` and header values).

Warnings (Squid carries on): an access rule without ``allow``/``deny`` or without any ACL (Squid
prints it and drops the rule), the old ``enable``/``disable`` spellings, a byte size without a
unit, and a quoted value longer than 2047 bytes, which Squid silently truncates. Quote the whole
token, fix the expression, or supply the value.

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

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC003"
NAME = "config-syntax"
SEVERITY = Severity.ERROR

# src/ConfigParser.cc (TokenParse, UnQuote, NextToken) and src/cache_cf.cc (EvalBoolExpr,
# parseOneConfigFile, the parse_* value converters).
KINDS = (Kind.QUOTE_ERROR, Kind.STRICT_TOKEN, Kind.UNKNOWN_FUNCTION, Kind.PARAMETERS_ERROR,
         Kind.IF_EXPRESSION, Kind.IF_UNBALANCED, Kind.IF_UNCLOSED, Kind.MISSING_VALUE,
         Kind.SCALAR_VALUE, Kind.PORT_LINE, Kind.HELPER_CHILDREN, Kind.EXTERNAL_ACL,
         Kind.REGEX_QUOTED, Kind.ACL_LINE, Kind.ACL_NOT_FOUND)


def check(ctx: LintContext) -> Iterator[Finding]:
    yield from ctx.relay(*KINDS, carries_on=Severity.WARNING)
