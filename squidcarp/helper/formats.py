"""The shape of a helper's input line: Squid format strings compiled into field layouts.

Squid builds each helper request from a format (src/format/Format.cc ``Format::assemble``):

* ``url_rewrite_program`` / ``store_id_program``: the URL, then, if the extras format is not
  empty, one space and ``url_rewrite_extras`` / ``store_id_extras`` (default
  :data:`DEFAULT_EXTRAS`, src/cf.data.pre) with each value escaped by
  ``rfc1738_escape_unescaped`` (src/redirect.cc ``constructHelperQuery``);
* ``external_acl_type``: each ``%CODE`` of the format followed by one space, each value escaped
  by ``rfc1738_escape``, and the ACL's arguments (``%DATA``) appended at the end when the format
  does not place them (src/external_acl.cc ``parse_externalAclHelper``).

A value Squid does not know is written ``-``. Values are escaped, so none of them contains a
space: the URL of a rewriter line is everything before the last N+1 spaces, where N is the number
of spaces in the extras format (a URL that Squid passed with a space in it, under
``uri_whitespace allow``, is still read whole).

Codes get the field names of :data:`FIELD_NAMES` (legacy external ACL codes and their logformat
equivalents share a name: ``%SRC`` and ``%>a`` are both ``client``); request headers are
``header:Name``. Quoting and width modifiers (``%"code``, ``%10code``) change how Squid writes a
value and are refused here rather than misread.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from squidcarp.helper.escape import unescape_text
from squidcarp.libc import is_digits

DEFAULT_EXTRAS = "%>a/%>A %un %>rm myip=%la myport=%lp"  # src/cf.data.pre url_rewrite_extras

# Format code -> field name. The codes and which of them are the same value come from
# src/format/Token.cc (TokenTableEntry tables: the legacy external ACL names map to the same
# LFT_* types as the logformat codes).
FIELD_NAMES: dict[str, str] = {
    ">a": "client", "SRC": "client",  # LFT_CLIENT_IP_ADDRESS
    ">p": "client_port", "SRCPORT": "client_port",  # LFT_CLIENT_PORT
    ">A": "client_fqdn",  # LFT_CLIENT_FQDN
    ">eui": "client_eui",  # LFT_CLIENT_EUI
    "SRCEUI48": "client_eui48", "SRCEUI64": "client_eui64",
    "la": "myip", "MYADDR": "myip",  # LFT_LOCAL_LISTENING_IP
    "lp": "myport", "MYPORT": "myport",  # LFT_LOCAL_LISTENING_PORT
    ">la": "client_local_ip", ">lp": "client_local_port",
    "un": "user",  # LFT_USER_NAME
    "ul": "login", "LOGIN": "login",  # LFT_USER_LOGIN
    "ue": "ext_user", "EXT_USER": "ext_user",  # LFT_USER_EXTERNAL
    "ui": "ident", "IDENT": "ident",  # LFT_USER_IDENT
    ">rm": "method", "METHOD": "method",  # LFT_CLIENT_REQ_METHOD
    ">ru": "url", "URI": "url",  # LFT_CLIENT_REQ_URI
    ">rs": "scheme", "PROTO": "scheme",  # LFT_CLIENT_REQ_URLSCHEME
    ">rd": "host", "DST": "host",  # LFT_CLIENT_REQ_URLDOMAIN
    ">rP": "port", "PORT": "port",  # LFT_CLIENT_REQ_URLPORT
    ">rp": "path", "PATH": "path",  # LFT_CLIENT_REQ_URLPATH
    ">rq": "query",  # LFT_CLIENT_REQ_QUERY
    ">rv": "version",  # LFT_CLIENT_REQ_VERSION
    "rm": "request_method", "ru": "request_uri", "rv": "request_version",
    "et": "tag", "TAG": "tag", "EXT_TAG": "tag",  # LFT_TAG
    "ea": "ext_log", "EXT_LOG": "ext_log",  # LFT_EXT_LOG
    "ACL": "acl",  # LFT_EXT_ACL_NAME
    "DATA": "data",  # LFT_EXT_ACL_DATA
    "sn": "sequence", "master_xaction": "master_xaction",
    "ts": "time", "tl": "local_time", "tg": "gmt_time",
}
# Codes taking a {Name} argument: request headers (as received, as adapted) and reply headers.
HEADER_CODES = {">h": "header", ">ha": "adapted_header", "<h": "reply_header", "note": "note"}

_SEEN_MAX = 4096  # extras whose values were read (client, user, method, port)
_CHECKED_MAX = 32768  # extras remembered as well-formed (only their text is kept)

_CODES = sorted([*FIELD_NAMES, *HEADER_CODES], key=len, reverse=True)


# What a layout makes of one line: the URL (None if the format has none), each field's value as
# Squid wrote it (escaped; "-" when unknown) in the order of the layout's ``names`` (or () when
# they are read later from the extras), the external ACL arguments (decoded), and the raw extras
# of a rewriter line ("" otherwise).
Parsed = tuple[str | None, tuple[str, ...], tuple[str, ...], str]


class FormatError(ValueError):
    """A format string this helper cannot read lines of; the message names the column."""


class Field(NamedTuple):
    """One ``%code`` of a format: its field name and the text of the code as written."""

    name: str
    code: str


def _read_code(fmt: str, i: int) -> tuple[Field, int]:
    """The field at ``fmt[i]`` (just after the ``%``) and the index after it."""
    start = i - 1
    arg = None
    if fmt.startswith("{", i):  # the old placement: %{Name}>h
        end = fmt.find("}", i)
        if end < 0:
            raise FormatError(f"column {start + 1}: '{{' without '}}'")
        arg, i = fmt[i + 1:end], end + 1
    if i < len(fmt) and (fmt[i] in "\"'[#/-" or is_digits(fmt[i])):
        raise FormatError(f"column {start + 1}: quoting and width modifiers (%{fmt[i]}...) are "
                          "not supported: the helper could not tell where such a value ends")
    for code in _CODES:
        if fmt.startswith(code, i):
            i += len(code)
            break
    else:
        word = re.match(r"[^\s%/=]*", fmt[i:])
        shown = word.group(0) if word else ""
        raise FormatError(f"column {start + 1}: unknown format code '%{shown}'")
    if code in HEADER_CODES:
        if arg is None and fmt.startswith("{", i):
            end = fmt.find("}", i)
            if end < 0:
                raise FormatError(f"column {start + 1}: '{{' without '}}'")
            arg, i = fmt[i + 1:end], end + 1
        if not arg:
            raise FormatError(f"column {start + 1}: %{code} needs a {{Name}}")
        return Field(f"{HEADER_CODES[code]}:{arg}", fmt[start:i]), i
    if arg is not None:
        raise FormatError(f"column {start + 1}: %{code} takes no {{argument}}")
    return Field(FIELD_NAMES[code], fmt[start:i]), i


def field_value(raw: str) -> str | None:
    """A field as Squid wrote it -> its value: ``-`` is unknown (None), %XX decoded."""
    return None if raw == "-" else unescape_text(raw)


class ExtrasLayout:
    """A rewriter or store-id line: URL, then the extras format (``None``: the URL alone).

    :meth:`parse` checks the extras against the format and hands them on as they are;
    :meth:`values` reads their values when a role asks for a field (store-id never does).
    Lines from one client through one port share their extras, so both remember what they saw.
    """

    def __init__(self, extras: str | None = DEFAULT_EXTRAS) -> None:
        self.extras = extras or ""
        self.fields: tuple[Field, ...] = ()
        pattern = []
        names: list[str] = []
        fmt = self.extras
        i = 0
        while i < len(fmt):
            if fmt[i] != "%":
                pattern.append(re.escape(fmt[i]))
                i += 1
                continue
            if fmt.startswith("%", i + 1):  # "%%" is a literal percent sign
                pattern.append("%")
                i += 2
                continue
            field, i = _read_code(fmt, i + 1)
            if field.name == "data":
                raise FormatError("%DATA is for external_acl_type formats only")
            names.append(field.name)
            self.fields += (field,)
            # A value is escaped, so it holds no space. Before a space or at the end it runs to
            # that space; before other text it stops at the first place that text follows
            # (so "%>a/%>A" splits at the first "/").
            pattern.append("([^ ]*)" if i == len(fmt) or fmt[i] == " " else "([^ ]*?)")
        self.names = tuple(names)
        self._spaces = fmt.count(" ")
        self._regex = re.compile("".join(pattern)) if fmt else None
        self._seen: dict[str, tuple[str, ...]] = {}
        self._checked: set[str] = set()

    def parse(self, payload: str) -> Parsed | str:
        """``(url, (), (), extras)`` of one line without its channel ID, or why it does not
        fit (the extras are checked, their values read later by :meth:`values`)."""
        if self._regex is None:
            return (payload, (), (), "") if payload else "missing URL"
        parts = payload.rsplit(" ", self._spaces + 1)
        if len(parts) < self._spaces + 2:
            return f"missing fields: expected URL and extras '{self.extras}'"
        cut = len(parts[0])
        if cut == 0:
            return "missing URL"
        tail = payload[cut + 1:]
        if tail not in self._checked:
            if self._regex.fullmatch(tail) is None:
                return f"extras do not match '{self.extras}'"
            if len(self._checked) >= _CHECKED_MAX:
                self._checked.clear()
            self._checked.add(tail)
        return parts[0], (), (), tail

    def __eq__(self, other: object) -> bool:  # one format, one layout (caches aside)
        return isinstance(other, ExtrasLayout) and other.extras == self.extras

    def __hash__(self) -> int:
        return hash(self.extras)

    def values(self, extras: str) -> tuple[str, ...]:
        """The values of extras that :meth:`parse` accepted, as Squid wrote them, in the order
        of :attr:`names`."""
        values = self._seen.get(extras)
        if values is None:
            match = self._regex.fullmatch(extras) if self._regex is not None else None
            values = match.groups() if match is not None else ("",) * len(self.names)
            if len(self._seen) >= _SEEN_MAX:
                self._seen.clear()
            self._seen[extras] = values
        return values


class AclLayout:
    """An external ACL line: the format's fields, each followed by a space, and ``%DATA``."""

    def __init__(self, fmt: str) -> None:
        tokens = fmt.split()
        if not tokens:
            raise FormatError("an external ACL format needs at least one %code")
        fields: list[Field] = []
        data_at: int | None = None
        for n, token in enumerate(tokens):
            if not token.startswith("%"):
                raise FormatError(f"token {n + 1} '{token}': each format token is one %code")
            field, end = _read_code(token, 1)
            if end != len(token):
                raise FormatError(f"token {n + 1} '{token}': one %code per token "
                                  f"(extra text '{token[end:]}')")
            if field.name == "data":
                if data_at is not None:
                    raise FormatError(f"token {n + 1}: %DATA given twice")
                data_at = len(fields)
                continue
            fields.append(field)
        self.format = " ".join(tokens)
        self.fields = tuple(fields)
        self.names = tuple(f.name for f in fields)
        self._url = self.names.index("url") if "url" in self.names else None
        self._data_at = data_at  # None: Squid appends %DATA after the last field

    def parse(self, payload: str) -> Parsed | str:
        """``(url, fields, data words)`` of one line without its channel ID, or why it does not
        fit; ``url`` is the ``%URI`` (``%>ru``) value, None when the format has none."""
        n = len(self.names)
        if self._data_at is None:
            words = payload.split(" ")
            if len(words) < n + 1:
                return f"missing fields: expected {n} for '{self.format}' and the ACL arguments"
            values, data = words[:n], words[n:]
        else:
            # every explicit token, %DATA too, is followed by one space
            if payload.endswith(" "):
                payload = payload[:-1]
            words = payload.split(" ")
            if len(words) < n + 1:
                return f"missing fields: expected {n} for '{self.format}' and the ACL arguments"
            after = n - self._data_at
            values = words[: self._data_at] + (words[len(words) - after:] if after else [])
            data = words[self._data_at: len(words) - after]
        if data == ["-"]:
            data = []
        url = field_value(values[self._url]) if self._url is not None else None
        return url, tuple(values), tuple(unescape_text(d) for d in data), ""
