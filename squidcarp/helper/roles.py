"""What squidcarp-helper answers in each role, one :class:`Request` in, one :class:`Reply` out.

* :class:`StoreIdRole` (``store_id_program``): ``OK store-id=ID`` from the first Store-ID rule
  matching the URL, else ``ERR`` (Squid keeps the URL as the store key).
* :class:`UrlRewriteRole` (``url_rewrite_program``): a request that is a CARP exception gets
  ``OK carp_exception_=KIND carp_rule_=RULE`` — request notes a generated squid.conf turns into
  ``always_direct allow`` / ``cache_peer_access ... deny`` through ``acl NAME note
  carp_exception_`` — and, with ``--redirect`` or ``--rewrite``, ``url=`` (+ ``status=``) or
  ``rewrite-url=``. Anything else gets ``ERR``: no change.
* :class:`ExternalAclRole` (``external_acl_type``): the ACL's first argument is the question.
  ``exception`` (or none): ``OK`` with the same notes when the request is a CARP exception, else
  ``ERR``. ``owner``: ``OK owner_=NAME`` naming the peer Squid's forwarding decision
  sends the request to first (:mod:`squidcarp.helper.owner`), ``ERR`` with the reason when
  none does. ``owner NAME...``: ``OK`` only when the owner is one of the NAMEs (compared
  without case, as Squid compares peer names), ``owner_=`` set either way.

Custom note keys end in ``_``: Squid 6 warns about any other key it does not know
(src/helper/Reply.cc in 6.x), and Squid 5 accepts them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from squidcarp.helper.escape import escape
from squidcarp.helper.protocol import Reply, Request, Result
from squidcarp.helper.storeid import StoreIdDb, StoreIdError
from squidcarp.libc import c_lower

EXCEPTION_NOTE = "carp_exception_"  # value: domain, url_regex or client
RULE_NOTE = "carp_rule_"  # value: the rule as written in the rules file
OWNER_NOTE = "owner_"  # value: the CARP member's name (cache_peer name=)

# src/redirect.cc redirectHandleReply -> the status codes a url= redirect may carry
REDIRECT_STATUSES = (301, 302, 303, 307, 308)

ERR = Reply(Result.ERR)


class RulesError(Exception):
    """Rules that cannot be used; ``problems`` are ``file:line: ...`` lines."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


class ExceptionHit(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def rule(self) -> object: ...


class RuleSet(Protocol):
    @property
    def clients(self) -> Sequence[object]: ...


class Matcher(Protocol):
    """What the roles need of :class:`squidcarp.exceptions.ExceptionMatcher`."""

    @property
    def exceptions(self) -> RuleSet: ...

    def match(self, host: str | None = None, url: bytes | str | None = None,
              client: str | None = None) -> ExceptionHit | None: ...


class NoOwner(Exception):
    """No peer would serve the request; ``message`` says why (Squid goes DIRECT, refuses the
    URL, answers it itself, or the answer depends on something the helper cannot know)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Owner = Callable[[Request], str]
"""The peer that serves a request (raises :class:`NoOwner`)."""


class Role(Protocol):
    def answer(self, request: Request) -> Reply: ...


def load_storeid(path: str) -> StoreIdDb:
    """The Store-ID DB at ``path``, or :class:`RulesError`."""
    try:
        return StoreIdDb.load(path)
    except OSError as exc:
        raise RulesError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    except StoreIdError as exc:
        raise RulesError(exc.problems) from None


def load_matcher(path: str) -> Matcher:
    """The CARP exceptions of an array file or rules file, precompiled, or :class:`RulesError`."""
    from squidcarp.exceptions import ExceptionMatcher, ExceptionsError, load_exceptions

    try:
        return ExceptionMatcher(load_exceptions(path))
    except ExceptionsError as exc:
        raise RulesError([str(p) for p in exc.problems]) from None


def rule_text(rule: object) -> str:
    """A rule as its file writes it: the domain, the pattern, or the network."""
    for attr in ("value", "pattern", "text"):
        value = getattr(rule, attr, None)
        if isinstance(value, str):
            return value
    return str(rule)


def host_of(url: str) -> str:
    """The host of an absolute URL or of a CONNECT ``host:port`` (Squid sends the effective
    URI: scheme and host already lower-cased, default port dropped)."""
    start = url.find("://")
    start = 0 if start < 0 else start + 3
    end = url.find("/", start)
    authority = url[start:] if end < 0 else url[start:end]
    for stop in "?#":
        if stop in authority:
            authority = authority[:authority.index(stop)]
    if "@" in authority:
        authority = authority[authority.rfind("@") + 1:]
    if authority.startswith("["):
        close = authority.find("]")
        return authority[1:close] if close > 0 else authority[1:]
    colon = authority.rfind(":")
    return authority[:colon] if colon >= 0 else authority


def exception_notes(hit: ExceptionHit) -> tuple[tuple[str, str], ...]:
    return ((EXCEPTION_NOTE, hit.kind), (RULE_NOTE, rule_text(hit.rule)))


class StoreIdRole:
    def __init__(self, db: StoreIdDb) -> None:
        self.db = db

    def answer(self, request: Request) -> Reply:
        store_id = self.db.lookup(request.url or "")
        if store_id is None:
            return ERR
        return Reply(Result.OK, (("store-id", store_id),))


PLACEHOLDERS = ("{url}", "{url_escaped}", "{host}")


class Action:
    """What url-rewrite does beyond the notes: nothing, a redirect, or a rewrite.

    ``template`` may hold ``{url}`` (the request URL), ``{url_escaped}`` (it %-escaped for a
    query string, lib/rfc1738.c rules with ``& = ? /`` escaped too) and ``{host}``.
    """

    __slots__ = ("kind", "status", "template")

    def __init__(self, kind: str = "note", template: str = "", status: int = 302) -> None:
        if kind not in ("note", "redirect", "rewrite"):
            raise ValueError(f"unknown action {kind!r}")
        if kind == "redirect" and status not in REDIRECT_STATUSES:
            raise ValueError(f"redirect status {status}: Squid accepts only "
                             f"{', '.join(map(str, REDIRECT_STATUSES))}")
        rest = template
        for p in PLACEHOLDERS:
            rest = rest.replace(p, "")
        if "{" in rest or "}" in rest:
            raise ValueError(f"target {template!r}: only {', '.join(PLACEHOLDERS)} may appear "
                             "in braces")
        if kind != "note" and not template:
            raise ValueError(f"a {kind} needs a target URL")
        self.kind = kind
        self.template = template
        self.status = status

    def target(self, url: str, host: str) -> str:
        out = self.template.replace("{url}", url).replace("{host}", host)
        if "{url_escaped}" in out:
            raw = escape(url.encode("utf-8", "surrogateescape"))
            for c in b"&=?/;:@+":
                raw = raw.replace(bytes((c,)), b"%%%02X" % c)
            out = out.replace("{url_escaped}", raw.decode("ascii"))
        return out


class UrlRewriteRole:
    def __init__(self, matcher: Matcher, action: Action | None = None) -> None:
        self.matcher = matcher
        self.action = action if action is not None else Action()
        # the client address is read from the extras only when some rule is about clients
        self.clients = bool(matcher.exceptions.clients)

    def answer(self, request: Request) -> Reply:
        url = request.url or ""
        host = host_of(url)
        client = request.field("client") if self.clients else None
        hit = self.matcher.match(host=host, url=url, client=client)
        if hit is None:
            return ERR
        notes = exception_notes(hit)
        action = self.action
        if action.kind == "redirect":
            return Reply(Result.OK, (("status", str(action.status)),
                                     ("url", action.target(url, host)), *notes))
        if action.kind == "rewrite":
            return Reply(Result.OK, (("rewrite-url", action.target(url, host)), *notes))
        return Reply(Result.OK, notes)


class ExternalAclRole:
    """``matcher`` answers ``exception``; ``owner`` (from :mod:`squidcarp.helper.owner`)
    answers ``owner``; a question whose source was not configured gets ``BH``."""

    def __init__(self, matcher: Matcher | None, owner: Owner | None) -> None:
        self.matcher = matcher
        self.owner = owner

    def answer(self, request: Request) -> Reply:
        question = request.data[0] if request.data else "exception"
        if question == "exception":
            return self._exception(request)
        if question == "owner":
            return self._owner(request, request.data[1:])
        return Reply.broken(f"unknown question {question!r}: the ACL's first argument must be "
                            "'exception' or 'owner'")

    def _exception(self, request: Request) -> Reply:
        if self.matcher is None:
            return Reply.broken("no --rules given: cannot tell CARP exceptions")
        url = request.url
        host = request.field("host") or (host_of(url) if url else None)
        client = request.field("client")
        if url is None and host is None and client is None:
            return Reply.broken("the format has none of %URI, %DST, %SRC")
        hit = self.matcher.match(host=host, url=url, client=client)
        if hit is None:
            return ERR
        return Reply(Result.OK, exception_notes(hit))

    def _owner(self, request: Request, names: tuple[str, ...]) -> Reply:
        if self.owner is None:
            return Reply.broken("no --squid-conf given: cannot name CARP owners")
        if request.url is None:
            if "url" in request.names:
                return Reply.broken("Squid sent no URL (%URI was -): cannot name the CARP owner")
            return Reply.broken("the format has no %URI: cannot name the CARP owner")
        try:
            member = self.owner(request)
        except NoOwner as exc:
            return Reply(Result.ERR, (("message", exc.message),))
        pairs = ((OWNER_NOTE, member),)
        if names and c_lower(member) not in {c_lower(n) for n in names}:
            return Reply(Result.ERR, pairs)
        return Reply(Result.OK, pairs)
