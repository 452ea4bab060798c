"""A relative ``include`` path: Squid resolves it against its working directory.

Squid opens ``include`` files (and ``"file"`` ACL lists, ``parameters("file")``) relative to the
process's current directory, not to the file that contains the ``include``. Run by hand from
``/etc/squid`` the config works; started by systemd (working directory ``/``) or with ``-f``
from elsewhere, the same line finds a different file or none at all. Spell the path out in full.

Bad::

    include conf.d/peers.conf

Good::

    include /etc/squid/conf.d/peers.conf
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC006"
NAME = "include-relative"
SEVERITY = Severity.INFO
KINDS = (Kind.INCLUDE_RELATIVE,)


def check(ctx: LintContext) -> Iterator[Finding]:
    # src/cache_cf.cc parseManyConfigFiles: glob(3) on the word as written (process CWD)
    yield from ctx.relay(*KINDS)
