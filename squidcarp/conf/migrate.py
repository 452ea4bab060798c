"""Legacy CARP (Squid 2.5 ``carp-load-factor=F``) to modern ``carp weight=N``.

Squid 2.6/3.0 replaced per-peer load factors by ``carp`` plus ``weight=`` (factor = weight / sum of
weights). Squid 3.4 and later ignore ``carp-load-factor=`` with an ERROR line and exit 0, so the
peers silently stop being CARP members. The migration gives each peer the smallest integer weights
whose shares equal the old factors exactly, touching only those tokens.

A factor is what Squid 2.5 read with ``atof``, taken exactly (``0.1`` is one tenth, not the
double nearest to it), so it must be a number a C double holds: ``1e5000`` is refused, and
``1e-999999999`` is 0 (a zero factor gets weight 1). The weights must be ones Squid 5 takes: each
``weight=`` is a C ``int`` and CARP adds them up in an ``int`` (src/carp.cc ``carpInit``), so a plan
whose weights do not fit is refused with the reason instead of written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from squidcarp.conf.facts.peer import LEGACY_OPTION
from squidcarp.conf.model import CachePeer, PeerOption
from squidcarp.conf.reader import ReadResult
from squidcarp.conf.render import Edit, RenderError, render
from squidcarp.libc import INT_MAX, xatof


@dataclass(frozen=True)
class LegacyPeer:
    peer: CachePeer
    option: PeerOption
    factor: Fraction | None
    """The factor as an exact fraction, or None if it is not a number."""
    problem: str | None = None
    """Why the factor is not usable (None when it is)."""


def legacy_peers(config_peers: tuple[CachePeer, ...]) -> list[LegacyPeer]:
    out: list[LegacyPeer] = []
    for peer in config_peers:
        for opt in peer.options:
            text = opt.text
            if not opt.known and text.startswith(LEGACY_OPTION):
                factor, problem = _fraction(text[len(LEGACY_OPTION):])
                out.append(LegacyPeer(peer, opt, factor, problem))
    return out


def _fraction(text: str) -> tuple[Fraction | None, str | None]:
    """The factor exactly, or why it cannot be one."""
    value = xatof(text)  # strtod over the whole word: what "a number" means to C
    if value is None or not math.isfinite(value) or value < 0:
        what = ("is larger than a C double holds" if value is not None and math.isinf(value)
                and value > 0 else "is not a number")
        return None, what
    if value == 0:
        return Fraction(0), None  # 0, or smaller than any double (1e-999999999): Squid read 0
    try:
        exact = Decimal(text)
    except InvalidOperation:  # a hex float: strtod's value is exact
        return Fraction(value), None
    return Fraction(exact), None


def smallest_weights(factors: list[Fraction]) -> list[int]:
    """Smallest positive integers proportional to ``factors`` (zero factors become weight 1)."""
    positive = [f for f in factors if f > 0]
    if not positive:
        return [1 for _ in factors]
    lcm = 1
    for f in positive:
        lcm = lcm * f.denominator // math.gcd(lcm, f.denominator)
    ints = [int(f * lcm) for f in factors]
    g = 0
    for n in ints:
        g = math.gcd(g, n)
    return [max(1, n // g) for n in ints]


def weights_problem(weights: list[int], others: int = 0) -> str | None:
    """Why Squid would not take these weights (``others``: the weights of CARP members that
    keep theirs), or None."""
    total = sum(weights) + others
    if not weights or (max(weights) <= INT_MAX and total <= INT_MAX):
        return None
    return (f"the exact shares need weights up to {_short(max(weights))} (adding up to "
            f"{_short(total)}), more than Squid takes: weight= is a C int and CARP adds the "
            f"weights in an int, at most {INT_MAX}; round the factors (e.g. to 3 decimals)")


def _short(n: int) -> str:
    digits = str(n) if n < 10**30 else f"about 10^{len(str(n)) - 1}"
    return digits


def share(total: Fraction) -> str:
    """A sum of factors for a message (``%g``, or a bound when no double holds it)."""
    return f"{float(total):g}" if total < 10**300 else "more than 1e300"


@dataclass(frozen=True)
class Migration:
    edits: tuple[Edit, ...]
    outputs: dict[str, bytes]
    """File label -> new bytes, for every file that changes."""
    weights: dict[str, int]
    invalid: tuple[str, ...]
    """Why nothing should be written (factors that are no numbers, weights Squid would refuse,
    edits that do not match the text)."""
    notes: tuple[str, ...]


def migrate(read: ReadResult) -> Migration:
    legacy = legacy_peers(read.config.peers)
    invalid = [f"{lp.option.token.pos}: '{lp.option.token.text}' {lp.problem}"
               for lp in legacy if lp.problem is not None]
    notes: list[str] = []
    usable = [lp for lp in legacy if lp.factor is not None]
    weights = smallest_weights([lp.factor for lp in usable if lp.factor is not None])
    migrated = {id(lp.peer) for lp in usable}
    others = sum(p.weight for p in read.config.carp_peers if id(p) not in migrated)
    problem = weights_problem(weights, others)
    if problem is not None and usable:
        invalid.append(f"{usable[0].option.token.pos}: {problem}")
    edits: list[Edit] = []
    by_name: dict[str, int] = {}
    for lp, weight in zip(usable, weights, strict=True):
        peer = lp.peer
        parts = []
        if not peer.carp:
            parts.append("carp")
        if peer.weight_given is not None:
            notes.append(f"{lp.option.token.pos}: peer '{peer.name}' already has weight="
                         f"{peer.weight_given}; its carp-load-factor was replaced by weight="
                         f"{weight} and the old weight= should be removed by hand")
        parts.append(f"weight={weight}")
        edits.append(Edit(lp.option.token, " ".join(parts)))
        by_name[peer.name] = weight
    outputs = {}
    if not invalid:
        for label, source in read.files.items():
            try:
                new = render(source, edits)
            except RenderError as exc:
                invalid.append(str(exc))
                continue
            if new != source.data:
                outputs[label] = new
    return Migration(tuple(edits), outputs if not invalid else {}, by_name, tuple(invalid),
                     tuple(notes))
