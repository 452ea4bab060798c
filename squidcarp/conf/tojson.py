"""The typed model as plain JSON values (for ``squidcarp parse --json`` and other tools).

Dataclasses become objects, enums their values, sets sorted lists; a :class:`Token` becomes
``{"text", "file", "line", "column"}`` and a :class:`Directive` the crossplane-like
``{"directive", "args", "file", "line", "column"}``. Objects that hold their directive show it as
``"at": {"file", "line", "column"}`` so nothing is printed twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, NamedTuple

from squidcarp.conf.events import ReadEvent
from squidcarp.conf.model import (
    AccessLine,
    AccessRule,
    AclDefinition,
    CachePeer,
    Directive,
    PeerConnection,
    PeerKind,
    PeerOption,
    PeerQueries,
    PeerSelection,
    PeerSettings,
    Position,
    Token,
)
from squidcarp.conf.reader import ReadResult

JSON = Any
_PEER_GROUPS = (PeerKind, PeerSelection, PeerQueries, PeerConnection)


def position(p: Position) -> dict[str, JSON]:
    return {"file": p.file, "line": p.line, "column": p.column}


def token(t: Token) -> dict[str, JSON]:
    return {"text": t.text, **position(t.pos)}


def directive(d: Directive) -> dict[str, JSON]:
    return {"directive": d.keyword, "args": list(d.words), **position(d.pos)}


def value(obj: object) -> JSON:
    if obj is None or obj.__class__ in _SCALARS:  # most values: checked first, for speed
        return obj
    if isinstance(obj, Token):  # before tuples: Token and Position are named tuples
        return token(obj)
    if isinstance(obj, Directive):
        return directive(obj)
    if isinstance(obj, AccessRule):  # its peer and ACL tokens are read from the directive
        return {"at": position(obj.directive.pos), "peer": token(obj.peer),
                "action": obj.action, "acls": [token(t) for t in obj.acls]}
    if isinstance(obj, PeerOption):  # it keeps an index into its line: show the token
        return {"token": token(obj.token), "key": obj.key, "value": obj.value,
                "known": obj.known}
    if isinstance(obj, Position):
        return position(obj)
    if isinstance(obj, Enum):
        return obj.value
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, JSON] = {}
        for f in dataclasses.fields(obj):
            item = getattr(obj, f.name)
            if f.name.startswith("_"):
                continue
            if isinstance(item, Directive) and f.name == "directive":
                out["at"] = position(item.pos)
            elif isinstance(item, PeerSettings) and isinstance(obj, CachePeer):
                out.update(value(item))  # its fields as the peer's own, then the options
                out["options"] = [value(o) for o in obj.options]  # each with its token
            elif isinstance(obj, PeerSettings) and f.name == "option_specs":
                continue  # (a peer shows them bound to its line, with their tokens: above)
            elif isinstance(item, _PEER_GROUPS):  # a peer's option groups: its own fields
                out.update(value(item))
            else:
                out[f.name] = value(item)
        return out
    if isinstance(obj, frozenset | set):
        return sorted(value(x) for x in obj)
    if isinstance(obj, tuple | list):
        return [value(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): value(v) for k, v in obj.items()}
    if isinstance(obj, str | int | float | bool) or obj is None:
        return obj
    return str(obj)


def acl(a: AclDefinition) -> dict[str, JSON]:
    return {"at": position(a.directive.pos), "name": token(a.name), "type": a.type,
            "options": [token(t) for t in a.options], "values": [token(t) for t in a.values]}


def access(line: AccessLine) -> dict[str, JSON]:
    return {"at": position(line.directive.pos), "directive": line.name, "action": line.action,
            "acls": [{"negated": r.negated, "name": r.name, "token": token(r.token)}
                     for r in line.acls], "peer": line.peer}


def event(e: ReadEvent) -> dict[str, JSON]:
    return {"kind": e.kind.value, "squid": e.squid.value, "message": e.message,
            **position(e.pos)}


_SCALARS = frozenset({str, int, float, bool})


class Lazy(NamedTuple):
    """A JSON array whose elements are made one at a time (see :func:`write_json`)."""

    items: Iterable[JSON]


# SquidConfig fields that read_result shows differently (or not at all: the records are what
# "acls" and "access" show).
_SHOWN_APART = frozenset({"directives", "acl_records", "access_records", "settings",
                          "access_lists"})


def read_result(result: ReadResult, lazy: bool = False) -> dict[str, JSON]:
    """The whole read as JSON values. With ``lazy``, the long arrays (directives, peers,
    events...) are :class:`Lazy`, for :func:`write_json` to write without holding them all."""
    config = result.config

    def array(items: Iterable[JSON]) -> JSON:
        return Lazy(items) if lazy else list(items)

    body: dict[str, JSON] = {}
    for f in dataclasses.fields(config):
        if f.name in _SHOWN_APART:
            continue
        item = getattr(config, f.name)
        body[f.name] = array(map(value, item)) if isinstance(item, tuple) else value(item)
    body["settings"] = {k: value(s.value) for k, s in config.settings}
    body["access_lists"] = [{"list": k, **directive(d)} for k, d in config.access_lists]
    body["acls"] = array(map(acl, config.acls))
    body["access"] = array(map(access, config.access))
    return {
        "file": result.path,
        "files": list(result.files),
        "directives": array(map(directive, config.directives)),
        "config": body,
        "events": array(map(event, result.events)),
    }


def write_json(tree: JSON, write: Callable[[str], object],
               leaf: Callable[[JSON], JSON] = lambda x: x,
               text: Callable[[str], str] = lambda x: x, indent: int = 2) -> None:
    """Write ``tree`` as JSON one :class:`Lazy` element at a time, so a config of a million
    lines is never one JSON string (or one JSON tree) in memory: the objects that hold a
    :class:`Lazy` are laid out over lines (``indent`` per level), and every other value -- each
    array element included -- is written on one line (``json.dumps``: the C encoder, fast and
    without the reference cycles its pure-Python indenting twin leaves per call). ``leaf``
    transforms each value before it is written (and each key), ``text`` each piece of text."""
    import json  # (only --json pays for it)

    def emit(obj: JSON, depth: int) -> None:
        pad, inner = " " * (indent * depth), " " * (indent * (depth + 1))
        if isinstance(obj, Lazy):
            empty = True
            for item in obj.items:
                write("[\n" + inner if empty else ",\n" + inner)
                empty = False
                write(text(json.dumps(leaf(item), ensure_ascii=False)))
            write("[]" if empty else "\n" + pad + "]")
        elif isinstance(obj, dict) and any(isinstance(v, Lazy | dict) for v in obj.values()):
            empty = True
            for key, item in obj.items():
                name = json.dumps(leaf(key), ensure_ascii=False)
                write(("{\n" if empty else ",\n") + inner + text(name) + ": ")
                empty = False
                emit(item, depth + 1)
            write("{}" if empty else "\n" + pad + "}")
        else:
            write(text(json.dumps(leaf(obj), ensure_ascii=False)))

    emit(tree, 0)
