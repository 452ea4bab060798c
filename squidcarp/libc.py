"""What C does to text in Squid: number conversions, address forms, %-escapes (one owner each).

Squid reads numbers with the C library (``strtol`` and friends clamp instead of failing, ``atoi``
truncates to ``int``), addresses with ``inet_aton``/``inet_pton``/``inet_ntop``, and escapes with
its own lib/rfc1738.c. Every module that needs one of these imports it from here, so each
conversion is written once. This module imports nothing beyond the standard library.
"""

from __future__ import annotations


def fromhex(b: int) -> int:
    if 0x30 <= b <= 0x39:
        return b - 0x30
    if 0x61 <= b <= 0x66:
        return b - 0x57
    if 0x41 <= b <= 0x46:
        return b - 0x37
    return -1


def rfc1738_unescape(s: bytes) -> bytes:
    """lib/rfc1738.c rfc1738_unescape(): ``%XX`` (not ``%00``) and ``%%`` decoded, rest kept."""
    out = bytearray()
    j = 0
    while j < len(s):
        c = s[j]
        if c == 0x25 and j + 1 < len(s) and s[j + 1] == 0x25:
            out.append(0x25)
            j += 2
            continue
        if c == 0x25 and j + 2 < len(s):
            v1, v2 = fromhex(s[j + 1]), fromhex(s[j + 2])
            if v1 >= 0 and v2 >= 0 and (v1 << 4 | v2) > 0:
                out.append(v1 << 4 | v2)
                j += 3
                continue
        out.append(c)
        j += 1
    return bytes(out)
