"""The helper line protocol, sans-IO: bytes from Squid -> requests; replies -> bytes for Squid.

Helper side (what squidcarp-helper uses):

* :class:`Decoder` takes whatever bytes arrived (a whole buffer, one byte at a time, anything in
  between) and returns the complete lines as :class:`Request` (channel ID, URL, named fields) or
  :class:`Malformed` (channel ID, the reason, where it was), or :data:`QUIT` for a ``quit`` line.
  Every input line gives exactly one event, so a helper answering each one answers every request.
* :func:`encode_reply` turns a :class:`Reply` into the line Squid reads.

Squid side (for tests, the bench, and anyone driving a helper): :func:`parse_reply` reads a reply
line the way Squid 5 does.

Facts (src/helper.cc, src/helper/Reply.cc, src/String.cc ``strwordtok``):

* With ``concurrency=N`` (N > 0) Squid writes ``ID SP`` before each request and expects the same
  ID first in the reply; IDs are a per-helper-process counter from 1 (``helperDispatch``). A
  channel is detected as Squid's bundled helpers do: a line starting with decimal digits and a
  space (src/http/url_rewriters/fake/fake.cc, storeid_file_rewrite). ``--channels`` forces it.
* Lines end with ``\\n``; a ``\\r`` before it is dropped.
* A reply is ``OK``, ``ERR`` or ``BH`` (case-sensitive, then a space or the end), then
  ``key=value`` pairs: key ``[A-Za-z0-9_-]+``, no blank around ``=``; the value is a ``"..."``
  string with backslash escapes (``\\n``, ``\\r``, any other ``\\c`` = ``c``) or a token that is
  %-decoded when longer than two bytes. Reading stops at the first word that is not a pair.
"""

from __future__ import annotations

import enum
import re
from typing import NamedTuple

from squidcarp.helper.escape import unescape
from squidcarp.helper.formats import AclLayout, ExtrasLayout, field_value
from squidcarp.libc import is_digits

# src/redirect.cc: the request line (URL, space, extras, "\n") must be shorter than
# MAX_REDIRECTOR_REQUEST_STRLEN = MAX_URL + 1024 (MAX_URL = 8192, src/defines.h), so at most
# 9214 bytes before the newline reach a url_rewrite or store_id helper.
MAX_REDIRECTOR_LINE = 8192 + 1024 - 2
# External ACL lines have no fixed limit in Squid; their values come from a request whose URL is
# under MAX_URL and whose headers are under request_header_max_size (64 KB, src/cf.data.pre).
MAX_EXTERNAL_ACL_LINE = 64 * 1024 + 8192
# The channel ID Squid prepends: a uint64 counter ("%" PRIu64 " ", src/helper.cc).
MAX_CHANNEL_DIGITS = 20
# src/helper/Reply.cc accumulate(): Squid drops a helper whose reply passes 1 MiB.
MAX_REPLY = 1024 * 1024


class Result(enum.Enum):
    """The result word of a reply (src/helper/ResultCode.h)."""

    OK = "OK"
    ERR = "ERR"
    BH = "BH"


class Reply(NamedTuple):
    """One answer: a result and ``key=value`` pairs (keys as Squid allows them)."""

    result: Result
    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def broken(cls, reason: str) -> Reply:
        """``BH message=reason``: Squid logs it and retries the request (twice)."""
        return cls(Result.BH, (("message", reason),))


class Request(NamedTuple):
    """A well-formed request line.

    ``channel`` is the ID exactly as Squid sent it (None without concurrency); ``url`` the
    rewriter/store-id URL, or the external ACL ``%URI`` value (None when the format has none);
    ``names`` the layout's field names, read with :meth:`field` or :attr:`fields` (decoded only
    when a role asks): from ``values`` (external ACL), or from the raw ``extras`` of a rewriter
    line through its ``layout``; ``data`` the external ACL arguments (``%DATA``); ``line`` its
    line number in the stream.
    """

    channel: str | None
    url: str | None
    names: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    line: int = 0
    extras: str = ""
    layout: ExtrasLayout | None = None

    def raw_values(self) -> tuple[str, ...]:
        """Each field's value as Squid wrote it, in the order of ``names``."""
        if self.layout is not None and self.extras:
            return self.layout.values(self.extras)
        return self.values

    def field(self, name: str) -> str | None:
        """The %-decoded value of field ``name``; None if Squid wrote ``-`` or there is none."""
        try:
            index = self.names.index(name)
        except ValueError:
            return None
        return field_value(self.raw_values()[index])

    @property
    def fields(self) -> dict[str, str | None]:
        """Every field by name, decoded."""
        return {n: field_value(v) for n, v in zip(self.names, self.raw_values(), strict=True)}


class Malformed(NamedTuple):
    """A line that is not a request: it gets ``BH message=reason`` on its channel."""

    channel: str | None
    reason: str
    line: int = 0
    offset: int = 0


class _Quit:
    def __repr__(self) -> str:
        return "QUIT"


QUIT = _Quit()  # a "quit" line: the helper ends (storeid_file_rewrite does the same)

Event = Request | Malformed | _Quit


class Channels(enum.Enum):
    """How channel IDs are found: as Squid's helpers do (``auto``), always, or never."""

    AUTO = "auto"
    ON = "on"
    OFF = "off"


Layout = ExtrasLayout | AclLayout


class Decoder:
    """Bytes from Squid -> one :data:`Event` per line.

    ``max_line`` bounds a line without its channel ID and newline; a longer line is answered
    (``Malformed``, on the channel read from its start) once its newline arrives, and its bytes
    are not kept meanwhile.
    """

    def __init__(self, layout: Layout, *, channels: Channels = Channels.AUTO,
                 max_line: int = MAX_REDIRECTOR_LINE) -> None:
        self.layout = layout
        self.channels = channels
        self.max_line = max_line
        self._buffer = b""
        self._line = 0  # lines completed so far
        self._offset = 0  # stream offset of the start of self._buffer
        self._skipping: tuple[str | None, int] | None = None  # overlong: (channel, its offset)

    def feed(self, data: bytes) -> list[Event]:
        """The events of every line that ``data`` completes."""
        buffer = self._buffer + data if self._buffer else data
        end = buffer.rfind(b"\n")
        if end < 0:
            self._buffer = buffer
            self._check_overlong()
            return []
        self._buffer = buffer[end + 1:]
        offset = self._offset
        self._offset += end + 1
        chunk = buffer[:end]
        events: list[Event] = []
        append = events.append
        if (self._skipping is not None or not chunk.isascii() or b"\x00" in chunk
                or b"\r" in chunk or self.channels is Channels.ON):
            for raw in chunk.split(b"\n"):  # the general path, one line at a time
                append(self._event(raw, offset))
                offset += len(raw) + 1
        else:  # plain ASCII lines, as Squid sends them: decode once, answer line by line
            limit = self.max_line
            auto = self.channels is Channels.AUTO
            parse = self.layout.parse
            names = self.layout.names
            extras_layout = self.layout if isinstance(self.layout, ExtrasLayout) else None
            new = tuple.__new__
            number = self._line
            for line in chunk.decode("ascii").split("\n"):
                number += 1
                channel = None
                payload = line
                if auto:
                    space = line.find(" ", 0, MAX_CHANNEL_DIGITS + 1)
                    if space > 0 and is_digits(line[:space]):
                        channel, payload = line[:space], line[space + 1:]
                if not 0 < len(payload) <= limit:
                    append(Malformed(channel, "empty request" if not payload else
                                     f"request longer than {limit} bytes", number, offset))
                elif payload == "quit" and channel is None:
                    append(QUIT)
                else:
                    parsed = parse(payload)
                    if isinstance(parsed, str):
                        append(Malformed(channel, parsed, number, offset))
                    else:  # Request(...) without the Python-level __new__ of a named tuple
                        append(new(Request, (channel, parsed[0], names, parsed[1], parsed[2],
                                             number, parsed[3], extras_layout)))
                offset += len(line) + 1
            self._line = number
        self._check_overlong()
        return events

    def close(self) -> list[Event]:
        """End of input: a last line without its newline is still a request."""
        if not self._buffer and self._skipping is None:
            return []
        raw, self._buffer = self._buffer, b""
        return [self._event(raw, self._offset)]

    def _check_overlong(self) -> None:
        """Drop the bytes of a partial line that is already too long to be a request."""
        if len(self._buffer) <= self.max_line + MAX_CHANNEL_DIGITS + 2:
            return
        if self._skipping is None:
            self._skipping = (self._raw_channel(self._buffer), self._offset)
        self._offset += len(self._buffer)
        self._buffer = b""

    def _raw_channel(self, raw: bytes) -> str | None:
        if self.channels is Channels.OFF:
            return None
        space = raw.find(b" ", 0, MAX_CHANNEL_DIGITS + 1)
        if space > 0 and raw[:space].isdigit():
            return raw[:space].decode("ascii")
        return None

    def _event(self, raw: bytes, offset: int) -> Event:
        self._line += 1
        if self._skipping is not None:
            channel, offset = self._skipping
            self._skipping = None
            return Malformed(channel, f"request longer than {self.max_line} bytes", self._line,
                             offset)
        if raw[-1:] == b"\r":
            raw = raw[:-1]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return Malformed(self._raw_channel(raw), f"invalid UTF-8 at byte {exc.start} of the "
                             "line", self._line, offset)
        channel = None
        payload = text
        if self.channels is not Channels.OFF:
            space = text.find(" ", 0, MAX_CHANNEL_DIGITS + 1)
            if space > 0:
                digits = text[:space]
                if is_digits(digits):
                    channel, payload = digits, text[space + 1:]
            if channel is None and self.channels is Channels.ON:
                return Malformed(None, "missing channel ID", self._line, offset)
        if not payload:
            return Malformed(channel, "empty request", self._line, offset)
        if len(payload) > self.max_line and len(payload.encode("utf-8")) > self.max_line:
            return Malformed(channel, f"request longer than {self.max_line} bytes", self._line,
                             offset)
        if "\x00" in payload:
            return Malformed(channel, f"NUL byte at byte {raw.index(0)} of the line",
                             self._line, offset)
        return self._payload_event(channel, payload, offset)

    def _payload_event(self, channel: str | None, payload: str, offset: int) -> Event:
        """The event of a line's text after its channel ID (not empty, within the limit)."""
        if payload == "quit" and channel is None:
            return QUIT
        layout = self.layout
        parsed = layout.parse(payload)
        if isinstance(parsed, str):
            return Malformed(channel, parsed, self._line, offset)
        return Request(channel, parsed[0], layout.names, parsed[1], parsed[2], self._line,
                       parsed[3], layout if isinstance(layout, ExtrasLayout) else None)


_KEY = re.compile(r"[A-Za-z0-9_-]+")  # src/helper/Reply.cc isKeyNameChar
# A token value must not hold what strwordtok splits at or treats specially (blanks, '"', '\'),
# nor '%' (a token longer than two bytes is %-decoded).
_PLAIN_VALUE = re.compile(r'[^ \t\n\v\f\r"\\%\x00]+')
_QUOTED_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def encode_value(value: str) -> str:
    """``value`` as a reply value Squid reads back unchanged (a token, or a quoted string)."""
    if _PLAIN_VALUE.fullmatch(value):
        return value
    if "\x00" in value:
        raise ValueError("a reply value cannot hold a NUL byte (Squid reads C strings)")
    return '"' + value.translate(_QUOTED_ESCAPES) + '"'


_GOOD_KEYS: set[str] = set()


def encode_reply(channel: str | None, reply: Reply) -> bytes:
    """The reply line (with its newline) for ``channel``."""
    pairs = reply.pairs
    if len(pairs) == 1 and pairs[0][0] in _GOOD_KEYS:  # the usual answer: one plain pair
        key, value = pairs[0]
        if len(value) < 4096 and _PLAIN_VALUE.fullmatch(value):
            if channel is None:
                return f"{reply.result.value} {key}={value}\n".encode("utf-8", "surrogateescape")
            return f"{channel} {reply.result.value} {key}={value}\n".encode(
                "utf-8", "surrogateescape")
    text = reply.result.value
    for key, value in reply.pairs:
        if key not in _GOOD_KEYS:
            if not _KEY.fullmatch(key):
                raise ValueError(f"reply key {key!r}: Squid allows only A-Z a-z 0-9 _ -")
            if len(_GOOD_KEYS) < 1000:
                _GOOD_KEYS.add(key)
        text = f"{text} {key}={encode_value(value)}"
    if channel is not None:
        text = f"{channel} {text}\n"
    else:
        text += "\n"
    data = text.encode("utf-8", "surrogateescape")
    if len(data) > MAX_REPLY:
        raise ValueError(f"reply of {len(data)} bytes: Squid drops a helper whose reply passes "
                         f"{MAX_REPLY} bytes")
    return data


# ---- Squid's side -------------------------------------------------------------------------

class SquidReply(NamedTuple):
    """A reply as Squid 5 understands it: channel (None without concurrency), result
    (``OK``/``ERR``/``BH``, or ``Unknown`` for legacy text), the notes in order, and the text
    left over (``other``; for BH it becomes the ``message`` note, as in Squid)."""

    channel: int | None
    result: str
    notes: tuple[tuple[str, bytes], ...]
    other: bytes = b""

    def note(self, key: str) -> bytes | None:
        """The value of ``key`` (Squid replaces a repeated key with the last value)."""
        found = None
        for k, v in self.notes:
            if k == key:
                found = v
        return found


_SPACES = b" \t\n\v\f\r"  # C isspace() in the C locale


def _word(buf: bytes, i: int) -> tuple[bytes | None, int]:
    """src/String.cc strwordtok: one word from ``buf[i:]`` (quotes, backslash escapes)."""
    n = len(buf)
    while i < n and buf[i] in _SPACES:
        i += 1
    if i >= n:
        return None, i
    out = bytearray()
    quoted = False
    while i < n:
        ch = buf[i]
        if ch == 0x5C:  # backslash: an escape only inside quotes
            if quoted:
                i += 1
            nxt = buf[i] if i < n else 0
            out.append(0x0A if nxt == 0x6E else 0x0D if nxt == 0x72 else nxt)
            if nxt:
                i += 1
            else:
                break
        elif ch == 0x22:
            quoted = not quoted
            i += 1
        elif not quoted and ch in _SPACES:
            i += 1
            break
        else:
            out.append(ch)
            i += 1
    return bytes(out), i


def parse_reply(line: bytes, concurrent: bool) -> SquidReply:
    """One reply line (without its newline) as src/helper.cc and src/helper/Reply.cc read it."""
    if line.endswith(b"\r"):
        line = line[:-1]
    line = line.split(b"\x00", 1)[0]
    channel = None
    if concurrent:
        match = re.match(rb"[ \t\n\v\f\r]*([+-]?[0-9]+)", line)  # strtol(msg, &e, 10)
        channel = int(match.group(1)) if match else 0
        rest = line[match.end():] if match else line
        line = rest.lstrip(_SPACES)
    if not line:
        return SquidReply(channel, "ERR", ())  # an empty reply is the old rewriter ERR
    result = "Unknown"
    i = 0
    for word in (b"OK", b"ERR", b"BH"):
        if line.startswith(word) and (len(line) == len(word) or line[len(word)] == 0x20):
            result, i = word.decode(), len(word)
            break
    while i < len(line) and line[i] in _SPACES:
        i += 1
    notes: list[tuple[str, bytes]] = []
    n = len(line)
    while i < n:
        key = _KEY.match(line.decode("latin-1"), i)
        end = key.end() if key else i
        if end >= n or line[end] != 0x3D:  # not "key=": the rest is text
            break
        if end + 1 < n and line[end + 1] in _SPACES:
            break
        decode = end + 1 >= n or line[end + 1] != 0x22
        start = end + 1
        value, i = _word(line, start)
        if value is not None and decode and i - start > 2:
            value = unescape(value)
        notes.append((line[key.start():key.end()].decode() if key else "", value or b""))
        while i < n and line[i] in _SPACES:
            i += 1
    other = line[i:]
    if other and result == "BH":
        notes.append(("message", other))
        other = b""
    return SquidReply(channel, result, tuple(notes), other)
