"""Generate ``docs/rules.md`` from the rule docstrings; ``--check`` fails when it is stale.

    python -m squidcarp.lint.docs --write docs/rules.md
    python -m squidcarp.lint.docs --check docs/rules.md
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from squidcarp.lint.diagnostic import SEVERITY_RULE
from squidcarp.lint.rule import Rule
from squidcarp.lint.rules import RULES

HEADER = f"""\
# squidcarp lint rules

Generated from the rule docstrings by `python -m squidcarp.lint.docs --write docs/rules.md`;
CI fails when this file is out of date. Silence a rule on one line with
`# squidcarp: disable=CODE`, on the next line with `# squidcarp: disable-next-line=CODE`, or
everywhere with `--ignore CODE` / `ignore = ["CODE"]` in `[tool.squidcarp]`.

Every rule follows one severity rule:

{SEVERITY_RULE}
| code | name | severity | summary |
|---|---|---|---|
"""


def _section(rule: Rule) -> str:
    lines = [f"## {rule.code} {rule.name}", "", f"Default severity: **{rule.severity.value}**.",
             ""]
    in_block = False
    for raw in rule.doc.strip().splitlines():
        line = raw[4:] if raw.startswith("    ") else raw
        stripped = line.strip()
        if stripped in ("Bad::", "Good::"):
            if in_block:
                while lines[-1] == "":
                    lines.pop()
                lines += ["```", ""]
            lines += [f"**{stripped[:-2]}**", "", "```squid"]
            in_block = True
            continue
        if in_block and stripped == "" and lines[-1] == "```squid":
            continue
        lines.append(line.rstrip())
    while lines and lines[-1] == "":
        lines.pop()
    if in_block:
        lines.append("```")
    return "\n".join(lines) + "\n"


def render(rules: Sequence[Rule] = RULES) -> str:
    table = "".join(f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {r.severity.value} "
                    f"| {r.summary} |\n" for r in rules)
    return HEADER + table + "\n" + "\n".join(_section(r) for r in rules)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m squidcarp.lint.docs")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", metavar="FILE")
    mode.add_argument("--check", metavar="FILE")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        with open(args.write, "w", encoding="utf-8") as fh:
            fh.write(text)
        return 0
    try:
        with open(args.check, encoding="utf-8") as fh:
            current = fh.read()
    except OSError as exc:
        sys.stderr.write(f"{args.check}: {exc.strerror}\n")
        return 1
    if current != text:
        sys.stderr.write(f"{args.check} is out of date: run "
                         f"'python -m squidcarp.lint.docs --write {args.check}'\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
