"""ICP v2 codec: the golden table both ways, every decode error exact, prefixes and junk."""

from __future__ import annotations

from typing import Any

import pytest

from squidcarp.proto import icp
from squidcarp.proto.errors import DecodeError, EncodeError
from tests.proto.golden import build, describe, load

TABLE = load("icp.json")
MESSAGES = TABLE["messages"]
ERRORS = TABLE["errors"]


def _ids(entries: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in entries]


@pytest.mark.parametrize("entry", MESSAGES, ids=_ids(MESSAGES))
def test_golden_decode(entry: dict[str, Any]) -> None:
    assert icp.decode(bytes.fromhex(entry["hex"])) == build(icp, entry["message"])


@pytest.mark.parametrize("entry", MESSAGES, ids=_ids(MESSAGES))
def test_golden_encode(entry: dict[str, Any]) -> None:
    message = build(icp, entry["message"])
    assert message.encode().hex() == entry["hex"]
    assert icp.encode(message).hex() == entry["hex"]


@pytest.mark.parametrize("entry", MESSAGES, ids=_ids(MESSAGES))
def test_golden_describe_round_trips(entry: dict[str, Any]) -> None:
    assert describe(build(icp, entry["message"])) == entry["message"]


@pytest.mark.parametrize("entry", TABLE["decode_only"], ids=_ids(TABLE["decode_only"]))
def test_version_3_is_decoded_but_never_encoded(entry: dict[str, Any]) -> None:
    message = icp.decode(bytes.fromhex(entry["hex"]))
    assert message == build(icp, entry["message"])
    assert message.version == 3
    with pytest.raises(EncodeError, match=r"version 3 is never sent: Squid 5\.7 answers"):
        message.encode()


@pytest.mark.parametrize("entry", ERRORS, ids=_ids(ERRORS))
def test_decode_errors_name_offset_and_reason(entry: dict[str, Any]) -> None:
    with pytest.raises(DecodeError) as caught:
        icp.decode(bytes.fromhex(entry["hex"]))
    assert (caught.value.offset, caught.value.reason) == (entry["offset"], entry["reason"])
    assert str(caught.value) == f"offset {entry['offset']}: {entry['reason']}"


@pytest.mark.parametrize("entry", MESSAGES, ids=_ids(MESSAGES))
def test_every_prefix_is_an_error(entry: dict[str, Any]) -> None:
    """Fed one byte at a time, no prefix of a datagram passes for a message."""
    data = bytes.fromhex(entry["hex"])
    for cut in range(len(data)):
        with pytest.raises(DecodeError) as caught:
            icp.decode(data[:cut])
        assert caught.value.offset <= max(cut, 2)


@pytest.mark.parametrize("junk", [b"\x00", b"\xff" * 7, b"junk after the datagram"])
@pytest.mark.parametrize("entry", MESSAGES, ids=_ids(MESSAGES))
def test_trailing_junk_is_an_error(entry: dict[str, Any], junk: bytes) -> None:
    data = bytes.fromhex(entry["hex"]) + junk
    with pytest.raises(DecodeError) as caught:
        icp.decode(data)
    assert caught.value.offset == 2
    assert caught.value.reason == (f"length field says {len(data) - len(junk)} bytes but the "
                                   f"datagram has {len(data)} (Squid drops it)")


def test_opcode_numbers_are_rfc_2186s() -> None:
    assert {o.name: o.value for o in icp.Opcode} == {
        "INVALID": 0, "QUERY": 1, "HIT": 2, "MISS": 3, "ERR": 4, "SECHO": 10, "DECHO": 11,
        "MISS_NOFETCH": 21, "DENIED": 22, "HIT_OBJ": 23,
    }
    assert (icp.Flag.HIT_OBJ, icp.Flag.SRC_RTT) == (0x80000000, 0x40000000)


def test_src_rtt_is_hops_and_milliseconds() -> None:
    reply = icp.Reply(opcode=icp.Opcode.HIT, reqnum=1, url=b"u", flags=icp.Flag.SRC_RTT,
                      option_data=(3 << 16) | 250)
    assert reply.src_rtt == (3, 250)
    assert icp.Reply(opcode=icp.Opcode.HIT, reqnum=1, url=b"u", option_data=5).src_rtt is None


def test_hit_object_completeness() -> None:
    assert icp.HitObject(reqnum=1, url=b"u", object_size=2, data=b"ab").complete
    assert not icp.HitObject(reqnum=1, url=b"u", object_size=3, data=b"ab").complete


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (icp.Query(reqnum=1, url=b"http://a/\x00b"),
         "the URL has a NUL byte at 9: ICP URLs are NUL-terminated"),
        (icp.Query(reqnum=1 << 32, url=b"u"), "request number 4294967296 does not fit in 32 bits"),
        (icp.Query(reqnum=-1, url=b"u"), "request number -1 does not fit in 32 bits"),
        (icp.Query(reqnum=1, url=b"u", flags=1 << 32),
         "options 4294967296 does not fit in 32 bits"),
        (icp.Query(reqnum=1, url=b"u", version=1), "ICP version 1: only version 2 can be sent"),
        (icp.Query(reqnum=1, url=b"u", requester="1.2.3"),
         "requester address '1.2.3' is not a dotted-quad IPv4 address"),
        (icp.Reply(opcode=icp.Opcode.MISS, reqnum=1, url=b"u", sender="::1"),
         "sender address '::1' is not a dotted-quad IPv4 address"),
        (icp.Query(reqnum=1, url=b"x" * (icp.MAX_MESSAGE - 24)),
         "16385-byte ICP message: RFC 2186 allows at most 16384 (Squid reads at most 16383)"),
        (icp.Reply(opcode=icp.Opcode.QUERY, reqnum=1, url=b"u"),
         "opcode 1 is not that of a URL-only ICP message"),
        (icp.HitObject(reqnum=1, url=b"u", object_size=1, data=b"ab"),
         "2 bytes of object data for a size of 1"),
        (icp.HitObject(reqnum=1, url=b"u", object_size=70000),
         "object size 70000 does not fit in 16 bits"),
    ],
)
def test_encode_refuses_what_cannot_be_sent(message: icp.Message, error: str) -> None:
    with pytest.raises(EncodeError) as caught:
        message.encode()
    assert str(caught.value) == error


def test_largest_message_the_rfc_allows_round_trips() -> None:
    query = icp.Query(reqnum=1, url=b"x" * (icp.MAX_MESSAGE - 25))
    data = query.encode()
    assert len(data) == icp.MAX_MESSAGE
    assert icp.decode(data) == query
    with pytest.raises(DecodeError) as caught:
        icp.decode(data + b"\0")
    assert (caught.value.offset, caught.value.reason) == (
        16384, "16385 bytes: RFC 2186 allows at most 16384")


def test_unicode_digits_in_an_address_are_an_encode_error() -> None:
    """``²`` passes ``str.isdigit`` but is no digit of a dotted quad (nor one ``int()`` reads)."""
    with pytest.raises(icp.EncodeError, match="is not a dotted-quad IPv4 address"):
        icp.Query(reqnum=1, url=b"http://a/", requester="1.2.3.\u00b2").encode()
