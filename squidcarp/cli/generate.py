"""``squidcarp generate``: one array file -> every member's squid.conf, a CARP PAC, compose."""

from __future__ import annotations

import argparse
import difflib
import json
import os
from typing import Any

from squidcarp.cli.common import show
from squidcarp.cli.main import IO, HelpFormatter, UsageError

DESCRIPTION = """\
Describe the array once, in YAML; squidcarp writes what every node needs so that all of them,
and the browsers using the PAC file, agree on where each URL goes:

  NAME/squid.conf   one per member: frontends (CARP table, exceptions, never_direct), CARP
                    parents (origin fetches, optional loose coupling: ICP, HTCP, digests,
                    multicast ICP), or flat members (clients in on http_port, forwarding to the
                    owner's intra_port, where requests go direct)
  proxy.pac         client-side CARP: Squid's exact ranking in the browser, DIRECT for the
  wpad.dat          CARP exceptions (the same file under the name WPAD asks for)
  compose.yaml      the whole array in Docker, with the Dockerfile beside it (the array
  Dockerfile        file's compose section: publish address, host ports, internal network)

The array file is checked against a JSON Schema (--schema prints it; docs/array.schema.json)
and for what a schema cannot see (names Squid compares case-insensitively, weights CARP can
use, exceptions in the regex subset Squid, Python and JavaScript read alike...): every problem
is listed with its line, and nothing is written. Files are written all together or not at
all; files an earlier run wrote that the array no longer needs are removed.

examples:
  squidcarp generate examples/array.yaml -o build/array
  squidcarp generate examples/array.yaml -o build/array --check   # in CI: exit 1 if stale
  squidcarp generate examples/array.yaml -o build/array --diff
  squidcarp generate --schema > array.schema.json
  squidcarp route --array examples/array.yaml http://www.example.com/
"""

EPILOG = """\
exit codes:
  0  files written (or, with --check/--diff, nothing differs)
  1  --check/--diff: files on disk differ from what would be generated
  3  usage error, an array file with problems, a template that fails, or a file not written
"""


def register(sub: Any) -> None:
    p = sub.add_parser("generate", help="every member's squid.conf, a CARP PAC and compose",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter)
    p.add_argument("array", nargs="?", metavar="ARRAY.yaml", help="the array file")
    p.add_argument("-o", "--output", metavar="DIR", help="where to write (default: ./NAME, "
                   "the array's name)")
    p.add_argument("--templates", metavar="DIR",
                   help="templates that replace the built-in ones of the same name "
                        "(array/frontend.conf.j2, pac/proxy.pac.j2, ...); one may extend the "
                        "built-in one and fill its blocks: {%% extends "
                        "\"builtin/array/compose.yaml.j2\" %%}")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 when the files on disk differ")
    mode.add_argument("--diff", action="store_true",
                      help="write nothing; show how the files on disk differ (exit 1 if they do)")
    mode.add_argument("--schema", action="store_true", help="print the array file's JSON Schema")
    p.add_argument("--json", action="store_true", help="report the files as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, io: IO) -> int:
    if args.schema:
        from squidcarp.generate.schema import SCHEMA

        io.stdout.write(json.dumps(SCHEMA, indent=2) + "\n")
        return 0
    if args.array is None:
        raise UsageError("squidcarp generate: give the array file (or --schema)")
    from squidcarp.generate.arrayfile import ArrayFileError, load_array
    from squidcarp.generate.nodes import render_array
    from squidcarp.generate.output import compare, write_all
    from squidcarp.generate.templates import TemplateError

    try:
        spec = load_array(args.array)
    except ArrayFileError as exc:
        for problem in exc.problems:
            io.stderr.write(show(str(problem)) + "\n")
        io.stderr.write(f"squidcarp generate: {len(exc.problems)} problem(s) in "
                        f"{show(args.array)}: nothing written\n")
        return 3
    try:
        files = render_array(spec, args.templates)
    except TemplateError as exc:
        raise UsageError(f"squidcarp generate: {exc}") from None
    root = args.output or spec.name
    if args.check or args.diff:
        try:
            changes = compare(root, files)
        except OSError as exc:
            raise UsageError(f"squidcarp generate: cannot read {show(root)}: "
                             f"{exc.strerror or exc}") from None
        if args.json:
            io.stdout.write(json.dumps({"output": show(root), "changes": [
                {"path": c.path, "status": c.status} for c in changes]}) + "\n")
        elif args.diff:
            for c in changes:
                old = (c.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
                new = (c.new or b"").decode("utf-8", "replace").splitlines(keepends=True)
                where = os.path.join(root, c.path)
                io.stdout.writelines(difflib.unified_diff(
                    old, new, f"{show(where)} (on disk)", f"{show(where)} (generated)"))
        else:
            for c in changes:
                io.stdout.write(f"{c.status:<8} {show(os.path.join(root, c.path))}\n")
        return 1 if changes else 0
    try:
        changes = write_all(root, files)
    except (OSError, ValueError) as exc:
        name = getattr(exc, "filename", None) or root
        why = getattr(exc, "strerror", None) or exc
        raise UsageError(f"squidcarp generate: cannot write {show(str(name))}: {why}; "
                         "nothing was changed") from None
    if args.json:
        io.stdout.write(json.dumps({"output": show(root), "files": sorted(files), "changes": [
            {"path": c.path, "status": c.status} for c in changes]}) + "\n")
        return 0
    changed = {c.path: c.status for c in changes}
    for path in sorted(files):
        state = {"missing": "new", "differs": "updated"}.get(changed.get(path, ""), "unchanged")
        io.stdout.write(f"{state:<9} {show(os.path.join(root, path))}\n")
    for path, status in changed.items():
        if status == "stale":
            io.stdout.write(f"{'removed':<9} {show(os.path.join(root, path))}\n")
    return 0
