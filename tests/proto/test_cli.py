"""``squidcarp icp``, ``htcp`` and ``digest`` against scripted peers: exact output, exit codes."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from squidcarp.proto import digest, htcp, icp
from tests.cli.conftest import Runner
from tests.proto.fakes import FakeHttp, FakeUdpPeer
from tests.proto.golden import load


def rtt(text: str) -> str:
    """Round-trip times vary from run to run: every "N.NN ms" and the blanks before it become
    " T ms"."""
    return re.sub(r" *\d+\.\d\d ms", " T ms", text)


def icp_by_url(data: bytes, attempt: int) -> list[tuple[bytes, bool]]:
    q = icp.decode(data)
    for word, opcode in (("hit", icp.Opcode.HIT), ("deny", icp.Opcode.DENIED),
                         ("nofetch", icp.Opcode.MISS_NOFETCH)):
        if word.encode() in q.url:
            return [(icp.Reply(opcode=opcode, reqnum=q.reqnum, url=q.url).encode(), False)]
    if b"lost" in q.url:
        return []
    if b" " in q.url:  # what Squid does: ERR with the URL %-escaped
        url = q.url.replace(b" ", b"%20")
        return [(icp.Reply(opcode=icp.Opcode.ERR, reqnum=q.reqnum, url=url).encode(), False)]
    return [(icp.Reply(opcode=icp.Opcode.MISS, reqnum=q.reqnum, url=q.url).encode(), False)]


@pytest.fixture
def icp_peer() -> FakeUdpPeer:
    with FakeUdpPeer(icp_by_url) as peer:
        yield peer  # type: ignore[misc]


def test_help_teaches(cli: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["icp", "query", "--help"]).code == 0
    out = capsys.readouterr().out
    assert "Squid looks an ICP URL up exactly as received" in out
    assert "  1  some URL got no usable answer: TIMEOUT, DENIED, ERR or SKIPPED" in out
    assert "squidcarp icp query --group 239.255.42.7:3130 --ttl 1" in out
    for argv in (["htcp", "tst"], ["htcp", "clr"], ["digest", "fetch"], ["digest", "show"],
                 ["digest", "lookup"]):
        assert cli([*argv, "--help"]).code == 0
        out = capsys.readouterr().out
        assert "exit codes:" in out and "examples:" in out
    assert cli(["icp"]).code == 3


def test_icp_query_text(cli: Runner, icp_peer: FakeUdpPeer) -> None:
    r = cli(["icp", "query", "--timeout", "0.2", "--retries", "0", icp_peer.address,
             "http://origin.test/hit", "HTTP://Origin.test:80/hit2", "http://origin.test/miss",
             "http://origin.test/nofetch", "a b", "http://origin.test/lost"])
    assert r.code == 1
    assert rtt(r.out).splitlines() == [
        "STATUS             RTT  URL",
        "HIT T ms  http://origin.test/hit",
        "HIT T ms  http://origin.test/hit2  (typed HTTP://Origin.test:80/hit2)",
        "MISS T ms  http://origin.test/miss",
        "MISS_NOFETCH T ms  http://origin.test/nofetch",
        "ERR T ms  a b  (not a URL Squid parses (invalid URI scheme): sent as typed; "
        "echoed as a%20b)",
        "TIMEOUT              -  http://origin.test/lost  (no reply to 1 attempt of 0.2 s)",
    ]
    assert r.err == ("squidcarp: note: URLs were sent in Squid's normalised form (ICP looks up "
                     "the exact string; --raw sends them as typed)\n")
    sent = [icp.decode(d).url for d, _ in icp_peer.received]
    assert sent[1] == b"http://origin.test/hit2"


def test_icp_query_raw_and_all_answered(cli: Runner, icp_peer: FakeUdpPeer) -> None:
    r = cli(["icp", "query", "--raw", icp_peer.address, "HTTP://Origin.test:80/hit"])
    assert (r.code, r.err) == (0, "")
    assert rtt(r.out).splitlines()[1] == "HIT T ms  HTTP://Origin.test:80/hit"
    assert icp.decode(icp_peer.received[0][0]).url == b"HTTP://Origin.test:80/hit"


def test_icp_query_json(cli: Runner, icp_peer: FakeUdpPeer) -> None:
    r = cli(["icp", "query", "--json", "--timeout", "0.1", "--retries", "0", icp_peer.address,
             "http://origin.test/hit", "http://origin.test/lost"])
    assert r.code == 1
    hit, lost = (json.loads(line) for line in r.out.splitlines())
    assert isinstance(hit.pop("rtt_ms"), float) and isinstance(hit.pop("reqnum"), int)
    assert hit == {"url": "http://origin.test/hit", "typed": "http://origin.test/hit",
                   "peer": icp_peer.address, "status": "HIT", "attempts": 1,
                   "reply": {"opcode": "HIT", "version": 2, "flags": 0, "option_data": 0,
                             "src_rtt": None, "url": "http://origin.test/hit"}}
    assert (lost["status"], lost["rtt_ms"], lost["reply"], lost["attempts"]) == (
        "TIMEOUT", None, None, 1)


def test_icp_query_stops_after_denied(cli: Runner, icp_peer: FakeUdpPeer) -> None:
    r = cli(["icp", "query", "--max-denied", "2", icp_peer.address, "http://o/deny1",
             "http://o/deny2", "http://o/hit", "http://o/deny3"])
    assert r.code == 1
    assert rtt(r.out).splitlines()[1:] == [
        "DENIED T ms  http://o/deny1",
        "DENIED T ms  http://o/deny2",
        "SKIPPED              -  http://o/hit  (not asked after 2 DENIED)",
        "SKIPPED              -  http://o/deny3  (not asked after 2 DENIED)",
    ]
    assert r.err == (f"squidcarp: {icp_peer.address} answered DENIED 2 time(s) and stopped "
                     "asking: this address is not allowed by its icp_access (Squid goes silent "
                     "for an hour for an address whose replies are 95% DENIED)\n")
    assert len(icp_peer.received) == 2


def test_icp_query_multicast_listing(cli: Runner, icp_peer: FakeUdpPeer) -> None:
    r = cli(["icp", "query", "--group", icp_peer.address, "--ttl", "0", "--wait", "0.3",
             "--expect", "2", "http://origin.test/hit"])
    assert r.code == 1  # one responder, two expected
    assert rtt(r.out).splitlines() == [
        f"http://origin.test/hit to {icp_peer.address}, ttl 0, replies within 0.3 s:",
        "  RESPONDER              STATUS             RTT",
        f"  {icp_peer.address:<22} HIT T ms",
        "  1 responder",
    ]
    r = cli(["icp", "query", "--json", "--group", icp_peer.address, "--ttl", "0", "--wait",
             "0.2", "http://origin.test/x"])
    assert r.code == 0
    obj = json.loads(r.out)
    assert [(x["address"], x["port"], x["status"]) for x in obj["responders"]] == [
        (icp_peer.host, icp_peer.port, "MISS")]
    assert (obj["group"], obj["ttl"], obj["ignored"], obj["duplicates"]) == (
        icp_peer.host, 0, 0, 0)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["127.0.0.1:0", "http://a/"], "squidcarp: bad HOST[:PORT] '127.0.0.1:0': port must be "
                                       "1..65535"),
        (["127.0.0.1"], "squidcarp icp query: give HOST[:PORT] and at least one URL (or --group "
                        "ADDRESS with URLs)"),
        (["[::1", "http://a/"], "squidcarp: bad HOST[:PORT] '[::1': write IPv6 as "
                                "[ADDRESS]:PORT"),
        (["--timeout", "0", "h", "u"], "squidcarp icp query: argument --timeout: '0': a "
                                       "positive number of seconds is needed"),
        (["unknown.example", "http://a/"],
         "squidcarp icp query: cannot resolve 'unknown.example': no such name (test)"),
    ],
)
def test_icp_query_usage_errors(cli: Runner, argv: list[str], message: str,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    def no_resolver(host: str, *args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "no such name (test)")

    monkeypatch.setattr(socket, "getaddrinfo", no_resolver)  # no DNS query leaves the machine
    r = cli(["icp", "query", *argv])
    assert r.code == 3
    assert r.err.startswith(message)
    assert r.out == ""


# -- htcp -----------------------------------------------------------------------------------------

DETAIL = htcp.Detail(b"Age: 17\r\n", b"Expires: Thu, 01 Jan 2037 00:00:00 GMT\r\n"
                                     b"Last-Modified: Thu, 01 Jan 1970 00:00:00 GMT\r\n", b"")


def htcp_by_url(data: bytes, attempt: int) -> list[tuple[bytes, bool]]:
    req = htcp.decode(data)
    assert isinstance(req, (htcp.TstRequest, htcp.ClrRequest))
    url = req.specifier.uri
    if b"lost" in url or not req.rd:
        return []
    if isinstance(req, htcp.ClrRequest):
        reply: htcp.Message = htcp.ClrReply(trans_id=req.trans_id,
                                            response=0 if b"hit" in url else 2)
    elif b"hit" in url:
        reply = htcp.TstReply.hit(req.trans_id, DETAIL)
    else:
        reply = htcp.TstReply.miss(req.trans_id)
    return [(reply.encode(), False)]


@pytest.fixture
def htcp_peer() -> FakeUdpPeer:
    with FakeUdpPeer(htcp_by_url) as peer:
        yield peer  # type: ignore[misc]


def test_htcp_tst_hit_shows_the_headers(cli: Runner, htcp_peer: FakeUdpPeer) -> None:
    r = cli(["htcp", "tst", "--header", "Accept: */*", htcp_peer.address,
             "http://origin.test/hit"])
    assert (r.code, r.err) == (0, "")
    assert rtt(r.out).splitlines() == [
        f"HIT  http://origin.test/hit  ( T ms from {htcp_peer.address})",
        "  response headers:",
        "    Age: 17",
        "  entity headers:",
        "    Expires: Thu, 01 Jan 2037 00:00:00 GMT",
        "    Last-Modified: Thu, 01 Jan 1970 00:00:00 GMT",
    ]
    sent = htcp.decode(htcp_peer.received[0][0])
    assert isinstance(sent, htcp.TstRequest)
    assert sent.specifier == htcp.Specifier(b"GET", b"http://origin.test/hit", b"HTTP/1.1",
                                            b"Accept: */*\r\n")


def test_htcp_tst_miss_and_no_reply(cli: Runner, htcp_peer: FakeUdpPeer) -> None:
    r = cli(["htcp", "tst", htcp_peer.address, "HTTP://Origin.test/miss"])
    assert r.code == 0
    assert rtt(r.out) == f"MISS  HTTP://Origin.test/miss  ( T ms from {htcp_peer.address})\n"
    r = cli(["htcp", "tst", "--timeout", "0.1", htcp_peer.address, "http://origin.test/lost"])
    assert r.code == 1
    assert r.out == (f"NO REPLY  http://origin.test/lost  (no reply from {htcp_peer.address} "
                     "to 2 attempts of 0.1 s: Squid sends nothing when its htcp_access / "
                     "htcp_clr_access denies this address, when it cannot parse the request, "
                     "or when HTCP is off)\n")


def test_htcp_tst_json(cli: Runner, htcp_peer: FakeUdpPeer) -> None:
    r = cli(["htcp", "tst", "--json", htcp_peer.address, "http://origin.test/hit"])
    obj = json.loads(r.out)
    assert isinstance(obj.pop("rtt_ms"), float) and isinstance(obj.pop("trans_id"), int)
    assert obj == {"op": "TST", "url": "http://origin.test/hit", "peer": htcp_peer.address,
                   "status": "HIT", "attempts": 1, "response": 0,
                   "headers": {"response": "Age: 17\r\n", "entity": DETAIL.entity_headers.decode(),
                               "cache": ""}}


def test_htcp_clr(cli: Runner, htcp_peer: FakeUdpPeer) -> None:
    r = cli(["htcp", "clr", htcp_peer.address, "http://origin.test/hit"])
    assert (r.code, rtt(r.out)) == (0, f"REMOVED  http://origin.test/hit  ( T ms from "
                                       f"{htcp_peer.address}: Squid had it and released it)\n")
    r = cli(["htcp", "clr", htcp_peer.address, "http://origin.test/absent"])
    assert rtt(r.out) == (f"NOT_PRESENT  http://origin.test/absent  ( T ms from "
                          f"{htcp_peer.address}: Squid had nothing under this URL)\n")
    r = cli(["htcp", "clr", "--no-reply", "--reason", "gone", htcp_peer.address,
             "http://origin.test/x"])
    assert (r.code, r.out) == (0, f"SENT  http://origin.test/x  (to {htcp_peer.address} with "
                                  "RD=0: Squid purges without replying)\n")
    last = htcp.decode(htcp_peer.received[-1][0])
    assert isinstance(last, htcp.ClrRequest) and (last.rd, last.reason) == (False, 1)
    r = cli(["htcp", "clr", "--json", htcp_peer.address, "http://origin.test/hit"])
    obj = json.loads(r.out)
    assert (obj["op"], obj["status"], obj["reason"], obj["response"]) == (
        "CLR", "REMOVED", "unspecified", 0)


def test_oversized_requests_are_refused_before_sending(cli: Runner) -> None:
    r = cli(["icp", "query", "127.0.0.1:9", "http://a/" + "x" * 16400])
    assert (r.code, r.err) == (3, "squidcarp icp query: a URL of 16409 bytes makes a QUERY Squid "
                                  "cannot read (it reads at most 16383 bytes of a datagram; URLs "
                                  "over 8192 bytes get ERR anyway)\n")
    r = cli(["htcp", "clr", "127.0.0.1:9", "http://a/" + "x" * 8200])
    assert (r.code, r.err) == (3, "squidcarp htcp clr: a 8244-byte request: Squid reads at most "
                                  "8191 bytes of an HTCP datagram\n")


def test_htcp_usage_errors(cli: Runner) -> None:
    r = cli(["htcp", "tst", "--header", "NoColon", "127.0.0.1", "http://a/"])
    assert (r.code, r.err) == (3, "squidcarp htcp: bad --header 'NoColon': write 'Name: "
                                  "value'\n")
    r = cli(["htcp", "clr", "--reason", "bored", "127.0.0.1", "http://a/"])
    assert r.code == 3 and "invalid choice: 'bored'" in r.err
    assert cli(["htcp"]).code == 3


# -- digest ---------------------------------------------------------------------------------------

BODY = bytes.fromhex(next(d for d in load("digest.json")["digests"]
                          if d["name"] == "squid57-small")["hex"])

SHOW = """\
  version        5 (requires 3)
  capacity       60 entries
  count          59 entries added (0 deletions asked, never applied)
  mask           38 bytes, 5 bits per entry, 4 hash functions
  bits on        162 of 304 (53.3%; 54.0% expected for 59 entries)
  false hits     8.06% predicted for URLs it does not hold
"""


@pytest.fixture
def digest_file(tmp_path: Path) -> Path:
    path = tmp_path / "peer.digest"
    path.write_bytes(BODY)
    return path


def test_digest_show_file(cli: Runner, digest_file: Path) -> None:
    r = cli(["digest", "show", str(digest_file)])
    assert (r.code, r.err) == (0, "")
    assert r.out == f"digest {digest_file}: 166 bytes\n" + SHOW + "  Squid uses it  yes\n"
    r = cli(["digest", "show", "-"], stdin=BODY)
    assert r.out.startswith("digest -: 166 bytes\n")


def test_digest_show_json(cli: Runner, digest_file: Path) -> None:
    obj = json.loads(cli(["digest", "show", "--json", str(digest_file)]).out)
    assert obj == {
        "source": str(digest_file), "url": None, "size": 166, "current": 5, "required": 3,
        "capacity": 60, "count": 59, "del_count": 0, "mask_size": 38, "bits_per_entry": 5,
        "hash_func_count": 4, "bits_on": 162, "bit_count": 304, "fill_ratio": 162 / 304,
        "predicted_false_hit_rate": (162 / 304) ** 4,
        "expected_fill_ratio": 1 - (1 - 1 / 304) ** (4 * 59), "squid_accepts": True,
        "reason": None, "last_modified": None, "expires": None}


def test_digest_lookup(cli: Runner, digest_file: Path) -> None:
    r = cli(["digest", "lookup", str(digest_file), "http://origin.test/cacheable/k1",
             "HTTP://Origin.test:80/cacheable/k2", "http://origin.test/cacheable/head",
             "--method", "GET"])
    assert r.code == 0
    assert r.out.splitlines() == [
        "http://origin.test/cacheable/k1: probably cached (8.1% chance of a false hit)",
        "HTTP://Origin.test:80/cacheable/k2: probably cached (8.1% chance of a false hit)  "
        "(looked up as http://origin.test/cacheable/k2)",
        "http://origin.test/cacheable/head: not cached",
    ]
    assert r.err == ("squidcarp: note: GET keys of Squid's normalised URIs were looked up "
                     "(--raw hashes URLs as typed)\n")
    r = cli(["digest", "lookup", "--method", "head", str(digest_file),
             "http://origin.test/cacheable/head"])
    assert r.out == "http://origin.test/cacheable/head: probably cached (8.1% chance of a false " \
                    "hit)\n"
    r = cli(["digest", "lookup", "--raw", str(digest_file), "HTTP://Origin.test:80/cacheable/k2"])
    assert r.out == "HTTP://Origin.test:80/cacheable/k2: not cached\n"


def test_digest_lookup_json(cli: Runner, digest_file: Path) -> None:
    r = cli(["digest", "lookup", "--json", str(digest_file), "http://origin.test/cacheable/k0"])
    assert json.loads(r.out) == {
        "url": "http://origin.test/cacheable/k0", "looked_up": "http://origin.test/cacheable/k0",
        "method": "GET", "key": "65fe51322e54ec62872021d2a493c09a", "bits": [210, 114, 130, 250],
        "probably_cached": True}


def test_digest_fetch_saves_atomically(cli: Runner, tmp_path: Path) -> None:
    routes = {digest.DIGEST_PATH: (200, {"Content-Type": "application/cache-digest",
                                         "Last-Modified": "Wed, 02 Dec 2026 06:54:40 GMT",
                                         "Expires": "Wed, 02 Dec 2026 06:54:44 GMT"}, BODY)}
    out = tmp_path / "saved.digest"
    with FakeHttp(routes) as http:
        r = cli(["digest", "fetch", f"127.0.0.1:{http.port}", "-o", str(out)])
        (path, headers), = http.requests
    assert (r.code, r.err) == (0, "")
    url = f"http://127.0.0.1:{http.port}{digest.DIGEST_PATH}"
    assert r.out == (f"digest 127.0.0.1:{http.port} ({url}): 166 bytes\n" + SHOW
                     + "  built          Wed, 02 Dec 2026 06:54:40 GMT, expires Wed, 02 Dec "
                       "2026 06:54:44 GMT\n  Squid uses it  yes\n"
                     + f"  saved to {out}\n")
    assert out.read_bytes() == BODY
    assert [p.name for p in tmp_path.iterdir()] == ["saved.digest"]
    assert path == digest.DIGEST_PATH and headers["Accept"].startswith("application/cache-digest")


def test_digest_lookup_on_a_peer(cli: Runner) -> None:
    routes = {digest.DIGEST_PATH: (200, {"Content-Type": "application/cache-digest"}, BODY)}
    with FakeHttp(routes) as http:
        r = cli(["digest", "lookup", f"127.0.0.1:{http.port}", "http://origin.test/cacheable/k3"])
    assert (r.code, r.out) == (0, "http://origin.test/cacheable/k3: probably cached (8.1% "
                                  "chance of a false hit)\n")


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (404, b"This cache is currently building its digest.\n",
         "HTTP 404 Not Found: This cache is currently building its digest."),
        (200, b"<html>not a digest</html>",
         "not a cache digest: offset 25: 25 bytes: a digest starts with a 128-byte control "
         "block"),
        (200, BODY + b"!", "not a cache digest: offset 166: 1 byte after the 38-byte mask"),
    ],
)
def test_digest_fetch_failures(cli: Runner, status: int, body: bytes, message: str) -> None:
    with FakeHttp({digest.DIGEST_PATH: (status, {}, body)}) as http:
        r = cli(["digest", "fetch", f"127.0.0.1:{http.port}"])
    url = f"http://127.0.0.1:{http.port}{digest.DIGEST_PATH}"
    assert (r.code, r.out) == (3, "")
    assert r.err.startswith(f"squidcarp digest: {url}: {message}")


def test_digest_fetch_connection_refused(cli: Runner) -> None:
    with FakeHttp({}) as http:
        port = http.port
    r = cli(["digest", "fetch", "--timeout", "2", f"127.0.0.1:{port}"])
    assert r.code == 3 and r.err.startswith(f"squidcarp digest: http://127.0.0.1:{port}"
                                            f"{digest.DIGEST_PATH}: ")


def test_digest_squid_would_refuse(cli: Runner, tmp_path: Path) -> None:
    control = digest.ControlBlock(capacity=32, count=40, mask_size=20)
    path = tmp_path / "full.digest"
    path.write_bytes(control.encode() + b"\xff" * 20)
    r = cli(["digest", "lookup", str(path), "http://anything.test/"])
    assert r.code == 1
    assert r.out == "http://anything.test/: probably cached (100.0% chance of a false hit)\n"
    assert r.err == (f"squidcarp: {path}: Squid would not use this digest: \"peer digest has "
                     "too many bits on (100%)\": more than 65%\n")


def test_digest_bad_files(cli: Runner, tmp_path: Path) -> None:
    r = cli(["digest", "show", str(tmp_path / "missing.digest")])
    assert r.code == 3 and r.err.startswith("squidcarp digest: cannot read ")
    junk = tmp_path / "junk.digest"
    junk.write_bytes(BODY[:150])
    r = cli(["digest", "show", str(junk)])
    assert (r.code, r.err) == (3, f"squidcarp digest: {junk}: not a cache digest: offset 150: "
                                  "the mask is cut short: 22 of 38 bytes (Squid: \"premature "
                                  "end of digest\")\n")
    r = cli(["digest", "show", "peer.example"])  # not HOST:PORT: a file name, never a lookup
    assert (r.code, r.err) == (3, "squidcarp digest: cannot read peer.example: No such file or "
                                  "directory\n")
    target = tmp_path / "no" / "dir" / "x"
    with FakeHttp({digest.DIGEST_PATH: (200, {}, BODY)}) as http:
        r = cli(["digest", "fetch", f"127.0.0.1:{http.port}", "-o", str(target)])
    assert (r.code, r.out) == (3, "")
    assert r.err == f"squidcarp digest: cannot write {target}: No such file or directory\n"
