"""The other value checks: ports (src/acl/IntRange.cc), ``maxconn`` (MaxConnection.cc),
``max_user_ip`` (auth/AclMaxUserIp.cc), ``hier_code`` (HierCodeData.cc), ``random``
(Random.cc) and ``time`` (TimeData.cc), all @ SQUID_5_7."""

from __future__ import annotations

import re
from collections.abc import Callable

from squidcarp.conf import known
from squidcarp.conf.acl.common import report
from squidcarp.conf.events import ReadEvent, Squid
from squidcarp.conf.model import Directive
from squidcarp.conf.peer import parse_c_long, parse_short

_TIME_RANGE = r"([+-]?[0-9]+):([+-]?[0-9]+)-([+-]?[0-9]+):([+-]?[0-9]+)"
DAY_LETTERS = "SMTWHFAD-"  # aclParseTimeSpec: S M T W H F A, D = weekdays, '-' ignored


# ACLRandom::parse: sscanf "%[0-9]:%[0-9]", then "%[0-9]/%[0-9]", then "0.%[0-9]"
_RANDOM_RATIO = r"([0-9]+)([:/])([0-9]+)"
_RANDOM_FRACTION = r"0\.[0-9]"


def _port_ranges(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    for index in range(first, len(d.words)):
        _port_range(d, index, events)


def _port_range(d: Directive, index: int, events: list[ReadEvent]) -> None:
    """``ACLIntRange::parse``: ``N`` or ``N-M``, each ``xatos`` (0..65535), with N <= M."""
    text = d.words[index]
    if text[:1] in ("'", '"'):
        return
    low_text, dash, high_text = text.partition("-")
    low, error = parse_short(low_text)
    if error is None and dash:
        high, error = parse_short(high_text)
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
    m = re.match(r"[ \t\n\v\f\r]*([+-]?[0-9]+)", text)
    limit = int(m.group(1)) if m else 0
    if new and limit <= 0:
        report(events, d, first, f"maxconn limit '{text}' is not a positive number: Squid stops "
               "('Invalid ACL')", Squid.FATAL)
    for index in range(first + 1, len(d.words)):
        report(events, d, index, f"maxconn takes one limit: '{d.words[index]}' is ignored "
               "without a word", Squid.SILENT)


def _max_user_ip(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    """``ACLMaxUserIP::parse``: ``xatoi`` of the first value (a number, else Squid stops)."""
    text = d.words[first]
    result = parse_c_long(text)
    if result.value is None:
        report(events, d, first, f"max_user_ip '{text}' is not a number: Squid stops",
               Squid.FATAL)
    elif new and result.value <= 0:
        report(events, d, first, f"max_user_ip '{text}' is not a positive number: Squid stops "
               "('Invalid ACL')", Squid.FATAL)


def _hier_codes(d: Directive, first: int, new: bool, events: list[ReadEvent]) -> None:
    """``ACLHierCodeData::parse``: each word exactly one of the hier_code names."""
    for index in range(first, len(d.words)):
        word = d.words[index]
        if word not in known.HIER_CODES and word[:1] not in ("'", '"'):
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
        a, sep, b = int(ratio.group(1)), ratio.group(2), int(ratio.group(3))
        if a > 0 and b > 0 and (sep == ":" or a <= b):
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
    m = re.match(_TIME_RANGE, text)
    if m is None:
        report(events, d, index, f"time range '{text}' is not HH:MM-HH:MM: Squid stops",
               Squid.FATAL)
        return
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if not (0 <= h1 < 24 and (0 <= h2 < 24 or (h2 == 24 and m2 == 0))
            and 0 <= m1 < 60 and 0 <= m2 < 60):
        report(events, d, index, f"time range '{text}' is outside 00:00-24:00: Squid stops",
               Squid.FATAL)
    elif h1 * 60 + m1 > h2 * 60 + m2:
        report(events, d, index, f"time range '{text}' runs backwards (a range cannot cross "
               "midnight: write two): Squid stops", Squid.FATAL)


Checker = Callable[[Directive, int, bool, list[ReadEvent]], None]


# The types whose values this module checks (addresses and domains have modules of their own;
# the other types' values, regular expressions, names..., Squid takes as they come).
VALUE_CHECKERS: dict[str, Checker] = {
    "port": _port_ranges, "localport": _port_ranges,
    "maxconn": _maxconn, "max_user_ip": _max_user_ip, "time": _time_specs,
    "hier_code": _hier_codes, "random": _random,
}
