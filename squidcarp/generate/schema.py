"""The JSON Schema of an array file (``squidcarp generate --schema``, docs/array.schema.json).

The schema says the shape (keys, types, ranges); :mod:`squidcarp.generate.arrayfile` adds what a
schema cannot (names unique case-insensitively as Squid compares them, weights CARP can use,
exceptions in the portable regex subset...). The ``exceptions`` part mirrors what
:mod:`squidcarp.exceptions.load` reads for the squidcarp helper: a test keeps them in step.
"""

from __future__ import annotations

from typing import Any

SCHEMA_ID = "https://squidcarp.example/schema/array-1.json"
NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$"
"""Member names: what CARP hashes, and a folder name of the output (ASCII, no blanks)."""
INT_MAX = 2**31 - 1  # weights are C ints (src/CachePeer.h)

_PORT: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 65535}
_OPTIONAL_PORT: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 65535}
_STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}

MEMBER: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "address"],
    "properties": {
        "name": {"type": "string", "pattern": NAME_PATTERN, "maxLength": 200,
                 "description": "the CARP name (name=) every node hashes, and visible_hostname"},
        "address": {"type": "string", "minLength": 1,
                    "description": "IP address (or host name) the member listens on"},
        "role": {"enum": ["frontend", "parent", "member"],
                 "description": "two-layer: frontend or parent; flat: member (the default)"},
        "http_port": _PORT,
        "icp_port": _OPTIONAL_PORT,
        "htcp_port": _OPTIONAL_PORT,
        "weight": {"type": "integer", "minimum": 1, "maximum": INT_MAX},
        "load_factor": {"type": "number", "exclusiveMinimum": 0, "maximum": 1,
                        "description": "Squid 2.5's carp-load-factor= (converted to weights)"},
        "listen_all": {"type": "boolean",
                       "description": "take clients on every address of the host (http_port "
                                      "without an address), not only on address: a frontend "
                                      "with a client-facing and an array-facing interface, or a "
                                      "container whose published port arrives on a second "
                                      "network"},
        "extra": {"type": "string", "description": "lines appended to this member's squid.conf"},
    },
}

COMPOSE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "description": "how compose.yaml runs the array in Docker",
    "properties": {
        "publish": {"type": "string", "minLength": 1,
                    "description": "the host address the entry points' client ports are "
                                   "published on (default: every address of the host)"},
        "host_port": {"enum": ["any", "same"],
                      "description": "any (default): a free host port Docker picks (`docker "
                                     "compose port SERVICE PORT` tells which); same: the "
                                     "member's http_port"},
        "internal": {"type": "boolean",
                     "description": "the array's network has no route out (a closed test or "
                                    "demo array with an origin service of its own); the entry "
                                    "points also join a network 'public' to publish their "
                                    "ports, so they need listen_all"},
    },
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "squidcarp array file",
    "description": "One Squid cache array: its members, topology, CARP key, loose coupling and "
                   "CARP exceptions. squidcarp generate writes every member's squid.conf, the "
                   "client-side CARP PAC file and a compose file from it.",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "members"],
    "properties": {
        "name": {"type": "string", "pattern": NAME_PATTERN},
        "topology": {"enum": ["two-layer", "flat"],
                     "description": "two-layer: frontends + CARP parents; flat: every member is "
                                    "both"},
        "carp_key": {"type": "array", "minItems": 1, "uniqueItems": True,
                     "items": {"enum": ["scheme", "host", "port", "path", "params"]}},
        "intra_port": {**_PORT, "description": "flat: the port members forward to each other "
                                               "on; requests arriving there go direct"},
        "connect": {"enum": ["direct", "array"],
                    "description": "whether CONNECT goes direct from the first proxy (default) "
                                   "or through its CARP owner"},
        "allow_clients": {**_STRINGS, "description": "networks allowed to use the array"},
        "defaults": {"type": "object", "additionalProperties": False,
                     "properties": {"http_port": _PORT, "icp_port": _OPTIONAL_PORT,
                                    "htcp_port": _OPTIONAL_PORT,
                                    "extra": {"type": "string"}}},
        "members": {"type": "array", "minItems": 1, "items": MEMBER},
        "loose_coupling": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "icp": {"type": "boolean"},
                "htcp": {"type": "boolean"},
                "digests": {"type": "boolean"},
                "multicast": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["group"],
                    "properties": {
                        "group": {"type": "string"},
                        # accepted so the array file check can say why no member queries
                        # the group (Squid 5.7 aborts: SC136)
                        "ttl": {"type": "integer", "minimum": 0, "maximum": 128},
                        "responders": _STRINGS,
                        "query": {"type": "boolean"},
                    },
                },
            },
        },
        "exceptions": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "domains": _STRINGS,
                "url_regex": {"type": "array", "items": {"anyOf": [
                    {"type": "string"},
                    {"type": "object", "additionalProperties": False, "required": ["pattern"],
                     "properties": {"pattern": {"type": "string"},
                                    "ignore_case": {"type": "boolean"}}}]}},
                "clients": _STRINGS,
            },
        },
        "compose": COMPOSE,
        "helper": {
            "type": "object",
            "additionalProperties": False,
            "required": ["program"],
            "properties": {
                "program": {"type": "string", "minLength": 1},
                "children": {"type": "integer", "minimum": 1, "maximum": 1000},
                "concurrency": {"type": "integer", "minimum": 0, "maximum": 1000},
            },
        },
    },
}
