"""What the acl checks share: the state carried between lines, and how they report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.model import Directive

if TYPE_CHECKING:
    from squidcarp.conf.acl.addresses import IpSplay
    from squidcarp.conf.acl.domains import DomainValues


class AclState:
    """What ACL parsing carries from one line to the next."""

    def __init__(self) -> None:
        self.auth_configured = False
        """Whether an ``auth_param SCHEME program ...`` line has been read (proxy_auth needs it)."""
        self.ips: dict[str, IpSplay | tuple[Directive, int] | None] = {}
        """Lower-cased ACL name -> its address tree (None once a value is not plain addresses);
        while it has one line with one value, that line and where the value is (its tree is
        made if a later line extends the ACL: most ACLs have one line)."""
        self.domains: dict[str, DomainValues | tuple[Directive, int] | None] = {}
        """Lower-cased ACL name -> its domain values: while it has one line whose values
        cannot overlap, that line and where its values start (its words are split again if a
        later line extends the ACL: most ACLs have one line, and a config may hold 100k of
        them); None once a value came from a file."""


def report(events: list[ReadEvent], d: Directive, index: int, message: str,
           squid: Squid) -> None:
    """Report on the word ``d.words[index]`` (its token made only now, to point at it)."""
    tok = d.args[index]
    events.append(ReadEvent(Kind.ACL_VALUE, tok.pos, f"acl {d.words[0]}: {message}", squid,
                            tok.pos.column + len(tok.raw_or_text), tok.text))
