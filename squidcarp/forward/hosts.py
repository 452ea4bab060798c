"""Name look-ups a prediction may answer without DNS: Squid's ``hosts_file``, or ``--hosts FILE``.

Squid loads the hosts file into its IP and FQDN caches at start (src/ipcache.cc
``ipcacheAddEntryFromHosts``, src/fqdncache.cc ``fqdncacheAddEntryFromHosts``): each line is an
address followed by names; a name maps to its addresses, an address to the first name of the
first line that lists it. Anything the file does not answer needs DNS, which the prediction
reports as unknown instead of guessing.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

MAX_HOSTS_FILE = 16 * 1024 * 1024


@dataclass(frozen=True)
class HostsTable:
    path: str | None = None
    forward: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reverse: dict[str, str] = field(default_factory=dict)

    def addresses(self, name: str) -> tuple[str, ...] | None:
        return self.forward.get(name.lower().rstrip("."))

    def name_of(self, address: str) -> str | None:
        return self.reverse.get(canonical(address) or address)


def canonical(address: str) -> str | None:
    text = address[1:-1] if address.startswith("[") and address.endswith("]") else address
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return str(addr.ipv4_mapped)
    return str(addr)


def parse_hosts(data: bytes, path: str | None = None) -> HostsTable:
    forward: dict[str, list[str]] = {}
    reverse: dict[str, str] = {}
    for raw in data[:MAX_HOSTS_FILE].decode("utf-8", "surrogateescape").split("\n"):
        words = raw.split("#", 1)[0].split()
        if len(words) < 2:
            continue
        address = canonical(words[0])
        if address is None:
            continue
        names = [w.lower().rstrip(".") for w in words[1:]]
        reverse.setdefault(address, names[0])
        for name in names:
            known = forward.setdefault(name, [])
            if address not in known:
                known.append(address)
    return HostsTable(path, {k: tuple(v) for k, v in forward.items()}, reverse)


def load_hosts(path: str) -> HostsTable:
    """Raises OSError when the file cannot be read."""
    with open(path, "rb") as fh:
        return parse_hosts(fh.read(MAX_HOSTS_FILE), path)
