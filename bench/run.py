"""Run every benchmark in one go (``make bench``): each prints its own side-by-side table.

- ``lint_bench``: squidcarp lint vs ``squid -k parse`` on a 6,000-line config (target <= 2x);
- ``carp_bench``: simulate over 1M URLs for 3 and 10 members: the numpy batch engine vs the scalar
  Python path vs a C reference of the same algorithm (target >= 25% of C);
- ``import_bench``: what importing squidcarp.carp, forward, exceptions, proto, the PAC generator
  and the helper costs, beside the interpreter's bare start;
- ``proto_bench``: ICP queries/s of squidcarp's client and codec and digest lookups/s, side by
  side with a live Squid answering ICP on the same machine;
- ``helper_bench``: squidcarp-helper vs Squid's storeid_file_rewrite on 200k lines and 40 Store-ID
  rules (same answers, target >= 2x its lines/s), exceptions with 10k domains (target >= the
  store-id rate), start-up time and resident memory of each;
- ``scale_bench``: lint and parse --json of 10k, 100k and 1M cache_peer and acl lines, time and
  peak memory beside ``squid -k parse`` (targets: linear, <= 2x Squid, < 1 KB per line).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import carp_bench
import helper_bench
import import_bench
import lint_bench
import proto_bench
import scale_bench


def main() -> int:
    status = 0
    for bench in (lint_bench, import_bench, carp_bench, scale_bench, proto_bench,
                  helper_bench):
        print(f"== {bench.__name__} ==", flush=True)
        status |= bench.main([])
        print(flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
