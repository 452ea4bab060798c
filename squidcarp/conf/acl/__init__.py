"""Stage 4c: the rest of an ``acl`` line, as ``ACL::ParseAclLine`` reads it (src/acl/Acl.cc).

``directives`` checks the name and the type word; this module checks what follows, in Squid's
order: the type must be one Debian's Squid 5.7 registers (``Acl::Make``), the ``-x``/``+x``
options and flags must be ones the type supports (``Acl::OptionsParser``), and then the values
of the types whose mistakes stop Squid or silently change what the ACL matches:

* IP addresses, ranges and masks of ``src``/``dst``/``localip`` (src/acl/Ip.cc
  ``acl_ip_data::FactoryParse``), including words Squid resolves through DNS while it parses,
  and entries that overlap, through the splay tree Squid keeps them in;
* port ranges of ``port``/``localport`` (src/acl/IntRange.cc) and the numbers of ``maxconn`` and
  ``max_user_ip``;
* ``time`` specs (src/acl/TimeData.cc);
* overlapping ``dstdomain``/``srcdomain`` values, through the splay tree Squid keeps them in
  (src/acl/DomainData.cc, include/splay.h).

An ACL line without values is checked as well (``Warning: empty ACL``, or worse). Values read
from a ``"file"`` are not opened here.
"""

from __future__ import annotations

from squidcarp.conf.acl.addresses import IP_TYPES, ip_values
from squidcarp.conf.acl.common import AclState, report
from squidcarp.conf.acl.domains import DOMAIN_TYPES, domains
from squidcarp.conf.acl.values import VALUE_CHECKERS
from squidcarp.conf.events import ReadEvent, Squid
from squidcarp.conf.facts.acl import (
    ACL_FLAGS,
    ACL_OPENSSL_TYPES,
    ACL_OPTIONS,
    ACL_TYPES,
    AUTH_ACL_TYPES,
)
from squidcarp.conf.model import Directive

__all__ = ["AclState", "check_acl_line"]


def check_acl_line(d: Directive, kind: str, new: bool, events: list[ReadEvent],
                   state: AclState | None = None) -> int:
    """Check an ``acl NAME TYPE ...`` line whose name and type word are already read.

    ``new`` is whether this line creates the ACL (only then does Squid make one of ``kind`` and
    check that it is valid); ``state`` is what earlier lines left (auth schemes, domain trees).
    Returns the index in ``d.words`` of the first value (after the options), so that callers can
    read ACL names from there.
    """
    state = state or AclState()
    words = d.words
    if new and kind not in ACL_TYPES:
        if kind in ACL_OPENSSL_TYPES:
            why = ("an OpenSSL-only type: Debian's Squid 5.7 is built with GnuTLS and does not "
                   "have it")
        else:
            why = "Squid 5.7 has no such ACL type"
        report(events, d, 1, f"invalid ACL type '{kind}': {why}; Squid stops ('Invalid ACL "
               "type')", Squid.FATAL)
        return len(words)
    first = 2
    if len(words) > 2 and words[2][0] in "-+":
        options_end = _options(d, kind, events)
        if options_end is None:
            return len(words)
        first = options_end
    if new and kind in AUTH_ACL_TYPES and not state.auth_configured:
        report(events, d, 1, f"'{kind}' ACL before any 'auth_param SCHEME program ...' line: Squid "
               "stops ('no authentication schemes are fully configured'); put the auth_param "
               "lines above it", Squid.FATAL)
    elif first >= len(words):
        if new:
            _empty(d, kind, events)
    elif kind in DOMAIN_TYPES:
        domains(d, first, state, events)
    elif kind in IP_TYPES:
        ip_values(d, first, state, events)
    else:
        checker = VALUE_CHECKERS.get(kind)
        if checker is not None:
            checker(d, first, new, events)
    return first


def _options(d: Directive, kind: str, events: list[ReadEvent]) -> int | None:
    """``Acl::OptionsParser::parse``: the words starting with '-' or '+' after the type.

    Returns the index of the first value, or None when Squid stops on an option.
    """
    options = ACL_OPTIONS.get(kind, {})
    flags = ACL_FLAGS.get(kind, frozenset())
    words = d.words
    index = 2
    while index < len(words) and words[index][:1] in ("-", "+"):
        word = words[index]
        if word in flags or options.get(word) == "none":
            index += 1  # a whole -x the type takes, with no value: the common case
            continue
        prefix, sep, value = word.partition("=")
        if sep and not value and index + 1 < len(words):
            index += 1  # ConfigParser::NextKvPair takes the next token as the value
            value = words[index]
        if sep and not prefix:
            report(events, d, index, f"malformed ACL option '{word}': Squid stops",
                   Squid.FATAL)
            return None
        if len(prefix) < 2:
            report(events, d, index, f"truncated ACL flag '{word}' (a lone '{prefix}'): Squid "
                   "stops", Squid.FATAL)
            return None
        if prefix == "--":
            return index + 1  # the explicit end of options
        if prefix.startswith("--") or len(prefix) == 2:
            names = [prefix]
        else:
            names = [prefix[0] + letter for letter in prefix[1:]]  # -xyz = -x -y -z
        for position, name in enumerate(names):
            last = position == len(names) - 1
            has_value = bool(sep) and last
            expects = options.get(name)
            if expects is None and name not in flags:
                supported = sorted({*options, *flags})
                hint = (f" ({kind} takes {', '.join(supported)})" if supported
                        else f" ({kind} takes none)")
                report(events, d, index, f"unsupported ACL option '{name}'{hint}: Squid stops",
                       Squid.FATAL)
                return None
            if expects == "none" and has_value:
                report(events, d, index, f"ACL option {name} takes no value: Squid stops",
                       Squid.FATAL)
                return None
            if expects == "required" and not has_value:
                report(events, d, index, f"ACL option {name} needs a value ({name}=...): "
                       "Squid stops", Squid.FATAL)
                return None
        index += 1
    return index


def _empty(d: Directive, kind: str, events: list[ReadEvent]) -> None:
    """An ``acl`` line that creates an ACL with no values (``ACL::empty``/``ACL::valid``)."""
    effect = ACL_TYPES[kind]
    at = len(d.words) - 1
    if effect == "empty":
        report(events, d, at, f"'{kind}' ACL without values: Squid warns ('empty ACL') and the "
               "ACL never matches", Squid.WARNING)
    elif effect == "fatal":
        report(events, d, at, f"'{kind}' ACL without a value: Squid stops", Squid.FATAL)
    elif effect == "crash":
        report(events, d, at, f"'{kind}' ACL without a value: Squid 5.7 aborts (assertion in "
               "NoteData.cc)", Squid.FATAL)
