"""The helper line codec: whole buffers, one byte at a time, trailing junk; replies as Squid
reads them."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from squidcarp.helper.formats import AclLayout, ExtrasLayout
from squidcarp.helper.protocol import (
    MAX_REDIRECTOR_LINE,
    QUIT,
    Channels,
    Decoder,
    Event,
    Malformed,
    Reply,
    Request,
    Result,
    encode_reply,
    encode_value,
    parse_reply,
)

EXTRAS = " 10.0.0.7/10.0.0.7 - GET myip=127.0.0.2 myport=3128"
NAMES = ("client", "client_fqdn", "user", "method", "myip", "myport")
VALUES = ("10.0.0.7", "10.0.0.7", "-", "GET", "127.0.0.2", "3128")


def req(channel: str | None, url: str, line: int) -> Request:
    """A rewriter request with the default extras above."""
    return Request(channel, url, NAMES, (), (), line, EXTRAS[1:], ExtrasLayout())
STREAM = (
    b"1 http://a.example.com/x" + EXTRAS.encode() + b"\n"
    b"2 http://b.example.com/" + EXTRAS.encode() + b"\r\n"
    b"3 \n"
    b"\n"
    b"4 garbage\n"
    b"5 http://caf\xe9/" + EXTRAS.encode() + b"\n"
    b"http://c.example.com/" + EXTRAS.encode() + b"\n"
)
EXPECTED: list[Event] = [
    req("1", "http://a.example.com/x", 1),
    req("2", "http://b.example.com/", 2),
    Malformed("3", "empty request", 3, 152),
    Malformed(None, "empty request", 4, 155),
    Malformed("4", "missing fields: expected URL and extras "
                   "'%>a/%>A %un %>rm myip=%la myport=%lp'", 5, 156),
    Malformed("5", "invalid UTF-8 at byte 12 of the line", 6, 166),
    req(None, "http://c.example.com/", 7),
]


def decode_in_pieces(data: bytes, sizes: list[int], decoder: Decoder | None = None) -> list[Event]:
    decoder = decoder or Decoder(ExtrasLayout())
    events: list[Event] = []
    i = 0
    for size in sizes:
        events += decoder.feed(data[i:i + size])
        i += size
    events += decoder.feed(data[i:])
    return events + decoder.close()


def test_whole_buffer() -> None:
    decoder = Decoder(ExtrasLayout())
    assert decoder.feed(STREAM) == EXPECTED
    assert decoder.close() == []


def test_one_byte_at_a_time() -> None:
    assert decode_in_pieces(STREAM, [1] * len(STREAM)) == EXPECTED


@given(st.lists(st.integers(min_value=0, max_value=40), max_size=30))
def test_any_chunking(sizes: list[int]) -> None:
    assert decode_in_pieces(STREAM, sizes) == EXPECTED


def test_trailing_junk_without_newline_is_answered_at_end_of_input() -> None:
    decoder = Decoder(ExtrasLayout())
    assert decoder.feed(STREAM + b"9 http://d/ junk") == EXPECTED
    assert decoder.close() == [Malformed("9", "missing fields: expected URL and extras "
                                              "'%>a/%>A %un %>rm myip=%la myport=%lp'", 8, 305)]
    assert decoder.close() == []


def test_fields_are_decoded_when_asked() -> None:
    [request] = Decoder(ExtrasLayout()).feed(
        b"http://x/ 10.0.0.7/- bob%20smith GET myip=- myport=3128\n")
    assert isinstance(request, Request)
    assert request.field("user") == "bob smith"
    assert request.field("client_fqdn") is None  # Squid wrote "-"
    assert request.field("nonesuch") is None
    assert request.raw_values() == ("10.0.0.7", "-", "bob%20smith", "GET", "-", "3128")
    assert request.fields == {"client": "10.0.0.7", "client_fqdn": None, "user": "bob smith",
                              "method": "GET", "myip": None, "myport": "3128"}


def test_quit_ends_and_is_not_a_request() -> None:
    assert Decoder(ExtrasLayout("")).feed(b"quit\n1 quit\n") == [
        QUIT, Request("1", "quit", (), (), (), 2, "", ExtrasLayout(""))]


def test_channel_modes() -> None:
    data = b"12 http://x/\nhttp://y/\n"
    bare = ExtrasLayout("")

    def plain(channel: str | None, url: str, line: int) -> Request:
        return Request(channel, url, (), (), (), line, "", bare)

    assert Decoder(bare, channels=Channels.AUTO).feed(data) == [
        plain("12", "http://x/", 1), plain(None, "http://y/", 2)]
    assert Decoder(bare, channels=Channels.ON).feed(data) == [
        plain("12", "http://x/", 1), Malformed(None, "missing channel ID", 2, 13)]
    assert Decoder(bare, channels=Channels.OFF).feed(data) == [
        plain(None, "12 http://x/", 1), plain(None, "http://y/", 2)]


def test_lines_up_to_squids_limit_are_requests_longer_ones_are_not() -> None:
    assert MAX_REDIRECTOR_LINE == 9214  # MAX_URL + 1024, less "\n" and the NUL (src/redirect.cc)
    fits = "http://x/" + "a" * (MAX_REDIRECTOR_LINE - 9 - len(EXTRAS)) + EXTRAS
    assert len(fits) == MAX_REDIRECTOR_LINE
    data = f"7 {fits}\n8 {fits}a\n".encode()
    events = Decoder(ExtrasLayout()).feed(data)
    assert [type(e) for e in events] == [Request, Malformed]
    assert events[1] == Malformed("8", "request longer than 9214 bytes", 2, 9217)


def test_overlong_line_is_not_kept_while_it_streams_in() -> None:
    decoder = Decoder(ExtrasLayout(), max_line=100)
    assert decoder.feed(b"42 http://x/" + b"z" * 500) == []
    assert len(decoder._buffer) == 0  # dropped, not buffered
    assert decoder.feed(b"z" * 500) == []
    assert decoder.feed(b"zz\n43 http://ok/" + EXTRAS.encode() + b"\n") == [
        Malformed("42", "request longer than 100 bytes", 1, 0), req("43", "http://ok/", 2)]


def test_nul_byte() -> None:
    assert Decoder(ExtrasLayout("")).feed(b"5 http://x/\x00y\n") == [
        Malformed("5", "NUL byte at byte 11 of the line", 1, 0)]


def test_external_acl_lines() -> None:
    decoder = Decoder(AclLayout("%URI %SRC"))
    assert decoder.feed(b"3 http://a/%20 10.0.0.1 owner\nhttp://b/ -\n") == [
        Request("3", "http://a/ ", ("url", "client"), ("http://a/%20", "10.0.0.1"), ("owner",),
                1),
        Malformed(None, "missing fields: expected 2 for '%URI %SRC' and the ACL arguments", 2,
                  30)]


def test_random_garbage_one_event_per_line() -> None:
    rng = random.Random(7)
    lines = [bytes(rng.randrange(256) for _ in range(rng.randrange(60))).replace(b"\n", b"")
             for _ in range(2000)]
    lines = [line for line in lines if line.rstrip(b"\r") != b"quit"]
    events = Decoder(ExtrasLayout()).feed(b"\n".join(lines) + b"\n")
    assert len(events) == len(lines)


# ---- replies ------------------------------------------------------------------------------

def test_reply_bytes() -> None:
    assert encode_reply(None, Reply(Result.ERR)) == b"ERR\n"
    assert encode_reply("17", Reply(Result.OK, (("store-id", "http://x.squid.internal/a"),))) \
        == b"17 OK store-id=http://x.squid.internal/a\n"
    assert encode_reply("3", Reply.broken('bad "line"\n here')) == (
        b'3 BH message="bad \\"line\\"\\n here"\n')
    assert encode_reply(None, Reply(Result.OK, (("a_", "100%"), ("b_", ""), ("c_", "x\\y")))) \
        == b'OK a_="100%" b_="" c_="x\\\\y"\n'


def test_reply_misuse() -> None:
    with pytest.raises(ValueError, match="reply key 'a b'"):
        encode_reply(None, Reply(Result.OK, (("a b", "x"),)))
    with pytest.raises(ValueError, match="NUL"):
        encode_value("a\x00b")


@given(st.text().filter(lambda s: "\x00" not in s))
def test_squid_reads_every_value_back(value: str) -> None:
    line = encode_reply("9", Reply(Result.OK, (("k_", value), ("next_", "1"))))
    assert line.count(b"\n") == 1 and line.endswith(b"\n")
    reply = parse_reply(line[:-1], concurrent=True)
    assert reply.channel == 9 and reply.result == "OK"
    assert reply.notes == (("k_", value.encode("utf-8", "surrogateescape")), ("next_", b"1"))


def test_parse_reply_as_squid() -> None:
    # a token longer than two bytes is %-decoded; a quoted value is not
    assert parse_reply(b"OK a=%41%42 b=%4 c=\"%41\"", False).notes == (
        ("a", b"AB"), ("b", b"%4"), ("c", b"%41"))
    # BH: what is not a pair becomes the message
    assert parse_reply(b"BH something went wrong", False).notes == (
        ("message", b"something went wrong"),)
    # a blank after "=" ends the pairs; an empty reply is ERR; unknown words are legacy text
    reply = parse_reply(b"OK a= b=1", False)
    assert (reply.result, reply.notes, reply.other) == ("OK", (), b"a= b=1")
    assert parse_reply(b"", False).result == "ERR"
    assert parse_reply(b"http://x/", False).result == "Unknown"
    assert parse_reply(b"OKAY", False).result == "Unknown"
    assert parse_reply(b"  12   ERR", True).channel == 12
    assert parse_reply(b'OK k="a\\nb\\"c\\\\"', False).note("k") == b'a\nb"c\\'
