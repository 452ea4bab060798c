"""ICP, HTCP, Cache Digests and cache manager pages, as Squid 5.7 speaks them.

Codecs, one module per protocol, sans-IO (bytes in, frozen dataclasses out, and back):
:mod:`icp` (RFC 2186 ICP v2), :mod:`htcp` (RFC 2756 HTCP in Squid's 0.1 dialect), :mod:`digest`
(Squid's Cache Digest body, store keys, Squid's acceptance checks) and :mod:`cachemgr` (parsers
of the cache manager pages). Every decoder raises only :class:`errors.DecodeError` for bad input.

Thin runners over them: :mod:`udp` (ICP and HTCP query clients: timeouts, retries, replies
matched by address, port and request number or TRANS-ID; multicast ICP) and :mod:`fetch` (a
peer's digest over HTTP). :mod:`urls` says which form of a URL each protocol looks up.

Nothing here imports numpy, the config reader or the linter.
"""
