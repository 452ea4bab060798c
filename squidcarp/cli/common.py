"""Helpers shared by subcommands: reading configs from files or stdin with clear errors."""

from __future__ import annotations

import argparse
import os

from squidcarp.cli.main import IO, UsageError
from squidcarp.conf import ReadOptions, ReadResult, read_bytes, read_config
from squidcarp.conf.source import MAX_FILE_BYTES, decode, printable


def add_read_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("reading squid.conf")
    group.add_argument("--include-base", choices=("cwd", "includer"), default="cwd",
                       help="resolve relative include paths against Squid's working directory "
                            "(like Squid; default) or the including file's folder")
    group.add_argument("--cwd", metavar="DIR",
                       help="Squid's working directory for relative paths (default: here)")
    group.add_argument("--service-name", default="squid", metavar="NAME", type=_service_name,
                       help="value of ${service_name} (squid -n: letters and digits, at most "
                            "32; default and '': squid)")
    group.add_argument("--process-name", default="squid", metavar="NAME",
                       help="value of ${process_name} (default: squid)")
    group.add_argument("--process-number", type=int, default=0, metavar="N",
                       help="value of ${process_number} (0 as in squid -N and -k parse; "
                            "SMP kids count from 1)")


SERVICE_NAME_MAX = 32  # src/main.cc mainHandleCommandLineOption 'n': alphanumeric, <= 32


def _service_name(value: str) -> str:
    """``squid -n NAME``: empty means the default; otherwise only ASCII letters and digits."""
    if not value:
        return "squid"  # Squid ignores an empty -n value
    if not (value.isascii() and value.isalnum()):
        raise argparse.ArgumentTypeError(
            f"expected an alphanumeric service name (as squid -n does), got {value!r}")
    if len(value) > SERVICE_NAME_MAX:
        raise argparse.ArgumentTypeError(
            f"service name longer than {SERVICE_NAME_MAX} characters (squid -n refuses it)")
    return value


def read_options(args: argparse.Namespace) -> ReadOptions:
    return ReadOptions(
        service_name=args.service_name,
        process_name=args.process_name,
        process_number=args.process_number,
        include_base=args.include_base,
        cwd=os.path.abspath(args.cwd) if args.cwd else None,
    )


def read_one(path: str, options: ReadOptions, io: IO) -> ReadResult:
    """Read ``path`` (``-`` = stdin). Unreadable input is a usage error (exit 3)."""
    try:
        if path == "-":
            data = io.stdin.read(MAX_FILE_BYTES + 1)  # bounded, like every file read
            if len(data) > MAX_FILE_BYTES:
                raise UsageError(f"squidcarp: stdin: more than {MAX_FILE_BYTES >> 20} MiB, more "
                                 "than squidcarp reads")
            return read_bytes(data, "<stdin>", options)
        return read_config(path, options)
    except IsADirectoryError as exc:
        raise UsageError(f"squidcarp: {path}: is a directory") from exc
    except OSError as exc:
        raise UsageError(f"squidcarp: cannot read {path}: {exc.strerror or exc}") from exc


def show(data: bytes | str) -> str:
    """Bytes (or text) for a terminal: UTF-8 where it is, ``\\xNN`` for other bytes, and
    control or direction-changing characters escaped (:func:`printable`, the one definition
    of what steers a terminal)."""
    return printable(decode(data) if isinstance(data, bytes) else data)


def read_bytes_arg(path: str, io: IO) -> bytes:
    """The bytes of a file argument ('-' = stdin); unreadable is a usage error."""
    if path == "-":
        return io.stdin.read()
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except IsADirectoryError as exc:
        raise UsageError(f"squidcarp: {show(path)}: is a directory") from exc
    except OSError as exc:
        raise UsageError(f"squidcarp: cannot read {show(path)}: {exc.strerror or exc}") from exc
