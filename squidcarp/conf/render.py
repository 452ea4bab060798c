"""Stage 5: back to text. An unchanged read renders to the original bytes; edits replace single
tokens in place, so comments, blank lines, continuations and spacing all stay as they were."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from squidcarp.conf.model import Token
from squidcarp.conf.source import SourceFile, decode, encode


@dataclass(frozen=True)
class Edit:
    """Replace ``token`` (its exact source spelling) with ``new`` text."""

    token: Token
    new: str


class RenderError(ValueError):
    """An edit does not match the source text at the token's position."""


def render(source: SourceFile, edits: Iterable[Edit] = ()) -> bytes:
    wanted = [e for e in edits if e.token.pos.file == source.path]
    if not wanted:
        return source.data
    lines = decode(source.data).splitlines(keepends=True)
    # Apply right-to-left per line so earlier columns stay valid.
    for edit in sorted(wanted, key=lambda e: (e.token.pos.line, e.token.pos.column), reverse=True):
        pos = edit.token.pos
        raw = edit.token.raw_or_text
        if not 1 <= pos.line <= len(lines):
            raise RenderError(f"{pos}: no such line")
        text = lines[pos.line - 1]
        start = pos.column - 1
        if text[start : start + len(raw)] != raw:
            raise RenderError(f"{pos}: expected {raw!r}, found {text[start:start + len(raw)]!r}")
        lines[pos.line - 1] = text[:start] + edit.new + text[start + len(raw):]
    return encode("".join(lines))
