"""Cache digests: keys and bits as Squid computes them, Squid's own digests, its acceptance."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import pytest

from squidcarp.proto import digest
from squidcarp.proto.errors import DecodeError, EncodeError
from tests.proto.golden import load

TABLE = load("digest.json")
KEYS = TABLE["keys"]
DIGESTS = TABLE["digests"]


def _body(name: str) -> bytes:
    return bytes.fromhex(next(d for d in DIGESTS if d["name"] == name)["hex"])


@pytest.mark.parametrize("entry", KEYS, ids=[f"{k['method']} {k['url']}" for k in KEYS])
def test_store_key_and_bits_are_squids(entry: dict[str, Any]) -> None:
    key = digest.store_key(entry["url"].encode(), entry["method"])
    assert key.hex().upper() == entry["key"]
    assert digest.bit_positions(key, entry["mask_bits"] // 8) == tuple(entry["positions"])


def test_method_bytes() -> None:
    assert digest.METHOD_IDS["GET"] == 1 and digest.METHOD_IDS["HEAD"] == 4
    assert digest.store_key(b"u", "get") == digest.store_key(b"u", "GET")
    with pytest.raises(ValueError, match="no store-key byte for method 'BREW'"):
        digest.store_key(b"u", "BREW")


@pytest.mark.parametrize("entry", DIGESTS, ids=[d["name"] for d in DIGESTS])
def test_squids_digest_decodes_and_finds_every_cached_url(entry: dict[str, Any]) -> None:
    body = bytes.fromhex(entry["hex"])
    d = digest.decode(body)
    assert dataclasses.asdict(d.control) | {"reserved": None} == entry["control"] | {
        "reserved": None}
    assert d.control.reserved == bytes(digest.RESERVED_SIZE)
    assert d.bits_on == entry["bits_on"]
    assert len(d.mask) == entry["control"]["mask_size"]
    assert [u for u in entry["cached_get"] if not d.contains(u.encode())] == []
    assert [u for u in entry["cached_head"] if not d.contains(u.encode(), "HEAD")] == []
    assert d.encode() == body
    assert digest.squid_verdict(d) == digest.Verdict(True)


def test_an_object_purged_before_the_rebuild_is_absent() -> None:
    d = digest.decode(_body("squid57-39"))
    assert not d.contains(b"http://origin.test/cacheable/2")


def test_lookups_use_the_four_bits_lsb_first() -> None:
    """The MSB-first bit order would find none of the cached URLs."""
    d = digest.decode(_body("squid57-39"))
    urls = next(e for e in DIGESTS if e["name"] == "squid57-39")["cached_get"]
    msb_first = digest.Digest(d.control, bytes(int(f"{b:08b}"[::-1], 2) for b in d.mask))
    assert sum(msb_first.contains(u.encode()) for u in urls) < len(urls) // 2


def test_predicted_false_hit_rate_matches_random_urls() -> None:
    d = digest.decode(_body("squid57-39"))
    rng = random.Random(20261202)
    trials = 20000
    hits = sum(d.contains(b"http://absent.test/%d" % rng.getrandbits(64)) for _ in range(trials))
    assert d.fill_ratio == 250 / 464
    assert abs(hits / trials - d.predicted_false_hit_rate) < 0.01
    assert abs(d.expected_fill_ratio - d.fill_ratio) < 0.02


# -- framing ------------------------------------------------------------------------------------


def test_reader_fed_whole_byte_by_byte_and_in_chunks() -> None:
    body = _body("squid57-small")
    whole = digest.decode(body)
    rng = random.Random(7)
    for sizes in ([len(body)], [1] * len(body), [rng.randint(1, 50) for _ in range(len(body))]):
        reader = digest.DigestReader()
        pos = 0
        for size in sizes:
            reader.feed(body[pos : pos + size])
            pos += size
            if pos >= len(body):
                break
        assert reader.control == whole.control
        assert reader.expected_size == len(body) == reader.received
        assert reader.close() == whole


def test_reader_refuses_bytes_after_the_mask_as_they_arrive() -> None:
    body = _body("squid57-small")
    reader = digest.DigestReader()
    reader.feed(body)
    with pytest.raises(DecodeError) as caught:
        reader.feed(b"x")
    assert (caught.value.offset, caught.value.reason) == (
        166, "1 byte after the 38-byte mask (Squid 5.7 would write them past its mask buffer)")


def test_every_prefix_is_an_error() -> None:
    body = _body("squid57-small")
    for cut in range(len(body)):
        with pytest.raises(DecodeError) as caught:
            digest.decode(body[:cut])
        if cut < digest.CBLOCK_SIZE:
            assert (caught.value.offset, caught.value.reason) == (
                cut, f"{cut} byte{'' if cut == 1 else 's'}: a digest starts with a 128-byte "
                     "control block")
        else:
            assert (caught.value.offset, caught.value.reason) == (
                cut, f"the mask is cut short: {cut - 128} of 38 bytes (Squid: \"premature end "
                     "of digest\")")


@pytest.mark.parametrize("junk", [b"\0", b"extra bytes"])
def test_trailing_junk_is_an_error(junk: bytes) -> None:
    with pytest.raises(DecodeError) as caught:
        digest.decode(_body("squid57-small") + junk)
    assert caught.value.offset == 166
    assert caught.value.reason.startswith(
        ("1 byte" if len(junk) == 1 else f"{len(junk)} bytes") + " after the 38-byte mask")


@pytest.mark.parametrize("mask_size", [0, -1])
def test_a_mask_size_below_one_is_an_error(mask_size: int) -> None:
    body = digest.ControlBlock(capacity=1, count=0, mask_size=mask_size).encode()
    with pytest.raises(DecodeError) as caught:
        digest.decode(body)
    assert (caught.value.offset, caught.value.reason) == (
        16, f"mask_size {mask_size}: a digest has at least one mask byte")
    reader = digest.DigestReader()
    with pytest.raises(DecodeError):
        reader.feed(body)


def test_control_block_encode_range_errors() -> None:
    with pytest.raises(EncodeError, match="control block field out of range"):
        digest.ControlBlock(capacity=1 << 31, count=0, mask_size=1).encode()
    with pytest.raises(EncodeError, match="reserved bytes: 106 expected, 3 given"):
        digest.ControlBlock(capacity=1, count=0, mask_size=1, reserved=b"abc").encode()


# -- Squid's acceptance (src/peer_digest.cc) ------------------------------------------------------


def _with(**changes: Any) -> digest.Digest:
    d = digest.decode(_body("squid57-small"))
    mask = changes.pop("mask", d.mask)
    return digest.Digest(dataclasses.replace(d.control, **changes), mask)


@pytest.mark.parametrize(
    ("changes", "reason", "offset"),
    [
        ({"required": 6}, "requires version 6; Squid has 5", 2),
        ({"current": 2}, "is version 2; Squid requires 3", 0),
        ({"current": 4, "required": 5},
         "\"cblock is corrupted\": requires version 5 but is version 4", 2),
        ({"capacity": 0}, "\"cblock is corrupted\": capacity is 0", 4),
        ({"capacity": -5}, "\"cblock is corrupted\": capacity is -5", 4),
        ({"bits_per_entry": 0}, "\"cblock is corrupted\": bits_per_entry is 0", 20),
        ({"hash_func_count": 0}, "\"cblock is corrupted\": hash_func_count is 0", 21),
        ({"mask_size": 0}, "\"cblock is corrupted\": mask_size is 0", 16),
        ({"capacity": 61},
         "\"cblock is corrupted (mask size mismatch: 38 ? 39)\"", 16),
        ({"hash_func_count": 3}, "\"unsupported #hash functions: 3 ? 4\"", 21),
        ({"capacity": 0x7FFFFFFF, "bits_per_entry": 5},
         "capacity 2147483647 x 5 bits overflows: Squid 5.7 asserts in CalcMaskSize", 4),
        ({"mask": b"\xff" * 25 + bytes(13)},
         "\"peer digest has too many bits on (65.7895%)\": more than 65%", 128),
    ],
)
def test_squid_refuses(changes: dict[str, Any], reason: str, offset: int) -> None:
    assert digest.squid_verdict(_with(**changes)) == digest.Verdict(False, reason, offset)


def test_exactly_65_percent_is_still_accepted() -> None:
    control = digest.ControlBlock(capacity=32, count=0, mask_size=20)
    mask = b"\xff" * 13 + b"\x00" * 7  # 104 of 160 bits = 65%
    assert digest.squid_verdict(digest.Digest(control, mask)).accepted
    over = b"\xff" * 13 + b"\x01" + b"\x00" * 6
    assert not digest.squid_verdict(digest.Digest(control, over)).accepted


def test_build_is_squids_add() -> None:
    keys = [digest.store_key(b"http://b.test/%d" % i) for i in range(100)]
    d = digest.Digest.build(keys, capacity=100)
    assert (d.control.capacity, d.control.count, d.control.mask_size) == (100, 100, 63)
    assert all(d.contains_key(k) for k in keys)
    assert digest.squid_verdict(d).accepted
    assert digest.decode(d.encode()) == d
    with pytest.raises(ValueError, match="capacity and bits per entry must be positive"):
        digest.Digest.build(keys, capacity=0)


def test_bit_positions_argument_checks() -> None:
    with pytest.raises(ValueError, match="a store key has 16 bytes, not 3"):
        digest.bit_positions(b"abc", 10)
    with pytest.raises(ValueError, match="mask size 0: a digest has at least one byte"):
        digest.bit_positions(bytes(16), 0)
