"""Parents without ``never_direct``: from the second request to a host on, Squid goes direct.

Every request Squid forwards, to a parent or direct, makes its netdb add an entry for the
request's host (src/FwdState.cc ``netdbPingSite``), and Squid 5.7 starts every entry with an RTT
of 1 ms (src/icmp/net_db.h), whether a pinger ever measures it or not (``pinger_enable off``
changes nothing). When neither ``always_direct`` nor ``never_direct`` decides a request, Squid
then asks netdb (``checkNetdbDirect``): "1 ms is within ``minimum_direct_rtt`` (400 ms)", so
the request goes DIRECT, and only DIRECT. The parents, CARP members included, see the first
request for each host and hardly anything after it; ``squidcarp route`` shows the same on a
stream of requests. Verified against Squid 5.7 (Debian, built with ICMP).

Send every request that should use the parents through ``never_direct`` (``never_direct allow
all`` for a CARP frontend), or set ``minimum_direct_rtt 0`` to turn the netdb shortcut off.

Bad::

    cache_peer 10.1.0.11 parent 3128 0 carp name=cache1 no-query no-digest
    cache_peer 10.1.0.12 parent 3128 0 carp name=cache2 no-query no-digest

Good::

    never_direct allow all
    cache_peer 10.1.0.11 parent 3128 0 carp name=cache1 no-query no-digest
    cache_peer 10.1.0.12 parent 3128 0 carp name=cache2 no-query no-digest
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.model import PeerType
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC150"
NAME = "netdb-direct"
SEVERITY = Severity.ERROR

# src/peer_select.cc PeerSelector::selectMore: checkNetdbDirect() runs once always_direct and
# never_direct have not decided, and a noDirect (accelerated, no allow-direct) request never
# gets there; its "myrtt && myrtt <= Config.minDirectRtt" needs minimum_direct_rtt >= 1.


def _never_direct_for_all(ctx: LintContext) -> bool:
    lines = ctx.config.access_list("never_direct")
    if not lines:
        return False
    first = lines[0]
    return first.action == "allow" and all(
        not ref.negated and _everything(ctx, ref.name) for ref in first.acls)


def _everything(ctx: LintContext, name: str) -> bool:
    acl = ctx.config.acl(name)
    return acl is not None and acl.type == "src" and any(v.text == "all" for v in acl.values)


def check(ctx: LintContext) -> Iterator[Finding]:
    config = ctx.config
    parents = [p for p in config.peers if p.type is PeerType.PARENT]
    if not parents or _never_direct_for_all(ctx):
        return
    rtt = config.setting_value("minimum_direct_rtt")
    if not isinstance(rtt, int) or rtt < 1:
        return
    ports = config.http_ports
    if ports and all(p.accel and not any(t.text == "allow-direct" for t in p.options)
                     for p in ports):
        return  # every request is accelerated without allow-direct: never direct
    first = parents[0]
    kind = "CARP parent" if first.is_carp_member else "parent"
    yield Finding(
        first.pos,
        f"{kind} '{first.name}' is bypassed for repeat hosts: nothing makes every request "
        "non-direct (no 'never_direct allow all'), so once a host has been fetched its netdb "
        f"entry (1 ms, within minimum_direct_rtt {rtt}) sends later requests for it DIRECT",
        end_column=first.pos.column + len(first.directive.keyword))
