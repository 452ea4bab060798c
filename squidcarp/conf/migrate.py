"""Legacy CARP (Squid 2.5 ``carp-load-factor=F``) to modern ``carp weight=N``.

Squid 2.6/3.0 replaced per-peer load factors by ``carp`` plus ``weight=`` (factor = weight / sum of
weights). Squid 3.4 and later ignore ``carp-load-factor=`` with an ERROR line and exit 0, so the
peers silently stop being CARP members. The migration gives each peer the smallest integer weights
whose shares equal the old factors exactly, touching only those tokens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from squidcarp.conf.known import LEGACY_OPTION
from squidcarp.conf.model import CachePeer, PeerOption
from squidcarp.conf.reader import ReadResult
from squidcarp.conf.render import Edit, render


@dataclass(frozen=True)
class LegacyPeer:
    peer: CachePeer
    option: PeerOption
    factor: Fraction | None
    """The factor as an exact fraction, or None if it is not a number."""


def legacy_peers(config_peers: tuple[CachePeer, ...]) -> list[LegacyPeer]:
    out: list[LegacyPeer] = []
    for peer in config_peers:
        for opt in peer.options:
            text = opt.token.text
            if not opt.known and text.startswith(LEGACY_OPTION):
                out.append(LegacyPeer(peer, opt, _fraction(text[len(LEGACY_OPTION):])))
    return out


def _fraction(text: str) -> Fraction | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0:
        return None
    return Fraction(value)


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


@dataclass(frozen=True)
class Migration:
    edits: tuple[Edit, ...]
    outputs: dict[str, bytes]
    """File label -> new bytes, for every file that changes."""
    weights: dict[str, int]
    invalid: tuple[str, ...]
    """Factors that are not numbers: nothing should be written."""
    notes: tuple[str, ...]


def migrate(read: ReadResult) -> Migration:
    legacy = legacy_peers(read.config.peers)
    invalid = [f"{lp.option.token.pos}: '{lp.option.token.text}' is not a number"
               for lp in legacy if lp.factor is None]
    notes: list[str] = []
    usable = [lp for lp in legacy if lp.factor is not None]
    weights = smallest_weights([lp.factor for lp in usable if lp.factor is not None])
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
    for label, source in read.files.items():
        new = render(source, edits)
        if new != source.data:
            outputs[label] = new
    return Migration(tuple(edits), outputs, by_name, tuple(invalid), tuple(notes))
