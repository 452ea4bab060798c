"""``prefer_direct on`` with CARP parents: requests go direct first, CARP only as a fallback.

With ``prefer_direct on`` Squid lists DIRECT ahead of the parents for every request it may send
direct, so the CARP array is used only when the origin server cannot be reached — the array
caches next to nothing. Only requests that ``never_direct`` forbids to go direct still use CARP
first. Leave ``prefer_direct off`` (the default), and use ``never_direct allow all`` when every
request must go through the array.

Bad::

    prefer_direct on
    cache_peer 127.0.0.1 parent 3128 0 carp

Good::

    prefer_direct off
    never_direct allow all
    cache_peer 127.0.0.1 parent 3128 0 carp
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity
from squidcarp.listing import quoted_names

CODE = "SC142"
NAME = "prefer-direct-carp"
SEVERITY = Severity.WARNING

# src/peer_select.cc PeerSelector::selectMore: DIRECT_MAYBE + Config.onoff.prefer_direct =>
# selectSomeDirect() before selectSomeParent()


def check(ctx: LintContext) -> Iterator[Finding]:
    members = ctx.carp_peers
    setting = ctx.config.setting("prefer_direct")
    if not members or setting is None or setting.value is not True:
        return
    if any(name == "never_direct" and [t.text for t in d.args] == ["allow", "all"]
           for name, d in ctx.config.access_lists):
        return  # every request is DIRECT_NO: prefer_direct never applies
    d = setting.directive
    names = quoted_names([p.name for p in members])
    yield Finding(d.pos, f"prefer_direct on: requests that may go direct try the origin server "
                         f"first, so the CARP parents ({names}) are used only when it fails",
                  end_column=d.pos.column + len(d.keyword))
