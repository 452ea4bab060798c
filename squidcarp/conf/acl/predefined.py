"""The ACLs Squid 5.7 defines before it reads squid.conf (src/cf.data.pre ``NAME: acl``
``DEFAULT:`` lines), as :class:`AclDefinition` objects at the pseudo file ``<squid default>``."""

from __future__ import annotations

import functools
import re

from squidcarp.conf.facts.acl import PREDEFINED_ACL_LINES
from squidcarp.conf.model import AclDefinition, Directive, Position, Token

DEFAULTS_FILE = "<squid default>"


@functools.cache
def predefined() -> tuple[AclDefinition, ...]:
    """One definition per ``DEFAULT:`` line, in cf.data.pre's order (line N is ``DEFAULT`` N)."""
    out: list[AclDefinition] = []
    for number, line in enumerate(PREDEFINED_ACL_LINES, start=1):
        words = [Token(m.group(), Position(DEFAULTS_FILE, number, len("acl ") + m.start() + 1),
                       m.group()) for m in re.finditer(r"\S+", line)]
        keyword = Token("acl", Position(DEFAULTS_FILE, number, 1), "acl")
        directive = Directive.of(keyword, tuple(words), f"acl {line}")
        first = 2  # the options: the leading words that start with '-' or '+'
        while first < len(words) and words[first].text[:1] in "-+":
            first += 1
        out.append(AclDefinition(directive, words[1].text, first))
    return tuple(out)
