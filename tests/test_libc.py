"""squidcarp.libc against the C library itself (glibc through ctypes) and Squid's wrappers."""

from __future__ import annotations

import ctypes
import math
import socket
import struct
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from squidcarp import libc
from squidcarp.libc import (
    INT_MAX,
    LONG_MAX,
    LONG_MIN,
    ULONG_MAX,
    Checked,
    atoi,
    c_div,
    c_int_sum,
    c_pow,
    get_integer,
    get_service,
    inet_aton,
    inet_ntop6,
    inet_pton6,
    numeric_host,
    scanf_int,
    strtod,
    strtol,
    strtoul,
    xatof,
    xatoi,
    xatoll,
    xatos,
    xatoui,
)

GLIBC = sys.platform.startswith("linux") and "glibc" in " ".join(
    __import__("platform").libc_ver())
needs_glibc = pytest.mark.skipif(not GLIBC, reason="the oracle is glibc")

if GLIBC:
    C = ctypes.CDLL(None)
    C.strtol.restype = ctypes.c_long
    C.strtol.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int]
    C.strtoul.restype = ctypes.c_ulong
    C.strtoul.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int]
    C.strtod.restype = ctypes.c_double
    C.strtod.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]
    C.atoi.restype = ctypes.c_int
    C.atoi.argtypes = [ctypes.c_char_p]
    C.inet_aton.restype = ctypes.c_int
    C.inet_aton.argtypes = [ctypes.c_char_p, ctypes.c_void_p]


def _c_conversion(function: str, text: str, *base: int) -> tuple[int | float, int]:
    raw = text.encode("latin-1")
    buffer = ctypes.create_string_buffer(raw)
    end = ctypes.c_char_p()
    value = getattr(C, function)(buffer, ctypes.byref(end), *base)
    consumed = ctypes.cast(end, ctypes.c_void_p).value - ctypes.addressof(buffer)  # type: ignore[operator]
    return value, consumed


NUMBERISH = st.text(alphabet=" \t+-0123456789abcdefxX.eEpPinfatyINF", max_size=30)
HUGE = ["9" * 5000, "-" + "9" * 5000, "0x" + "f" * 3000, "0" * 4000 + "12", "0" + "7" * 4000,
        "18446744073709551616", "9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "-18446744073709551615"]


@needs_glibc
@settings(max_examples=2000, deadline=None)
@given(NUMBERISH, st.sampled_from([0, 8, 10, 16]))
def test_strtol_and_strtoul_match_glibc(text: str, base: int) -> None:
    ours = strtol(text, base)
    assert (ours.value, ours.end) == _c_conversion("strtol", text, base)
    ours = strtoul(text, base)
    assert (ours.value, ours.end) == _c_conversion("strtoul", text, base)


@needs_glibc
@pytest.mark.parametrize("text", HUGE)
@pytest.mark.parametrize("base", [0, 8, 10, 16])
def test_huge_numbers_clamp_as_glibc_does(text: str, base: int) -> None:
    ours = strtol(text, base)
    assert (ours.value, ours.end) == _c_conversion("strtol", text, base)
    ours = strtoul(text, base)
    assert (ours.value, ours.end) == _c_conversion("strtoul", text, base)


def test_strtol_reports_overflow() -> None:
    assert strtol("9" * 5000) == (LONG_MAX, 5000, True)
    assert strtol("-" + "9" * 5000) == (LONG_MIN, 5001, True)
    assert strtol("9223372036854775807") == (LONG_MAX, 19, False)
    assert strtoul("-1") == (ULONG_MAX, 2, False)
    assert strtol("0x", 0) == (0, 1, False)  # "0x" with no hex digit reads as "0"
    assert strtol("08", 0) == (0, 1, False)  # octal stops at 8
    assert strtol("  -12abc") == (-12, 5, False)
    assert strtol("abc") == (0, 0, False)
    with pytest.raises(ValueError, match="base 7"):
        strtol("1", 7)


@needs_glibc
@settings(max_examples=1000, deadline=None)
@given(NUMBERISH)
def test_atoi_matches_glibc(text: str) -> None:
    assert atoi(text) == C.atoi(text.encode("latin-1"))


@needs_glibc
@pytest.mark.parametrize("text", [*HUGE, "4294967377", "  +42x", "", "-7", "080"])
def test_atoi_truncates_the_clamped_long(text: str) -> None:
    assert atoi(text) == C.atoi(text.encode("latin-1"))


def test_scanf_int() -> None:
    assert scanf_int("12:30") == (12, 2)
    assert scanf_int(" -3x") == (-3, 3)
    assert scanf_int("x") is None
    assert scanf_int("9" * 5000) == (-1, 5000)  # LONG_MAX, low 32 bits


@needs_glibc
@settings(max_examples=2000, deadline=None)
@given(NUMBERISH)
def test_strtod_matches_glibc(text: str) -> None:
    value, end = strtod(text)
    c_value, c_end = _c_conversion("strtod", text)
    assert end == c_end
    assert struct.pack("<d", value) == struct.pack("<d", c_value) or (
        math.isnan(value) and math.isnan(c_value))


@needs_glibc
@pytest.mark.parametrize("text", ["1e5000", "1e-999999999", "-1e5000", "1" * 5000,
                                  "0." + "0" * 5000 + "1", "0x1p99999", "0x1p-99999",
                                  "1e99999999999999999999", "0e99999999999", "0x1.8p1",
                                  "5.", ".5e", "0x", "infinity", "-INF", "nan(12)x", "1e-12"])
def test_strtod_extremes_match_glibc(text: str) -> None:
    value, end = strtod(text)
    c_value, c_end = _c_conversion("strtod", text)
    assert end == c_end
    assert struct.pack("<d", value) == struct.pack("<d", c_value) or (
        math.isnan(value) and math.isnan(c_value))


def test_squid_checked_conversions_use_squids_words() -> None:
    assert xatoi("99999999999") == Checked(None, "'99999999999' is larger than the type 'int'")
    assert xatoi("9" * 5000) == Checked(None, f"'{'9' * 5000}' is larger than the type 'int'")
    assert xatoi("12x") == Checked(None, "'12x' is not a number")
    assert xatoi("") == Checked(None, "no digits were found in ''")
    assert xatoi("-5") == Checked(-5)
    assert xatos("70000") == Checked(None, "'70000' is larger than the type 'short'")
    assert xatos("-1") == Checked(None, "'-1' cannot be less than 0")
    assert xatos("9" * 5000) == Checked(None, f"'{'9' * 5000}' is larger than the type 'short'")
    assert xatoui("5,", ",") == Checked(5)
    assert xatoui("5") == Checked(5)
    assert xatoui("4294967296") == Checked(
        None, "'4294967296' is larger than the type 'unsigned int'")
    assert xatoll("9" * 5000) == Checked(LONG_MAX)  # clamped, never refused
    assert get_integer("0x10") == Checked(16)
    assert get_integer("010") == Checked(8)
    assert get_integer("0x" + "f" * 5000) == Checked(
        None, f"'0x{'f' * 5000}' is larger than the type 'int'")
    assert xatof("1e-12") == 1e-12
    assert xatof("1_0") is None  # float() takes it, strtod does not
    assert xatof("1e5000") == math.inf
    assert xatof("") is None


def test_service_names_are_per_protocol() -> None:
    assert get_service("3128", "tcp") == Checked(3128)
    assert get_service("9" * 5000, "tcp") == Checked(
        None, f"'{'9' * 5000}' is larger than the type 'short'")
    if libc.getservbyname("icp", "udp") is not None:  # Debian's /etc/services
        assert get_service("icp", "udp") == Checked(3130)
        assert get_service("icp", "tcp") == Checked(None, "no digits were found in 'icp'")
        assert get_service("http", "tcp") == Checked(80)


# --- addresses: glibc's resolver and inet_* as the oracle -----------------------------------------


def _glibc_numeric(text: str) -> bytes | None:
    try:
        infos = socket.getaddrinfo(text, None, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    family, *_, addr = infos[0]
    if family == socket.AF_INET:
        return bytes(10) + b"\xff\xff" + socket.inet_aton(str(addr[0]))
    return socket.inet_pton(socket.AF_INET6, str(addr[0]).split("%")[0])


HOSTISH = st.text(alphabet="0123456789abcdefxX.:", min_size=1, max_size=14)


@needs_glibc
@settings(max_examples=3000, deadline=None)
@given(HOSTISH)
def test_numeric_host_matches_getaddrinfo(text: str) -> None:
    assert numeric_host(text) == _glibc_numeric(text)


@needs_glibc
@pytest.mark.parametrize("text", [
    "127.1", "2130706433", "0x7f.1", "0177.0.0.1", "08", "0x", "0x.1", "1.0x",
    "4294967295", "4294967296", "1.2.3.4.", "1.2.3.04", "::1", "::", "1::", ":1",
    "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "1::2:3:4:5:6:7:8", "::1.2.3.4",
    "1:2:3:4:5:6:1.2.3.4", "::ffff:1.2.3.04", "fe80::1%2", "fe80::1%eth99", "12345::",
    "fe80::1%4294967295", "fe80::1%4294967296", "fe80::1%" + "9" * 5000, "2001:db8::1%7",
    "1." + "9" * 5000, "9" * 5000, "0x" + "f" * 5000,
])
def test_numeric_host_edge_cases(text: str) -> None:
    assert numeric_host(text) == _glibc_numeric(text)


@needs_glibc
@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123456789xX.abf ", max_size=16))
def test_inet_aton_matches_glibc_when_nothing_follows(text: str) -> None:
    out = ctypes.create_string_buffer(4)
    ok = C.inet_aton(text.encode(), out)
    exact = ok and " " not in text  # inet_aton takes anything after a blank; exact does not
    expected = int.from_bytes(out.raw, "big") if exact else None
    assert inet_aton(text) == expected


def test_inet_aton_parts() -> None:
    assert inet_aton("1.2.3") == 0x01020003
    assert inet_aton("1.65535") == 0x0100FFFF
    assert inet_aton("1.2.3.256") is None
    assert inet_aton("+1.2.3.4") is None


@given(st.binary(min_size=16, max_size=16) | st.lists(
    st.sampled_from([0, 0, 0, 1, 0xFF, 0x12]), min_size=16, max_size=16).map(bytes))
def test_inet_ntop6_matches_libc(addr: bytes) -> None:
    assert inet_ntop6(addr) == socket.inet_ntop(socket.AF_INET6, addr)


@given(st.text(alphabet="0123456789abcdefABCDEF:.", max_size=24))
def test_inet_pton6_matches_libc(text: str) -> None:
    try:
        expected: bytes | None = socket.inet_pton(socket.AF_INET6, text)
    except OSError:
        expected = None
    assert inet_pton6(text) == expected


# --- C doubles and ints on x86-64 --------------------------------------------------------------


def test_c_double_helpers() -> None:
    assert math.isnan(c_div(0.0, 0.0)) and math.copysign(1.0, c_div(0.0, 0.0)) < 0
    assert c_div(1.0, 0.0) == math.inf and c_div(-1.0, 0.0) == -math.inf
    assert c_pow(0.0, -1.0) == math.inf
    assert c_pow(-0.0, -1.0) == -math.inf
    assert math.isnan(c_pow(-2.0, 0.5))
    assert c_pow(10.0, 400.0) == math.inf
    assert c_int_sum([INT_MAX, 1]) == -(2**31)
    assert c_int_sum([1, 2]) == 3


def test_c_case_folds_ascii_letters_only() -> None:
    """C's tolower/toupper (strcasecmp, strncasecmp): ASCII letters only, unlike str methods
    (``ſ``.upper() is ``S``, the Kelvin sign's lower() is ``k``)."""
    from squidcarp.libc import c_lower, c_upper

    assert c_upper("https/1.1 \u017f\u0131") == "HTTPS/1.1 \u017f\u0131"
    assert c_lower("KB \u212aB \u00c9") == "kb \u212ab \u00c9"
    word = "".join(["HT", "TP"])
    assert c_upper(word) is word and c_lower(word.lower()) == "http"


def test_port_protocol_is_read_in_ascii_upper_case() -> None:
    """Squid upper-cases protocol= in ASCII only: 'ftpſ' is FTPſ (unsupported), not FTPS."""
    from squidcarp.conf import read_bytes

    r = read_bytes("http_port 3128 accel protocol=ftp\u017f\n".encode(), "t.conf")
    assert [e.message for e in r.events if e.kind.value != "include-relative"][-1:] == [
        "http_port: protocol=FTP\u017f is not supported (HTTP, HTTPS or FTP): Squid stops"]
