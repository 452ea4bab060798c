"""Render the user-facing docker-compose.yml and its Squid configs from the harness templates.

``python -m integration.harness.compose --write`` regenerates ``docker-compose.yml`` and
``integration/compose/*.conf``; ``--check`` exits 1 if the committed files differ (a test runs
the same comparison). The array is ``EXAMPLE_ARRAY``, the one the Docker backend test uses.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .docker_backend import docker_placement, render_configs
from .render import REPO_ROOT, Renderer
from .topology import CarpArraySpec

EXAMPLE_ARRAY = CarpArraySpec.of(
    [("alpha", 1), ("beta", 2), ("gamma", 3)], accel_defaultsite="www.example.com"
)
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
CONFIG_DIR = REPO_ROOT / "integration" / "compose"


def render_all(spec: CarpArraySpec = EXAMPLE_ARRAY) -> dict[Path, str]:
    renderer = Renderer()
    files = {
        CONFIG_DIR / f"{host}.conf": text for host, text in render_configs(spec, renderer).items()
    }
    placement = docker_placement(spec)
    parents = [{"visible_hostname": spec.parent_hostname(i)} for i in range(len(spec.parents))]
    template = renderer.environment.get_template("docker-compose.yml.j2")
    files[COMPOSE_FILE] = template.render(
        spec=spec,
        origin=placement.origin,
        origin_aliases=["origin", *spec.origin_names],
        parents=parents,
    )
    return files


def stale_files(files: dict[Path, str]) -> list[Path]:
    stale = []
    for path, text in files.items():
        current = path.read_bytes() if path.exists() else None
        if current != text.encode("utf-8", "surrogateescape"):
            stale.append(path)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate the files")
    mode.add_argument("--check", action="store_true", help="exit 1 if any file is out of date")
    args = parser.parse_args(argv)
    files = render_all()
    if args.check:
        stale = stale_files(files)
        for path in stale:
            print(f"out of date: {path.relative_to(REPO_ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    CONFIG_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
