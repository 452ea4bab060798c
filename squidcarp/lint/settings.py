"""Project settings for the linter: ``[tool.squidcarp]`` in pyproject.toml or ``.squidcarp.toml``.

Keys: ``select`` and ``ignore`` (lists of codes or names), ``squid-version`` (string), ``strict``
(bool), ``format``. The first file found walking up from the working directory wins; command-line
options override it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

KEYS = {"select", "ignore", "squid-version", "strict", "format"}


class SettingsError(ValueError):
    """The settings file is unreadable or has a bad key/value."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    squid_version: str | None = None
    strict: bool | None = None
    format: str | None = None
    source: str | None = None


def find_settings(start: Path) -> Settings:
    for folder in [start, *start.parents]:
        dot = folder / ".squidcarp.toml"
        if dot.is_file():
            return _load(dot, None)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            found = _load(pyproject, ("tool", "squidcarp"))
            if found.source:
                return found
    return Settings()


def _load(path: Path, table: tuple[str, ...] | None) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
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
        source=str(path),
    )


def _codes(path: Path, section: dict[str, object], key: str) -> tuple[str, ...]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{path}: '{key}' must be a list of rule codes or names")
    return tuple(str(v) for v in value)


def _str(path: Path, section: dict[str, object], key: str) -> str | None:
    value = section.get(key)
    if value is not None and not isinstance(value, str):
        raise SettingsError(f"{path}: '{key}' must be a string")
    return value


def _bool(path: Path, section: dict[str, object], key: str) -> bool | None:
    value = section.get(key)
    if value is not None and not isinstance(value, bool):
        raise SettingsError(f"{path}: '{key}' must be true or false")
    return value
