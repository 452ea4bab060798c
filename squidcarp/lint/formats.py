"""Output formats over :class:`Diagnostic`: small plug-ins, one function each.

Each format yields its output in pieces, which the CLI writes as they come: a config with a
diagnostic on each of 100k lines never holds its whole report as one string (see
bench/scale_bench.py). :func:`render` joins the pieces where one string is wanted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from squidcarp import __version__
from squidcarp.lint.diagnostic import Diagnostic, Severity
from squidcarp.lint.rule import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def text(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule]) -> Iterator[str]:
    """``file:line:col: severity CODE name: message``, one per line."""
    for d in diagnostics:
        yield (f"{d.file}:{d.line}:{d.column}: {d.severity.value} {d.code} {d.name}: "
               f"{d.message}\n")


# ANSI SGR codes for the coloured text form (ECMA-48 §8.3.117).
_RESET, _BOLD, _DIM = "\x1b[0m", "\x1b[1m", "\x1b[2m"
_SEVERITY_COLOUR = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m",
                    Severity.INFO: "\x1b[36m"}


def colored(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule]) -> Iterator[str]:
    """The text form for a terminal: position dimmed, severity coloured, code bold."""
    for d in diagnostics:
        yield (f"{_DIM}{d.file}:{d.line}:{d.column}:{_RESET} "
               f"{_SEVERITY_COLOUR[d.severity]}{d.severity.value}{_RESET} "
               f"{_BOLD}{d.code}{_RESET} {d.name}: {d.message}\n")


def _json(document: object) -> Iterator[str]:
    """One JSON document: one piece (its encoder's pieces are a few bytes each, too small to
    write one by one)."""
    import json  # (only the JSON formats pay for it)

    yield json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_json(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule]) -> Iterator[str]:
    return _json([d.to_json() for d in diagnostics])


def github(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule]) -> Iterator[str]:
    """GitHub Actions workflow commands (annotations on the pull request diff)."""
    for d in diagnostics:
        props = f"file={_gh(d.file, True)},line={d.line},col={d.column}"
        if d.end_column:
            props += f",endColumn={d.end_column}"
        props += f",title={_gh(f'{d.code} {d.name}', True)}"
        yield f"::{GITHUB_LEVEL[d.severity]} {props}::{_gh(d.message, False)}\n"


def _gh(value: str, prop: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def sarif(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule]) -> Iterator[str]:
    """A SARIF 2.1.0 log with one run; every rule is described, results reference them."""
    index = {r.code: i for i, r in enumerate(rules)}
    driver_rules = [{
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": " ".join(r.doc.split())},
        "help": {"text": r.help},
        "defaultConfiguration": {"level": SARIF_LEVEL[r.severity]},
        "helpUri": f"https://github.com/squidcarp/squidcarp/blob/main/docs/rules.md#{r.code.lower()}",
    } for r in rules]
    results = []
    for d in diagnostics:
        region: dict[str, int] = {"startLine": d.line, "startColumn": d.column}
        if d.end_column and d.end_column > d.column:
            region["endColumn"] = d.end_column
        result: dict[str, object] = {
            "ruleId": d.code,
            "level": SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": d.file},
                "region": region,
            }}],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "squidcarp",
                "version": __version__,
                "informationUri": "https://github.com/squidcarp/squidcarp",
                "rules": driver_rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return _json(log)


Format = Callable[[Sequence[Diagnostic], Sequence[Rule]], Iterator[str]]
FORMATS: dict[str, Format] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}


def render(fmt: Format, diagnostics: Sequence[Diagnostic], rules: Sequence[Rule]) -> str:
    """The whole output of ``fmt`` as one string."""
    return "".join(fmt(diagnostics, rules))
