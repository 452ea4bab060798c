"""Project settings for the linter: ``[tool.squidcarp]`` in pyproject.toml or ``.squidcarp.toml``.

Keys: ``select`` and ``ignore`` (lists of codes or names), ``squid-version`` (string), ``strict``
(bool), ``format``. The first file found walking up from the working directory wins; command-line
options override it.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from types import ModuleType

KEYS = {"select", "ignore", "squid-version", "strict", "format"}


class SettingsError(ValueError):
    """The settings file is unreadable or has a bad key/value."""


class Settings(NamedTuple):
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    squid_version: str | None = None
    strict: bool | None = None
    format: str | None = None
    source: str | None = None


def find_settings(start: str | os.PathLike[str]) -> Settings:
    """The settings in effect for a run started in the folder ``start``."""
    folder = os.path.abspath(start)
    while True:
        dot = os.path.join(folder, ".squidcarp.toml")
        if os.path.isfile(dot):
            return _load(dot, None)
        pyproject = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(pyproject):
            found = _load(pyproject, ("tool", "squidcarp"))
            if found.source:
                return found
        parent = os.path.dirname(folder)
        if parent == folder:
            return Settings()
        folder = parent


def _toml() -> ModuleType:
    # Imported only when a settings file exists: a lint run without one skips the TOML parser.
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    import tomli  # pragma: no cover - exercised on 3.10 only

    return tomli  # type: ignore[no-any-return,unused-ignore]


def _load(path: str, table: tuple[str, ...] | None) -> Settings:
    tomllib = _toml()
    try:
        with open(path, encoding="utf-8") as fh:
            data = tomllib.loads(fh.read())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    section: object = data
    for key in table or ():
        if not isinstance(section, dict) or key not in section:
            return Settings()
        section = section[key]
    if not isinstance(section, dict):
        raise SettingsError(f"{path}: [tool.squidcarp] must be a table")
    unknown = set(section) - KEYS
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
    return Settings(
        select=_codes(path, section, "select"),
        ignore=_codes(path, section, "ignore"),
        squid_version=_str(path, section, "squid-version"),
        strict=_bool(path, section, "strict"),
        format=_str(path, section, "format"),
        source=path,
    )


def _codes(path: str, section: dict[str, object], key: str) -> tuple[str, ...]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{path}: '{key}' must be a list of rule codes or names")
    return tuple(str(v) for v in value)


def _str(path: str, section: dict[str, object], key: str) -> str | None:
    value = section.get(key)
    if value is not None and not isinstance(value, str):
        raise SettingsError(f"{path}: '{key}' must be a string")
    return value


def _bool(path: str, section: dict[str, object], key: str) -> bool | None:
    value = section.get(key)
    if value is not None and not isinstance(value, bool):
        raise SettingsError(f"{path}: '{key}' must be true or false")
    return value
