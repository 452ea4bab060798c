"""HTCP (RFC 2756) as Squid 5.7 speaks it, sans-IO: messages in, bytes out and back.

A message is HEADER (u16 LENGTH of the whole datagram, MAJOR, MINOR), DATA (u16 LENGTH of the
DATA section, a byte with OPCODE and RESPONSE, a byte with the F1 and RR flags, a 32-bit
TRANS-ID, the opcode's OP-DATA) and AUTH (u16 LENGTH, 2 when there is no signature). Counted
strings (COUNTSTR) are a u16 length and the bytes. RR says request (0) or response (1); F1 is RD
("response desired") in a request and MO ("RESPONSE concerns the whole message") in a response.

Squid's dialect, which this codec follows:

* Squid sends version **0.1**, with the RFC's bit layout: OPCODE in the high nibble of DATA byte 2,
  RESPONSE in the low one, RR = 0x01 and F1 = 0x02 in byte 3. A MINOR of 0 makes Squid use its
  pre-3.x layout instead (``htcp=oldsquid``): RESPONSE high, OPCODE low, RR = 0x80, F1 = 0x40, and
  TRANS-ID 0 in its replies. Messages with ``minor=0`` are read and written in that layout.
* A TST miss from Squid carries RESPONSE 1 and an *empty DETAIL* (three zero-length COUNTSTRs),
  not the RFC's single CACHE-HDRS, and Squid as a querier rejects the RFC shape ("bad DETAIL"):
  :meth:`TstReply.miss` builds Squid's shape; the RFC shape is still decoded
  (:attr:`TstReply.cache_headers`).
* Squid implements only TST and CLR; NOP, MON and SET are decoded and encoded here for
  completeness, but Squid ignores them without replying.
* AUTH is never checked by Squid and may be missing; a message without one decodes as one with
  the empty 2-byte AUTH (what Squid always sends).

Decoding is as strict as Squid's receive path (src/htcp.cc ``htcpHandleMsg``): the HEADER LENGTH
must equal the datagram size, MAJOR must be 0, the DATA LENGTH must fit, the opcode must be one
of the five, and every COUNTSTR must fit inside the DATA. Bytes left in the DATA after the OP-DATA
are padding (RFC 2756 §2.7) and are ignored, as Squid ignores them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from squidcarp.proto.errors import DecodeError, EncodeError, plural

MAJOR = 0  # RFC 2756 §2.6; src/htcp.cc drops any other major version
MINOR = 1  # src/htcp.cc htcpBuildPacket: Squid sends 0.1 (0.0 selects its old layout)
OLD_MINOR = 0
HEADER_SIZE = 4  # RFC 2756 §2.6
DATA_HEADER_SIZE = 8  # RFC 2756 §2.7: LENGTH, OPCODE/RESPONSE, flags, TRANS-ID
EMPTY_AUTH = b"\x00\x02"  # RFC 2756 §2.8: LENGTH 2 = no AUTH (src/htcp.cc htcpBuildAuth)
SQUID_MAX_RECEIVE = 8191  # src/htcp.cc htcpRecv: "Receive up to 8191 bytes"
MAX_U16 = 0xFFFF
MAX_U32 = 0xFFFFFFFF
PORT = 4827  # RFC 2756 §2.4 (Squid's htcp_port default when enabled)

# RFC 2756 §2.7 bit layout of DATA byte 3; src/htcp.cc struct _htcpDataHeader
RR = 0x01
F1 = 0x02
# src/htcp.cc struct _htcpDataHeaderSquid (minor 0), as a little-endian Squid lays it out
OLD_RR = 0x80
OLD_F1 = 0x40


class Opcode(IntEnum):
    """RFC 2756 §6 opcodes (src/htcp.cc drops anything from 5 up)."""

    NOP = 0
    TST = 1
    MON = 2
    SET = 3
    CLR = 4


class Overall(IntEnum):
    """RESPONSE codes of a reply with MO=1, about the whole message (RFC 2756 §2.7)."""

    AUTH_REQUIRED = 0
    AUTH_FAILED = 1
    OPCODE_NOT_IMPLEMENTED = 2
    MAJOR_UNSUPPORTED = 3
    MINOR_UNSUPPORTED = 4
    OPCODE_REFUSED = 5


class ClrReason(IntEnum):
    """Why a CLR is sent (RFC 2756 §6.5). Squid only logs it; it sends 1 when an origin
    response invalidated the object and 0 for a PURGE (src/htcp.cc htcpClear)."""

    UNSPECIFIED = 0
    ORIGIN_SAYS_GONE = 1


class ClrResult(IntEnum):
    """CLR RESPONSE codes (RFC 2756 §6.5). Squid answers 0 or 2, never 1."""

    REMOVED = 0
    KEPT = 1
    NOT_PRESENT = 2


class MonAction(IntEnum):
    """MON reply ACTION codes (RFC 2756 §6.3)."""

    ADDED = 0
    REFRESHED = 1
    REPLACED = 2
    DELETED = 3


class MonReason(IntEnum):
    """MON reply REASON codes (RFC 2756 §6.3)."""

    OTHER = 0
    CLIENT_FETCH = 1
    UNCACHED_CLIENT_FETCH = 2
    PREFETCH = 3
    EXPIRED = 4
    PURGED = 5


# -- data types (RFC 2756 §3) ------------------------------------------------------------------


@dataclass(frozen=True)
class Specifier:
    """RFC 2756 §3.2: which request a TST or CLR is about. Squid's own queries send VERSION as
    ``"1/1"`` and empty REQ-HDRS; Squid parses the URI, so it normalises it (unlike ICP)."""

    method: bytes
    uri: bytes
    version: bytes = b"HTTP/1.1"
    req_headers: bytes = b""

    def encode(self) -> bytes:
        return b"".join(_countstr(f, what) for f, what in (
            (self.method, "METHOD"), (self.uri, "URI"), (self.version, "VERSION"),
            (self.req_headers, "REQ-HDRS")))


@dataclass(frozen=True)
class Detail:
    """RFC 2756 §3.3: what a TST hit tells about the cached response. Squid puts ``Age`` in
    RESP-HDRS, ``Expires``/``Last-Modified`` in ENTITY-HDRS and, with netdb data,
    ``Cache-to-Origin: host samples rtt-seconds hops`` in CACHE-HDRS."""

    resp_headers: bytes = b""
    entity_headers: bytes = b""
    cache_headers: bytes = b""

    def encode(self) -> bytes:
        return b"".join(_countstr(f, what) for f, what in (
            (self.resp_headers, "RESP-HDRS"), (self.entity_headers, "ENTITY-HDRS"),
            (self.cache_headers, "CACHE-HDRS")))


@dataclass(frozen=True)
class Identity:
    """RFC 2756 §3.4: a SPECIFIER and a DETAIL (MON replies, SET requests)."""

    specifier: Specifier
    detail: Detail

    def encode(self) -> bytes:
        return self.specifier.encode() + self.detail.encode()


@dataclass(frozen=True)
class Auth:
    """RFC 2756 §2.8: a signed message's AUTH (Squid never checks nor sends one)."""

    sig_time: int
    sig_expire: int
    key_name: bytes
    signature: bytes
    padding: int = 0  # unused bytes inside the AUTH LENGTH

    def encode(self) -> bytes:
        _u32("SIG-TIME", self.sig_time)
        _u32("SIG-EXPIRE", self.sig_expire)
        body = (struct.pack("!II", self.sig_time, self.sig_expire) + _countstr(self.key_name,
                "KEY-NAME") + _countstr(self.signature, "SIGNATURE") + bytes(self.padding))
        length = 2 + len(body)
        if length > MAX_U16:
            raise EncodeError(f"a {length}-byte AUTH does not fit its 16-bit LENGTH")
        return struct.pack("!H", length) + body


# -- messages ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _Message:
    trans_id: int
    minor: int = MINOR
    auth: Auth | None = None

    def _frame(self, opcode: int, response: int, f1: bool, rr: bool, op_data: bytes) -> bytes:
        _u32("TRANS-ID", self.trans_id)
        if not 0 <= self.minor <= 0xFF:
            raise EncodeError(f"MINOR {self.minor} does not fit in a byte")
        if not 0 <= response <= 15:
            raise EncodeError(f"RESPONSE {response} does not fit in 4 bits")
        data_length = DATA_HEADER_SIZE + len(op_data)
        if data_length > MAX_U16:
            raise EncodeError(f"a {data_length}-byte DATA does not fit its 16-bit LENGTH")
        if self.minor == OLD_MINOR:
            b2 = (response << 4) | opcode
            b3 = (OLD_F1 if f1 else 0) | (OLD_RR if rr else 0)
        else:
            b2 = (opcode << 4) | response
            b3 = (F1 if f1 else 0) | (RR if rr else 0)
        auth = self.auth.encode() if self.auth is not None else EMPTY_AUTH
        total = HEADER_SIZE + data_length + len(auth)
        if total > MAX_U16:
            raise EncodeError(f"a {total}-byte HTCP message does not fit its 16-bit LENGTH")
        return (struct.pack("!HBBHBBI", total, MAJOR, self.minor, data_length, b2, b3,
                            self.trans_id) + op_data + auth)


@dataclass(frozen=True, kw_only=True)
class NopRequest(_Message):
    """NOP: an HTCP ping (RFC 2756 §6.1). Squid ignores it."""

    rd: bool = True

    def encode(self) -> bytes:
        return self._frame(Opcode.NOP, 0, self.rd, False, b"")


@dataclass(frozen=True, kw_only=True)
class NopReply(_Message):
    response: int = 0

    def encode(self) -> bytes:
        return self._frame(Opcode.NOP, self.response, False, True, b"")


@dataclass(frozen=True, kw_only=True)
class TstRequest(_Message):
    """TST: is this entity cached? (RFC 2756 §6.2). Squid ignores one with RD=0, and one it
    may not answer (``htcp_access``) gets no reply at all."""

    specifier: Specifier
    rd: bool = True

    def encode(self) -> bytes:
        return self._frame(Opcode.TST, 0, self.rd, False, self.specifier.encode())


@dataclass(frozen=True, kw_only=True)
class TstReply(_Message):
    """A TST answer: RESPONSE 0 = cached (with a DETAIL), 1 = not cached.

    Squid's miss has ``detail=Detail()`` (three empty COUNTSTRs); the RFC's has
    ``cache_headers`` (one COUNTSTR); ``detail=None, cache_headers=None`` is a reply with no
    OP-DATA at all.
    """

    response: int
    detail: Detail | None = None
    cache_headers: bytes | None = None

    @property
    def cached(self) -> bool:
        return self.response == 0  # src/htcp.cc: hit = RESPONSE ? 0 : 1

    @classmethod
    def hit(cls, trans_id: int, detail: Detail, minor: int = MINOR) -> TstReply:
        return cls(trans_id=trans_id, response=0, detail=detail, minor=minor)

    @classmethod
    def miss(cls, trans_id: int, minor: int = MINOR) -> TstReply:
        """The miss as Squid sends (and, as a querier, requires) it."""
        return cls(trans_id=trans_id, response=1, detail=Detail(), minor=minor)

    def encode(self) -> bytes:
        if self.detail is not None and self.cache_headers is not None:
            raise EncodeError("a TST reply has a DETAIL or a CACHE-HDRS, not both")
        if self.detail is not None:
            op_data = self.detail.encode()
        elif self.cache_headers is not None:
            op_data = _countstr(self.cache_headers, "CACHE-HDRS")
        else:
            op_data = b""
        return self._frame(Opcode.TST, self.response, False, True, op_data)


@dataclass(frozen=True, kw_only=True)
class MonRequest(_Message):
    """MON: report store activity for ``time`` seconds (RFC 2756 §6.3). Squid ignores it."""

    time: int
    rd: bool = True

    def encode(self) -> bytes:
        if not 0 <= self.time <= 0xFF:
            raise EncodeError(f"MON TIME {self.time} does not fit in a byte")
        return self._frame(Opcode.MON, 0, self.rd, False, bytes([self.time]))


@dataclass(frozen=True, kw_only=True)
class MonReply(_Message):
    """A MON answer: RESPONSE 0 with TIME, ACTION, REASON and the IDENTITY; 1 = refused."""

    response: int
    time: int | None = None
    action: int | None = None
    reason: int | None = None
    identity: Identity | None = None

    def encode(self) -> bytes:
        parts = (self.time, self.action, self.reason, self.identity)
        if all(p is None for p in parts):
            return self._frame(Opcode.MON, self.response, False, True, b"")
        if self.time is None or self.action is None or self.reason is None or (
                self.identity is None):
            raise EncodeError("a MON reply has TIME, ACTION, REASON and IDENTITY, or none")
        if not (0 <= self.time <= 0xFF and 0 <= self.action <= 15 and 0 <= self.reason <= 15):
            raise EncodeError("MON TIME is a byte, ACTION and REASON 4 bits each")
        op_data = bytes([self.time, (self.action << 4) | self.reason]) + self.identity.encode()
        return self._frame(Opcode.MON, self.response, False, True, op_data)


@dataclass(frozen=True, kw_only=True)
class SetRequest(_Message):
    """SET: push an object's IDENTITY (RFC 2756 §6.4). Squid ignores it."""

    identity: Identity
    rd: bool = True

    def encode(self) -> bytes:
        return self._frame(Opcode.SET, 0, self.rd, False, self.identity.encode())


@dataclass(frozen=True, kw_only=True)
class SetReply(_Message):
    response: int = 0

    def encode(self) -> bytes:
        return self._frame(Opcode.SET, self.response, False, True, b"")


@dataclass(frozen=True, kw_only=True)
class ClrRequest(_Message):
    """CLR: forget this entity (RFC 2756 §6.5). Squid obeys only senders ``htcp_clr_access``
    allows (no reply otherwise); RD=0 purges silently."""

    specifier: Specifier
    reason: int = ClrReason.UNSPECIFIED
    rd: bool = True

    def encode(self) -> bytes:
        if not 0 <= self.reason <= 15:
            raise EncodeError(f"CLR REASON {self.reason} does not fit in 4 bits")
        op_data = struct.pack("!H", self.reason) + self.specifier.encode()
        return self._frame(Opcode.CLR, 0, self.rd, False, op_data)


@dataclass(frozen=True, kw_only=True)
class ClrReply(_Message):
    """A CLR answer: see :class:`ClrResult`."""

    response: int

    def encode(self) -> bytes:
        return self._frame(Opcode.CLR, self.response, False, True, b"")


@dataclass(frozen=True, kw_only=True)
class Refusal(_Message):
    """A reply with MO=1: RESPONSE (:class:`Overall`) is about the whole message, no OP-DATA."""

    opcode: Opcode
    response: int

    def encode(self) -> bytes:
        return self._frame(self.opcode, self.response, True, True, b"")


Request = NopRequest | TstRequest | MonRequest | SetRequest | ClrRequest
Reply = NopReply | TstReply | MonReply | SetReply | ClrReply | Refusal
Message = Request | Reply
REQUEST_TYPES = (NopRequest, TstRequest, MonRequest, SetRequest, ClrRequest)
REPLY_TYPES = (NopReply, TstReply, MonReply, SetReply, ClrReply, Refusal)
_OPCODES: dict[type, Opcode] = {
    NopRequest: Opcode.NOP, NopReply: Opcode.NOP, TstRequest: Opcode.TST, TstReply: Opcode.TST,
    MonRequest: Opcode.MON, MonReply: Opcode.MON, SetRequest: Opcode.SET, SetReply: Opcode.SET,
    ClrRequest: Opcode.CLR, ClrReply: Opcode.CLR,
}


def opcode_of(message: Message) -> Opcode:
    """The OPCODE a message carries."""
    if isinstance(message, Refusal):
        return message.opcode
    return _OPCODES[type(message)]


def encode(message: Message) -> bytes:
    """The datagram for ``message`` (raises :class:`EncodeError` if it cannot be sent)."""
    return message.encode()


# -- decoding ----------------------------------------------------------------------------------


def _u32(name: str, value: int) -> None:
    if not 0 <= value <= MAX_U32:
        raise EncodeError(f"{name} {value} does not fit in 32 bits")


def _countstr(text: bytes, what: str) -> bytes:
    if len(text) > MAX_U16:
        raise EncodeError(f"{what} of {len(text)} bytes does not fit a COUNTSTR")
    return struct.pack("!H", len(text)) + text


class _Reader:
    """COUNTSTRs and small integers out of ``data[pos:end]``, with offsets into the datagram."""

    def __init__(self, data: bytes, pos: int, end: int) -> None:
        self.data = data
        self.pos = pos
        self.end = end

    def left(self) -> int:
        return self.end - self.pos

    def byte(self, what: str) -> int:
        if self.pos >= self.end:
            raise DecodeError(self.pos, f"{what}: the DATA ends here")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def u16(self, what: str) -> int:
        if self.end - self.pos < 2:
            raise DecodeError(self.pos, f"{what}: no room for its 16-bit length in the DATA")
        (value,) = struct.unpack_from("!H", self.data, self.pos)
        self.pos += 2
        return int(value)

    def countstr(self, what: str) -> bytes:
        start = self.pos
        length = self.u16(what)
        if length > self.end - self.pos:
            raise DecodeError(start, f"{what}: COUNTSTR of {length} bytes but only "
                                     f"{self.end - self.pos} left in the DATA")
        text = self.data[self.pos : self.pos + length]
        self.pos += length
        return text

    def specifier(self) -> Specifier:
        return Specifier(self.countstr("METHOD"), self.countstr("URI"),
                         self.countstr("VERSION"), self.countstr("REQ-HDRS"))

    def detail(self) -> Detail:
        return Detail(self.countstr("RESP-HDRS"), self.countstr("ENTITY-HDRS"),
                      self.countstr("CACHE-HDRS"))

    def identity(self) -> Identity:
        return Identity(self.specifier(), self.detail())


def _auth(data: bytes, start: int) -> Auth | None:
    size = len(data)
    if start == size:
        return None  # no AUTH at all: Squid does not mind
    if size - start < 2:
        raise DecodeError(start, "a 1-byte AUTH: no room for its 16-bit LENGTH")
    (length,) = struct.unpack_from("!H", data, start)
    if length != size - start:
        raise DecodeError(start, f"AUTH LENGTH says {length} bytes but {size - start} are left")
    if length == 2:
        return None
    reader = _Reader(data, start + 2, size)
    if reader.left() < 8:
        raise DecodeError(start + 2, "AUTH: no room for SIG-TIME and SIG-EXPIRE")
    sig_time, sig_expire = struct.unpack_from("!II", data, start + 2)
    reader.pos += 8
    key_name = reader.countstr("KEY-NAME")
    signature = reader.countstr("SIGNATURE")
    return Auth(sig_time, sig_expire, key_name, signature, padding=reader.left())


def decode(data: bytes) -> Message:
    """The message in one HTCP datagram; :class:`DecodeError` if Squid would not take it."""
    size = len(data)
    if size < HEADER_SIZE:
        raise DecodeError(size, f"{plural(size, 'byte')}: shorter than the {HEADER_SIZE}-byte "
                                "HTCP header")
    length, major, minor = struct.unpack_from("!HBB", data)
    if length != size:
        raise DecodeError(0, f"LENGTH says {length} bytes but the datagram has {size} (Squid "
                             "drops it)")
    if major != MAJOR:
        raise DecodeError(2, f"MAJOR version {major}: Squid speaks only HTCP/0.x")
    if size - HEADER_SIZE < DATA_HEADER_SIZE:
        raise DecodeError(size, f"no room for the {DATA_HEADER_SIZE}-byte DATA header")
    data_length, b2, b3, trans_id = struct.unpack_from("!HBBI", data, HEADER_SIZE)
    if minor == OLD_MINOR:
        opcode_value, response = b2 & 0x0F, b2 >> 4
        f1, rr = bool(b3 & OLD_F1), bool(b3 & OLD_RR)
    else:
        opcode_value, response = b2 >> 4, b2 & 0x0F
        f1, rr = bool(b3 & F1), bool(b3 & RR)
    if data_length < DATA_HEADER_SIZE:
        raise DecodeError(HEADER_SIZE, f"DATA LENGTH {data_length} is shorter than the DATA "
                                       "header")
    data_end = HEADER_SIZE + data_length
    if data_end > size:
        raise DecodeError(HEADER_SIZE, f"DATA LENGTH {data_length} runs past the end of the "
                                       f"datagram ({size - HEADER_SIZE} bytes after the HEADER)")
    if opcode_value > Opcode.CLR:
        raise DecodeError(HEADER_SIZE + 2, f"opcode {opcode_value} is not an HTCP opcode "
                                           "(Squid drops it)")
    opcode = Opcode(opcode_value)
    auth = _auth(data, data_end)
    reader = _Reader(data, HEADER_SIZE + DATA_HEADER_SIZE, data_end)
    if not rr:
        return _request(opcode, f1, reader, trans_id, minor, auth)
    if f1:
        return Refusal(opcode=opcode, response=response, trans_id=trans_id, minor=minor,
                       auth=auth)
    return _reply(opcode, response, reader, trans_id, minor, auth)


def _request(opcode: Opcode, rd: bool, r: _Reader, trans_id: int, minor: int,
             auth: Auth | None) -> Request:
    if opcode is Opcode.NOP:
        return NopRequest(trans_id=trans_id, minor=minor, auth=auth, rd=rd)
    if opcode is Opcode.TST:
        if not r.left():
            raise DecodeError(r.pos, "TST request without a SPECIFIER (Squid ignores it)")
        return TstRequest(trans_id=trans_id, minor=minor, auth=auth, rd=rd,
                          specifier=r.specifier())
    if opcode is Opcode.MON:
        return MonRequest(trans_id=trans_id, minor=minor, auth=auth, rd=rd,
                          time=r.byte("MON TIME"))
    if opcode is Opcode.SET:
        return SetRequest(trans_id=trans_id, minor=minor, auth=auth, rd=rd,
                          identity=r.identity())
    reason = r.u16("CLR REASON") & 0x0F
    if not r.left():
        raise DecodeError(r.pos, "CLR request without a SPECIFIER (Squid ignores it)")
    return ClrRequest(trans_id=trans_id, minor=minor, auth=auth, rd=rd, reason=reason,
                      specifier=r.specifier())


def _reply(opcode: Opcode, response: int, r: _Reader, trans_id: int, minor: int,
           auth: Auth | None) -> Reply:
    if opcode is Opcode.NOP:
        return NopReply(trans_id=trans_id, minor=minor, auth=auth, response=response)
    if opcode is Opcode.TST:
        return _tst_reply(response, r, trans_id, minor, auth)
    if opcode is Opcode.MON:
        if response != 0 or not r.left():
            return MonReply(trans_id=trans_id, minor=minor, auth=auth, response=response)
        time = r.byte("MON TIME")
        packed = r.byte("MON ACTION/REASON")
        return MonReply(trans_id=trans_id, minor=minor, auth=auth, response=response,
                        time=time, action=packed >> 4, reason=packed & 0x0F,
                        identity=r.identity())
    if opcode is Opcode.SET:
        return SetReply(trans_id=trans_id, minor=minor, auth=auth, response=response)
    return ClrReply(trans_id=trans_id, minor=minor, auth=auth, response=response)


def _tst_reply(response: int, r: _Reader, trans_id: int, minor: int,
               auth: Auth | None) -> TstReply:
    if not r.left():
        if response == 0:
            raise DecodeError(r.pos, "TST hit without a DETAIL")
        return TstReply(trans_id=trans_id, minor=minor, auth=auth, response=response)
    if response != 0 and r.left() >= 2:
        (first,) = struct.unpack_from("!H", r.data, r.pos)
        if first == r.left() - 2:  # one COUNTSTR filling the OP-DATA: the RFC's miss
            return TstReply(trans_id=trans_id, minor=minor, auth=auth, response=response,
                            cache_headers=r.countstr("CACHE-HDRS"))
    return TstReply(trans_id=trans_id, minor=minor, auth=auth, response=response,
                    detail=r.detail())

