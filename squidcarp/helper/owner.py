"""Which CARP member serves a request: the one look-up the external-acl ``owner`` question needs.

:func:`load_owner` reads a squid.conf once and returns a callable ``request -> member name or
None``. Today it asks squidcarp's CARP library (the array Squid builds from the ``cache_peer ...
carp`` lines, and its owner for the request URL, as ``squidcarp route`` does); the
forwarding-decision library will take its place behind this same interface. It is imported only
when the external-acl role is asked for owners: reading squid.conf and the CARP code cost start-up
time that the other roles do not pay.
"""

from __future__ import annotations

from squidcarp.helper.protocol import Request
from squidcarp.helper.roles import Owner, RulesError


def load_owner(conf_path: str) -> Owner:
    """The owner look-up for the CARP array of ``conf_path``; :class:`RulesError` if there is
    none (unreadable file, no CARP parent, names Squid refuses)."""
    from squidcarp.carp.fromconf import NoCarpMembers, array_from_config
    from squidcarp.carp.url import Request as CarpRequest
    from squidcarp.conf import read_config

    try:
        config = read_config(conf_path).config
    except OSError as exc:
        raise RulesError([f"{conf_path}: cannot read: {exc.strerror or exc}"]) from None
    try:
        array = array_from_config(config)
    except NoCarpMembers as exc:
        raise RulesError([f"{conf_path}: {exc}"]) from None
    except ValueError as exc:
        raise RulesError([f"{conf_path}: no CARP array: {exc}"]) from None

    def owner(request: Request) -> str | None:
        url = (request.url or "").encode("utf-8", "surrogateescape")
        method = request.field("method") or "GET"
        if b"://" not in url and method != "CONNECT":  # %URI of a CONNECT is host:port
            method = "CONNECT"
        member = array.owner(CarpRequest(url, method))
        return member.label if member is not None else None

    return owner
