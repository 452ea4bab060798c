"""Squid Cache Digests (format version 5), sans-IO: the body Squid serves, decoded and checked.

A digest is a Bloom filter of the store keys a cache holds. Squid serves it over HTTP as
``/squid-internal-periodic/store_digest`` (``application/cache-digest``): a 128-byte control
block, then the mask. All control-block integers are big-endian (src/store_digest.cc
``storeDigestCBlockSwapOut``, src/PeerDigest.h ``StoreDigestCBlock``):

======  ====  ====================================
offset  size  field
======  ====  ====================================
0       2     current version (Squid writes 5)
2       2     required version (Squid writes 3)
4       4     capacity (entries the mask is sized for)
8       4     count (entries added)
12      4     del_count (deletions asked for; never applied)
16      4     mask_size in bytes
20      1     bits_per_entry (``digest_bits_per_entry``, default 5)
21      1     hash_func_count (always 4)
22      106   reserved, zero
======  ====  ====================================

A store key is the MD5 of the method's byte (GET 1, HEAD 4) and the URL (src/store_key_md5.cc);
the URL is the store ID if a ``store_id`` helper rewrote it, else Squid's normalised absolute URI.
The key's four big-endian 32-bit words, each modulo the mask's bit count, are the four bit
positions; bit ``b`` is ``mask[b >> 3] & (1 << (b & 7))`` (src/CacheDigest.cc,
src/defines.h ``CBIT_TEST``). All four set = "probably cached".

:func:`squid_verdict` applies the checks Squid makes before it uses a peer's digest
(src/peer_digest.cc ``peerDigestSetCBlock``, ``peerDigestUseful``), in Squid's order.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field

from squidcarp.proto.errors import DecodeError, EncodeError, plural

# src/PeerDigest.h StoreDigestCBlock: short current, short required, int capacity, int count,
# int del_count, int mask_size, uchar bits_per_entry, uchar hash_func_count, then a reserved
# short and 26 reserved ints. Signed, as Squid reads them.
CBLOCK_HEAD = struct.Struct("!hhiiiiBB")
CBLOCK_SIZE = 128
RESERVED_SIZE = CBLOCK_SIZE - CBLOCK_HEAD.size  # 106
CURRENT_VERSION = 5  # src/peer_digest.cc CacheDigestVer = { 5, 3 }
REQUIRED_VERSION = 3
HASH_FUNC_COUNT = 4  # src/globals.h CacheDigestHashFuncCount
DEFAULT_BITS_PER_ENTRY = 5  # src/cf.data.pre digest_bits_per_entry
MAX_FILL_PERCENT = 65.0  # src/peer_digest.cc peerDigestUseful: "too many bits on"
INT_MAX = 0x7FFFFFFF
DIGEST_PATH = "/squid-internal-periodic/store_digest"  # src/store_digest.cc, src/globals.h
CONTENT_TYPE = "application/cache-digest"  # src/store_digest.cc storeDigestRewriteResume

# src/http/MethodType.h Http::MethodType (without NO_SPECIAL_HANDLING): the byte hashed first.
METHOD_IDS: dict[str, int] = {
    "GET": 1, "POST": 2, "PUT": 3, "HEAD": 4, "CONNECT": 5, "TRACE": 6, "OPTIONS": 7,
    "DELETE": 8, "CHECKOUT": 9, "CHECKIN": 10, "UNCHECKOUT": 11, "MKWORKSPACE": 12,
    "VERSION-CONTROL": 13, "REPORT": 14, "UPDATE": 15, "LABEL": 16, "MERGE": 17,
    "BASELINE-CONTROL": 18, "MKACTIVITY": 19, "PROPFIND": 20, "PROPPATCH": 21, "MKCOL": 22,
    "COPY": 23, "MOVE": 24, "LOCK": 25, "UNLOCK": 26, "SEARCH": 27, "PRI": 28, "PURGE": 29,
}


def store_key(url: bytes, method: str = "GET") -> bytes:
    """Squid's public store key: MD5(method byte + URL), no NUL (src/store_key_md5.cc
    ``storeKeyPublic``). ``url`` must already be the form Squid stores (see module doc)."""
    try:
        method_id = METHOD_IDS[method.upper()]
    except KeyError:
        raise ValueError(f"no store-key byte for method {method!r} (known: "
                         f"{', '.join(METHOD_IDS)})") from None
    return hashlib.md5(bytes([method_id]) + url).digest()


def mask_size_for(capacity: int, bits_per_entry: int) -> int:
    """Mask bytes for a capacity (src/CacheDigest.cc ``CalcMaskSize``)."""
    return (capacity * bits_per_entry + 7) // 8


def bit_positions(key: bytes, mask_size: int) -> tuple[int, int, int, int]:
    """The four bits a 16-byte key sets (src/CacheDigest.cc ``cacheDigestHashKey``)."""
    if len(key) != 16:
        raise ValueError(f"a store key has 16 bytes, not {len(key)}")
    if mask_size <= 0:
        raise ValueError(f"mask size {mask_size}: a digest has at least one byte")
    bits = mask_size * 8
    w0, w1, w2, w3 = struct.unpack("!IIII", key)
    return w0 % bits, w1 % bits, w2 % bits, w3 % bits


@dataclass(frozen=True)
class ControlBlock:
    """The 128-byte header of a digest; integers as Squid reads them (signed)."""

    capacity: int
    count: int
    mask_size: int
    del_count: int = 0
    bits_per_entry: int = DEFAULT_BITS_PER_ENTRY
    hash_func_count: int = HASH_FUNC_COUNT
    current: int = CURRENT_VERSION
    required: int = REQUIRED_VERSION
    reserved: bytes = field(default=bytes(RESERVED_SIZE), repr=False)  # short at 22, ints from 24

    def encode(self) -> bytes:
        if len(self.reserved) != RESERVED_SIZE:
            raise EncodeError(f"reserved bytes: {RESERVED_SIZE} expected, "
                              f"{len(self.reserved)} given")
        try:
            head = CBLOCK_HEAD.pack(self.current, self.required, self.capacity,
                               self.count, self.del_count, self.mask_size, self.bits_per_entry,
                               self.hash_func_count)
        except struct.error as exc:
            raise EncodeError(f"control block field out of range: {exc}") from None
        return head + self.reserved

    @classmethod
    def decode(cls, data: bytes) -> ControlBlock:
        if len(data) < CBLOCK_SIZE:
            raise DecodeError(len(data), f"{plural(len(data), 'byte')}: a digest starts with "
                                         f"a {CBLOCK_SIZE}-byte control block")
        current, required, capacity, count, dels, mask_size, bpe, hashes = (
            CBLOCK_HEAD.unpack_from(data))
        return cls(capacity=capacity, count=count, mask_size=mask_size, del_count=dels,
                   bits_per_entry=bpe, hash_func_count=hashes, current=current,
                   required=required, reserved=bytes(data[CBLOCK_HEAD.size:CBLOCK_SIZE]))


@dataclass(frozen=True)
class Verdict:
    """Would Squid use this digest? ``reason`` says why not (Squid's wording in quotes)."""

    accepted: bool
    reason: str = ""
    offset: int | None = None  # where in the body the offending field is


@dataclass(frozen=True)
class Digest:
    """A control block and its mask. ``bits_on`` and the lookups work on any mask; whether
    Squid would use it is :func:`squid_verdict`'s question."""

    control: ControlBlock
    mask: bytes
    bits_on: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bits_on", int.from_bytes(self.mask, "big").bit_count())

    @property
    def bit_count(self) -> int:
        return len(self.mask) * 8

    @property
    def fill_ratio(self) -> float:
        """Share of mask bits that are on."""
        return self.bits_on / self.bit_count if self.mask else 0.0

    @property
    def predicted_false_hit_rate(self) -> float:
        """Chance that a URL the cache does not hold is still "probably cached": all four of its
        bits on, i.e. ``fill_ratio ** 4`` for uniformly spread keys."""
        return self.fill_ratio**HASH_FUNC_COUNT

    @property
    def expected_fill_ratio(self) -> float:
        """The fill ``count`` distinct keys would give a mask of this size (Bloom filter
        estimate ``1 - (1 - 1/m) ** (4 n)``), to compare with the measured one."""
        bits = self.bit_count
        if not bits:
            return 0.0
        return float(1.0 - (1.0 - 1.0 / bits) ** (HASH_FUNC_COUNT * max(self.control.count, 0)))

    def contains_key(self, key: bytes) -> bool:
        """All four bits of ``key`` on (src/CacheDigest.cc ``CacheDigest::contains``)."""
        if not self.mask:
            return False
        mask = self.mask
        return all(mask[b >> 3] & (1 << (b & 7)) for b in bit_positions(key, len(mask)))

    def contains(self, url: bytes, method: str = "GET") -> bool:
        """"Probably cached": the store key of ``method`` + ``url`` (as Squid stores it)."""
        return self.contains_key(store_key(url, method))

    def encode(self) -> bytes:
        return self.control.encode() + self.mask

    @classmethod
    def build(cls, keys: Iterable[bytes], capacity: int,
              bits_per_entry: int = DEFAULT_BITS_PER_ENTRY) -> Digest:
        """A digest as Squid's rebuild makes it: a mask sized for ``capacity``, every key
        added (src/CacheDigest.cc ``CacheDigest::add``, src/store_digest.cc)."""
        if capacity <= 0 or bits_per_entry <= 0:
            raise ValueError("capacity and bits per entry must be positive")
        size = mask_size_for(capacity, bits_per_entry)
        mask = bytearray(size)
        count = 0
        for key in keys:
            for b in bit_positions(key, size):
                mask[b >> 3] |= 1 << (b & 7)
            count += 1
        control = ControlBlock(capacity=capacity, count=count, mask_size=size,
                               bits_per_entry=bits_per_entry)
        return cls(control, bytes(mask))


def decode(data: bytes) -> Digest:
    """A digest body (control block + mask). Framing errors are :class:`DecodeError`s: a body
    shorter than its control block says is truncated, a longer one has bytes Squid 5.7 would
    copy past the end of its mask buffer."""
    control = ControlBlock.decode(data)
    _check_mask_size(control)
    body = len(data) - CBLOCK_SIZE
    if body < control.mask_size:
        raise DecodeError(len(data), f"the mask is cut short: {body} of {control.mask_size} "
                                     "bytes (Squid: \"premature end of digest\")")
    _check_no_excess(len(data), control)
    return Digest(control, bytes(data[CBLOCK_SIZE:]))


def _check_mask_size(control: ControlBlock) -> None:
    if control.mask_size <= 0:
        raise DecodeError(16, f"mask_size {control.mask_size}: a digest has at least one mask "
                              "byte")


def _check_no_excess(size: int, control: ControlBlock) -> None:
    expected = CBLOCK_SIZE + control.mask_size
    if size > expected:
        raise DecodeError(expected, f"{plural(size - expected, 'byte')} after the "
                                    f"{control.mask_size}-byte mask (Squid 5.7 would write "
                                    "them past its mask buffer)")


class DigestReader:
    """Incremental :func:`decode` for a body arriving in chunks (an HTTP download).

    ``feed(chunk)`` any number of times, then ``close()`` for the :class:`Digest`. The control
    block is checked as soon as its 128 bytes are in (Squid reads it first and gives up on a
    bad one before reading the mask), so a body that is not a digest fails early; bytes past
    the mask fail at the offset of the first one.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._control: ControlBlock | None = None

    @property
    def control(self) -> ControlBlock | None:
        """The control block, once it has arrived."""
        return self._control

    @property
    def expected_size(self) -> int | None:
        """The whole body's size, once the control block says it."""
        return None if self._control is None else CBLOCK_SIZE + self._control.mask_size

    @property
    def received(self) -> int:
        return len(self._buffer)

    def feed(self, chunk: bytes) -> None:
        self._buffer += chunk
        if self._control is None and len(self._buffer) >= CBLOCK_SIZE:
            control = ControlBlock.decode(bytes(self._buffer[:CBLOCK_SIZE]))
            _check_mask_size(control)
            self._control = control
        if self._control is not None:
            _check_no_excess(len(self._buffer), self._control)

    def close(self) -> Digest:
        return decode(bytes(self._buffer))


def squid_verdict(digest: Digest) -> Verdict:
    """Whether Squid 5.7 would use ``digest`` as a peer's digest, with its first objection."""
    c = digest.control
    if c.required > CURRENT_VERSION:
        return Verdict(False, f"requires version {c.required}; Squid has {CURRENT_VERSION}", 2)
    if c.current < REQUIRED_VERSION:
        return Verdict(False, f"is version {c.current}; Squid requires {REQUIRED_VERSION}", 0)
    if c.required > c.current:
        return Verdict(False, f"\"cblock is corrupted\": requires version {c.required} but is "
                              f"version {c.current}", 2)
    for name, value, offset in (("mask_size", c.mask_size, 16), ("capacity", c.capacity, 4),
                                ("bits_per_entry", c.bits_per_entry, 20),
                                ("hash_func_count", c.hash_func_count, 21)):
        if value <= 0:
            return Verdict(False, f"\"cblock is corrupted\": {name} is {value}", offset)
    if c.capacity * c.bits_per_entry + 7 >= INT_MAX:
        return Verdict(False, f"capacity {c.capacity} x {c.bits_per_entry} bits overflows: "
                              "Squid 5.7 asserts in CalcMaskSize", 4)
    expected = mask_size_for(c.capacity, c.bits_per_entry)
    if c.mask_size != expected:
        return Verdict(False, f"\"cblock is corrupted (mask size mismatch: {c.mask_size} ? "
                              f"{expected})\"", 16)
    if c.hash_func_count != HASH_FUNC_COUNT:
        return Verdict(False, f"\"unsupported #hash functions: {c.hash_func_count} ? "
                              f"{HASH_FUNC_COUNT}\"", 21)
    percent = 100.0 * digest.bits_on / digest.bit_count
    if percent > MAX_FILL_PERCENT:
        return Verdict(False, f"\"peer digest has too many bits on ({percent:g}%)\": more than "
                              f"{MAX_FILL_PERCENT:g}%", CBLOCK_SIZE)
    return Verdict(True)
