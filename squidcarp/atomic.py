"""Writing files atomically: the whole new content appears at once, or nothing changes."""

from __future__ import annotations

import os
import tempfile


def write_atomically(path: str, data: bytes, like: str | None = None) -> None:
    """Write to a temp file in the same folder, fsync, then rename over ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".squidcarp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if like and os.path.exists(like):
            os.chmod(tmp, os.stat(like).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
