"""Stage 3: macros, ``if``/``else``/``endif`` and ``include``, in Squid's order.

Per logical line (src/cache_cf.cc ``parseOneConfigFile``): macros are substituted, then the line is
tested for ``if``, ``endif``, ``else`` (whole statements: the word, then a blank or the end), and
only in an active region for ``include`` and finally as a directive. Squid keeps a stack of
conditions and a line is active when the *top* is true — so an ``if true`` nested in a false block
re-activates lines — and every ``else`` flips the top. Conditions are evaluated even in inactive
regions; stray ``else``/``endif`` and an ``if`` left open at the end of a file are fatal.

``include`` words go through ``glob(3)`` (sorted), relative to Squid's working directory, not the
including file. Squid has no cycle check (it recurses until the depth limit of 16): we report cycles
and do not follow them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Literal, NamedTuple

from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.facts.directives import QUOTED_TOKEN_ARGS, external_acl_helper_index
from squidcarp.conf.facts.scalars import ONOFF_WORDS
from squidcarp.conf.grammar import evaluate_condition
from squidcarp.conf.lexer import (
    LogicalLine,
    Tokenizer,
    expand_macros,
    first_word,
    is_plain,
    logical_lines,
)
from squidcarp.conf.model import OWN_LINE, Directive, Position, Token
from squidcarp.conf.source import BLANKS, SourceFile, read_file, record_fields
from squidcarp.conf.words import WordTable, plain_words

NOT_QUOTED = (0, 0)  # no argument is read with NextQuotedToken
# Line kinds a config may hold by the hundred thousand, whose words the builder splits while it
# builds each line and then lets go (Directive.hold_words): they are not kept from here on.
BUILT_WORDS = frozenset({"cache_peer", "acl"})
_FIRST_WORD = re.compile(r"[^ \t\n\r]+").match  # parse_line's strtok(w_space) on the line start
MAX_INCLUDE_DEPTH = 16  # parseOneConfigFile: depth > 16 is fatal (src/cache_cf.cc)
# Our bound on the files one read opens (Squid has none): includes that fan out (every file
# including DIR/*.conf, several includes on every level) grow exponentially with the depth.
MAX_INCLUDED_FILES = 4096


class ReadOptions(NamedTuple):
    """How to read: the macro values and where relative paths start."""

    service_name: str = "squid"
    process_name: str = "squid"
    process_number: int = 0
    """``${process_number}``: 0 under ``-N`` and ``-k parse``; kid ids start at 1 under SMP."""
    include_base: Literal["cwd", "includer"] = "cwd"
    """Resolve relative ``include``/file paths against Squid's CWD (like Squid) or the includer."""
    cwd: str | None = None
    """Squid's working directory; None means this process's."""
    quoted_values: bool = False
    """Initial ``configuration_includes_quoted_values``."""

    @property
    def macros(self) -> dict[str, str]:
        return {
            "${service_name}": self.service_name,
            "${process_name}": self.process_name,
            "${process_number}": str(self.process_number),
        }


class Preprocessed:
    """What the preprocessor collects while it walks the files."""

    def __init__(self) -> None:
        self.directives: list[Directive] = []
        self.lines: list[LogicalLine | Directive] = []
        """Every logical line, in order; a directive read from its own line stands for it
        (:data:`~squidcarp.conf.model.OWN_LINE`)."""
        self.events: list[ReadEvent] = []
        self.files: dict[str, SourceFile] = {}
        self.inactive: list[LogicalLine] = []


Loader = Callable[[str], bytes]


def _statement(text: str, word: str) -> str | None:
    """``FindStatement``: the rest after ``word`` when the line is that statement."""
    s = text.lstrip(BLANKS)
    if not s.startswith(word):
        return None
    rest = s[len(word):]
    if rest == "":
        return ""
    if rest[0] in BLANKS:
        return rest.lstrip(BLANKS)
    return None


def _include_words(text: str) -> list[tuple[str, int]]:
    """``strwordtok`` (src/String.cc): blank-separated words, double quotes group.

    A backslash is an escape only inside quotes (``\\n``, ``\\r`` or the next character taken
    as is); outside quotes it stays in the word, where ``glob(3)`` reads it as an escape in turn.
    """
    words: list[tuple[str, int]] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in BLANKS:
            i += 1
        if i >= n:
            break
        start, quoted, word = i, False, []
        while i < n and (quoted or text[i] not in BLANKS):
            ch = text[i]
            if ch == '"':
                quoted = not quoted
            elif ch == "\\" and quoted:
                i += 1
                if i >= n:
                    break
                word.append({"n": "\n", "r": "\r"}.get(text[i], text[i]))
            else:
                word.append(ch)
            i += 1
        words.append(("".join(word), start))
    return words


def _glob(pattern: str, base: str) -> list[str]:
    """glibc ``glob(pattern, 0)`` (sorted matches), relative patterns under ``base``.

    Python's glob lacks two glibc rules: ``\\X`` matches ``X`` literally, and ``[^...]`` negates
    like ``[!...]``. Translate those, and glob under ``root_dir`` so that ``base`` is not read
    as a pattern.
    """
    import glob  # (here: only configs with include lines need it)

    pattern = pattern.split("\0", 1)[0]  # a C string: glob(3) sees the text up to a NUL byte
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            out.append(glob.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "[" and pattern.startswith("[^", i) and "]" in pattern[i + 2:]:
            out.append("[!")
            i += 2
            continue
        out.append(ch)
        i += 1
    translated = "".join(out)
    if not translated:
        return []  # glob("") matches nothing (GLOB_NOMATCH)
    if os.path.isabs(translated):
        return sorted(glob.glob(translated))
    return sorted(os.path.join(base, m) for m in glob.glob(translated, root_dir=base))


class Reader:
    """Walks a config and its includes; one instance per read."""

    def __init__(self, options: ReadOptions, loader: Loader | None = None) -> None:
        self.options = options
        self.loader = loader or read_file
        self.out = Preprocessed()
        self.tokenizer = Tokenizer(quoted_values=options.quoted_values,
                                   events=self.out.events, open_file=self._open_param_file)
        self._stack: list[str] = []
        self._included = 0
        self._said: set[tuple[Kind, Position, str]] = set()
        self._words = WordTable()  # repeated words stored once (words.WordTable)

    def _cwd(self) -> str:
        return self.options.cwd or os.getcwd()

    def _open_param_file(self, path: str) -> bytes | str:
        """The file's bytes, or why it cannot be read."""
        try:
            return self.loader(os.path.join(self._cwd(), path))
        except OSError as exc:
            return str(exc.strerror or exc)

    def read(self, label: str, data: bytes, chain: tuple[Position, ...] = ()) -> Preprocessed:
        self._file(label, data, chain, depth=1)
        return self.out

    def _file(self, label: str, data: bytes, chain: tuple[Position, ...], depth: int) -> None:
        source = self.out.files[label] = SourceFile.of(label, data)
        lines = logical_lines(label, record_fields(source.texts), self.out.events)
        key = os.path.realpath(label) if os.path.exists(label) else label
        self._stack.append(key)
        states: list[bool] = []
        macros = self.options.macros
        out_lines = self.out.lines
        last_line = 1  # where an unclosed 'if' is reported
        for raw_line in lines:
            last_line = raw_line.last_line
            line = expand_macros(raw_line, macros) if "${" in raw_line.text else raw_line
            out_lines.append(line)
            text = line.text
            if not text.strip(BLANKS):
                continue  # a line that only macros made, now empty: parse_line finds no word
            first = text[0]
            if first == "i" or first == "e":  # if / else / endif / include: rare, checked fully
                if self._statement_line(line, states, chain, depth):
                    continue
            elif states and not states[-1]:
                self.out.inactive.append(line)
                continue
            directive = self._directive(line, chain)
            if directive.source is OWN_LINE:
                out_lines[-1] = directive  # its logical line is made from it when asked
        if states:
            self._event(Kind.IF_UNCLOSED, Position(label, last_line, 1),
                        f"{len(states)} 'if' without 'endif' at the end of {label}", Squid.FATAL)
        self._stack.pop()

    def _statement_line(self, line: LogicalLine, states: list[bool],
                        chain: tuple[Position, ...], depth: int) -> bool:
        """``if``/``else``/``endif`` (``ProcessIf``), a line switched off by them, or ``include``.

        Returns False when the line is an ordinary directive line after all.
        """
        text = line.text
        expr = _statement(text, "if") if text[0] == "i" else None
        if expr is not None:
            value = evaluate_condition(expr)
            if value is None:
                self._event(Kind.IF_EXPRESSION, line.pos,
                            f"cannot evaluate 'if {expr}': Squid knows only true, false and "
                            "INTEGER = INTEGER", Squid.FATAL)
                value = False
            if value and states and not states[-1]:
                self._event(Kind.IF_REACTIVATES, line.pos,
                            f"'if {expr}' inside a false block switches lines back on: Squid "
                            "looks only at the innermost condition", Squid.SILENT)
            states.append(value)
            return True
        maybe_else = text[0] == "e"
        if maybe_else and _statement(text, "endif") is not None:
            if states:
                states.pop()
            else:
                self._event(Kind.IF_UNBALANCED, line.pos, "'endif' without 'if'", Squid.FATAL)
            return True
        if maybe_else and _statement(text, "else") is not None:
            if states:
                states[-1] = not states[-1]
            else:
                self._event(Kind.IF_UNBALANCED, line.pos, "'else' without 'if'", Squid.FATAL)
            return True
        if states and not states[-1]:
            self.out.inactive.append(line)
            return True
        if len(text) >= 9 and text.startswith("include") and text[7] in BLANKS:
            self._include(line, chain, depth)
            return True
        return False

    def _directive(self, line: LogicalLine, chain: tuple[Position, ...]) -> Directive:
        text = line.text
        m = _FIRST_WORD(text)
        if m is not None and not line.anchors:
            # the common case, kept lean: it runs once per config line
            word, end = self._words.word(m.group()), m.end()
            at: tuple[str, int, int] = (line.file, line.first_line, line.column)
            own = True  # the logical line is the directive's own text: OWN_LINE
        else:
            word, start, end = first_word(text)
            at = line.position(start)
            own = False
        quoted_at = QUOTED_TOKEN_ARGS.get(word, NOT_QUOTED)
        if word == "external_acl_type" and not self.tokenizer.quoted_values:
            words = [w for w in re.findall(r"[^ \t\n\r]+", line.text[end:])]
            helper = external_acl_helper_index(words)
            quoted_at = (helper + 1, 1 << 30)  # parse_wordlist(&a->cmdline)
        if (quoted_at is NOT_QUOTED and not self.tokenizer.quoted_values and (
                "parameters(" not in text)) or is_plain(text, self.tokenizer.quoted_values,
                                                       quoted_at):
            # plain splitting: words now, tokens with positions only if someone asks
            kept = None if word in BUILT_WORDS else plain_words(text, end, self._words)
            directive = Directive.lazy(word, kept, text, chain, *at, OWN_LINE if own else line,
                                       end)
        else:
            args = tuple(self.tokenizer.tokens(line, end, 0, quoted_at))
            directive = Directive.of(Token(word, Position(*at), word), args, line.text, chain)
        self.out.directives.append(directive)
        if word == "configuration_includes_quoted_values" and directive.words:
            # parse_onoff: on/enable, off/disable; any other word is fatal (the state stays)
            value = ONOFF_WORDS.get(directive.words[0])
            if value is not None:
                self.tokenizer.quoted_values = value
        return directive

    def _include(self, line: LogicalLine, chain: tuple[Position, ...], depth: int) -> None:
        here = line.pos
        includer_dir = os.path.dirname(os.path.abspath(line.file))
        for word, offset in _include_words(line.text[8:]):
            pos = line.position(8 + offset)
            if word.startswith(("|", "!")):
                self._event(Kind.INCLUDE_PIPE, pos,
                            f"include of a pipe '{word}' fails in Squid: it globs the word as "
                            "a file name", Squid.FATAL)
                continue
            base = includer_dir if self.options.include_base == "includer" else self._cwd()
            if not os.path.isabs(word) and self.options.include_base == "includer":
                self._event(Kind.INCLUDE_RELATIVE, pos,
                            f"relative include '{word}' is read from the including file's folder "
                            f"({base}) as --include-base includer asks; Squid itself resolves it "
                            "against its working directory", Squid.SILENT)
            elif not os.path.isabs(word):
                self._event(Kind.INCLUDE_RELATIVE, pos,
                            f"relative include '{word}' is resolved against Squid's working "
                            f"directory, not the including file (here: {base})", Squid.SILENT)
            matches = _glob(word, base)
            if not matches:
                self._event(Kind.INCLUDE_MISSING, pos,
                            f"unable to find configuration file: {word}", Squid.FATAL)
                continue
            for match in matches:
                self._include_one(match, word, pos, (*chain, here), depth + 1)

    def _include_one(self, path: str, word: str, pos: Position, chain: tuple[Position, ...],
                     depth: int) -> None:
        if self._included >= MAX_INCLUDED_FILES:
            self._event(Kind.INCLUDE_DEPTH, pos,
                        f"more than {MAX_INCLUDED_FILES} files included (the includes fan out): "
                        f"squidcarp reads no more of them, from '{word}' on", Squid.SILENT)
            return
        if depth > MAX_INCLUDE_DEPTH:
            self._event(Kind.INCLUDE_DEPTH, pos,
                        f"includes nested too deeply (>{MAX_INCLUDE_DEPTH}) at '{word}'",
                        Squid.FATAL)
            return
        real = os.path.realpath(path)
        if real in self._stack:
            self._event(Kind.INCLUDE_CYCLE, pos,
                        f"include cycle: '{word}' includes itself again; Squid would recurse "
                        f"until 'nested too deeply (>{MAX_INCLUDE_DEPTH})'", Squid.FATAL)
            return
        if os.path.isdir(path):
            # fopen() opens a directory and the first fgets() fails (EISDIR): no lines, no error
            self._event(Kind.INCLUDE_DIRECTORY, pos,
                        f"include '{word}' matches the directory {_label(path)}: Squid reads no "
                        "line from it and says nothing (include the files, e.g. DIR/*.conf)",
                        Squid.SILENT)
            return
        self._included += 1
        try:
            data = self.loader(path)
        except OSError as exc:
            self._event(Kind.INCLUDE_UNREADABLE, pos,
                        f"unable to open configuration file: {path}: {exc.strerror}",
                        Squid.FATAL)
            return
        label = _label(path)
        self._file(label, data, chain, depth)

    def _event(self, kind: Kind, pos: Position, message: str, squid: Squid) -> None:
        key = (kind, pos, message)
        if key in self._said:
            return  # a file included many times says the same thing once
        self._said.add(key)
        self.out.events.append(ReadEvent(kind, pos, message, squid))


def _label(path: str) -> str:
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else path
