"""``carp-key=`` parts that are invalid, spelled by prefix, or repeated.

Squid builds the CARP key from the listed parts (``scheme``, ``host``, ``port``, ``path``,
``params``) in a fixed order, whatever order they are written in. It matches each comma-separated
word only by its *prefix* (``strncmp``): ``hostname`` counts as ``host``, ``portx`` as ``port``,
``paths`` as ``path`` — and ``hostport`` (a forgotten comma) silently means just ``host``, so the
port never reaches the key. A word matching no part, an empty word (``carp-key=``,
``host,``) or ``param`` stops Squid with ``FATAL: invalid carp-key '...'`` (error). Prefix
spellings and repeated parts (Squid merges repeated ``carp-key=`` options too) are warnings: the
array may hash on less than you think, and every node must spell it the same way. Write each part
exactly once, in its exact spelling.

Bad::

    cache_peer 127.0.0.1 parent 3128 0 carp carp-key=hostname,hostport,host,

Good::

    cache_peer 127.0.0.1 parent 3128 0 carp carp-key=host,port
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.events import Kind
from squidcarp.conf.model import CachePeer, CarpKeyPart, PeerOption, Position
from squidcarp.conf.peer import parse_carp_key
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC104"
NAME = "carp-key-parts"
SEVERITY = Severity.ERROR
KINDS = (Kind.PEER_CARP_KEY_INVALID,)

PREFIX = "carp-key="  # src/cache_cf.cc parse_peer: strncmp(key, "host", 4) etc., in this order
PART_ORDER = tuple(CarpKeyPart)  # scheme, host, port, path, params (src/carp.cc)


def check(ctx: LintContext) -> Iterator[Finding]:
    invalid_at = {e.pos for e in ctx.events(Kind.PEER_CARP_KEY_INVALID)}
    for peer in ctx.config.peers:
        yield from _peer(peer, invalid_at)


def _match(item: str) -> CarpKeyPart | None:
    return next((p for p in PART_ORDER if item.startswith(p.value)), None)


def _peer(peer: CachePeer, invalid_at: set[Position]) -> Iterator[Finding]:
    seen: dict[CarpKeyPart, str] = {}
    for opt in peer.option("carp-key"):
        _, items, _ = parse_carp_key(opt.value or "")
        offset = len(PREFIX)
        for index, item in enumerate(items):
            pos, end = _item_span(opt, offset, item)
            offset += len(item) + 1
            part = _match(item)
            if part is None:
                if opt.token.pos in invalid_at:
                    rest = ",".join(items[index:])
                    what = "an empty part" if not item else f"'{item}', which is no carp-key part"
                    yield Finding(pos, f"carp-key of peer '{peer.name}' has {what}: Squid stops "
                                       f"with \"invalid carp-key '{rest}'\"; parts are "
                                       "scheme, host, port, path, params", end_column=end)
                break  # Squid stops at the first invalid part
            glued = _match(item[len(part.value):])
            if glued is not None:
                yield Finding(pos, f"carp-key part '{item}' of peer '{peer.name}' is read as "
                                   f"'{part.value}' only (Squid matches parts by prefix): "
                                   f"'{glued.value}' is NOT part of the key — a missing comma? "
                                   f"write '{part.value},{glued.value}'", Severity.WARNING, end)
            elif part in seen:
                yield Finding(pos, f"carp-key of peer '{peer.name}' names '{part.value}' again "
                                   f"('{item}' after '{seen[part]}'): Squid uses each part once, "
                                   "so this is probably a typo for another part",
                              Severity.WARNING, end)
            elif item != part.value:
                yield Finding(pos, f"carp-key part '{item}' of peer '{peer.name}' is read as "
                                   f"'{part.value}' (Squid matches parts by prefix); write "
                                   f"'{part.value}' so every node and tool reads it the same way",
                              Severity.WARNING, end)
            seen.setdefault(part, item)


def _item_span(opt: PeerOption, offset: int, item: str) -> tuple[Position, int | None]:
    """Where one comma-separated word of the option starts (and ends) in the source."""
    tok = opt.token
    if tok.raw_or_text != tok.text:  # quoted: the text does not map 1:1 onto the source
        return tok.pos, None
    column = tok.pos.column + offset
    return Position(tok.pos.file, tok.pos.line, column), column + max(1, len(item))
