"""The UDP runners against scripted peers on 127.0.0.1: matching, retries, DENIED, windows."""

from __future__ import annotations

import socket

import pytest

from squidcarp.proto import htcp, icp, udp
from tests.proto.fakes import FakeUdpPeer

FAST = udp.IcpOptions(timeout=0.2, retries=1)


def icp_answer(opcode: icp.Opcode) -> object:
    def answer(data: bytes, attempt: int) -> list[tuple[bytes, bool]]:
        q = icp.decode(data)
        return [(icp.Reply(opcode=opcode, reqnum=q.reqnum, url=q.url).encode(), False)]

    return answer


def test_icp_reply_must_match_address_port_and_reqnum() -> None:
    def answer(data: bytes, attempt: int) -> list[tuple[bytes, bool]]:
        q = icp.decode(data)
        good = icp.Reply(opcode=icp.Opcode.HIT, reqnum=q.reqnum, url=q.url).encode()
        wrong = icp.Reply(opcode=icp.Opcode.MISS, reqnum=q.reqnum + 1, url=q.url).encode()
        spoof = icp.Reply(opcode=icp.Opcode.MISS, reqnum=q.reqnum, url=q.url).encode()
        echo = icp.Query(reqnum=q.reqnum, url=q.url).encode()  # not an answer opcode
        return [(spoof, True), (wrong, False), (b"garbage", False), (echo, False), (good, False)]

    with FakeUdpPeer(answer) as peer, udp.IcpClient(peer.host, peer.port, FAST) as client:
        result = client.query(b"http://origin.test/a")
        assert (result.status, result.attempts, result.answered) == ("HIT", 1, True)
        assert result.reply is not None and result.reply.opcode is icp.Opcode.HIT
        assert client.ignored == 4
        (sent, _), = peer.received
        assert sent == icp.Query(reqnum=result.reqnum, url=b"http://origin.test/a").encode()
        assert result.reqnum != 0


def test_icp_retry_after_a_lost_reply_keeps_the_request_number() -> None:
    def answer(data: bytes, attempt: int) -> list[tuple[bytes, bool]]:
        if attempt == 1:
            return []
        q = icp.decode(data)
        return [(icp.Reply(opcode=icp.Opcode.MISS, reqnum=q.reqnum, url=q.url).encode(), False)]

    with FakeUdpPeer(answer) as peer, udp.IcpClient(peer.host, peer.port, FAST) as client:
        result = client.query(b"http://origin.test/b")
    assert (result.status, result.attempts) == ("MISS", 2)
    assert peer.received[0][0] == peer.received[1][0]


def test_icp_timeout() -> None:
    with FakeUdpPeer(lambda d, a: []) as peer, udp.IcpClient(
            peer.host, peer.port, udp.IcpOptions(timeout=0.1, retries=2)) as client:
        result = client.query(b"http://origin.test/c")
    assert (result.status, result.attempts, result.reply, result.rtt_ms) == (
        "TIMEOUT", 3, None, None)
    assert len(peer.received) == 3


def test_icp_stops_asking_after_max_denied() -> None:
    urls = [b"http://origin.test/%d" % i for i in range(6)]
    options = udp.IcpOptions(timeout=0.2, max_denied=2)
    with FakeUdpPeer(icp_answer(icp.Opcode.DENIED)) as peer, udp.IcpClient(
            peer.host, peer.port, options) as client:
        results = list(client.query_all(urls))
    assert [r.status for r in results] == ["DENIED", "DENIED"] + ["SKIPPED"] * 4
    assert [r.url for r in results] == urls
    assert len(peer.received) == 2 and client.denied == 2


def test_icp_window_keeps_input_order() -> None:
    urls = [b"http://origin.test/w%d" % i for i in range(40)]
    options = udp.IcpOptions(timeout=0.5, window=8)
    with FakeUdpPeer(icp_answer(icp.Opcode.MISS)) as peer, udp.IcpClient(
            peer.host, peer.port, options) as client:
        results = list(client.query_all(urls))
    assert [r.url for r in results] == urls
    assert {r.status for r in results} == {"MISS"}
    assert len({r.reqnum for r in results}) == 40


def test_icp_request_numbers_never_wrap_to_zero() -> None:
    with FakeUdpPeer(icp_answer(icp.Opcode.MISS)) as peer, udp.IcpClient(
            peer.host, peer.port, FAST) as client:
        client._next_reqnum = 0xFFFFFFFF
        first, second = client.query_all([b"http://a/", b"http://b/"])
    assert (first.reqnum, second.reqnum) == (0xFFFFFFFF, 1)


def test_icp_options_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_resolver(host: str, *args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "no such name (test)")

    monkeypatch.setattr(socket, "getaddrinfo", no_resolver)  # no DNS query leaves the machine
    with pytest.raises(udp.ProbeError, match=r"cannot resolve 'unknown\.example': no such name"):
        udp.IcpClient("unknown.example", 9)
    monkeypatch.undo()
    with pytest.raises(ValueError):
        udp.IcpClient("127.0.0.1", 9, udp.IcpOptions(window=0))
    with pytest.raises(udp.ProbeError, match=r"cannot bind to 192\.0\.2\.1"):
        udp.IcpClient("127.0.0.1", 9, udp.IcpOptions(source="192.0.2.1"))


def test_multicast_collects_every_responder_once() -> None:
    def answer(data: bytes, attempt: int) -> list[tuple[bytes, bool]]:
        q = icp.decode(data)
        hit = icp.Reply(opcode=icp.Opcode.HIT, reqnum=q.reqnum, url=q.url).encode()
        miss = icp.Reply(opcode=icp.Opcode.MISS, reqnum=q.reqnum, url=q.url).encode()
        stale = icp.Reply(opcode=icp.Opcode.MISS, reqnum=q.reqnum ^ 1, url=q.url).encode()
        return [(hit, False), (miss, True), (hit, False), (stale, True), (b"x", False)]

    with FakeUdpPeer(answer) as peer:
        result = udp.multicast_query(peer.host, peer.port, b"http://origin.test/m", ttl=0,
                                     window=0.3)
        other = peer.other.getsockname()[1]
    assert [(r.address, r.port, r.status) for r in result.responders] == sorted(
        [("127.0.0.1", peer.port, "HIT"), ("127.0.0.1", other, "MISS")], key=lambda t: t[1])
    assert (result.duplicates, result.ignored) == (1, 2)
    with pytest.raises(ValueError, match=r"multicast TTL 300 is not 0\.\.255"):
        udp.multicast_query("239.1.2.3", 1, b"u", ttl=300)


SPEC = htcp.Specifier(b"GET", b"http://origin.test/h")


def test_htcp_reply_must_match_address_port_trans_id_and_opcode() -> None:
    def answer(data: bytes, attempt: int) -> list[tuple[bytes, bool]]:
        req = htcp.decode(data)
        tid = req.trans_id
        return [
            (htcp.TstReply.miss(tid).encode(), True),  # other port
            (htcp.TstReply.miss(tid + 1).encode(), False),  # other TRANS-ID
            (htcp.ClrReply(trans_id=tid, response=0).encode(), False),  # other opcode
            (data, False),  # our own request echoed
            (htcp.TstReply.hit(tid, htcp.Detail(b"Age: 1\r\n")).encode(), False),
        ]

    with FakeUdpPeer(answer) as peer, udp.HtcpClient(
            peer.host, peer.port, udp.HtcpOptions(timeout=0.3)) as client:
        result = client.tst(SPEC)
        assert client.ignored == 4
    assert result.status == "HIT"
    assert isinstance(result.reply, htcp.TstReply) and result.reply.detail == htcp.Detail(
        b"Age: 1\r\n")
    (sent, _), = peer.received
    assert sent == htcp.TstRequest(trans_id=result.request.trans_id, specifier=SPEC).encode()


def test_htcp_clr_without_reply_and_timeouts() -> None:
    with FakeUdpPeer(lambda d, a: []) as peer, udp.HtcpClient(
            peer.host, peer.port, udp.HtcpOptions(timeout=0.1, retries=1)) as client:
        silent = client.clr(SPEC, htcp.ClrReason.ORIGIN_SAYS_GONE, reply=False)
        lost = client.clr(SPEC)
    assert (silent.status, silent.attempts) == ("SENT", 1)
    assert (lost.status, lost.attempts) == ("TIMEOUT", 2)
    first = htcp.decode(peer.received[0][0])
    assert isinstance(first, htcp.ClrRequest) and (first.rd, first.reason) == (False, 1)


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        (lambda tid: htcp.ClrReply(trans_id=tid, response=0), "REMOVED"),
        (lambda tid: htcp.ClrReply(trans_id=tid, response=1), "KEPT"),
        (lambda tid: htcp.ClrReply(trans_id=tid, response=2), "NOT_PRESENT"),
        (lambda tid: htcp.ClrReply(trans_id=tid, response=9), "RESPONSE_9"),
        (lambda tid: htcp.Refusal(trans_id=tid, opcode=htcp.Opcode.CLR, response=5), "REFUSED"),
    ],
)
def test_htcp_clr_statuses(reply: object, status: str) -> None:
    def answer(data: bytes, attempt: int) -> list[tuple[bytes, bool]]:
        return [(reply(htcp.decode(data).trans_id).encode(), False)]  # type: ignore[operator]

    with FakeUdpPeer(answer) as peer, udp.HtcpClient(
            peer.host, peer.port, udp.HtcpOptions(timeout=0.3)) as client:
        assert client.clr(SPEC).status == status
