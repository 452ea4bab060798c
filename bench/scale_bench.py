"""Time and peak memory of ``squidcarp lint`` and ``squidcarp parse --json`` on configs of 10k, 100k
and 1M ``cache_peer`` lines, ``acl`` lines (one ACL each, and one ACL over every line: a block
list), beside ``squid -k parse`` on the same files.

Each command runs as its own process; its wall time is measured around it and its peak resident
memory is the kernel's (``wait4`` rusage ``ru_maxrss``), so start-up and interpreter are counted
too. squidcarp is run as a user runs it: built as a wheel and installed into a fresh virtual
environment (as bench/lint_bench.py does). Squid itself is quadratic in ``cache_peer`` and
``acl`` lines of distinct names (each is looked up by name among all the earlier ones), so it
is given a time budget per file (``--squid-budget``, default 60 s): past it the run is stopped
and reported as ``> budget``, and the ratio as a bound.

Targets: squidcarp grows linearly, stays within 2x Squid, and uses well under 1 KB per line
(reported as bytes per line above what linting a one-line config takes). The ``reported``
config is the ``cache_peer`` one with a mistake on every line (no ``no-digest``, SC141), so its
report holds a diagnostic per line; its ``no report`` column is lint with that rule ignored:
the difference is what a report costs per diagnostic.

    python bench/scale_bench.py [--sizes 10000,100000,1000000] [--kinds cache_peer,acl,...]
                                [--squid-budget 60]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from lint_bench import install_like_a_user  # (this folder: python bench/scale_bench.py)

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 2.0
TARGET_BYTES_PER_LINE = 1024


def peers(n: int) -> Iterator[str]:
    """``n`` CARP parents, each with a distinct name and address (what an array file holds)."""
    yield "http_port 127.0.0.1:3128\nicp_port 0\n"
    for i in range(n):
        yield (f"cache_peer 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255} parent 3128 0 carp "
               f"name=p{i} no-query no-digest\n")


def reported(n: int) -> Iterator[str]:
    """The same parents without ``no-digest``: SC141 (carp-digest) reports every one."""
    for line in peers(n):
        yield line.replace(" no-digest", "")


def acls(n: int) -> Iterator[str]:
    """``n`` dstdomain ACLs, each with its own name."""
    yield "http_port 127.0.0.1:3128\n"
    for i in range(n):
        yield f"acl site{i} dstdomain .d{i}.example.com\n"


def blocklist(n: int) -> Iterator[str]:
    """One dstdomain ACL over ``n`` lines (a block list), used by one access rule."""
    yield "http_port 127.0.0.1:3128\n"
    for i in range(n):
        yield f"acl blocked dstdomain .d{i}.example.com\n"
    yield "http_access deny blocked\n"


KINDS: dict[str, Callable[[int], Iterator[str]]] = {
    "cache_peer": peers, "acl": acls, "blocklist": blocklist, "reported": reported}

# The rule that reports every line of a kind's config: the bench also measures lint without it,
# so the report's own cost per diagnostic shows beside the model's.
EVERY_LINE_RULE = {"reported": "SC141"}


def write(path: Path, lines: Iterator[str]) -> None:
    """Write a config line by line. This process must stay small: a child's peak memory as the
    kernel reports it is at least this process's own peak when it was started (the child's
    address space starts as a copy of it), so a config built here as one string would show up
    in every measurement after it."""
    with path.open("w") as out:
        out.writelines(lines)


class Run:
    """One finished (or stopped) command: seconds, peak memory in KiB, whether it finished."""

    def __init__(self, seconds: float, peak_kib: int, finished: bool) -> None:
        self.seconds = seconds
        self.peak_kib = peak_kib
        self.finished = finished


def measure(cmd: Sequence[str], cwd: str, budget: float | None = None) -> Run:
    """Run ``cmd`` with its output thrown away; stop it after ``budget`` seconds."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    finished = True
    while True:
        pid, _, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if budget is not None and time.perf_counter() - started > budget:
            os.killpg(proc.pid, signal.SIGKILL)
            _, _, usage = os.wait4(proc.pid, 0)
            finished = False
            break
        time.sleep(0.01)
    proc.returncode = 0  # reaped above: keep Popen from waiting again
    return Run(time.perf_counter() - started, usage.ru_maxrss, finished)


def _seconds(run: Run, budget: float) -> str:
    return f"{run.seconds:8.2f} s" if run.finished else f"  > {budget:.0f} s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="comma-separated line counts (default: 10k, 100k, 1M)")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"comma-separated configs to measure (default: {','.join(KINDS)})")
    parser.add_argument("--squid-budget", type=float, default=60.0, metavar="SECONDS",
                        help="stop squid -k parse after this long (it is quadratic)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown kind {', '.join(unknown)} (known: {', '.join(KINDS)})")
    squid = shutil.which("squid") or "/usr/sbin/squid"
    have_squid = os.path.exists(squid)
    installs = tempfile.TemporaryDirectory(prefix="squidcarp-scale-install-")
    try:  # timed the way a user runs it, as bench/lint_bench.py does
        squidcarp = [str(install_like_a_user(Path(installs.name)))]
    except subprocess.CalledProcessError as exc:
        print(f"scale bench: cannot build and install the wheel: {exc}\n{exc.stderr}",
              file=sys.stderr)
        return 1
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as tiny:
        tiny.write("http_port 3128\n")
        tiny.flush()
        baseline = measure([*squidcarp, "lint", tiny.name], str(ROOT))
    print(f"scale bench: B/line is peak memory above a one-line lint "
          f"({baseline.peak_kib / 1024:.0f} MiB), per config line; squid -k parse is stopped "
          f"after {args.squid_budget:.0f} s")
    print(f"  {'lines':>9} {'kind':<10} {'squid -k parse':>15} {'squidcarp lint':>15} "
          f"{'ratio':>7} {'peak':>9} {'B/line':>7} {'no report':>10} {'parse --json':>14} "
          f"{'peak':>9}")
    verdicts: list[bool] = []
    with tempfile.TemporaryDirectory(prefix="squidcarp-scale-") as tmp:
        for kind in kinds:
            make = KINDS[kind]
            per_line: list[float] = []
            for n in sizes:
                path = Path(tmp) / f"{kind}-{n}.conf"
                write(path, make(n))
                ref = (measure([squid, "-k", "parse", "-f", str(path)], tmp, args.squid_budget)
                       if have_squid else None)
                lint = measure([*squidcarp, "lint", str(path)], str(ROOT))
                rule = EVERY_LINE_RULE.get(kind)
                quiet = (measure([*squidcarp, "lint", "--ignore", rule, str(path)], str(ROOT))
                         if rule else lint)
                parse = measure([*squidcarp, "parse", "--json", str(path)], str(ROOT))
                above = max(0, lint.peak_kib - baseline.peak_kib) * 1024 / n
                model = max(0, quiet.peak_kib - baseline.peak_kib) * 1024 / n
                per_line.append(lint.seconds / n)
                if ref is not None:
                    ratio = lint.seconds / ref.seconds
                    shown = f"{'<' if not ref.finished else ''}{ratio:.2f}x"
                    squid_cell = _seconds(ref, args.squid_budget)
                    verdicts.append(ratio <= TARGET_RATIO)
                else:
                    shown, squid_cell = "n/a", "not installed"
                verdicts.append(above < TARGET_BYTES_PER_LINE)
                print(f"  {n:>9} {kind:<10} {squid_cell:>15} {lint.seconds:13.2f} s "
                      f"{shown:>7} {lint.peak_kib / 1024:7.0f} MB {above:7.0f} "
                      f"{f'{model:.0f}' if rule else '-':>10} "
                      f"{parse.seconds:12.2f} s {parse.peak_kib / 1024:7.0f} MB", flush=True)
                path.unlink()
            if len(per_line) > 1:  # linear: the time per line stays flat as files grow
                growth = per_line[-1] / per_line[0]
                print(f"  {kind}: time per line x{growth:.2f} from {sizes[0]} to {sizes[-1]} "
                      "lines (1.00 = linear)")
    installs.cleanup()
    met = all(verdicts)
    print("  no report: B/line of lint with the rule that reports every line of that config "
          f"ignored ({', '.join(f'{k}: {r}' for k, r in EVERY_LINE_RULE.items())})")
    print(f"  targets: <= {TARGET_RATIO}x squid -k parse, < {TARGET_BYTES_PER_LINE} B/line -> "
          f"{'meets' if met else 'MISSES'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
