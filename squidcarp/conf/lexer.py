"""Stage 2: logical lines and tokens, with the position of every character.

Logical lines follow src/cache_cf.cc ``parseOneConfigFile``: leading blanks stripped, lines whose
first character is ``#`` (or empty) skipped even in the middle of a continuation, a line ending in
``\\`` (tested *before* trailing blanks are trimmed) continued by the next with its leading blanks
dropped and no separator, then trailing blanks trimmed and macros substituted.

Tokens follow src/ConfigParser.cc ``TokenParse``/``UnQuote``: blank-separated words, a word starting
with ``#`` ends the line; with ``configuration_includes_quoted_values on`` quoted strings with
escapes, ``parameters("file")`` and the strict unquoted-token alphabet.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import NamedTuple

from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.model import Position, Token
from squidcarp.conf.source import BLANKS, FGETS_CHUNK, RecordFields, records
from squidcarp.conf.words import PLAIN_WORD, W_SPACE
from squidcarp.libc import is_digits

STRICT_PUNCT = ".,()-=_/:+"  # ConfigParser::TokenParse strict-mode alphabet (src/ConfigParser.cc)
CONFIG_LINE_LIMIT = 2048  # src/ConfigParser.h: the token and strtokFile line buffers
QUOTED_TOKEN_LIMIT = CONFIG_LINE_LIMIT - 1  # room for the NUL
MACROS = ("${service_name}", "${process_name}", "${process_number}")  # src/cache_cf.cc


class LogicalLine(NamedTuple):
    """One logical line and a map from each character back to its file position.

    (A named tuple: one is made per line of a config, and tuples are cheap to build.)
    """

    file: str
    text: str
    first_line: int
    last_line: int
    column: int = 1
    """The file column of ``text[0]`` on ``first_line``."""
    anchors: tuple[tuple[int, int, int], ...] = ()
    """(offset in ``text``, file line, file column) at each place the mapping jumps, for a line
    joined from several records or changed by macros. Empty for a line read as it stands (most
    lines): ``text[i]`` is then at ``first_line``, ``column + i``, and the line keeps no map."""
    offsets: tuple[int, ...] = ()
    """The anchors' offsets alone, for bisecting."""

    def position(self, offset: int) -> Position:
        anchors = self.anchors
        if not anchors:
            return Position(self.file, self.first_line, self.column + offset)
        offsets = self.offsets or tuple(a[0] for a in anchors)
        i = max(0, bisect.bisect_right(offsets, offset) - 1)
        base, line, column = self.anchors[i]
        return Position(self.file, line, column + (offset - base))

    @property
    def pos(self) -> Position:
        return self.position(0)

    def plain_tokens(self, start: int, words: tuple[str, ...] | None = None) -> list[Token]:
        """Tokens from ``start`` read the plain way (quoted values off): blank-separated words
        until one starts with '#'. ``words`` are their texts when already split
        (:func:`plain_words`): the tokens then share those strings instead of copying them."""
        out: list[Token] = []
        if not self.anchors:
            number, column, file = self.first_line, self.column, self.file
            # The hottest loop of the reader: build the named tuples with tuple.__new__ directly,
            # skipping their generated __new__ (same objects, half the cost).
            new = tuple.__new__
            for index, m in enumerate(PLAIN_WORD.finditer(self.text, start)):
                word = m.group() if words is None or index >= len(words) else words[index]
                if word[0] == "#":
                    break
                pos = new(Position, (file, number, column + m.start()))
                out.append(new(Token, (word, pos, word, False)))
            return out
        position = self.position
        for m in PLAIN_WORD.finditer(self.text, start):
            word = m.group()
            if word[0] == "#":
                break
            out.append(Token(word, position(m.start()), word))
        return out

    def plain_token(self, start: int, index: int) -> Token:
        """Token ``index`` of :meth:`plain_tokens` alone (IndexError past the last one)."""
        if index >= 0:
            for i, m in enumerate(PLAIN_WORD.finditer(self.text, start)):
                word = m.group()
                if word[0] == "#":
                    break
                if i == index:
                    return Token(word, self.position(m.start()), word)
        raise IndexError(index)


def is_plain(text: str, quoted_values: bool, quoted_at: tuple[int, int]) -> bool:
    """Whether :meth:`Tokenizer.tokens` reads this line with plain blank splitting."""
    lo, hi = quoted_at
    return not quoted_values and "parameters(" not in text and (
        lo >= hi or not any(c in text for c in "\"'("))


def logical_lines(file: str, recs: Iterable[RecordFields], events: list[ReadEvent],
                  ) -> Iterator[LogicalLine]:
    """Join records into logical lines as Squid does, one at a time (a line the reader makes
    no more of is freed before the next is made); add what Squid does silently to ``events``."""
    parts: list[str] = []
    anchors: list[tuple[int, int, int]] = []
    length = 0
    first = 0
    new = tuple.__new__  # LogicalLine without its generated __new__ (see plain_tokens)
    for number, col, rec_text, split, _ in recs:
        if split and not rec_text:
            # exactly N * 8191 bytes: the last fgets() returns just the newline (an empty line)
            events.append(ReadEvent(
                Kind.LONG_LINE, Position(file, number, col),
                f"the line is a multiple of {FGETS_CHUNK} bytes long: Squid reads its newline as "
                "one more (empty) line, so line numbers in Squid's messages are one too high from "
                "here on", Squid.SILENT, subject="newline-only"))
        elif split:
            events.append(ReadEvent(
                Kind.LONG_LINE, Position(file, number, col),
                f"line is longer than {FGETS_CHUNK} bytes: Squid reads the rest of it, from here, "
                "as a separate line", Squid.SILENT))
        stripped = rec_text.lstrip(BLANKS)
        if not stripped or stripped[0] == "#":
            continue
        column = col + (len(rec_text) - len(stripped))
        if not parts and stripped[-1] != "\\" and stripped[-1] not in BLANKS:
            # the common case, a whole logical line in one record with nothing to trim
            yield new(LogicalLine, (file, stripped, number, number, column, (), ()))
            continue
        if not parts:
            first = number
        anchors.append((length, number, column))
        parts.append(stripped)
        length += len(stripped)
        if stripped.endswith("\\"):
            parts[-1] = stripped[:-1]
            length -= 1
            continue
        text = "".join(parts).rstrip(BLANKS)
        if stripped.rstrip(W_SPACE).endswith("\\") and stripped[-1] != "\\":
            at = Position(file, number, column + len(stripped.rstrip(BLANKS)) - 1)
            events.append(ReadEvent(
                Kind.BACKSLASH_BLANK, at,
                "'\\' followed by blanks does not continue the line: Squid reads a literal "
                "'\\' token", Squid.SILENT))
        yield _make_line(file, text, anchors, first, number)
        parts, anchors, length = [], [], 0
    if parts:
        line, column = anchors[0][1], anchors[0][2]
        events.append(ReadEvent(
            Kind.CONTINUATION_AT_EOF, Position(file, line, column),
            "the file ends inside a '\\' continuation: Squid drops this line", Squid.SILENT))


def _make_line(file: str, text: str, anchors: list[tuple[int, int, int]], first: int,
               last: int) -> LogicalLine:
    kept = tuple((o, ln, c) for o, ln, c in anchors if o <= len(text)) or ((0, first, 1),)
    if len(kept) == 1 and kept[0][1] == first:  # no jump: the line keeps no map
        return LogicalLine(file, text, first, last, kept[0][2] - kept[0][0])
    return LogicalLine(file, text, first, last, kept[0][2], kept, tuple(a[0] for a in kept))


def expand_macros(line: LogicalLine, values: Mapping[str, str]) -> LogicalLine:
    """Substitute ``${...}`` macros (src/cache_cf.cc ``ProcessMacros``), keeping positions.

    Characters produced by a macro map to the macro's own position.
    """
    if "${" not in line.text:
        return line
    text = line.text
    # Build (new offset -> old offset) anchors while replacing, one macro name after another,
    # each replacing every occurrence left to right like SubstituteMacro.
    mapping = list(range(len(text) + 1))
    for name in MACROS:
        value = values.get(name, "")
        at = text.find(name)
        while at >= 0:
            text = text[:at] + value + text[at + len(name):]
            origin = mapping[at]
            mapping = mapping[:at] + [origin] * len(value) + mapping[at + len(name):]
            # Squid searches again from the start, so a value holding the macro name would
            # never end there; squid -n takes only [A-Za-z0-9] names. Go on after the value.
            at = text.find(name, at + len(value))
    anchors: list[tuple[int, int, int]] = []
    previous = -2
    for new, old in enumerate(mapping):
        if old != previous + 1 or new == 0:
            p = line.position(old)
            anchors.append((new, p.line, p.column))
        previous = old
    return _make_line(line.file, text, anchors, line.first_line, line.last_line)


class Tokenizer:
    """Splits the argument part of a logical line into tokens like ``ConfigParser::NextToken``.

    ``quoted_values`` mirrors ``configuration_includes_quoted_values`` (it also switches Squid's
    strict mode). Problems are collected in ``events``; a token Squid would reject fatally is still
    returned, so later stages see the whole line. ``open_file`` reads a ``parameters("file")``
    file (path as written; Squid opens it from its CWD): its bytes, or why it cannot be read.
    """

    def __init__(self, quoted_values: bool = False, events: list[ReadEvent] | None = None,
                 open_file: Callable[[str], bytes | str] | None = None) -> None:
        self.quoted_values = quoted_values
        self.events: list[ReadEvent] = [] if events is None else events
        self.open_file = open_file

    def tokens(self, line: LogicalLine, start: int = 0, depth: int = 0,
               quoted_at: tuple[int, int] = (0, 0)) -> list[Token]:
        """The tokens from ``start``. Tokens whose index is in ``quoted_at`` (lo, hi) are read
        with ``ConfigParser::NextQuotedToken``, which recognises quotes and functions even while
        ``configuration_includes_quoted_values`` is off (without the strict alphabet)."""
        if is_plain(line.text, self.quoted_values, quoted_at):
            return line.plain_tokens(start)
        lo, hi = quoted_at
        text = line.text
        out: list[Token] = []
        i, n = start, len(text)
        while i < n:
            while i < n and text[i] in W_SPACE:
                i += 1
            if i >= n or text[i] == "#":
                break
            quotes = self.quoted_values or lo <= len(out) < hi
            if quotes and text[i] in "\"'":
                token, i = self._quoted(line, i)
                out.append(token)
                continue
            begin = i
            seps = W_SPACE if not quotes or text[i] == "(" else W_SPACE + "("
            while i < n and text[i] not in seps:
                i += 1
            raw = text[begin:i]
            if quotes and i < n and text[i] == "(":
                if raw and "parameters".startswith(raw):
                    spliced, i = self._parameters(line, begin, i + 1, depth)
                    out.extend(spliced)
                    continue
                self._event(line, begin, Kind.UNKNOWN_FUNCTION,
                            f"unknown configuration function '{raw}(': Squid stops here",
                            Squid.FATAL)
                i += 1
            elif self.quoted_values:
                self._strict(line, begin, raw)
            elif raw.startswith("parameters(") and depth == 0 and not quotes:
                self._event(line, begin, Kind.PARAMETERS_LITERAL,
                            "parameters(...) is read literally unless "
                            "configuration_includes_quoted_values is on", Squid.SILENT)
            out.append(Token(raw, line.position(begin), raw))
            if i < n and text[i] != "#":
                i += 1  # TokenParse steps over the separator that ended the token
        return out

    def _parameters(self, line: LogicalLine, begin: int, i: int,
                    depth: int) -> tuple[list[Token], int]:
        """Splice ``parameters("file")``: the file's tokens replace the call."""
        text = line.text
        while i < len(text) and text[i] in W_SPACE:
            i += 1
        if i >= len(text) or text[i] not in "\"'":
            self._event(line, begin, Kind.PARAMETERS_ERROR,
                        "parameters( needs a quoted file name", Squid.FATAL)
            return [], len(text)
        path_token, i = self._quoted(line, i)
        while i < len(text) and text[i] in W_SPACE:
            i += 1
        if i >= len(text) or text[i] != ")":
            self._event(line, begin, Kind.PARAMETERS_ERROR,
                        f"missing ')' after parameters(\"{path_token.text}\"", Squid.FATAL)
        else:
            i += 1
        if depth >= 16:  # ConfigParser::NextToken: CfgFiles.size() > 16
            self._event(line, begin, Kind.PARAMETERS_ERROR,
                        "parameters() files nested too deeply (>16)", Squid.FATAL)
            return [], i
        data = self.open_file(path_token.text) if self.open_file else "no file reader"
        if isinstance(data, str):
            self._event(line, begin, Kind.PARAMETERS_ERROR,
                        f"cannot open parameters file '{path_token.text}': {data}", Squid.FATAL)
            return [], i
        spliced: list[Token] = []
        for rec in records(data):
            sub = LogicalLine(path_token.text, rec.text, rec.line, rec.line, rec.column)
            spliced.extend(self.tokens(sub, 0, depth + 1))
        return spliced, i

    def _quoted(self, line: LogicalLine, begin: int) -> tuple[Token, int]:
        text = line.text
        quote = text[begin]
        i = begin + 1
        value: list[str] = []
        escapes = {"r": "\r", "n": "\n", "t": "\t"}
        while i < len(text) and text[i] != quote:
            ch = text[i]
            if ch == "\\" and i + 1 < len(text):
                i += 1
                ch = text[i]
                if ch.isascii() and ch.isalnum() and ch not in escapes:
                    self._event(line, i - 1, Kind.QUOTE_ERROR,
                                f"unsupported escape sequence '\\{ch}' in a quoted value",
                                Squid.FATAL)
                value.append(escapes.get(ch, ch))
            else:
                value.append(ch)
            i += 1
        if i >= len(text):
            self._event(line, begin, Kind.QUOTE_ERROR,
                        f"missing closing {quote} at the end of the quoted value", Squid.FATAL)
            end = len(text)
        else:
            end = i + 1
            if end < len(text) and text[end] not in W_SPACE + "()#":
                self._event(line, end, Kind.QUOTE_ERROR,
                            "expected a blank after the closing quote", Squid.FATAL)
                while end < len(text) and text[end] not in W_SPACE:
                    end += 1
        raw = text[begin:end]
        result = "".join(value)
        if len(result) > QUOTED_TOKEN_LIMIT:
            self._event(line, begin, Kind.QUOTE_ERROR,
                        f"quoted value longer than {QUOTED_TOKEN_LIMIT} bytes is cut by Squid",
                        Squid.SILENT)
        return Token(result, line.position(begin), raw, quoted=True), end

    def _strict(self, line: LogicalLine, begin: int, raw: str) -> None:
        number = True
        for k, ch in enumerate(raw):
            ok = (ch.isascii() and ch.isalnum()) or ch in STRICT_PUNCT or (
                number and ch == "%" and k == len(raw) - 1)
            if not is_digits(ch):
                number = False
            if not ok:
                self._event(line, begin + k, Kind.STRICT_TOKEN,
                            f"character '{ch}' is not allowed in an unquoted value while "
                            "configuration_includes_quoted_values is on: quote the whole token",
                            Squid.FATAL)
                return

    def _event(self, line: LogicalLine, offset: int, kind: Kind, message: str,
               squid: Squid) -> None:
        self.events.append(ReadEvent(kind, line.position(offset), message, squid))


def first_word(text: str) -> tuple[str, int, int]:
    """The directive name as ``parse_line`` takes it (``strtok`` on blanks): word, start, end."""
    m = PLAIN_WORD.match(text)
    if m is not None:  # (logical lines start with a non-blank unless a macro made one)
        return m.group(), 0, m.end()
    i = 0
    while i < len(text) and text[i] in W_SPACE:
        i += 1
    j = i
    while j < len(text) and text[j] not in W_SPACE:
        j += 1
    return text[i:j], i, j
