"""Where Squid 5.7 sends a request: its whole forwarding decision, not only CARP's ranking.

Stages, one module each: :mod:`request` (the request and the port it arrived on) ->
:mod:`view` (the ACLs and access lists of a read config) -> :mod:`acl` (ACLs evaluated from
what the request carries) -> :mod:`select` (``PeerSelector``: direct or not, the parent
methods in Squid's order, the rest of the list) -> :mod:`decision` (the result: hops with
hierarchy codes and the config line that decided). :mod:`choices` explores every answer to what
cannot be known; :mod:`hosts` answers name look-ups from a hosts file.

    router = Router(read_config("squid.conf").config)
    decision = router.decide(ForwardRequest(b"http://www.example.com/"))
    decision.first   # Hop(peer='cache2.example.net', hier='CARP', reason=..., at=...)
"""

from squidcarp.forward.decision import Assumption, Caveat, Decision, Hop, Outcome
from squidcarp.forward.hosts import HostsTable, load_hosts, parse_hosts
from squidcarp.forward.request import ForwardRequest, Port, UnknownPort
from squidcarp.forward.select import Router, RouterState, UnknownPeer

__all__ = [
    "Assumption",
    "Caveat",
    "Decision",
    "ForwardRequest",
    "Hop",
    "HostsTable",
    "Outcome",
    "Port",
    "Router",
    "RouterState",
    "UnknownPeer",
    "UnknownPort",
    "load_hosts",
    "parse_hosts",
]
