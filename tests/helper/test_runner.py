"""The Service: batches in, replies out, reloads that never lose working rules."""

from __future__ import annotations

import os
from pathlib import Path

from squidcarp.helper.formats import ExtrasLayout
from squidcarp.helper.protocol import Decoder, Request
from squidcarp.helper.roles import Role, StoreIdRole, load_storeid
from squidcarp.helper.runner import Service
from tests.helper.conftest import EXTRAS, make_service

DB_A = "^http://a/(.*)\thttp://a.squid.internal/$1\n"
DB_B = "^http://a/(.*)\thttp://b.squid.internal/$1\n"
LINE = b"5 http://a/x" + EXTRAS + b"\n"


def storeid_service(db: Path, log: list[str]) -> Service:
    return make_service(lambda: StoreIdRole(load_storeid(str(db))), [str(db)], ExtrasLayout(),
                        log)


def replace(path: Path, text: str) -> None:
    """Write ``text`` so that the change is visible whatever the clock's resolution."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)  # a new inode, as editors and config management write files


def test_a_changed_file_is_reloaded(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_text(DB_A)
    log: list[str] = []
    service = storeid_service(db, log)
    assert service.handle(LINE) == b"5 OK store-id=http://a.squid.internal/x\n"
    replace(db, DB_B)
    assert service.handle(LINE) == b"5 OK store-id=http://b.squid.internal/x\n"
    assert log == [f"reloaded the rules ({db} changed)"]


def test_a_broken_file_keeps_the_old_rules_and_says_why_once(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_text(DB_A)
    log: list[str] = []
    service = storeid_service(db, log)
    replace(db, DB_B + "broken line\n(bad\tx\n")
    assert service.handle(LINE) == b"5 OK store-id=http://a.squid.internal/x\n"
    assert len(log) == 1
    assert log[0].startswith(f"reload ({db} changed) failed; still using the rules loaded ")
    assert log[0].endswith(f":\n  {db}:2: not a rule: expected REGEX, TAB, REPLACEMENT\n"
                           f"  {db}:3: bad regex '(bad': missing ), unterminated subpattern at "
                           "position 0")
    assert service.handle(LINE) == b"5 OK store-id=http://a.squid.internal/x\n"
    assert len(log) == 1  # the same broken file is not tried again
    db.unlink()
    assert service.handle(LINE) == b"5 OK store-id=http://a.squid.internal/x\n"
    assert log[1].endswith(f":\n  {db}: cannot read: No such file or directory")
    replace(db, DB_B)
    assert service.handle(LINE) == b"5 OK store-id=http://b.squid.internal/x\n"
    assert log[2] == f"reloaded the rules ({db} changed)"


def test_sighup_reloads_even_an_unchanged_file(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_text(DB_A)
    log: list[str] = []
    service = storeid_service(db, log)
    service.reload_requested = True  # what the SIGHUP handler does
    assert service.handle(LINE) == b"5 OK store-id=http://a.squid.internal/x\n"
    assert log == ["reloaded the rules (SIGHUP)"]
    assert service.reload_requested is False


def test_no_rules_at_start_means_bh_until_the_file_is_fixed(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_text("no tab\n")
    log: list[str] = []
    service = storeid_service(db, log)
    assert log == ["cannot use the rules (start); answering BH until they are fixed:\n"
                   f"  {db}:1: not a rule: expected REGEX, TAB, REPLACEMENT"]
    assert service.handle(LINE) == (b'5 BH message="no rules loaded: ' + str(db).encode()
                                    + b':1: not a rule: expected REGEX, TAB, REPLACEMENT"\n')
    replace(db, DB_A)
    assert service.handle(LINE) == b"5 OK store-id=http://a.squid.internal/x\n"


def test_files_are_checked_at_most_once_per_interval(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_text(DB_A)
    now = [100.0]
    log: list[str] = []
    service = Service(Decoder(ExtrasLayout()), lambda: StoreIdRole(load_storeid(str(db))),
                      [str(db)], log.append, interval=1.0, clock=lambda: now[0])
    service.start()
    assert service.handle(LINE) == b"5 OK store-id=http://a.squid.internal/x\n"
    replace(db, DB_B)
    now[0] += 0.5
    assert service.handle(LINE) == b"5 OK store-id=http://a.squid.internal/x\n"
    now[0] += 0.6
    assert service.handle(LINE) == b"5 OK store-id=http://b.squid.internal/x\n"


class Exploding:
    def answer(self, request: Request) -> object:
        raise KeyError("boom")


def test_a_failing_role_answers_bh_and_logs(tmp_path: Path) -> None:
    log: list[str] = []
    role: Role = Exploding()  # type: ignore[assignment]
    service = make_service(lambda: role, [], ExtrasLayout(""), log)
    assert service.handle(b"1 http://x/\n2 http://y/\n") == (
        b'1 BH message="internal error: KeyError"\n2 BH message="internal error: KeyError"\n')
    assert log == ["line 1: internal error: KeyError: 'boom'",
                   "line 2: internal error: KeyError: 'boom'"]


def test_quit_answers_what_came_before_and_stops(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_text(DB_A)
    service = storeid_service(db, [])
    assert service.handle(LINE + b"quit\n" + LINE) == b"5 OK store-id=http://a.squid.internal/x\n"
    assert service.finished


def test_an_answer_squid_could_not_take_becomes_bh(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_text("^http://big/(.*)\t" + "$1" * 200 + "\n^http://nul/\ta\x00b\n")
    log: list[str] = []
    service = storeid_service(db, log)
    url = "http://big/" + "x" * 6000
    assert service.handle(f"1 {url}".encode() + EXTRAS + b"\n2 http://nul/" + EXTRAS + b"\n") == (
        b'1 BH message="cannot send the answer: reply of 1200015 bytes: Squid drops a helper '
        b'whose reply passes 1048576 bytes"\n'
        b'2 BH message="cannot send the answer: a reply value cannot hold a NUL byte (Squid '
        b'reads C strings)"\n')
    assert log == ["line 1: cannot send the answer: reply of 1200015 bytes: Squid drops a "
                   "helper whose reply passes 1048576 bytes",
                   "line 2: cannot send the answer: a reply value cannot hold a NUL byte (Squid "
                   "reads C strings)"]


def test_a_loader_bug_is_a_failed_reload_too(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_text(DB_A)
    calls = []

    def build() -> Role:
        calls.append(1)
        if len(calls) > 1:
            raise RecursionError("maximum recursion depth exceeded")
        return StoreIdRole(load_storeid(str(db)))

    log: list[str] = []
    service = make_service(build, [str(db)], ExtrasLayout(), log)
    service.reload_requested = True
    assert service.handle(LINE) == b"5 OK store-id=http://a.squid.internal/x\n"
    assert log[0].endswith(":\n  RecursionError: maximum recursion depth exceeded")
