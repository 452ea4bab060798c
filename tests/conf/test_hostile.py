"""Hostile input found by fuzzing (issue 8 §5): each case is read the way Squid reads it, with a
clear event and never a traceback."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from squidcarp.conf import ReadResult, read_bytes, read_config
from squidcarp.conf.preprocess import MAX_INCLUDED_FILES

N = "9" * 5000  # longer than Python's int-string limit (4300 digits)


@pytest.mark.parametrize(("text", "expected"), [
    (f"http_port {N}\n",
     ("port-line", "fatal", 1, 11, f"http_port: '{N}' is larger than the type 'short': Squid "
      "stops")),
    (f"http_port 127.0.0.1:{N}\n",
     ("port-line", "fatal", 1, 11, f"http_port: '{N}' is larger than the type 'short': Squid "
      "stops")),
    (f"icp_port {N}\n",
     ("scalar-value", "fatal", 1, 10, f"icp_port: '{N}' is larger than the type 'short'")),
    (f"cache_peer p parent {N} 0\n",
     ("peer-bungled", "fatal", 1, 21, f"HTTP port: '{N}' is larger than the type 'short': Squid "
      "rejects the line ('Bungled')")),
    (f"cache_peer p parent 3128 {N}\n",
     ("peer-bungled", "fatal", 1, 26, f"ICP port: '{N}' is larger than the type 'short': Squid "
      "rejects the line ('Bungled')")),
    (f"cache_peer p parent 3128 0 weight={N}\n",
     ("peer-bungled", "fatal", 1, 28, f"weight: '{N}' is larger than the type 'int': Squid "
      "rejects the line ('Bungled')")),
    (f"acl a src 10.0.0.0/{N}\n",
     ("acl-value", "fatal", 1, 11, f"acl a: '{N}' in '10.0.0.0/{N}' is not a mask: Squid stops "
      "('unknown netmask')")),
    (f"acl a time {N}:00-12:00\n",
     ("acl-value", "fatal", 1, 12, f"acl a: time range '{N}:00-12:00' is outside 00:00-24:00: "
      "Squid stops")),
    (f"acl a random {N}:1\n",
     ("acl-value", "fatal", 1, 14, f"acl a: random pattern '{N}:1' has a number of 256 digits "
      "or more, which overflows Squid's buffer (sscanf into char[256]): Squid crashes or stops")),
    ("acl a random 99999999999:1\n",
     ("acl-value", "fatal", 1, 14, "acl a: random pattern '99999999999:1': '99999999999' is "
      "larger than the type 'int': Squid stops")),
    (f"acl a maxconn {N}\n",
     ("acl-value", "fatal", 1, 15, f"acl a: maxconn limit '{N}' is not a positive number: Squid "
      "stops ('Invalid ACL')")),
    (f"read_timeout 0x{N} seconds\n",
     ("scalar-value", "fatal", 1, 14, "read_timeout: time values cannot exceed 292 years: Squid "
      "stops here")),
    (f"icp_query_timeout 0x{N}\n",
     ("scalar-value", "fatal", 1, 19, f"icp_query_timeout: '0x{N}' is larger than the type 'int'")),
    (f"url_rewrite_children {N}\n",
     ("helper-children", "fatal", 1, 22, f"url_rewrite_children: '{N}' is larger than the type "
      "'unsigned int': Squid stops here")),
])
def test_huge_numbers_clamp_like_squid(text: str, expected: tuple[str, str, int, int, str]
                                       ) -> None:
    events = read_bytes(text.encode(), "t.conf").events
    assert [(e.kind.value, e.squid.value, e.pos.line, e.pos.column, e.message)
            for e in events] == [expected]


def test_huge_if_operands_clamp_to_long_max() -> None:
    # strtol clamps both sides to LONG_MAX: they are equal, so the block is active
    read = read_bytes(f"if {N} = 9223372036854775807\nhttp_port 1\nendif\n".encode(), "t.conf")
    assert [d.keyword for d in read.config.directives] == ["http_port"]
    read = read_bytes(f"if 1 = {N}\nhttp_port 1\nendif\n".encode(), "t.conf")
    assert read.config.directives == () and read.events == ()


# --- files Squid would never finish reading ----------------------------------------------------


def _events(read: ReadResult) -> list[tuple[str, str, str]]:
    return [(e.kind.value, str(e.pos), e.message) for e in read.events
            if e.kind.value != "include-relative"]


def test_fifo_and_endless_devices_are_refused_not_read(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    os.mkfifo("fifo")
    Path("s.conf").write_text(f"include {tmp_path}/fifo\ninclude /dev/zero\ninclude /dev/null\n"
                              "configuration_includes_quoted_values on\n"
                              'http_port parameters("/dev/zero")\n')
    read = read_config("s.conf")
    assert _events(read) == [
        ("include-unreadable", "s.conf:1:9", f"unable to open configuration file: {tmp_path}/fifo: "
         "is a FIFO or socket, not a regular file: Squid would wait for a writer"),
        ("include-unreadable", "s.conf:2:9", "unable to open configuration file: /dev/zero: is a "
         "device that reads on and on (like /dev/zero): Squid would never finish reading it"),
        ("port-line", "s.conf:5:1", "http_port needs a port: Squid stops ('Bungled')"),
        ("parameters-error", "s.conf:5:11", "cannot open parameters file '/dev/zero': is a device "
         "that reads on and on (like /dev/zero): Squid would never finish reading it"),
    ]
    with pytest.raises(OSError, match="is a FIFO or socket"):
        read_config("fifo")


def test_glob_self_includes_are_cycles_and_fan_out_is_bounded(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    for i in range(10):  # every file includes all ten: Squid recurses to depth 16 and stops
        (tmp_path / "d" / f"f{i}.conf").write_text(f"include {tmp_path}/d/*.conf\n")
    Path("s.conf").write_text(f"include {tmp_path}/d/*.conf\n")
    started = time.monotonic()
    read = read_config("s.conf")
    assert time.monotonic() - started < 20
    kinds = {(e.kind.value, e.pos.file) for e in read.events}
    assert ("include-cycle", "d/f0.conf") in kinds
    assert ("include-depth", "d/f0.conf") in kinds  # the fan-out bound
    cycle = next(e for e in read.events if e.kind.value == "include-cycle")
    assert cycle.message == (f"include cycle: '{tmp_path}/d/*.conf' includes itself again; Squid "
                             "would recurse until 'nested too deeply (>16)'")
    bound = next(e for e in read.events if e.kind.value == "include-depth")
    assert bound.message == (f"more than {MAX_INCLUDED_FILES} files included (the includes fan "
                             f"out): squidcarp reads no more of them, from '{tmp_path}/d/*.conf' "
                             "on")
    # each event once, however often its file was included
    assert len(read.events) == len({(e.kind, e.pos, e.message) for e in read.events})


def test_a_nul_byte_ends_a_file_name_as_in_c(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    monkeypatch.chdir(tmp_path)
    Path("inc.conf").write_text("http_port 1\n")
    read = read_bytes(b"include inc.conf\x00junk\nhttp_access allow \"names\x00x\"\n", "s.conf")
    assert [d.keyword for d in read.config.directives] == ["http_port", "http_access"]
    assert [(e.kind.value, str(e.pos)) for e in read.events] == [
        ("include-relative", "s.conf:1:9"), ("access-dropped", "s.conf:2:13"),
        ("acl-file-missing", "s.conf:2:19")]


def test_a_regular_file_is_read_at_its_size_and_refused_past_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """read() sets aside what it is asked for: a file is asked for its size plus one byte (so a
    file that grew is seen), not for the 256 MiB limit; past the limit it is refused."""
    from squidcarp.conf import source

    asked: list[int] = []

    class Spy:
        def __init__(self, path: str, mode: str) -> None:
            self.fh = open(path, mode)  # noqa: SIM115 (closed in __exit__)

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def read(self, n: int) -> bytes:
            asked.append(n)
            return self.fh.read(n)

    monkeypatch.setattr(source, "open", Spy, raising=False)
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 100)
    conf = tmp_path / "s.conf"
    conf.write_bytes(b"x" * 100)
    assert source.read_file(str(conf)) == b"x" * 100
    assert asked == [101]
    conf.write_bytes(b"x" * 101)
    with pytest.raises(OSError, match="larger than 0 MiB"):
        source.read_file(str(conf))
