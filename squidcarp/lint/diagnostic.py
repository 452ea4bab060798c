"""The one record every rule produces and every output format prints."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from squidcarp.conf.model import Position

# The one severity rule every lint rule follows (docs/rules.md and README.md say the same).
SEVERITY_RULE = """\
- **error**: Squid stops (`squid -k parse` fails, or Squid crashes), or it starts with a line that
  silently cannot do what it says: something it ignores, drops or reads otherwise, whether or not
  it logs a word, and which changes what the config does (an access rule it drops, `wieght=5`,
  an unknown peer type, `weight=0` meant to drain a peer, a unicast multicast group).
- **warning**: Squid ignores or changes something and the config still does what it says, or
  only the way it is written is fragile (a deprecated spelling, a repeated option, a value Squid
  clamps harmlessly, a host name that must resolve at start).
- **info**: a note on how Squid reads the line; nothing is lost.
"""


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


class Finding(NamedTuple):
    """What a rule yields: where, what, and optionally a severity other than the rule's default."""

    pos: Position
    message: str
    severity: Severity | None = None
    end_column: int | None = None


class Diagnostic(NamedTuple):
    """A finding stamped with its rule's code, name, severity and help text (a named tuple:
    diagnostics order by file, line, column, then code)."""

    file: str
    line: int
    column: int
    code: str
    name: str
    severity: Severity
    message: str
    help: str = ""
    end_column: int | None = None

    @property
    def position(self) -> Position:
        return Position(self.file, self.line, self.column)

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_column": self.end_column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "help": self.help,
        }
