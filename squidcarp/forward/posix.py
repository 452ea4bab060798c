"""POSIX extended regular expressions through the C library, as Squid compiles its regex ACLs.

Squid's ``url_regex``, ``urlpath_regex``, ``dstdom_regex``... compile each pattern with
``regcomp(REG_EXTENDED | REG_NOSUB [| REG_ICASE])`` and match the C string with ``regexec``
(src/base/RegexPattern.cc, src/acl/RegexData.cc). Python's :mod:`re` is a different dialect, so
on a glibc system the same functions are called here through :mod:`ctypes`: a pattern means
exactly what it means to a Squid on the same machine. Where no C library is found,
:class:`PosixUnavailable` is raised and the caller treats the ACL as unknowable.
"""

from __future__ import annotations

import ctypes
import ctypes.util

REG_EXTENDED = 1  # glibc <regex.h>
REG_ICASE = 2
REG_NOSUB = 8
REGEX_T_SIZE = 256  # sizeof(regex_t) is 64 on x86-64 glibc; room to spare for other ABIs


class PosixUnavailable(RuntimeError):
    pass


class PatternError(ValueError):
    """``regcomp`` refused the pattern (Squid stops on such a config line)."""


class _Libc:
    def __init__(self) -> None:
        name = ctypes.util.find_library("c")
        if name is None:
            raise PosixUnavailable("no C library to compile POSIX regular expressions with")
        libc = ctypes.CDLL(name)
        self.regcomp = libc.regcomp
        self.regcomp.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self.regexec = libc.regexec
        self.regexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                 ctypes.c_void_p, ctypes.c_int]
        self.regfree = libc.regfree
        self.regfree.argtypes = [ctypes.c_void_p]


_LIBC: _Libc | None = None


class PosixRegex:
    """One compiled pattern; ``search(data)`` is ``regexec(...) == 0`` on ``data`` up to a NUL."""

    def __init__(self, pattern: bytes, icase: bool = False) -> None:
        global _LIBC  # the C library handle, loaded once
        if _LIBC is None:
            _LIBC = _Libc()
        self._libc = _LIBC
        self._buffer = ctypes.create_string_buffer(REGEX_T_SIZE)
        flags = REG_EXTENDED | REG_NOSUB | (REG_ICASE if icase else 0)
        rc = self._libc.regcomp(self._buffer, pattern.split(b"\0", 1)[0], flags)
        if rc != 0:
            raise PatternError(f"regcomp refused {pattern!r} (error {rc})")
        self.pattern = pattern
        self.icase = icase

    def search(self, data: bytes) -> bool:
        return bool(self._libc.regexec(self._buffer, data.split(b"\0", 1)[0], 0, None, 0) == 0)

    def __del__(self) -> None:
        libc = getattr(self, "_libc", None)
        if libc is not None and hasattr(self, "pattern"):
            libc.regfree(self._buffer)
