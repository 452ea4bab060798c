"""Reading squid.conf exactly as Squid does.

Stages, one module each: :mod:`source` (physical lines) -> :mod:`lexer` (logical lines, tokens)
-> :mod:`preprocess` (macros, if/else/endif, include) -> :mod:`peer` / :mod:`directives` (typed
model in :mod:`model`) -> :mod:`render` (back to text). :func:`read_config` runs them all.
"""

from squidcarp.conf.preprocess import ReadOptions
from squidcarp.conf.reader import ReadResult, read_bytes, read_config

__all__ = ["ReadOptions", "ReadResult", "read_bytes", "read_config"]
