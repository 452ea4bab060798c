"""Fetching a peer's cache digest over HTTP: a thin runner over :class:`digest.DigestReader`.

Squid serves its digest at ``/squid-internal-periodic/store_digest`` to any client its
``http_access`` allows; an origin-form request straight to the ``http_port`` is rewritten to the
internal URL (src/internal.cc). ``requests`` is imported on first use only, and the session
ignores proxy settings from the environment: the digest is asked of the peer itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from squidcarp.proto import digest
from squidcarp.proto.errors import DecodeError

HTTP_PORT = 3128  # src/cf.data.pre http_port (the usual value)
ACCEPT = "application/cache-digest, text/html"  # what Squid's own digest fetches ask for
CHUNK = 65536


class FetchError(Exception):
    """The digest could not be fetched or what came back is not a digest."""


@dataclass(frozen=True)
class FetchedDigest:
    url: str
    body: bytes
    digest: digest.Digest
    content_type: str | None
    last_modified: str | None
    expires: str | None
    date: str | None


def digest_url(peer: str) -> str:
    """``host[:port]``, ``[v6]:port`` or a full ``http(s)://`` URL (``digest-url=``) as the URL
    to GET; a bare host gets port 3128 and Squid's digest path."""
    if "://" in peer:
        return peer
    host = peer
    if peer.startswith("["):
        close = peer.find("]")
        if close < 0:
            raise FetchError(f"bad peer {peer!r}: no ']' after the IPv6 address")
        if peer[close + 1 :] == "":
            host = f"{peer}:{HTTP_PORT}"
    elif ":" not in peer:
        host = f"{peer}:{HTTP_PORT}"
    return f"http://{host}{digest.DIGEST_PATH}"


Progress = Callable[[int, "int | None"], None]


def fetch_digest(peer: str, *, timeout: float = 10.0,
                 progress: Progress | None = None) -> FetchedDigest:
    """GET the digest of ``peer`` and decode it as it arrives; ``progress(received, total)``
    is called after each chunk (total is known once the control block is in)."""
    import requests

    url = digest_url(peer)
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: the peer itself is asked
    try:
        response = session.get(url, headers={"Accept": ACCEPT}, timeout=timeout, stream=True,
                               allow_redirects=False)
    except requests.RequestException as exc:
        raise FetchError(f"{url}: {exc}") from None
    with response:
        if response.status_code != 200:
            text = response.text.strip().splitlines()
            detail = f": {text[0][:200]}" if text else ""
            raise FetchError(f"{url}: HTTP {response.status_code} {response.reason}{detail}")
        reader = digest.DigestReader()
        try:
            for chunk in response.iter_content(CHUNK):
                reader.feed(chunk)
                if progress is not None:
                    progress(reader.received, reader.expected_size)
            parsed = reader.close()
        except DecodeError as exc:
            raise FetchError(f"{url}: not a cache digest: {exc}") from None
        except requests.RequestException as exc:
            raise FetchError(f"{url}: {exc}") from None
        headers = response.headers
        return FetchedDigest(url=url, body=parsed.encode(), digest=parsed,
                             content_type=headers.get("Content-Type"),
                             last_modified=headers.get("Last-Modified"),
                             expires=headers.get("Expires"), date=headers.get("Date"))
