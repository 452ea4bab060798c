"""Garbage in, one reply per line out: 100,000 random lines through all three roles.

Each example builds 1,000 lines from a seed (valid requests with and without channel IDs, random
bytes, bytes that are not UTF-8, NULs, CRs, empty lines, lone channel IDs, over-long lines, huge
numbers) and feeds them to a Service in random chunks. Every line must get exactly one reply,
on its own channel, that Squid reads as OK, ERR or BH; nothing may raise.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from squidcarp.helper.formats import AclLayout, ExtrasLayout
from squidcarp.helper.owner import load_owner
from squidcarp.helper.protocol import Decoder, parse_reply
from squidcarp.helper.roles import (
    ExternalAclRole,
    Role,
    StoreIdRole,
    UrlRewriteRole,
    load_matcher,
    load_storeid,
)
from squidcarp.helper.runner import Service
from tests.helper.conftest import RULES_YAML, SQUID_CONF

LINES_PER_EXAMPLE = 1000
EXAMPLES_PER_ROLE = 34  # x 3 roles x 1000 lines = 102,000 lines
MAX_LINE = 300
CHANNEL = re.compile(rb"([0-9]{1,20}) ")
HOSTS = ["a.windowsupdate.com", "www.example.com", "intranet.example.org", "x.example.net",
         "[2001:db8::1]", "10.1.2.3"]


def random_line(rng: random.Random, role: str) -> bytes:
    kind = rng.randrange(12)
    channel = f"{rng.randrange(1, 10**6)} ".encode() if rng.random() < 0.6 else b""
    host = rng.choice(HOSTS)
    if role == "external-acl":
        good = (f"http://{host}/{rng.randrange(99)} {host} 10.{rng.randrange(3)}.0.9 GET "
                f"{rng.choice(['owner', 'exception', '-', 'owner cache1.example.net'])}")
    else:
        good = (f"http://{host}/{rng.choice(['nocache/', 'p/'])}{rng.randrange(99)} "
                f"10.{rng.randrange(3)}.0.9/- - GET "
                f"myip=127.0.0.2 myport=3128")
    if kind <= 3:
        body = good.encode()
    elif kind == 4:
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(80)))
    elif kind == 5:
        body = good.encode()[: rng.randrange(len(good))]
    elif kind == 6:
        body = good.encode().replace(b"/", b"\xff\xfe", 1)
    elif kind == 7:
        body = good.encode() + b"\x00" + bytes(rng.randrange(256) for _ in range(5))
    elif kind == 8:
        body = b"" if rng.random() < 0.5 else b"\r"
    elif kind == 9:
        body = good.encode() + b"x" * rng.randrange(MAX_LINE, MAX_LINE * 3)
    elif kind == 10:
        body = str(rng.randrange(10**30)).encode() + b" " + good.encode()
    else:
        body = good.encode() + b"\r"
    line = (channel + body).replace(b"\n", b"")
    return b"garbage" if line.rstrip(b"\r") == b"quit" else line


def make_role(role: str, tmp: Path) -> tuple[Callable[[], Role], ExtrasLayout | AclLayout]:
    rules = tmp / "rules.yaml"
    rules.write_text(RULES_YAML)
    if role == "store-id":
        db = tmp / "storeid.db"
        db.write_text("^http://([^/]*)\\.example\\.(com|net)/(.*)\thttp://$2.squid.internal/$3\n"
                      "nocache/(\\d+)\tnc-$1\n")
        return (lambda: StoreIdRole(load_storeid(str(db)))), ExtrasLayout()
    if role == "url-rewrite":
        return (lambda: UrlRewriteRole(load_matcher(str(rules)))), ExtrasLayout()
    conf = tmp / "squid.conf"
    conf.write_text(SQUID_CONF)
    return ((lambda: ExternalAclRole(load_matcher(str(rules)), load_owner(str(conf)))),
            AclLayout("%URI %DST %SRC %METHOD"))


@pytest.mark.parametrize("role", ["url-rewrite", "store-id", "external-acl"])
def test_one_reply_per_line_on_its_channel(role: str, tmp_path: Path) -> None:
    build, layout = make_role(role, tmp_path)
    role_obj = build()

    @settings(max_examples=EXAMPLES_PER_ROLE, deadline=None, database=None)
    @given(st.integers(min_value=0, max_value=2**32))
    def check(seed: int) -> None:
        rng = random.Random(seed)
        lines = [random_line(rng, role) for _ in range(LINES_PER_EXAMPLE)]
        data = b"\n".join(lines) + b"\n"
        log: list[str] = []
        service = Service(Decoder(layout, max_line=MAX_LINE), lambda: role_obj, [], log.append,
                          interval=3600.0)
        assert service.start()
        out = []
        i = 0
        while i < len(data):
            size = rng.choice([1, 7, 100, 4096, 65536])
            out.append(service.handle(data[i:i + size]))
            i += size
        out.append(service.close())
        replies = b"".join(out).split(b"\n")
        assert replies.pop() == b""
        assert len(replies) == len(lines)
        results = set()
        for line, reply in zip(lines, replies, strict=True):
            m = CHANNEL.match(line)
            if m is not None:
                assert reply.startswith(m.group(0)), (line, reply)
                body = reply[len(m.group(0)):]
            else:
                body = reply
            seen = parse_reply(reply, concurrent=m is not None)
            assert seen.result in ("OK", "ERR", "BH"), (line, reply)
            results.add(seen.result)
            if m is not None:
                assert seen.channel == int(m.group(1))
            assert body.split(b" ", 1)[0] in (b"OK", b"ERR", b"BH")
        assert not any("internal error" in entry for entry in log), log[:3]
        assert results == {"OK", "ERR", "BH"}  # real answers as well as refusals

    check()
