"""Golden tables as data: JSON files in tests/proto/golden, one table driving both directions.

A message is written as ``{"type": "ClassName", field: value, ...}``. Fields typed ``bytes`` are
Latin-1 text (one character per byte, so any byte string round-trips); enum fields hold the
member's name; nested dataclasses are nested objects with their own ``"type"``.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from pathlib import Path
from types import ModuleType
from typing import Any

GOLDEN = Path(__file__).resolve().parent / "golden"


def load(name: str) -> dict[str, Any]:
    with open(GOLDEN / name, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def build(module: ModuleType, obj: dict[str, Any]) -> Any:
    """The dataclass instance a JSON object describes."""
    cls = getattr(module, obj["type"])
    hints = {f.name: str(f.type) for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in obj.items():
        if key == "type":
            continue
        if key not in hints:
            raise KeyError(f"{obj['type']} has no field {key!r}")
        kwargs[key] = _value(module, hints[key], value)
    return cls(**kwargs)


def _value(module: ModuleType, hint: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict):
        return build(module, value)
    if "bytes" in hint and isinstance(value, str):
        return value.encode("latin-1")
    for part in hint.replace(" ", "").split("|"):
        enum_cls = getattr(module, part, None)
        is_enum = isinstance(enum_cls, type) and issubclass(enum_cls, enum.Enum)
        if is_enum and isinstance(value, str):
            return enum_cls[value]  # type: ignore[index]
    return value


def describe(obj: Any, hint: str = "") -> Any:
    """The JSON form of a dataclass instance (the inverse of :func:`build`)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {"type": type(obj).__name__}
        for f in dataclasses.fields(obj):
            if not f.init:
                continue
            out[f.name] = describe(getattr(obj, f.name), str(f.type))
        return out
    if isinstance(obj, enum.Enum):
        # An enum in a field typed with its class is written by name, in an int field by value.
        return obj.name if type(obj).__name__ in hint else obj.value
    if isinstance(obj, bytes):
        return obj.decode("latin-1")
    return obj
