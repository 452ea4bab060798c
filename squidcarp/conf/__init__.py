"""Reading squid.conf exactly as Squid does.

Stages, one module each: :mod:`source` (physical lines) -> :mod:`lexer` (logical lines, tokens)
-> :mod:`preprocess` (macros, if/else/endif, include) -> :mod:`peer` / :mod:`directives` (typed
model in :mod:`model`) -> :mod:`render` (back to text). :func:`read_config` runs them all.

Importing the package loads none of the stages: ``squidcarp.conf.model`` (what the CARP library
needs) comes without the reader; ``read_config`` and friends load it on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from squidcarp.conf.preprocess import ReadOptions
    from squidcarp.conf.reader import ReadResult, read_bytes, read_config

__all__ = ["ReadOptions", "ReadResult", "read_bytes", "read_config"]

_HOMES = {"ReadOptions": "squidcarp.conf.preprocess", "ReadResult": "squidcarp.conf.reader",
          "read_bytes": "squidcarp.conf.reader", "read_config": "squidcarp.conf.reader"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'squidcarp.conf' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
