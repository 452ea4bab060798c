"""``squidcarp digest fetch|show|lookup``: a peer's cache digest, and URLs against it."""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from typing import Any

from squidcarp.cli.main import IO, HelpFormatter, UsageError
from squidcarp.cli.probe import positive, show, url_bytes, write_json

COMMON = """\
SOURCE is a file (a digest saved by `digest fetch -o`, '-' for stdin) or a peer: HOST:PORT (its
http_port) or a full URL (a cache_peer's digest-url=); `digest fetch` also takes a bare HOST
(port 3128). A peer's digest is
fetched with GET /squid-internal-periodic/store_digest, which Squid serves to any client its
http_access allows (a Squid without a cache_dir, or still building, answers 404). Proxy settings
from the environment are not used.

A digest is checked the way Squid checks a peer's before using it: versions (current >= 3,
required <= 5), positive sizes, the mask size formula, 4 hash functions and at most 65% of the
bits on. The false-hit rate is predicted from the mask as fill^4: the share of URLs the peer does
not hold that the digest still calls "probably cached" (about 9% at 5 bits per entry).
"""

FETCH_DESCRIPTION = f"""\
Fetch a peer's cache digest over HTTP, check it and, with -o, save it (atomically) for later
`show` and `lookup` runs; prints what `show` prints.

{COMMON}
examples:
  squidcarp digest fetch 127.0.0.2:3128 -o cache1.digest
  squidcarp digest fetch http://cache1.example.net:3128/squid-internal-periodic/store_digest
"""

SHOW_DESCRIPTION = f"""\
Show a digest: capacity, entries added, mask size, bits on, fill ratio, predicted false-hit rate,
and whether Squid would use it (and if not, why).

{COMMON}
examples:
  squidcarp digest show cache1.digest
  squidcarp digest show --json 127.0.0.2:3128 | jq .predicted_false_hit_rate

JSON: source, url (when fetched), size, current, required, capacity, count, del_count,
mask_size, bits_per_entry, hash_func_count, bits_on, bit_count, fill_ratio,
predicted_false_hit_rate, expected_fill_ratio, squid_accepts, reason, last_modified, expires.
"""

LOOKUP_DESCRIPTION = f"""\
Test URLs against a digest: "probably cached" when all four bits of the URL's store key are on
(with the predicted false-hit rate of being wrong), "not cached" otherwise (certain for the
digest's moment: objects cached since its last rebuild are not in it). The key is the MD5 of the
method's byte and the URL in Squid's normalised form, as Squid keys its store (lower-case scheme
and host, no default port, no userinfo, `/` for an empty path); --raw hashes the URL as typed
(for store IDs a store_id helper produces).

{COMMON}
examples:
  squidcarp digest lookup cache1.digest http://www.example.com/
  squidcarp digest lookup 127.0.0.2:3128 --method HEAD http://www.example.com/a
  squidcarp digest lookup --json cache1.digest http://a.example/ http://b.example/

JSON: one object per URL: url, looked_up, method, key (hex), bits [4 positions],
probably_cached.
"""

EPILOG = """\
exit codes:
  0  the digest is one Squid would use (lookups printed)
  1  Squid would refuse this digest (the reason is printed; lookups are still shown)
  3  usage error, an unreadable or unwritable file, a fetch that failed, or bytes that are not
     a cache digest
"""


def register(sub: Any) -> None:
    p = sub.add_parser("digest", help="fetch, show and query Squid cache digests",
                       description="Squid cache digests. See `squidcarp digest fetch|show|"
                                   "lookup --help`.", formatter_class=HelpFormatter)
    p.set_defaults(func=lambda args, io: _usage(p, io))
    sub2 = p.add_subparsers(dest="digest_command", metavar="COMMAND")
    fetch = sub2.add_parser("fetch", help="fetch a peer's digest (and save it)",
                            description=FETCH_DESCRIPTION, epilog=EPILOG,
                            formatter_class=HelpFormatter)
    fetch.add_argument("source", metavar="PEER", help="HOST[:PORT] or the digest's URL")
    fetch.add_argument("-o", "--output", metavar="FILE", help="save the digest body here")
    show_p = sub2.add_parser("show", help="what a digest holds and whether Squid would use it",
                             description=SHOW_DESCRIPTION, epilog=EPILOG,
                             formatter_class=HelpFormatter)
    show_p.add_argument("source", metavar="SOURCE", help="a digest file, '-', or a peer")
    lookup = sub2.add_parser("lookup", help="test URLs against a digest",
                             description=LOOKUP_DESCRIPTION, epilog=EPILOG,
                             formatter_class=HelpFormatter)
    lookup.add_argument("source", metavar="SOURCE", help="a digest file, '-', or a peer")
    lookup.add_argument("urls", nargs="+", metavar="URL")
    lookup.add_argument("--method", default="GET", help="request method keyed (default GET)")
    lookup.add_argument("--raw", action="store_true", help="hash the URLs as typed")
    for q in (fetch, show_p, lookup):
        q.add_argument("--timeout", type=positive, default=10.0, metavar="SECONDS",
                       help="HTTP timeout for a peer (default 10)")
        q.add_argument("--json", action="store_true", help="JSON output")
    fetch.set_defaults(func=run, op="fetch")
    show_p.set_defaults(func=run, op="show")
    lookup.set_defaults(func=run, op="lookup")


def _usage(parser: argparse.ArgumentParser, io: IO) -> int:
    parser.print_help(io.stdout)
    return 3


@dataclass(frozen=True)
class Loaded:
    source: str
    url: str | None
    body: bytes
    digest: Any  # squidcarp.proto.digest.Digest
    last_modified: str | None = None
    expires: str | None = None


_PEER = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):\d{1,5}")


def _is_peer(source: str) -> bool:
    """A URL, or HOST:PORT that is not an existing file; anything else is a file name (so a
    mistyped file name is never looked up as a host)."""
    if "://" in source:
        return True
    return not os.path.exists(source) and _PEER.fullmatch(source) is not None


def load(args: argparse.Namespace, io: IO) -> Loaded:
    from squidcarp.proto import digest
    from squidcarp.proto.errors import DecodeError

    source = args.source
    if args.op == "fetch" or _is_peer(source):
        return _fetch(source, args, io)
    try:
        body = io.stdin.read() if source == "-" else _read(source)
    except OSError as exc:
        raise UsageError(f"squidcarp digest: cannot read {source}: {exc.strerror or exc}") from None
    try:
        parsed = digest.decode(body)
    except DecodeError as exc:
        raise UsageError(f"squidcarp digest: {source}: not a cache digest: {exc}") from None
    return Loaded(source, None, body, parsed)


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _fetch(source: str, args: argparse.Namespace, io: IO) -> Loaded:
    from squidcarp.proto.fetch import FetchError, fetch_digest

    progress_shown = False

    def progress(received: int, total: int | None) -> None:
        nonlocal progress_shown
        if total and total > 1 << 20 and sys.stderr.isatty():
            io.stderr.write(f"\rsquidcarp: fetching digest: {received >> 10} of "
                            f"{total >> 10} KiB")
            progress_shown = True

    try:
        fetched = fetch_digest(source, timeout=args.timeout, progress=progress)
    except FetchError as exc:
        raise UsageError(f"squidcarp digest: {exc}") from None
    finally:
        if progress_shown:
            io.stderr.write("\n")
    if fetched.content_type and not fetched.content_type.startswith("application/cache-digest"):
        io.stderr.write(f"squidcarp: warning: {fetched.url} came as {fetched.content_type}, "
                        "not application/cache-digest\n")
    return Loaded(source, fetched.url, fetched.body, fetched.digest, fetched.last_modified,
                  fetched.expires)


def run(args: argparse.Namespace, io: IO) -> int:
    from squidcarp.proto import digest

    loaded = load(args, io)
    verdict = digest.squid_verdict(loaded.digest)
    if args.op == "fetch" and args.output:
        from squidcarp.atomic import write_atomically

        try:
            write_atomically(args.output, loaded.body)
        except OSError as exc:
            raise UsageError(f"squidcarp digest: cannot write {args.output}: "
                             f"{exc.strerror or exc}") from None
    if args.op == "lookup":
        _lookups(args, io, loaded, verdict)
    elif args.json:
        write_json(io, _summary_json(loaded, verdict))
    else:
        io.stdout.write(_summary_text(loaded, verdict))
        if args.op == "fetch" and args.output:
            io.stdout.write(f"  saved to {args.output}\n")
    if not verdict.accepted:
        io.stderr.write(f"squidcarp: {loaded.source}: Squid would not use this digest: "
                        f"{verdict.reason}\n")
        return 1
    return 0


def _summary_json(loaded: Loaded, verdict: Any) -> dict[str, Any]:
    d = loaded.digest
    c = d.control
    return {
        "source": loaded.source, "url": loaded.url, "size": len(loaded.body),
        "current": c.current, "required": c.required, "capacity": c.capacity,
        "count": c.count, "del_count": c.del_count, "mask_size": c.mask_size,
        "bits_per_entry": c.bits_per_entry, "hash_func_count": c.hash_func_count,
        "bits_on": d.bits_on, "bit_count": d.bit_count, "fill_ratio": d.fill_ratio,
        "predicted_false_hit_rate": d.predicted_false_hit_rate,
        "expected_fill_ratio": d.expected_fill_ratio,
        "squid_accepts": verdict.accepted, "reason": verdict.reason or None,
        "last_modified": loaded.last_modified, "expires": loaded.expires,
    }


def _summary_text(loaded: Loaded, verdict: Any) -> str:
    d = loaded.digest
    c = d.control
    where = f" ({loaded.url})" if loaded.url and loaded.url != loaded.source else ""
    lines = [
        f"digest {loaded.source}{where}: {len(loaded.body)} bytes",
        f"  version        {c.current} (requires {c.required})",
        f"  capacity       {c.capacity} entries",
        f"  count          {c.count} entries added ({c.del_count} deletions asked, never "
        "applied)",
        f"  mask           {c.mask_size} bytes, {c.bits_per_entry} bits per entry, "
        f"{c.hash_func_count} hash functions",
        f"  bits on        {d.bits_on} of {d.bit_count} ({100 * d.fill_ratio:.1f}%; "
        f"{100 * d.expected_fill_ratio:.1f}% expected for {c.count} entries)",
        f"  false hits     {100 * d.predicted_false_hit_rate:.2f}% predicted for URLs it does "
        "not hold",
    ]
    if loaded.last_modified or loaded.expires:
        lines.append(f"  built          {loaded.last_modified or '-'}, expires "
                     f"{loaded.expires or '-'}")
    lines.append("  Squid uses it  " + ("yes" if verdict.accepted else f"no: {verdict.reason}"))
    return "\n".join(lines) + "\n"


def _lookups(args: argparse.Namespace, io: IO, loaded: Loaded, verdict: Any) -> None:
    from squidcarp.proto import digest
    from squidcarp.proto.urls import UrlError, normalised

    method = args.method.upper()
    if method not in digest.METHOD_IDS:
        raise UsageError(f"squidcarp digest lookup: no store key for method {args.method!r}")
    d = loaded.digest
    rate = 100 * d.predicted_false_hit_rate
    changed = False
    for typed in (url_bytes(u) for u in args.urls):
        note = ""
        if args.raw:
            key_url = typed
        else:
            try:
                key_url = normalised(typed)
            except UrlError as exc:
                key_url, note = typed, f"not a URL Squid parses ({exc.reason}): hashed as typed"
        changed |= key_url != typed
        key = digest.store_key(key_url, method)
        cached = d.contains_key(key)
        if args.json:
            write_json(io, {"url": show(typed), "looked_up": show(key_url), "method": method,
                            "key": key.hex(), "bits": list(digest.bit_positions(key,
                                                                                d.control.mask_size)),
                            "probably_cached": cached})
            continue
        status = f"probably cached ({rate:.1f}% chance of a false hit)" if cached else \
            "not cached"
        notes = [n for n in (f"looked up as {show(key_url)}" if key_url != typed else "", note)
                 if n]
        tail = f"  ({'; '.join(notes)})" if notes else ""
        io.stdout.write(f"{show(typed)}: {status}{tail}\n")
    if changed and not args.json:
        io.stderr.write(f"squidcarp: note: {method} keys of Squid's normalised URIs were looked "
                        "up (--raw hashes URLs as typed)\n")
