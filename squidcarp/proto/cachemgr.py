"""Parsers of Squid 5's cache manager pages, sans-IO: page text in, frozen records out.

Pages (``http://NODE:PORT/squid-internal-mgr/PAGE``) and where Squid prints them:

* ``carp``: src/carp.cc ``carpCachemgr`` -> :func:`parse_carp`
* ``server_list``: src/neighbors.cc ``dump_peers`` -> :func:`parse_server_list`
* ``info``: src/stat.cc ``DumpInfo`` -> :func:`parse_info`
* ``counters``: src/stat.cc ``DumpCountersStats`` -> :func:`parse_counters`
* ``store_digest``: src/CacheDigest.cc ``cacheDigestReport`` and src/store_digest.cc
  ``storeDigestReport`` -> :func:`parse_store_digest`

A page that does not look like Squid's raises :class:`CacheManagerError` (a
:class:`~squidcarp.proto.errors.DecodeError`) naming the line and its character offset.
Fetching pages is the caller's business (the test harness, or the status command).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from squidcarp.proto.errors import DecodeError


class CacheManagerError(DecodeError):
    """The page does not look like the Squid page it should be."""

    def __init__(self, offset: int, line: int, reason: str) -> None:
        super().__init__(offset, f"line {line}: {reason}")
        self.line = line


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(1-based line number, offset of the line in ``text``, line without its end)."""
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        yield number, offset, line.rstrip("\r\n")
        offset += len(line)


# -- carp --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CarpRow:
    """One line of ``mgr:carp``: the peer's name, hash, load multiplier and load factor."""

    name: str
    hash: int
    multiplier: float  # may be inf or nan (src/carp.cc with load factors floored to 0)
    factor: float
    actual: float  # share of fetches so far, -1 before any


CARP_HEADER = ["Hostname", "Hash", "Multiplier", "Factor", "Actual"]  # src/carp.cc


def parse_carp(text: str) -> tuple[CarpRow, ...]:
    """Rows of ``mgr:carp`` (header ``Hostname Hash Multiplier Factor Actual``)."""
    rows = []
    lines = [item for item in _lines(text) if item[2].strip()]
    if not lines or lines[0][2].split() != CARP_HEADER:
        raise CacheManagerError(0, 1, f"not a mgr:carp page: {text[:200]!r}")
    for number, offset, line in lines[1:]:
        head, *numbers = line.rsplit(None, 4)
        try:
            if len(numbers) != 4:
                raise ValueError("expected a name and 4 numbers")
            rows.append(CarpRow(name=head.strip(), hash=int(numbers[0], 16),
                                multiplier=float(numbers[1]), factor=float(numbers[2]),
                                actual=float(numbers[3])))
        except ValueError as exc:
            raise CacheManagerError(offset, number, f"bad mgr:carp row {line!r}: {exc}") from None
    return tuple(rows)


# -- server_list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerStatus:
    """One peer block of ``mgr:server_list``."""

    kind: str  # Parent, Sibling, Multicast Group (Non-Peer on mgr:non_peers)
    name: str
    host: str
    http_port: int
    icp_port: int
    flags: tuple[str, ...]
    addresses: tuple[str, ...]
    status: str  # Up / Down
    fetches: int
    fields: tuple[tuple[str, str], ...] = ()  # every "KEY : value" line of the block, in order

    @property
    def up(self) -> bool:
        return self.status == "Up"

    def field(self, name: str) -> str | None:
        """The value of a block line such as ``PINGS SENT`` or ``LAST QUERY``."""
        return next((v for k, v in self.fields if k == name), None)


# src/neighbors.cc dump_peers prints neighborTypeStr() as "%-11.11s": "Multicast Group" comes out
# cut to "Multicast G".
PEER_KINDS = {"Parent": "Parent", "Sibling": "Sibling", "Multicast G": "Multicast Group",
              "Non-Peer": "Non-Peer"}


def parse_server_list(text: str) -> tuple[PeerStatus, ...]:
    """Peer blocks of ``mgr:server_list`` (empty when "There are no neighbors installed.")."""
    peers = []
    block: list[tuple[int, int, str]] = []
    for item in [*_lines(text), (0, len(text), "")]:
        if item[2].strip():
            block.append(item)
            continue
        if block:
            peer = _peer_block(block)
            if peer is not None:
                peers.append(peer)
            block = []
    return tuple(peers)


def _peer_block(block: list[tuple[int, int, str]]) -> PeerStatus | None:
    fields: list[tuple[str, str]] = []
    kind = name = ""
    host_line: tuple[int, int, str] | None = None
    for number, offset, line in block:
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key in PEER_KINDS and not kind:
            kind, name = PEER_KINDS[key], value
            continue
        if key == "Host" and host_line is None:
            host_line = (number, offset, value)
        fields.append((key, value))
    if not kind:
        return None
    first = dict(reversed(fields))
    if host_line is None:
        raise CacheManagerError(block[0][1], block[0][0], f"peer block {name!r} has no Host line")
    number, offset, host_value = host_line
    host_parts = host_value.rsplit("/", 2)
    try:
        if len(host_parts) != 3:
            raise ValueError("expected host/http-port/icp-port")
        host, http_port, icp_port = host_parts
        fetches = int(first.get("FETCHES", "0") or 0)
        return PeerStatus(
            kind=kind, name=name, host=host, http_port=int(http_port or 0),
            icp_port=int(icp_port or 0), flags=tuple(first.get("Flags", "").split()),
            addresses=tuple(v for k, v in fields if k.startswith("Address[")),
            status=first.get("Status", ""), fetches=fetches, fields=tuple(fields),
        )
    except ValueError as exc:
        raise CacheManagerError(offset, number, f"bad Host line {host_value!r} in peer block "
                                                f"{name!r}: {exc}") from None


# -- info --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InfoSection:
    """A section of ``mgr:info`` ("Connection information for squid:" ...): its entries as
    (key, value text) in page order. Lines like ``93 StoreEntries`` give ("StoreEntries", "93")."""

    title: str
    entries: tuple[tuple[str, str], ...]

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.entries if k == key), None)


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_COUNT_FIRST = re.compile(r"\s*([-+]?\d+(?:\.\d+)?)\s+(\S.*)")


def first_number(text: str) -> float | None:
    """The first number in a value (``"44.500 seconds"`` -> 44.5, ``"5min: 0.0%, ..."`` -> 5)."""
    m = _NUMBER.search(text)
    return float(m.group()) if m else None


@dataclass(frozen=True)
class InfoPage:
    """``mgr:info``: the version line, the top lines and every section."""

    version: str
    sections: tuple[InfoSection, ...]

    def section(self, prefix: str) -> InfoSection | None:
        """The first section whose title starts with ``prefix`` ("Resource usage")."""
        return next((s for s in self.sections if s.title.startswith(prefix)), None)

    def value(self, key: str) -> str | None:
        """The first entry named ``key`` in any section."""
        for s in self.sections:
            v = s.get(key)
            if v is not None:
                return v
        return None

    def number(self, key: str) -> float | None:
        v = self.value(key)
        return first_number(v) if v is not None else None

    @property
    def uptime_seconds(self) -> float | None:
        return self.number("UP Time")

    @property
    def clients(self) -> float | None:
        return self.number("Number of clients accessing cache")

    @property
    def http_requests(self) -> float | None:
        return self.number("Number of HTTP requests received")

    @property
    def icp_received(self) -> float | None:
        return self.number("Number of ICP messages received")

    @property
    def icp_sent(self) -> float | None:
        return self.number("Number of ICP messages sent")

    @property
    def htcp_received(self) -> float | None:
        return self.number("Number of HTCP messages received")

    @property
    def htcp_sent(self) -> float | None:
        return self.number("Number of HTCP messages sent")

    @property
    def file_descriptors_in_use(self) -> float | None:
        return self.number("Number of file desc currently in use")

    @property
    def file_descriptors_max(self) -> float | None:
        return self.number("Maximum number of file descriptors")

    @property
    def store_entries(self) -> float | None:
        return self.number("StoreEntries")

    def hit_ratio(self, key: str = "Hits as % of all requests") -> tuple[float, float] | None:
        """(5-minute, 60-minute) percentages of a ``5min: X%, 60min: Y%`` line."""
        v = self.value(key)
        if v is None:
            return None
        m = re.fullmatch(r"5min: *(-?\d+(?:\.\d+)?)%, 60min: *(-?\d+(?:\.\d+)?)%", v.strip())
        return (float(m.group(1)), float(m.group(2))) if m else None


INFO_FIRST_LINE = "Squid Object Cache: Version "  # src/stat.cc DumpInfo


def parse_info(text: str) -> InfoPage:
    """``mgr:info``. Lines without a leading tab either end with ``:`` (a section title) or are
    ``key: value`` lines of the untitled first section; tab-indented lines are entries."""
    lines = list(_lines(text))
    if not lines or not lines[0][2].startswith(INFO_FIRST_LINE):
        raise CacheManagerError(0, 1, f"not a mgr:info page: {text[:200]!r}")
    version = lines[0][2][len(INFO_FIRST_LINE) :].strip()
    sections: list[InfoSection] = []
    title = ""
    entries: list[tuple[str, str]] = []
    for number, offset, line in lines[1:]:
        if not line.strip():
            continue
        if line.startswith("\t") or line.startswith(" "):
            entries.append(_info_entry(line, number, offset))
            continue
        if line.rstrip().endswith(":") and not title_ended_entry(line):
            sections.append(InfoSection(title, tuple(entries)))
            title, entries = line.rstrip()[:-1], []
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise CacheManagerError(offset, number, f"neither a section title nor an entry: "
                                                    f"{line!r}")
        entries.append((key.strip(), value.strip()))
    sections.append(InfoSection(title, tuple(entries)))
    return InfoPage(version, tuple(s for s in sections if s.title or s.entries))


def title_ended_entry(line: str) -> bool:
    """``Build Info:`` with an empty value is an entry, not a section title."""
    return line.partition(":")[0] in ("Build Info", "Service Name")


def _info_entry(line: str, number: int, offset: int) -> tuple[str, str]:
    body = line.strip()
    key, sep, value = body.partition(":")
    if sep:
        return key.strip(), value.strip()
    m = _COUNT_FIRST.fullmatch(body)
    if m:
        return m.group(2).strip(), m.group(1)
    raise CacheManagerError(offset, number, f"an entry without ':' or a leading count: {line!r}")


# -- counters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counters:
    """``mgr:counters``: ``name = value`` lines in page order; ``sample_time`` apart."""

    sample_time: float
    values: tuple[tuple[str, int | float], ...]

    def as_dict(self) -> Mapping[str, int | float]:
        return dict(self.values)

    def __getitem__(self, name: str) -> int | float:
        for k, v in self.values:
            if k == name:
                return v
        raise KeyError(name)

    def get(self, name: str, default: int | float | None = None) -> int | float | None:
        try:
            return self[name]
        except KeyError:
            return default


_COUNTER_LINE = re.compile(r"([A-Za-z_][\w.]*) = (.*)")
_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?\d+\.\d*")
_SAMPLE_TIME = re.compile(r"(\d+)\.(\d{1,6})(?: \(.*\))?")


def parse_counters(text: str) -> Counters:
    """``mgr:counters``: every line ``name = number``; the first is ``sample_time = S.U (date)``."""
    sample_time: float | None = None
    values: list[tuple[str, int | float]] = []
    for number, offset, line in _lines(text):
        if not line.strip():
            continue
        m = _COUNTER_LINE.fullmatch(line.strip())
        if m is None:
            raise CacheManagerError(offset, number, f"not a 'name = value' line: {line!r}")
        name, value = m.group(1), m.group(2).strip()
        if name == "sample_time":
            # "%d.%d" of tv_sec and tv_usec: the microseconds are not zero-padded, so
            # "1796193942.54782" is 54782 us, not 0.54782 s (src/stat.cc DumpCountersStats).
            m = _SAMPLE_TIME.fullmatch(value)
            if m is None:
                raise CacheManagerError(offset, number, f"bad sample_time {value!r}")
            sample_time = int(m.group(1)) + int(m.group(2)) / 1e6
            continue
        if _INT.fullmatch(value):
            values.append((name, int(value)))
        elif _FLOAT.fullmatch(value):
            values.append((name, float(value)))
        else:
            raise CacheManagerError(offset, number, f"counter {name} is not a number: {value!r}")
    if sample_time is None:
        raise CacheManagerError(0, 1, f"not a mgr:counters page (no sample_time): {text[:200]!r}")
    return Counters(sample_time, tuple(values))


# -- store_digest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreDigestReport:
    """``mgr:store_digest`` while digest generation is on: the local digest's statistics."""

    size_bytes: int
    count: int
    capacity: int
    entries_util_percent: int
    deletion_attempts: int
    bits_per_entry: int
    bits_on: int
    bit_capacity: int
    bits_util_percent: int
    bit_sequences: int
    bit_sequence_avg_length: float
    added: int
    rejected: int
    rejected_percent: float
    deleted: int
    add_collision_percent: float
    reject_collision_percent: float


# One pattern per line of the report, in order (src/CacheDigest.cc cacheDigestReport, then
# src/store_digest.cc storeDigestReport).
_DECIMAL = r"\d+(?:\.\d+)?"
_STORE_DIGEST_LINES = tuple(re.compile(p.replace("DECIMAL", _DECIMAL)) for p in (
    r"store digest: size: (?P<size_bytes>\d+) bytes",
    r"\t entries: count: (?P<count>\d+) capacity: (?P<capacity>\d+) "
    r"util: (?P<entries_util_percent>-?\d+)%",
    r"\t deletion attempts: (?P<deletion_attempts>\d+)",
    r"\t bits: per entry: (?P<bits_per_entry>\d+) on: (?P<bits_on>\d+) "
    r"capacity: (?P<bit_capacity>\d+) util: (?P<bits_util_percent>-?\d+)%",
    r"\t bit-seq: count: (?P<bit_sequences>\d+) avg\.len: (?P<bit_sequence_avg_length>DECIMAL)",
    r"\t added: (?P<added>\d+) rejected: (?P<rejected>\d+) \( (?P<rejected_percent>DECIMAL) %\) "
    r"del-ed: (?P<deleted>\d+)",
    r"\t collisions: on add: (?P<add_collision_percent>DECIMAL) % "
    r"on rej: (?P<reject_collision_percent>DECIMAL) %",
))
STORE_DIGEST_DISABLED = "store digest: disabled."  # src/store_digest.cc storeDigestReport


def parse_store_digest(text: str) -> StoreDigestReport | None:
    """The local digest's report; None when Squid has no digest (``digest_generation off``
    gives an empty page, a failed set-up ``store digest: disabled.``)."""
    if not text.strip() or text.strip() == STORE_DIGEST_DISABLED:
        return None
    lines = [item for item in _lines(text) if item[2].strip()]
    fields: dict[str, str] = {}
    for pattern, (number, offset, line) in zip(_STORE_DIGEST_LINES, lines, strict=False):
        m = pattern.fullmatch(line)
        if m is None:
            raise CacheManagerError(offset, number, "not the mgr:store_digest line Squid "
                                                    f"prints here: {line!r}")
        fields.update(m.groupdict())
    if len(lines) < len(_STORE_DIGEST_LINES):
        raise CacheManagerError(len(text), len(lines) + 1, f"the mgr:store_digest page ends after "
                                                           f"{len(lines)} of "
                                                           f"{len(_STORE_DIGEST_LINES)} lines")
    if len(lines) > len(_STORE_DIGEST_LINES):
        number, offset, line = lines[len(_STORE_DIGEST_LINES)]
        raise CacheManagerError(offset, number, f"unexpected line after the report: {line!r}")
    return StoreDigestReport(
        size_bytes=int(fields["size_bytes"]), count=int(fields["count"]),
        capacity=int(fields["capacity"]),
        entries_util_percent=int(fields["entries_util_percent"]),
        deletion_attempts=int(fields["deletion_attempts"]),
        bits_per_entry=int(fields["bits_per_entry"]), bits_on=int(fields["bits_on"]),
        bit_capacity=int(fields["bit_capacity"]),
        bits_util_percent=int(fields["bits_util_percent"]),
        bit_sequences=int(fields["bit_sequences"]),
        bit_sequence_avg_length=float(fields["bit_sequence_avg_length"]),
        added=int(fields["added"]), rejected=int(fields["rejected"]),
        rejected_percent=float(fields["rejected_percent"]), deleted=int(fields["deleted"]),
        add_collision_percent=float(fields["add_collision_percent"]),
        reject_collision_percent=float(fields["reject_collision_percent"]),
    )
