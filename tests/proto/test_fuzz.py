"""Fuzzing every decoder: 100k random and mutated inputs each give a message or a DecodeError.

The bulk runs on plain ``random`` with a fixed seed (fast, reproducible); hypothesis adds
shrinking-quality cases. A decoded message must also re-encode to bytes that decode to the same
message (ICP version 3 excepted: it is never encoded).
"""

from __future__ import annotations

import contextlib
import random
import struct
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from squidcarp.proto import cachemgr, digest, htcp, icp
from squidcarp.proto.errors import DecodeError, EncodeError
from tests.proto.golden import GOLDEN, load

RUNS = 100_000


def _seeds(table: str) -> list[bytes]:
    data = load(table)
    return [bytes.fromhex(e["hex"]) for key in ("messages", "decode_only", "errors")
            for e in data.get(key, []) if "hex" in e]


ICP_SEEDS = _seeds("icp.json")
HTCP_SEEDS = _seeds("htcp.json")
DIGEST_SEEDS = [bytes.fromhex(d["hex"]) for d in load("digest.json")["digests"]]


def _fix_icp(data: bytearray) -> None:
    if len(data) >= 4:
        data[2:4] = struct.pack("!H", len(data) & 0xFFFF)


def _fix_htcp(data: bytearray) -> None:
    if len(data) >= 2:
        data[0:2] = struct.pack("!H", len(data) & 0xFFFF)


def _mutate(rng: random.Random, seed: bytes, fix: Callable[[bytearray], None] | None) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        if choice < 0.35 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice < 0.5 and data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif choice < 0.65:
            pos = rng.randint(0, len(data))
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
        elif choice < 0.8 and data:
            pos = rng.randrange(len(data))
            del data[pos : pos + rng.randint(1, 6)]
        elif choice < 0.9:
            del data[rng.randint(0, len(data)) :]
        elif len(data) >= 2:  # a 16-bit field somewhere gets an extreme value
            pos = rng.randrange(len(data) - 1)
            data[pos : pos + 2] = rng.choice((b"\x00\x00", b"\xff\xff", b"\x00\x01", b"\x7f\xff"))
    if fix is not None and rng.random() < 0.7:
        fix(data)  # keep the outer length right so the fuzz reaches the payload parsers
    return bytes(data)


def _check_icp(data: bytes) -> bool:
    try:
        message = icp.decode(data)
    except DecodeError:
        return False
    try:
        again = message.encode()
    except EncodeError:
        assert message.version == icp.VERSION_3
        return True
    assert icp.decode(again) == message
    return True


def _check_htcp(data: bytes) -> bool:
    try:
        message = htcp.decode(data)
    except DecodeError:
        return False
    assert htcp.decode(message.encode()) == message
    return True


def _check_digest(data: bytes) -> bool:
    try:
        d = digest.decode(data)
    except DecodeError:
        return False
    assert digest.decode(d.encode()) == d
    digest.squid_verdict(d)
    d.contains(b"http://example.com/")
    return True


def _random_input(rng: random.Random, max_size: int) -> bytes:
    return rng.randbytes(rng.randint(0, max_size))


@pytest.mark.parametrize(
    ("check", "seeds", "fix", "max_size"),
    [
        (_check_icp, ICP_SEEDS, _fix_icp, 64),
        (_check_htcp, HTCP_SEEDS, _fix_htcp, 64),
        (_check_digest, DIGEST_SEEDS, None, 200),
    ],
    ids=["icp", "htcp", "digest"],
)
def test_100k_random_and_mutated_inputs(check: Callable[[bytes], bool], seeds: list[bytes],
                                        fix: Callable[[bytearray], None] | None,
                                        max_size: int) -> None:
    rng = random.Random(0x5C1D)
    decoded = 0
    for i in range(RUNS):
        random_input = i % 5 == 0
        data = _random_input(rng, max_size) if random_input else _mutate(rng, rng.choice(seeds),
                                                                         fix)
        decoded += check(data)
    # the mutations must reach the message parsers, not only the header checks
    assert decoded > RUNS // 50


PAGES = {name: (GOLDEN / "cachemgr" / f"{name}.txt").read_text(encoding="utf-8")
         for name in ("info", "counters", "store_digest", "server_list", "server_list_multicast")}
PARSERS = {"info": cachemgr.parse_info, "counters": cachemgr.parse_counters,
           "store_digest": cachemgr.parse_store_digest, "server_list": cachemgr.parse_server_list,
           "server_list_multicast": cachemgr.parse_server_list}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_cache_manager_parsers_on_mutated_pages(name: str) -> None:
    """Pages cut, spliced and garbled: a record or a CacheManagerError, nothing else."""
    rng = random.Random(name)
    text = PAGES[name]
    alphabet = "\t\n :=%./()-0123456789abcXYZé"
    for _ in range(3000):
        chars = list(text)
        for _ in range(rng.randint(1, 5)):
            pos = rng.randrange(len(chars) + 1)
            if rng.random() < 0.5:
                chars.insert(pos, rng.choice(alphabet))
            else:
                del chars[pos : pos + rng.randint(1, 40)]
        with contextlib.suppress(cachemgr.CacheManagerError):
            PARSERS[name]("".join(chars))


def test_digest_reader_on_mutated_bodies() -> None:
    rng = random.Random(11)
    for _ in range(5000):
        data = _mutate(rng, rng.choice(DIGEST_SEEDS), None)
        reader = digest.DigestReader()
        try:
            pos = 0
            while pos < len(data):
                step = rng.randint(1, 64)
                reader.feed(data[pos : pos + step])
                pos += step
            reader.close()
        except DecodeError:
            continue


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80))
def test_icp_arbitrary_bytes(data: bytes) -> None:
    _check_icp(data)
    framed = bytearray(data)
    _fix_icp(framed)
    _check_icp(bytes(framed))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80))
def test_htcp_arbitrary_bytes(data: bytes) -> None:
    _check_htcp(data)
    framed = bytearray(data)
    _fix_htcp(framed)
    _check_htcp(bytes(framed))


urls = st.binary(max_size=60).filter(lambda b: b"\0" not in b)


@settings(max_examples=200, deadline=None)
@given(reqnum=st.integers(0, 0xFFFFFFFF), url=urls, flags=st.integers(0, 0xFFFFFFFF),
       opcode=st.sampled_from(sorted(icp.URL_ONLY)))
def test_icp_messages_round_trip(reqnum: int, url: bytes, flags: int, opcode: icp.Opcode) -> None:
    for message in (icp.Query(reqnum=reqnum, url=url, flags=flags),
                    icp.Reply(opcode=opcode, reqnum=reqnum, url=url, option_data=flags)):
        assert icp.decode(message.encode()) == message


texts = st.binary(max_size=40)


@settings(max_examples=200, deadline=None)
@given(tid=st.integers(0, 0xFFFFFFFF), method=texts, uri=texts, version=texts, hdrs=texts,
       minor=st.sampled_from([0, 1, 2]), rd=st.booleans(), reason=st.integers(0, 15))
def test_htcp_requests_round_trip(tid: int, method: bytes, uri: bytes, version: bytes,
                                  hdrs: bytes, minor: int, rd: bool, reason: int) -> None:
    spec = htcp.Specifier(method, uri, version, hdrs)
    for message in (htcp.TstRequest(trans_id=tid, specifier=spec, rd=rd, minor=minor),
                    htcp.ClrRequest(trans_id=tid, specifier=spec, reason=reason, rd=rd,
                                    minor=minor)):
        assert htcp.decode(message.encode()) == message
