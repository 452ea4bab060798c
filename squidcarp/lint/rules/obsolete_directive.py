"""A directive Squid 5 knows only as obsolete.

Squid 5 logs ``ERROR: Directive 'NAME' is obsolete.`` and, for most such names, ignores the line
and exits 0, so the setting silently does nothing (``cache_peer_domain`` lines stop restricting
peers; use ``cache_peer_access`` with a ``dstdomain`` ACL). A few are still acted upon by
``parse_obsolete()``: ``log_access`` and ``log_icap`` always stop Squid ('Bungled');
``url_rewrite_concurrency`` and ``ignore_ims_on_miss`` still read a value (and stop Squid when it
is missing or not a number / on-off word), and ``sslproxy_*`` lines are converted into
``tls_outgoing_options`` (a value-less one crashes Squid 5.7). A line Squid ignores, or that stops
it, is an error (the setting silently does nothing); one it still acts on is a warning (only its
spelling is old). Replace the line with its modern equivalent or remove it.

A directive that Debian's Squid 5.7 was built without (``ssl_bump``, ``sslcrtd_program`` and the
other OpenSSL-only names, ``esi_parser``...) is treated the same way: ``ERROR: 'NAME' requires
--with-openssl``, the line is ignored, exit status 0 (an error: the proxy does not do it).

Bad::

    cache_peer_domain alpha .example.com
    log_access deny all

Good::

    acl example dstdomain .example.com
    cache_peer_access alpha allow example
    access_log none all
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.directives import obsolete_fatal_reason
from squidcarp.conf.events import Kind
from squidcarp.conf.facts.directives import OBSOLETE_STILL_PARSED
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC002"
NAME = "obsolete-directive"
SEVERITY = Severity.ERROR
KINDS = (Kind.UNSUPPORTED_DIRECTIVE, Kind.OBSOLETE_DIRECTIVE)


def check(ctx: LintContext) -> Iterator[Finding]:
    # cf_gen's parse_line: "#if IFDEF ... #else ERROR: 'X' requires ... #endif", then return 1
    yield from ctx.relay(Kind.UNSUPPORTED_DIRECTIVE)
    events = ctx.events(Kind.OBSOLETE_DIRECTIVE)
    by_pos = {d.pos: d for d in ctx.config.directives} if events else {}
    for e in events:
        name = e.subject
        directive = by_pos.get(e.pos)
        fatal = obsolete_fatal_reason(name, directive.args if directive is not None else ())
        still = OBSOLETE_STILL_PARSED.get(name)
        if fatal is not None:
            yield Finding(e.pos, f"directive '{name}' is obsolete: Squid 5 logs an ERROR and then "
                                 f"{fatal}", Severity.ERROR, e.end_column)
        elif still is not None:
            yield Finding(e.pos, f"directive '{name}' is obsolete: Squid 5 logs an ERROR but still "
                                 f"acts on it ({still})", Severity.WARNING, e.end_column)
        else:
            yield Finding(e.pos, e.message, end_column=e.end_column)

