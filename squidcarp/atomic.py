"""Writing files atomically: the whole new content appears at once, or nothing changes.

A temp file is written in the target's folder, flushed and fsync'ed, given the mode the target
should have (the old file's, or 0666 minus the umask for a new one), then renamed over the target.
Any failure removes the temp file and leaves the target as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_writer(path: str | os.PathLike[str], like: str | None = None) -> Iterator[BinaryIO]:
    """Yield a binary file; on a clean exit it replaces ``path`` in one rename."""
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        source = like if like and os.path.exists(like) else target
        mode = (os.stat(source).st_mode & 0o7777 if os.path.exists(source)
                else _new_file_mode())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_atomically(path: str | os.PathLike[str], data: bytes, like: str | None = None) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path, like) as fh:
        fh.write(data)


def replace_files(contents: dict[str, bytes], like: dict[str, str] | None = None) -> None:
    """Replace several files together: every one of them, or (when anything fails before the
    renames) none.

    A path that is a symlink is followed: the file it names is replaced and the link stays. Each
    new file gets the old one's mode, owner and group (or, for a new file, those of the
    ``like[path]`` file when given, else 0666 minus the umask), so a config that Squid, running
    as ``proxy``, could read stays readable. All temp files are written and fsync'ed first;
    only then are they renamed over their targets, one after the other. Raises OSError (the
    target's name in ``filename``) with nothing changed when a temp file cannot be made, written
    or given the old owner.
    """
    like = like or {}
    staged: list[tuple[str, str]] = []  # (temp file, real target)
    try:
        for path, data in contents.items():
            real = os.path.realpath(path)
            folder = os.path.dirname(real)
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", dir=folder)
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, path) from exc
            staged.append((tmp, real))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            source = real if os.path.exists(real) else like.get(path)
            try:
                if source is not None and os.path.exists(source):
                    info = os.stat(source)
                    if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
                        os.chown(tmp, info.st_uid, info.st_gid)
                    os.chmod(tmp, info.st_mode & 0o7777)
                else:
                    os.chmod(tmp, _new_file_mode())
            except OSError as exc:
                raise OSError(exc.errno, f"cannot keep its owner and mode ({exc.strerror})",
                              path) from exc
    except BaseException:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
    for tmp, real in staged:
        os.replace(tmp, real)
