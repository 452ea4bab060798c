"""What importing squidcarp's libraries costs a program that embeds them (a helper, a PAC
generator), beside the interpreter's own start.

    python bench/import_bench.py [--runs 7]

squidcarp is installed like a user installs it (the wheel into a fresh venv, bytecode compiled
by pip: see lint_bench.install_like_a_user). For each module, ``python -X importtime -c
'import M'`` runs ``--runs`` times and the median of M's cumulative import time is reported,
with the wall time of the whole process beside ``python -c pass``. The run fails (exit 1) when
``squidcarp.carp`` loads numpy, the config reader or the linter.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import lint_bench  # noqa: E402

MODULES = ("squidcarp.carp", "squidcarp.forward", "squidcarp.exceptions", "squidcarp.proto.icp",
           "squidcarp.generate.pac", "squidcarp.conf.model", "squidcarp.helper",
           "squidcarp.cli.main")
FORBIDDEN = {"squidcarp.carp": ("numpy", "squidcarp.conf.reader", "squidcarp.lint")}


def cumulative_us(python: Path, module: str) -> tuple[int, float]:
    """(microseconds importing ``module``, seconds for the whole process)."""
    start = time.perf_counter()
    done = subprocess.run([str(python), "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]), wall
    raise RuntimeError(f"no import time for {module}")


def loaded(python: Path, module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sys.modules))"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        command = lint_bench.install_like_a_user(Path(tmp))
        python = command.parent / "python"
        bare = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([str(python), "-c", "pass"], check=True)
            bare.append(time.perf_counter() - start)
        print(f"import cost, installed squidcarp, Python {sys.version.split()[0]}; median of "
              f"{args.runs} runs")
        print(f"  {'python -c pass (interpreter start)':<40} {'':>10}  "
              f"{statistics.median(bare) * 1000:7.1f} ms process")
        status = 0
        for module in MODULES:
            try:
                samples = [cumulative_us(python, module) for _ in range(args.runs)]
            except (subprocess.CalledProcessError, RuntimeError):
                print(f"  {module:<40} (not importable in this build)")
                continue
            imp = statistics.median(s[0] for s in samples) / 1000
            wall = statistics.median(s[1] for s in samples) * 1000
            print(f"  {'import ' + module:<40} {imp:7.1f} ms  {wall:7.1f} ms process "
                  f"({wall / (statistics.median(bare) * 1000):.1f}x bare start)")
            for bad in FORBIDDEN.get(module, ()):
                if bad in loaded(python, module):
                    print(f"  FAIL: import {module} loads {bad}")
                    status = 1
        if status == 0:
            print("  import squidcarp.carp loads neither numpy nor the config reader nor lint")
        return status


if __name__ == "__main__":
    sys.exit(main())
