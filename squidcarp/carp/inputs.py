"""Request targets from text, sans-IO: URL lists, the ``CONNECT:`` shorthand, origin-form paths.

A target is kept as plain ``bytes`` when it is an ordinary request URL (what
:class:`~squidcarp.carp.batch.BatchEngine` routes fastest) and becomes a
:class:`~squidcarp.carp.url.Request` when it needs more: ``CONNECT:host:port`` (or any target with
``method="CONNECT"``), an origin-form ``/path`` for an accelerator port, ``*`` for OPTIONS/TRACE.
"""

from __future__ import annotations

from squidcarp.carp.url import Accel, Request

CONNECT_PREFIX = b"CONNECT:"


def request_for(target: bytes, method: str = "GET", accel: Accel | None = None) -> bytes | Request:
    """The request for one target as typed on a command line or in a URL list."""
    if target.startswith(CONNECT_PREFIX):
        return Request(target[len(CONNECT_PREFIX) :], "CONNECT")
    if method == "CONNECT":
        return Request(target, "CONNECT")
    if target.startswith(b"/"):
        return Request(target, method, accel if accel is not None else Accel())
    if target == b"*" and method in ("OPTIONS", "TRACE"):
        return Request(target, method)
    return target


def requests_for(
    targets: list[bytes], method: str = "GET", accel: Accel | None = None
) -> list[bytes | Request]:
    """:func:`request_for` over many targets; ordinary URLs stay the same ``bytes`` objects."""
    if method == "CONNECT":
        return [request_for(t, method, accel) for t in targets]
    # Only a target starting with "C", "/" or "*" can need more than its bytes ("" is a
    # target too: Squid rejects it, and so does the parser). A set of first bytes, built at C
    # speed, tells whether any target needs a look at all.
    if not {t[:1] for t in targets} & {b"C", b"/", b"*"}:
        return list(targets)
    return [t if t[:1] not in b"C/*" or not t else request_for(t, method, accel)
            for t in targets]


_BLANK_BYTES = (b"\r", b"\t", b"\x0b", b"\x0c")


def blanks_to_strip(data: bytes) -> bool:
    """Whether some line of ``data`` has blanks around it that :func:`target_lines` strips."""
    # One-byte searches run at memchr speed; the two-byte ones stop at every line feed, so
    # they run only when the text holds a space at all (measured: 10 ms instead of 110 ms on
    # 1M URLs).
    return (any(b in data for b in _BLANK_BYTES) or data[:1].isspace() or data.endswith(b" ")
            or (b" " in data and (b" \n" in data or b"\n " in data)))


def target_lines(data: bytes) -> list[bytes]:
    """Targets of a URL list: one per line, blanks around them dropped, empty and ``#`` lines
    skipped. Bytes are kept as they are (never decoded)."""
    lines = data.split(b"\n")
    if blanks_to_strip(data):
        lines = [line.strip() for line in lines]
    elif b"\n\n" not in data and b"\n#" not in data and data[:1] not in (b"#", b"\n"):
        # no empty or comment line but, maybe, the one after the final newline (a byte scan
        # instead of a test per line: simulate reads millions of them)
        if lines and not lines[-1]:
            lines.pop()
        return lines
    return [line for line in lines if line and line[0] != 0x23]
