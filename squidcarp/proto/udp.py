"""Thin UDP runners over the ICP and HTCP codecs: send queries, match replies, time out, retry.

A reply counts only if it comes from the address **and** port the query went to and carries
the query's request number (ICP) or TRANS-ID (HTCP); everything else arriving on the socket is
counted as ignored (RFC 2187 and Squid's own querier do the same: UDP sources are spoofable).

ICP request numbers start at a random value and never take the value 0: one reply with request
number 0 makes Squid stop matching replies by private keys, for good (src/icp_v2.cc
``icp_common_t::handleReply``).

A querier must not keep asking a Squid that answers DENIED: once 95 % of its replies to an
address since the last cut-off are DENIED (counting at least 150), Squid sends that address
nothing for an hour (src/client_db.cc ``clientdbCutoffDenied``). :class:`IcpClient` stops after
``max_denied`` DENIEDs and reports the URLs it did not ask as skipped.
"""

from __future__ import annotations

import os
import select
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from squidcarp.proto import htcp, icp
from squidcarp.proto.errors import DecodeError

ICP_PORT = 3130  # src/cf.data.pre icp_port (the usual value; Squid's default is 0 = off)
HTCP_PORT = htcp.PORT  # 4827
MAX_DATAGRAM = 65535

# Statuses of an ICP probe: the reply's opcode name, or one of these.
TIMEOUT = "TIMEOUT"
SKIPPED = "SKIPPED"
ANSWERED = frozenset({"HIT", "MISS", "MISS_NOFETCH", "HIT_OBJ"})  # Squid took the query


class ProbeError(OSError):
    """The probe could not run at all (bad address, cannot bind or send)."""


@dataclass(frozen=True)
class Target:
    """A resolved UDP destination."""

    family: int
    address: str
    port: int

    def sockaddr(self) -> tuple[str, int] | tuple[str, int, int, int]:
        if self.family == socket.AF_INET6:
            return self.address, self.port, 0, 0
        return self.address, self.port

    def __str__(self) -> str:
        if self.family == socket.AF_INET6:
            return f"[{self.address}]:{self.port}"
        return f"{self.address}:{self.port}"


def resolve(host: str, port: int) -> Target:
    """``host`` (a name, IPv4 or IPv6 literal) as one UDP target."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except socket.gaierror as exc:
        raise ProbeError(f"cannot resolve {host!r}: {exc.strerror}") from None
    family, _, _, _, sockaddr = infos[0]
    return Target(family, str(sockaddr[0]), int(sockaddr[1]))


def _open_socket(target: Target, source: str | None) -> socket.socket:
    sock = socket.socket(target.family, socket.SOCK_DGRAM)
    try:
        if source is not None:
            sock.bind((source, 0))
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise ProbeError(f"cannot bind to {source}: {exc.strerror}") from None
    return sock


def _same_source(target: Target, peer: tuple[object, ...]) -> bool:
    address = str(peer[0])
    if target.family == socket.AF_INET6 and address.startswith("::ffff:"):
        address = address[7:]
    return address == target.address and int(str(peer[1])) == target.port


def _first_reqnum() -> int:
    return int.from_bytes(os.urandom(4), "big") % 0x7FFFFFFF + 1


# -- ICP -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IcpOptions:
    """How an ICP probe behaves (one object, not a pile of flags)."""

    timeout: float = 2.0  # seconds per attempt (Squid's maximum_icp_query_timeout is 2 s)
    retries: int = 1  # extra attempts after a timeout, same request number
    max_denied: int = 3  # stop asking after this many DENIEDs
    window: int = 1  # queries outstanding at once
    source: str | None = None  # local address to send from
    flags: int = 0  # e.g. icp.Flag.SRC_RTT


@dataclass(frozen=True)
class IcpResult:
    """What became of one URL's query."""

    url: bytes
    status: str  # HIT, MISS, MISS_NOFETCH, DENIED, ERR, HIT_OBJ, TIMEOUT or SKIPPED
    reqnum: int
    attempts: int
    rtt_ms: float | None = None  # from the last send before the reply
    reply: icp.Message | None = None

    @property
    def answered(self) -> bool:
        return self.status in ANSWERED


@dataclass
class _Pending:
    index: int
    url: bytes
    reqnum: int
    attempts: int = 0
    sent_at: float = 0.0


class IcpClient:
    """Queries one ICP peer. Use as a context manager (it owns a UDP socket)."""

    def __init__(self, host: str, port: int = ICP_PORT, options: IcpOptions | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.options = options or IcpOptions()
        if self.options.window < 1 or self.options.retries < 0 or self.options.timeout <= 0:
            raise ValueError("window >= 1, retries >= 0 and a positive timeout are needed")
        self.target = resolve(host, port)
        self._sock = _open_socket(self.target, self.options.source)
        self._clock = clock
        self._next_reqnum = _first_reqnum()
        self.ignored = 0  # datagrams that were not a reply to an outstanding query
        self.denied = 0

    def __enter__(self) -> IcpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._sock.close()

    def _reqnum(self) -> int:
        reqnum = self._next_reqnum
        self._next_reqnum = reqnum + 1 if reqnum < 0xFFFFFFFF else 1
        return reqnum

    def _send(self, p: _Pending) -> None:
        data = icp.Query(reqnum=p.reqnum, url=p.url, flags=self.options.flags).encode()
        try:
            self._sock.sendto(data, self.target.sockaddr())
        except OSError as exc:
            raise ProbeError(f"cannot send to {self.target}: {exc.strerror}") from None
        p.attempts += 1
        p.sent_at = self._clock()

    def query(self, url: bytes) -> IcpResult:
        """One URL (exactly these bytes)."""
        return next(iter(self.query_all([url])))

    def query_all(self, urls: Iterable[bytes]) -> Iterator[IcpResult]:
        """Results in the order of ``urls``, each as soon as it and those before it are done."""
        todo = list(urls)
        done: dict[int, IcpResult] = {}
        outstanding: dict[int, _Pending] = {}
        next_index = 0
        emit = 0
        while emit < len(todo):
            stop = self.denied >= self.options.max_denied
            while not stop and next_index < len(todo) and len(outstanding) < self.options.window:
                p = _Pending(next_index, todo[next_index], self._reqnum())
                self._send(p)
                outstanding[p.reqnum] = p
                next_index += 1
            if stop:
                for i in range(next_index, len(todo)):
                    done[i] = IcpResult(todo[i], SKIPPED, 0, 0)
                next_index = len(todo)
            if outstanding:
                self._wait(outstanding, done)
            while emit in done:
                yield done.pop(emit)
                emit += 1

    def _wait(self, outstanding: dict[int, _Pending], done: dict[int, IcpResult]) -> None:
        # ``outstanding`` is in the order of the last send, so its first entry times out first.
        first = next(iter(outstanding.values()))
        wait = first.sent_at + self.options.timeout - self._clock()
        readable, _, _ = select.select([self._sock], [], [], max(0.0, wait))
        if readable:
            self._receive(outstanding, done)
        now = self._clock()
        while outstanding:
            p = next(iter(outstanding.values()))
            if now < p.sent_at + self.options.timeout:
                break
            del outstanding[p.reqnum]
            if p.attempts <= self.options.retries:
                self._send(p)
                outstanding[p.reqnum] = p  # to the end: sent last
            else:
                done[p.index] = IcpResult(p.url, TIMEOUT, p.reqnum, p.attempts)

    def _receive(self, outstanding: dict[int, _Pending], done: dict[int, IcpResult]) -> None:
        target = self.target
        while True:
            try:
                data, peer = self._sock.recvfrom(MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # e.g. ECONNREFUSED from an ICMP port unreachable: keep waiting
                return
            arrived = self._clock()
            if not _same_source(target, peer):
                self.ignored += 1
                continue
            try:
                message = icp.decode(data)
            except DecodeError:
                self.ignored += 1
                continue
            p = outstanding.get(message.reqnum)
            if p is None or message.opcode not in icp.ANSWERS:
                self.ignored += 1
                continue
            del outstanding[p.reqnum]
            if message.opcode is icp.Opcode.DENIED:
                self.denied += 1
            done[p.index] = IcpResult(p.url, message.opcode.name, p.reqnum, p.attempts,
                                      round((arrived - p.sent_at) * 1000.0, 3), message)


# -- multicast ICP -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Responder:
    """One member's reply to a multicast query."""

    address: str
    port: int
    status: str
    rtt_ms: float
    reply: icp.Message


@dataclass(frozen=True)
class MulticastResult:
    url: bytes
    group: str
    port: int
    reqnum: int
    responders: tuple[Responder, ...]
    ignored: int  # datagrams that were not replies to this query
    duplicates: int  # further replies from a member already listed


def multicast_query(group: str, port: int, url: bytes, *, ttl: int = 1, window: float = 2.0,
                    source: str | None = None, flags: int = 0,
                    clock: Callable[[], float] = time.monotonic) -> MulticastResult:
    """Send one QUERY to ``group:port`` and collect every reply that comes back within
    ``window`` seconds, like Squid's ``mcast_icp_query_timeout`` (default 2 s).

    Members reply by unicast from their own addresses, so replies from any address count, but
    only with this query's request number. ``ttl`` is the IP multicast TTL (Squid's
    ``cache_peer ... multicast ttl=``; 0 keeps the query on this host, 1 on the local link).
    ``source`` picks the address (and so the interface) to send from.
    """
    if not 0 <= ttl <= 255:
        raise ValueError(f"multicast TTL {ttl} is not 0..255")
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    except OSError as exc:
        raise ProbeError(f"cannot open a UDP socket: {exc.strerror}") from None
    with sock:
        try:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
            if source is not None:
                sock.bind((source, 0))
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                                socket.inet_aton(source))
            reqnum = _first_reqnum()
            sock.sendto(icp.Query(reqnum=reqnum, url=url, flags=flags).encode(), (group, port))
        except OSError as exc:
            raise ProbeError(f"cannot send to {group}:{port}: {exc.strerror}") from None
        sent = clock()
        responders: dict[tuple[str, int], Responder] = {}
        ignored = duplicates = 0
        while True:
            left = sent + window - clock()
            if left <= 0:
                break
            readable, _, _ = select.select([sock], [], [], left)
            if not readable:
                break
            try:
                data, peer = sock.recvfrom(MAX_DATAGRAM)
            except OSError:
                continue
            arrived = clock()
            try:
                message = icp.decode(data)
            except DecodeError:
                ignored += 1
                continue
            if message.reqnum != reqnum or message.opcode not in icp.ANSWERS:
                ignored += 1
                continue
            key = (str(peer[0]), int(peer[1]))
            if key in responders:
                duplicates += 1
                continue
            responders[key] = Responder(key[0], key[1], message.opcode.name,
                                        round((arrived - sent) * 1000.0, 3), message)
    listed = tuple(sorted(responders.values(), key=lambda r: (_ipv4_order(r.address), r.port)))
    return MulticastResult(url, group, port, reqnum, listed, ignored, duplicates)


def _ipv4_order(address: str) -> tuple[int, ...]:
    try:
        return tuple(socket.inet_aton(address))
    except OSError:
        return (256,)


# -- HTCP ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HtcpOptions:
    timeout: float = 2.0
    retries: int = 1  # extra attempts with the same TRANS-ID after a timeout
    source: str | None = None


@dataclass(frozen=True)
class HtcpResult:
    """A TST or CLR exchange: the reply (None after a timeout or when none was asked for)."""

    request: htcp.Request
    reply: htcp.Reply | None
    attempts: int
    rtt_ms: float | None = None

    @property
    def status(self) -> str:
        """HIT/MISS for TST, REMOVED/KEPT/NOT_PRESENT for CLR, REFUSED (MO=1), SENT (no reply
        wanted) or TIMEOUT."""
        reply = self.reply
        if reply is None:
            return "SENT" if not self.request.rd else TIMEOUT
        if isinstance(reply, htcp.Refusal):
            return "REFUSED"
        if isinstance(reply, htcp.TstReply):
            return "HIT" if reply.cached else "MISS"
        if isinstance(reply, htcp.ClrReply):
            try:
                return htcp.ClrResult(reply.response).name
            except ValueError:
                return f"RESPONSE_{reply.response}"
        return f"RESPONSE_{reply.response}"


class HtcpClient:
    """Sends HTCP requests to one peer. Use as a context manager."""

    def __init__(self, host: str, port: int = HTCP_PORT, options: HtcpOptions | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.options = options or HtcpOptions()
        if self.options.retries < 0 or self.options.timeout <= 0:
            raise ValueError("retries >= 0 and a positive timeout are needed")
        self.target = resolve(host, port)
        self._sock = _open_socket(self.target, self.options.source)
        self._clock = clock
        self._next_id = _first_reqnum()
        self.ignored = 0

    def __enter__(self) -> HtcpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._sock.close()

    def trans_id(self) -> int:
        tid = self._next_id
        self._next_id = tid + 1 if tid < 0xFFFFFFFF else 1
        return tid

    def tst(self, specifier: htcp.Specifier) -> HtcpResult:
        return self.exchange(htcp.TstRequest(trans_id=self.trans_id(), specifier=specifier))

    def clr(self, specifier: htcp.Specifier, reason: int = htcp.ClrReason.UNSPECIFIED,
            reply: bool = True) -> HtcpResult:
        return self.exchange(htcp.ClrRequest(trans_id=self.trans_id(), specifier=specifier,
                                             reason=reason, rd=reply))

    def exchange(self, request: htcp.Request) -> HtcpResult:
        """Send ``request``; with RD set, wait for the reply with its TRANS-ID and opcode."""
        data = request.encode()
        wanted = request.rd
        opcode = htcp.opcode_of(request)
        attempts = 0
        while attempts <= (self.options.retries if wanted else 0):
            try:
                self._sock.sendto(data, self.target.sockaddr())
            except OSError as exc:
                raise ProbeError(f"cannot send to {self.target}: {exc.strerror}") from None
            attempts += 1
            sent = self._clock()
            if not wanted:
                return HtcpResult(request, None, attempts)
            reply = self._await(request.trans_id, opcode, sent + self.options.timeout)
            if reply is not None:
                message, arrived = reply
                return HtcpResult(request, message, attempts, round((arrived - sent) * 1000, 3))
        return HtcpResult(request, None, attempts)

    def _await(self, trans_id: int, opcode: htcp.Opcode,
               deadline: float) -> tuple[htcp.Reply, float] | None:
        while True:
            left = deadline - self._clock()
            if left <= 0:
                return None
            readable, _, _ = select.select([self._sock], [], [], left)
            if not readable:
                return None
            try:
                data, peer = self._sock.recvfrom(MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                continue
            arrived = self._clock()
            if not _same_source(self.target, peer):
                self.ignored += 1
                continue
            try:
                message = htcp.decode(data)
            except DecodeError:
                self.ignored += 1
                continue
            if (not isinstance(message, htcp.REPLY_TYPES) or message.trans_id != trans_id
                    or htcp.opcode_of(message) != opcode):
                self.ignored += 1
                continue
            return message, arrived
