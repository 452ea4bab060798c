"""What C does to text in Squid: number conversions, address forms, %-escapes (one owner each).

Squid reads numbers with the C library (``strtol`` and friends clamp instead of failing, ``atoi``
truncates to ``int``), addresses with ``inet_aton``/``inet_pton``/``inet_ntop`` and
``getaddrinfo(AI_NUMERICHOST)``, ports with ``getservbyname``, floating-point text with
``strtod``, and escapes with its own lib/rfc1738.c. Squid's checked wrappers (src/Parsing.cc
``xatoi``, ``xatoll``, ``xatoui``, ``xatos``, ``xatof``, ``GetInteger``) sit on top with the
words of Squid's own error messages. Every module that needs one of these imports it from here,
so each conversion is written once. This module imports nothing beyond the standard library
(``re``, ``math``, ``struct``, ``functools``: all cheap).

Two rules hold everywhere below:

* digits are ASCII only (``[0-9]``, never ``str.isdigit``, which takes any Unicode digit);
* no text is handed to ``int()`` unless it is short enough to fit the C type: a number of
  thousands of digits clamps as C clamps it, and Python's int-string limit is never reached.

Sizes are those of LP64 Linux (Debian amd64), where Squid 5.7 runs: ``int`` 32 bits, ``long`` and
``long long`` 64 bits.
"""

from __future__ import annotations

import functools
import math
import re
import struct
from collections.abc import Callable, Iterable
from typing import NamedTuple

# <limits.h> on LP64 Linux.
INT_MIN, INT_MAX = -(1 << 31), (1 << 31) - 1
UINT_MAX = (1 << 32) - 1
LONG_MIN, LONG_MAX = -(1 << 63), (1 << 63) - 1  # long and long long are both 64 bits
ULONG_MAX = (1 << 64) - 1
USHRT_MAX = 0xFFFF

# --- strtol / strtoul ----------------------------------------------------------------------------

# glibc strtol(text, &end, base): blanks, a sign, then digits of the base; base 16 (and base 0)
# skip a "0x"/"0X" only when a hex digit follows it ("0x" alone reads as 0, end after the "0").
# (Pattern strings, compiled on first use: importing this module must stay cheap.)
_PATTERNS: dict[int, str] = {
    10: r"[ \t\n\v\f\r]*([+-]?)([0-9]+)",
    8: r"[ \t\n\v\f\r]*([+-]?)([0-7]+)",
    16: r"[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)",
    0: r"[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F])([0-9a-fA-F]+)|0([0-7]*)|([1-9][0-9]*))",
}
_MATCHERS: dict[int, Callable[[str], re.Match[str] | None]] = {}


def _matcher(base: int) -> Callable[[str], re.Match[str] | None]:
    match = _MATCHERS.get(base)
    if match is None:
        pattern = _PATTERNS.get(base)
        if pattern is None:
            raise ValueError(f"base {base} is not one Squid uses (0, 8, 10 or 16)")
        match = _MATCHERS[base] = re.compile(pattern).match
    return match


# Digits (after leading zeros) that can still fit 64 bits; a longer run overflows whatever it is.
_FITS_64 = {10: 20, 8: 22, 16: 16}


class Conversion(NamedTuple):
    """What ``strtol``-like functions report: the value, how much text they read, ``ERANGE``."""

    value: int
    end: int
    """Characters consumed; 0 when no digits were found (C sets ``*end = text``)."""
    overflow: bool = False
    """``errno == ERANGE``: the value was clamped."""


def is_digits(text: str) -> bool:
    """Whether ``text`` is one or more of ``0``-``9`` (C's ``isdigit`` on every character).
    ``str.isdigit`` also takes other Unicode digits, such as ``²``, which ``int()`` refuses."""
    return text.isascii() and text.isdigit()


def _digits(text: str, base: int) -> tuple[int, str, int, int] | None:
    """(sign, digits, radix, end) of the number ``strtol(text, &end, base)`` reads, or None."""
    m = _matcher(base)(text)
    if base == 0:
        if m is None:
            return None
        hexa, octal, decimal = m.group(2), m.group(3), m.group(4)
        if hexa is not None:
            digits, radix = hexa, 16
        elif octal is not None:
            digits, radix = octal or "0", 8
        else:
            digits, radix = decimal, 10
        return (-1 if m.group(1) == "-" else 1), digits, radix, m.end()
    if m is None:
        return None
    return (-1 if m.group(1) == "-" else 1), m.group(2), base, m.end()


def _magnitude(digits: str, radix: int) -> int | None:
    """The digits' value, or None when it cannot fit 64 bits (read without a huge ``int()``)."""
    significant = digits.lstrip("0")
    if len(significant) > _FITS_64[radix]:
        return None
    return int(significant, radix) if significant else 0


def strtol(text: str, base: int = 10) -> Conversion:
    """glibc ``strtol`` (and ``strtoll``: the same on LP64): clamped to LONG_MIN..LONG_MAX."""
    found = _digits(text, base)
    if found is None:
        return Conversion(0, 0)
    sign, digits, radix, end = found
    magnitude = _magnitude(digits, radix)
    if magnitude is None:
        return Conversion(LONG_MIN if sign < 0 else LONG_MAX, end, True)
    value = sign * magnitude
    if value > LONG_MAX:
        return Conversion(LONG_MAX, end, True)
    if value < LONG_MIN:
        return Conversion(LONG_MIN, end, True)
    return Conversion(value, end)


strtoll = strtol  # long long is long on LP64


def strtoul(text: str, base: int = 10) -> Conversion:
    """glibc ``strtoul``: a negative number wraps modulo 2^64, overflow is ULONG_MAX."""
    found = _digits(text, base)
    if found is None:
        return Conversion(0, 0)
    sign, digits, radix, end = found
    magnitude = _magnitude(digits, radix)
    if magnitude is None or magnitude > ULONG_MAX:
        return Conversion(ULONG_MAX, end, True)
    return Conversion(magnitude if sign > 0 else (-magnitude) & ULONG_MAX, end)


def to_int(value: int) -> int:
    """The C cast ``(int) value`` on two's-complement hardware: the low 32 bits, signed."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value > INT_MAX else value


def atoi(text: str) -> int:
    """glibc ``atoi``: ``(int) strtol(text, NULL, 10)`` (clamped long, then the low 32 bits)."""
    return to_int(strtol(text).value)


def scanf_int(text: str) -> tuple[int, int] | None:
    """One ``sscanf`` ``%d``: (value, characters read), or None on a matching failure.

    glibc converts the digits with ``strtol`` (clamped to long) and stores the low 32 bits.
    """
    found = strtol(text)
    if found.end == 0:
        return None
    return to_int(found.value), found.end


# --- src/Parsing.cc: Squid's checked conversions -------------------------------------------------


class Checked(NamedTuple):
    """A number as Squid's checked parsers read it: the value, or why Squid stops."""

    value: int | None
    error: str | None = None


def xatoll(text: str, base: int = 10, eov: str = "") -> Checked:
    """``xatoll(token, base, eov)``: ``strtoll`` that must read something and stop at ``eov``
    (the end of the token by default); the value is clamped, never refused."""
    found = strtol(text, base)
    if found.end == 0:
        return Checked(None, f"no digits were found in '{text}'")
    if text[found.end:found.end + 1] != eov:  # (with eov "" only the end of the text matches)
        return Checked(None, f"'{text}' is not a number")
    return Checked(found.value)


def xatoi(text: str) -> Checked:
    """``xatoi``: ``xatoll`` base 10 that must fit an ``int``."""
    result = xatoll(text)
    if result.value is not None and not INT_MIN <= result.value <= INT_MAX:
        return Checked(None, f"'{text}' is larger than the type 'int'")
    return result


def xatoui(text: str, eov: str = "") -> Checked:
    """``xatoui``: ``xatoll`` base 10 that must fit an ``unsigned int``."""
    return _unsigned(text, xatoll(text, 10, eov), UINT_MAX, "unsigned int")


def xatos(text: str) -> Checked:
    """``xatos`` (``GetShort``, ports): ``xatol`` base 10 that must fit 0..65535."""
    # xatol: long is int64_t on LP64, so its own range check never fires
    return _unsigned(text, xatoll(text), USHRT_MAX, "short")


def _unsigned(text: str, result: Checked, limit: int, type_name: str) -> Checked:
    """The checks xatoui and xatos add: not negative, at most ``limit``."""
    if result.value is None:
        return result
    if result.value < 0:
        return Checked(None, f"'{text}' cannot be less than 0")
    if result.value > limit:
        return Checked(None, f"'{text}' is larger than the type '{type_name}'")
    return result


def get_integer(text: str) -> Checked:
    """``GetInteger`` (every ``TYPE: int`` directive): ``xatoll`` base 0 that must fit an int."""
    result = xatoll(text, 0)
    if result.value is not None and not INT_MIN <= result.value <= INT_MAX:
        return Checked(None, f"'{text}' is larger than the type 'int'")
    return result


# --- strtod / xatof ------------------------------------------------------------------------------

# glibc strtod: blanks, then a hex float, a decimal with optional exponent, inf/infinity or nan
# (nan(chars) too); the words case-insensitive. (Hex first: "0x1p3" is not the decimal "0".)
_DOUBLE = (
    r"[ \t\n\v\f\r]*(?P<sign>[+-]?)(?:"
    r"0[xX](?P<hex>[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP](?P<hexp>[+-]?[0-9]+))?"
    r"|(?P<dec>[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE](?P<decp>[+-]?[0-9]+))?"
    r"|(?P<inf>(?i:inf(?:inity)?))|(?P<nan>(?i:nan)(?:\([0-9A-Za-z_]*\))?))")
# A decimal exponent past these is already inf or 0 for a double, however many digits come first.
_EXPONENT_LIMIT = 100_000


def strtod(text: str) -> tuple[float, int]:
    """glibc ``strtod``: (value, characters consumed); (0.0, 0) when nothing is a number.

    Out-of-range values are what C gives: ±inf above the largest double, 0 (or the nearest
    subnormal) below the smallest, however long the text (``1e5000``, ``1e-999999999``).
    """
    m = re.match(_DOUBLE, text)
    if m is None:
        return 0.0, 0
    sign = -1.0 if m.group("sign") == "-" else 1.0
    if m.group("inf") is not None:
        return sign * math.inf, m.end()
    if m.group("nan") is not None:
        return math.copysign(math.nan, sign), m.end()
    hexa = m.group("hex")
    mantissa = hexa if hexa is not None else m.group("dec")
    exponent = m.group("hexp") if hexa is not None else m.group("decp")
    power = _exponent(exponent) if exponent is not None else 0
    if abs(power) > _EXPONENT_LIMIT:  # far outside a double: inf, or 0 for a zero mantissa
        zero = mantissa.strip("0.") == ""
        return sign * (math.inf if power > 0 and not zero else 0.0), m.end()
    if hexa is None:  # float() rounds a decimal of any length correctly, with no digit limit
        return sign * float(f"{mantissa}e{power}"), m.end()
    try:
        value = float.fromhex(f"0x{mantissa}p{power}")
    except OverflowError:
        value = math.inf
    return sign * value, m.end()


def _exponent(text: str) -> int:
    """An exponent's value, clamped far beyond any double's range (never a huge ``int()``)."""
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > 9:
        return sign * (10 * _EXPONENT_LIMIT)
    return sign * int(digits or "0")


def xatof(text: str) -> float | None:
    """``xatof``: ``strtod`` over the whole token; None where Squid stops."""
    value, end = strtod(text)
    if end == 0 or end != len(text):
        return None
    return value


# --- C doubles and ints as x86-64 computes them --------------------------------------------------

# x86-64's "default NaN", what an invalid operation such as 0.0/0.0 yields: the sign bit is set,
# so glibc's printf writes it as "-nan" (and mgr:carp shows it so). NaN signs never change which
# member wins (a NaN score never does), only how a multiplier is printed.
X86_DEFAULT_NAN: float = struct.unpack("<d", struct.pack("<Q", 0xFFF8000000000000))[0]


def _odd_integer(y: float) -> bool:
    return math.isfinite(y) and y.is_integer() and abs(y) < 2.0**53 and int(y) % 2 == 1


def c_pow(x: float, y: float) -> float:
    """glibc ``pow`` (sysdeps/ieee754/dbl-64/e_pow.c), down to the sign of a NaN result.

    NaN ``x`` (``y`` not 0 or NaN): ``x * x``, negated when ``x``'s sign bit is set and ``y`` is
    an odd integer -- so ``pow(-nan, 1.0)`` is ``+nan``, where Python's ``math.pow`` keeps the
    sign. Zero ``x`` with a negative ``y``: inf (-inf for -0.0 and an odd ``y``). Negative ``x``
    with a non-integer ``y``: ``(x - x) / (x - x)``, the default NaN. Overflow: inf (Python
    raises in all three cases instead).
    """
    if math.isnan(x) and y != 0.0 and not math.isnan(y):
        square = x * x
        if math.copysign(1.0, x) < 0 and _odd_integer(y):
            square = -square
        return 1.0 / square if y < 0 else square
    if x == 0.0 and y < 0.0:
        negative = math.copysign(1.0, x) < 0 and _odd_integer(y)
        return -math.inf if negative else math.inf
    try:
        return math.pow(x, y)
    except ValueError:
        return X86_DEFAULT_NAN
    except OverflowError:
        return -math.inf if x < 0.0 and _odd_integer(y) else math.inf


def c_div(x: float, y: float) -> float:
    """IEEE division as C does it on x86-64 (x/0 is ±inf, 0/0 the default NaN, NaN/0 is x)."""
    if y != 0.0:
        return x / y
    if math.isnan(x):
        return x
    if x == 0.0:
        return X86_DEFAULT_NAN
    return math.copysign(math.inf, x) * math.copysign(1.0, y)


def c_int_sum(values: Iterable[int]) -> int:
    """Sum as a C ``int`` on two's-complement hardware (overflow is UB; x86 wraps)."""
    return to_int(sum(values))


# --- addresses -----------------------------------------------------------------------------------


def fromhex(b: int) -> int:
    """The value of the hex digit with code ``b``, or -1."""
    if 0x30 <= b <= 0x39:
        return b - 0x30
    if 0x61 <= b <= 0x66:
        return b - 0x57
    if 0x41 <= b <= 0x46:
        return b - 0x37
    return -1


def inet_aton(text: str) -> int | None:
    """glibc ``__inet_aton_exact``: the 32-bit address, or None.

    1 to 4 parts, each starting with a digit and read by ``strtoul(part, &end, 0)`` (decimal,
    ``0`` octal, ``0x`` hex) up to 0xffffffff; every part but the last at most 255; the last
    fills the remaining bytes (``10.1`` is 10.0.0.1); nothing may follow.
    """
    parts: list[int] = []
    i, n = 0, len(text)
    while True:
        if i >= n or not "0" <= text[i] <= "9":
            return None
        found = strtoul(text[i:], 0)
        value = found.value
        if found.overflow or value > UINT_MAX:
            return None
        i += found.end
        if i < n and text[i] == ".":
            if len(parts) > 2 or value > 0xFF:
                return None
            parts.append(value)
            i += 1
            continue
        break
    if i != n:
        return None
    if value > (0xFFFFFFFF, 0xFFFFFF, 0xFFFF, 0xFF)[len(parts)]:
        return None
    for k, part in enumerate(parts):
        value |= part << (24 - 8 * k)
    return value


def inet_pton4(text: str) -> bytes | None:
    """glibc ``inet_pton4``: exactly four decimal octets, no leading zeros, nothing else."""
    octets = text.split(".")
    if len(octets) != 4:
        return None
    out = bytearray()
    for o in octets:
        if not 1 <= len(o) <= 3 or not all("0" <= c <= "9" for c in o) or (
                len(o) > 1 and o[0] == "0") or int(o) > 255:
            return None
        out.append(int(o))
    return bytes(out)


def inet_pton6(text: str) -> bytes | None:
    """glibc ``inet_pton6``: eight groups of <= 4 hex digits, one ``::``, an optional dotted
    IPv4 tail; the 16 address bytes, or None."""
    if not text:
        return None
    if text.startswith(":"):
        if not text.startswith("::"):
            return None
        text = text[1:]
    words: list[int] = []
    gap: int | None = None
    digits, val = 0, 0
    i, n = 0, len(text)
    tail_v4 = False
    cur_start = 0
    while i < n:
        c = text[i]
        i += 1
        h = fromhex(ord(c))
        if h >= 0:
            if digits == 4:
                return None
            val = (val << 4) | h
            digits += 1
            continue
        if c == ":":
            cur_start = i
            if digits == 0:
                if gap is not None:
                    return None
                gap = len(words)
                continue
            if i == n or len(words) >= 8:
                return None
            words.append(val)
            digits, val = 0, 0
            continue
        if c == "." and len(words) <= 6:
            v4 = inet_pton4(text[cur_start:])
            if v4 is None:
                return None
            words.append(v4[0] << 8 | v4[1])
            words.append(v4[2] << 8 | v4[3])
            tail_v4 = True
            digits = 0
            break
        return None
    if digits > 0 and not tail_v4:
        if len(words) >= 8:
            return None
        words.append(val)
    if gap is not None:
        if len(words) == 8:
            return None
        words = words[:gap] + [0] * (8 - len(words)) + words[gap:]
    if len(words) != 8:
        return None
    return b"".join(w.to_bytes(2, "big") for w in words)


def inet_ntop6(addr: bytes) -> str:
    """glibc ``inet_ntop6``: lower-case hex, the first longest run (>= 2) of zero groups as
    ``::``, an IPv4-compatible or -mapped tail in dotted form."""
    words = [addr[k] << 8 | addr[k + 1] for k in range(0, 16, 2)]
    best_base, best_len = -1, 0
    cur_base, cur_len = -1, 0
    for k, w in enumerate(words):
        if w == 0:
            if cur_base < 0:
                cur_base, cur_len = k, 1
            else:
                cur_len += 1
        elif cur_base >= 0:
            if best_base < 0 or cur_len > best_len:
                best_base, best_len = cur_base, cur_len
            cur_base = -1
    if cur_base >= 0 and (best_base < 0 or cur_len > best_len):
        best_base, best_len = cur_base, cur_len
    if best_base >= 0 and best_len < 2:
        best_base = -1
    out: list[str] = []
    for k, w in enumerate(words):
        if best_base >= 0 and best_base <= k < best_base + best_len:
            if k == best_base:
                out.append(":")
            continue
        if k != 0:
            out.append(":")
        if k == 6 and best_base == 0 and (best_len == 6 or (best_len == 5 and words[5] == 0xFFFF)):
            out.append(".".join(str(b) for b in addr[12:]))
            break
        out.append(f"{w:x}")
    if best_base >= 0 and best_base + best_len == 8:
        out.append(":")
    return "".join(out)


V4_MAPPED = bytes(10) + b"\xff\xff"  # ::ffff:0:0/96, how an IPv4 address sits in 16 bytes


def _link_local(addr: bytes) -> bool:
    """IN6_IS_ADDR_LINKLOCAL, IN6_IS_ADDR_MC_NODELOCAL or IN6_IS_ADDR_MC_LINKLOCAL."""
    return (addr[0] == 0xFE and addr[1] & 0xC0 == 0x80) or (
        addr[0] == 0xFF and addr[1] & 0x0F in (0x01, 0x02))


def scope_id(addr: bytes, zone: str,
             interface_index: Callable[[str], int] | None = None) -> int | None:
    """glibc ``__inet6_scopeid_pton``: an interface name (link-local addresses only, through
    ``interface_index``, 0 when unknown), else a decimal of digits only up to 0xffffffff."""
    if interface_index is not None and _link_local(addr):
        number = interface_index(zone)
        if number:
            return number
    if not zone or not "0" <= zone[0] <= "9":
        return None
    found = strtoul(zone)
    if found.end != len(zone) or found.overflow or found.value > UINT_MAX:
        return None
    return found.value


def numeric_host(text: str,
                 interface_index: Callable[[str], int] | None = None) -> bytes | None:
    """``getaddrinfo(text, AI_NUMERICHOST)``: 16 address bytes (IPv4 mapped), or None.

    IPv4 in every ``inet_aton`` form; IPv6 as ``inet_pton`` reads it with an optional
    ``%zone`` (see :func:`scope_id`; the zone itself is not part of the result).
    """
    v4 = inet_aton(text)
    if v4 is not None:
        return V4_MAPPED + v4.to_bytes(4, "big")
    scope = text.find("%")
    if scope >= 0:
        addr = inet_pton6(text[:scope])
        if addr is None or scope_id(addr, text[scope + 1:], interface_index) is None:
            return None
        return addr
    return inet_pton6(text)


# --- services ------------------------------------------------------------------------------------

_SERVICES: dict[tuple[str, str], int] | None = None
SERVICES_FILE = "/etc/services"  # what glibc's NSS "files" backend reads for getservbyname


def getservbyname(name: str, proto: str) -> int | None:
    """``getservbyname(name, proto)``: the port of a service name (or alias) for that protocol
    only, from /etc/services (Debian has ``icp`` for udp alone: no TCP port)."""
    global _SERVICES  # a read-only cache of the file, filled on first use
    if _SERVICES is None:
        services: dict[tuple[str, str], int] = {}
        try:
            with open(SERVICES_FILE, encoding="latin-1") as fh:
                for line in fh:
                    fields = line.split("#", 1)[0].split()
                    if len(fields) >= 2 and "/" in fields[1]:
                        port, _, protocol = fields[1].partition("/")
                        if 1 <= len(port) <= 5 and all("0" <= c <= "9" for c in port):
                            for alias in [fields[0], *fields[2:]]:
                                services.setdefault((alias, protocol), int(port))
        except OSError:
            pass
        _SERVICES = services
    return _SERVICES.get((name, proto))


@functools.lru_cache(maxsize=1024)  # a config repeats its few ports on every peer line
def get_service(text: str, proto: str) -> Checked:
    """src/cache_cf.cc ``GetService(proto)``: a service name for that protocol, else ``xatos``
    (a word of digits only skips the lookup: ``isUnsignedNumeric``)."""
    if not (text and all("0" <= c <= "9" for c in text)):
        port = getservbyname(text, proto)
        if port is not None:
            return Checked(port)
    return xatos(text)


# --- letter case ---------------------------------------------------------------------------------

_ASCII_UPPER = re.compile("[A-Z]").search
_ASCII_LOWER = re.compile("[a-z]").search
_TO_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_TO_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def c_lower(text: str) -> str:
    """``text`` as ``strcasecmp`` compares it: C's ``tolower`` byte by byte, which folds the
    ASCII letters only (in the C locale, and in a UTF-8 one, where no byte above 0x7F is a
    letter). ACL names (``ACL::FindByName``) and peer names (``peerFindByName``) compare so:
    ``AB`` is ``ab``, ``É`` is not ``é``. (For bytes, ``bytes.lower()`` is the same thing.)
    The same object comes back when nothing changes, so tables keyed by a name keep the
    config's own word rather than a copy per line.
    """
    return text.translate(_TO_ASCII_LOWER) if _ASCII_UPPER(text) else text


def c_upper(text: str) -> str:
    """C's ``toupper`` over ``text``: ASCII letters only. ``str.upper`` does more: ``ſ`` becomes
    ``S`` and ``ı`` becomes ``I``, so ``httpſ`` would read as ``HTTPS``."""
    return text.translate(_TO_ASCII_UPPER) if _ASCII_LOWER(text) else text


# --- escapes -------------------------------------------------------------------------------------


def rfc1738_unescape(s: bytes) -> bytes:
    """lib/rfc1738.c rfc1738_unescape(): ``%XX`` (not ``%00``) and ``%%`` decoded, rest kept."""
    if b"%" not in s:  # most URLs: nothing to decode (the loop below is per byte)
        return s
    out = bytearray()
    j = 0
    while j < len(s):
        c = s[j]
        if c == 0x25 and j + 1 < len(s) and s[j + 1] == 0x25:
            out.append(0x25)
            j += 2
            continue
        if c == 0x25 and j + 2 < len(s):
            v1, v2 = fromhex(s[j + 1]), fromhex(s[j + 2])
            if v1 >= 0 and v2 >= 0 and (v1 << 4 | v2) > 0:
                out.append(v1 << 4 | v2)
                j += 3
                continue
        out.append(c)
        j += 1
    return bytes(out)
