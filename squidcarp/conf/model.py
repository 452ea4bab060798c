"""The typed squid.conf model: frozen dataclasses that every other stage reads.

Stage order (one module each):
``source`` (physical lines) -> ``lexer`` (logical lines, tokens with positions) ->
``preprocess`` (macros, if/else/endif, include) -> ``peer`` / ``directives`` (typed objects) ->
``render`` (back to text).

Every object keeps the :class:`Position` of the text it came from, so a diagnostic can point at the
exact token, and rendering can rewrite single tokens without touching anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple, Protocol

from squidcarp.conf.words import WordTable, plain_word, plain_words
from squidcarp.libc import c_lower

if TYPE_CHECKING:
    from squidcarp.conf.lexer import LogicalLine


class FrozenModel:
    """Equality, hashing and ``repr`` shared by every frozen dataclass of the model.

    Each model class is ``@dataclass(frozen=True, eq=False, repr=False)`` on this base (with
    ``slots=True`` for those the reader makes one of per line, such as :class:`CachePeer`: a
    slotted instance is a fifth of the memory of one with a ``__dict__``):
    a frozen dataclass all the same (``dataclasses.fields``/``replace`` work, assignment raises
    ``FrozenInstanceError``), but these three methods are written once here instead of being
    generated and compiled for every class at import, which is a third of the cost of defining
    a dataclass. They mean what the generated ones mean: same class and equal fields in order
    (fields with ``compare=False`` left out), the hash of those fields, and
    ``Class(field=value, ...)`` over the ``repr=True`` fields.
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _values(self, _COMPARED) == _values(other, _COMPARED)

    def __hash__(self) -> int:
        return hash(_values(self, _COMPARED))

    def __repr__(self) -> str:
        names = _field_names(type(self), _SHOWN)
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({shown})"


_COMPARED, _SHOWN = "compare", "repr"
_FIELD_NAMES: dict[tuple[type, str], tuple[str, ...]] = {}


def _field_names(cls: type, flag: str) -> tuple[str, ...]:
    key = (cls, flag)
    names = _FIELD_NAMES.get(key)
    if names is None:
        names = tuple(f.name for f in fields(cls) if getattr(f, flag))
        _FIELD_NAMES[key] = names
    return names


def _values(obj: FrozenModel, flag: str) -> tuple[object, ...]:
    return tuple(getattr(obj, name) for name in _field_names(type(obj), flag))


class Position(NamedTuple):
    """A place in a config file: 1-based line and column (column counts characters).

    A named tuple rather than a dataclass: the reader makes one per token, and tuples are several
    times cheaper to build; they are immutable and order by (file, line, column) all the same.
    """

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Token(NamedTuple):
    """One word of a directive line, after macro expansion (a named tuple, like Position).

    ``text`` is the value Squid sees (quotes removed and escapes applied when
    ``configuration_includes_quoted_values`` is on). ``raw`` is the exact source spelling and
    ``pos`` where it starts; a token split by a ``\\`` continuation reports the position of its
    first character.
    """

    text: str
    pos: Position
    raw: str = ""
    quoted: bool = False

    @property
    def raw_or_text(self) -> str:
        return self.raw or self.text


class _ArgSource(Protocol):
    """Where a :class:`Directive` gets its tokens when first asked (the lexer's logical line)."""

    def plain_tokens(self, start: int, words: tuple[str, ...] | None = None) -> list[Token]: ...

    def plain_token(self, start: int, index: int) -> Token: ...


class _OwnLine:
    """The ``source`` of a directive whose logical line is its own ``text`` as it stands in
    the file (one record, nothing joined or expanded: most lines): that line is made from the
    directive's text, file, line and column when it is asked for, instead of being kept beside
    every directive (see bench/scale_bench.py)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "OWN_LINE"


OWN_LINE = _OwnLine()


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class Directive(FrozenModel):
    """A logical line Squid would hand to a directive parser (active, after if/else/include).

    ``keyword`` is the directive name as written and ``file``, ``line``, ``column`` where it
    starts; ``words`` are the argument values as Squid reads them; ``args`` are the same words
    as :class:`Token` objects with their positions, and :attr:`name` the name as one. Most lines
    are read with plain blank splitting, and for those the tokens (one position each) are made
    each time something asks for them and not kept: the reader and the rules compare words,
    positions are needed only to report, and a token and its position cost more memory than
    the word itself (see bench/scale_bench.py).
    """

    keyword: str
    kept_words: tuple[str, ...] | None = field(compare=False)
    """:attr:`words` as the reader keeps them: None for a ``cache_peer`` or ``acl`` line
    (:meth:`hold_words`), whose words are split from its text when asked for."""
    text: str
    """The logical line as Squid echoes it in ``Processing:`` (macros expanded, blanks trimmed)."""
    include_stack: tuple[Position, ...] = ()
    """Positions of the ``include`` lines that led here, outermost first."""
    file: str = ""
    line: int = 0
    column: int = 0
    source: _ArgSource | _OwnLine | None = field(default=None, compare=False, repr=False)
    """The logical line ``args`` are cut from on first use (:data:`OWN_LINE`: the directive's
    own text, see :meth:`logical_line`)."""
    start: int = field(default=0, compare=False, repr=False)
    """Offset in ``source`` where the arguments begin."""
    tokens: tuple[Token, ...] | None = field(default=None, compare=False, repr=False)
    """The tokens when the lexer made them up front (quoted values, ``parameters()``); None for
    a plain line, whose tokens :attr:`args` cuts from ``source``."""

    @classmethod
    def lazy(cls, keyword: str, words: tuple[str, ...] | None, text: str,
             include_stack: tuple[Position, ...], file: str, line: int, column: int,
             source: _ArgSource | _OwnLine, start: int) -> Directive:
        """A directive whose tokens are cut from ``source`` on first use.

        The reader makes one per config line, so this fills the slots directly instead of going
        through the frozen ``__init__`` (``object.__setattr__`` and a check per field); the
        result is the same object ``__init__`` would make.
        """
        directive = object.__new__(cls)
        _DIRECTIVE_KEYWORD(directive, keyword)
        _DIRECTIVE_KEPT_WORDS(directive, words)
        _DIRECTIVE_TEXT(directive, text)
        _DIRECTIVE_STACK(directive, include_stack)
        _DIRECTIVE_FILE(directive, file)
        _DIRECTIVE_LINE(directive, line)
        _DIRECTIVE_COLUMN(directive, column)
        _DIRECTIVE_SOURCE(directive, source)
        _DIRECTIVE_START(directive, start)
        _DIRECTIVE_TOKENS(directive, None)
        return directive

    @classmethod
    def of(cls, name: Token, args: tuple[Token, ...], text: str,
           include_stack: tuple[Position, ...] = ()) -> Directive:
        """A directive whose tokens are already known."""
        file, line, column = name.pos
        return cls(name.text, tuple(a.text for a in args), text, include_stack, file, line,
                   column, tokens=tuple(args))

    @property
    def words(self) -> tuple[str, ...]:
        """The argument values as Squid reads them."""
        words = self.kept_words
        if words is None:  # released: split again, as the reader did
            return plain_words(self.text, self.start)
        return words

    def word(self, index: int) -> str:
        """``words[index]``, without splitting the rest of a line whose words were let go."""
        kept = self.kept_words
        if kept is not None:
            return kept[index]
        word = plain_word(self.text, self.start, index) if index >= 0 else None
        return self.words[index] if word is None else word  # (past the end: IndexError)

    def hold_words(self, table: WordTable | None = None) -> None:
        """Keep :attr:`words` until :meth:`release_words` (split through ``table`` when given,
        so repeated words are one string). The reader makes the directives of the line kinds
        a config holds by the hundred thousand (``cache_peer``, ``acl``) without their words
        and holds them only while it builds that line's model, so a 1M-line config never holds
        every line's words at once (see bench/scale_bench.py)."""
        if self.kept_words is None and self.tokens is None and self.source is not None:
            _DIRECTIVE_KEPT_WORDS(self, plain_words(self.text, self.start, table))

    def release_words(self) -> None:
        """Stop keeping :attr:`words` of a plain line; they are split from :attr:`text` again
        when asked for. The reader does this once it has built a line's model (a
        :class:`CachePeer`, an ACL record), which keeps what the rules read. The words read
        the same before and after: only whether they are kept changes (a line whose tokens
        the lexer made up front keeps its words)."""
        if self.tokens is None and self.source is not None:
            _DIRECTIVE_KEPT_WORDS(self, None)

    @property
    def args(self) -> tuple[Token, ...]:
        """The arguments as tokens with their positions (for a plain line, made anew on each
        call: read :attr:`words` where positions are not needed)."""
        tokens = self.tokens
        if tokens is not None:
            return tokens
        source = self.logical_line()
        return tuple(source.plain_tokens(self.start, self.words)) if source else ()

    def arg(self, index: int) -> Token:
        """Argument ``index`` (from 0) as a token: ``args[index]`` without making the others."""
        tokens = self.tokens
        if tokens is not None:
            return tokens[index]
        source = self.logical_line()
        if source is None:
            raise IndexError(index)
        return source.plain_token(self.start, index)

    def logical_line(self) -> _ArgSource | None:
        """The logical line the arguments are cut from (made anew for :data:`OWN_LINE`)."""
        source = self.source
        return self.own_line() if isinstance(source, _OwnLine) else source

    def own_line(self) -> LogicalLine:
        """The logical line of a directive read from its own line (:data:`OWN_LINE`): its text
        as it stands at its file, line and column."""
        from squidcarp.conf.lexer import LogicalLine  # (the lexer builds on this module)

        return LogicalLine(self.file, self.text, self.line, self.line, self.column)

    @property
    def pos(self) -> Position:
        return Position(self.file, self.line, self.column)

    @property
    def name(self) -> Token:
        """The directive name as a token (made on each call)."""
        return Token(self.keyword, self.pos, self.keyword)


def _slot_setter(cls: type, name: str) -> Callable[[object, object], None]:
    """The ``__set__`` of a slot: it writes the field without the frozen ``__setattr__``."""
    setter: Callable[[object, object], None] = cls.__dict__[name].__set__
    return setter


# Directive's slot setters: the reader's fast path (Directive.lazy).
_DIRECTIVE_KEYWORD = _slot_setter(Directive, "keyword")
_DIRECTIVE_KEPT_WORDS = _slot_setter(Directive, "kept_words")
_DIRECTIVE_TEXT = _slot_setter(Directive, "text")
_DIRECTIVE_STACK = _slot_setter(Directive, "include_stack")
_DIRECTIVE_FILE = _slot_setter(Directive, "file")
_DIRECTIVE_LINE = _slot_setter(Directive, "line")
_DIRECTIVE_COLUMN = _slot_setter(Directive, "column")
_DIRECTIVE_SOURCE = _slot_setter(Directive, "source")
_DIRECTIVE_START = _slot_setter(Directive, "start")
_DIRECTIVE_TOKENS = _slot_setter(Directive, "tokens")


class PeerType(str, Enum):
    """The neighbour type Squid ends up with (src/cache_cf.cc ``parseNeighborType``)."""

    PARENT = "parent"
    SIBLING = "sibling"
    MULTICAST = "multicast"


# Spellings Squid accepts for each type; anything else becomes a sibling with a WARNING.
PEER_TYPE_SPELLINGS: dict[str, PeerType] = {
    "parent": PeerType.PARENT,
    "sibling": PeerType.SIBLING,
    "neighbor": PeerType.SIBLING,
    "neighbour": PeerType.SIBLING,
    "multicast": PeerType.MULTICAST,
}


class CarpKeyPart(str, Enum):
    """``carp-key=`` parts, in the fixed order Squid concatenates them (src/carp.cc)."""

    SCHEME = "scheme"
    HOST = "host"
    PORT = "port"
    PATH = "path"
    PARAMS = "params"


class OptionSpec(NamedTuple):
    """What one option word of a ``cache_peer`` line is, without the line: a peer keeps these,
    and equal ones are one shared object (``carp`` as the 5th word of a thousand lines, and
    ``name=`` as the 7th, whatever each name is: a value is cut from its word when asked)."""

    word: int
    """Which of the line's words the option is (an index into ``Directive.words``)."""
    key: str
    value: str | None = None
    """The value when it is not the word's own text (``front-end-https`` alone means ``on``)."""
    known: bool = True
    start: int | None = None
    """Where in the word the value begins (``5`` for ``name=x``), or None: :attr:`value`."""

    def value_in(self, words: tuple[str, ...]) -> str | None:
        """The option's value on the line whose words are ``words``."""
        start = self.start
        return self.value if start is None else words[self.word][start:]


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class PeerOption(FrozenModel):
    """One option token of a ``cache_peer`` line, classified: an :class:`OptionSpec` with its
    line, made when :attr:`CachePeer.options` or :meth:`CachePeer.option` is read.

    The option keeps its line and the index of its word there, not the token itself: the token
    (with its position) is made when :attr:`token` is read, for a diagnostic or an edit.
    """

    directive: Directive = field(repr=False)
    index: int
    """Which of ``directive.words`` this option is."""
    key: str
    """The option keyword Squid matched (``weight``, ``carp``...) or the token text if unknown."""
    value: str | None = None
    known: bool = True

    @property
    def token(self) -> Token:
        return self.directive.arg(self.index)

    @property
    def text(self) -> str:
        """The option as written (after macros; unquoted when quoted values are on)."""
        return self.directive.words[self.index]


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class CarpKey(FrozenModel):
    """A parsed ``carp-key=`` value. ``parts`` is a set semantically; ``order`` keeps spelling."""

    parts: frozenset[CarpKeyPart]
    spelled: tuple[str, ...]
    token: Token

    def ordered(self) -> tuple[CarpKeyPart, ...]:
        return tuple(p for p in CarpKeyPart if p in self.parts)


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class TlsOptions(FrozenModel):
    """TLS sub-options of a peer (src/security/PeerOptions.cc), kept as given."""

    enabled: bool = False
    values: tuple[tuple[str, str | None], ...] = ()


NO_TLS = TlsOptions()  # what most peers have


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class PeerSelection(FrozenModel):
    """Peer selection methods of a ``cache_peer`` line other than ``carp``.

    This and the two groups below hold the options most lines leave at their defaults: a peer
    keeps one reference per group, and equal groups are one shared object (see
    bench/scale_bench.py), instead of some forty fields on every peer.
    """

    userhash: bool = False
    sourcehash: bool = False
    round_robin: bool = False
    weighted_round_robin: bool = False
    default: bool = False
    closest_only: bool = False


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class PeerQueries(FrozenModel):
    """What Squid asks the peer besides requests: ICP, HTCP, cache digests, netdb."""

    no_query: bool = False
    background_ping: bool = False
    no_digest: bool = False
    no_netdb_exchange: bool = False
    multicast_responder: bool = False
    multicast_siblings: bool = False
    htcp: bool = False
    htcp_modes: tuple[str, ...] = ()
    ttl: int | None = None
    basetime: int | None = None
    digest_url: str | None = None


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class PeerConnection(FrozenModel):
    """How Squid connects to the peer and what it sends there."""

    proxy_only: bool = False
    no_tproxy: bool = False
    allow_miss: bool = False
    originserver: bool = False
    no_delay: bool = False
    auth_no_keytab: bool = False
    connect_timeout: int | None = None
    connect_fail_limit: int | None = None
    max_conn: int | None = None
    standby: int | None = None
    forceddomain: str | None = None
    login: str | None = None
    connection_auth: str | None = None
    front_end_https: str | None = None
    tls: TlsOptions = NO_TLS


NO_SELECTION, NO_QUERIES, NO_CONNECTION = PeerSelection(), PeerQueries(), PeerConnection()


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class PeerKind(FrozenModel):
    """A ``cache_peer`` line's TYPE, HTTP-PORT and ICP-PORT (the fields after HOST)."""

    type_spelled: str
    type: PeerType
    http_port: int | None
    icp_port: int | None


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class PeerSettings(FrozenModel):
    """What a ``cache_peer`` line's options set, apart from its name."""

    weight: int = 1
    """Effective weight after Squid's clamp (a value < 1 becomes 1)."""
    weight_given: int | None = None
    """The ``weight=`` value as written (last one wins), or None when absent."""
    carp: bool = False
    carp_key: CarpKey | None = None
    selection: PeerSelection = NO_SELECTION
    """The other selection methods (``default``, ``round-robin``, ``userhash``...)."""
    queries: PeerQueries = NO_QUERIES
    """ICP, HTCP, cache digest and netdb options."""
    connection: PeerConnection = NO_CONNECTION
    """How Squid connects to the peer and forwards to it."""
    option_specs: tuple[OptionSpec, ...] = ()
    """Every option word, in order, unknown ones included (read :attr:`CachePeer.options`)."""


DEFAULT_SETTINGS = PeerSettings()


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class CachePeer(FrozenModel):
    """One ``cache_peer`` line as Squid 5 understands it (src/cache_cf.cc ``parse_peer``).

    What the peers of an array have in common (type and ports, weight, options) is kept in two
    groups, :class:`PeerKind` and :class:`PeerSettings`, that equal peers share as one object
    each; a peer keeps its line, host and name beside them (see bench/scale_bench.py). Each
    field of the groups reads as the peer's own (``peer.weight``, ``peer.http_port``...).
    """

    directive: Directive
    host: str
    """HOST as typed (Squid lowercases it for connecting, but the default name keeps the case)."""
    kind: PeerKind
    name: str
    """The effective name: ``name=`` when given, else HOST as typed. CARP hashes these bytes."""
    explicit_name: str | None = None
    settings: PeerSettings = DEFAULT_SETTINGS

    @property
    def type_spelled(self) -> str:
        return self.kind.type_spelled

    @property
    def type(self) -> PeerType:
        return self.kind.type

    @property
    def http_port(self) -> int | None:
        return self.kind.http_port

    @property
    def icp_port(self) -> int | None:
        return self.kind.icp_port

    @property
    def weight(self) -> int:
        return self.settings.weight

    @property
    def weight_given(self) -> int | None:
        return self.settings.weight_given

    @property
    def carp(self) -> bool:
        return self.settings.carp

    @property
    def carp_key(self) -> CarpKey | None:
        return self.settings.carp_key

    @property
    def selection(self) -> PeerSelection:
        return self.settings.selection

    @property
    def queries(self) -> PeerQueries:
        return self.settings.queries

    @property
    def connection(self) -> PeerConnection:
        return self.settings.connection

    @property
    def option_specs(self) -> tuple[OptionSpec, ...]:
        return self.settings.option_specs

    @property
    def pos(self) -> Position:
        return self.directive.pos

    @property
    def options(self) -> tuple[PeerOption, ...]:
        """Every option, in order, for rules and rendering; unknown words are kept too (made on
        each call: :meth:`option` and :attr:`unknown_options` make only the ones asked for)."""
        return self._bound(self.option_specs)

    @property
    def unknown_options(self) -> tuple[PeerOption, ...]:
        return self._bound(s for s in self.option_specs if not s.known)

    def option(self, key: str) -> tuple[PeerOption, ...]:
        """All occurrences of option ``key`` (in order)."""
        specs = self.option_specs  # (rules ask several times per peer: most find nothing)
        return self._bound(s for s in specs if s.key == key and s.known) if any(
            s.key == key for s in specs) else ()

    def _bound(self, specs: Iterable[OptionSpec]) -> tuple[PeerOption, ...]:
        chosen = tuple(specs)
        if not chosen:  # (most calls: a peer's words are split again only when needed)
            return ()
        directive = self.directive
        words = directive.words
        return tuple(PeerOption(directive, spec.word, spec.key, spec.value_in(words), spec.known)
                     for spec in chosen)

    @property
    def name_bytes(self) -> bytes:
        """The bytes Squid hashes for this peer (config files are read as raw bytes)."""
        return self.name.encode("utf-8", "surrogateescape")

    @property
    def is_carp_member(self) -> bool:
        return self.carp and self.type is PeerType.PARENT


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class AccessRule(FrozenModel):
    """``cache_peer_access NAME allow|deny [!]acl...`` and other per-peer ACL lists."""

    directive: Directive
    action: str
    """``allow`` or ``deny``."""

    @property
    def peer(self) -> Token:
        """The peer name as written (the line's first argument)."""
        return self.directive.arg(0)

    @property
    def acls(self) -> tuple[Token, ...]:
        """The ``[!]ACL`` names after the action."""
        return self.directive.args[2:]


class AclRef(NamedTuple):
    """One ``[!]NAME`` of an access list: whether it is negated, the name, where it is written."""

    negated: bool
    name: str
    token: Token


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: FrozenModel
class AccessLine(FrozenModel):
    """One line of an access list Squid keeps (``aclParseAccessLine``): ``http_access``,
    ``icp_access``, ``cache_peer_access``, ``always_direct``... with its action and ACLs.

    Lines Squid drops (no ``allow``/``deny``, no ACL, an unknown peer) are not made. Like
    :class:`Directive`, a line keeps indices into its words and makes tokens only when asked.
    """

    directive: Directive
    action: str
    """``allow`` or ``deny``."""
    first: int
    """Index in ``directive.words`` of the first ACL name (after the action)."""
    peer: str | None = None
    """``cache_peer_access``: the effective name of the peer it names (``peerFindByName``)."""
    listed: tuple[Token, ...] | None = field(default=None, repr=False)
    """The ACL name tokens when some were read from a ``"file"`` (with their file positions)."""

    @classmethod
    def make(cls, directive: Directive, action: str, first: int, peer: str | None,
             listed: tuple[Token, ...] | None) -> AccessLine:
        """The reader's fast path (one per access line): the object ``__init__`` would make,
        filled in one step (as :meth:`Directive.lazy`)."""
        line = object.__new__(cls)
        line.__dict__.update(directive=directive, action=action, first=first, peer=peer,
                             listed=listed)
        return line

    @property
    def name(self) -> str:
        """The directive name as written (an alias stays an alias: ``http_access2``)."""
        return self.directive.keyword

    @cached_property
    def acls(self) -> tuple[AclRef, ...]:
        """The ``[!]NAME`` references in order."""
        tokens = self.listed if self.listed is not None else self.directive.args[self.first:]
        return tuple(AclRef(t.text.startswith("!"), t.text[1:] if t.text.startswith("!")
                            else t.text, t) for t in tokens)


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: FrozenModel
class AclDefinition(FrozenModel):
    """One ``acl NAME TYPE [options] values...`` line as ``ACL::ParseAclLine`` splits it.

    ``type`` is the type after Squid's renames (``myip`` is ``localip``); ``options`` are the
    option and flag tokens (``-i``, ``-n``, ``-m=...``) in order; ``values`` the value tokens in
    order, the lines of a ``"file"`` the line names included (each with its file position).
    Tokens are made only when asked (the reader makes one definition per acl line).
    """

    directive: Directive
    type: str
    first: int
    """Index in ``directive.words`` of the first value (after the options)."""
    listed: tuple[Token, ...] | None = field(default=None, repr=False)
    """The value tokens when some were read from a ``"file"``."""

    @classmethod
    def make(cls, directive: Directive, type: str, first: int,
             listed: tuple[Token, ...] | None) -> AclDefinition:
        """The reader's fast path (one per acl line), as :meth:`AccessLine.make`."""
        definition = object.__new__(cls)
        definition.__dict__.update(directive=directive, type=type, first=first, listed=listed)
        return definition

    @property
    def name(self) -> Token:
        return self.directive.arg(0)

    @property
    def type_token(self) -> Token:
        return self.directive.arg(1)

    @property
    def options(self) -> tuple[Token, ...]:
        return self.directive.args[2:self.first]

    @property
    def values(self) -> tuple[Token, ...]:
        return self.listed if self.listed is not None else self.directive.args[self.first:]


AclRecord = tuple[Directive, str, int, "tuple[Token, ...] | None"]
"""The arguments of :meth:`AclDefinition.make`."""
AccessRecord = tuple[Directive, str, int, "str | None", "tuple[Token, ...] | None"]
"""The arguments of :meth:`AccessLine.make`."""


class MergedAcl(NamedTuple):
    """Every line of one ACL together (what ``ACL::FindByName`` finds)."""

    name: Token
    """The name as the first line spells it."""
    type: str
    options: tuple[Token, ...]
    values: tuple[Token, ...]
    lines: tuple[AclDefinition, ...]


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class NeighborTypeDomain(FrozenModel):
    directive: Directive
    peer: Token
    type: Token
    domains: tuple[Token, ...]


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class HttpPort(FrozenModel):
    """``http_port`` / ``https_port``: address, port and mode flags CARP key building needs."""

    directive: Directive
    address: str | None
    port: int | None
    accel: bool = False
    vhost: bool = False
    defaultsite: str | None = None
    options: tuple[Token, ...] = ()


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class HelperProgram(FrozenModel):
    """``url_rewrite_program``, ``store_id_program`` and friends."""

    directive: Directive
    kind: str
    argv: tuple[Token, ...]


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class HelperChildren(FrozenModel):
    """``*_children N [startup=] [idle=] [concurrency=] [queue-size=]
    [on-persistent-overload=]``."""

    directive: Directive
    kind: str
    max: int | None
    startup: int | None = None
    idle: int | None = None
    concurrency: int | None = None
    queue_size: int | None = None
    on_persistent_overload: str | None = None


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class ExternalAclType(FrozenModel):
    """``external_acl_type NAME [options] FORMAT... /path/to/helper [args]``."""

    directive: Directive
    name: Token
    options: tuple[tuple[str, str | None, Token], ...]
    formats: tuple[Token, ...]
    argv: tuple[Token, ...]


ScalarValue = int | float | bool | str | None
"""A setting's value: int, bool (``onoff``; tristate ``warn`` is None), float seconds for
times, int bytes for sizes (-1 for ``none``), str for the rest; None when Squid refuses it."""


@dataclass(frozen=True, eq=False, repr=False, slots=True)  # eq, hash, repr: FrozenModel
class Setting(FrozenModel):
    """A scalar directive (``icp_port 3130``, ``prefer_direct on``) with its typed value."""

    directive: Directive
    value: ScalarValue


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: FrozenModel
class SquidConfig(FrozenModel):
    """Everything squidcarp knows about one squid.conf after Squid's own reading of it."""

    directives: tuple[Directive, ...]
    peers: tuple[CachePeer, ...]
    peer_access: tuple[AccessRule, ...] = ()
    neighbor_type_domains: tuple[NeighborTypeDomain, ...] = ()
    http_ports: tuple[HttpPort, ...] = ()
    mcast_groups: tuple[Token, ...] = ()
    settings: tuple[tuple[str, Setting], ...] = ()
    """Last-wins scalar settings by directive name (icp_port, htcp_port, digest_*, *_direct...)."""
    access_lists: tuple[tuple[str, Directive], ...] = ()
    """always_direct / never_direct lines in order."""
    helpers: tuple[HelperProgram, ...] = ()
    helper_children: tuple[HelperChildren, ...] = ()
    external_acl_types: tuple[ExternalAclType, ...] = ()
    acl_records: tuple[AclRecord, ...] = field(default=(), compare=False, repr=False)
    """:attr:`acls` as the reader leaves them (a plain tuple per line: cheap to make)."""
    access_records: tuple[AccessRecord, ...] = field(default=(), compare=False, repr=False)
    """:attr:`access` likewise."""

    @cached_property
    def acls(self) -> tuple[AclDefinition, ...]:
        """Every ``acl`` line Squid reads, in config order."""
        make = AclDefinition.make
        return tuple(make(*record) for record in self.acl_records)

    @cached_property
    def access(self) -> tuple[AccessLine, ...]:
        """Every access-list line Squid keeps, in config order (all lists together)."""
        make = AccessLine.make
        return tuple(make(*record) for record in self.access_records)

    def setting(self, name: str) -> Setting | None:
        found: Setting | None = None
        for key, value in self.settings:
            if key == name:
                found = value
        return found

    def setting_value(self, name: str) -> ScalarValue:
        """The value Squid uses: the last line's (when Squid took it), else its default."""
        s = self.setting(name)
        if s is not None and s.value is not None:
            return s.value
        from squidcarp.conf.scalars import default_value  # the reader, only when asked

        return default_value(name)

    def access_list(self, name: str) -> tuple[AccessLine, ...]:
        """The lines of one access list in order (``http_access``, ``never_direct``...)."""
        return tuple(line for line in self.access if line.name == name)

    def acl(self, name: str) -> MergedAcl | None:
        """Every line of ACL ``name`` merged (``ACL::FindByName`` compares case-insensitively;
        Squid's predefined ACLs first): the first line's name and type, all options and values
        in order. None when no such ACL exists."""
        lines = self._acls_by_name.get(c_lower(name))
        if not lines:
            return None
        return MergedAcl(lines[0].name, lines[0].type,
                         tuple(t for a in lines for t in a.options),
                         tuple(t for a in lines for t in a.values), tuple(lines))

    @cached_property
    def _acls_by_name(self) -> dict[str, list[AclDefinition]]:
        """Each ACL's lines under its folded name, predefined ones first (made on the first
        :meth:`acl` call, which would otherwise fold every ACL's name on each call)."""
        from squidcarp.conf.acl.predefined import predefined  # only when asked

        index: dict[str, list[AclDefinition]] = {}
        for a in (*predefined(), *self.acls):
            index.setdefault(c_lower(a.directive.word(0)), []).append(a)
        return index

    def peer_named(self, name: str) -> CachePeer | None:
        """Find a peer the way Squid's ``peerFindByName`` does (case-insensitive; the first
        of two peers with one name)."""
        return self._peers_by_name.get(c_lower(name))

    @cached_property
    def _peers_by_name(self) -> dict[str, CachePeer]:
        index: dict[str, CachePeer] = {}
        for p in self.peers:
            index.setdefault(c_lower(p.name), p)
        return index

    @cached_property
    def carp_peers(self) -> tuple[CachePeer, ...]:
        """CARP members in config order (src/carp.cc ``carpInit``)."""
        return tuple(p for p in self.peers if p.is_carp_member)
