"""The harness's Docker array, rendered by ``squidcarp.generate`` with the harness's layer.

``integration/compose/array.yaml`` is an array file like any user's; ``render_array`` turns it
into every member's squid.conf, ``compose.yaml`` and ``Dockerfile`` with the generator's own
templates, and the layer in ``integration/compose/templates/`` adds what only the harness needs
(its origin server service, python3 in the image, its own header). The result is committed in
``integration/compose/generated/``:

  python -m integration.harness.compose --write   # regenerate (atomically, with a manifest)
  python -m integration.harness.compose --check   # exit 1 when a committed file is stale

The Docker backend (``docker_backend.py``) renders the same array again, moved to a subnet and a
host port of its own, into a temporary folder and starts it with ``docker compose``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from squidcarp.generate.arrayfile import ArraySpec, load_array
from squidcarp.generate.nodes import compose_network, listening_pattern, render_array

from .render import REPO_ROOT

COMPOSE_DIR = REPO_ROOT / "integration" / "compose"
ARRAY_FILE = COMPOSE_DIR / "array.yaml"
LAYER = COMPOSE_DIR / "templates"
GENERATED = COMPOSE_DIR / "generated"
ORIGIN_SCRIPT = REPO_ROOT / "integration" / "harness" / "origin.py"
ORIGIN_HOST = 80
"""The origin service's host number in the array's subnet (members have others)."""
ORIGIN_PORT = 80  # the URLs' default port: parents go direct to http://origin.test/...
ORIGIN_NAMES = ("origin.test",)
"""Names the origin answers to on the array network (Docker's resolver, 127.0.0.11)."""
ACCESS_LOG = "/var/log/squid/access.log"
"""Where array.yaml's ``access_log ... harness`` line puts each node's access log."""


def harness_array() -> ArraySpec:
    return load_array(str(ARRAY_FILE))


def origin_address(spec: ArraySpec) -> str:
    network = compose_network(spec)
    if network is None:
        raise ValueError(f"{spec.source}: the harness's Docker array needs IPv4 member addresses")
    address = network[0].network_address + ORIGIN_HOST
    if str(address) in {m.address for m in spec.members} or address == network[1]:
        raise ValueError(f"{spec.source}: {address} is the origin service's address")
    return str(address)


def harness_files(spec: ArraySpec, output: Path) -> dict[str, bytes]:
    """Every file of ``spec`` as it runs from ``output``: the origin script is mounted from
    this checkout (a relative path when ``output`` is inside it, so the committed files do not
    name this machine's folders)."""
    script = (os.path.relpath(ORIGIN_SCRIPT, output) if output.is_relative_to(REPO_ROOT)
              else str(ORIGIN_SCRIPT))
    variables: Mapping[str, object] = {"origin": {
        "address": origin_address(spec), "port": ORIGIN_PORT, "aliases": list(ORIGIN_NAMES),
        "script": script, "listening": listening_pattern(ORIGIN_PORT)}}
    return render_array(spec, LAYER, variables)


def render_all() -> dict[str, bytes]:
    """The committed files, by their path under ``GENERATED``."""
    return harness_files(harness_array(), GENERATED)


def stale_files(files: Mapping[str, bytes]) -> list[str]:
    """Files under ``GENERATED`` that differ from ``files`` (missing, changed, or written by an
    earlier run and no longer generated)."""
    from squidcarp.generate.output import compare

    return [f"{d.path} ({d.status})" for d in compare(str(GENERATED), files)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m integration.harness.compose",
        description="Render the harness's Docker array (integration/compose/array.yaml) into "
                    "integration/compose/generated/ with squidcarp.generate and the harness's "
                    "template layer.",
        epilog="exit codes: 0 written / up to date, 1 --check found stale files, "
               "3 the array file or a template has a problem, or a file was not written")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate the files")
    mode.add_argument("--check", action="store_true", help="exit 1 if any file is out of date")
    args = parser.parse_args(argv)
    from squidcarp.generate.arrayfile import ArrayFileError
    from squidcarp.generate.output import write_all
    from squidcarp.generate.templates import TemplateError

    try:
        files = render_all()
    except ArrayFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 3
    except (TemplateError, ValueError) as exc:
        print(f"integration.harness.compose: {exc}", file=sys.stderr)
        return 3
    where = GENERATED.relative_to(REPO_ROOT)
    if args.check:
        stale = stale_files(files)
        for line in stale:
            print(f"out of date: {where}/{line}", file=sys.stderr)
        return 1 if stale else 0
    try:
        changes = write_all(str(GENERATED), files)
    except OSError as exc:
        print(f"integration.harness.compose: cannot write {exc.filename or GENERATED}: "
              f"{exc.strerror or exc}; nothing was changed", file=sys.stderr)
        return 3
    said = {"missing": "new", "differs": "updated", "stale": "removed"}
    for change in changes:
        print(f"{said[change.status]:<8} {where}/{change.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
