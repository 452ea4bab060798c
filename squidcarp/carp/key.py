"""The bytes a member hashes for a request: its ``carp-key=`` parts, or the effective URI.

src/carp.cc ``carpSelectParent``: with ``carp-key`` the chosen parts are appended in a fixed order
whatever order they were written in: scheme + ``://`` (only when the scheme is not empty), host,
``:`` + port (always, even the default one), the path before the first ``?``, and ``?`` + the rest
when there is a ``?``. Path and query are cut from Squid's path, which still holds the fragment, so
``/p#f?x`` has the path ``/p#f`` and the params ``?x``. An empty result (a CONNECT request keyed on
its path, say) falls back to the effective URI.
"""

from __future__ import annotations

from collections.abc import Iterable

from squidcarp.carp.url import Uri
from squidcarp.conf.model import CarpKeyPart

KeySpec = tuple[CarpKeyPart, ...]
"""The parts of one member's ``carp-key``, in Squid's fixed order; ``()`` means none."""


def key_spec(parts: Iterable[CarpKeyPart | str] | None) -> KeySpec:
    """Canonical form of a ``carp-key`` part list: a set, in Squid's order (None -> ``()``)."""
    if parts is None:
        return ()
    chosen = {CarpKeyPart(p) for p in parts}
    return tuple(p for p in CarpKeyPart if p in chosen)


def carp_key(uri: Uri, spec: KeySpec) -> bytes:
    """The key bytes one member hashes for ``uri``."""
    if not spec:
        return uri.effective
    out: list[bytes] = []
    query_at = uri.path.find(b"?")
    for part in spec:
        if part is CarpKeyPart.SCHEME:
            if uri.scheme:
                out.append(uri.scheme + b"://")
        elif part is CarpKeyPart.HOST:
            out.append(uri.host)
        elif part is CarpKeyPart.PORT:
            out.append(b":%d" % uri.port)
        elif part is CarpKeyPart.PATH:
            out.append(uri.path if query_at < 0 else uri.path[:query_at])
        elif query_at >= 0:  # CarpKeyPart.PARAMS
            out.append(uri.path[query_at:])
    key = b"".join(out)
    return key or uri.effective
