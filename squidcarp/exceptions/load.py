"""CARP exceptions from YAML: the ``exceptions:`` section of an array file, or a rules file.

The section is the same in both, so ``squidcarp generate`` (array file) and the squidcarp helper
(``--rules`` pointing at the array file or at a file holding only this section) read one source
of truth::

    exceptions:
      domains: [.windowsupdate.com, intranet.example.org]
      url_regex:
        - ^http://[^/]*example\\.net/nocache/
        - {pattern: /LIVE/, ignore_case: true}
      clients: [10.1.0.0/16, "2001:db8::/32"]

Every problem is collected (not just the first) as ``file:line: key.path: message``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from squidcarp.exceptions.model import (
    CarpExceptions,
    DomainRule,
    NetworkRule,
    RegexRule,
    domain_problem,
    network_problem,
    overlapping_domains,
    overlapping_networks,
    regex_problem,
)
from squidcarp.libc import c_lower
from squidcarp.yamldoc import Path, Problem, ProblemsError, YamlDoc, YamlError, read_yaml

SECTION = "exceptions"
KEYS = ("domains", "url_regex", "clients")
REGEX_KEYS = ("pattern", "ignore_case")
ARRAY_FILE_MARK = "members"  # a top-level key only array files have (issue 10's array file)


class ExceptionsError(ProblemsError):
    """The rules could not be read; ``problems`` lists every one, in file and line order."""


def exceptions_from_doc(doc: YamlDoc,
                        base: Path = (SECTION,)) -> tuple[CarpExceptions, list[Problem]]:
    """The exceptions at ``base`` in ``doc`` (absent = none), and every problem found."""
    problems: list[Problem] = []
    node: Any = doc.data
    for key in base:
        node = node.get(key) if isinstance(node, Mapping) else None
    if node is None:
        return CarpExceptions(), problems
    if not isinstance(node, Mapping):
        problems.append(doc.problem(base, f"must be a mapping with {', '.join(KEYS)}"))
        return CarpExceptions(), problems
    for key in node:
        if key not in KEYS:
            problems.append(doc.problem((*base, key), f"unknown key (expected one of "
                            f"{', '.join(KEYS)})"))

    def items(key: str) -> list[tuple[Path, Any]]:
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            problems.append(doc.problem((*base, key), "must be a list"))
            return []
        return [((*base, key, i), v) for i, v in enumerate(value)]

    domains: list[DomainRule] = []
    paths: dict[int, Path] = {}
    for path, value in items("domains"):
        if not isinstance(value, str):
            problems.append(doc.problem(path, f"must be a string, not {_kind(value)}"))
            continue
        why = domain_problem(value)
        if why is not None:
            problems.append(doc.problem(path, why))
            continue
        paths[len(domains)] = path
        domains.append(DomainRule(c_lower(value), _at(doc, path)))
    regexes: list[RegexRule] = []
    for path, value in items("url_regex"):
        pattern, icase = value, False
        if isinstance(value, Mapping):
            for key in value:
                if key not in REGEX_KEYS:
                    problems.append(doc.problem((*path, key), f"unknown key (expected "
                                    f"{' or '.join(REGEX_KEYS)})"))
            pattern, icase = value.get("pattern"), value.get("ignore_case", False)
            if not isinstance(icase, bool):
                problems.append(doc.problem((*path, "ignore_case"), "must be true or false"))
                continue
            if not isinstance(pattern, str):
                problems.append(doc.problem((*path, "pattern"), "must be a string"))
                continue
        elif not isinstance(value, str):
            problems.append(doc.problem(path, "must be a pattern string or "
                                        "{pattern: ..., ignore_case: true}"))
            continue
        why = regex_problem(pattern)
        if why is not None:
            problems.append(doc.problem(path, f"{pattern!r}: {why}"))
            continue
        regexes.append(RegexRule(pattern, icase, _at(doc, path)))
    clients: list[NetworkRule] = []
    client_paths: dict[int, Path] = {}
    for path, value in items("clients"):
        if not isinstance(value, str):
            problems.append(doc.problem(path, f"must be a string such as '10.0.0.0/8', not "
                            f"{_kind(value)}"))
            continue
        why = network_problem(value)
        if why is not None:
            problems.append(doc.problem(path, why))
            continue
        client_paths[len(clients)] = path
        clients.append(NetworkRule(ipaddress.ip_network(value, strict=True), _at(doc, path)))
    result = CarpExceptions(tuple(domains), tuple(regexes), tuple(clients))
    for later, cover in overlapping_domains(result.domains):
        why = ("given twice" if later.value == cover.value
               else f"is already covered by {cover.value!r}")
        problems.append(doc.problem(paths[domains.index(later)],
                                    f"{later.value!r} {why} ({cover.where}): Squid refuses such "
                                    "a dstdomain ACL; remove one"))
    for later_net, first in overlapping_networks(result.clients):
        problems.append(doc.problem(client_paths[clients.index(later_net)],
                                    f"{later_net.text} overlaps {first.text} ({first.where}): "
                                    "Squid's src ACL would keep only one of them"))
    return result, problems


def _at(doc: YamlDoc, path: Path) -> str:
    return f"{doc.file}:{doc.line(path)}"


def _kind(value: object) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "a mapping", type(None): "empty"}.get(type(value), type(value).__name__)


def load_exceptions(path: str) -> CarpExceptions:
    """The exceptions of an array file or a rules file; raises :class:`ExceptionsError` listing
    every problem (unreadable file, bad YAML, bad entries)."""
    try:
        doc = read_yaml(path)
    except YamlError as exc:
        raise ExceptionsError(exc.problems) from None
    problems: list[Problem] = []
    if doc.data is None:
        return CarpExceptions()
    if not isinstance(doc.data, Mapping):
        raise ExceptionsError([doc.problem((), f"must be a mapping with an '{SECTION}:' "
                                               "section")])
    if ARRAY_FILE_MARK not in doc.data:
        for key in doc.data:
            if key != SECTION:
                problems.append(doc.problem((key,), f"unknown key in a rules file (it holds "
                                f"only '{SECTION}:')"))
    result, found = exceptions_from_doc(doc)
    problems += found
    if problems:
        raise ExceptionsError(problems)
    return result
