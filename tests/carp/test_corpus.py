"""Every record Squid 5.7 produced (tests/corpus) against the library.

For each URL sent through a real frontend: the parent that served it is :meth:`CarpArray.owner`,
and for each member, in Squid's evaluation order, the key bytes and the combined hash in Squid's
CARP debug lines are the library's. The one request per scenario Squid answered with 400
(``http://www.example.com:/port``: empty port) must be reported as not routable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from squidcarp.carp.batch import NOT_ROUTABLE, BatchEngine
from squidcarp.carp.fromconf import array_from_config
from squidcarp.carp.url import NotRoutable, effective_uri
from squidcarp.conf import read_config
from tests.carp.conftest import (
    ROUTING,
    VERDICTS,
    all_records,
    array_for,
    records,
    routing_files,
)

RECORDS = all_records()


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_record(record: dict[str, Any]) -> None:
    array = array_for(record["peers"])
    url = bytes.fromhex(record["url_sent_hex"])
    debug = record["carp_debug"]
    if record["status"] == 400:
        assert record["parent"] is None and debug["per_peer"] == []
        with pytest.raises(NotRoutable):
            array.owner(url)
        return
    assert record["status"] == 200
    owner = array.owner(url)
    assert owner is not None and owner.label == record["parent"]
    assert effective_uri(url) == bytes.fromhex(debug["hashed_uri_hex"])
    _, evaluation = array.evaluate(url)
    assert [s.member.label for s in evaluation] == [p["name"] for p in debug["per_peer"]]
    assert [s.key for s in evaluation] == [bytes.fromhex(p["key_hex"]) for p in debug["per_peer"]]
    assert [s.combined_hash for s in evaluation] == [p["combined_hash"] for p in debug["per_peer"]]


def test_corpus_is_complete() -> None:
    per_file = {f.stem: sum(1 for _ in records(f)) for f in routing_files()}
    assert per_file == {
        "a-equal3": 323, "b-weights1234": 323, "c-mixedcase5": 323,
        "g-equal3-reordered": 323, "i-weight0-and-default": 323,
    }
    assert sum(r["status"] == 400 for r in RECORDS) == 5


@pytest.mark.parametrize("path", routing_files(), ids=lambda p: p.stem)
def test_batch_engine_matches_squid(path: Path) -> None:
    recs = list(records(path))
    array = array_for(recs[0]["peers"])
    result = BatchEngine(array, chunk_size=100).route([bytes.fromhex(r["url_sent_hex"])
                                                      for r in recs])
    index = {m.label: i for i, m in enumerate(array.members)}
    expected = [index[r["parent"]] if r["parent"] else NOT_ROUTABLE for r in recs]
    assert result.owners.tolist() == expected


@pytest.mark.parametrize("path", routing_files(), ids=lambda p: p.stem)
def test_array_from_the_scenarios_squid_conf(path: Path) -> None:
    """The recorded cache_peer lines, read by squidcarp.conf, give the same routing."""
    array = array_from_config(read_config(path.with_suffix(".conf")).config)
    recs = list(records(path))
    assert [m.label for m in array.members] == [p["name"] for p in recs[0]["peers"]]
    for r in recs:
        if r["parent"] is not None:
            owner = array.owner(bytes.fromhex(r["url_sent_hex"]))
            assert owner is not None and owner.label == r["parent"]


def _summary() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROUTING / "summary.json").read_text())
    return data


@pytest.mark.parametrize("scenario", sorted(_summary()))
def test_mgr_carp_table(scenario: str) -> None:
    """Squid's own cache-manager table: hash (%x) and multiplier/factor (%f) per member."""
    info = _summary()[scenario]
    array = array_for(info["peers"])
    table = array.table()
    assert [s.member.label for s in table] == [row["name"] for row in info["mgr_carp"]]
    for state, row in zip(table, info["mgr_carp"], strict=True):
        assert f"{state.hash:x}" == row["hash_hex"]
        assert f"{state.multiplier:f}" == f"{row['multiplier']:f}"
        assert f"{state.load_factor:f}" == f"{row['factor']:f}"


@pytest.mark.parametrize("scenario", sorted(_summary()))
def test_summary_counts(scenario: str) -> None:
    info = _summary()[scenario]
    recs = list(records(ROUTING / f"{scenario}.jsonl"))
    array = array_for(info["peers"])
    result = BatchEngine(array).route([bytes.fromhex(r["url_sent_hex"]) for r in recs])
    counts = {m.label: int(c) for m, c in zip(array.members, result.counts(), strict=True)}
    expected = {k: v for k, v in info["counts"].items() if k != "(none)"}
    assert counts == expected
    assert result.not_routable == info["counts"].get("(none)", 0)


def _carp_tables() -> list[dict[str, Any]]:
    out = []
    for line in VERDICTS.read_text().splitlines():
        case = json.loads(line)
        runtime = case.get("runtime") or {}
        if runtime.get("carp_table"):
            out.append({"case": case.get("case"), **runtime})
    return out


CARP_TABLES = _carp_tables()


def test_parse_verdicts_have_carp_tables() -> None:
    assert len(CARP_TABLES) >= 10


@pytest.mark.parametrize("runtime", CARP_TABLES, ids=[str(t["case"]) for t in CARP_TABLES])
def test_parse_verdict_carp_table(runtime: dict[str, Any]) -> None:
    """mgr:carp of real Squid started on each parse-verdict case, against the accepted peers."""
    peers = [{"name": p["name"], "weight": p["weight"]} for p in runtime["accepted_peers"]
             if "carp" in p["flags"]]
    array = array_for(peers)
    table = {s.member.label: s for s in array.table()}
    assert set(table) == {row["name"] for row in runtime["carp_table"]}
    for row in runtime["carp_table"]:
        state = table[row["name"]]
        assert f"{state.hash:x}" == row["hash_hex"]
        assert f"{state.multiplier:f}" == f"{row['multiplier']:f}"
        assert f"{state.load_factor:f}" == f"{row['factor']:f}"
