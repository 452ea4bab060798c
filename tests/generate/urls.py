"""Seeded random URLs of every shape a PAC file is handed, and some Squid refuses.

Schemes in any case (http, https, ws, wss, ftp, other known and unknown ones, urn), userinfo,
host names with upper-case, non-ASCII labels, trailing dots, IPv4 literals in every form
inet_aton reads, IPv6 literals (compressed, mapped, with zones), ports (default, odd, out of
range, wrapping past 2^32), paths with non-ASCII characters, %-escapes, white space, queries,
fragments, and long paths (some past Squid's MAX_URL).
"""

from __future__ import annotations

import random
import string

SCHEMES = (
    ("http", 50), ("HTTP", 3), ("Http", 2), ("https", 20), ("HTTPS", 2), ("ws", 3), ("wss", 3),
    ("WSS", 1), ("ftp", 5), ("FTP", 1), ("gopher", 1), ("coap", 1), ("cache_object", 1),
    ("foo", 1), ("Foo+bar", 1), ("urn", 1), ("1http", 1),
)
UNKNOWN = ("foo", "Foo+bar")
TLDS = ("com", "net", "org", "example", "test", "COM", "xn--p1ai", "de", "jp")
EXCEPTION_HOSTS = (
    "windowsupdate.com", "download.windowsupdate.com", "a.b.WindowsUpdate.COM",
    "intranet.example.org", "www.intranet.example.org", "192.0.2.7", "__proto__",
    "x.xn--bcher-kva.example", "notwindowsupdate.com", "example.net",
)
NON_ASCII = "éüßçñøå中文日本語ελληνικάпривет😀\u2028\u00a0\u00ff\u0100"
PATH_CHARS = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/" + "%" * 3
ESCAPES = ("%41", "%2F", "%2f", "%0A", "%0d", "%00", "%25", "%%", "%zz", "%4", "%C3%A9", "%FF",
           "%20", "%3F", "%23")
NOT_IN_PATH = " \t"  # Squid removes white space from the path


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    total = sum(w for _, w in weighted)
    r = rng.randrange(total)
    for value, w in weighted:
        if r < w:
            return value
        r -= w
    raise AssertionError("unreachable")


def _case(rng: random.Random, text: str) -> str:
    mode = rng.random()
    if mode < 0.6:
        return text
    if mode < 0.8:
        return text.upper()
    return "".join(c.upper() if rng.random() < 0.5 else c for c in text)


def _label(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.1:
        return "".join(rng.choice(NON_ASCII[:20]) for _ in range(rng.randint(1, 6)))
    if r < 0.15:
        return "xn--" + "".join(rng.choice(string.ascii_lowercase) for _ in range(6))
    chars = string.ascii_letters + string.digits
    text = "".join(rng.choice(chars + "-") for _ in range(rng.randint(1, 12)))
    return text.strip("-") or "a"


def ipv6(rng: random.Random) -> str:
    words = [rng.choice((0, 0, 0, 1, 0xFFFF, rng.randrange(0x10000))) for _ in range(8)]
    r = rng.random()
    if r < 0.15:
        words[:6] = [0, 0, 0, 0, 0, 0xFFFF]  # IPv4-mapped
    elif r < 0.2:
        words[:6] = [0] * 6  # IPv4-compatible, or the any-address
    groups = [f"{w:x}" if rng.random() < 0.7 else f"{w:04X}" for w in words]
    if rng.random() < 0.6:  # compress one run of groups
        start = rng.randrange(8)
        end = rng.randrange(start, 9)
        text = ":".join(groups[:start]) + "::" + ":".join(groups[end:])
    else:
        text = ":".join(groups)
    if rng.random() < 0.1 and words[:6] in ([0, 0, 0, 0, 0, 0xFFFF], [0] * 6):
        text = ":".join(groups[:6]) + f":{rng.randrange(256)}.{rng.randrange(256)}." \
               f"{rng.randrange(256)}.{rng.randrange(256)}"
    if rng.random() < 0.05:
        text += rng.choice(("%2", "%25eth0", "%", "%4294967296"))
    return text


def ipv4(rng: random.Random) -> str:
    octets = [rng.choice((0, 1, 10, 127, 192, 255, rng.randrange(256))) for _ in range(4)]
    value = octets[0] << 24 | octets[1] << 16 | octets[2] << 8 | octets[3]
    return rng.choice((
        ".".join(map(str, octets)),
        f"{octets[0]}.{value & 0xFFFFFF}",
        f"{octets[0]}.{octets[1]}.{value & 0xFFFF}",
        str(value),
        hex(value),
        f"0x{octets[0]:X}.{octets[1]}.{octets[2]}.{octets[3]}",
        ".".join(f"0{o:o}" for o in octets),
        f"{octets[0]}.{octets[1]}.{octets[2]}.{octets[3] + 256}",
        f"{octets[0]}.{octets[1]}.{octets[2]}.{octets[3]}.{octets[0]}",
        "0.0.0.0",
        "08.1.2.3",
        str(value + (1 << 32)),
    ))


def host(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.7:
        text = ".".join(_label(rng) for _ in range(rng.randint(1, 4))) + "." + rng.choice(TLDS)
    elif r < 0.76:
        text = rng.choice(EXCEPTION_HOSTS)
    elif r < 0.86:
        text = ipv4(rng)
    elif r < 0.95:
        return "[" + ipv6(rng) + "]" + ("" if rng.random() < 0.9 else rng.choice(("x", "]")))
    else:
        text = rng.choice((
            "a..b.example", ".lead.example", "", "x" * rng.randint(250, 300) + ".example",
            "under_score.example", "UPPER.EXAMPLE", "[", "[]", "a:b:c", "host\u00e9.example",
            "[::1", "localhost", "a@b",
        ))
    text = _case(rng, text)
    if rng.random() < 0.1:
        text += "." * rng.randint(1, 3)
    return text


def port(rng: random.Random, scheme: str) -> str:
    r = rng.random()
    if r < 0.6:
        return ""
    if r < 0.7:
        return ":" + {"http": "80", "https": "443", "ftp": "21", "ws": "80", "wss": "443"}.get(
            scheme.lower(), "80")
    if r < 0.95:
        return f":{rng.randint(1, 65535)}"
    return ":" + rng.choice(("", "0", "080", "0443", "99999", "65536", "4294967376", "-1",
                             "+8080", "abc", "80abc", "00000000000000000000008080",
                             "18446744073709551696", "-4294967216", "8443"))


def userinfo(rng: random.Random) -> str:
    if rng.random() < 0.85:
        return ""
    return rng.choice(("user@", "user:pass@", "us%40er:p%3Ass@", "j\u00fcrgen:pw@", "a@b@", "@",
                       "%00x@", "u%C3%A9@", "na me@"))


def path(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.08:
        return ""
    if r < 0.98:
        length = rng.randint(1, 60)
    else:
        length = rng.choice((rng.randint(200, 3000), rng.randint(8100, 8300)))
    out = ["/"]
    size = 1
    while size < length:
        k = rng.random()
        if k < 0.7:
            piece = rng.choice(PATH_CHARS)
        elif k < 0.8:
            piece = rng.choice(NON_ASCII)
        elif k < 0.9:
            piece = rng.choice(ESCAPES)
        elif k < 0.93:
            piece = rng.choice(NOT_IN_PATH)
        elif k < 0.935:
            piece = rng.choice(("/nocache/", "/LIVE/", "/live/", "/nl%0Anl/", ".iso", ".img",
                                "/Live%2F"))
        else:
            piece = "/"
        out.append(piece)
        size += len(piece)
    text = "".join(out)
    if rng.random() < 0.4:
        text += "?" + "&".join(f"{_label(rng)}={_label(rng)}" for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.1:
        text += "#" + _label(rng)
    return text


def url(rng: random.Random) -> str:
    scheme = _pick(rng, SCHEMES)
    if scheme == "urn":
        return rng.choice(("urn:isbn:0451450523", "URN:ISBN:123", "urn:x:y", "urn:ab-:c",
                           "urn:1234:x", "urn:" + "a" * 33 + ":x", "urn:example:a/b?c"))
    if rng.random() < 0.01:
        return rng.choice((f"{scheme}:/no-authority", f"{scheme}:", "not a url", "/just/a/path",
                           f"{scheme}://"))
    given = port(rng, scheme)
    if scheme in UNKNOWN and rng.random() < 0.7:
        given = f":{rng.randint(1, 65535)}"  # an unknown scheme has no default port
    return f"{scheme}://{userinfo(rng)}{host(rng)}{given}{path(rng)}"


def urls(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [url(rng) for _ in range(count)]
