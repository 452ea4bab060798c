"""Which form of a URL each protocol looks up, and how to give it that form.

* **ICP** looks the URL up exactly as received: the key is MD5(GET byte + the raw string)
  (src/icp_v2.cc ``doV2Query``). An object is stored under Squid's *normalised* URI, so a query
  only hits when it sends that normalised form (``HTTP://Origin.test:80/a`` misses where
  ``http://origin.test/a`` hits). Probes therefore send :func:`normalised` URLs unless told not to.
* **HTCP** URIs are parsed by Squid (src/htcp.cc ``htcpUnpackSpecifier``), hence normalised by
  Squid itself: they are sent as given.
* **Cache digests** hold store keys of normalised URIs (or store IDs): lookups hash the
  :func:`normalised` form.

The normalisation is Squid's own, from :mod:`squidcarp.carp.url` (lower-case scheme and host,
no default port, no userinfo, ``/`` for an empty path, query kept...). That module is
imported on first use only.
"""

from __future__ import annotations


class UrlError(ValueError):
    """Squid would not accept this URL (it answers HTTP 400, ICP ERR); ``reason`` says why."""

    def __init__(self, reason: str, url: bytes) -> None:
        super().__init__(f"{reason}: {url.decode('utf-8', 'backslashreplace')}")
        self.reason = reason
        self.url = url


def normalised(url: bytes) -> bytes:
    """The absolute URI Squid would store ``url`` under (raises :class:`UrlError`)."""
    from squidcarp.carp.url import NotRoutable, parse

    try:
        return parse(url).effective
    except NotRoutable as exc:
        raise UrlError(exc.reason, url) from None
