"""What the harness created, so it can be cleaned up and checked for leaks.

One ``Ledger`` per pytest session (kept in ``config.stash``, not in a module global). It owns the
session's base temp dir, remembers every Squid process, namespace and temp dir it made, and, when
``SQUIDCARP_HARNESS_MANIFEST`` names a file, appends one JSON line per resource to it so another
process (the leak test) can check afterwards that none of them is left.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

MANIFEST_ENV = "SQUIDCARP_HARNESS_MANIFEST"
DIR_PREFIX = "squidcarp-harness-"

ResourceKind = Literal["process", "netns", "dir"]


class LiveNode(Protocol):
    """A running node: its logs belong in a failed test's report; it can be stopped."""

    @property
    def label(self) -> str: ...

    def report_sections(self) -> list[tuple[str, str]]: ...

    def signal_stop(self) -> None: ...

    def finish_stop(self, timeout: float = ...) -> None: ...


@dataclass(frozen=True)
class Resource:
    kind: ResourceKind
    value: str
    marker: str = ""  # for processes: a string its command line contains (pid reuse guard)

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "value": self.value, "marker": self.marker})

    @classmethod
    def from_json(cls, line: str) -> Resource:
        data = json.loads(line)
        kind = data["kind"]
        if kind not in ("process", "netns", "dir"):
            raise ValueError(f"unknown resource kind {kind!r}")
        return cls(kind=kind, value=str(data["value"]), marker=str(data.get("marker", "")))


@dataclass
class Ledger:
    manifest: Path | None = None
    resources: list[Resource] = field(default_factory=list)
    live_nodes: list[LiveNode] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # shown in pytest's terminal summary
    _base: Path | None = None

    @classmethod
    def from_environment(cls) -> Ledger:
        path = os.environ.get(MANIFEST_ENV)
        return cls(manifest=Path(path) if path else None)

    def record(self, resource: Resource) -> None:
        self.resources.append(resource)
        if self.manifest is not None:
            with self.manifest.open("a", encoding="utf-8") as out:
                out.write(resource.to_json() + "\n")

    def base_dir(self) -> Path:
        """The session's temp dir (0755 so Squid, once it is user ``proxy``, can reach inside)."""
        if self._base is None:
            base = Path(tempfile.mkdtemp(prefix=DIR_PREFIX))
            base.chmod(0o755)
            self.record(Resource("dir", str(base)))
            self._base = base
        return self._base

    def node_dir(self, label: str) -> Path:
        """A fresh world-writable dir for one node (Squid drops root for user ``proxy``)."""
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in label)[:40]
        path = Path(tempfile.mkdtemp(prefix=f"{safe}-", dir=self.base_dir()))
        path.chmod(0o777)
        self.record(Resource("dir", str(path)))
        return path

    def close(self) -> None:
        """Remove the session base dir (nodes remove their own dirs when they stop)."""
        if self._base is not None:
            shutil.rmtree(self._base, ignore_errors=True)
            self._base = None


def read_manifest(path: Path) -> list[Resource]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Resource.from_json(line) for line in lines if line.strip()]


def process_alive(pid: int, marker: str) -> bool:
    """True if ``pid`` exists, is not a zombie, and (if given) its command line holds ``marker``."""
    proc = Path(f"/proc/{pid}")
    try:
        stat = (proc / "stat").read_text()
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = stat.rsplit(")", 1)[1].split()[0]
    if state == "Z":
        return False
    return marker in cmdline if marker else True


def processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line contains ``text`` (helpers, Squids)."""
    found = []
    needle = text.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if needle in cmdline.replace(b"\0", b" ") and process_alive(int(entry.name), ""):
            found.append(int(entry.name))
    return found
