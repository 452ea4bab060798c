"""Squid's %-escaping of helper fields (lib/rfc1738.c), both directions.

Squid escapes each value it puts on a helper's input line so that a space or a control byte never
splits or ends the line:

* external ACL fields (``external_acl_type``, default ``protocol=3.0`` quoting) go through
  ``rfc1738_escape``: every byte that is a control byte, a space, DEL, >= 0x80, ``%`` or one of
  the RFC 1738 "unsafe" characters becomes ``%XX`` with upper-case hex;
* ``url_rewrite_extras`` / ``store_id_extras`` values go through ``rfc1738_escape_unescaped``:
  the same, except that ``%`` itself is kept (the value is taken to be escaped already).

The RFC 1738 "reserved" characters ``; / ? : @ = &`` are never escaped by either.
:func:`unescape` is ``rfc1738_unescape``: ``%XX`` with two hex digits becomes that byte unless it
would be NUL, ``%%`` becomes ``%``, and anything else is kept as it is.
"""

from __future__ import annotations

# RFC 1738 "unsafe" characters as lib/rfc1738.c lists them (rfc1738_unsafe_chars); space and
# "%" are handled separately there, as here.
_UNSAFE = b'<>"#{}|\\^~[]`\''


def _table(percent: bool) -> tuple[bytes, ...]:
    out = []
    for byte in range(256):
        # a-z A-Z 0-9 are always safe (lib/rfc1738.c rfc1738_do_escape).
        if (0x30 <= byte <= 0x39) or (0x41 <= byte <= 0x5A) or (0x61 <= byte <= 0x7A):
            out.append(bytes((byte,)))
        elif (byte in _UNSAFE or byte <= 0x20 or byte >= 0x7F
              or (percent and byte == 0x25)):
            out.append(b"%%%02X" % byte)
        else:
            out.append(bytes((byte,)))
    return tuple(out)


_ESCAPE_ALL = _table(percent=True)  # rfc1738_escape: UNSAFE | CTRLS
_ESCAPE_KEEP_PERCENT = _table(percent=False)  # rfc1738_escape_unescaped: ... | NOPERCENT


def escape(data: bytes) -> bytes:
    """``rfc1738_escape``: how Squid escapes external ACL fields."""
    return b"".join([_ESCAPE_ALL[b] for b in data])


def escape_unescaped(data: bytes) -> bytes:
    """``rfc1738_escape_unescaped``: how Squid escapes url_rewrite/store_id extras (keeps ``%``)."""
    return b"".join([_ESCAPE_KEEP_PERCENT[b] for b in data])


_HEX = {c: int(chr(c), 16) for c in b"0123456789abcdefABCDEF"}


def unescape(data: bytes) -> bytes:
    """``rfc1738_unescape``: ``%XX`` -> byte (not NUL), ``%%`` -> ``%``, other ``%`` kept."""
    if b"%" not in data:
        return data
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        byte = data[i]
        if byte != 0x25:
            out.append(byte)
            i += 1
            continue
        if i + 1 < n and data[i + 1] == 0x25:  # "%%" is one "%"
            out.append(0x25)
            i += 2
            continue
        high = _HEX.get(data[i + 1]) if i + 1 < n else None
        low = _HEX.get(data[i + 2]) if i + 2 < n else None
        if high is not None and low is not None and (high << 4 | low) > 0:
            out.append(high << 4 | low)
            i += 3
        else:  # not two hex digits, or %00: the "%" stays and the next bytes are read as text
            out.append(0x25)
            i += 1
    return bytes(out)


def unescape_text(value: str) -> str:
    """:func:`unescape` on text: bytes that are not UTF-8 come back as surrogate escapes."""
    if "%" not in value:
        return value
    raw = unescape(value.encode("utf-8", "surrogateescape"))
    return raw.decode("utf-8", "surrogateescape")
