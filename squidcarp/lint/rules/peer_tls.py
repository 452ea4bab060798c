"""TLS options of a ``cache_peer`` that Squid ignores, rejects, or cannot honour.

Tokens starting with ``tls`` or ``ssl`` go to Squid's TLS option parser. An unknown sub-option
logs ``ERROR: Unknown TLS option 'x'`` and is ignored (the connection may then not be verified as
intended). These stop Squid: ``tls-key=`` before a non-empty ``tls-cert=``, a ``tls-version=``
that is not a number, an unknown ``tls-flags=`` word (``VERIFY_CRL`` is OpenSSL-only; a trailing
comma counts), ``CONDITIONAL_AUTH`` with another verification flag, and ``default-ca`` settings
that contradict each other (``tls-no-default-ca`` ... ``tls-default-ca``). The old ``ssl*``
spellings work only in OpenSSL builds: Debian's GnuTLS build logs ``cache_peer option 'ssl...'
requires --with-openssl`` and ignores them, so the peer is contacted in clear text.

On that GnuTLS build ``tls-options=`` is a GnuTLS priority string, not OpenSSL's option list
(``NO_SSLv3`` stops Squid), and Squid 5.7 appends ``tls-min-version=1.N`` to it as
``:-VERS-TLS1.0...`` with the leading colon even when there are no options: a lone
``tls-min-version=1.2`` therefore stops Squid (``The request is invalid``), and so does
``tls-version=3``..``6`` alone. Start ``tls-options=`` with a keyword such as ``NORMAL``.
Algorithm names and ``%`` flags after the keyword are left to GnuTLS (not checked here).

Bad::

    cache_peer 127.0.0.1 parent 443 0 ssl sslcafile=/etc/ssl/ca.pem
    cache_peer 127.0.0.1 parent 443 0 tls tls-min-version=1.2

Good::

    cache_peer 127.0.0.1 parent 443 0 tls tls-cafile=/etc/ssl/ca.pem
    cache_peer 127.0.0.1 parent 443 0 tls tls-options=NORMAL tls-min-version=1.2
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC113"
NAME = "peer-tls"
SEVERITY = Severity.WARNING
KINDS = (Kind.PEER_TLS,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/security/PeerOptions.cc Security::PeerOptions::parse
    yield from ctx.relay(*KINDS)
