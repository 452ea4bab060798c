"""pyparsing grammars for the small languages inside squid.conf values, built once on first use.

- ``if`` conditions (src/cache_cf.cc ``EvalBoolExpr``): ``true``, ``false`` or ``INT = INT`` where
  each side is a whole C ``strtol(s, &end, 0)`` number (decimal, ``0x`` hex, leading-``0`` octal;
  out-of-range values clamp to the 64-bit ``long`` limits, so ``99999999999999999999`` equals
  ``9223372036854775807``);
- ``carp-key=`` part lists and ``htcp=`` mode lists (src/cache_cf.cc ``parse_peer``): comma
  separated items, empty items allowed (Squid rejects them itself, with its own message).

Importing pyparsing costs more than reading a large config, so nothing here is built until a config
actually has an ``if`` line, a ``carp-key=`` or an ``htcp=`` option.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

from squidcarp.libc import strtol

if TYPE_CHECKING:
    import pyparsing as pp


class Grammars(NamedTuple):
    condition: pp.ParserElement
    comma_list: pp.ParserElement


@functools.cache
def grammars() -> Grammars:
    import pyparsing as pp

    c_long = pp.Regex(r"[ \t\n\v\f\r]*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
    c_long.set_name("C integer").set_parse_action(lambda t: strtol(t[0], 0).value)
    literal = (pp.Keyword("true").set_parse_action(lambda: True)
               | pp.Keyword("false").set_parse_action(lambda: False))
    # EvalBoolExpr trims blanks before '=' and skips them after it.
    equals = pp.Suppress(pp.Regex(r"[ \t\n\v\f\r]*="))
    equation = (c_long("left") + equals + c_long("right")).set_parse_action(
        lambda t: t["left"] == t["right"])
    condition = (literal | equation).leave_whitespace().set_name("if condition")
    item = pp.Regex(r"[^,]*").set_name("item")
    comma_list = pp.DelimitedList(item, delim=",", min=1).leave_whitespace().set_name("list")
    return Grammars(condition=condition, comma_list=comma_list)


def evaluate_condition(expr: str) -> bool | None:
    """The value of an ``if`` condition, or None where Squid stops with a fatal error."""
    import pyparsing as pp

    try:
        result = grammars().condition.parse_string(expr, parse_all=True)
    except pp.ParseException:
        return None
    return bool(result[0])


def comma_items(text: str) -> list[str]:
    """``a,b,,c`` -> ``['a', 'b', '', 'c']`` (an empty text is one empty item)."""
    if not text:
        return [""]
    return [str(x) for x in grammars().comma_list.parse_string(text, parse_all=True)]
