"""The client-side CARP PAC file (proxy.pac, wpad.dat): Squid's CARP ranking in the browser.

:func:`pac_script` renders ``templates/pac/proxy.pac.j2``. Python computes what Squid computes
once at start-up (src/carp.cc ``carpInit``, through :class:`squidcarp.carp.CarpArray`): the
members in evaluation order with their name hashes and load multipliers, written as exact
JavaScript literals. The template holds what Squid does per request: the URL normalisation of
:mod:`squidcarp.carp.url`, the carp-key parts of :mod:`squidcarp.carp.key` and the running hash
of :mod:`squidcarp.carp.hash`, in ECMAScript 3 so that old PAC engines run it.

:func:`browser_request` is the model of what a browser sends its proxy for the URL it hands to
``FindProxyForURL``, the request whose ranking the PAC returns: a ``CONNECT host:port`` for the
schemes browsers tunnel (https, wss, ws), the URL itself for every other one.

The output depends on nothing but the arguments (no dates, no dictionary order), and is ASCII
only: names and patterns beyond ASCII are written as JavaScript escapes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from squidcarp.generate.templates import environment, render

if TYPE_CHECKING:  # the carp package imports numpy and the conf reader: only callers need it
    from squidcarp.carp.array import CarpArray
    from squidcarp.carp.url import Request
    from squidcarp.exceptions.model import CarpExceptions

TEMPLATE = "pac/proxy.pac.j2"

# Schemes browsers tunnel through an HTTP proxy (CONNECT), with the port they assume when the
# URL names none: RFC 9110 §9.3.6 for https, RFC 6455 §4.1 (step 3 of the client's handshake)
# for the WebSocket schemes.
TUNNELLED: Mapping[str, int] = {"https": 443, "wss": 443, "ws": 80}

# carp-key parts as bits of one number in the PAC, in Squid's fixed order (src/carp.cc).
KEY_BITS: Mapping[str, int] = {"scheme": 1, "host": 2, "port": 4, "path": 8, "params": 16}

_TUNNEL_SCHEME = re.compile(rb"([A-Za-z0-9+._-]{1,16})://")
_AUTHORITY_END = re.compile(rb"[/?#\x00 \t\n\v\f\r]")
_PROXY = re.compile(
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(?P<port>[0-9]{1,5})"
)


@dataclass(frozen=True)
class PacOptions:
    """How to write the PAC file.

    ``name`` is the array's name, shown in the file's first line; ``templates`` a folder whose
    ``pac/proxy.pac.j2`` replaces the built-in template (see :mod:`squidcarp.generate.templates`).
    """

    name: str = ""
    templates: str | None = None


def pac_script(
    array: CarpArray,
    proxies: Mapping[str, str],
    exceptions: CarpExceptions | None = None,
    options: PacOptions | None = None,
) -> str:
    """The PAC JavaScript for ``array``.

    ``proxies`` maps every member's label (:attr:`squidcarp.carp.Member.label`) to the
    ``host:port`` browsers should use for it; ``exceptions`` are the requests that go DIRECT.
    Raises ValueError for an empty array or a proxy that is missing, unknown or not host:port,
    and :class:`squidcarp.generate.templates.TemplateError` for a template that fails.
    """
    opts = options if options is not None else PacOptions()
    context = pac_context(array, proxies, exceptions, opts)
    return render(environment(opts.templates), TEMPLATE, context)


def pac_context(
    array: CarpArray,
    proxies: Mapping[str, str],
    exceptions: CarpExceptions | None,
    options: PacOptions,
) -> dict[str, object]:
    """What the template is rendered with: every value already a JavaScript literal or comment."""
    from squidcarp.carp.url import (  # the caller holds a CarpArray: carp is imported already
        _USERINFO_KEEP,
        CONNECT_DEFAULT_PORT,
        HOST_BUFFER,
        KNOWN_SCHEMES,
        MAX_URL,
    )

    if not array.members:
        raise ValueError("a PAC file needs at least one CARP member")
    labels = [m.label for m in array.members]
    missing = [label for label in labels if label not in proxies]
    if missing:
        raise ValueError("no proxy address for member " + ", ".join(map(repr, missing)))
    unknown = sorted(set(proxies) - set(labels))
    if unknown:
        raise ValueError("proxy address for unknown member " + ", ".join(map(repr, unknown)))
    for label in labels:
        problem = proxy_problem(proxies[label])
        if problem is not None:
            raise ValueError(f"proxy for member {label!r}: {problem}")

    key_kinds: list[int] = []
    members = []
    for state in array.states:
        member = state.member
        bits = sum(KEY_BITS[part.value] for part in member.spec)
        if bits not in key_kinds:
            key_kinds.append(bits)
        members.append({
            "hash": f"0x{state.hash:08x}",
            "mult": js_number(state.multiplier),
            "key": str(key_kinds.index(bits)),
            "proxy": js_string("PROXY " + proxies[member.label]),
            "comment": f"{js_string(member.label)} weight {member.weight}, load factor "
                       f"{js_number(state.load_factor)}",
        })
    config_members = [
        f"{js_string(m.label)} weight={m.weight}"
        + (f" carp-key={','.join(p.value for p in m.spec)}" if m.spec else "")
        + f" -> {proxies[m.label]}"
        for m in array.members
    ]

    domains: list[str] = []
    regexes: list[dict[str, str]] = []
    networks: list[dict[str, str]] = []
    ipv6_networks: list[str] = []
    if exceptions is not None:
        domains = [js_string(d.value) for d in exceptions.domains]
        for r in exceptions.url_regex:
            regexes.append({
                "source": js_string(js_pattern(r.pattern)),
                "flags": js_string("i" if r.ignore_case else ""),
                "comment": js_string(r.pattern) + (" (case-insensitive)" if r.ignore_case else ""),
            })
        for n in exceptions.clients:
            if n.network.version == 4:
                networks.append({
                    "address": js_string(str(n.network.network_address)),
                    "mask": js_string(str(n.network.netmask)),
                    "comment": n.text,
                })
            else:
                ipv6_networks.append(n.text)

    char_kind = "a signed" if array.signed_char else "an unsigned"
    title = "CARP proxy auto-config"
    if options.name:
        title += f" for the array {js_string(options.name)}"
    return {
        "title": title,
        "config_members": config_members,
        "char_kind": char_kind,
        "signed_char": "true" if array.signed_char else "false",
        "members": members,
        "keys": ", ".join(str(k) for k in key_kinds),
        "config_order": js_string("; ".join("PROXY " + proxies[label] for label in labels)),
        "domains": ", ".join(domains),
        "regexes": regexes,
        "networks": networks,
        "ipv6_networks": ipv6_networks,
        "schemes": js_object(sorted(KNOWN_SCHEMES.items())),
        "tunnelled": js_object(sorted((s.encode(), p) for s, p in TUNNELLED.items())),
        "max_url": str(MAX_URL),
        "host_max": str(HOST_BUFFER - 1),
        "connect_port": str(CONNECT_DEFAULT_PORT),
        "userinfo_keep": js_string(bytes(sorted(_USERINFO_KEEP)).decode("ascii")),
    }


def proxy_problem(address: str) -> str | None:
    """Why ``address`` cannot follow ``PROXY`` in a PAC answer (None when it can)."""
    m = _PROXY.fullmatch(address)
    if m is None:
        return (f"{address!r} is not host:port (a host name, an IPv4 address or a bracketed "
                "IPv6 address, then ':' and the port)")
    port = int(m.group("port"))
    if not 1 <= port <= 65535:
        return f"{address!r}: port {port} is not 1-65535"
    return None


def browser_request(url: str) -> Request:
    """The request a browser sends its proxy for ``url``, the string ``FindProxyForURL`` gets.

    ``url`` becomes UTF-8 (a lone surrogate as U+FFFD, as the browser's encoder writes it). For
    https://, wss:// and ws:// the request is ``CONNECT`` to the URL's authority without its
    userinfo, with the scheme's port added when the authority names none (no ``:`` after the
    host, or nothing after the ``:``); for any other URL a GET of the URL itself.
    """
    from squidcarp.carp.url import Request

    raw = url.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").encode()
    m = _TUNNEL_SCHEME.match(raw)
    if m is not None:
        port = TUNNELLED.get(m.group(1).decode("ascii").lower())
        if port is not None:
            return Request.connect(_tunnel_target(raw[m.end():], port))
    return Request(raw)


def _tunnel_target(rest: bytes, port: int) -> bytes:
    end = _AUTHORITY_END.search(rest)
    authority = rest if end is None else rest[: end.start()]
    authority = authority[authority.rfind(b"@") + 1 :]
    if authority.endswith(b":"):
        authority = authority[:-1]
    close = authority.find(b"]") if authority.startswith(b"[") else -1
    if authority.find(b":", close + 1) < 0:
        authority += b":%d" % port
    return authority


# --- JavaScript literals ------------------------------------------------------------------------


def js_string(text: str) -> str:
    """A double-quoted ES3 string literal holding ``text``, in ASCII."""
    out = ['"']
    for ch in text:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        elif o <= 0xFF:
            out.append(f"\\x{o:02x}")
        elif o <= 0xFFFF:
            out.append(f"\\u{o:04x}")
        else:
            o -= 0x10000
            out.append(f"\\u{0xD800 + (o >> 10):04x}\\u{0xDC00 + (o & 0x3FF):04x}")
    out.append('"')
    return "".join(out)


def js_number(value: float) -> str:
    """``value`` as a JavaScript literal that reads back as the same IEEE double.

    ``repr`` gives the shortest decimal that round-trips (at most 17 significant digits), and
    ECMAScript reads such a literal correctly rounded (ES3 §7.8.3, §9.3.1); the non-finite
    values are the global ``Infinity`` and ``NaN``.
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(float(value))


def js_object(items: Sequence[tuple[bytes, int]]) -> str:
    """An object literal with string keys (quoted: some are reserved words in ES3)."""
    return "{" + ", ".join(f"{js_string(k.decode('latin-1'))}: {v}" for k, v in items) + "}"


def js_pattern(pattern: str) -> str:
    """A portable-subset url_regex pattern (:mod:`squidcarp.exceptions.regex`) for ``RegExp``.

    The subset already means the same in POSIX and JavaScript, but for one thing: outside
    brackets ``.`` matches any character in POSIX (without ``REG_NEWLINE``, as Squid compiles
    it) and anything but a line terminator in JavaScript, and a decoded ``%0A`` puts one in the
    URL; ``[\\s\\S]`` matches any character in both.
    """
    from squidcarp.exceptions.regex import translate  # only when a rule set is written

    return translate(pattern, {".": r"[\s\S]"})
