"""The CARP hash functions, bit for bit as Squid 5 computes them (src/carp.cc).

All arithmetic is on 32-bit unsigned integers (``unsigned int`` on every platform Squid runs on);
Python ints are masked with :data:`MASK32` after each step.

Squid adds each key byte to the hash as a C ``char``. Where ``char`` is signed (x86, x86-64: the
platforms the corpus was recorded on) a byte >= 0x80 is sign-extended first, i.e. ``b - 256`` is
added; ARM, PowerPC and s390 Linux use an unsigned ``char`` and add ``b`` itself. Every function
takes ``signed_char`` to choose; the default is the x86 behaviour.
"""

from __future__ import annotations

MASK32 = 0xFFFFFFFF
URL_ROTATION = 19  # src/carp.cc: ROTATE_LEFT(hash, 19) for every key and name byte
FINAL_ROTATION = 21  # src/carp.cc: ROTATE_LEFT(hash, 21) after the multiply step
HASH_MULTIPLIER = 0x62531965  # src/carp.cc: hash += hash * 0x62531965

# u + rotl(u, 19) == u * (1 + 2**19) + (u >> 13) (mod 2**32): the two halves of the rotation
# never overlap, so the OR is an addition. The batch engine relies on this identity.
URL_STEP_MULTIPLIER = 1 + (1 << URL_ROTATION)
URL_STEP_SHIFT = 32 - URL_ROTATION
# h + h * M == h * (1 + M) (mod 2**32).
COMBINE_MULTIPLIER = (1 + HASH_MULTIPLIER) & MASK32


def rotl32(x: int, n: int) -> int:
    """Rotate the 32-bit value ``x`` left by ``n`` bits (Squid's ``ROTATE_LEFT``), 0 < n < 32."""
    x &= MASK32
    return ((x << n) | (x >> (32 - n))) & MASK32


def char_value(b: int, signed_char: bool = True) -> int:
    """The 32-bit addend for key byte ``b``: what ``(unsigned int) (char) b`` is in C."""
    if not 0 <= b <= 0xFF:
        raise ValueError(f"not a byte: {b}")
    if signed_char and b >= 0x80:
        return (b - 0x100) & MASK32
    return b


SIGNED_ADDENDS: tuple[int, ...] = tuple(char_value(b, True) for b in range(256))
UNSIGNED_ADDENDS: tuple[int, ...] = tuple(range(256))


def _addends(signed_char: bool) -> tuple[int, ...]:
    return SIGNED_ADDENDS if signed_char else UNSIGNED_ADDENDS


def accumulate(key: bytes, u: int = 0, signed_char: bool = True) -> int:
    """Run the per-byte step ``u += rotl32(u, 19) + char(b)`` over ``key``, starting from ``u``.

    Squid never resets ``u`` between members: member k's hash is the accumulation over the keys
    of members 1..k (src/carp.cc ``carpSelectParent``).
    """
    add = _addends(signed_char)
    for b in key:
        u = (u + ((u << URL_ROTATION) | (u >> URL_STEP_SHIFT)) + add[b]) & MASK32
    return u


def peer_hash(name: bytes, signed_char: bool = True) -> int:
    """A member's hash over the bytes of its name (src/carp.cc ``carpInit``)."""
    h = accumulate(name, 0, signed_char)
    h = (h + h * HASH_MULTIPLIER) & MASK32
    return rotl32(h, FINAL_ROTATION)


def combine(u: int, member_hash: int) -> int:
    """The combined hash of an accumulated key hash and a member hash (src/carp.cc)."""
    c = (u ^ member_hash) & MASK32
    c = (c + c * HASH_MULTIPLIER) & MASK32
    return rotl32(c, FINAL_ROTATION)


def score(combined_hash: int, multiplier: float) -> float:
    """``(double) combined_hash * load_multiplier``, as C computes it (IEEE double)."""
    return float(combined_hash) * multiplier
