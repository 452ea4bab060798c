"""A CARP array: members, their load multipliers, and which member owns a request (src/carp.cc).

Build one from members given in code (:meth:`CarpArray.from_members`), from a parsed squid.conf
(:func:`squidcarp.carp.fromconf.array_from_config`) or from a plain description
(:func:`squidcarp.carp.fromconf.array_from_description`).

What Squid 5 does at start-up (``carpInit``), and so what this does:

1. members are the ``carp`` parents in config order; W is the sum of their weights (a C ``int``);
2. each member's hash is computed over the bytes of its name (case-sensitive);
3. its load factor is ``weight / W``, or 0 when ``floor(factor * 1000) == 0`` (weight·1000 < W);
4. members are sorted by weight, ties kept in config order (glibc's ``qsort`` is a merge sort);
5. load multipliers follow the CARP recurrence in that order, with C doubles and ``pow``. One zero
   factor makes that member's multiplier 0, the next one's +inf and all later ones NaN (the +inf
   member then wins every request it is up for); two or more make every later multiplier NaN
   (CARP never picks, Squid falls through to the first parent that is up).

Per request (``carpSelectParent``) members are visited in sorted order; one 32-bit hash ``u`` keeps
absorbing each member's key and is never reset, so member k's hash covers the keys of members
1..k. A member wins if its score is strictly greater than the best so far (starting at 0.0) and it
is usable; equal scores go to the earlier member; a zero or NaN score never wins.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from squidcarp.carp.hash import accumulate, combine, peer_hash
from squidcarp.carp.key import KeySpec, carp_key, key_spec
from squidcarp.carp.url import Request, Uri, parse
from squidcarp.conf.model import CarpKeyPart

# weights and their sum are C ints (src/CachePeer.h, src/carp.cc), computed as x86-64 does
from squidcarp.libc import INT_MAX
from squidcarp.libc import c_div as _c_div
from squidcarp.libc import c_int_sum as _c_int_sum
from squidcarp.libc import c_pow as _c_pow


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value


@dataclass(frozen=True)
class Member:
    """One CARP parent: the name CARP hashes, its weight and its ``carp-key`` parts (or None)."""

    name: bytes | str
    weight: int = 1
    carp_key: tuple[CarpKeyPart, ...] | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a CARP member needs a non-empty name")
        if isinstance(self.weight, bool) or not isinstance(self.weight, int):
            raise TypeError(f"weight of {self.label} must be an int, not {self.weight!r}")
        if not 1 <= self.weight <= INT_MAX:
            raise ValueError(
                f"weight of {self.label} must be 1..{INT_MAX} (squid.conf turns weight<1 into 1)"
            )

    @property
    def name_bytes(self) -> bytes:
        """The bytes Squid hashes for this member."""
        return _as_bytes(self.name)

    @property
    def label(self) -> str:
        """The name as text (bytes that are not UTF-8 are kept as surrogate escapes)."""
        if isinstance(self.name, str):
            return self.name
        return self.name.decode("utf-8", "surrogateescape")

    @property
    def spec(self) -> KeySpec:
        return key_spec(self.carp_key)


@dataclass(frozen=True)
class MemberState:
    """A member as ``carpInit`` leaves it: what ``mgr:carp`` prints, plus its place in the order."""

    member: Member
    config_index: int
    position: int
    """Index in evaluation order (sorted by weight, ties in config order)."""
    hash: int
    load_factor: float
    multiplier: float


@dataclass(frozen=True)
class Score:
    """One member's part in one request's evaluation."""

    member: Member
    position: int
    key: bytes
    """The bytes this member added to the running hash."""
    combined_hash: int
    multiplier: float
    score: float
    """``(double) combined_hash * multiplier``."""
    eligible: bool
    """The score can win at all: it is > 0 (neither 0 nor NaN)."""
    down: bool = False


@dataclass(frozen=True)
class Ranking:
    """Every member for one request, in the order Squid would use them.

    ``entries[0]`` is the owner when it is eligible and up. Squid picks the usable member with the
    highest score, so when members are down or denied by cache_peer_access the next entry that is
    usable wins. Down members (given to :meth:`CarpArray.ranking`) come after the usable ones and
    members whose score can never win (0 or NaN) come last, in evaluation order.
    """

    uri: Uri
    entries: tuple[Score, ...]
    evaluation: tuple[Score, ...]
    """The same scores in Squid's evaluation order (what its debug log shows)."""

    @property
    def owner(self) -> Member | None:
        for entry in self.entries:
            if entry.eligible and not entry.down:
                return entry.member
        return None


def load_factors(weights: Iterable[int]) -> tuple[float, ...]:
    """``weight / W`` per member, 0 where ``floor(factor * 1000) == 0`` (src/carp.cc)."""
    ws = tuple(weights)
    total = float(_c_int_sum(ws))
    out = []
    for w in ws:
        lf = _c_div(float(w), total)
        if math.isfinite(lf) and math.floor(lf * 1000.0) == 0:
            lf = 0.0
        out.append(lf)
    return tuple(out)


def load_multipliers(sorted_factors: Iterable[float]) -> tuple[float, ...]:
    """The CARP recurrence over load factors already in evaluation order (src/carp.cc carpInit)."""
    factors = tuple(sorted_factors)
    k_total = len(factors)
    p_last, x_last, x_product = 0.0, 0.0, 1.0
    out = []
    for k, lf in enumerate(factors, start=1):
        kk1 = float(k_total - k + 1)
        x = _c_div(kk1 * (lf - p_last), x_product)
        x += _c_pow(x_last, kk1)
        x = _c_pow(x, 1.0 / kk1)
        x_product *= x
        x_last = x
        p_last = lf
        out.append(x)
    return tuple(out)


@dataclass(frozen=True)
class CarpArray:
    """The CARP members of one Squid, in config order, and everything ``carpInit`` derives.

    ``signed_char`` chooses how key and name bytes >= 0x80 are added: sign-extended, as on x86 (the
    default), or as they are, as on ARM/PowerPC Linux where ``char`` is unsigned.
    """

    members: tuple[Member, ...]
    signed_char: bool = True
    states: tuple[MemberState, ...] = field(init=False, repr=False, compare=False)
    """Members in evaluation order with hash, load factor and multiplier."""

    def __post_init__(self) -> None:
        members = tuple(self.members)
        object.__setattr__(self, "members", members)
        seen: dict[bytes, str] = {}
        for m in members:
            low = m.name_bytes.lower()
            if low in seen:
                raise ValueError(
                    f"CARP member '{m.label}' specified twice (Squid compares names "
                    f"case-insensitively: '{seen[low]}')"
                )
            seen[low] = m.label
        factors = load_factors(m.weight for m in members)
        order = sorted(range(len(members)), key=lambda i: members[i].weight)  # stable
        multipliers = load_multipliers(factors[i] for i in order)
        states = tuple(
            MemberState(
                member=members[i],
                config_index=i,
                position=pos,
                hash=peer_hash(members[i].name_bytes, self.signed_char),
                load_factor=factors[i],
                multiplier=multipliers[pos],
            )
            for pos, i in enumerate(order)
        )
        object.__setattr__(self, "states", states)

    @classmethod
    def from_members(
        cls,
        members: Iterable[Member | tuple[bytes | str, int] | bytes | str],
        signed_char: bool = True,
    ) -> CarpArray:
        """An array from members, ``(name, weight)`` pairs or bare names (weight 1)."""
        built: list[Member] = []
        for m in members:
            if isinstance(m, Member):
                built.append(m)
            elif isinstance(m, tuple):
                built.append(Member(m[0], m[1]))
            else:
                built.append(Member(m))
        return cls(tuple(built), signed_char)

    # --- lookups -------------------------------------------------------------------------------

    def table(self) -> tuple[MemberState, ...]:
        """Member states in config order, as ``mgr:carp`` lists them."""
        return tuple(sorted(self.states, key=lambda s: s.config_index))

    def member(self, name: str | bytes) -> Member:
        """The member called ``name``, compared case-insensitively like Squid's peerFindByName."""
        low = _as_bytes(name).lower()
        for m in self.members:
            if m.name_bytes.lower() == low:
                return m
        raise KeyError(name)

    @property
    def key_specs(self) -> tuple[KeySpec, ...]:
        """Each member's carp-key spec in evaluation order."""
        return tuple(s.member.spec for s in self.states)

    # --- routing -------------------------------------------------------------------------------

    def evaluate(self, request: Request | bytes | str | Uri) -> tuple[Uri, tuple[Score, ...]]:
        """Score every member for ``request`` (or a URI already parsed) in evaluation order
        (raises NotRoutable)."""
        uri = request if isinstance(request, Uri) else parse(request)
        u = 0
        keys: dict[KeySpec, bytes] = {}
        scores = []
        for st in self.states:
            spec = st.member.spec
            key = keys.get(spec)
            if key is None:
                key = keys[spec] = carp_key(uri, spec)
            u = accumulate(key, u, self.signed_char)
            c = combine(u, st.hash)
            s = float(c) * st.multiplier
            scores.append(Score(st.member, st.position, key, c, st.multiplier, s, s > 0.0))
        return uri, tuple(scores)

    def ranking(
        self, request: Request | bytes | str | Uri, down: frozenset[str] = frozenset()
    ) -> Ranking:
        """All members for ``request``, owner first, in Squid's fall-back order.

        ``down`` names members (by :attr:`Member.label`) that are down or denied; they are moved
        after the usable ones, exactly as Squid skips them.
        """
        uri, evaluation = self.evaluate(request)
        return self.ranking_of(uri, evaluation, down)

    def ranking_of(self, uri: Uri, evaluation: tuple[Score, ...],
                   down: frozenset[str] = frozenset()) -> Ranking:
        """:meth:`ranking` from scores :meth:`evaluate` already computed for ``uri``."""
        marked = tuple(replace(s, down=s.member.label in down) for s in evaluation)

        def order(s: Score) -> tuple[int, float, int]:
            if not s.eligible:
                return (2, 0.0, s.position)
            return (1 if s.down else 0, -s.score, s.position)

        return Ranking(uri, tuple(sorted(marked, key=order)), marked)

    def owner(
        self, request: Request | bytes | str, down: frozenset[str] = frozenset()
    ) -> Member | None:
        """The member Squid's CARP picks for ``request``; None when it picks nothing.

        Raises :class:`squidcarp.carp.url.NotRoutable` for targets Squid rejects with 400.
        """
        _, evaluation = self.evaluate(request)
        best: Member | None = None
        high = 0.0
        for s in evaluation:
            if s.score > high and s.member.label not in down:
                best, high = s.member, s.score
        return best
