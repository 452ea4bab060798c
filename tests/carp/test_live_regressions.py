"""Cases where squidcarp disagreed with a live Squid 5.7 (integration/test_carp_vs_squid.py).

mgr:carp multipliers of collapsed arrays: Squid prints the NaN multipliers with their sign
(glibc printf: ``nan`` / ``-nan``). The sign comes from x86-64's default NaN (0.0/0.0 sets the
sign bit) and from glibc's ``pow``, which for a NaN base returns ``x * x`` negated when the base is
negative and the exponent an odd integer, so the last member (exponent 1/1) prints ``nan``.
Recorded from Squid 5.7 on x86-64 Debian, frontends of the live comparison test.
"""

from __future__ import annotations

import math

import pytest

from squidcarp.carp import CarpArray
from squidcarp.carp.array import load_multipliers


def printf_f(value: float) -> str:
    """``printf("%f")`` as glibc writes it."""
    if math.isnan(value):
        return "-nan" if math.copysign(1.0, value) < 0 else "nan"
    if math.isinf(value):
        return "-inf" if value < 0 else "inf"
    return f"{value:f}"


# (name, weight) in config order -> mgr:carp rows (name, hash %x, multiplier %f, factor %f)
MGR_CARP = {
    "one zero factor": (
        [("tiny", 1), ("big-1", 700), ("Big-2", 800), ("big-3", 900)],
        [
            ("tiny", "f30fdea6", "0.000000", "0.000000"),
            ("big-1", "125a2eae", "inf", "0.291545"),
            ("Big-2", "7a44f064", "-nan", "0.333195"),
            ("big-3", "6bd2c374", "nan", "0.374844"),
        ],
    ),
    "two zero factors": (
        [("z-first", 1), ("z-second", 1), ("huge-a", 3000), ("huge-b", 3000)],
        [
            ("z-first", "1106ee6", "0.000000", "0.000000"),
            ("z-second", "955a608f", "-nan", "0.000000"),
            ("huge-a", "a08e2bb7", "-nan", "0.499833"),
            ("huge-b", "cd5a761a", "nan", "0.499833"),
        ],
    ),
}


@pytest.mark.parametrize("scenario", sorted(MGR_CARP))
def test_mgr_carp_prints_the_same_nan_signs(scenario: str) -> None:
    members, rows = MGR_CARP[scenario]
    table = CarpArray.from_members(members).table()
    printed = [
        (s.member.label, f"{s.hash:x}", printf_f(s.multiplier), printf_f(s.load_factor))
        for s in table
    ]
    assert printed == rows


def _sign(x: float) -> str:
    assert math.isnan(x)
    return "-" if math.copysign(1.0, x) < 0 else "+"


def test_zero_over_zero_is_the_negative_default_nan() -> None:
    # Second of two zero factors: 3 * (0 - 0) / Xn with Xn == 0, then pow(-nan, 1/3) keeps it.
    multipliers = load_multipliers([0.0, 0.0, 0.5, 0.5])
    assert multipliers[0] == 0.0
    assert [_sign(m) for m in multipliers[1:]] == ["-", "-", "+"]


def test_pow_of_a_negative_nan_to_an_odd_integer_is_positive() -> None:
    # The last member's exponent is 1/1: glibc pow(-nan, 1.0) is +nan (Python's math.pow would
    # keep -nan); with only two members the second zero factor is that last member.
    (_, second) = load_multipliers([0.0, 0.0])
    assert _sign(second) == "+"
