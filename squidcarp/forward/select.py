"""Squid 5.7's peer selection for one request: the forwarding list and why (src/peer_select.cc).

``Router(config).decide(request)`` first sets aside what Squid answers itself (the cache
manager, its own ``/squid-internal-`` URLs: :mod:`squidcarp.forward.local`), then follows
``PeerSelector::selectMore``:

1. *May Squid go direct?* ``always_direct`` (allow: only DIRECT), else ``never_direct`` (allow:
   never DIRECT), else an accelerated request on a port without ``allow-direct`` (never), else a
   forwarding loop (only DIRECT), else netdb (an RTT to the origin within ``minimum_direct_rtt``
   sends it direct; see below), else "maybe".
2. *The list*, in Squid's order: DIRECT first with ``prefer_direct on``; parents when direct is
   not forced and the request is hierarchical or ``nonhierarchical_direct off``: one chosen by
   ``selectSomeParent`` (sourcehash, userhash, CARP, round-robin, weighted round-robin, first up
   parent, default parent: the first method that picks one), then every other parent that is up
   and allowed (``ANY_OLD_PARENT``, config order), then the default parent; DIRECT last unless
   it came first or is forbidden. A peer is never listed twice; the list is cut at
   ``forward_max_tries``.

A peer is usable for a request (``peerHTTPOkay``) when it is not marked down and its
``cache_peer_access`` rules allow the request (first matching line wins; when none matches, the
opposite of the last line's action; no lines: allowed), and an ``originserver`` peer is not asked
to tunnel a CONNECT to another port. ``neighbor_type_domain`` turns peers into siblings (or
parents) per domain for every method but CARP, which keeps its members (src/carp.cc).

Not modelled (each reported, never guessed): ICP/HTCP replies and cache digests, which Squid
consults before any of this (``Decision`` says so when a peer would be queried); pinned
connections; connection limits (``max-conn`` is assumed free); DNS failures.

State kept between requests: round-robin counters (``rr_count``: the first cache_peer line
starts at 1 and the others at 0 after a start, all at 0 after a reconfigure, all reset to 1 every
five minutes and when a dead peer revives) and netdb. Every request Squid forwards (to a parent
or direct, CONNECT too) makes netdb look its host up and add an entry for it (src/FwdState.cc,
src/tunnel.cc ``netdbPingSite``); Squid 5.7 starts an entry's RTT at 1 ms (src/icmp/net_db.h
``netdbEntry::rtt``) whether or not a pinger ever measures it (``pinger_enable off`` included).
So from the second request to a host on, ``checkNetdbDirect`` finds "RTT 1 ms <=
minimum_direct_rtt (400 ms)" and sends it DIRECT, unless always_direct/never_direct decided
first: seen on Debian's 5.7 (built with ICMP). With the pinger on, the RTT is measured and the
answer depends on it; a ``netdb_filename`` state file may hold entries from an earlier run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from squidcarp.carp.array import CarpArray, Member, Ranking, load_factors, load_multipliers
from squidcarp.carp.hash import accumulate, combine, peer_hash
from squidcarp.carp.url import NotRoutable, Uri, parse
from squidcarp.conf.model import AccessLine, CachePeer, PeerType, Position, SquidConfig
from squidcarp.forward import decision as hier
from squidcarp.forward.acl import AclEvaluator, Facts, domain_match
from squidcarp.forward.choices import Chooser, Explored, TooManyUnknowns, explore
from squidcarp.forward.decision import Assumption, Caveat, Decision, Hop, Outcome
from squidcarp.forward.hosts import HostsTable
from squidcarp.forward.local import identity, origin_form_internal, served_locally
from squidcarp.forward.request import (
    ForwardRequest,
    Port,
    carp_request,
    hierarchical,
    ports,
    receiving_port,
)
from squidcarp.forward.view import access_lines, acl_definitions
from squidcarp.libc import c_lower
from squidcarp.listing import quoted_names

RR_RESET_SECONDS = 300.0  # src/neighbors.cc peerClearRRLoop: every 5 minutes


class UnknownPeer(KeyError):
    pass


@dataclass
class RouterState:
    """What Squid remembers between requests."""

    rr_count: dict[str, int] = field(default_factory=dict)
    rr_uncertain_since: int | None = None
    """Index of the request after which the counters are no longer known."""
    pinged: set[str] = field(default_factory=set)
    """Hosts netdb has an entry for (each forwarded request adds its host, if it resolves)."""
    maybe_pinged: set[str] = field(default_factory=set)
    """Hosts forwarded earlier whose name only DNS could resolve: they may have an entry."""
    first_when: float | None = None
    served: int = 0


@dataclass(frozen=True)
class _Peer:
    peer: CachePeer
    index: int
    access: tuple[AccessLine, ...]
    types: tuple[tuple[str, PeerType], ...]

    @property
    def name(self) -> str:
        return self.peer.name


class Router:
    """The forwarding decision of one Squid whose config is ``config``.

    ``down`` names peers to treat as down (``neighborUp`` false: dead, unreachable, or marked
    DEAD after connect-fail-limit failures). ``hosts`` answers name look-ups (else the config's
    ``hosts_file`` when it can be read). ``rr_start`` is ``"start"`` (Squid just started),
    ``"reconfigure"`` or ``"reset"`` (the five-minute reset has run). ``netdb_hosts`` are hosts
    netdb already has entries for (netdb survives a reconfigure: a Router for the new config of
    the same running Squid takes the old Router's ``state.pinged``).
    """

    def __init__(self, config: SquidConfig, *, down: Iterable[str] = (),
                 hosts: HostsTable | None = None, rr_start: str = "start",
                 signed_char: bool = True,
                 aliases: dict[str, str] | None = None, netdb_hosts: Iterable[str] = ()) -> None:
        self.config = config
        self.signed_char = signed_char
        self.acls = AclEvaluator(acl_definitions(config))
        self.always_direct = access_lines(config, "always_direct")
        self.never_direct = access_lines(config, "never_direct")
        per_peer: dict[str, list[AccessLine]] = {}
        for line in access_lines(config, "cache_peer_access", aliases):
            per_peer.setdefault(c_lower(line.peer or ""), []).append(line)
        types: dict[str, list[tuple[str, PeerType]]] = {}
        for ntd in config.neighbor_type_domains:
            found = config.peer_named(ntd.peer.text)
            if found is None:
                continue
            kind = PeerType.PARENT if ntd.type.text == "parent" else PeerType.SIBLING
            for dom in ntd.domains:
                types.setdefault(c_lower(found.name), []).append((dom.text, kind))
        self.peers = tuple(
            _Peer(p, i, tuple(per_peer.get(c_lower(p.name), ())),
                  tuple(types.get(c_lower(p.name), ())))
            for i, p in enumerate(config.peers))
        self._by_name = {c_lower(p.name): p for p in reversed(self.peers)}
        self.down = frozenset(self._resolve(n).name for n in down)
        self.ports = ports(config)
        self.identity = identity(config, self.ports)
        self.hosts = hosts if hosts is not None else _config_hosts(config)
        carp_peers = [p for p in self.peers if p.peer.is_carp_member]
        self.carp = (CarpArray(tuple(Member(p.peer.name_bytes, p.peer.weight,
                                            p.peer.carp_key.ordered() if p.peer.carp_key
                                            else None) for p in carp_peers), signed_char)
                     if carp_peers else None)
        self._carp_peers = {p.peer.name: p for p in carp_peers}
        self.sourcehash = _HashMethod([p for p in self.peers if p.peer.selection.sourcehash
                                       and p.peer.type is PeerType.PARENT], signed_char)
        self.userhash = _HashMethod([p for p in self.peers if p.peer.selection.userhash
                                     and p.peer.type is PeerType.PARENT], signed_char)
        self.prefer_direct = config.setting_value("prefer_direct") is True
        self.nonhierarchical_direct = config.setting_value("nonhierarchical_direct") is not False
        tries = config.setting_value("forward_max_tries")
        self.forward_max_tries = tries if isinstance(tries, int) and tries > 0 else 25
        self.relaxed_methods = config.setting_value("relaxed_header_parser") is not False
        self.pinger = config.setting_value("pinger_enable") is not False
        self.netdb_saved = str(config.setting_value("netdb_filename")) != "none"
        rtt = config.setting_value("minimum_direct_rtt")
        self.minimum_direct_rtt = rtt if isinstance(rtt, int) else 400
        self.notes_possible = _notes_possible(config)
        self.state = RouterState(rr_count=_rr_start(self.peers, rr_start),
                                 pinged=set(netdb_hosts))
        self._rr_mode = rr_start

    # --- names ---------------------------------------------------------------------------------

    def _resolve(self, name: str) -> _Peer:
        found = self._by_name.get(c_lower(name))
        if found is None:
            known = quoted_names([p.name for p in self.peers]) or "none"
            raise UnknownPeer(f"no cache_peer named '{name}' (peers: {known})")
        return found

    def peer(self, name: str) -> CachePeer:
        return self._resolve(name).peer

    # --- one request ---------------------------------------------------------------------------

    def decide(self, request: ForwardRequest, *, remember: bool = True) -> Decision:
        """The forwarding decision for ``request``; with ``remember`` (the default) the state
        Squid keeps (round-robin counters, netdb) is updated as Squid would."""
        port = receiving_port(self.ports, request)
        own = origin_form_internal(request.target, port)
        if own:
            self.state.served += 1
            return Decision(request.target, request.method, None, None, (Outcome((), local=own),))
        try:
            uri = parse(carp_request(request, port))
        except NotRoutable as exc:
            return Decision(request.target, request.method, None, exc.reason, status=exc.status)
        facts = Facts(request.method, uri, request.client,
                      port.number if port else None, port.address if port else None,
                      port.name if port else None, request.at,
                      request.notes if request.notes is not None
                      else (() if not self.notes_possible else None),
                      self.hosts, self.relaxed_methods)
        state = self.state
        if request.when is not None and state.first_when is None:
            state.first_when = request.when
        try:
            runs = explore(lambda chooser: _Run(self, request, port, uri, facts, chooser).go())
        except TooManyUnknowns as exc:
            return Decision(request.target, request.method, uri, f"undecidable: {exc}")
        outcomes = [Outcome(tuple(e.result.hops[: self.forward_max_tries]),
                            tuple(Assumption(c.key, c.value, c.reason, c.at,
                                             c.phrases[0] if c.value else c.phrases[1])
                                  for c in e.choices),
                            tuple(e.result.caveats), e.result.direct_reason,
                            e.result.direct_at, e.result.local) for e in runs]
        if len({(tuple((h.peer, h.hier) for h in o.forwarding), bool(o.local))
                for o in outcomes}) == 1:
            # the unknowns do not change where the request goes (only, maybe, why)
            only = outcomes[0]
            outcomes = [Outcome(only.forwarding, (), only.caveats, only.direct, only.direct_at,
                                only.local)]
        first = runs[0].result
        decision = Decision(request.target, request.method, uri, None, tuple(outcomes),
                            first.ranking, first.carp_owner)
        if remember:
            self._remember(runs, uri)
        return decision

    def _remember(self, runs: list[Explored[_Run]], uri: Uri) -> None:
        state = self.state
        increments = {tuple(sorted(r.result.rr_increments.items())) for r in runs}
        if len(increments) > 1 and state.rr_uncertain_since is None:
            state.rr_uncertain_since = state.served
        elif len(increments) == 1:
            for name, step in dict(next(iter(increments))).items():
                state.rr_count[name] = state.rr_count.get(name, 0) + step
        if all(r.result.hops for r in runs):
            host = uri.host.decode("latin-1")
            from squidcarp.forward.hosts import canonical

            if canonical(host) is not None or self.hosts.addresses(host) is not None:
                state.pinged.add(host)
            else:
                state.maybe_pinged.add(host)
        state.served += 1

    def decide_all(self, requests: Iterable[ForwardRequest]) -> Iterable[Decision]:
        for r in requests:
            yield self.decide(r)


def _config_hosts(config: SquidConfig) -> HostsTable:
    path = config.setting_value("hosts_file")
    if not isinstance(path, str) or path == "none":
        return HostsTable()
    from squidcarp.forward.hosts import load_hosts

    try:
        return load_hosts(path)
    except OSError:
        return HostsTable(path)


def _notes_possible(config: SquidConfig) -> bool:
    """Whether anything in the config can annotate a request before peer selection."""
    return bool(config.helpers or config.external_acl_types) or any(
        d.keyword in ("note", "adaptation_meta") or (d.keyword == "acl" and len(d.words) > 1
                                                     and d.words[1].startswith("annotate_"))
        for d in config.directives)


def _rr_start(peers: tuple[_Peer, ...], mode: str) -> dict[str, int]:
    if mode == "reset":
        return {p.name: 1 for p in peers}
    if mode == "reconfigure":
        return {p.name: 0 for p in peers}
    # src/cache_cf.cc parse_peer -> peerClearRRStart(): the first event runs while only the
    # first peer is defined, so only it starts at 1.
    return {p.name: (1 if i == 0 else 0) for i, p in enumerate(peers)}


class _HashMethod:
    """sourcehash / userhash (src/peer_sourcehash.cc, src/peer_userhash.cc): CARP's arithmetic
    over one key hashed once (no accumulation between members), in weight order."""

    def __init__(self, members: list[_Peer], signed_char: bool) -> None:
        order = sorted(range(len(members)), key=lambda i: members[i].peer.weight)
        factors = load_factors(m.peer.weight for m in members)
        multipliers = load_multipliers(factors[i] for i in order)
        self.members = tuple((members[i], peer_hash(members[i].peer.name_bytes, signed_char),
                              multipliers[pos]) for pos, i in enumerate(order))
        self.signed_char = signed_char

    def __bool__(self) -> bool:
        return bool(self.members)

    def scores(self, key: bytes) -> list[tuple[_Peer, float]]:
        u = accumulate(key, 0, self.signed_char)
        return [(p, float(combine(u, h)) * m) for p, h, m in self.members]


class _Run:
    """One pass of peer selection under one set of answers to the unknowns."""

    def __init__(self, router: Router, request: ForwardRequest, port: Port | None, uri: Uri,
                 facts: Facts, chooser: Chooser) -> None:
        self.r = router
        self.request = request
        self.port = port
        self.uri = uri
        self.facts = facts
        self.chooser = chooser
        self.hops: list[Hop] = []
        self.caveats: list[Caveat] = []
        self._okay: dict[int, bool] = {}
        self.direct_reason = ""
        self.direct_at: Position | None = None
        self.ranking: Ranking | None = None
        self.carp_owner: Member | None = None
        self.carp_skipped: list[_Peer] = []
        self.rr_increments: dict[str, int] = {}
        self.local = ""

    # --- access lists ----------------------------------------------------------------------

    def check(self, lines: tuple[AccessLine, ...], fast: bool,
              empty: bool) -> tuple[bool, AccessLine | None]:
        """First matching line's action; no match: the opposite of the last line's; no lines:
        ``empty``. Returns (allowed, deciding line or None)."""
        for line in lines:
            if all(self.r.acls.matches(ref.name, self.facts, self.chooser, fast) != ref.negated
                   for ref in line.acls):
                return line.action == "allow", line
        if not lines:
            return empty, None
        return lines[-1].action != "allow", None

    # --- peers -----------------------------------------------------------------------------

    def neighbor_type(self, p: _Peer) -> PeerType:
        host = self.uri.host.decode("latin-1")
        for domain, kind in p.types:
            if domain_match(host, domain):
                return kind
        return p.peer.type

    def allowed(self, p: _Peer) -> tuple[bool, str, Position | None]:
        """``peerAllowedToUse``: (allowed, why not, the line that decided)."""
        peer = p.peer
        if (peer.connection.originserver and self.request.method == "CONNECT"
                and self.uri.port != peer.http_port):
            return False, f"originserver {peer.name} serves port {peer.http_port} only", None
        if not p.access:
            return True, "", None
        ok, line = self.check(p.access, True, True)
        if line is None:
            last = p.access[-1]
            where = last.directive.pos
            why = (f"no cache_peer_access line for {peer.name} matches: the implicit rule is the "
                   f"opposite of the last line's '{last.action}' ({where.file}:{where.line})")
            return ok, why, last.directive.pos
        return ok, f"cache_peer_access {peer.name} {line.action} " + " ".join(
            ("!" if a.negated else "") + a.name for a in line.acls), line.directive.pos

    def okay(self, p: _Peer) -> bool:
        """``peerHTTPOkay``: allowed and up (connection slots are assumed free). Squid checks
        a peer several times per request; the answer is the same each time, so it is kept."""
        known = self._okay.get(p.index)
        if known is None:
            known = self._okay[p.index] = self.allowed(p)[0] and p.name not in self.r.down
        return known

    def add(self, p: _Peer | None, code: str, reason: str, at: Position | None = None) -> None:
        name = None if p is None else p.name
        if any(h.peer == name for h in self.hops):
            return  # PeerSelector::addSelection: one entry per destination
        self.hops.append(Hop(name, code, reason, at))

    # --- the procedure ---------------------------------------------------------------------

    def go(self) -> _Run:
        r = self.r
        self.local = served_locally(self.uri, r.identity, self.chooser)
        if self.local:
            return self
        direct, why, at = self.direct()
        self.direct_reason, self.direct_at = why, at
        self.carp_pick()
        if direct != "yes" and self.request.method != "CONNECT":
            self.neighbor_queries(direct)
        if direct == "yes":
            self.some_direct(why, at)
        elif direct == "no":
            self.some_parent()
            self.all_parents()
        else:
            hier_ok, hier_why = hierarchical(self.request, self.uri, self.port, True)
            if r.prefer_direct:
                self.some_direct("prefer_direct on: DIRECT first", None)
            if hier_ok or not r.nonhierarchical_direct:
                self.some_parent()
                self.all_parents()
            if not r.prefer_direct:
                reason = ("direct allowed (no always_direct/never_direct rule forces a choice)"
                          if hier_ok or not r.nonhierarchical_direct
                          else f"non-hierarchical request ({hier_why}): nonhierarchical_direct "
                               "on sends it direct")
                self.some_direct(reason, None)
        return self

    def direct(self) -> tuple[str, str, Position | None]:
        r = self.r
        if r.always_direct:
            ok, line = self.check(r.always_direct, False, False)
            if ok:
                return "yes", _rule_text(line, r.always_direct), _pos(line, r.always_direct)
        if r.never_direct:
            ok, line = self.check(r.never_direct, False, False)
            if ok:
                return "no", _rule_text(line, r.never_direct), _pos(line, r.never_direct)
        port = self.port
        if port is not None and port.accel and self.request.target.startswith(b"/") \
                and not port.allow_direct:
            return "no", f"accelerated request on {port.directive} {port.name} without " \
                         "allow-direct", port.pos
        if self.request.loop:
            return "yes", "forwarding loop detected (Via names this Squid)", None
        verdict = self.netdb()
        if verdict is not None:
            return "yes", verdict, None
        return "maybe", "", None

    def netdb(self) -> str | None:
        """``checkNetdbDirect``: why netdb sends the request direct, or None."""
        r = self.r
        if r.minimum_direct_rtt < 1:
            return None  # "myrtt && myrtt <= minimum_direct_rtt" never holds
        host = self.uri.host.decode("latin-1")
        rule = f"within minimum_direct_rtt ({r.minimum_direct_rtt} ms)"
        if host in r.state.pinged and not r.pinger:
            return (f"netdb: an earlier request was forwarded to {host}, and Squid 5.7 starts "
                    f"every netdb entry with an RTT of 1 ms, {rule}")
        if host in r.state.pinged or host in r.state.maybe_pinged or r.netdb_saved:
            why = ("the pinger measures its RTT" if host in r.state.pinged else
                   "only DNS says whether the earlier request to it made a netdb entry"
                   if host in r.state.maybe_pinged else
                   "netdb_filename may hold an entry for it from an earlier run")
            if self.chooser.choose(
                    f"netdb RTT of {host}", why, None,
                    (f"netdb has an RTT to {host} {rule}",
                     f"netdb has no RTT to {host} {rule}")):
                return f"netdb: its RTT to {host} is {rule}"
        return None

    def neighbor_queries(self, direct: str) -> None:
        """``selectSomeNeighbor``: cache digests and ICP/HTCP queries come before every method
        below (src/peer_select.cc, neighbors.cc ``peerWouldBePinged``,
        ``neighborsDigestSelect``). Their answers are not modelled: say when they apply."""
        hier_ok = hierarchical(self.request, self.uri, self.port, True)[0]
        if hier_ok:
            digests = [p.name for p in self.r.peers if not p.peer.queries.no_digest
                       and p.peer.type is not PeerType.MULTICAST and self.allowed(p)[0]]
            if digests:
                self.caveats.append(Caveat("cache digests", (
                    f"Squid looks the URL up in the digests of {', '.join(digests)} first; a hit "
                    "there is used before this list (CD_PARENT_HIT/CD_SIBLING_HIT); add "
                    "no-digest to rule this out")))
        if not hier_ok and direct != "no":
            return
        asked = [p.name for p in self.r.peers
                 if p.peer.icp_port not in (None, 0) and not p.peer.queries.no_query
                 and not p.peer.queries.multicast_responder
                 and (p.peer.type is not PeerType.SIBLING or hier_ok) and self.allowed(p)[0]]
        if asked:
            self.caveats.append(Caveat("ICP/HTCP replies", (
                f"Squid queries {', '.join(asked)} first; a HIT, or a parent's MISS, is used "
                "before this list (PARENT_HIT, SIBLING_HIT, FIRST_PARENT_MISS...); no-query or "
                "ICP port 0 rules this out")))

    def some_direct(self, reason: str, at: Position | None) -> None:
        if self.uri.scheme == b"wais":
            return
        self.add(None, hier.HIER_DIRECT, reason, at)

    def carp_pick(self) -> None:
        """``carpSelectParent`` (run once: the ranking is reported even when it is unused).

        Members are visited in Squid's order; one is checked for use (``peerHTTPOkay``) only
        when its score beats the best so far, as Squid does. The members that outscored the
        winner but could not be used are remembered: they are why the winner won."""
        r = self.r
        if r.carp is None:
            return
        _, evaluation = r.carp.evaluate(self.uri)
        unusable: set[str] = set()
        best: Member | None = None
        high = 0.0
        for s in evaluation:
            p = r._carp_peers[s.member.label]
            if s.score > high:
                if self.okay(p):
                    best, high = s.member, s.score
                else:
                    unusable.add(s.member.label)
        for s in evaluation:
            label = s.member.label
            if label not in unusable and not self.okay(r._carp_peers[label]):
                unusable.add(label)
        self.carp_owner = best
        self.ranking = r.carp.ranking_of(self.uri, evaluation, frozenset(unusable))
        self.carp_skipped = [r._carp_peers[e.member.label] for e in self.ranking.entries
                             if e.eligible and e.down and (best is None or e.score > high)]

    def why_not(self, p: _Peer) -> tuple[str, Position | None]:
        if p.name in self.r.down:
            return f"{p.name} is down", None
        _, why, at = self.allowed(p)
        return why, at

    def some_parent(self) -> None:
        r = self.r
        if r.sourcehash:
            picked = self._hash_pick(r.sourcehash, self._client_key())
            if picked is not None:
                self.add(picked, hier.SOURCEHASH_PARENT, f"sourcehash of client "
                         f"{self.request.client}")
                return
        if r.userhash and self.request.user:
            picked = self._hash_pick(r.userhash, self.request.user.encode("utf-8",
                                                                           "surrogateescape"))
            if picked is not None:
                self.add(picked, hier.USERHASH_PARENT, f"userhash of user {self.request.user}")
                return
        if self.carp_owner is not None:
            p = r._carp_peers[self.carp_owner.label]
            reason, at = "CARP: the highest score", p.peer.pos
            if self.carp_skipped:
                skipped = [(q.name, *self.why_not(q)) for q in self.carp_skipped]
                reason = "CARP: the highest score of the members Squid may use; " + "; ".join(
                    f"{name} scores higher but {why}" + (f" ({w.file}:{w.line})" if w else "")
                    for name, why, w in skipped)
                at = next((w for _, _, w in skipped if w is not None), at)
            self.add(p, hier.CARP, reason, at)
            return
        for method in (self._round_robin, self._weighted_round_robin, self._first_up,
                       self._default):
            if method():
                return

    def _client_key(self) -> bytes | None:
        client = self.request.client
        if client is None:
            return None
        from squidcarp.forward.hosts import canonical

        return (canonical(client) or client).encode()

    def pick_one(self, what: str, candidates: list[_Peer], reason: str) -> _Peer:
        """One of ``candidates`` when the tool cannot know which: each becomes an outcome."""
        for p in candidates[:-1]:
            if self.chooser.choose(f"{what} picks {p.name}", reason, None,
                                   (f"{what} picks {p.name}", f"{what} does not pick {p.name}")):
                return p
        return candidates[-1]

    def _hash_pick(self, method: _HashMethod, key: bytes | None) -> _Peer | None:
        if key is None:
            usable = [p for p, _ in method.scores(b"") if self.okay(p)]
            if not usable:
                return None
            return self.pick_one("sourcehash", usable, "sourcehash parents hash the client "
                                 "address (give --client)")
        best: _Peer | None = None
        high = 0.0
        for p, score in method.scores(key):
            if score > high and self.okay(p):
                best, high = p, score
        return best

    def _rr_counts(self) -> dict[str, int] | None:
        state = self.r.state
        if state.rr_uncertain_since is not None:
            return None
        if self.request.when is not None and state.first_when is not None and \
                self.request.when - state.first_when >= RR_RESET_SECONDS:
            return None
        return state.rr_count

    def _round_robin(self) -> bool:
        """``getRoundRobinParent``: the lowest rr_count/weight among round-robin parents allowed
        and up; a later peer wins a tie."""
        candidates = [p for p in self.r.peers if p.peer.selection.round_robin
                      and self.neighbor_type(p) is PeerType.PARENT and self.okay(p)]
        if not candidates:
            return False
        counts = self._rr_counts()
        if counts is None:
            pick = self.pick_one("round-robin", candidates, "its counters are unknown after an "
                                 "undecided request, or Squid's five-minute reset has run")
            self.add(pick, hier.ROUNDROBIN_PARENT, "round-robin (counters unknown)",
                     pick.peer.pos)
            return True
        q = candidates[0]
        for p in candidates[1:]:
            qc, pc = counts.get(q.name, 0), counts.get(p.name, 0)
            if p.peer.weight == q.peer.weight:
                if qc < pc:
                    continue
            elif qc / q.peer.weight < pc / p.peer.weight:
                continue
            q = p
        self.rr_increments[q.name] = self.rr_increments.get(q.name, 0) + 1
        self.add(q, hier.ROUNDROBIN_PARENT, f"round-robin: {q.name} has served the fewest "
                 f"requests for its weight ({counts.get(q.name, 0)} so far)", q.peer.pos)
        return True

    def _weighted_round_robin(self) -> bool:
        """``getWeightedRoundRobinParent``: the lowest rr_count (a later peer wins a tie); the
        count grows by the peer's RTT (from ICP replies) less ``basetime``, over its weight, at
        least 1."""
        candidates = [p for p in self.r.peers if p.peer.selection.weighted_round_robin
                      and self.neighbor_type(p) is PeerType.PARENT and self.okay(p)]
        if not candidates:
            return False
        counts = self._rr_counts()
        icp = [p.name for p in candidates if p.peer.icp_port not in (None, 0)
               and not p.peer.queries.no_query]
        if counts is None or icp:
            why = (f"ICP replies from {', '.join(icp)} set the RTT it weighs by" if icp else
                   "its counters are unknown")
            pick = self.pick_one("weighted round-robin", candidates, why)
            self.add(pick, hier.ROUNDROBIN_PARENT, f"weighted round-robin ({why})",
                     pick.peer.pos)
            return True
        q = candidates[0]
        for p in candidates[1:]:
            if counts.get(q.name, 0) < counts.get(p.name, 0):
                continue
            q = p
        # RTT 0 (no ICP replies ever updated it): (0 - basetime) / weight, at least 1.
        step = max(1, int((0 - (q.peer.queries.basetime or 0)) / q.peer.weight))
        self.rr_increments[q.name] = self.rr_increments.get(q.name, 0) + step
        self.add(q, hier.ROUNDROBIN_PARENT, f"weighted round-robin: {q.name} has the lowest "
                 "count", q.peer.pos)
        return True

    def _first_up(self) -> bool:
        for p in self.r.peers:
            if p.name in self.r.down or self.neighbor_type(p) is not PeerType.PARENT:
                continue
            if self.okay(p):
                why = "no selection method picked a parent"
                if self.r.carp is not None:
                    why = ("CARP picked no member (no member it may use has a score above 0)"
                           if self.carp_owner is None else why)
                self.add(p, hier.FIRSTUP_PARENT, f"{why}: the first parent that is up and "
                         "allowed", p.peer.pos)
                return True
        return False

    def _default(self) -> bool:
        p = self._default_parent()
        if p is None:
            return False
        self.add(p, hier.DEFAULT_PARENT, "the default parent", p.peer.pos)
        return True

    def _default_parent(self) -> _Peer | None:
        for p in self.r.peers:
            if (self.neighbor_type(p) is PeerType.PARENT and p.peer.selection.default
                    and self.okay(p)):
                return p
        return None

    def all_parents(self) -> None:
        """``selectAllParents``: every parent allowed and up, then the default parent."""
        for p in self.r.peers:
            if self.neighbor_type(p) is PeerType.PARENT and self.okay(p):
                self.add(p, hier.ANY_OLD_PARENT, "another parent that is up and allowed",
                         p.peer.pos)
        d = self._default_parent()
        if d is not None:
            self.add(d, hier.DEFAULT_PARENT, "the default parent, as a last resort", d.peer.pos)


def _rule_text(line: AccessLine | None, lines: tuple[AccessLine, ...]) -> str:
    if line is not None:
        return f"{line.name} {line.action} " + " ".join(
            ("!" if a.negated else "") + a.name for a in line.acls)
    last = lines[-1]
    return (f"{last.name}: no line matches, so the implicit rule is the opposite of the "
            f"last line's '{last.action}'")


def _pos(line: AccessLine | None, lines: tuple[AccessLine, ...]) -> Position:
    return (line if line is not None else lines[-1]).directive.pos

