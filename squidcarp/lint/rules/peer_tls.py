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

An option Squid ignores is an error (the peer is not contacted as the line asks); a deprecated
``tls-version=``, a repeated ``tls-flags=`` and a flag mixture Squid only warns about are
warnings.

Bad::

    cache_peer 127.0.0.1 parent 443 0 ssl sslcafile=/etc/ssl/ca.pem
    cache_peer 127.0.0.1 parent 443 0 tls tls-min-version=1.2

Good::

    cache_peer 127.0.0.1 parent 443 0 tls tls-cafile=/etc/ssl/ca.pem
    cache_peer 127.0.0.1 parent 443 0 tls tls-options=NORMAL tls-min-version=1.2
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind, Squid
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC113"
NAME = "peer-tls"
SEVERITY = Severity.ERROR
KINDS = (Kind.PEER_TLS,)

# What Squid still honours, only warning about the way it is written: the deprecated
# tls-version= (converted to tls-min-version=/tls-options=), a repeated tls-flags=, and flag
# mixtures it accepts today. Every other non-fatal case is an option Squid ignores, so the
# connection is not made as the line asks (clear text for the ssl* spellings, no CA path).
_STILL_HONOURED = ("tls-version=", "tls-flags=")


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/security/PeerOptions.cc Security::PeerOptions::parse
    for e in ctx.events(*KINDS):
        honoured = e.squid is not Squid.FATAL and e.subject.startswith(_STILL_HONOURED)
        yield Finding(e.pos, e.message, Severity.WARNING if honoured else Severity.ERROR,
                      e.end_column)
