"""The two ways a codec call fails: the peer sent garbage, or the caller asked for the impossible.

Every decoder in :mod:`squidcarp.proto` raises :class:`DecodeError` and nothing else for bad
input: a truncated, oversized or malformed packet (or page) names the byte offset where decoding
stopped and why. Encoders raise :class:`EncodeError` when a message cannot be put on the wire as
asked (a URL with a NUL byte, a field too wide for its slot, ICP version 3).
"""

from __future__ import annotations


class DecodeError(ValueError):
    """The bytes are not a valid message: ``offset`` is where the problem is, ``reason`` what."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"offset {offset}: {reason}")
        self.offset = offset
        self.reason = reason


class EncodeError(ValueError):
    """This message cannot be encoded (the caller's mistake, not the peer's)."""


def plural(count: int, word: str) -> str:
    """``1 byte``, ``2 bytes``: for error messages."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
