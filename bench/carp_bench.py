"""CARP routing throughput: the batch engine against the scalar path and a C reference.

    python bench/carp_bench.py [--urls 1000000] [--members 3,10] [--repeat 5] [--strict]

What is measured, per array size (members ``cacheN.example.net``, weights 1, 2, 3, 1, 2, 3...):

* **C reference**: ``bench/carp_ref.c`` compiled here with ``cc -O2`` into a temporary directory;
  one scalar loop over the keys, timed inside the program (file reading excluded). It does *no*
  URL parsing: the synthetic URLs are already in the form Squid hashes (lower-case ``http://``
  host names, no port, no blanks), exactly what Squid's own access.log holds.
* **batch engine**: ``BatchEngine(array).route(urls)`` from a list of ``bytes`` to owners, with
  Squid's normalisation check on every URL (the work ``squidcarp simulate`` does).
* **batch, keys given**: ``BatchEngine.route_keys`` on the same bytes taken as already-normalised
  keys, i.e. the same work as the C program.
* **scalar Python**: ``CarpArray.owner`` on a sample (default 20,000 URLs), extrapolated to
  URLs/s (running it over a million URLs takes minutes and tells nothing more).

* **whole commands**, 3 members: ``squidcarp simulate --config F --urls FILE --json`` as a user
  runs it (installed from the wheel, as lint_bench does: start-up, reading the file, the
  forwarding decision's fast path, output) against the C program as a whole process (reading
  the same file), timed in alternation as wall time; the ratio is the median of the per-round
  ratios. Target: squidcarp >= 25% of C's rate.

The owners of C and of both batch runs must agree on every URL, and the scalar sample must agree
with the batch engine, or the run fails (exit 1). The target is batch engine >= 25% of C; with
``--strict`` a miss exits 2. Timings are the best of ``--repeat`` runs, the engines taking turns
(C, batch, batch with keys, C, ...) so that a busy moment on the machine hurts all of them alike,
with the cyclic garbage collector off (as in the ``squidcarp`` CLI), measured as process CPU time
on both sides (``time.process_time`` and ``CLOCK_PROCESS_CPUTIME_ID``): neither side is
multi-threaded, so on an idle machine this equals wall time, and on a busy one it is steadier.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from squidcarp.carp.array import CarpArray  # noqa: E402
from squidcarp.carp.batch import NO_OWNER, BatchEngine  # noqa: E402
from squidcarp.carp.url import Request  # noqa: E402

TARGET = 0.25
C_SOURCE = HERE / "carp_ref.c"


def synthetic_urls(n: int, seed: int = 20260822) -> list[bytes]:
    """Deterministic URLs shaped like a proxy's traffic, already in Squid's canonical form."""
    rnd = random.Random(seed)
    words = [b"static", b"img", b"cdn", b"api", b"www", b"media", b"assets", b"news", b"shop"]
    tlds = [b"com", b"net", b"org", b"example", b"io"]
    hosts = [b"%s%d.%s-%d.%s" % (rnd.choice(words), rnd.randrange(20), rnd.choice(words),
                                  rnd.randrange(500), rnd.choice(tlds)) for _ in range(400)]
    alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789-_"
    exts = [b".html", b".js", b".css", b".png", b".jpg", b"", b"/"]
    out = []
    for _ in range(n):
        depth = rnd.randint(1, 4)
        segments = [bytes(rnd.choices(alphabet, k=rnd.randint(2, 12))) for _ in range(depth)]
        url = b"http://" + rnd.choice(hosts) + b"/" + b"/".join(segments) + rnd.choice(exts)
        if rnd.random() < 0.3:
            url += b"?id=%d&v=%x" % (rnd.randrange(100000), rnd.getrandbits(24))
        out.append(url)
    return out


def make_array(k: int) -> CarpArray:
    return CarpArray.from_members([(f"cache{i + 1}.example.net", i % 3 + 1) for i in range(k)])


def compile_reference(folder: Path) -> Path:
    cc = os.environ.get("CC", "cc")
    if shutil.which(cc) is None:
        raise RuntimeError(f"no C compiler ({cc}) on PATH")
    binary = folder / "carp_ref"
    subprocess.run([cc, "-O2", "-o", str(binary), str(C_SOURCE), "-lm"], check=True)
    return binary


def run_reference(binary: Path, keys_file: Path, owners_file: Path,
                  array: CarpArray) -> float:
    """One run of the C program; its CPU seconds for the routing loop."""
    args = [str(binary), str(keys_file), str(owners_file)]
    args += [f"{m.label}:{m.weight}" for m in array.members]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return float(out.splitlines()[0].split()[3])


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """CPU seconds of one call (CPU time, like the C side, so that other processes on the
    machine do not count), and its result."""
    t0 = time.process_time()
    result = fn()
    return time.process_time() - t0, result


@dataclass(frozen=True)
class Row:
    members: int
    engine: str
    rate: float
    note: str = ""


def bench(urls: list[bytes], sizes: Sequence[int], repeat: int, sample: int,
          folder: Path) -> tuple[list[Row], list[str]]:
    rows: list[Row] = []
    problems: list[str] = []
    binary = compile_reference(folder)
    keys_file = folder / "keys.txt"
    keys_file.write_bytes(b"\n".join(urls) + b"\n")
    owners_file = folder / "owners.txt"
    n = len(urls)
    for k in sizes:
        array = make_array(k)
        engine = BatchEngine(array)
        best = {"c": float("inf"), "batch": float("inf"), "keys": float("inf")}
        owners = keyed = None
        for _ in range(repeat):  # interleaved, so a busy moment hurts every engine alike
            best["c"] = min(best["c"], run_reference(binary, keys_file, owners_file, array))
            seconds, result = timed(lambda e=engine: e.route(urls))
            best["batch"] = min(best["batch"], seconds)
            owners = result.owners  # type: ignore[attr-defined]
            seconds, keyed = timed(lambda e=engine: e.route_keys({(): urls}))
            best["keys"] = min(best["keys"], seconds)
        c_owners = np.loadtxt(owners_file, dtype=np.int32, ndmin=1)
        rows.append(Row(k, "C reference (cc -O2)", n / best["c"]))
        rows.append(Row(k, "batch engine (numpy)", n / best["batch"]))
        rows.append(Row(k, "batch, keys given", n / best["keys"]))
        if not np.array_equal(owners, c_owners):
            problems.append(f"{k} members: batch and C disagree on "
                            f"{int(np.count_nonzero(owners != c_owners))} URLs")
        if not np.array_equal(keyed, c_owners):
            problems.append(f"{k} members: batch (keys given) and C disagree")

        part: Sequence[bytes | Request] = urls[:sample]
        seconds, scalar = timed(lambda a=array, p=part: [a.owner(u) for u in p])
        index = {m.label: i for i, m in enumerate(array.members)}
        scalar_owners = [index[m.label] if m is not None else NO_OWNER
                         for m in scalar]  # type: ignore[attr-defined]
        rows.append(Row(k, "scalar Python", len(part) / seconds,
                        f"{len(part):,} URLs, extrapolated"))
        if owners is None or scalar_owners != owners[: len(part)].tolist():
            problems.append(f"{k} members: scalar and batch disagree on the sample")
    return rows, problems


SIMULATE_CONF = ("pinger_enable off\nnever_direct allow all\n"
                 + "".join(f"cache_peer 10.0.0.{i + 1} parent 3128 0 carp name=cache{i + 1}"
                           f".example.net weight={i % 3 + 1} no-query no-digest\n"
                           for i in range(3)))


def whole_commands(urls: list[bytes], rounds: int, folder: Path) -> tuple[float, float, float]:
    """(C seconds, squidcarp seconds, median ratio C/squidcarp) for 3 members, whole processes."""
    import statistics

    sys.path.insert(0, str(HERE))
    import lint_bench

    binary = compile_reference(folder)
    keys = folder / "whole-keys.txt"
    keys.write_bytes(b"\n".join(urls) + b"\n")
    conf = folder / "squid.conf"
    conf.write_text(SIMULATE_CONF)
    squidcarp = lint_bench.install_like_a_user(folder / "install")
    array = make_array(3)
    c_cmd = [str(binary), str(keys), str(folder / "owners3.txt"),
             *(f"{m.label}:{m.weight}" for m in array.members)]
    s_cmd = [str(squidcarp), "simulate", "--config", str(conf), "--urls", str(keys), "--json"]
    c_times, s_times, ratios = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        subprocess.run(c_cmd, check=True, capture_output=True)
        t1 = time.perf_counter()
        done = subprocess.run(s_cmd, check=True, capture_output=True, text=True)
        t2 = time.perf_counter()
        c_times.append(t1 - t0)
        s_times.append(t2 - t1)
        ratios.append((t1 - t0) / (t2 - t1))
    import json

    counts = {d["name"]: d["count"] for d in json.loads(done.stdout)["destinations"]}
    c_owners = np.loadtxt(folder / "owners3.txt", dtype=np.int32, ndmin=1)
    expected = {m.label: int(np.count_nonzero(c_owners == i))
                for i, m in enumerate(array.members)}
    if {k: v for k, v in counts.items() if k in expected} != expected:
        raise RuntimeError(f"simulate counted {counts}, C {expected}")
    return statistics.median(c_times), statistics.median(s_times), statistics.median(ratios)


def report(rows: list[Row], n: int, mean: float) -> str:
    lines = [f"CARP routing: {n:,} synthetic URLs (canonical http, mean {mean:.0f} bytes), "
             f"Python {sys.version.split()[0]}, numpy {np.__version__}", "",
             f"{'members':>7}  {'engine':<22} {'URLs/s':>12}  {'of C':>7}  note"]
    c_rate = {r.members: r.rate for r in rows if r.engine.startswith("C ")}
    for r in rows:
        ratio = r.rate / c_rate[r.members]
        lines.append(f"{r.members:>7}  {r.engine:<22} {r.rate:>12,.0f}  {ratio:>7.1%}  {r.note}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, default=1_000_000, help="synthetic URLs (1,000,000)")
    parser.add_argument("--members", default="3,10", help="array sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing, best kept")
    parser.add_argument("--scalar-sample", type=int, default=20_000,
                        help="URLs for the scalar path (extrapolated)")
    parser.add_argument("--strict", action="store_true", help="exit 2 when the target is missed")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.members.split(",") if x]
    urls = synthetic_urls(args.urls)
    mean = sum(map(len, urls)) / len(urls)
    gc_was = gc.isenabled()
    gc.disable()
    try:
        with tempfile.TemporaryDirectory(prefix="carp-bench-") as tmp:
            rows, problems = bench(urls, sizes, args.repeat, min(args.scalar_sample, len(urls)),
                                   Path(tmp))
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"carp_bench: cannot build or run the C reference: {exc}", file=sys.stderr)
        return 1
    finally:
        if gc_was:
            gc.enable()
    print(report(rows, len(urls), mean))
    print()
    c_rate = {r.members: r.rate for r in rows if r.engine.startswith("C ")}
    missed = []
    for r in rows:
        if r.engine == "batch engine (numpy)":
            ratio = r.rate / c_rate[r.members]
            verdict = "met" if ratio >= TARGET else "MISSED"
            print(f"target batch >= {TARGET:.0%} of C, {r.members} members: {ratio:.1%} {verdict}")
            if ratio < TARGET:
                missed.append(r.members)
    for p in problems:
        print(f"MISMATCH: {p}")
    if problems:
        return 1
    print(f"owners agree: C, batch and batch (keys given) on all {len(urls):,} URLs; scalar "
          f"sample on {min(args.scalar_sample, len(urls)):,}")
    with tempfile.TemporaryDirectory(prefix="carp-bench-whole-") as tmp:
        c_s, s_s, ratio = whole_commands(urls, args.repeat, Path(tmp))
    verdict = "met" if ratio >= TARGET else "MISSED"
    print()
    print(f"whole commands, {len(urls):,} URLs, 3 members (wall time, median of {args.repeat} "
          "alternating rounds):")
    print(f"  C reference, as a process        {c_s:7.2f} s")
    print(f"  squidcarp simulate (installed)   {s_s:7.2f} s   {ratio:6.1%} of C's rate")
    print(f"target simulate >= {TARGET:.0%} of C as whole commands: {ratio:.1%} {verdict}")
    if ratio < TARGET:
        missed.append(0)
    return 2 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
