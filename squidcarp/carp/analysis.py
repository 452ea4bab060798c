"""What an array does with a set of URLs, and what moves when the array changes.

* :func:`distribution`: requests per member against the share its weight asks for.
* :class:`AddMember`, :class:`RemoveMember`, :class:`Reweight`, :class:`Rename`: changes to an
  array (each ``apply(array) -> CarpArray``), and :func:`disruption`: how many requests change
  owner, against the least that any scheme would have to move.

The minimum is the total-variation distance between the two owner distributions: to turn the
"before" counts into the "after" counts at least ``½ Σ |before_m - after_m|`` requests must change
hands. A renamed member counts as the same cache on both sides (its contents could be kept), so a
rename's minimum is 0, although CARP moves the requests it owned because the name is hashed.
Requests CARP picks no owner for form a bucket of their own; requests Squid cannot route are left
out on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from squidcarp.carp.array import CarpArray, Member
from squidcarp.carp.batch import NOT_ROUTABLE, BatchResult


def _as_bytes(name: str | bytes) -> bytes:
    return name.encode("utf-8", "surrogateescape") if isinstance(name, str) else name


@dataclass(frozen=True)
class MemberShare:
    name: str
    weight: int
    count: int
    share: float
    """count / requests with an owner (0.0 when there are none)."""
    expected_share: float
    """weight / total weight: what the array is configured to give this member."""


@dataclass(frozen=True)
class Distribution:
    total: int
    """Every request in the batch."""
    routed: int
    """Requests that CARP gave an owner."""
    no_owner: int
    """Requests CARP picked nothing for (zero-factor collapse, or every candidate down)."""
    not_routable: int
    """Requests Squid would reject before CARP (HTTP 400)."""
    members: tuple[MemberShare, ...]
    """In config order."""


def distribution(array: CarpArray, result: BatchResult) -> Distribution:
    """Per-member counts and shares of ``result`` (routed through ``array``)."""
    counts = result.counts()
    routed = int(counts.sum())
    total_weight = sum(m.weight for m in array.members)
    members = tuple(
        MemberShare(
            m.label,
            m.weight,
            int(c),
            (int(c) / routed) if routed else 0.0,
            m.weight / total_weight if total_weight else 0.0,
        )
        for m, c in zip(array.members, counts, strict=True)
    )
    return Distribution(len(result), routed, result.no_owner, result.not_routable, members)


# --- changes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddMember:
    name: str | bytes
    weight: int = 1

    def apply(self, array: CarpArray) -> CarpArray:
        """A new member at the end of the config."""
        return CarpArray((*array.members, Member(self.name, self.weight)), array.signed_char)

    def __str__(self) -> str:
        return f"add {_label(self.name)}:{self.weight}"


@dataclass(frozen=True)
class RemoveMember:
    name: str | bytes

    def apply(self, array: CarpArray) -> CarpArray:
        gone = _find(array, self.name)
        return CarpArray(tuple(m for m in array.members if m is not gone), array.signed_char)

    def __str__(self) -> str:
        return f"remove {_label(self.name)}"


@dataclass(frozen=True)
class Reweight:
    name: str | bytes
    weight: int

    def apply(self, array: CarpArray) -> CarpArray:
        target = _find(array, self.name)
        members = tuple(
            Member(m.name, self.weight, m.carp_key) if m is target else m for m in array.members
        )
        return CarpArray(members, array.signed_char)

    def __str__(self) -> str:
        return f"reweight {_label(self.name)}:{self.weight}"


@dataclass(frozen=True)
class Rename:
    old: str | bytes
    new: str | bytes

    def apply(self, array: CarpArray) -> CarpArray:
        target = _find(array, self.old)
        members = tuple(
            Member(self.new, m.weight, m.carp_key) if m is target else m for m in array.members
        )
        return CarpArray(members, array.signed_char)

    def __str__(self) -> str:
        return f"rename {_label(self.old)}:{_label(self.new)}"


Change = AddMember | RemoveMember | Reweight | Rename


def _label(name: str | bytes) -> str:
    return name if isinstance(name, str) else name.decode("utf-8", "surrogateescape")


def _find(array: CarpArray, name: str | bytes) -> Member:
    try:
        return array.member(name)
    except KeyError:
        raise ValueError(f"no CARP member named '{_label(name)}'") from None


def apply_changes(array: CarpArray, changes: Sequence[Change]) -> tuple[CarpArray, dict[str, str]]:
    """The changed array, and for each member of ``array`` that survives, its label afterwards."""
    identity = {m.label: m.label for m in array.members}
    current = array
    for change in changes:
        if isinstance(change, Rename):
            old = _find(current, change.old).label
            current = change.apply(current)
            for before, now in identity.items():
                if now == old:
                    identity[before] = _label(change.new)
        elif isinstance(change, RemoveMember):
            gone = _find(current, change.name).label
            current = change.apply(current)
            identity = {k: v for k, v in identity.items() if v != gone}
        else:
            current = change.apply(current)
    return current, identity


# --- disruption -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disruption:
    requests: int
    """Requests Squid can route (the others are left out)."""
    moved: int
    """Requests whose owner is a different cache afterwards."""
    minimum: int
    """The fewest requests any scheme would have to move to reach the new distribution."""
    ideal_share: float
    """The same minimum from the weights alone (what the change asks for)."""

    @property
    def moved_share(self) -> float:
        return self.moved / self.requests if self.requests else 0.0

    @property
    def minimum_share(self) -> float:
        return self.minimum / self.requests if self.requests else 0.0


def disruption(
    before: CarpArray,
    before_result: BatchResult,
    after: CarpArray,
    after_result: BatchResult,
    identity: dict[str, str] | None = None,
) -> Disruption:
    """Compare owners before and after a change; ``identity`` maps before-labels to after-labels
    for members that are the same cache (default: same label)."""
    if len(before_result) != len(after_result):
        raise ValueError("both results must cover the same requests")
    same = identity if identity is not None else {m.label: m.label for m in before.members}
    after_index = {m.label: i for i, m in enumerate(after.members)}
    # Map before's config indexes into after's index space; members that vanished get new codes.
    extra = len(after.members)
    mapping = np.empty(len(before.members), dtype=np.int64)
    for i, m in enumerate(before.members):
        target = same.get(m.label)
        if target is not None and target in after_index:
            mapping[i] = after_index[target]
        else:
            mapping[i] = extra
            extra += 1
    b = before_result.owners.astype(np.int64)
    a = after_result.owners.astype(np.int64)
    keep = (b != NOT_ROUTABLE) & (a != NOT_ROUTABLE)
    b, a = b[keep], a[keep]
    b_mapped = np.where(b >= 0, mapping[np.clip(b, 0, None)], extra)  # NO_OWNER -> own bucket
    a_mapped = np.where(a >= 0, a, extra)
    moved = int(np.count_nonzero(b_mapped != a_mapped))
    buckets = extra + 1
    diff = np.bincount(b_mapped, minlength=buckets) - np.bincount(a_mapped, minlength=buckets)
    minimum = int(np.abs(diff).sum()) // 2
    # From weights: shares before (mapped) vs after.
    wb = np.zeros(buckets)
    wa = np.zeros(buckets)
    tb = sum(m.weight for m in before.members) or 1
    ta = sum(m.weight for m in after.members) or 1
    for i, m in enumerate(before.members):
        wb[mapping[i]] += m.weight / tb
    for i, m in enumerate(after.members):
        wa[i] += m.weight / ta
    ideal = float(np.abs(wb - wa).sum()) / 2
    return Disruption(int(keep.sum()), moved, minimum, ideal)
