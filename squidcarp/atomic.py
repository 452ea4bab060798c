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
