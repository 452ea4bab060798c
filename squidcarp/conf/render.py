"""Stage 5: back to text. An unchanged read renders to the original bytes; edits replace single
tokens in place, so comments, blank lines, continuations and spacing all stay as they were.

Lines are the reader's: the text between ``\\n`` characters (:func:`physical_lines`), never
``str.splitlines``, which also breaks at form feeds, vertical tabs, ``\\x1c``-``\\x1e``, NEL and
U+2028 and would point every later position at the wrong line. A token that a ``\\`` continuation
splits over several lines is found piece by piece the way the reader joined it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from squidcarp.conf.model import Token
from squidcarp.conf.source import BLANKS, SourceFile, encode


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
    lines = source.lines
    # Apply right-to-left so earlier columns stay valid.
    for edit in sorted(wanted, key=lambda e: (e.token.pos.line, e.token.pos.column), reverse=True):
        pieces = _pieces(lines, edit.token)
        # The new text goes where the token's last piece was; the earlier pieces go (their
        # lines keep the '\' that joins them to the next), so the logical line reads
        # ... <new text> ... exactly as before the token.
        for index, (number, start, end) in enumerate(pieces):
            text = lines[number]
            new = edit.new if index == len(pieces) - 1 else ""
            lines[number] = text[:start] + new + text[end:]
    return encode("".join(lines))


def _pieces(lines: list[str], token: Token) -> list[tuple[int, int, int]]:
    """Where the token's characters are: (line index, start, end) per physical line."""
    pos, raw = token.pos, token.raw_or_text
    if not 1 <= pos.line <= len(lines):
        raise RenderError(f"{pos}: no such line")
    number, start = pos.line - 1, pos.column - 1
    text = lines[number]
    if text[start:start + len(raw)] == raw:
        return [(number, start, start + len(raw))]
    pieces: list[tuple[int, int, int]] = []
    done, i = 0, start
    while done < len(raw):
        if i < len(text) and text[i] == raw[done]:
            i += 1
            done += 1
            continue
        if text[i:].split("\n", 1)[0].split("\r", 1)[0] == "\\":  # the record ends in '\\':
            # a continuation: the token goes on after the next line's leading blanks
            # (lines that are empty or start with '#' inside it are skipped, as the reader does)
            pieces.append((number, start, i))
            number += 1
            while number < len(lines) and lines[number].lstrip(BLANKS)[:1] in ("", "#"):
                number += 1
            if number >= len(lines):
                break
            text = lines[number]
            start = i = len(text) - len(text.lstrip(BLANKS))
            continue
        break
    if done < len(raw):
        found = lines[pos.line - 1][pos.column - 1:pos.column - 1 + len(raw)]
        raise RenderError(f"{pos}: expected {raw!r}, found {found!r}")
    pieces.append((number, start, i))
    return pieces
