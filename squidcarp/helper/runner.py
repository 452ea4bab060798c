"""The helper process: stdin -> :class:`Service` -> stdout, and rule reloads.

:class:`Service` holds everything but the file descriptors, so tests drive it with plain bytes:
``handle(data)`` decodes what arrived, answers every complete line in order and returns the
replies as one buffer; :func:`serve` is the thin loop around it that reads what is available on
stdin, writes that buffer with one ``write``, and wakes up once per ``interval`` when idle.

Rules are reloaded on SIGHUP and when a watched file changes (size, mtime or inode, checked at most
once per ``interval``). A reload that fails keeps the rules in use and says why on stderr, which
Squid copies into cache.log; the same broken file is not retried until it changes again. When no
rules could be loaded at all (a broken file at start), each request is answered ``BH`` with the
reason: Squid logs it and goes on without the helper's answer, and the file is retried as it
changes. The helper ends only at end of input or on a ``quit`` line; nothing a request holds
makes it exit.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import time
from collections.abc import Callable, Sequence
from types import FrameType

from squidcarp.helper.protocol import QUIT, Decoder, Malformed, Reply, Request, encode_reply
from squidcarp.helper.roles import ERR, Role, RulesError

Stamp = tuple[int, int, int] | None  # (mtime_ns, size, inode) of a watched file; None: missing


def _stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class Service:
    """Decoder, role and reloads, without I/O of its own (beyond reading the rule files).

    ``build`` loads the rules and makes the role (raising :class:`RulesError`); ``paths`` are
    the files it reads; ``log`` gets one message per event worth a line in cache.log.
    """

    def __init__(self, decoder: Decoder, build: Callable[[], Role], paths: Sequence[str],
                 log: Callable[[str], None], *, interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.decoder = decoder
        self.build = build
        self.paths = tuple(paths)
        self.log = log
        self.interval = interval
        self.clock = clock
        self.role: Role | None = None
        self.problem = ""  # why no rules are loaded (when self.role is None)
        self.reload_requested = False
        self._stamps: tuple[Stamp, ...] = ()
        self._failed: tuple[Stamp, ...] | None = None
        self._next_check = 0.0
        self._loaded_at = ""
        self.finished = False

    # ---- rules -----------------------------------------------------------------------------

    def start(self) -> bool:
        """Load the rules for the first time; False (and logged) when they cannot be used."""
        return self._load("start")

    def _load(self, why: str) -> bool:
        stamps = tuple(_stamp(p) for p in self.paths)
        try:
            role = self.build()
        except Exception as exc:  # RulesError, or a bug: either way the old rules stay
            problems = (exc.problems if isinstance(exc, RulesError)
                        else (f"{type(exc).__name__}: {exc}",))
            self._failed = stamps
            lines = "\n".join(f"  {p}" for p in problems)
            if self.role is None:
                self.problem = problems[0] if problems else "rules cannot be used"
                self.log(f"cannot use the rules ({why}); answering BH until they are fixed:\n"
                         f"{lines}")
            else:
                self.log(f"reload ({why}) failed; still using the rules loaded "
                         f"{self._loaded_at}:\n{lines}")
            return False
        self.role = role
        self.problem = ""
        self._stamps = stamps
        self._failed = None
        self._loaded_at = time.strftime("%Y/%m/%d %H:%M:%S")
        if why != "start":
            self.log(f"reloaded the rules ({why})")
        return True

    def reload(self, why: str = "SIGHUP") -> bool:
        """Load the rules again now; on failure the old ones stay."""
        self.reload_requested = False
        return self._load(why)

    def poll(self) -> None:
        """Reload if SIGHUP asked for it or a watched file changed (checked once per interval)."""
        if self.reload_requested:
            self.reload("SIGHUP")
            return
        now = self.clock()
        if now < self._next_check:
            return
        self._next_check = now + self.interval
        stamps = tuple(_stamp(p) for p in self.paths)
        if stamps != self._stamps and stamps != self._failed:
            before = self._stamps or (None,) * len(stamps)
            changed = [p for p, old, new in zip(self.paths, before, stamps, strict=True)
                       if old != new]
            self.reload(f"{', '.join(changed) or 'a rules file'} changed")

    # ---- requests --------------------------------------------------------------------------

    def handle(self, data: bytes) -> bytes:
        """The replies to every line ``data`` completes, in order, as one buffer."""
        self.poll()
        return self._answer(self.decoder.feed(data))

    def close(self) -> bytes:
        """End of input: the reply to a last line that had no newline."""
        self.finished = True
        return self._answer(self.decoder.close())

    def _answer(self, events: Sequence[object]) -> bytes:
        out: list[bytes] = []
        append = out.append
        role = self.role
        answer = role.answer if role is not None else None
        for event in events:
            if type(event) is Request:
                if answer is None:
                    reply = Reply.broken(f"no rules loaded: {self.problem}")
                else:
                    try:
                        reply = answer(event)
                    except Exception as exc:  # a bug must not take the helper (and Squid) down
                        self.log(f"line {event.line}: internal error: "
                                 f"{type(exc).__name__}: {exc}")
                        reply = Reply.broken(f"internal error: {type(exc).__name__}")
                if reply is ERR:
                    append(b"ERR\n" if event.channel is None
                           else event.channel.encode() + b" ERR\n")
                    continue
                try:
                    append(encode_reply(event.channel, reply))
                except ValueError as exc:  # over Squid's 1 MiB, a NUL from a rules file...
                    self.log(f"line {event.line}: cannot send the answer: {exc}")
                    append(encode_reply(event.channel,
                                        Reply.broken(f"cannot send the answer: {exc}")))
            elif type(event) is Malformed:
                append(encode_reply(event.channel, Reply.broken(event.reason)))
            elif event is QUIT:
                self.finished = True
                break
        return b"".join(out)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def serve(service: Service, stdin: int = 0, stdout: int = 1, chunk: int = 65536) -> int:
    """Answer stdin on stdout until end of input or ``quit``; SIGHUP asks for a reload.

    The SIGHUP handler only raises a flag; the signal also writes a byte to a pipe the loop
    watches beside stdin (``signal.set_wakeup_fd``), so an idle helper reloads at once.
    """
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)

    def on_hup(signum: int, frame: FrameType | None) -> None:
        service.reload_requested = True

    old_wakeup = signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    old_handler = signal.signal(signal.SIGHUP, on_hup)
    try:
        while not service.finished:
            ready, _, _ = select.select([stdin, wake_r], [], [], service.interval)
            if wake_r in ready:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_r, 512)
            if stdin not in ready:
                service.poll()
                continue
            try:
                data = os.read(stdin, chunk)
            except ConnectionResetError:  # Squid's end of the socketpair went away
                data = b""
            out = service.handle(data) if data else service.close()
            if out:
                _write_all(stdout, out)
    except (BrokenPipeError, ConnectionResetError):  # Squid is gone (or restarting us)
        return 0
    finally:
        signal.signal(signal.SIGHUP, old_handler)
        signal.set_wakeup_fd(old_wakeup)
        os.close(wake_r)
        os.close(wake_w)
    return 0
