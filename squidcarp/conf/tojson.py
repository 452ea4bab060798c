"""The typed model as plain JSON values (for ``squidcarp parse --json`` and other tools).

Dataclasses become objects, enums their values, sets sorted lists; a :class:`Token` becomes
``{"text", "file", "line", "column"}`` and a :class:`Directive` the crossplane-like
``{"directive", "args", "file", "line", "column"}``. Objects that hold their directive show it as
``"at": {"file", "line", "column"}`` so nothing is printed twice.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from squidcarp.conf.events import ReadEvent
from squidcarp.conf.model import AccessLine, AccessRule, AclDefinition, Directive, Position, Token
from squidcarp.conf.reader import ReadResult

JSON = Any


def position(p: Position) -> dict[str, JSON]:
    return {"file": p.file, "line": p.line, "column": p.column}


def token(t: Token) -> dict[str, JSON]:
    return {"text": t.text, **position(t.pos)}


def directive(d: Directive) -> dict[str, JSON]:
    return {"directive": d.keyword, "args": list(d.words), **position(d.pos)}


def value(obj: object) -> JSON:
    if isinstance(obj, Token):  # before tuples: Token and Position are named tuples
        return token(obj)
    if isinstance(obj, Directive):
        return directive(obj)
    if isinstance(obj, AccessRule):  # its peer and ACL tokens are read from the directive
        return {"at": position(obj.directive.pos), "peer": token(obj.peer),
                "action": obj.action, "acls": [token(t) for t in obj.acls]}
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


def read_result(result: ReadResult) -> dict[str, JSON]:
    config = result.config
    body = value(config)
    body.pop("directives", None)
    body.pop("acl_records", None)
    body.pop("access_records", None)
    body["acls"] = [acl(a) for a in config.acls]
    body["access"] = [access(line) for line in config.access]
    body["settings"] = {k: value(s.value) for k, s in config.settings}
    body["access_lists"] = [{"list": k, **directive(d)} for k, d in config.access_lists]
    return {
        "file": result.path,
        "files": list(result.files),
        "directives": [directive(d) for d in config.directives],
        "config": body,
        "events": [event(e) for e in result.events],
    }
