"""CARP exactly as Squid 5 computes it: hashes, ranking, a batch engine, and what-if analysis.

Stages, one module each: :mod:`hash` (the 32-bit arithmetic) -> :mod:`url` (Squid's request-URI
normalisation) -> :mod:`key` (carp-key) -> :mod:`array` (members, multipliers, owner, ranking) ->
:mod:`batch` (millions of requests at once) -> :mod:`analysis` (distribution, disruption).
:mod:`fromconf` builds arrays from squid.conf or plain data; :mod:`accesslog` reads Squid's
native access.log.

``import squidcarp.carp`` loads only what one request's owner and ranking need (no numpy, no
config reader): the batch engine and its numpy are loaded when first named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from squidcarp.carp.array import CarpArray, Member, MemberState, Ranking, Score
from squidcarp.carp.url import Accel, NotRoutable, Request, Uri, effective_uri, parse

if TYPE_CHECKING:
    from squidcarp.carp.batch import NO_OWNER, NOT_ROUTABLE, BatchEngine, BatchResult, route_batch

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

_BATCH = frozenset({"NOT_ROUTABLE", "NO_OWNER", "BatchEngine", "BatchResult", "route_batch"})


def __getattr__(name: str) -> Any:
    if name not in _BATCH:
        raise AttributeError(f"module 'squidcarp.carp' has no attribute {name!r}")
    from squidcarp.carp import batch

    value = getattr(batch, name)
    globals()[name] = value
    return value
