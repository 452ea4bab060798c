"""An ACL that reads its values from a ``"file"`` Squid cannot open: the ACL matches nothing.

``acl NAME TYPE "path"`` reads one value per line from the file. When the file is missing or
unreadable, Squid 5 logs ``ERROR: Can not open file PATH for reading`` and ``Warning: empty
ACL``, keeps going and exits 0 — the ACL is empty, so ``allow`` rules using it never match and
``deny ... !acl`` rules always do. Relative paths are opened from Squid's working directory. Create
the file (even empty, on purpose) or fix the path.

Bad::

    acl carp_users src "/etc/squid/carp-users.txt"   (file absent)

Good::

    acl carp_users src "/etc/squid/carp-users.txt"   (file present)
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC011"
NAME = "acl-file-missing"
SEVERITY = Severity.ERROR
KINDS = (Kind.ACL_FILE_MISSING,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/ConfigParser.cc strtokFile: fopen failure => ERROR, the value list stays empty
    yield from ctx.relay(*KINDS)
