"""The batch engine: CARP owners for millions of requests, identical to :meth:`CarpArray.owner`.

The per-request hash is sequential over the key bytes, so the work is vectorised *across*
requests. A chunk of keys is sorted by length (longest first) and laid out column by column: byte
j of every key longer than j sits in one contiguous run, and those keys are a prefix of the chunk.
One numpy step per byte position then advances every active hash at once::

    u += rotl32(u, 19) + char(b)   ==   u = u * (1 + 2**19) + (u >> 13) + char(b)   (mod 2**32)

(the two halves of the rotation never overlap, so the OR is an addition). Members are visited in
evaluation order, the hash carrying over from one member to the next exactly as in Squid; scores are
``float64(combined) * multiplier`` and the winner is kept with a strict ``>`` starting from 0.0, so
ties, zero and NaN scores behave as in Squid.

Normalisation: absolute ``http://`` and ``https://`` URLs that are already in Squid's canonical form
(lower-case host name, no port, a path without blanks...; what Squid's access.log holds) are
recognised with a few array operations over the whole chunk and hashed as they are; everything else
(other schemes, ports, upper case, IP literals, CONNECT and accelerator requests, members with
``carp-key``) goes through :func:`squidcarp.carp.url.parse` one request at a time, which is about
ten times slower.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from squidcarp.carp.array import CarpArray, Member, MemberState
from squidcarp.carp.hash import (
    COMBINE_MULTIPLIER,
    FINAL_ROTATION,
    URL_STEP_MULTIPLIER,
    URL_STEP_SHIFT,
    accumulate,
)
from squidcarp.carp.key import KeySpec, carp_key
from squidcarp.carp.url import MAX_URL, NotRoutable, Request, parse

NO_OWNER = -1
"""CARP picked nothing (every usable score is 0 or NaN): Squid falls through to other methods."""
NOT_ROUTABLE = -2
"""Squid rejects the request target (HTTP 400) before CARP runs."""

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each chunk."""


@dataclass(frozen=True)
class BatchResult:
    """Owners of a batch of requests, as indexes into ``members`` (config order).

    ``owners[i]`` is the config index of the member that owns request i, :data:`NO_OWNER` when CARP
    picks nothing, or :data:`NOT_ROUTABLE` when Squid would reject the target.
    """

    members: tuple[Member, ...]
    owners: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return int(self.owners.shape[0])

    def counts(self) -> npt.NDArray[np.int64]:
        """Requests owned per member, in config order."""
        valid = self.owners[self.owners >= 0]
        return np.bincount(valid, minlength=len(self.members)).astype(np.int64)

    @property
    def no_owner(self) -> int:
        return int(np.count_nonzero(self.owners == NO_OWNER))

    @property
    def not_routable(self) -> int:
        return int(np.count_nonzero(self.owners == NOT_ROUTABLE))

    def owner(self, i: int) -> Member | None:
        k = int(self.owners[i])
        return self.members[k] if k >= 0 else None


# --- keys sorted by length ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sorted:
    """Keys sorted by length, longest first (ties in input order).

    ``buffer`` holds the keys in *input* order, each followed by one separator byte;
    ``blocks[g]`` is a copy of the keys of group g (all of the same length) as a 2-D array, in
    sorted order.
    """

    joined: bytes
    buffer: npt.NDArray[np.uint8]
    row_starts: npt.NDArray[np.int64]
    """Offset in ``buffer`` of each key, in input order (ascending)."""
    row_lengths: npt.NDArray[np.int64]
    order: npt.NDArray[np.intp]
    """Input row of each sorted key."""
    lengths: npt.NDArray[np.int64]
    """Sorted lengths."""
    starts: npt.NDArray[np.int64]
    """Offset in ``buffer`` of each sorted key."""
    groups: tuple[tuple[int, int, int], ...]
    """(first, end, length) of each run of equal-length sorted keys."""
    blocks: tuple[npt.NDArray[np.uint8], ...]

    def rows_at(self, positions: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
        """Input row of the keys that contain these ``buffer`` offsets."""
        return np.searchsorted(self.row_starts, positions, side="right") - 1


_SEPARATOR = b"\xff"  # any byte the host-name and digit tables treat as a stop


def _sort_keys(keys: Sequence[bytes]) -> _Sorted:
    n = len(keys)
    # Every key is followed by a separator; 7 more make 8-byte reads at any key start safe.
    joined = _SEPARATOR.join(keys) + _SEPARATOR * 8  # TypeError for anything not bytes-like
    buffer = np.frombuffer(joined, dtype=np.uint8)
    lens = np.fromiter(map(len, keys), dtype=np.int64, count=n)
    row_starts = np.zeros(n, dtype=np.int64)
    if n > 1:
        np.cumsum(lens[:-1] + 1, out=row_starts[1:])
    if n and int(lens.max()) <= 0xFFFF:  # numpy radix-sorts 16-bit keys: ~10x faster
        order = np.argsort((0xFFFF - lens).astype(np.uint16), kind="stable")
    else:
        order = np.argsort(-lens, kind="stable")
    sorted_lens = lens[order]
    starts = row_starts[order]
    cuts = (np.flatnonzero(sorted_lens[1:] != sorted_lens[:-1]) + 1).tolist()
    bounds = [0, *cuts, n] if n else [0]
    lens_list = sorted_lens.tolist()
    groups = tuple((a, b, lens_list[a]) for a, b in itertools.pairwise(bounds))
    blocks = tuple(
        sliding_window_view(buffer, length)[starts[a:b]] if length
        else np.empty((b - a, 0), dtype=np.uint8)
        for a, b, length in groups
    )
    return _Sorted(joined, buffer, row_starts, lens, order, sorted_lens, starts, groups, blocks)


# --- Squid-canonical http URLs, recognised without Python-level work per URL ----------------------

_HTTP_WORD = np.uint64(int.from_bytes(b"http://\0", "little"))
_HTTPS_WORD = np.uint64(int.from_bytes(b"https://", "little"))
_SEVEN_BYTES = np.uint64(0x00FFFFFFFFFFFFFF)
# 0 for the bytes a canonical host name is made of, 1 for everything else.
_NOT_HOST = bytes(0 if chr(b) in "abcdefghijklmnopqrstuvwxyz0123456789.-_" else 1
                  for b in range(256))


_NOT_DIGIT = bytes(0 if 0x30 <= b <= 0x39 else 1 for b in range(256))
_PORT_DIGITS = np.array([10000, 1000, 100, 10, 1], dtype=np.int64)


def _first_stop(s: _Sorted, table: bytes, at: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each offset in ``at``, the first offset >= it whose byte ``table`` maps to 1.

    Every key is followed by a separator, which both tables map to 1, so there always is one."""
    stops = np.flatnonzero(np.frombuffer(s.joined.translate(table), dtype=np.bool_))
    found: npt.NDArray[np.int64] = stops[np.minimum(np.searchsorted(stops, at), stops.size - 1)]
    return found


def _host_ok(s: _Sorted, host: npt.NDArray[np.int64], ok: npt.NDArray[np.bool_],
             terminator: int) -> npt.NDArray[np.int64]:
    """Refine ``ok`` for host names starting at ``host``; return where each one ends.

    A canonical host is lower-case letters, digits, ``.``, ``-`` and ``_``, does not start with a
    digit (so it can't be an IP literal) nor with a dot, does not end with a dot and is at most
    255 bytes long; the first byte after it must be ``terminator``."""
    buf = s.buffer
    first = buf[host]
    ok &= (first != 0x2E) & ((first < 0x30) | (first > 0x39))
    end = _first_stop(s, _NOT_HOST, host)
    ok &= (end > host) & (end - host <= 255)
    ok &= buf[end] == terminator
    ok &= buf[end - 1] != 0x2E
    return end


def _no_odd_bytes(s: _Sorted, ok: npt.NDArray[np.bool_]) -> None:
    """Blanks, controls, NUL, DEL or ".." anywhere in a key send it to the full parser."""
    buf = s.buffer
    dot = buf == 0x2E
    odd = np.concatenate((np.flatnonzero((buf <= 0x20) | (buf == 0x7F)),
                          np.flatnonzero(dot[1:] & dot[:-1])))
    if odd.size:
        ok[s.rows_at(odd)] = False


def _canonical(s: _Sorted) -> npt.NDArray[np.bool_]:
    """Per key, in input order: a URL Squid's normalisation leaves byte for byte as it is.

    That is ``http://`` or ``https://``, a canonical host (:func:`_host_ok`), then ``/`` and a
    path without bytes <= 0x20 or "..", the whole shorter than MAX_URL. No port, no userinfo.
    Anything else is left to the full parser (False).
    """
    buf, starts, lens = s.buffer, s.row_starts, s.row_lengths
    ok: npt.NDArray[np.bool_] = (lens > 8) & (lens < MAX_URL)
    prefix = sliding_window_view(buf, 8)[starts].view(np.uint64)[:, 0]
    https = prefix == _HTTPS_WORD
    ok &= ((prefix & _SEVEN_BYTES) == _HTTP_WORD) | https
    _host_ok(s, starts + 7 + https, ok, 0x2F)
    _no_odd_bytes(s, ok)
    return ok


def _canonical_authority(s: _Sorted) -> npt.NDArray[np.bool_]:
    """Per CONNECT target, in input order: ``host:port`` that Squid hashes exactly as it is.

    A canonical host (:func:`_host_ok`), ``:``, and a port of 1 to 5 digits without a leading
    zero, at most 65535, ending the target."""
    buf, starts, lens = s.buffer, s.row_starts, s.row_lengths
    ok: npt.NDArray[np.bool_] = (lens > 2) & (lens < MAX_URL)
    end = _host_ok(s, starts, ok, 0x3A)
    port = end + 1
    digits = starts + lens - port
    ok &= (digits >= 1) & (digits <= 5)
    ok &= _first_stop(s, _NOT_DIGIT, port) == starts + lens
    ok &= buf[port] != 0x30
    five = sliding_window_view(buf, 5)[np.minimum(port, buf.size - 5)].astype(np.int64) - 0x30
    ok &= (digits < 5) | (five @ _PORT_DIGITS <= 65535)
    _no_odd_bytes(s, ok)
    return ok


# --- the hash kernel ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Band:
    """Sorted keys ``start .. start + width`` laid out column by column (uint32 per byte).

    Only the first ``len(counts)`` bytes are laid out: columns that fewer than
    :data:`_DENSE_ROWS` keys reach are cheaper to finish one key at a time (:func:`_accumulate`).
    """

    start: int
    counts: tuple[int, ...]
    """counts[j] = keys of this band longer than j (they are a prefix of the band)."""
    data: npt.NDArray[np.uint32]
    """Shape (len(counts), width): row j holds byte j of every key of the band longer than j."""
    tail_rows: int
    """Keys of the band longer than len(counts): their remaining bytes are hashed one by one."""


@dataclass(frozen=True)
class _Layout:
    keys: _Sorted
    bands: tuple[_Band, ...]
    signed_char: bool

    @property
    def order(self) -> npt.NDArray[np.intp]:
        return self.keys.order


_DENSE_ROWS = 32
"""A byte column shorter than this is hashed per key in Python (4 numpy calls cost more)."""
_PAD_SLACK = 1 << 20
"""Padding allowed in a band beyond 3x its key bytes, before a new band is started."""


def _layout(s: _Sorted, signed_char: bool) -> _Layout:
    """Bands of sorted keys, each padded to its longest key but never by more than ~3x."""
    bands: list[_Band] = []
    groups = s.groups
    g = 0
    while g < len(groups):
        first, longest = groups[g][0], groups[g][2]
        h, key_bytes = g, 0
        while h < len(groups):
            a, b, length = groups[h]
            more = key_bytes + (b - a) * length
            if h > g and longest * (b - first) > 3 * more + _PAD_SLACK:
                break
            key_bytes = more
            h += 1
        end = groups[h - 1][1]
        full = [0] * longest
        for _, b, length in groups[g:h]:
            if length:
                full[length - 1] = b - first
        for j in range(longest - 2, -1, -1):
            full[j] = max(full[j], full[j + 1])
        dense = 0
        while dense < longest and full[dense] >= _DENSE_ROWS:
            dense += 1
        data = np.empty((dense, end - first), dtype=np.uint32)
        for (a, b, length), block in zip(groups[g:h], s.blocks[g:h], strict=True):
            width = min(length, dense)
            if width:
                rows = block.view(np.int8) if signed_char else block  # int8 -> uint32 sign-extends
                data[:width, a - first : b - first] = rows[:, :width].T
        tail_rows = full[dense] if dense < longest else 0
        bands.append(_Band(first, tuple(full[:dense]), data, tail_rows))
        g = h
    return _Layout(s, tuple(bands), signed_char)


def _accumulate(u: npt.NDArray[np.uint32], layout: _Layout, tmp: npt.NDArray[np.uint32]) -> None:
    """Run one member's key through the running hashes ``u`` (in layout order), in place."""
    mul = np.uint32(URL_STEP_MULTIPLIER)
    shift = np.uint32(URL_STEP_SHIFT)
    keys = layout.keys
    for band in layout.bands:
        ub = u[band.start :]
        for j, c in enumerate(band.counts):
            v = ub[:c]
            t = tmp[:c]
            np.right_shift(v, shift, out=t)
            np.add(t, band.data[j, :c], out=t)
            np.multiply(v, mul, out=v)
            np.add(v, t, out=v)
        done = len(band.counts)
        for row in range(band.start, band.start + band.tail_rows):
            begin = int(keys.starts[row])
            rest = keys.buffer[begin + done : begin + int(keys.lengths[row])].tobytes()
            u[row] = accumulate(rest, int(u[row]), layout.signed_char)


def _scores(u: npt.NDArray[np.uint32], state: MemberState, c: npt.NDArray[np.uint32],
            t: npt.NDArray[np.uint32], score: npt.NDArray[np.float64]) -> None:
    """``score = float64(combine(u, hash)) * multiplier``, in the scratch arrays given."""
    np.bitwise_xor(u, np.uint32(state.hash), out=c)
    np.multiply(c, np.uint32(COMBINE_MULTIPLIER), out=c)
    np.left_shift(c, np.uint32(FINAL_ROTATION), out=t)
    np.right_shift(c, np.uint32(32 - FINAL_ROTATION), out=c)
    np.bitwise_or(c, t, out=c)
    np.multiply(c, np.float64(state.multiplier), out=score, dtype=np.float64)


def _select(
    array: CarpArray, layouts: dict[KeySpec, _Layout], n: int, down: frozenset[str]
) -> npt.NDArray[np.int32]:
    """Owners (config index or NO_OWNER) in input-row order for keys already laid out."""
    if not array.states:
        return np.full(n, NO_OWNER, dtype=np.int32)
    reference = layouts[array.states[0].member.spec]
    u = np.zeros(n, dtype=np.uint32)
    tmp = np.empty(n, dtype=np.uint32)
    best = np.zeros(n, dtype=np.float64)  # in reference order
    owner = np.full(n, NO_OWNER, dtype=np.int32)
    c, t = np.empty(n, dtype=np.uint32), np.empty(n, dtype=np.uint32)
    score = np.empty(n, dtype=np.float64)
    better = np.empty(n, dtype=np.bool_)
    current = reference
    for state in array.states:
        layout = layouts[state.member.spec]
        if layout is not current:
            rowwise = np.empty_like(u)
            rowwise[current.order] = u
            u = rowwise[layout.order]
            current = layout
        _accumulate(u, layout, tmp)
        if state.member.label in down:
            continue
        _scores(u, state, c, t, score)
        if layout is not reference:
            rowwise_score = np.empty_like(score)
            rowwise_score[layout.order] = score
            score[:] = rowwise_score[reference.order]
        np.greater(score, best, out=better)
        np.copyto(best, score, where=better)
        np.copyto(owner, np.int32(state.config_index), where=better)
    out = np.empty(n, dtype=np.int32)
    out[reference.order] = owner
    return out


@dataclass(frozen=True)
class BatchEngine:
    """Routes many requests through one array. ``chunk_size`` bounds memory (~40 B per key byte)."""

    array: CarpArray
    chunk_size: int = 1 << 15
    _specs: tuple[KeySpec, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.chunk_size < 1:
            raise ValueError("chunk_size must be >= 1")
        specs = tuple(dict.fromkeys(self.array.key_specs)) or ((),)
        object.__setattr__(self, "_specs", specs)

    def route(
        self,
        items: Sequence[bytes | Request],
        down: frozenset[str] = frozenset(),
        progress: Progress | None = None,
    ) -> BatchResult:
        """Owners for ``items``: absolute URLs (GET) as bytes, or :class:`Request` objects."""
        total = len(items)
        owners = np.empty(total, dtype=np.int32)
        for start in range(0, total, self.chunk_size):
            chunk = items[start : start + self.chunk_size]
            owners[start : start + len(chunk)] = self._route_chunk(chunk, down)
            if progress is not None:
                progress(start + len(chunk), total)
        return BatchResult(self.array.members, owners)

    def route_keys(
        self, keys: Mapping[KeySpec, Sequence[bytes]], down: frozenset[str] = frozenset()
    ) -> npt.NDArray[np.int32]:
        """Owners for already-built keys: one list per carp-key spec, all in the same row order."""
        lengths = {len(k) for k in keys.values()}
        if len(lengths) != 1 or set(keys) != set(self._specs):
            raise ValueError("route_keys needs one equally long key list per carp-key spec")
        n = lengths.pop()
        out = np.empty(n, dtype=np.int32)
        signed = self.array.signed_char
        for start in range(0, n, self.chunk_size):
            stop = min(n, start + self.chunk_size)
            layouts = {spec: _layout(_sort_keys(k[start:stop]), signed)
                       for spec, k in keys.items()}
            out[start:stop] = _select(self.array, layouts, stop - start, down)
        return out

    def _route_chunk(
        self, chunk: Sequence[bytes | Request], down: frozenset[str]
    ) -> npt.NDArray[np.int32]:
        if self._specs != ((),) or not chunk:
            return self._route_parsed(range(len(chunk)), chunk, down)
        try:
            s = _sort_keys(chunk)  # type: ignore[arg-type]
        except TypeError:  # Request objects (or str) among the URLs
            pass
        else:
            return self._route_sorted(s, chunk, down, _canonical)
        out = np.empty(len(chunk), dtype=np.int32)
        plain: list[int] = []
        connect: list[int] = []
        rest: list[int] = []
        for i, item in enumerate(chunk):
            if type(item) is bytes:
                plain.append(i)
            elif isinstance(item, Request) and item.method == "CONNECT" and item.accel is None \
                    and type(item.url) is bytes:
                connect.append(i)
            else:
                rest.append(i)
        if plain:
            urls = [chunk[i] for i in plain]
            out[plain] = self._route_sorted(_sort_keys(urls), urls, down,  # type: ignore[arg-type]
                                            _canonical)
        if connect:
            requests = [chunk[i] for i in connect]
            targets = [r.url for r in requests if isinstance(r, Request)]
            out[connect] = self._route_sorted(_sort_keys(targets), requests, down,
                                              _canonical_authority)
        if rest:
            out[rest] = self._route_parsed(rest, chunk, down)
        return out

    def _route_sorted(
        self,
        s: _Sorted,
        items: Sequence[bytes | Request],
        down: frozenset[str],
        canonical_check: Callable[[_Sorted], npt.NDArray[np.bool_]],
    ) -> npt.NDArray[np.int32]:
        """The fast path: ``s`` holds each item's target, hashed as it is where
        ``canonical_check`` says Squid would not change it; the other items are parsed."""
        canonical = canonical_check(s)
        layouts: dict[KeySpec, _Layout] = {(): _layout(s, self.array.signed_char)}
        owners = _select(self.array, layouts, len(items), down)
        if not canonical.all():
            rows = np.flatnonzero(~canonical)
            owners[rows] = self._route_parsed(rows.tolist(), items, down)
        return owners

    def _route_parsed(
        self, rows: Sequence[int], chunk: Sequence[bytes | Request], down: frozenset[str]
    ) -> npt.NDArray[np.int32]:
        """Owners for ``chunk[rows]`` through the full parser (NOT_ROUTABLE where it fails)."""
        out = np.full(len(rows), NOT_ROUTABLE, dtype=np.int32)
        routable: list[int] = []
        keys: dict[KeySpec, list[bytes]] = {spec: [] for spec in self._specs}
        for i, row in enumerate(rows):
            try:
                uri = parse(chunk[row])
            except NotRoutable:
                continue
            routable.append(i)
            for spec, out_keys in keys.items():
                out_keys.append(carp_key(uri, spec))
        if routable:
            out[np.asarray(routable, dtype=np.intp)] = self.route_keys(keys, down)
        return out


def route_batch(
    array: CarpArray,
    items: Sequence[bytes | Request],
    down: frozenset[str] = frozenset(),
    progress: Progress | None = None,
) -> BatchResult:
    """Shorthand for ``BatchEngine(array).route(items, down, progress)``."""
    return BatchEngine(array).route(items, down, progress)
