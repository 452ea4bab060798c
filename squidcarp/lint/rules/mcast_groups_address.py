"""``mcast_groups`` entries that are not IPv4 multicast literals (224.0.0.0/4).

``mcast_groups`` lists the groups this Squid joins to *receive* ICP queries. Squid checks nothing
when reading the line; at start it resolves each word (DNS for a host name, which delays the join
and fails with ``comm_join_mcast_groups: Unknown host`` when it does not resolve), joins IPv4
addresses on any interface — a unicast address fails at run time with ``ERROR: Join failed`` — and
silently skips IPv6 addresses (its multicast code is IPv4-only). A unicast or IPv6 entry is the
same trap as a unicast multicast peer (SC130): the line silently cannot do what it says (error);
a host name may resolve to a group (warning). List IPv4 group addresses.

Bad::

    mcast_groups 192.0.2.1 ff05::1:3 icp-group.example.net

Good::

    mcast_groups 239.255.1.1
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.libc import inet_aton
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity
from squidcarp.lint.rules.multicast_peer_address import dotted, is_multicast, looks_ipv6

CODE = "SC134"
NAME = "mcast-groups-address"
SEVERITY = Severity.ERROR

# src/icp_v2.cc icpIncomingConnectionOpened: ipcache_nbgethostbyname(each word, mcastJoinGroups)
# src/multicast.cc mcastJoinGroups: !ip.isIPv4() => skipped; IP_ADD_MEMBERSHIP failure => ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    for tok in ctx.config.mcast_groups:
        word = tok.text
        end = tok.pos.column + len(tok.raw_or_text)
        address = inet_aton(word)
        if address is not None:
            if not is_multicast(address):
                yield Finding(tok.pos, f"mcast_groups entry '{word}' is the unicast address "
                                       f"{dotted(address)}: joining it fails at run time "
                                       "('ERROR: Join failed')", end_column=end)
        elif looks_ipv6(word):
            yield Finding(tok.pos, f"mcast_groups entry '{word}' is IPv6: Squid silently skips it "
                                   "(IPv6 multicast listening is not implemented)",
                          end_column=end)
        else:
            yield Finding(tok.pos, f"mcast_groups entry '{word}' is a host name: Squid needs DNS "
                                   "to join it at start ('Unknown host' if it fails); write the "
                                   "group address", Severity.WARNING, end)
