"""CARP parents that tunnel CONNECT can be marked DEAD by their error answers.

Squid 5.7 counts an error a parent returns to a CONNECT (503 when the origin cannot be reached,
403 from its own rules) as a failed connection to that parent. After ``connect-fail-limit``
of them (10 by default) the parent is DEAD: CARP skips it for every request, not only for
CONNECT, and its URLs move to the other members until a probe revives it. A handful of
unreachable HTTPS sites is enough to take a member out of the array. Observed on Squid 5.7.
``squidcarp route --down NAME`` shows where the requests go meanwhile.

Let CONNECT go direct from the frontend (``always_direct allow CONNECT``), keep it off the CARP
members (``cache_peer_access NAME deny CONNECT``), or raise ``connect-fail-limit=``.

Bad::

    never_direct allow all
    cache_peer 10.1.0.11 parent 3128 0 carp name=cache1 no-query no-digest

Good::

    always_direct allow CONNECT
    never_direct allow all
    cache_peer 10.1.0.11 parent 3128 0 carp name=cache1 no-query no-digest
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import AccessLine
from squidcarp.libc import c_lower, c_upper
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC151"
NAME = "carp-connect-dead"
SEVERITY = Severity.WARNING

CONNECT_FAIL_LIMIT = 10  # src/cache_cf.cc parse_peer: connect-fail-limit < 1 becomes 10


def _mentions_connect(ctx: LintContext, names: list[str]) -> bool:
    for name in names:
        acl = ctx.config.acl(name)
        if acl is not None and acl.type == "method" and any(
                c_upper(v.text) == "CONNECT" for v in acl.values):
            return True
    return False


def check(ctx: LintContext) -> Iterator[Finding]:
    members = ctx.carp_peers
    if not members:
        return
    config = ctx.config
    # CONNECT is not hierarchical: it reaches the parents when never_direct allows it, or when
    # nonhierarchical_direct is off (src/peer_select.cc selectMore).
    never = config.access_list("never_direct")
    always = config.access_list("always_direct")
    tunnels = bool(never) or config.setting_value("nonhierarchical_direct") is False
    if not tunnels:
        return
    for line in always:  # an allow line for CONNECT before any deny line: CONNECT goes direct
        if line.action != "allow":
            break
        if not any(r.negated for r in line.acls) and _mentions_connect(
                ctx, [r.name for r in line.acls]):
            return
    first_rule: dict[str, AccessLine] = {}  # each peer's first cache_peer_access line
    for line in config.access_list("cache_peer_access"):
        first_rule.setdefault(c_lower(line.peer or ""), line)
    for peer in members:
        first = first_rule.get(c_lower(peer.name))
        if first is not None and first.action == "deny" and _mentions_connect(
                ctx, [r.name for r in first.acls if not r.negated]):
            continue
        limit = peer.connection.connect_fail_limit or CONNECT_FAIL_LIMIT
        yield Finding(peer.pos, f"CARP parent '{peer.name}' tunnels CONNECT: {limit} error "
                                "answers to CONNECT requests mark it DEAD, and CARP then skips "
                                "it for every URL",
                      end_column=peer.pos.column + len(peer.directive.keyword))
