#!/usr/bin/env python3
"""A url_rewrite_program for tests: logs each request line it gets, rewrites some URLs.

Usage (squid.conf): ``url_rewrite_program /usr/bin/python3 rewriter.py LOGFILE``.
Every line Squid writes (``[ID ]URL extras...``) is appended to LOGFILE exactly as received.
A URL whose path contains ``/rewrite-me/`` is answered ``OK rewrite-url=<same URL with
/rewritten/ instead>``; anything else ``ERR`` (no change). With ``concurrency>0`` Squid prefixes
a channel ID, which is echoed. Exits on EOF (Squid closes stdin when it stops).
"""

from __future__ import annotations

import sys


def answer(line: str, concurrent: bool) -> str:
    words = line.split(" ")
    channel = ""
    if concurrent and words and words[0].isdigit():
        channel = words.pop(0) + " "
    url = words[0] if words else ""
    if "/rewrite-me/" in url:
        return channel + "OK rewrite-url=" + url.replace("/rewrite-me/", "/rewritten/", 1)
    return channel + "ERR"


def main(argv: list[str]) -> int:
    log_path = argv[0]
    concurrent = len(argv) > 1 and argv[1] == "--concurrent"
    stdin = sys.stdin.buffer
    with open(log_path, "ab", buffering=0) as log:
        for raw in stdin:
            log.write(raw)
            line = raw.rstrip(b"\r\n").decode("latin-1")
            sys.stdout.write(answer(line, concurrent) + "\n")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
