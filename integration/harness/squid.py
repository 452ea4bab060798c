"""One real Squid process: started in the foreground, waited for, stopped by pid.

``SquidNode`` owns a temp dir (its cwd; 0777 because Squid started as root switches to user
``proxy``) holding squid.conf, the hosts file, cache.log and access.log. It is started with
``squid -N -f squid.conf`` and stdin from /dev/null, is ready when its http_port answers a
request, and is stopped with SIGTERM, then SIGKILL after a deadline, by pid only.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from .client import ResponseError, build_request, exchange
from .ledger import Ledger, LiveNode, Resource, processes_mentioning
from .render import write_config
from .topology import AccessLogEntry

SHM_DIR = "/dev/shm"
_SERVICE_SERIAL = itertools.count(1)

SQUID_CANDIDATES = ("/usr/sbin/squid", "/usr/local/sbin/squid", "/usr/local/squid/sbin/squid")
NSPROBE = Path(__file__).with_name("nsprobe.py")


class SquidNotFound(Exception):
    """No Squid binary on this machine."""


# What Squid 5 logs when its http_port is taken (commBind ... strerror(EADDRINUSE)).
ADDRESS_IN_USE = "(98) Address already in use"


class SquidStartError(Exception):
    """Squid exited or did not answer in time; the message carries the tail of cache.log.

    ``address_in_use``: the port was taken between finding it free and Squid binding it (another
    process got it first); starting again on a fresh port is the remedy.
    """

    def __init__(self, message: str, *, address_in_use: bool = False) -> None:
        super().__init__(message)
        self.address_in_use = address_in_use


def find_squid() -> str:
    found = shutil.which("squid")
    if found:
        return found
    for candidate in SQUID_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    raise SquidNotFound("no squid binary (run scripts/ensure-squid.sh, or apt-get install squid)")


def tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


class SquidNode:
    """A Squid process with its own dir, address and port.

    ``netns``: run inside that network namespace (``ip netns exec``; readiness is then probed
    from inside it too).
    """

    def __init__(
        self,
        *,
        label: str,
        address: str,
        port: int,
        workdir: Path,
        ledger: Ledger,
        squid: str,
        netns: str | None = None,
    ) -> None:
        self.label = label
        self.address = address
        self.port = port
        self.workdir = workdir
        self.conf_path = workdir / "squid.conf"
        self.hosts_path = workdir / "hosts"
        self.cache_log_path = workdir / "cache.log"
        self.access_log_path = workdir / "access.log"
        self.output_path = workdir / "squid.out"
        self.netns = netns
        self._ledger = ledger
        self._squid = squid
        self._process: subprocess.Popen[bytes] | None = None
        # A service name of its own (squid -n): Squid names its shared-memory segments after it
        # (/dev/shm/<service>-cf__metadata.shm ...), and two nodes starting at the same moment
        # under the default name 'squid' collide ("shm_open ... File exists").
        self.service_name = f"sc{os.getpid()}n{next(_SERVICE_SERIAL)}"
        self._access_offset = 0
        self._access_entries: list[AccessLogEntry] = []

    # -- lifecycle ---------------------------------------------------------------------------

    def write(self, conf_text: str, hosts_text: str = "") -> None:
        write_config(self.conf_path, conf_text)
        self.hosts_path.write_text(hosts_text, encoding="utf-8")

    def argv(self) -> list[str]:
        argv = [self._squid, "-N", "-n", self.service_name, "-f", str(self.conf_path)]
        return ["ip", "netns", "exec", self.netns, *argv] if self.netns else argv

    def create_cache_dirs(self, timeout: float = 60.0) -> None:
        """``squid -z``: make the cache_dir structure a config names (before ``start``)."""
        argv = self.argv()
        at = argv.index(self._squid) + 1
        argv[at:at] = ["-z"]
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              cwd=self.workdir, timeout=timeout, check=False)
        if done.returncode != 0:
            raise SquidStartError(f"squid -z for {self.label} failed ({done.returncode}):\n"
                                  f"{tail(done.stderr + done.stdout, 20)}")

    def launch(self) -> None:
        """Start the process (not yet waiting for it to answer)."""
        if self._process is not None:
            raise RuntimeError(f"{self.label} already started")
        with open(self.output_path, "wb") as out:
            self._process = subprocess.Popen(
                self.argv(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
            )
        self._ledger.record(Resource("process", str(self._process.pid), str(self.conf_path)))
        self._ledger.live_nodes.append(self)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _probe_once(self) -> bool:
        request = build_request(
            "GET",
            "/squid-internal-mgr/menu",
            [("Host", f"{self.address}:{self.port}"), ("Connection", "close")],
        )
        try:
            exchange(self.address, self.port, request, timeout=1.0)
        except (OSError, ResponseError):
            return False
        return True

    def _probe_in_netns(self, timeout: float) -> bool:
        assert self.netns is not None
        argv = ["ip", "netns", "exec", self.netns, "python3", "-I", str(NSPROBE), "http"]
        argv += [self.address, str(self.port), str(timeout)]
        return subprocess.run(argv, capture_output=True, timeout=timeout + 10).returncode == 0

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Poll until the http_port answers a request; on failure raise with cache.log's tail."""
        deadline = time.monotonic() + timeout
        if self.netns is not None:
            if self.running() and self._probe_in_netns(timeout):
                return
            self._fail_start(f"did not answer within {timeout}s")
        while time.monotonic() < deadline:
            if not self.running():
                self._fail_start("exited during start")
            if self._probe_once():
                return
            time.sleep(0.05)
        self._fail_start(f"did not answer within {timeout}s")

    def _fail_start(self, why: str) -> None:
        code = self._process.poll() if self._process is not None else None
        detail = f" (exit code {code})" if code is not None else ""
        message = (
            f"Squid {self.label} at {self.address}:{self.port} {why}{detail}\n"
            f"--- {self.cache_log_path} (tail) ---\n{tail(self.cache_log(), 40)}\n"
            f"--- squid output ---\n{tail(_read(self.output_path), 20)}"
        )
        raise SquidStartError(message, address_in_use=ADDRESS_IN_USE in self.cache_log())

    def start(self, timeout: float = 30.0) -> SquidNode:
        self.launch()
        self.wait_ready(timeout)
        return self

    def signal_stop(self) -> None:
        if self.running():
            assert self._process is not None
            self._process.send_signal(signal.SIGTERM)

    def finish_stop(self, timeout: float = 15.0) -> None:
        """Wait for the process (SIGKILL after ``timeout``), reap helpers, remove the dir."""
        if self._process is not None:
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
        self._reap_children()
        for segment in Path(SHM_DIR).glob(f"{self.service_name}-*"):
            segment.unlink(missing_ok=True)  # left behind only when Squid had to be killed
        if self in self._ledger.live_nodes:
            self._ledger.live_nodes.remove(self)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _reap_children(self, timeout: float = 5.0) -> None:
        """Helpers Squid started see EOF and exit; kill by pid any that did not."""
        marker = str(self.workdir)
        deadline = time.monotonic() + timeout
        while processes_mentioning(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in processes_mentioning(marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue

    def stop(self, timeout: float = 15.0) -> None:
        self.signal_stop()
        self.finish_stop(timeout)

    # -- evidence ----------------------------------------------------------------------------

    def cache_log(self) -> str:
        return _read(self.cache_log_path)

    def access_log(self) -> str:
        return _read(self.access_log_path)

    def access_entries(self) -> list[AccessLogEntry]:
        """All access log entries so far (read incrementally)."""
        try:
            with open(self.access_log_path, "rb") as log:
                log.seek(self._access_offset)
                data = log.read()
        except FileNotFoundError:
            return list(self._access_entries)
        complete = data[: data.rfind(b"\n") + 1]
        self._access_offset += len(complete)
        for line in complete.decode("utf-8", "surrogateescape").splitlines():
            if line.strip():
                self._access_entries.append(AccessLogEntry.parse(line))
        return list(self._access_entries)

    def find_access(self, harness_id: str, timeout: float = 10.0) -> AccessLogEntry | None:
        """The access log entry of the request tagged ``harness_id``, waiting up to ``timeout``
        for it to be logged; None if it never is."""
        deadline = time.monotonic() + timeout
        while True:
            for entry in self.access_entries():
                if entry.harness_id == harness_id:
                    return entry
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.005)

    def wait_access(self, harness_id: str, timeout: float = 10.0) -> AccessLogEntry:
        """Like ``find_access``, but a missing entry is an error."""
        entry = self.find_access(harness_id, timeout)
        if entry is None:
            raise TimeoutError(f"{self.label}: no access log entry for {harness_id!r}")
        return entry

    def report_sections(self) -> list[tuple[str, str]]:
        return [
            (f"squid {self.label} cache.log", tail(self.cache_log(), 200)),
            (f"squid {self.label} access.log", tail(self.access_log(), 100)),
        ]


def stop_all(nodes: Iterable[LiveNode], timeout: float = 15.0) -> None:
    """Stop several nodes at once (Squid takes 1-3 s to shut down, so signal them all first)."""
    listed: Sequence[LiveNode] = list(nodes)
    for node in listed:
        node.signal_stop()
    for node in listed:
        node.finish_stop(timeout)
