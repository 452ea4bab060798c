"""What the reader noticed while reading a config the way Squid does.

Every stage (lexer, preprocessor, directive typing) reports through :class:`ReadEvent` instead of
raising: a bad line is a fact about the config, never a traceback. Lint rules turn events into
diagnostics; ``squidcarp parse`` shows them as they are.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from squidcarp.conf.model import Position


class Squid(str, Enum):
    """How Squid 5.7 itself reacts to the event."""

    FATAL = "fatal"  # squid -k parse exits 1 (or crashes)
    ERROR = "error"  # an ERROR line, Squid carries on and exits 0
    WARNING = "warning"  # a WARNING line
    COUNTED = "counted"  # an 'unrecognized' line: added to the exit status
    SILENT = "silent"  # Squid says nothing


class Kind(str, Enum):
    # Lexical (src/cache_cf.cc parseOneConfigFile, src/ConfigParser.cc)
    LONG_LINE = "long-line"
    BACKSLASH_BLANK = "backslash-blank"
    CONTINUATION_AT_EOF = "continuation-at-eof"
    QUOTE_ERROR = "quote-error"
    STRICT_TOKEN = "strict-token"
    UNKNOWN_FUNCTION = "unknown-function"
    PARAMETERS_LITERAL = "parameters-literal"
    PARAMETERS_ERROR = "parameters-error"
    # Conditionals
    IF_EXPRESSION = "if-expression"
    IF_UNBALANCED = "if-unbalanced"
    IF_UNCLOSED = "if-unclosed"
    IF_REACTIVATES = "if-reactivates"
    # Includes
    INCLUDE_MISSING = "include-missing"
    INCLUDE_UNREADABLE = "include-unreadable"
    INCLUDE_DEPTH = "include-depth"
    INCLUDE_CYCLE = "include-cycle"
    INCLUDE_RELATIVE = "include-relative"
    INCLUDE_PIPE = "include-pipe"
    INCLUDE_DIRECTORY = "include-directory"
    # Directives
    UNKNOWN_DIRECTIVE = "unknown-directive"
    OBSOLETE_DIRECTIVE = "obsolete-directive"
    UNSUPPORTED_DIRECTIVE = "unsupported-directive"
    MISSING_VALUE = "missing-value"  # a directive without a word its parser requires
    SCALAR_VALUE = "scalar-value"  # numbers, ports, times, sizes, on/off words (parse_<type>)
    PORT_LINE = "port-line"  # http_port / https_port / ftp_port (parsePortCfg)
    HELPER_CHILDREN = "helper-children"  # *_children N [key=value] (Helper::ChildConfig)
    EXTERNAL_ACL = "external-acl"  # external_acl_type (parse_externalAclHelper)
    REGEX_QUOTED = "regex-quoted"  # a regular expression while quoted values are on
    ACL_LINE = "acl-line"  # an acl line's name or type (ACL::ParseAclLine)
    ACL_NOT_FOUND = "acl-not-found"  # an ACL name not defined above (ACL::FindByName)
    ACCESS_DROPPED = "access-dropped"  # an access line Squid drops (aclParseAccessLine)
    ACL_VALUE = "acl-value"  # src/acl/Acl.cc ParseAclLine: type, options, values
    ACL_FILE_MISSING = "acl-file-missing"
    # cache_peer (src/cache_cf.cc parse_peer)
    PEER_BUNGLED = "peer-bungled"
    PEER_NON_PARENT_METHOD = "peer-non-parent-method"
    PEER_CARP_KEY_ORDER = "peer-carp-key-order"
    PEER_CARP_KEY_INVALID = "peer-carp-key-invalid"
    PEER_HTCP_MODE = "peer-htcp-mode"
    PEER_MAXCONN_STANDBY = "peer-maxconn-standby"
    PEER_UNKNOWN_OPTION = "peer-unknown-option"
    PEER_UNKNOWN_TYPE = "peer-unknown-type"
    PEER_TLS = "peer-tls"
    PEER_DUPLICATE = "peer-duplicate"
    PEER_EMPTY_NAME = "peer-empty-name"
    PEER_UNKNOWN_REFERENCE = "peer-unknown-reference"


class ReadEvent(NamedTuple):
    """One thing the reader noticed (a named tuple, like Position: cheap and immutable)."""

    kind: Kind
    pos: Position
    message: str
    squid: Squid
    """What Squid 5.7 does about it."""
    end_column: int | None = None
    subject: str = ""
    """The word the event is about (directive name, option token...), for rules to inspect."""
