"""An access rule Squid drops: no ``allow``/``deny``, or no ACL after it.

``aclParseAccessLine`` (src/acl/Gadgets.cc) reads ``allow`` or ``deny`` first, then the ACL names.
A line with another word there (``http_access permit all``), nothing at all, or no ACL after the
action (``never_direct allow``, or ``http_access deny "names.txt"`` with an empty or missing file)
is printed with ``aclParseAccessLine: ...`` and *dropped*: Squid starts (exit 0) without the
rule, so the list silently does not say what the line says — an ``http_access deny`` that never
denies, a ``never_direct allow`` that never forces a parent. This applies to every access list:
``http_access``, ``icp_access``, ``cache_peer_access``, ``always_direct``, ``never_direct``,
``miss_access``, ``request_header_access``, ``adaptation_access``... Write the action and at least
one ACL (``all`` matches every request).

Bad::

    http_access permit localnet
    never_direct allow

Good::

    http_access allow localnet
    never_direct allow all
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC014"
NAME = "access-line-dropped"
SEVERITY = Severity.ERROR
KINDS = (Kind.ACCESS_DROPPED,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/acl/Gadgets.cc aclParseAccessLine: "missing 'allow' or 'deny'", "expecting 'allow' or
    # 'deny', got ...", "Access line contains no ACL's, skipping": the rule is not added
    yield from ctx.relay(*KINDS)
