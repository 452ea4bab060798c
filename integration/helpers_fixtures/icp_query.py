#!/usr/bin/env python3
"""Test-local ICP querier: send an ICP_QUERY to a (multicast) address, print the reply.

Runs as a plain script, e.g. inside a namespace with ``ip netns exec NS python3 icp_query.py``.
The packet layout follows RFC 2186 §2 (ICPv2): a 20-byte header (opcode, version, message
length, request number, options, option data, sender host address) and, for a QUERY, the
requester's host address followed by the NUL-terminated URL.

Exit 0 and one JSON line on stdout once a reply with our request number arrives; exit 1 after
the timeout. The query is re-sent every 0.3 s until then (Squid may still be joining the group).
"""

from __future__ import annotations

import argparse
import json
import socket
import struct
import sys
import time

ICP_QUERY = 1  # RFC 2186 §8
ICP_VERSION = 2
HEADER = struct.Struct("!BBHIII4s")  # opcode, version, length, reqnum, options, option data, sender


def encode_query(reqnum: int, url: bytes, requester: str) -> bytes:
    payload = socket.inet_aton(requester) + url + b"\0"
    length = HEADER.size + len(payload)
    header = HEADER.pack(ICP_QUERY, ICP_VERSION, length, reqnum, 0, 0, socket.inet_aton("0.0.0.0"))
    return header + payload


def decode_reply(data: bytes) -> dict[str, object]:
    if len(data) < HEADER.size:
        raise ValueError(f"ICP message of {len(data)} bytes is shorter than the header")
    opcode, version, length, reqnum, options, option_data, sender = HEADER.unpack_from(data)
    url = data[HEADER.size :].split(b"\0", 1)[0]
    return {
        "opcode": opcode,
        "version": version,
        "length": length,
        "reqnum": reqnum,
        "options": options,
        "option_data": option_data,
        "sender": socket.inet_ntoa(sender),
        "url": url.decode("latin-1"),
        "size": len(data),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--to", required=True, help="group or unicast address")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--source", default="127.0.0.1", help="address to send from")
    parser.add_argument("--reqnum", type=int, default=4242)
    parser.add_argument("--timeout", type=float, default=15.0)
    args = parser.parse_args(argv)

    query = encode_query(args.reqnum, args.url.encode("latin-1"), args.source)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((args.source, 0))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(args.source))
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            sock.sendto(query, (args.to, args.port))
            sock.settimeout(0.3)
            try:
                data, peer = sock.recvfrom(65535)
            except TimeoutError:
                continue
            reply = decode_reply(data)
            if reply["reqnum"] != args.reqnum:
                continue
            reply["from"] = f"{peer[0]}:{peer[1]}"
            print(json.dumps(reply))
            return 0
    print(f"no ICP reply within {args.timeout}s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
