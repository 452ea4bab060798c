"""ICP version 2 (RFC 2186) as Squid 5.7 speaks it, sans-IO: messages in, bytes out and back.

Every message is a 20-byte header (opcode, version, length, request number, options, option
data, sender host address; multi-byte fields big-endian) and a payload:

* ``QUERY``: the requester's IPv4 address (Squid sends 0 and never reads it), then the URL and a
  NUL byte: :class:`Query`;
* ``HIT``, ``MISS``, ``ERR``, ``MISS_NOFETCH``, ``DENIED``, ``SECHO``, ``DECHO``: the URL and a NUL
  byte: :class:`Reply`;
* ``HIT_OBJ``: the URL, a NUL byte, a 16-bit object size (unaligned) and the object:
  :class:`HitObject`.

URLs are bytes, exactly as on the wire: Squid looks an ICP URL up by the MD5 of the string as
received, with no normalisation at all (``HTTP://Host/`` misses where ``http://host/`` hits), so
the codec never changes them.

Decoding follows what Squid accepts (src/icp_v2.cc ``icpHandleUdp`` and ``icpHandleIcpV2``): the
length field must equal the datagram's size, the version must be 2 or 3, the opcode one of
RFC 2186's, the URL NUL-terminated with nothing after it (the Debian build answers ERR to a
query breaking that rule). Anything else is a :class:`~squidcarp.proto.errors.DecodeError` naming
the offset. Encoding refuses version 3: Squid 5.7 answers a version-3 QUERY and then crashes
(a use-after-free, upstream #2377), so squidcarp never sends one.

    >>> q = Query(reqnum=7, url=b"http://origin.test/")
    >>> decode(q.encode()) == q
    True
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum, IntFlag

from squidcarp.libc import is_digits
from squidcarp.proto.errors import DecodeError, EncodeError, plural

VERSION = 2  # RFC 2186 §1; src/defines.h ICP_VERSION_CURRENT
VERSION_3 = 3  # src/defines.h ICP_VERSION_3: accepted by Squid, never sent by squidcarp
HEADER = struct.Struct("!BBHIIII")  # RFC 2186 §1: opcode, version, length, reqnum, ...
HEADER_SIZE = HEADER.size  # 20
MAX_MESSAGE = 16384  # RFC 2186 §1: "ICP messages MUST not exceed 16,384 octets"
SQUID_MAX_RECEIVE = 16383  # src/icp_v2.cc: recvfrom(SQUID_UDP_SO_RCVBUF - 1), include/squid.h
MAX_URL = 8192  # src/defines.h: Squid answers ERR to longer URLs
MAX_U32 = 0xFFFFFFFF


class Opcode(IntEnum):
    """ICP opcodes with their RFC 2186 §2 numbers (5-9 and 12-20 are unused)."""

    INVALID = 0
    QUERY = 1
    HIT = 2
    MISS = 3
    ERR = 4
    SECHO = 10
    DECHO = 11
    MISS_NOFETCH = 21
    DENIED = 22
    HIT_OBJ = 23


class Flag(IntFlag):
    """Option flags, RFC 2186 §3 (src/defines.h ICP_FLAG_*)."""

    HIT_OBJ = 0x80000000
    SRC_RTT = 0x40000000


# RFC 2186 §2: the answers a QUERY may get.
ANSWERS = frozenset({Opcode.HIT, Opcode.MISS, Opcode.ERR, Opcode.MISS_NOFETCH, Opcode.DENIED,
                     Opcode.HIT_OBJ})
# Opcodes whose payload is just the NUL-terminated URL.
URL_ONLY = frozenset({Opcode.HIT, Opcode.MISS, Opcode.ERR, Opcode.MISS_NOFETCH, Opcode.DENIED,
                      Opcode.SECHO, Opcode.DECHO})


def _u32(name: str, value: int) -> None:
    if not 0 <= value <= MAX_U32:
        raise EncodeError(f"{name} {value} does not fit in 32 bits")


_ZERO_ADDRESS = "0.0.0.0"  # RFC 2186 §1-2: all zero = unspecified (what Squid sends)
_ADDRESS_BYTES: dict[str, bytes] = {_ZERO_ADDRESS: bytes(4)}


def _address_bytes(name: str, text: str) -> bytes:
    cached = _ADDRESS_BYTES.get(text)
    if cached is not None:
        return cached
    parts = text.split(".")
    if len(parts) != 4 or not all(is_digits(p) and len(p) <= 3 and int(p) <= 255 for p in parts):
        raise EncodeError(f"{name} {text!r} is not a dotted-quad IPv4 address")
    raw = bytes(int(p) for p in parts)
    if len(_ADDRESS_BYTES) < 256:
        _ADDRESS_BYTES[text] = raw
    return raw


def _address_text(raw: bytes) -> str:
    return _ZERO_ADDRESS if raw == b"\0\0\0\0" else ".".join(str(b) for b in raw)


@dataclass(frozen=True, kw_only=True)
class _Common:
    """Header fields every message has (all fields are keyword-only)."""

    reqnum: int
    url: bytes
    flags: int = 0
    option_data: int = 0  # Squid's ``pad``: (hops << 16) | rtt_ms with SRC_RTT
    sender: str = _ZERO_ADDRESS  # RFC 2186 §1 "Sender Host Address": Squid writes 0, never reads it
    version: int = VERSION

    def _check(self) -> None:
        if self.version != VERSION:
            if self.version == VERSION_3:
                raise EncodeError("ICP version 3 is never sent: Squid 5.7 answers a version-3 "
                                  "QUERY and then crashes (use-after-free, upstream #2377)")
            raise EncodeError(f"ICP version {self.version}: only version 2 can be sent")
        _u32("request number", self.reqnum)
        _u32("options", self.flags)
        _u32("option data", self.option_data)
        nul = self.url.find(0)
        if nul >= 0:
            raise EncodeError(f"the URL has a NUL byte at {nul}: ICP URLs are NUL-terminated")

    def _frame(self, opcode: int, payload: bytes) -> bytes:
        length = HEADER_SIZE + len(payload)
        if length > MAX_MESSAGE:
            raise EncodeError(f"{length}-byte ICP message: RFC 2186 allows at most "
                              f"{MAX_MESSAGE} (Squid reads at most {SQUID_MAX_RECEIVE})")
        head = HEADER.pack(opcode, self.version, length, self.reqnum, self.flags,
                           self.option_data, 0)
        return head[:16] + _address_bytes("sender address", self.sender) + payload

    @property
    def src_rtt(self) -> tuple[int, int] | None:
        """``(hops, rtt_ms)`` from the option data when the SRC_RTT flag is set (RFC 2186 §3
        defines the low 16 bits; Squid puts the hop count in the high 16, src/icp_v2.cc)."""
        if not self.flags & Flag.SRC_RTT:
            return None
        return self.option_data >> 16, self.option_data & 0xFFFF


@dataclass(frozen=True, kw_only=True)
class Query(_Common):
    """``ICP_OP_QUERY``: is ``url`` cached? ``requester`` is the address of the client that
    caused the query (RFC 2186 §2; all zero = unspecified, what Squid sends)."""

    requester: str = _ZERO_ADDRESS

    @property
    def opcode(self) -> Opcode:
        return Opcode.QUERY

    def encode(self) -> bytes:
        self._check()
        requester = _address_bytes("requester address", self.requester)
        return self._frame(Opcode.QUERY, requester + self.url + b"\0")


@dataclass(frozen=True, kw_only=True)
class Reply(_Common):
    """A message whose payload is only the URL: the answers HIT, MISS, ERR, MISS_NOFETCH and
    DENIED (URL and request number copied from the query), and SECHO/DECHO."""

    opcode: Opcode

    def encode(self) -> bytes:
        self._check()
        if self.opcode not in URL_ONLY:
            raise EncodeError(f"opcode {int(self.opcode)} is not that of a URL-only ICP message")
        return self._frame(self.opcode, self.url + b"\0")


@dataclass(frozen=True, kw_only=True)
class HitObject(_Common):
    """``ICP_OP_HIT_OBJ``: a HIT carrying the object (RFC 2186 §2). ``object_size`` is the size
    field as sent; ``data`` the bytes that came with it. RFC 2186 says a short one is to be taken
    as a plain HIT: :attr:`complete` tells. Squid never sends these and ignores them."""

    object_size: int = 0
    data: bytes = b""

    @property
    def opcode(self) -> Opcode:
        return Opcode.HIT_OBJ

    @property
    def complete(self) -> bool:
        return len(self.data) == self.object_size

    def encode(self) -> bytes:
        self._check()
        if not 0 <= self.object_size <= 0xFFFF:
            raise EncodeError(f"object size {self.object_size} does not fit in 16 bits")
        if len(self.data) > self.object_size:
            raise EncodeError(f"{len(self.data)} bytes of object data for a size of "
                              f"{self.object_size}")
        size = struct.pack("!H", self.object_size)
        return self._frame(Opcode.HIT_OBJ, self.url + b"\0" + size + self.data)


Message = Query | Reply | HitObject
_OPCODES = {o.value: o for o in Opcode}


def encode(message: Message) -> bytes:
    """The datagram for ``message`` (raises :class:`EncodeError` if it cannot be sent)."""
    return message.encode()


def _url(data: bytes, start: int, opcode: Opcode) -> tuple[bytes, int]:
    """The NUL-terminated URL at ``start`` and the offset just after its NUL."""
    nul = data.find(b"\0", start)
    if nul < 0:
        raise DecodeError(len(data), f"{opcode.name}: the URL is not NUL-terminated"
                                     f"{_SQUID_ERR if opcode is Opcode.QUERY else ''}")
    return data[start:nul], nul + 1


def _nothing_after(data: bytes, end: int, opcode: Opcode) -> None:
    if end != len(data):
        raise DecodeError(end, f"{opcode.name}: {plural(len(data) - end, 'byte')} after the "
                               f"URL's NUL{_SQUID_ERR if opcode is Opcode.QUERY else ''}")


_SQUID_ERR = " (Squid answers such a query with ERR)"


def decode(data: bytes) -> Message:
    """The message in one ICP datagram; :class:`DecodeError` if Squid would not take it."""
    size = len(data)
    if size < HEADER_SIZE:
        raise DecodeError(size, f"{plural(size, 'byte')}: shorter than the {HEADER_SIZE}-byte "
                                "ICP header (Squid drops it)")
    if size > MAX_MESSAGE:
        raise DecodeError(MAX_MESSAGE, f"{size} bytes: RFC 2186 allows at most {MAX_MESSAGE}")
    raw_opcode, version, length, reqnum, flags, option_data, _ = HEADER.unpack_from(data)
    if version not in (VERSION, VERSION_3):
        raise DecodeError(1, f"version {version}: Squid 5.7 drops it (\"Unused ICP version\"); "
                             "only 2 and 3 are ICP")
    if length != size:
        raise DecodeError(2, f"length field says {length} bytes but the datagram has {size} "
                             "(Squid drops it)")
    opcode = _OPCODES.get(raw_opcode)
    if opcode is None:
        raise DecodeError(0, f"opcode {raw_opcode} is not an ICP opcode (RFC 2186 §2: unused "
                             "opcodes are ignored)")
    if opcode is Opcode.INVALID:
        raise DecodeError(0, "opcode 0 is ICP_OP_INVALID, the mark of a zero-filled or "
                             "malformed message")
    sender = _address_text(data[16:20])
    if opcode is Opcode.QUERY:
        if size < HEADER_SIZE + 4:
            raise DecodeError(size, f"a {size}-byte QUERY has no room for the 4-byte requester "
                                    "address")
        url, end = _url(data, HEADER_SIZE + 4, opcode)
        _nothing_after(data, end, opcode)
        return Query(reqnum=reqnum, url=url, flags=flags, option_data=option_data,
                     sender=sender, version=version, requester=_address_text(data[20:24]))
    url, end = _url(data, HEADER_SIZE, opcode)
    if opcode is Opcode.HIT_OBJ:
        if size < end + 2:
            raise DecodeError(size, "HIT_OBJ: no room for the 16-bit object size after the URL")
        (object_size,) = struct.unpack_from("!H", data, end)
        body = data[end + 2 :]
        if len(body) > object_size:
            raise DecodeError(end + 2 + object_size,
                              f"HIT_OBJ: {plural(len(body) - object_size, 'byte')} after the "
                              f"{plural(object_size, 'byte')} of object")
        return HitObject(reqnum=reqnum, url=url, flags=flags, option_data=option_data,
                         sender=sender, version=version, object_size=object_size, data=body)
    _nothing_after(data, end, opcode)
    return Reply(opcode=opcode, reqnum=reqnum, url=url, flags=flags, option_data=option_data,
                 sender=sender, version=version)

