"""HTCP codec: the golden table both ways, Squid's dialect, decode errors exact, prefixes, junk."""

from __future__ import annotations

from typing import Any

import pytest

from squidcarp.proto import htcp
from squidcarp.proto.errors import DecodeError, EncodeError
from tests.proto.golden import build, describe, load

TABLE = load("htcp.json")
MESSAGES = TABLE["messages"]
ERRORS = TABLE["errors"]
URL = b"http://origin.test/cacheable/0"


def _ids(entries: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in entries]


def _entry(name: str) -> dict[str, Any]:
    return next(e for e in MESSAGES if e["name"] == name)


@pytest.mark.parametrize("entry", MESSAGES, ids=_ids(MESSAGES))
def test_golden_decode(entry: dict[str, Any]) -> None:
    assert htcp.decode(bytes.fromhex(entry["hex"])) == build(htcp, entry["message"])


@pytest.mark.parametrize("entry", MESSAGES, ids=_ids(MESSAGES))
def test_golden_encode(entry: dict[str, Any]) -> None:
    message = build(htcp, entry["message"])
    assert message.encode().hex() == entry["hex"]
    assert htcp.encode(message).hex() == entry["hex"]
    assert describe(message) == entry["message"]


@pytest.mark.parametrize("entry", TABLE["decode_only"], ids=_ids(TABLE["decode_only"]))
def test_decode_only_entries(entry: dict[str, Any]) -> None:
    """Accepted like Squid accepts them; re-encoding gives Squid's canonical form."""
    data = bytes.fromhex(entry["hex"])
    message = htcp.decode(data)
    assert message == build(htcp, entry["message"])
    assert message.encode() != data
    assert htcp.decode(message.encode()) == message


@pytest.mark.parametrize("entry", ERRORS, ids=_ids(ERRORS))
def test_decode_errors_name_offset_and_reason(entry: dict[str, Any]) -> None:
    with pytest.raises(DecodeError) as caught:
        htcp.decode(bytes.fromhex(entry["hex"]))
    assert (caught.value.offset, caught.value.reason) == (entry["offset"], entry["reason"])


@pytest.mark.parametrize("entry", MESSAGES, ids=_ids(MESSAGES))
def test_every_prefix_is_an_error(entry: dict[str, Any]) -> None:
    data = bytes.fromhex(entry["hex"])
    for cut in range(len(data)):
        with pytest.raises(DecodeError):
            htcp.decode(data[:cut])


@pytest.mark.parametrize("junk", [b"\x00", b"\xff" * 9])
@pytest.mark.parametrize("entry", MESSAGES, ids=_ids(MESSAGES))
def test_trailing_junk_is_an_error(entry: dict[str, Any], junk: bytes) -> None:
    data = bytes.fromhex(entry["hex"]) + junk
    with pytest.raises(DecodeError) as caught:
        htcp.decode(data)
    assert (caught.value.offset, caught.value.reason) == (
        0, f"LENGTH says {len(data) - len(junk)} bytes but the datagram has {len(data)} "
           "(Squid drops it)")


def test_squid_dialect_bits() -> None:
    """0.1 RFC layout: OPCODE high nibble, RR 0x01, F1 0x02; 0.0 old layout: swapped nibbles,
    RR 0x80, F1 0x40 (src/htcp.cc on a little-endian build)."""
    spec = htcp.Specifier(b"GET", URL)
    new = htcp.TstRequest(trans_id=1, specifier=spec).encode()
    old = htcp.TstRequest(trans_id=1, specifier=spec, minor=0).encode()
    assert (new[2:4], new[6:8]) == (b"\x00\x01", b"\x10\x02")
    assert (old[2:4], old[6:8]) == (b"\x00\x00", b"\x01\x40")
    assert htcp.TstReply.miss(1, minor=0).encode()[6:8] == b"\x11\x80"
    assert new[-2:] == htcp.EMPTY_AUTH


def test_an_rfc_layout_tst_sent_as_0_0_reads_as_nop() -> None:
    """What Squid saw in the reference run: byte 2 = 0x10 under MINOR 0 is OPCODE 0."""
    data = bytearray(htcp.TstRequest(trans_id=1, specifier=htcp.Specifier(b"GET", URL)).encode())
    data[3] = 0
    message = htcp.decode(bytes(data))
    assert isinstance(message, htcp.NopRequest)


def test_squid_miss_and_hit_helpers() -> None:
    assert htcp.TstReply.miss(0x1234).encode().hex() == _entry("tst-miss")["hex"]
    hit = htcp.decode(bytes.fromhex(_entry("tst-hit")["hex"]))
    assert isinstance(hit, htcp.TstReply) and hit.cached and hit.detail is not None
    assert htcp.TstReply.hit(0x1234, hit.detail).encode().hex() == _entry("tst-hit")["hex"]
    assert not htcp.TstReply.miss(1).cached


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (htcp.TstRequest(trans_id=1 << 32, specifier=htcp.Specifier(b"GET", URL)),
         "TRANS-ID 4294967296 does not fit in 32 bits"),
        (htcp.TstRequest(trans_id=1, specifier=htcp.Specifier(b"GET", b"x" * 70000)),
         "URI of 70000 bytes does not fit a COUNTSTR"),
        (htcp.TstRequest(trans_id=1, minor=256, specifier=htcp.Specifier(b"GET", URL)),
         "MINOR 256 does not fit in a byte"),
        (htcp.ClrRequest(trans_id=1, specifier=htcp.Specifier(b"GET", URL), reason=16),
         "CLR REASON 16 does not fit in 4 bits"),
        (htcp.ClrReply(trans_id=1, response=16), "RESPONSE 16 does not fit in 4 bits"),
        (htcp.MonRequest(trans_id=1, time=256), "MON TIME 256 does not fit in a byte"),
        (htcp.MonReply(trans_id=1, response=0, time=1),
         "a MON reply has TIME, ACTION, REASON and IDENTITY, or none"),
        (htcp.TstReply(trans_id=1, response=1, detail=htcp.Detail(), cache_headers=b""),
         "a TST reply has a DETAIL or a CACHE-HDRS, not both"),
        (htcp.TstRequest(trans_id=1, specifier=htcp.Specifier(b"GET", b"x" * 65000,
                                                              req_headers=b"y" * 1000)),
         "a 66027-byte DATA does not fit its 16-bit LENGTH"),
        (htcp.TstReply(trans_id=1, response=1, cache_headers=b"z" * 65525),
         "a 65541-byte HTCP message does not fit its 16-bit LENGTH"),
    ],
)
def test_encode_refuses_what_cannot_be_sent(message: htcp.Message, error: str) -> None:
    with pytest.raises(EncodeError) as caught:
        message.encode()
    assert str(caught.value) == error
