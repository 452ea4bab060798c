"""CARP exactly as Squid 5 computes it: hashes, ranking, a batch engine, and what-if analysis.

Stages, one module each: :mod:`hash` (the 32-bit arithmetic) -> :mod:`url` (Squid's request-URI
normalisation) -> :mod:`key` (carp-key) -> :mod:`array` (members, multipliers, owner, ranking) ->
:mod:`batch` (millions of requests at once) -> :mod:`analysis` (distribution, disruption).
:mod:`fromconf` builds arrays from squid.conf or plain data; :mod:`accesslog` reads Squid's
native access.log.
"""

from squidcarp.carp.array import CarpArray, Member, MemberState, Ranking, Score
from squidcarp.carp.batch import NO_OWNER, NOT_ROUTABLE, BatchEngine, BatchResult, route_batch
from squidcarp.carp.url import Accel, NotRoutable, Request, Uri, effective_uri, parse

__all__ = [
    "NOT_ROUTABLE",
    "NO_OWNER",
    "Accel",
    "BatchEngine",
    "BatchResult",
    "CarpArray",
    "Member",
    "MemberState",
    "NotRoutable",
    "Ranking",
    "Request",
    "Score",
    "Uri",
    "effective_uri",
    "parse",
    "route_batch",
]
