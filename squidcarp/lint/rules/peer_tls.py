"""TLS options of a ``cache_peer`` that Squid ignores, rejects, or cannot honour.

Tokens starting with ``tls`` or ``ssl`` go to Squid's TLS option parser. An unknown sub-option
logs ``ERROR: Unknown TLS option 'x'`` and is ignored (the connection may then not be verified as
intended); ``tls-key=`` before any ``tls-cert=`` stops Squid. The old ``ssl*`` spellings work only
in OpenSSL builds: Debian's GnuTLS build logs ``cache_peer option 'ssl...' requires
--with-openssl`` and ignores them, so the peer is contacted in clear text. Use the ``tls-``
spellings and put ``tls-cert=`` before ``tls-key=``.

Bad::

    cache_peer 127.0.0.1 parent 443 0 ssl sslcafile=/etc/ssl/ca.pem

Good::

    cache_peer 127.0.0.1 parent 443 0 tls tls-cafile=/etc/ssl/ca.pem
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind, Squid
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC113"
NAME = "peer-tls"
SEVERITY = Severity.WARNING


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/security/PeerOptions.cc Security::PeerOptions::parse
    for e in ctx.events(Kind.PEER_TLS):
        severity = Severity.ERROR if e.squid is Squid.FATAL else Severity.WARNING
        yield Finding(e.pos, e.message, severity, e.end_column)
