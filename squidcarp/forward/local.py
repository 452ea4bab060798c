"""Requests Squid answers itself: they never reach peer selection, so no peer and no DIRECT.

Squid 5.7 decides this before it forwards anything:

* a relative request target starting with ``/squid-internal-`` on a port that neither intercepts
  nor bumps (src/client_side.cc ``parseHttpRequest``: checked before an accelerator port
  completes the URL) is Squid's own: it rewrites it to its own name and port;
* an absolute URL whose path starts with ``/squid-internal-`` is Squid's own when its host is
  Squid's name (``internalHostname()``: ``visible_hostname``, else the machine's name, with
  ``append_domain`` added to a name without a dot, lower-cased) or one of ``hostname_aliases``,
  compared exactly, and its port is Squid's port (``getMyPort()``: the first http_port that does
  not intercept); else, with ``global_internal_static on`` (the default), any host's
  ``/squid-internal-static`` path (src/client_side.cc ``clientProcessRequest``, src/internal.cc);
  any other ``/squid-internal-`` URL is a peer's and forwarded like any other;
* ``cache_object:`` URLs go to the cache manager and ``urn:`` URLs to the URN resolver
  (src/FwdState.cc ``FwdState::Start``).
"""

from __future__ import annotations

from dataclasses import dataclass

from squidcarp.carp.url import Uri
from squidcarp.conf.model import SquidConfig
from squidcarp.forward.choices import Chooser
from squidcarp.forward.request import Port

INTERNAL_PREFIX = b"/squid-internal-"  # src/internal.cc internalCheck
STATIC_PREFIX = b"/squid-internal-static"  # src/internal.cc internalStaticCheck


@dataclass(frozen=True)
class Identity:
    """Who this Squid is, as its internal-URL checks see it."""

    hostname: str | None
    """``internalHostname()``; None when ``visible_hostname`` is unset (the machine's name,
    which the config does not say)."""
    aliases: tuple[str, ...]
    port: int | None
    """``getMyPort()``: the first port line that does not intercept (None: no such line)."""
    global_static: bool


def identity(config: SquidConfig, ports: tuple[Port, ...]) -> Identity:
    name = config.setting_value("visible_hostname")
    hostname: str | None = None
    if isinstance(name, str) and name and name != "none":
        hostname = name
        domain = config.setting_value("append_domain")
        if isinstance(domain, str) and domain != "none" and "." not in name and ":" not in name:
            hostname = name + domain
        hostname = hostname.lower()
    aliases = tuple(w for d in config.directives if d.keyword == "hostname_aliases"
                    for w in d.words)
    port = next((p.number for p in ports if not p.intercept), None)
    return Identity(hostname, aliases, port,
                    config.setting_value("global_internal_static") is not False)


def origin_form_internal(target: bytes, port: Port | None) -> str:
    """Why a relative ``/squid-internal-`` target is Squid's own, or ""."""
    if target.startswith(INTERNAL_PREFIX) and (port is None or not port.intercept):
        return ("a /squid-internal- path as the request target: Squid's own URL, answered by "
                "Squid itself (src/client_side.cc parseHttpRequest)")
    return ""


def served_locally(uri: Uri, me: Identity, chooser: Chooser) -> str:
    """Why Squid answers the request for ``uri`` itself, or "" when it forwards it."""
    if uri.path.startswith(INTERNAL_PREFIX) and not uri.urn:
        host = uri.host.decode("latin-1")
        here = f"{host}:{uri.port}"
        if uri.port == me.port and (host == me.hostname or host in me.aliases):
            return f"{here} is this Squid (its name and port): Squid answers its own URL"
        if me.hostname is None and uri.port == me.port and chooser.choose(
                f"{host} is this Squid's name",
                "visible_hostname is not set: Squid uses the machine's name", None,
                (f"'{host}' is this Squid's host name", f"'{host}' is not this Squid's name")):
            return f"{here} is this Squid (its name and port): Squid answers its own URL"
        if me.global_static and uri.path.startswith(STATIC_PREFIX):
            return ("global_internal_static on: Squid serves /squid-internal-static paths of "
                    "every host itself")
    if uri.scheme == b"cache_object":
        return "cache_object: the cache manager answers (Squid forwards none)"
    if uri.urn:
        return ("urn: Squid's URN resolver handles it (src/urn.cc); the URL it then fetches is "
                "a request of its own")
    return ""
