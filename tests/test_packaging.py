"""What a user installs: every package listed, the templates inside the wheel, and found there."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from setuptools import find_packages

REPO = Path(__file__).resolve().parents[1]


def _configured() -> list[str]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    with open(REPO / "pyproject.toml", "rb") as fh:
        return list(tomllib.load(fh)["tool"]["setuptools"]["packages"])


def test_every_package_is_listed() -> None:
    templates = ["squidcarp._templates", *(f"squidcarp._templates.{p.name}"
                                           for p in (REPO / "templates").iterdir()
                                           if p.is_dir())]
    assert sorted(_configured()) == sorted(find_packages(str(REPO), include=["squidcarp*"])
                                           + templates)


def test_the_wheel_carries_the_templates_and_uses_them(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(tmp_path / "dist"), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    [wheel] = (tmp_path / "dist").glob("squidcarp-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        z.extractall(tmp_path / "site")
    for template in (REPO / "templates").rglob("*.j2"):
        assert f"squidcarp/_templates/{template.relative_to(REPO / 'templates')}" in names
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    done = subprocess.run(
        [sys.executable, "-c", "from squidcarp.generate.templates import builtin_templates; "
         "print(builtin_templates())"], cwd=tmp_path, env=env, capture_output=True, text=True,
        check=True)
    assert done.stdout.strip() == str(tmp_path / "site" / "squidcarp" / "_templates")
    generated = subprocess.run(
        [sys.executable, "-m", "squidcarp", "generate", str(REPO / "examples" / "array.yaml"),
         "-o", str(tmp_path / "out")], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert generated.returncode == 0, generated.stderr
    assert (tmp_path / "out" / "proxy.pac").read_bytes() == (
        REPO / "tests" / "generate" / "golden" / "example" / "proxy.pac").read_bytes()
