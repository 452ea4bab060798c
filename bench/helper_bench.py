"""squidcarp-helper against Squid's bundled storeid_file_rewrite, side by side in one run.

* Store-ID: the same 40 rules and the same 200,000 request lines (channel IDs and the default
  store_id_extras, as Squid sends them with concurrency=) through both helpers. Their answers must
  be the same as Squid reads them (src/helper/Reply.cc, via squidcarp.helper.protocol.parse_reply)
  and squidcarp-helper must answer at least twice as many lines per second.
* CARP exceptions: squidcarp-helper url-rewrite with 10,000 domains on the same lines, at no
  less than its own Store-ID rate; and, for information, the same with 20 url_regex patterns and
  3 client networks added (their matching is squidcarp.exceptions' code).
* Start-up (exec to first reply) and resident memory of each helper process, since Squid starts
  many of them: the idle size after the first reply, and the peak after the 200,000 lines.

Each helper is a process on pipes, as under Squid: a writer thread sends the lines in 64 KiB
writes while the replies are read; the clock runs from the first write to the last reply (one
warm-up line is answered first, so start-up is not counted twice). Beside lines/s, lines per
CPU-second (the helper's own user + system time for the lines, from /proc/PID/stat) tell what a
helper costs the machine; on a shared machine the wall clock also measures everyone else.
squidcarp-helper is run by Debian's /usr/bin/python3 from a byte-compiled copy of the checkout
(helpers/squidcarp-helper), as Squid runs it in the integration tests; rounds alternate between
the helpers, rates are medians and each ratio is the median of the per-round ratios.

    python bench/helper_bench.py [--lines 200000] [--rounds 3] [--strict]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from squidcarp.helper.protocol import parse_reply  # noqa: E402

PERL_HELPER = "/usr/lib/squid/storeid_file_rewrite"
TARGET_STOREID = 2.0  # squidcarp-helper store-id lines/s >= 2x the Perl helper's
EXTRAS = "10.{a}.{b}.{c}/10.{a}.{b}.{c} - GET myip=127.0.0.2 myport=3128"
CHUNK = 65536


def storeid_rules() -> list[tuple[str, str]]:
    """40 rules of the shapes real Store-ID DBs hold (CDN shards, mirrors, video ids)."""
    rules = []
    for i in range(16):
        rules.append((f"^http://[^./]+\\.cdn{i}\\.example\\.com/([^? ]*)",
                      f"http://cdn{i}.squid.internal/$1"))
    for i in range(12):
        rules.append((f"^http://(?:dl|mirror)[0-9]*\\.project{i}\\.example\\.org/pub/([^/ ]+)/"
                      f"([^? ]+)", f"http://project{i}.squid.internal/$1/$2"))
    for i in range(12):
        rules.append((f"^https?://video{i}\\.example\\.net/watch\\?(?:[^ ]*&)?v=([^& ]+)",
                      f"http://video{i}.squid.internal/$1"))
    return rules


def request_urls(count: int, rng: random.Random) -> list[str]:
    urls = []
    for n in range(count):
        kind = rng.randrange(10)
        i = rng.randrange(20)
        if kind < 3:
            urls.append(f"http://s{n % 13}.cdn{i}.example.com/img/{n}/photo.jpg?w={n % 640}")
        elif kind < 5:
            urls.append(f"http://mirror{n % 4}.project{i % 14}.example.org/pub/v{n % 9}/"
                        f"file-{n}.tar.gz")
        elif kind < 7:
            urls.append(f"http://video{i % 14}.example.net/watch?t={n % 60}&v=id{n}")
        else:
            urls.append(f"http://www.site{n % 9000}.example.com/page/{n}.html")
    return urls


def request_lines(urls: Sequence[str], rng: random.Random) -> bytes:
    out = []
    for n, url in enumerate(urls, start=1):
        extras = EXTRAS.format(a=rng.randrange(4), b=rng.randrange(8), c=rng.randrange(1, 250))
        out.append(f"{n} {url} {extras}\n")
    return "".join(out).encode()


def exception_rules(domains: int, more: bool) -> str:
    """``domains`` dstdomain exceptions (a third of the bench's sites); with ``more``, also 20
    url_regex patterns and 3 client networks."""
    lines = ["exceptions:", "  domains:"]
    lines += [f"    - .site{n}.example.com" for n in range(0, domains * 3, 3)][:domains]
    if more:
        lines += ["  url_regex:"]
        lines += [f"    - '^http://[^/]*\\.project{i}\\.example\\.org/private/'"
                  for i in range(20)]
        lines += ["  clients: [10.3.0.0/16, 192.168.0.0/16, '2001:db8::/32']"]
    return "\n".join(lines) + "\n"


@dataclass
class Run:
    seconds: float  # wall clock, first write to last reply
    cpu: float  # the helper process's user + system time over its whole life
    output: bytes
    peak_kb: int


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def read_until(proc: subprocess.Popen[bytes], lines: int) -> bytes:
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    parts = []
    seen = 0
    while seen < lines:
        chunk = os.read(fd, CHUNK)
        if not chunk:
            raise RuntimeError(f"helper exited after {seen} of {lines} replies")
        parts.append(chunk)
        seen += chunk.count(b"\n")
    return b"".join(parts)


def start_up(argv: list[str], line: bytes) -> tuple[float, int]:
    """Seconds from exec to the first reply, and the idle RSS (KiB) then."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdin is not None
    proc.stdin.write(line)
    proc.stdin.flush()
    read_until(proc, 1)
    took = time.perf_counter() - t0
    rss = rss_kb(proc.pid)
    proc.stdin.close()
    proc.wait(30)
    return took, rss


def cpu_seconds(pid: int) -> float:
    """User + system time of a live process so far (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(argv: list[str], data: bytes, lines: int, warm: bytes) -> Run:
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdin is not None
    stdin = proc.stdin
    stdin.write(warm)
    stdin.flush()
    read_until(proc, 1)
    cpu_before = cpu_seconds(proc.pid)  # start-up and loading the rules are not counted

    def write() -> None:
        view = memoryview(data)
        for i in range(0, len(view), CHUNK):
            stdin.write(view[i:i + CHUNK])
            stdin.flush()

    writer = threading.Thread(target=write)
    t0 = time.perf_counter()
    writer.start()
    out = read_until(proc, lines)
    seconds = time.perf_counter() - t0
    writer.join()
    peak = rss_kb(proc.pid, "VmHWM")
    cpu = cpu_seconds(proc.pid) - cpu_before
    stdin.close()
    proc.wait(30)
    return Run(seconds, cpu, out, peak)


def squid_view(output: bytes) -> list[tuple[int | None, str, tuple[tuple[str, bytes], ...]]]:
    out = []
    for line in output.splitlines():
        reply = parse_reply(line, concurrent=True)
        out.append((reply.channel, reply.result, reply.notes))
    return out


def python_for_helper() -> str:
    system = shutil.which("python3", path="/usr/bin:/bin")
    if system:
        probe = subprocess.run([system, "-c", "import yaml"], capture_output=True)
        if probe.returncode == 0:
            return system
    return sys.executable


def install_copy(where: Path, python: str) -> str:
    """The checkout's package and helper, byte-compiled for ``python``, as an installation has
    them (a checkout where bytecode is not written would compile every module at each start)."""
    shutil.copytree(ROOT / "squidcarp", where / "squidcarp",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (where / "helpers").mkdir()
    shutil.copy2(ROOT / "helpers" / "squidcarp-helper", where / "helpers")
    subprocess.run([python, "-m", "compileall", "-q", str(where / "squidcarp")], check=True)
    return str(where / "helpers" / "squidcarp-helper")


def mib(kb: int) -> str:
    return f"{kb / 1024:.1f} MiB" if kb else "n/a"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=200_000, help="request lines (200,000)")
    parser.add_argument("--domains", type=int, default=10_000, help="exception domains (10,000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per helper")
    parser.add_argument("--startups", type=int, default=7, help="start-up timings per helper")
    parser.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    args = parser.parse_args(argv)
    if not os.access(PERL_HELPER, os.X_OK):
        print(f"helper_bench: {PERL_HELPER} not found (Debian's squid package ships it)",
              file=sys.stderr)
        return 1
    rng = random.Random(20)
    rules = storeid_rules()
    data = request_lines(request_urls(args.lines, rng), rng)
    warm = b"0 http://warm.example/ 10.0.0.1/10.0.0.1 - GET myip=127.0.0.2 myport=3128\n"
    python = python_for_helper()
    with tempfile.TemporaryDirectory(prefix="helper-bench-") as tmp:
        helper = install_copy(Path(tmp), python)
        db = Path(tmp) / "storeid.db"
        db.write_text("".join(f"{p}\t{r}\n" for p, r in rules))
        exc = Path(tmp) / "exceptions.yaml"
        exc.write_text(exception_rules(args.domains, more=False))
        mixed = Path(tmp) / "mixed.yaml"
        mixed.write_text(exception_rules(args.domains, more=True))
        programs = {
            "perl": [PERL_HELPER, str(db)],
            "store-id": [python, helper, "store-id", "--storeid-db", str(db)],
            "exceptions": [python, helper, "url-rewrite", "--rules", str(exc)],
            "mixed": [python, helper, "url-rewrite", "--rules", str(mixed)],
        }
        runs: dict[str, list[Run]] = {k: [] for k in programs}
        starts: dict[str, list[tuple[float, int]]] = {k: [] for k in programs}
        for _ in range(args.startups):
            for name, cmd in programs.items():
                starts[name].append(start_up(cmd, warm))
        for _ in range(args.rounds):
            for name, cmd in programs.items():
                runs[name].append(throughput(cmd, data, args.lines, warm))
    rate = {k: args.lines / statistics.median(r.seconds for r in v) for k, v in runs.items()}
    cpu_rate = {k: args.lines / statistics.median(r.cpu for r in v) for k, v in runs.items()}
    perl_view = squid_view(runs["perl"][0].output)
    ours_view = squid_view(runs["store-id"][0].output)
    same = sum(a == b for a, b in zip(perl_view, ours_view, strict=False))
    identical = runs["perl"][0].output == runs["store-id"][0].output
    hits = sum(1 for _, result, _ in ours_view if result == "OK")
    tagged = sum(line.split(b" ", 2)[1] == b"OK" for line in runs["exceptions"][0].output
                 .splitlines())
    labels = {
        "perl": "storeid_file_rewrite (Perl, Squid 5.7)",
        "store-id": "squidcarp-helper store-id",
        "exceptions": f"squidcarp-helper url-rewrite, {args.domains:,} domains",
        "mixed": "  the same + 20 url_regex + 3 client nets",
    }
    print(f"{args.lines:,} request lines, {len(rules)} Store-ID rules; squidcarp-helper run by "
          f"{python}")
    print(f"{'helper':<44} {'lines/s':>9} {'per CPU-s':>10} {'start-up':>9} {'RSS idle':>9} "
          f"{'RSS peak':>9}")
    for name, label in labels.items():
        start = statistics.median(t for t, _ in starts[name]) * 1000
        idle = int(statistics.median(r for _, r in starts[name]))
        peak = max(r.peak_kb for r in runs[name])
        print(f"{label:<44} {rate[name]:>9,.0f} {cpu_rate[name]:>10,.0f} {start:>6.1f} ms "
              f"{mib(idle):>9} {mib(peak):>9}")
    print()
    # Ratios per round (the helpers of a round ran back to back), then the median: lines/s on
    # the wall clock, as the target is stated, and beside it lines per CPU-second (each
    # helper's own user + system time: what it costs the machine, whoever else runs there).
    def ratio_of(slow: str, fast: str, cpu: bool) -> float:
        return statistics.median((a.cpu / b.cpu) if cpu else (a.seconds / b.seconds)
                                 for a, b in zip(runs[slow], runs[fast], strict=True))

    ratio, ratio_cpu = ratio_of("perl", "store-id", False), ratio_of("perl", "store-id", True)
    exc_ratio = ratio_of("store-id", "exceptions", False)
    exc_cpu = ratio_of("store-id", "exceptions", True)
    print(f"answers: {same:,} of {args.lines:,} the same as Squid reads them "
          f"({'byte for byte identical' if identical else 'bytes differ'}); {hits:,} store-ids, "
          f"{tagged:,} exceptions tagged")
    missed = []
    print(f"target store-id >= {TARGET_STOREID:.0f}x Perl's lines/s: {ratio:.2f}x "
          f"{'met' if ratio >= TARGET_STOREID else 'MISSED'} (per CPU-second: {ratio_cpu:.2f}x)")
    if ratio < TARGET_STOREID:
        missed.append("store-id")
    print(f"target exceptions ({args.domains:,} domains) >= the store-id rate: {exc_ratio:.2f}x "
          f"{'met' if exc_ratio >= 1.0 else 'MISSED'} (per CPU-second: {exc_cpu:.2f}x)")
    if exc_ratio < 1.0:
        missed.append("exceptions")
    if same != args.lines or len(perl_view) != args.lines:
        print("MISMATCH: the helpers disagree")
        return 1
    return 2 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
