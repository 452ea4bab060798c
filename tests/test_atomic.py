"""Generated files are written atomically or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from squidcarp.atomic import atomic_writer, write_atomically


def test_new_file_gets_umask_mode_and_old_file_keeps_its_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "out.conf"
        write_atomically(target, b"one\n")
        assert target.read_bytes() == b"one\n"
        assert target.stat().st_mode & 0o777 == 0o644
        target.chmod(0o600)
        write_atomically(target, b"two\n")
        assert target.read_bytes() == b"two\n"
        assert target.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.conf"]


def test_failure_midway_leaves_the_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "squid.conf"
    target.write_bytes(b"original\n")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write(b"half of the new")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["squid.conf"]


def test_unwritable_folder_raises_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_atomically(tmp_path / "missing-dir" / "x.conf", b"x")
