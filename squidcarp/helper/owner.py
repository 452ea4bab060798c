"""Which cache serves a request: the external-acl ``owner`` question, from the forwarding decision.

:func:`load_owner` reads a squid.conf once and returns a callable ``request -> peer name`` that
raises :class:`~squidcarp.helper.roles.NoOwner` (with the reason) when no peer would serve it.
The answer is the first entry of Squid's forwarding list as :class:`squidcarp.forward.Router`
predicts it (CARP over the members that are allowed, then the other parents, ``always_direct``
/ ``never_direct``, what Squid answers itself), from the facts the external ACL format carries:
the URL, ``%METHOD``, ``%SRC``, ``%MYPORT`` (an accelerator port's URL is re-read as Squid
received it), the local time for ``time`` ACLs.

The config that asks this helper usually tests its answer too (``acl owned_by_a note owner_ a``
in ``cache_peer_access``), and the same helper's ``exception`` notes. So the request is decided
with the notes this helper gives it: the exception notes of ``matcher``, and as ``owner_`` each
candidate in turn (the peer Squid would use without one, then CARP's ranking, then every other
peer). The answer is the first candidate Squid would then use itself: a name that, once given,
is where Squid sends the request. None such (Squid goes DIRECT, answers the request itself,
refuses it, or the answer depends on what the helper cannot know, such as DNS): ``NoOwner``.

Imported only when the external-acl role is asked for owners: reading squid.conf and the
forwarding code cost start-up time that the other roles do not pay.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from squidcarp.helper.protocol import Request
from squidcarp.helper.roles import (
    OWNER_NOTE,
    Matcher,
    NoOwner,
    Owner,
    RulesError,
    exception_notes,
    host_of,
)
from squidcarp.libc import c_lower, is_digits


def load_owner(conf_path: str, matcher: Matcher | None = None) -> Owner:
    """The owner look-up for the peers of ``conf_path``; :class:`RulesError` if it has no CARP
    array (unreadable file, no CARP parent, names Squid refuses)."""
    from squidcarp.carp.fromconf import NoCarpMembers, array_from_config
    from squidcarp.conf import read_config
    from squidcarp.forward import ForwardRequest, Router

    try:
        config = read_config(conf_path).config
    except OSError as exc:
        raise RulesError([f"{conf_path}: cannot read: {exc.strerror or exc}"]) from None
    try:
        array_from_config(config)  # the same checks `squidcarp route` makes of the array
        router = Router(config)
    except NoCarpMembers as exc:
        raise RulesError([f"{conf_path}: {exc}"]) from None
    except ValueError as exc:
        raise RulesError([f"{conf_path}: no CARP array: {exc}"]) from None
    accel_ports = {p.number for p in router.ports if p.accel and p.number is not None}
    peer_names = [p.name for p in config.peers]

    def owner(request: Request) -> str:
        url = (request.url or "").encode("utf-8", "surrogateescape")
        method = request.field("method") or "GET"
        if b"://" not in url and method != "CONNECT":  # %URI of a CONNECT is host:port
            method = "CONNECT"
        port = request.field("myport")
        target, host = url, None
        if port is not None and is_digits(port) and int(port) in accel_ports and b"://" in url:
            # %URI is the URL the accelerator port completed: give the port what it received
            authority, slash, path = url.split(b"://", 1)[1].partition(b"/")
            target, host = slash + path if slash else b"/", authority
        notes: tuple[tuple[str, str], ...] = ()
        if matcher is not None:
            text = request.url or ""
            hit = matcher.match(host=request.field("host") or host_of(text), url=text,
                                client=request.field("client"))
            if hit is not None:
                notes = exception_notes(hit)
        try:
            base = ForwardRequest(target, method, host, client=request.field("client"),
                                  port=port if port in {str(p.number) for p in router.ports}
                                  else None,
                                  at=datetime.datetime.now(), notes=notes)
        except ValueError as exc:
            raise NoOwner(str(exc)) from None
        first = router.decide(base, remember=False)
        if first.error is not None:
            raise NoOwner(f"Squid refuses this URL: {first.error}")
        if first.local:
            raise NoOwner(f"Squid answers it itself: {first.local}")
        candidates: list[str] = []
        if first.first is not None and first.first.peer is not None:
            candidates.append(first.first.peer)
        if first.ranking is not None:
            candidates += [s.member.label for s in first.ranking.entries]
        candidates += peer_names
        tried: set[str] = set()
        for name in candidates:
            if c_lower(name) in tried:
                continue
            tried.add(c_lower(name))
            d = router.decide(replace(base, notes=(*notes, (OWNER_NOTE, name))),
                              remember=False)
            if not d.certain:
                asked = ", ".join(a.subject for a in d.depends)
                raise NoOwner(f"where Squid sends it depends on {asked}")
            hop = d.first
            if hop is not None and hop.peer is not None and c_lower(hop.peer) == c_lower(name):
                return hop.peer
        hop = first.first
        where = ("nowhere (no path)" if hop is None else
                 "DIRECT" if hop.peer is None else hop.peer)
        raise NoOwner(f"no peer would serve this URL: Squid sends it {where}")

    return owner
