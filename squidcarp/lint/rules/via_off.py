"""``via off``: Squid warns, and can no longer see a request that comes back to it.

Squid recognises a forwarding loop by finding its own name in a request's ``Via`` header
(src/client_side_request.cc ``clientInterpretRequestHeaders``: the loop flag then sends the
request direct). With ``via off`` it adds no ``Via`` entry of its own, so in an array where
requests can come back (a parent forwarding to a frontend, members that are each other's
siblings or parents) a looping request is passed around until ``forward_max_tries`` or a
timeout ends it. Squid built with HTTP violations (Debian's) accepts it and logs "WARNING: HTTP
requires the use of Via" (src/cache_cf.cc); without them it turns Via back on. To keep Via off
the wire towards origin servers, remove the header where it leaves instead
(``request_header_access Via deny`` for the requests that go direct).

Bad::

    via off

Good::

    via on
    acl to_origin dstdomain .example.com
    request_header_access Via deny to_origin
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC153"
NAME = "via-off"
SEVERITY = Severity.WARNING


def check(ctx: LintContext) -> Iterator[Finding]:
    setting = ctx.config.setting("via")
    if setting is None or setting.value is not False:
        return
    d = setting.directive
    yield Finding(d.pos, "via off: Squid warns 'HTTP requires the use of Via' and can no longer "
                         "detect a request that loops back to it through the array",
                  end_column=d.pos.column + len(d.keyword))
