"""Scalar directives (``TYPE: onoff``, ``int``, ``u_short``, ``time_t``, ``b_size_t``, ``string``,
...), read as src/cache_cf.cc's ``parse_<type>`` functions read them, with their typed values and
Squid's defaults (src/cf.data.pre ``DEFAULT:``, as Debian's build fills them in)."""

from __future__ import annotations

import functools

from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.facts.directives import DIRECTIVE_ALIASES
from squidcarp.conf.facts.scalars import (
    BUILD_SUBSTITUTIONS,
    DEFAULTS,
    DEPRECATED_BOOLEAN_WORDS,
    ONOFF_WORDS,
    SCALAR_TYPES,
    TRISTATE_WORDS,
)
from squidcarp.conf.model import Directive, Position, ScalarValue, Setting, Token
from squidcarp.libc import c_lower, get_integer, xatof, xatoll, xatos

# src/cache_cf.cc parseTimeUnit @ SQUID_5_7: unit words (strncasecmp on the word's length, so
# "seconds" works and "sec" does not), in test order, as seconds.
TIME_UNITS = (("nanosecond", 1e-9), ("microsecond", 1e-6), ("millisecond", 1e-3),
              ("second", 1.0), ("minute", 60.0), ("hour", 3600.0), ("day", 86400.0),
              ("week", 7 * 86400.0), ("fortnight", 14 * 86400.0), ("month", 30 * 86400.0),
              ("year", 365.2425 * 86400.0), ("decade", 3652.425 * 86400.0))
TIME_TYPES = {"time_t": 1.0, "time_msec": 1e-3}  # parseTimeLine<seconds / milliseconds>
# parseBytesUnits: B_BYTES_STR "bytes", then KB, MB, GB (strncasecmp, prefix).
BYTES_UNITS = (("bytes", 1), ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30))
BYTES_TYPES = {"b_size_t": 1, "b_int64_t": 1, "b_ssize_t": 1, "kb_int64_t": 1 << 10,
               "kb_size_t": 1 << 10}

BOOLEAN_WORDS: dict[str, dict[str, bool | None]] = {
    "onoff": dict(ONOFF_WORDS),
    "configuration_includes_quoted_values": dict(ONOFF_WORDS),
    "tristate": dict(TRISTATE_WORDS),
}
DEPRECATED_BOOLEAN = DEPRECATED_BOOLEAN_WORDS

# Scalar types whose parser reads exactly one token (parse_onoff, parse_int, parse_string...).
ONE_TOKEN_TYPES = frozenset({"onoff", "tristate", "int", "u_short", "int64_t", "string",
                             "address", "YesNoNone", "configuration_includes_quoted_values",
                             "TokenOrQuotedString"})


def scalar_reads(d: Directive, squid_type: str) -> int:
    """How many tokens a scalar directive's parser reads (the rest of the line is never read)."""
    if squid_type in ONE_TOKEN_TYPES:
        return 1
    if squid_type in TIME_TYPES or squid_type in BYTES_TYPES:
        value = xatof(d.args[0].text) if d.args else None
        return 1 if value == 0 or (d.args and d.args[0].text in ("none", "-1")) else 2
    return len(d.args)


def parse_scalar(d: Directive, squid_type: str, events: list[ReadEvent]) -> Setting:
    """One scalar directive line, typed (see :data:`~squidcarp.conf.model.ScalarValue`)."""
    if not d.args:
        events.append(ReadEvent(Kind.MISSING_VALUE, d.pos, f"{d.keyword} needs a value",
                                Squid.FATAL))
        return Setting(d, None)
    tok = d.args[0]
    if squid_type in BOOLEAN_WORDS:
        return Setting(d, _boolean(d, tok, BOOLEAN_WORDS[squid_type], events))
    if squid_type in TIME_TYPES:
        return Setting(d, _time_value(d, TIME_TYPES[squid_type], events))
    if squid_type in BYTES_TYPES:
        amount = _bytes_value(d, BYTES_TYPES[squid_type], events)
        return Setting(d, None if amount is None else int(amount))
    if squid_type in ("int", "u_short", "int64_t"):
        if squid_type == "int":  # parse_int -> GetInteger: strtoll base 0, C int
            value, error = get_integer(tok.text)
        elif squid_type == "int64_t":  # parse_int64_t -> GetInteger64: strtoll base 10
            value, error = xatoll(tok.text)
        else:  # parse_u_short -> GetShort -> xatos: decimal 0..65535, no service names
            value, error = xatos(tok.text)
        if error:
            events.append(ReadEvent(Kind.SCALAR_VALUE, tok.pos, f"{d.keyword}: {error}",
                                    Squid.FATAL))
        return Setting(d, value)
    if squid_type in ONE_TOKEN_TYPES:  # parse_string, parse_address...: NextToken, one word
        return Setting(d, tok.text)
    return Setting(d, " ".join(t.text for t in d.args))  # eol, HelperChildConfig...


def _time_value(d: Directive, minimal: float, events: list[ReadEvent]) -> float | None:
    """``parseTimeLine<Unit>``: a number, then (unless it is 0) a unit word, case-insensitive and
    matched by prefix (``seconds``, ``minutes``, not ``sec`` or ``min``), no smaller than the
    directive's unit; the result must be at least 1 of that unit. Returns seconds."""
    tok = d.args[0]
    value = xatof(tok.text)
    if value is None:
        _fatal_value(d, tok, f"'{tok.text}' is not a number", events)
        return None
    if value == 0:
        return 0.0
    unit_tok = d.args[1] if len(d.args) > 1 else None
    if unit_tok is None:
        _fatal_value(d, tok, "missing time unit (write e.g. '30 seconds')", events)
        return None
    spelled = c_lower(unit_tok.text)  # parseTimeUnits compares with strncasecmp
    unit = next((seconds for word, seconds in TIME_UNITS if spelled.startswith(word)), None)
    if unit is None:
        _fatal_value(d, unit_tok, f"unknown time unit '{unit_tok.text}' (units are spelled out: "
                     "second, minute, hour, day, week...)", events)
        return None
    if unit < minimal:
        _fatal_value(d, unit_tok, f"time unit '{unit_tok.text}' is too small here", events)
        return None
    if value < 0:
        _fatal_value(d, tok, "time must have a positive value", events)
        return None
    total = value * unit
    if total * 1e9 > 2**63 - 1:
        _fatal_value(d, tok, "time values cannot exceed 292 years", events)
        return None
    if total < minimal:
        _fatal_value(d, tok, f"'{tok.text} {unit_tok.text}' is too small here", events)
        return None
    return total


def _bytes_value(d: Directive, unit: int, events: list[ReadEvent]) -> float | None:
    """``parseBytesLine*``: ``none``/``-1``, or a number and (unless it is 0) a unit (``bytes``,
    ``KB``, ``MB``, ``GB`` matched by prefix, case-insensitive); no unit only warns. The value in
    the directive's own unit must be a whole number. Returns bytes (-1 for none)."""
    tok = d.args[0]
    signed = SCALAR_TYPES.get(d.keyword) == "b_ssize_t"
    if tok.text in ("none", "-1") or (signed and tok.text.startswith("-")):
        return -1.0
    value = xatof(tok.text)
    if value is None:
        _fatal_value(d, tok, f"'{tok.text}' is not a number", events)
        return None
    multiplier = unit
    unit_tok = d.args[1] if len(d.args) > 1 else None
    if value != 0 and unit_tok is None:
        name = next(word for word, size in BYTES_UNITS if size == unit)
        events.append(ReadEvent(Kind.SCALAR_VALUE, tok.pos,
                                f"{d.keyword} {tok.text} has no unit: Squid warns and assumes "
                                f"{name}", Squid.WARNING,
                                tok.pos.column + len(tok.raw_or_text), tok.text))
    elif value != 0 and unit_tok is not None:
        found = next((size for word, size in BYTES_UNITS
                      if c_lower(unit_tok.text).startswith(c_lower(word))), None)
        if found is None:
            _fatal_value(d, unit_tok, f"unknown bytes unit '{unit_tok.text}' (bytes, KB, MB or "
                         "GB)", events)
            return None
        multiplier = found
    amount = multiplier * value / unit
    if not abs(amount) < 2**63 or float(int(amount)) != amount:  # (NaN fails too)
        _fatal_value(d, tok, f"'{tok.text}' is not a whole number of "
                     f"{'KB' if unit == 1024 else 'bytes'} (or overflows)", events)
        return None
    return amount * unit


def _fatal_value(d: Directive, tok: Token, message: str, events: list[ReadEvent]) -> None:
    events.append(ReadEvent(Kind.SCALAR_VALUE, tok.pos, f"{d.keyword}: {message}: Squid stops here",
                            Squid.FATAL, tok.pos.column + len(tok.raw_or_text), tok.text))


def _boolean(d: Directive, tok: Token, words: dict[str, bool | None],
             events: list[ReadEvent]) -> bool | None:
    """``parse_onoff`` / ``parse_tristate``: exact words, the old spellings with a WARNING."""
    word = tok.text
    if word not in words:
        allowed = "', '".join(w for w in words if w not in DEPRECATED_BOOLEAN)
        events.append(ReadEvent(
            Kind.SCALAR_VALUE, tok.pos,
            f"{d.keyword} {word}: Squid accepts only '{allowed}' (case-sensitive) and stops here",
            Squid.FATAL, tok.pos.column + len(tok.raw_or_text), word))
        return None
    if word in DEPRECATED_BOOLEAN:
        events.append(ReadEvent(
            Kind.SCALAR_VALUE, tok.pos,
            f"'{word}' is deprecated: Squid warns and reads it as "
            f"'{DEPRECATED_BOOLEAN[word]}'", Squid.WARNING,
            tok.pos.column + len(tok.raw_or_text), word))
    return words[word]


DEFAULTS_FILE = "<squid default>"


@functools.cache
def default_value(name: str) -> ScalarValue:
    """The typed value of ``name``'s ``DEFAULT:`` (aliases resolved), read by the same parser
    as a config line; None for ``none`` and for directives that are not scalars."""
    name = DIRECTIVE_ALIASES.get(name, name)
    squid_type = SCALAR_TYPES.get(name)
    text = DEFAULTS.get(name)
    if squid_type is None or text is None:
        return None
    for macro, value in BUILD_SUBSTITUTIONS.items():
        text = text.replace(macro, value)
    if text == "none" and squid_type not in BOOLEAN_WORDS:
        return None
    tokens: list[Token] = []
    column = len(name) + 2
    for word in text.split():
        tokens.append(Token(word, Position(DEFAULTS_FILE, 1, column), word))
        column += len(word) + 1
    line = Directive.of(Token(name, Position(DEFAULTS_FILE, 1, 1), name), tuple(tokens),
                        f"{name} {text}")
    return parse_scalar(line, squid_type, []).value
