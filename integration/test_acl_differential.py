"""Random ``acl`` lines: squidcarp predicts the verdict of the installed ``squid -k parse``.

Each case is an ``acl`` line (for domain types sometimes two for the same ACL) built from a
fixed seed out of types, options and values chosen to sit on the edges of Squid 5.7's ACL
parsers (src/acl/Options.cc, Ip.cc, IntRange.cc, TimeData.cc, Random.cc, HierCodeData.cc,
DomainData.cc and its splay tree, auth/AclProxyAuth.cc), half of them after an
``auth_param ... program`` line. Squid's exit status (a crash counted as fatal) must be the one
squidcarp predicts from its reader events. Words that would need DNS are left out: their verdict
depends on the resolver, and squidcarp reports them as warnings either way.

About 30 ms per case.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from integration.harness import SquidParser
from squidcarp.conf import ReadOptions, read_config
from squidcarp.conf.events import Kind
from tests.conf.test_squid_differential import MAIN, exit_class, predicted_exit

SEED = 20261122
COUNT = 300
TYPES = ("src", "dst", "localip", "myip", "port", "localport", "myport", "maxconn",
         "max_user_ip", "time", "dstdomain", "srcdomain", "dstdomain", "url_regex", "browser",
         "note", "method", "proxy_auth", "any-of", "http_status", "hier_code", "random",
         "bogus_type", "ssl_error")
OPTIONS = ("", "", "", "", "-n", "-i", "+i", "-s", "-m", "--", "-", "-ni", "-n=1", "-m=,",
           "-x", "--x", "-ii")
ADDRESSES = ("10.0.0.1", "10.0.0.0/8", "10.1.0.0/8", "10.0.0.0/33", "10.0.0.0/32", "10.0.0.300",
             "10.1", "0x0a000001", "010.0.0.1", "08.0.0.1", "::1", "2001:db8::/32",
             "2001:db8::1/64", "2001:db8::/129", "10.0.0.1-10.0.0.9", "10.0.0.9-10.0.0.1",
             "10.0.0.1-10.0.0.9/24", "10.0.0.0/255.255.0.0", "10.0.0.0/24.5", "10.0.0.1/x",
             "10.0.0.0/8x", "all", "0.0.0.0/0", "ipv4", "ipv6", "host/24", "a-b", "db-1",
             "1.2.3.4.5", "-n", "127.0.0.1/", "::/0", "10.0.0.0/-1", "10.0.0.0/+8", "1.2.3",
             "1..2", "10.0.0.0/0x8", "::ffff:10.0.0.1/120")
PORTS = ("80", "0", "65535", "65536", "80-90", "90-80", "80-", "-80", "abc", "08", "0x50",
         "1-1", "80-80x", "70000")
TIMES = ("MTWHF", "mtw", "D", "08:00-17:00", "17:00-08:00", "23:00-24:00", "24:00-24:00",
         "8:0-9:0", "08:00", "08:60-09:00", "S-A", "08:00-17:00x", "+8:00-9:00")
NUMBERS = ("0", "1", "5", "-1", "x", "5x", "0x10", "010")
WORDS = (".a.example", "^http://", "GET", "x", "a", "PARENT_HIT", "1/2", "2/1", "1:3", "0:1",
         "0.5", ".5", "HIER_DIRECT", "CD_PARENT_HIT")
# Overlapping domains, for the splay tree Squid keeps them in (src/acl/DomainData.cc).
DOMAINS = (".a.example", "a.example", "www.a.example", "x.www.a.example", ".www.a.example",
           "b.example", ".example", "example", "A.example", "a-b.example", "ab.example",
           ".b.example", "z.example", "a.example.", ".", "..a.example", "c.a.example")


def _values(rng: random.Random, kind: str) -> list[str]:
    if kind in ("src", "dst", "localip", "myip"):
        pool = ADDRESSES
    elif kind in ("port", "localport", "myport"):
        pool = PORTS
    elif kind == "time":
        pool = TIMES
    elif kind in ("maxconn", "max_user_ip"):
        pool = NUMBERS
    elif kind in ("dstdomain", "srcdomain"):
        return [rng.choice(DOMAINS) for _ in range(rng.randint(1, 5))]
    else:
        pool = WORDS
    return [rng.choice(pool) for _ in range(rng.choice((0, 1, 1, 1, 2, 3)))]


def _cases() -> list[str]:
    rng = random.Random(SEED)
    out = []
    for _ in range(COUNT):
        kind = rng.choice(TYPES)
        words = ["acl", "x", kind]
        option = rng.choice(OPTIONS)
        if option:
            words.append(option)
        words += _values(rng, kind)
        auth = "auth_param basic program /bin/true\n" if rng.random() < 0.5 else ""
        more = ""  # a second line for the same ACL: Squid adds its values to the first's
        if kind.endswith("domain") and rng.random() < 0.5:
            more = f"acl x {kind} {' '.join(_values(rng, kind))}\n"
        out.append(f"acl a src 10.0.0.1\n{auth}{' '.join(words)}\n{more}")
    return out


CASES = _cases()


@pytest.mark.parametrize("conf", CASES, ids=[f"acl{i:03d}" for i in range(len(CASES))])
def test_live_squid_verdict_on_random_acl_lines(oracle: SquidParser, conf: str,
                                                tmp_path: Path) -> None:
    (tmp_path / MAIN).write_text(conf)
    live = oracle.parse(MAIN, cwd=tmp_path)
    read = read_config(tmp_path / MAIN, ReadOptions(cwd=str(tmp_path)))
    assert exit_class(live.exit_code) == predicted_exit(read.events), (conf, live.output)


# Address lists in the forms Squid prints back unchanged, so its words can be compared with ours.
PLAIN_ADDRESSES = ("10.0.0.1", "10.0.0.2", "10.0.0.0/8", "10.1.0.0/16", "10.0.0.0/24",
                   "10.0.0.1-10.0.0.9", "10.0.0.5", "10.0.0.5-10.0.0.7", "192.168.0.0/16",
                   "192.168.1.1", "::1", "2001:db8::/32", "2001:db8::1", "2001:db8:1::/48",
                   "172.16.0.0/12", "fc00::/7", "fe80::/10", "10.0.0.8", "10.0.0.64/26")


def _address_lists() -> list[str]:
    rng = random.Random(SEED + 1)
    return [" ".join(rng.choice(PLAIN_ADDRESSES) for _ in range(rng.randint(2, 7)))
            for _ in range(100)]


@pytest.mark.parametrize("values", _address_lists(), ids=lambda v: v.replace(" ", "_"))
def test_live_squid_drops_the_address_entries_squidcarp_reports(
        oracle: SquidParser, values: str, tmp_path: Path) -> None:
    """Squid keeps an address ACL in a splay tree and drops the later of two overlapping entries
    ("because of this 'X' is ignored"): the entries squidcarp reports as dropped are those."""
    (tmp_path / MAIN).write_text(f"acl x src {values}\n")
    live = oracle.parse(MAIN, cwd=tmp_path)
    dropped = set(re.findall(r"because of this '([^']*)' is ignored", live.output))
    read = read_config(tmp_path / MAIN, ReadOptions(cwd=str(tmp_path)))
    reported = {e.subject for e in read.events
                if e.kind is Kind.ACL_VALUE and ("is ignored:" in e.message
                                                 or "lies inside" in e.message)}
    assert reported == dropped, live.output
