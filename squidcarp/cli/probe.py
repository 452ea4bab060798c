"""Helpers shared by the probe commands (icp, htcp, digest): addresses, URLs, output.

Kept apart from :mod:`squidcarp.cli.common`, which imports the config reader that probes do not
need.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from squidcarp.cli.main import IO, UsageError
from squidcarp.libc import is_digits


def host_port(text: str, default_port: int, what: str = "HOST[:PORT]") -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]``, ``[v6]:port`` or a bare IPv6 literal."""
    host, port_text = text, ""
    if text.startswith("["):
        close = text.find("]")
        if close < 0 or (close + 1 < len(text) and text[close + 1] != ":"):
            raise UsageError(f"squidcarp: bad {what} {text!r}: write IPv6 as [ADDRESS]:PORT")
        host, port_text = text[1:close], text[close + 2 :]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    if not host:
        raise UsageError(f"squidcarp: bad {what} {text!r}: no host")
    if not port_text:
        return host, default_port
    if not is_digits(port_text) or not 0 < int(port_text) < 65536:
        raise UsageError(f"squidcarp: bad {what} {text!r}: port must be 1..65535")
    return host, int(port_text)


def url_bytes(url: str) -> bytes:
    """A URL argument as the bytes the user typed (non-UTF-8 bytes survive)."""
    return os.fsencode(url)


def show(data: bytes) -> str:
    """Bytes for people: UTF-8 where it is, ``\\xNN`` elsewhere."""
    return data.decode("utf-8", "backslashreplace")


def write_json(io: IO, obj: dict[str, Any]) -> None:
    io.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def positive(text: str) -> float:
    """argparse type: a positive number (of seconds)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"{text!r}: a positive number of seconds is needed")
    return value


def count(text: str) -> int:
    """argparse type: a whole number >= 0."""
    if not is_digits(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return int(text)
