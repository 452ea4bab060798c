"""Putting generated files on disk: all of them or none, and telling what would change.

:func:`write_all` writes every file to a temporary file beside its target first; only when all
of them are written are they renamed into place, so a run that fails (a full disk, a folder it
may not write) leaves the old files as they were. A manifest (``.squidcarp-generated``) lists
what the last run wrote, so a file the array no longer produces (a removed member's
squid.conf) is removed, and nothing else in the folder is touched. :func:`compare` tells which
files differ from what would be generated (for ``--check`` and ``--diff``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

MANIFEST = ".squidcarp-generated"


@dataclass(frozen=True)
class Difference:
    path: str
    """Relative to the output folder."""
    status: str
    """``missing``, ``differs`` or ``stale`` (written by an earlier run, no longer generated)."""
    old: bytes | None
    new: bytes | None


def _manifest(root: str) -> list[str]:
    try:
        with open(os.path.join(root, MANIFEST), encoding="utf-8") as fh:
            return [line for line in fh.read().splitlines() if line and not line.startswith("#")]
    except FileNotFoundError:
        return []


def _manifest_bytes(files: Mapping[str, bytes]) -> bytes:
    lines = ["# files written by squidcarp generate (the next run removes those it no longer "
             "writes)", *sorted(files)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _safe(path: str) -> str:
    if os.path.isabs(path) or ".." in path.split("/") or not path:
        raise ValueError(f"refusing to write {path!r} outside the output folder")
    return path


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def compare(root: str, files: Mapping[str, bytes]) -> list[Difference]:
    out = []
    for rel in sorted(files):
        old = _read(os.path.join(root, _safe(rel)))
        if old is None:
            out.append(Difference(rel, "missing", None, files[rel]))
        elif old != files[rel]:
            out.append(Difference(rel, "differs", old, files[rel]))
    for rel in _manifest(root):
        if rel not in files and os.path.exists(os.path.join(root, _safe(rel))):
            out.append(Difference(rel, "stale", _read(os.path.join(root, rel)), None))
    return out


def write_all(root: str, files: Mapping[str, bytes]) -> list[Difference]:
    """Write ``files`` under ``root`` (folders made as needed); returns what changed. Raises
    OSError with no file replaced when one cannot be written (see
    :func:`squidcarp.atomic.replace_files`)."""
    from squidcarp.atomic import replace_files

    changes = compare(root, files)
    everything = {**files, MANIFEST: _manifest_bytes(files)}
    targets: dict[str, bytes] = {}
    for rel, data in everything.items():
        target = os.path.join(root, _safe(rel))
        if os.path.isdir(target):
            raise IsADirectoryError(21, "Is a directory", target)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        targets[target] = data
    replace_files(targets)
    for change in changes:
        if change.status == "stale":
            os.unlink(os.path.join(root, change.path))
    return changes
