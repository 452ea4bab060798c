"""The other value checks: ports (src/acl/IntRange.cc), ``maxconn`` (MaxConnection.cc),
``max_user_ip`` (auth/AclMaxUserIp.cc), ``hier_code`` (HierCodeData.cc), ``random``
(Random.cc) and ``time`` (TimeData.cc), all @ SQUID_5_7."""

from __future__ import annotations

import re
from collections.abc import Callable

from squidcarp.conf.acl.common import report
from squidcarp.conf.events import ReadEvent, Squid
from squidcarp.conf.facts.acl import HIER_CODES
from squidcarp.conf.model import Directive
from squidcarp.libc import atoi, scanf_int, xatoi, xatos

DAY_LETTERS = "SMTWHFAD-"  # aclParseTimeSpec: S M T W H F A, D = weekdays, '-' ignored


# ACLRandom::parse: sscanf "%[0-9]:%[0-9]", then "%[0-9]/%[0-9]", then "0.%[0-9]"
_RANDOM_RATIO = r"([0-9]+)([:/])([0-9]+)"
_RANDOM_FRACTION = r"0\.[0-9]"
RANDOM_BUFFER = 256  # src/acl/Random.cc ACLRandom::parse: char bufa[256], bufb[256]


def _port_ranges(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    for index in range(first, len(d.words)):
        _port_range(d, index, events)


def _port_range(d: Directive, index: int, events: list[ReadEvent]) -> None:
    """``ACLIntRange::parse``: ``N`` or ``N-M``, each ``xatos`` (0..65535), with N <= M."""
    text = d.words[index]
    if text[:1] in ("'", '"'):
        return
    low_text, dash, high_text = text.partition("-")
    low, error = xatos(low_text)
    if error is None and dash:
        high, error = xatos(high_text)
    else:
        high = low
    if error is not None:
        report(events, d, index, f"port '{text}': {error}: Squid stops", Squid.FATAL)
    elif low is not None and high is not None and high < low:
        report(events, d, index, f"port range '{text}' runs backwards: Squid stops ('Invalid "
               "port value')", Squid.FATAL)


def _maxconn(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    """``ACLMaxConnection::parse``: ``atoi`` of the first value; the rest is ignored."""
    text = d.words[first]
    limit = atoi(text)
    if new and limit <= 0:
        report(events, d, first, f"maxconn limit '{text}' is not a positive number: Squid stops "
               "('Invalid ACL')", Squid.FATAL)
    for index in range(first + 1, len(d.words)):
        report(events, d, index, f"maxconn takes one limit: '{d.words[index]}' is ignored "
               "without a word", Squid.SILENT)


def _max_user_ip(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    """``ACLMaxUserIP::parse``: ``xatoi`` of the first value (a number, else Squid stops)."""
    text = d.words[first]
    result = xatoi(text)
    if result.value is None:
        report(events, d, first, f"max_user_ip: {result.error}: Squid stops", Squid.FATAL)
    elif new and result.value <= 0:
        report(events, d, first, f"max_user_ip '{text}' is not a positive number: Squid stops "
               "('Invalid ACL')", Squid.FATAL)


def _hier_codes(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    """``ACLHierCodeData::parse``: each word exactly one of the hier_code names."""
    for index in range(first, len(d.words)):
        word = d.words[index]
        if word not in HIER_CODES and word[:1] not in ("'", '"'):
            report(events, d, index, f"no hier_code '{word}' (they are spelled like "
                   "HIER_DIRECT, PARENT_HIT, CARP): Squid stops", Squid.FATAL)
            return


def _random(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    """``ACLRandom::parse``: ``A:B`` (A in A+B), ``A/B`` (A <= B) or ``0.NNN``; otherwise the
    ACL has no pattern and Squid stops ('Invalid ACL')."""
    text = d.words[first]
    if not new or text[:1] in ("'", '"'):
        return
    ratio = re.match(_RANDOM_RATIO, text)
    if ratio is not None:
        if max(len(ratio.group(1)), len(ratio.group(3))) >= RANDOM_BUFFER:
            report(events, d, first, f"random pattern '{text}' has a number of "
                   f"{RANDOM_BUFFER} digits or more, which overflows Squid's buffer (sscanf "
                   "into char[256]): Squid crashes or stops", Squid.FATAL)
            return
        a, b = xatoi(ratio.group(1)), xatoi(ratio.group(3))
        error = a.error or b.error
        if error is not None:
            report(events, d, first, f"random pattern '{text}': {error}: Squid stops",
                   Squid.FATAL)
            return
        sep = ratio.group(2)
        if a.value and b.value and a.value > 0 and b.value > 0 and (
                sep == ":" or a.value <= b.value):
            return
    elif re.match(_RANDOM_FRACTION, text) is not None:
        return
    report(events, d, first, f"random pattern '{text}' is not A:B, A/B (A <= B) or 0.N: Squid "
           "stops ('Invalid ACL')", Squid.FATAL)


def _time_specs(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    for index in range(first, len(d.words)):
        _time_spec(d, index, events)


def _time_spec(d: Directive, index: int, events: list[ReadEvent]) -> None:
    """``ACLTimeData::parse``: day letters, or ``HH:MM-HH:MM`` within one day."""
    text = d.words[index]
    if text[:1] in ("'", '"'):
        return
    if not "0" <= text[0] <= "9":
        bad = sorted({c for c in text if c not in DAY_LETTERS})
        if bad:
            what = "is no day letter" if len(bad) == 1 else "are no day letters"
            report(events, d, index, f"time: {', '.join(repr(c) for c in bad)} in '{text}' "
                   f"{what} (S M T W H F A, D for weekdays; upper case): Squid prints 'Bad Day' "
                   "and ignores it", Squid.WARNING)
        return
    numbers = _time_range(text)
    if numbers is None:
        report(events, d, index, f"time range '{text}' is not HH:MM-HH:MM: Squid stops",
               Squid.FATAL)
        return
    h1, m1, h2, m2 = numbers
    if not (0 <= h1 < 24 and (0 <= h2 < 24 or (h2 == 24 and m2 == 0))
            and 0 <= m1 < 60 and 0 <= m2 < 60):
        report(events, d, index, f"time range '{text}' is outside 00:00-24:00: Squid stops",
               Squid.FATAL)
    elif h1 * 60 + m1 > h2 * 60 + m2:
        report(events, d, index, f"time range '{text}' runs backwards (a range cannot cross "
               "midnight: write two): Squid stops", Squid.FATAL)


def _time_range(text: str) -> tuple[int, int, int, int] | None:
    """``sscanf(t, "%d:%d-%d:%d", ...) == 4``: four ``%d`` numbers (each may start with blanks
    and a sign) joined by exactly ':', '-', ':'; what follows is not looked at."""
    numbers: list[int] = []
    i = 0
    for separator in (":", "-", ":", ""):
        found = scanf_int(text[i:])
        if found is None:
            return None
        numbers.append(found[0])
        i += found[1]
        if separator:
            if text[i:i + 1] != separator:
                return None
            i += 1
    return numbers[0], numbers[1], numbers[2], numbers[3]


Checker = Callable[[Directive, int, bool, list[ReadEvent]], None]


# The types whose values this module checks (addresses and domains have modules of their own;
# the other types' values, regular expressions, names..., Squid takes as they come).
VALUE_CHECKERS: dict[str, Checker] = {
    "port": _port_ranges, "localport": _port_ranges,
    "maxconn": _maxconn, "max_user_ip": _max_user_ip, "time": _time_specs,
    "hier_code": _hier_codes, "random": _random,
}
