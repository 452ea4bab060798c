"""Where many requests go, and what moves when the array changes (``squidcarp simulate``).

:func:`destinations` gives each request's first forwarding entry: a peer, DIRECT, "depends"
(an unknowable ACL or state decides), "nowhere" (Squid has no path: an error page) or "400" (the
target is rejected before selection). Requests that the whole decision reduces to a CARP owner
for go through the numpy batch engine; the rest through :meth:`Router.decide` one at a time (the
same answers, slower).

:func:`apply_changes` edits the peers of a config (add, remove, reweight, rename a CARP member)
keeping every access rule attached to the peer it names, so the disruption of a change counts
what the rules do too; :func:`disruption` compares two runs over the same requests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

from squidcarp.carp.analysis import (
    AddMember,
    Change,
    Disruption,
    RemoveMember,
    Rename,
    Reweight,
)
from squidcarp.carp.url import Request
from squidcarp.conf.model import CachePeer, SquidConfig
from squidcarp.forward.request import ForwardRequest
from squidcarp.forward.select import Router
from squidcarp.libc import c_lower

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

DIRECT = "DIRECT"
DEPENDS = "(depends)"
NOWHERE = "(nowhere)"
REJECTED = "(refused)"
LOCAL = "(Squid itself)"
SPECIAL = (DIRECT, DEPENDS, NOWHERE, REJECTED, LOCAL)
# Words in a URL that may make Squid answer it itself (squidcarp.forward.local): such URLs take
# the whole decision instead of the batch engine.
_MAYBE_LOCAL = (b"squid-internal-", b"cache_object:", b"urn:")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Destinations:
    """The first forwarding entry of every request, as indexes into ``labels``."""

    labels: tuple[str, ...]
    """Peers in config order, then DIRECT, (depends), (nowhere), (refused), (Squid itself)."""
    codes: npt.NDArray[np.int32]
    fast: int = 0
    """How many requests the batch engine answered."""

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def counts(self) -> dict[str, int]:
        import numpy as np

        found = np.bincount(self.codes, minlength=len(self.labels))
        return {label: int(n) for label, n in zip(self.labels, found, strict=True)}


def _labels(router: Router) -> tuple[str, ...]:
    return (*(p.name for p in router.peers), *SPECIAL)


def fast_path(router: Router) -> str | None:
    """Which requests the whole decision reduces to "the CARP owner" for: ``"all"`` (never_direct
    allows everything), ``"get"`` (plain GETs: nothing forces a choice and netdb is off), or None.
    """
    if router.carp is None or router.always_direct or router.sourcehash:
        return None
    if any(p.access for p in router._carp_peers.values()):
        return None
    nd = router.never_direct
    if nd:
        first = nd[0]
        if first.action == "allow" and all(_trivially_true(router, a.name) != a.negated
                                           for a in first.acls):
            return "all"
        return None
    if router.prefer_direct or router.pinger:
        return None
    return "get"


def _trivially_true(router: Router, name: str) -> bool:
    acl = router.acls.definition(name)
    return acl is not None and acl.type == "src" and any(v.text == "all" for v in acl.values)


Item = bytes | Request | ForwardRequest
"""A request to simulate: a URL (GET), a CARP library request, or a full forwarding request."""


def _forward(item: Item) -> ForwardRequest:
    return item if isinstance(item, ForwardRequest) else ForwardRequest.of(item)


def _maybe_local(target: bytes) -> bool:
    lowered = target.lower()
    return any(word in lowered for word in _MAYBE_LOCAL)


def _line_starts(text: bytes) -> npt.NDArray[np.uint8]:
    """The first byte of every line of ``text`` (one numpy scan; none for an empty text, and
    none for the empty line after a final line feed)."""
    import numpy as np

    data = np.frombuffer(text, dtype=np.uint8)
    starts = np.flatnonzero(data[:-1] == 0x0A) + 1
    return np.concatenate((data[:1], data[starts]))


def _starting_with(first: npt.NDArray[np.uint8], allowed: bytes) -> bool:
    import numpy as np

    return bool(np.isin(first, np.frombuffer(allowed, dtype=np.uint8)).all())


class UrlList(NamedTuple):
    """A URL file as simulate reads it: the requests, the text they were split from, and
    whether every line is a URL starting with h/H (so a plain ``http``/``https`` request, no
    empty or ``#`` line, no ``CONNECT``, accelerator path or ``*`` target)."""

    requests: list[bytes | Request]
    text: bytes
    http_only: bool


def read_url_list(text: bytes) -> UrlList:
    """:func:`~squidcarp.carp.inputs.target_lines` and :func:`~squidcarp.carp.inputs.requests_for`
    of a URL file, the same requests, with one scan of the line starts instead of their tests
    line by line and substring searches over the whole text (millions of URLs; measured on
    1M URLs: ~180 ms of the command's ~1.4 s)."""
    from squidcarp.carp.inputs import blanks_to_strip, requests_for, target_lines

    if text and not blanks_to_strip(text) and _starting_with(_line_starts(text), b"hH"):
        lines: list[bytes | Request] = list(text.split(b"\n"))
        if not lines[-1]:
            lines.pop()  # after the final line feed
        return UrlList(lines, text, True)
    return UrlList(requests_for(target_lines(text), "GET"), text, False)


def _all_plain_http(urls: Sequence[bytes], mode: str, listing: UrlList | None) -> bool:
    """Whether no URL of ``urls`` can be one Squid answers itself (or, unless ``mode`` is
    "all", one with userinfo), by scans over all of them at once (millions of URLs: no test per
    URL): every line starts with h/H (so no cache_object: or urn: scheme; empty and ``#`` lines
    of a URL file are no requests) and none holds /squid-internal- (Squid's prefix test is
    case-sensitive: src/internal.cc). ``listing``: the URL file the URLs were read from, if any,
    scanned as it is instead of joining them."""
    if listing is None:
        source = b"\n".join(urls)
        if source.count(b"\n") != len(urls) - 1:  # a URL holding a line feed
            return False
    else:
        source = listing.text
    if b"squid-internal-" in source or (mode != "all" and b"@" in source):
        return False
    # h, H, "#", and a line feed (an empty line) may start a line
    return (listing is not None and listing.http_only) or _starting_with(
        _line_starts(source), b"hH#\n")


def _carp_item(router: Router, item: Item, mode: str) -> bytes | Request | None:
    """What the batch engine can route for ``item`` when the decision is "the CARP owner",
    or None when it needs the whole decision."""
    if type(item) is bytes:
        return item if (mode == "all" or b"@" not in item) and not _maybe_local(item) else None
    if mode != "all":
        return None
    if isinstance(item, ForwardRequest):
        if item.loop or _maybe_local(item.target):
            return None
        from squidcarp.forward.request import carp_request, receiving_port

        return carp_request(item, receiving_port(router.ports, item))
    url = item.url if isinstance(item, Request) else item
    return None if _maybe_local(url) else item


def destinations(router: Router, requests: Sequence[Item],
                 progress: Progress | None = None, listing: UrlList | None = None) -> Destinations:
    """Where each request goes first. ``listing``: the URL file plain-URL ``requests`` were
    read from (:func:`read_url_list`), which the fast path scans instead of joining the URLs
    again."""
    import numpy as np

    labels = _labels(router)
    index = {label: i for i, label in enumerate(labels)}
    peer_index = {p.name: i for i, p in enumerate(router.peers)}
    codes = np.full(len(requests), index[DEPENDS], dtype=np.int32)
    mode = fast_path(router)
    slow: list[int] = []
    fast = 0
    if mode is not None and router.carp is not None:
        from squidcarp.carp.batch import NO_OWNER, NOT_ROUTABLE, BatchEngine

        rows: list[int] | range
        items: Sequence[bytes | Request]
        plain = set(map(type, requests)) <= {bytes}  # the common case: URLs, tested at C speed
        if plain and _all_plain_http(requests, mode, listing):  # type: ignore[arg-type]
            rows, items = range(len(requests)), requests  # type: ignore[assignment]
        else:
            rows, items = [], []
            for i, item in enumerate(requests):
                carp_item = _carp_item(router, item, mode)
                if carp_item is None:
                    slow.append(i)
                else:
                    rows.append(i)
                    items.append(carp_item)
        members = [router._carp_peers[m.label].name for m in router.carp.members]
        member_code = np.array([peer_index[n] for n in members] or [0], dtype=np.int32)
        down = frozenset(m.label for m in router.carp.members
                         if router._carp_peers[m.label].name in router.down)
        owners = BatchEngine(router.carp).route(items, down, progress=progress).owners
        picked = owners >= 0
        row_array = np.asarray(rows, dtype=np.intp)
        codes[row_array[picked]] = member_code[owners[picked]]
        codes[row_array[owners == NOT_ROUTABLE]] = index[REJECTED]
        slow += row_array[owners == NO_OWNER].tolist()
        fast = int(picked.sum() + (owners == NOT_ROUTABLE).sum())
    else:
        slow = list(range(len(requests)))
    total = len(slow)
    for done, i in enumerate(sorted(slow), start=1):
        d = router.decide(_forward(requests[i]))
        if d.error is not None:
            codes[i] = index[REJECTED]
        elif d.local:
            codes[i] = index[LOCAL]
        elif not d.certain:
            codes[i] = index[DEPENDS]
        elif d.first is None:
            codes[i] = index[NOWHERE]
        else:
            codes[i] = peer_index[d.first.peer] if d.first.peer else index[DIRECT]
        if progress is not None and mode is None and (done % 2048 == 0 or done == total):
            progress(done, total)
    return Destinations(labels, codes, fast)


# --- changes -------------------------------------------------------------------------------------


def _peer_line(name: str, weight: int) -> CachePeer:
    """A CARP parent as ``--add`` describes it, read as Squid would read the line."""
    from squidcarp.conf import read_bytes

    text = f"cache_peer {name} parent 3128 0 carp weight={weight} name={name} no-query no-digest\n"
    read = read_bytes(text.encode("utf-8", "surrogateescape"), "<simulate --add>")
    return read.config.peers[0]


class Changed(NamedTuple):
    config: SquidConfig
    identity: dict[str, str]
    """Each surviving peer's name before -> after."""
    aliases: dict[str, str]
    """Lower-cased old names of renamed peers -> new names (for :class:`Router`)."""


def apply_changes(config: SquidConfig, changes: Sequence[Change]) -> Changed:
    """The config with its peers changed, and for each peer that survives, its name after.

    Access rules stay with the peer they name (a renamed peer keeps its rules; a removed peer's
    rules go with it, as Squid drops lines naming a peer that does not exist)."""
    peers = list(config.peers)
    identity = {p.name: p.name for p in peers}
    renamed: dict[str, str] = {}

    def find(name: str | bytes) -> int:
        text = name if isinstance(name, str) else name.decode("utf-8", "surrogateescape")
        for i, p in enumerate(peers):
            if c_lower(p.name) == c_lower(text) and p.is_carp_member:
                return i
        raise ValueError(f"no CARP member named '{text}'")

    for change in changes:
        if isinstance(change, AddMember):
            name = _text(change.name)
            if any(c_lower(p.name) == c_lower(name) for p in peers):
                raise ValueError(f"a cache_peer named '{name}' exists already")
            peers.append(_peer_line(name, change.weight))
        elif isinstance(change, RemoveMember):
            gone = peers.pop(find(change.name))
            identity = {k: v for k, v in identity.items() if v != gone.name}
        elif isinstance(change, Reweight):
            i = find(change.name)
            peers[i] = replace(peers[i], settings=replace(
                peers[i].settings, weight=change.weight, weight_given=change.weight))
        elif isinstance(change, Rename):
            i = find(change.old)
            new = _text(change.new)
            old = peers[i].name
            if any(c_lower(p.name) == c_lower(new) for j, p in enumerate(peers) if j != i):
                raise ValueError(f"cannot rename '{old}': a cache_peer named '{new}' exists "
                                 "already")
            peers[i] = replace(peers[i], name=new, explicit_name=new)
            for k, v in identity.items():
                if v == old:
                    identity[k] = new
            # every earlier name of this peer now maps to its newest name
            for k, v in renamed.items():
                if v == old:
                    renamed[k] = new
            renamed.setdefault(c_lower(old), new)
    return Changed(replace(config, peers=tuple(peers)), identity, renamed)


def _text(name: str | bytes) -> str:
    return name if isinstance(name, str) else name.decode("utf-8", "surrogateescape")


# --- spread and disruption -----------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    share: float
    expected: float | None
    """What the CARP weights ask for (members only), or None."""


def spread(router: Router, dest: Destinations) -> tuple[Share, ...]:
    """Count and share per destination (destinations nothing went to are left out, except CARP
    members); expected shares are the members' weights over the array's total."""
    counts = dest.counts()
    total = len(dest) or 1
    weights = carp_weights(router)
    whole = sum(weights.values())
    out = []
    for label in dest.labels:
        n = counts[label]
        if n == 0 and label not in weights:
            continue
        expected = weights[label] / whole if label in weights and whole else None
        out.append(Share(label, n, n / total, expected))
    return tuple(out)


def disruption(before: Destinations, after: Destinations, identity: dict[str, str],
               weights_before: dict[str, int] | None = None,
               weights_after: dict[str, int] | None = None) -> Disruption:
    """Requests whose first destination changes (a renamed peer is the same cache); requests
    rejected or undecided on either side are left out. With the CARP weights of both sides,
    ``ideal_share`` is the least the change itself asks to move."""
    import numpy as np

    after_index = {label: i for i, label in enumerate(after.labels)}
    extra = len(after.labels)
    mapping = np.empty(len(before.labels), dtype=np.int64)
    for i, label in enumerate(before.labels):
        target = identity.get(label, label if label in SPECIAL else None)
        if target is not None and target in after_index:
            mapping[i] = after_index[target]
        else:
            mapping[i] = extra
            extra += 1
    b = mapping[before.codes.astype(np.int64)]
    a = after.codes.astype(np.int64)
    skip = {after_index[REJECTED], after_index[DEPENDS]}
    keep = ~(np.isin(b, list(skip)) | np.isin(a, list(skip)))
    b, a = b[keep], a[keep]
    moved = int(np.count_nonzero(b != a))
    diff = np.bincount(b, minlength=extra) - np.bincount(a, minlength=extra)
    ideal = 0.0
    if weights_before is not None and weights_after is not None:
        total_b = sum(weights_before.values()) or 1
        total_a = sum(weights_after.values()) or 1
        shares: dict[str, float] = {}
        for name, w in weights_before.items():
            key = identity.get(name, f"(gone) {name}")
            shares[key] = shares.get(key, 0.0) + w / total_b
        for name, w in weights_after.items():
            shares[name] = shares.get(name, 0.0) - w / total_a
        ideal = sum(abs(v) for v in shares.values()) / 2
    return Disruption(int(keep.sum()), moved, int(np.abs(diff).sum()) // 2, ideal)


def carp_weights(router: Router) -> dict[str, int]:
    """The CARP members' weights by peer name."""
    if router.carp is None:
        return {}
    return {router._carp_peers[m.label].name: m.weight for m in router.carp.members}
