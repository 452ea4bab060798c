"""An ``acl`` line Squid rejects, or reads differently from what it says.

After the name and type, Squid reads an ``acl`` line in three steps, and each can stop it
(errors) or quietly change what the ACL matches (warnings):

- the type must exist in this build: Debian's Squid 5.7 uses GnuTLS, so the OpenSSL-only types
  (``ssl_error``, ``at_step``, ``user_cert``, ``ssl::server_name``...) are ``Invalid ACL type``;
- options: every word after the type that starts with ``-`` or ``+`` is an option, until ``--``
  or the first other word. Only ``-n`` (``dst``, ``dstdomain``, ``dstdom_regex``), ``-m``
  (``note``, ``annotate_*``), ``-s`` (``max_user_ip``) and ``-i``/``+i`` (regular expression
  and user name types) exist; anything else stops Squid (``unsupported ACL option``), including
  a value that merely starts with ``-`` (``dstdomain -example.com``: put ``--`` before it);
- values: addresses and masks of ``src``/``dst``/``localip`` (a mask longer than the address,
  a host name with a mask or range, an address that is not one), port ranges (``80-70``,
  ``70000``), ``maxconn``/``max_user_ip`` numbers that are not positive, ``time`` ranges that
  are malformed or cross midnight, ``hier_code`` names, ``random`` patterns, a ``dstdomain``/
  ``srcdomain`` wildcard listed after a name it covers (``www.example.com .example.com``: Squid
  keeps domains in a splay tree and refuses that order); and some types without any value
  (``note`` even aborts Squid 5.7);
- a ``proxy_auth`` ACL above every ``auth_param SCHEME program`` line: Squid checks for a
  configured scheme when it reads the ACL, so the order of the lines matters.

Warnings: an address ACL entry that overlaps one listed before it (Squid keeps the first and
drops the later one, so ``src 10.0.0.1 10.0.0.0/8`` matches 10.0.0.1 only), a ``/0`` mask (Squid
reads it as no mask: ``10.0.0.0/0`` is that one address, not everything), a host name in an
address ACL (Squid resolves it through DNS once, while it reads the config: start-up waits for
DNS and a name that fails to resolve stops Squid), a netmask written as an address or a ``/N``
that masks away part of the address, ``0.0.0.0/0`` for ``all``, day
letters ``time`` does not know (lower case included), text Squid ignores after an address, a
range that runs backwards, extra ``maxconn`` values, a domain already covered by a wildcard
listed before it (Squid drops it), and an ACL with no values, which never matches.

Bad::

    acl office src 10.1.2.0/33
    acl lan src 10.1.2.9 10.1.0.0/16
    acl sites dstdomain -i .example.com
    acl hours time MTWHF 18:00-08:00

Good::

    acl office src 10.1.2.0/24
    acl lan src 10.1.0.0/16
    acl sites dstdomain .example.com
    acl hours time MTWHF 18:00-24:00
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC013"
NAME = "acl-value"
SEVERITY = Severity.ERROR
KINDS = (Kind.ACL_VALUE,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/acl/Acl.cc ACL::ParseAclLine -> Acl::Make, Acl::OptionsParser, ACL::parse, ACL::valid
    yield from ctx.relay(*KINDS, carries_on=Severity.WARNING)
