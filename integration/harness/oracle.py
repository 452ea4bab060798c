"""``squid -k parse`` as an oracle: what real Squid's parser says about a config.

``squid -k parse -f FILE`` parses only (no network) and echoes ``Processing: <line>`` per
logical line. Its exit status is the number of unrecognised directives (mod 256), 1 after a
fatal error, or a signal (reported here as a negative number, as subprocess does).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

# "2026/11/22 02:40:46| " or "2026/11/22 02:40:46 kid1| " before each cache.log-style line
_PREFIX = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: kid\d+)?\| ?")
_MESSAGE = re.compile(r"^(?:ERROR|WARNING|FATAL)\b")
PROCESSING = "Processing: "


@dataclass(frozen=True)
class ParseResult:
    exit_code: int  # negative: killed by that signal
    processed: tuple[str, ...]  # the logical lines Squid echoed, in order
    messages: tuple[str, ...]  # ERROR/WARNING/FATAL/Bungled lines
    other: tuple[str, ...]  # every other line Squid printed
    output: str  # everything, prefixes included

    @property
    def fatal(self) -> bool:
        return self.exit_code != 0


def split_output(output: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(processed, messages, other) from ``squid -k parse`` output."""
    processed, messages, other = [], [], []
    for raw in output.splitlines():
        line = _PREFIX.sub("", raw)
        if not line.strip():
            continue
        if line.startswith(PROCESSING):
            processed.append(line[len(PROCESSING) :])
        elif _MESSAGE.search(line):
            messages.append(line.strip())
        else:
            other.append(line.strip())
    return tuple(processed), tuple(messages), tuple(other)


@dataclass(frozen=True)
class SquidParser:
    squid: str
    timeout: float = 30.0

    def parse(self, conf: Path | str, cwd: Path | str | None = None) -> ParseResult:
        """Run ``squid -k parse -f conf`` (relative ``conf``/includes resolve against ``cwd``)."""
        completed = subprocess.run(
            [self.squid, "-k", "parse", "-f", str(conf)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            cwd=cwd,
            timeout=self.timeout,
            check=False,
        )
        output = (completed.stdout + completed.stderr).decode("utf-8", "surrogateescape")
        processed, messages, other = split_output(output)
        return ParseResult(completed.returncode, processed, messages, other, output)

    def parse_text(self, text: str, workdir: Path) -> ParseResult:
        """Write ``text`` to ``workdir/squid.conf`` and parse it there."""
        path = workdir / "squid.conf"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        return self.parse(path.name, cwd=workdir)
