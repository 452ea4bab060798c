"""``always_direct`` whose last line is ``deny``: every request it does not name goes direct.

When no line of an access list matches, Squid answers the opposite of the last line's action
(src/acl/Checklist.cc ``calcImplicitAnswer``). ``always_direct deny intranet`` alone therefore
means "everything except the intranet always goes direct": the parents, and a CARP array, get
nothing but the requests the line names. Write the rule you mean with an explicit last line.

Bad::

    acl intranet dstdomain .corp.example
    always_direct deny intranet

Good::

    acl intranet dstdomain .corp.example
    always_direct allow intranet
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC152"
NAME = "always-direct-implicit"
SEVERITY = Severity.WARNING


def check(ctx: LintContext) -> Iterator[Finding]:
    lines = ctx.config.access_list("always_direct")
    if not lines or lines[-1].action != "deny":
        return
    last = lines[-1]
    names = " ".join(("!" if r.negated else "") + r.name for r in last.acls)
    if names == "all":
        return  # "deny all" last: the implicit rule is never reached
    d = last.directive
    yield Finding(d.pos, f"the last always_direct line is 'deny {names}': every request that "
                         "no always_direct line matches goes DIRECT (the implicit answer is the "
                         "opposite of the last line's)",
                  end_column=d.pos.column + len(d.keyword))
