"""``mcast_groups`` while ``icp_port`` is 0: Squid never joins the groups.

Squid joins the ``mcast_groups`` only after it has opened its ICP port — the groups deliver ICP
queries to that socket. With ``icp_port 0`` (the default) there is no socket, the groups are never
joined and no error is logged; the multicast queries from other caches go unanswered. Set
``icp_port`` (3130), or remove ``mcast_groups``.

Bad::

    mcast_groups 239.255.1.1

Good::

    icp_port 3130
    mcast_groups 239.255.1.1
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC135"
NAME = "mcast-groups-no-icp"
SEVERITY = Severity.WARNING

# src/icp_v2.cc icpOpenPorts: if ((port = Config.Port.icp) <= 0) return; (groups are joined in
# icpIncomingConnectionOpened)


def check(ctx: LintContext) -> Iterator[Finding]:
    own = ctx.config.setting_value("icp_port")
    if own or not ctx.config.mcast_groups:
        return
    for d in ctx.config.directives:
        if d.keyword == "mcast_groups" and d.args:
            words = " ".join(t.text for t in d.args)
            yield Finding(d.pos, f"mcast_groups {words}: icp_port is 0, so Squid opens no ICP "
                                 "socket and never joins these groups",
                          end_column=d.pos.column + len(d.keyword))
