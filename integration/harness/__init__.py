"""Real Squid processes for tests: origin, Squid nodes, CARP arrays, namespaces, parse oracle.

See integration/README.md for the fixture API.
"""

from .cachemgr import CarpRow, PeerStatus
from .client import RawResponse
from .local import LocalCarpArray, NodeTools, ParentNode, SquidFactory
from .netns import NetNamespace, network_namespace
from .oracle import ParseResult, SquidParser
from .origin import OriginRequest, OriginServer
from .routing import HarnessInconsistency
from .squid import SquidNode, SquidStartError
from .topology import AccessLogEntry, CarpArraySpec, Endpoint, ParentSpec, Placement, ServedBy

__all__ = [
    "AccessLogEntry",
    "CarpArraySpec",
    "CarpRow",
    "Endpoint",
    "HarnessInconsistency",
    "LocalCarpArray",
    "NetNamespace",
    "NodeTools",
    "OriginRequest",
    "OriginServer",
    "ParentNode",
    "ParentSpec",
    "ParseResult",
    "PeerStatus",
    "Placement",
    "RawResponse",
    "ServedBy",
    "SquidFactory",
    "SquidNode",
    "SquidParser",
    "SquidStartError",
    "network_namespace",
]
