"""The array file: every problem with its line and key, legacy load factors, the schema document."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from squidcarp.carp.array import CarpArray
from squidcarp.generate.arrayfile import ArrayFileError, array_from_text, load_array
from squidcarp.generate.schema import SCHEMA

REPO = Path(__file__).resolve().parents[2]

BAD = """\
name: bad array
topology: two-layer
members:
  - {name: fe, role: frontend, address: 10.0.0.1, weight: 2}
  - {name: cache1, role: parent, address: 10.0.0.11, weight: -1}
  - {name: Cache1, role: parent, address: 10.0.0.12, weight: 1}
  - {name: cache4, role: parent, address: 10.0.0.13, colour: red}
  - {name: c5, role: sideways, address: 10.0.0.15, http_port: "3128"}
exceptions:
  domains: [.ok.example, "bad..domain"]
  url_regex: ['\\d+']
extra_key: 1
"""


def problems(text: str, name: str = "array.yaml") -> list[str]:
    with pytest.raises(ArrayFileError) as info:
        array_from_text(text, name)
    return [str(p) for p in info.value.problems]


def test_every_problem_at_once_with_its_line() -> None:
    assert problems(BAD) == [
        "array.yaml:1: name: 'bad array' does not match '^[A-Za-z0-9][A-Za-z0-9._-]*$'",
        "array.yaml:5: members[1].weight: -1 is less than the minimum of 1",
        "array.yaml:6: members[2].name: 'Cache1' is given twice (first as members[1].name; "
        "Squid compares peer names case-insensitively)",
        "array.yaml:7: members[3].colour: unknown key (expected one of address, extra, "
        "htcp_port, http_port, icp_port, listen_all, load_factor, name, role, weight)",
        "array.yaml:8: members[4].role: 'sideways' is not one of ['frontend', 'parent', "
        "'member']",
        "array.yaml:8: members[4].http_port: '3128' is not of type 'integer'",
        "array.yaml:10: exceptions.domains[1]: 'bad..domain' has an empty label",
        "array.yaml:11: exceptions.url_regex[0]: '\\\\d+': at character 1: '\\d' means "
        "different things in POSIX, Python and JavaScript; escape only . [ ] ( ) * + ? { } | "
        "^ $ \\ /",
        "array.yaml:12: extra_key: unknown key (expected one of allow_clients, carp_key, "
        "compose, connect, defaults, exceptions, helper, intra_port, loose_coupling, members, "
        "name, topology)",
    ]


def two_layer(members: str, extra: str = "") -> str:
    return ("name: a\ntopology: two-layer\nmembers:\n"
            "  - {name: fe, role: frontend, address: 10.0.0.1}\n" + members + extra)


@pytest.mark.parametrize(("text", "expected"), [
    (two_layer("  - {name: p1, role: parent, address: 10.0.0.11, weight: 1}\n"
               "  - {name: p2, role: parent, address: 10.0.0.12, weight: 3000}\n"),
     ["array.yaml:5: members[1].weight: weight 1 of 3001 is under 1/1000 of the total: Squid "
      "floors its load factor to 0, and CARP then picks nothing (or always one member)"]),
    (two_layer("  - {name: p1, role: frontend, address: 10.0.0.11}\n"),
     ["array.yaml:3: members: a two-layer array needs at least one parent"]),
    (two_layer("  - {name: p1, role: parent, address: 10.0.0.1}\n"),
     ["array.yaml:5: members[1].http_port: 10.0.0.1:3128 is also where members[0] listens"]),
    (two_layer("  - {name: p1, role: parent, address: 10.0.0.11, weight: 2, load_factor: 0.5}\n"),
     ["array.yaml:5: members[1]: give weight or load_factor, not both"]),
    (two_layer("  - {name: p1, role: parent, address: 10.0.0.11, load_factor: 0.5}\n"
               "  - {name: p2, role: parent, address: 10.0.0.12, load_factor: 0.4}\n"),
     ["array.yaml:5: members[1].load_factor: the load factors add up to 0.9, not 1 (Squid 2.5 "
      "refused to start on that)"]),
    (two_layer("  - {name: p1, role: parent, address: 10.0.0.11}\n",
               "loose_coupling: {multicast: {group: 10.0.0.9, responders: [nope]}}\n"),
     ["array.yaml:6: loose_coupling.multicast.group: '10.0.0.9' is not an IPv4 multicast "
      "address (224.0.0.0/4): Squid joins IPv4 groups only",
      "array.yaml:6: loose_coupling.multicast.responders: responders: no generated member "
      "queries the group, because Squid 5.7 aborts 10 s after start with a multicast cache_peer "
      "(squidcarp lint SC136); the members join the group and answer it, and `squidcarp icp "
      "query --group` asks it",
      "array.yaml:5: members[1]: ICP (loose_coupling icp or multicast) needs an icp_port on "
      "every CARP member"]),
    ("name: f\nmembers:\n  - {name: m1, address: 10.0.0.1}\nloose_coupling: {icp: true}\n",
     ["array.yaml:4: loose_coupling: a flat array has no loose coupling: a member would query "
      "its siblings before CARP (ICP and digests come first in Squid's peer selection); use a "
      "two-layer array"]),
    ("name: f\nmembers:\n  - {name: m1, address: 10.0.0.1, http_port: 3129}\n",
     ["array.yaml:3: members[0].http_port: 3129 is also the intra_port"]),
    ("name: f\nmembers: []\n", ["array.yaml:2: members: [] should be non-empty"]),
    ("[1, 2]\n", ["array.yaml:1: (top level): [1, 2] is not of type 'object'"]),
    ("name: a\nname: b\n", ["array.yaml:2: name: key given twice (first at line 1)"]),
])
def test_problems(text: str, expected: list[str]) -> None:
    assert sorted(problems(text)) == sorted(expected)


def test_legacy_load_factors_become_the_smallest_weights_with_the_same_shares() -> None:
    spec = array_from_text(two_layer(
        "  - {name: p1, role: parent, address: 10.0.0.11, load_factor: 0.3}\n"
        "  - {name: p2, role: parent, address: 10.0.0.12, load_factor: 0.7}\n"), "a.yaml")
    assert [(m.name, m.weight, m.load_factor) for m in spec.carp_members] == [
        ("p1", 3, Fraction(3, 10)), ("p2", 7, Fraction(7, 10))]
    array = CarpArray.from_members([(m.name, m.weight) for m in spec.carp_members])
    assert [s.load_factor for s in array.table()] == [0.3, 0.7]


def test_the_example_array() -> None:
    spec = load_array(str(REPO / "examples" / "array.yaml"))
    assert spec.topology == "two-layer"
    assert [m.name for m in spec.frontends] == ["frontend1.example.net", "frontend2.example.net"]
    assert [(m.name, m.weight) for m in spec.carp_members] == [
        ("cache1.example.net", 2), ("cache2.example.net", 3), ("cache3.example.net", 5)]
    assert [d.value for d in spec.exceptions.domains] == [".updates.example.org",
                                                          "intranet.example.net"]


def test_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ArrayFileError, match="cannot read: No such file or directory"):
        load_array(str(tmp_path / "nope.yaml"))


def test_the_published_schema_is_the_one_in_the_code() -> None:
    published = json.loads((REPO / "docs" / "array.schema.json").read_text())
    assert published == SCHEMA, "regenerate: squidcarp generate --schema > docs/array.schema.json"


def test_the_schema_and_the_helpers_exceptions_loader_agree(tmp_path: Path) -> None:
    """The helper reads the exceptions section without the schema: both refuse the same."""
    from squidcarp.exceptions import ExceptionsError, load_exceptions

    for section in ("exceptions: {domains: x}\n", "exceptions: {nope: []}\n",
                    "exceptions: {url_regex: [{regex: a}]}\n", "exceptions: {clients: [1]}\n"):
        text = "name: a\nmembers:\n  - {name: m, address: 10.0.0.1}\n" + section
        with pytest.raises(ArrayFileError):
            array_from_text(text, "a.yaml")
        path = tmp_path / "a.yaml"
        path.write_text(text)
        with pytest.raises(ExceptionsError):
            load_exceptions(str(path))
