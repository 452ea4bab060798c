"""Stage 4d: ``acl`` lines and the lists that name ACLs, as src/acl/ reads them.

* ``acl NAME TYPE [options] values...`` (src/acl/Acl.cc ``ACL::ParseAclLine``) becomes an
  :class:`AclDefinition`; the value checks are :mod:`squidcarp.conf.acl`'s;
* ``allow|deny [!]ACL...`` after a directive's fixed words (src/acl/Gadgets.cc
  ``aclParseAccessLine``) becomes an :class:`AccessLine`; bare ``[!]ACL...`` lists
  (``aclParseAclList``: ``tcp_outgoing_address``, ``note``...) are checked the same way;
* every name must be an ACL defined above the line (``ACL::FindByName``, case-insensitive):
  Squid stops with ``ACL not found`` otherwise;
* a word that starts with a quote names a file of further words (src/ConfigParser.cc
  ``ConfigParser::strtokFile``), read here the way Squid reads it.

Which directives take which list is one table, :data:`squidcarp.conf.ACL_LISTS`.
"""

from __future__ import annotations

import os
import re

from squidcarp.conf.acl import AclState, check_acl_line
from squidcarp.conf.events import Kind, ReadEvent, Squid
from squidcarp.conf.facts.acl import (
    ACL_LISTS,
    ACL_NAME_SZ,
    ACL_TYPE_RENAMES,
    BYTES_VALUE,
    PREDEFINED_ACLS,
    AclListSyntax,
)
from squidcarp.conf.lexer import CONFIG_LINE_LIMIT
from squidcarp.conf.model import AccessRecord, AclRecord, Directive, Position, Token
from squidcarp.conf.source import decode, read_file
from squidcarp.conf.words import W_SPACE
from squidcarp.libc import c_lower

ACTIONS = ("allow", "deny")
_WORDS = re.compile(f"[^{W_SPACE}]+").findall


class AclNames:
    """ACL names defined so far (``ACL::FindByName`` compares them case-insensitively)."""

    def __init__(self, quoted_values: bool = False, cwd: str | None = None) -> None:
        self.names: dict[str, str] = dict(PREDEFINED_ACLS)
        """Lower-cased name -> ACL type."""
        self.quoted_values = quoted_values
        self.cwd = cwd
        self.state = AclState()
        """What acl lines carry forward (auth schemes, domain trees)."""

    def __contains__(self, name: str) -> bool:
        return c_lower(name) in self.names


def file_words(d: Directive, first: int, acls: AclNames) -> list[Token]:
    """The words from ``d.words[first]`` on as ``strtokFile`` hands them out.

    A word starting with ``"`` or ``'`` names a file (up to the next quote, opened from Squid's
    working directory): each of its lines is one word (blanks around it and a trailing
    ``#comment`` word trimmed; ``#`` lines and blank lines skipped; a line longer than the
    2048-byte buffer comes in pieces). When the file ends, so does the list: words after the
    file name are never read. A file that cannot be opened ends the list at once (Squid logs
    an ERROR: see :func:`list_file_events`). With ``configuration_includes_quoted_values`` on,
    quotes are quotes and no file is read.
    """
    args = d.args
    if acls.quoted_values:
        return list(args[first:])
    out: list[Token] = []
    for index in range(first, len(args)):
        tok = args[index]
        if tok.text[:1] not in "\"'":
            out.append(tok)
            continue
        path = _file_name(tok.text)
        try:
            data = read_file(os.path.join(acls.cwd or os.getcwd(), path))
        except OSError:
            return out
        out.extend(_file_lines(path, data))
        return out
    return out


def _file_name(word: str) -> str:
    name = word[1:]
    for quote in "\"'":
        name = name.split(quote, 1)[0]
    return name


def _file_lines(path: str, data: bytes) -> list[Token]:
    out: list[Token] = []
    piece = CONFIG_LINE_LIMIT - 1  # fgets() keeps room for the NUL
    for number, line in enumerate(data.split(b"\n"), start=1):
        if len(line) + 1 > piece:
            chunks = [line[i:i + piece] for i in range(0, len(line), piece)]
        else:
            chunks = [line]
        column = 1
        for chunk in chunks:
            text = decode(chunk)
            word = _strtok_line(text)
            if word is not None:
                start = len(text) - len(text.lstrip(W_SPACE))
                out.append(Token(word, Position(path, number, column + start), word))
            column += len(text)
    return out


def _strtok_line(text: str) -> str | None:
    """One fgets() line of a values file: from its first word to the end of its last word
    before a word starting with ``#``; None for a blank line or a comment."""
    words = _WORDS(text)  # strtok on w_space: no other blank (a no-break space) splits
    kept: list[str] = []
    for word in words:
        if word.startswith("#"):
            break
        kept.append(word)
    if not kept:
        return None
    start = text.index(kept[0])
    end = start
    for word in kept:
        end = text.index(word, end) + len(word)
    return text[start:end]


def list_file_events(d: Directive, events: list[ReadEvent], cwd: str | None) -> None:
    """A token starting with a quote names a file of values (``ConfigParser::strtokFile``).

    Squid opens it from its working directory; a file it cannot open is an ERROR line, after
    which the ACL has no values from it (``Warning: empty ACL``) or the access rule is dropped.
    """
    # The leading words (allow/deny, peer name, address, size, ...) are read with NextToken,
    # never from a file.
    if '"' not in d.text and "'" not in d.text:
        return
    first = list_start(d)
    words = d.words
    for index in range(first, len(words)):
        text = words[index]
        if text[:1] not in "\"'":
            continue
        path = _file_name(text)
        full = os.path.join(cwd or os.getcwd(), path)
        if not os.path.isfile(full):
            tok = d.args[index]
            events.append(ReadEvent(
                Kind.ACL_FILE_MISSING, tok.pos,
                f"{d.keyword} reads values from '{path}', which cannot be opened: Squid logs "
                "an ERROR and goes on without them", Squid.ERROR,
                tok.pos.column + len(tok.raw_or_text), path))


def list_start(d: Directive) -> int:
    """Index of the first word of ``d`` that ``strtokFile`` may read from a file."""
    if d.keyword == "acl":
        return 2
    syntax = ACL_LISTS.get(d.keyword)
    if syntax is None:
        return 0
    return leading_words(d, syntax) + (1 if syntax.action else 0)


def leading_words(d: Directive, syntax: AclListSyntax) -> int:
    """How many words the directive's own parser reads before the list."""
    if syntax.fixed != BYTES_VALUE:
        return syntax.fixed
    # parse_b_int64_t: "none"/"-1", or a number and (unless it is 0) its unit
    from squidcarp.conf.scalars import scalar_reads

    return scalar_reads(d, "b_int64_t")


def acl_line(d: Directive, acls: AclNames, events: list[ReadEvent]) -> AclRecord | None:
    """``ACL::ParseAclLine``: the name and type are required; the name then exists. Returns the
    definition (as :class:`AclDefinition.make` takes it) when Squid keeps the line."""
    words = d.words
    if len(words) < 2:
        what = "name" if not words else "type"
        events.append(ReadEvent(Kind.ACL_LINE, d.pos,
                                f"acl without a {what}: Squid stops ('missing ACL {what}')",
                                Squid.FATAL))
        return None
    name = words[0]
    if len(name) >= ACL_NAME_SZ // 4 and len(
            name.encode("utf-8", "surrogateescape")) >= ACL_NAME_SZ:
        tok = d.args[0]
        events.append(ReadEvent(Kind.ACL_LINE, tok.pos,
                                f"ACL name longer than {ACL_NAME_SZ - 1} bytes: Squid stops",
                                Squid.FATAL, tok.pos.column + len(tok.raw_or_text)))
        return None
    kind = ACL_TYPE_RENAMES.get(words[1], words[1])
    if kind == "proto" and name == "manager":
        return None  # "UPGRADE: ACL 'manager' is now a built-in ACL": the line is ignored
    key = c_lower(name)
    new = key not in acls.names
    known_kind = acls.names.setdefault(key, kind)
    if known_kind != kind:
        tok = d.args[1]
        events.append(ReadEvent(Kind.ACL_LINE, tok.pos,
                                f"ACL '{name}' already exists with type {known_kind} (names "
                                "compare case-insensitively): Squid stops", Squid.FATAL,
                                tok.pos.column + len(tok.raw_or_text), kind))
        return None
    first = check_acl_line(d, kind, new, events, acls.state)
    if kind in ("all-of", "any-of"):  # Acl::InnerNode::lineParse: names of ACLs defined above
        if new:  # ParseAclLine lists a new ACL only after parsing it: it cannot name itself
            del acls.names[key]
            acl_names(d, first, acls, events)
            acls.names[key] = kind
        else:
            acl_names(d, first, acls, events)
    listed = tuple(file_words(d, first, acls)) if _quoted(d) and not acls.quoted_values else None
    return d, kind, first, listed


def _quoted(d: Directive) -> bool:
    """Whether a word of the line may name a file (a quote anywhere in it)."""
    return '"' in d.text or "'" in d.text


def acl_names(d: Directive, first: int, acls: AclNames,
              events: list[ReadEvent]) -> tuple[bool, tuple[Token, ...] | None]:
    """``Acl::InnerNode::lineParse``: each [!]NAME (the words from ``first`` on, files read)
    must name an ACL defined above the line (fatal). Returns whether they all do, and the name
    tokens when some came from a file (None: they are the line's own words)."""
    names = acls.names
    listed = (tuple(file_words(d, first, acls)) if _quoted(d) and not acls.quoted_values
              else None)
    # the common case reads the words alone: tokens are made only to report one
    words = [t.text for t in listed] if listed is not None else d.words[first:]
    ok = True
    for index, word in enumerate(words):
        name = word[1:] if word.startswith("!") else word
        if c_lower(name) in names:
            continue
        tok = listed[index] if listed is not None else d.args[first + index]
        what = (f"ACL '{name}' is not defined above this line (ACL names are looked up "
                "while the line is read)" if name else "a lone '!' names no ACL (write !NAME)")
        events.append(ReadEvent(
            Kind.ACL_NOT_FOUND, tok.pos, f"{what}: Squid stops ('ACL not found')", Squid.FATAL,
            tok.pos.column + len(tok.raw_or_text), name))
        ok = False
    return ok, listed


def access_line(d: Directive, first: int, acls: AclNames, events: list[ReadEvent],
                peer: str | None = None) -> AccessRecord | None:
    """``aclParseAccessLine`` on the words from ``first``: allow|deny, then ACL names that must
    exist already.

    A missing or other action word, or no ACL name, is printed and the line dropped (exit 0);
    an ACL name not defined above stops Squid (``ACL not found``). Returns the line (as
    :class:`AccessLine.make` takes it) when Squid keeps it.
    """
    words = d.words
    if len(words) <= first or words[first] not in ACTIONS:
        where = d.args[first] if len(words) > first else d.name
        got = f", got '{where.text}'" if len(words) > first else ""
        events.append(ReadEvent(
            Kind.ACCESS_DROPPED, where.pos,
            f"{d.keyword} needs 'allow' or 'deny'{got}: Squid prints this and drops the line",
            Squid.ERROR, where.pos.column + len(where.raw_or_text), where.text))
        return None
    ok, listed = acl_names(d, first + 1, acls, events)
    if len(words) == first + 1 or listed == ():
        action = d.args[first]
        events.append(ReadEvent(
            Kind.ACCESS_DROPPED, action.pos,
            f"{d.keyword} {action.text} without an ACL: Squid drops the line ('Access line "
            "contains no ACL's, skipping')", Squid.ERROR,
            action.pos.column + len(action.raw_or_text), action.text))
        return None
    if not ok:
        return None
    return d, words[first], first + 1, peer, listed
