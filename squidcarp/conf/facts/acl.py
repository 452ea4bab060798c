"""ACL facts of Squid 5.7 as Debian builds it: the types, their options and flags, the predefined
ACLs, and every directive that reads a list of ACL names (src/AclRegs.cc, src/acl/*,
src/cf.data.pre, src/cache_cf.cc @ SQUID_5_7).
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple

from squidcarp.libc import c_lower

# src/cf.data.pre @ SQUID_5_7: every name (aliases included) with TYPE: acl_access, all parsed by
# aclParseAccessLine (allow|deny, then ACL names that must be defined above, else fatal
# "ACL not found"). cache_peer_access (TYPE: peer_access) reaches the same parser after its
# peer name. sslproxy_cert_error is compiled out of Debian's build (CONDITIONAL_DIRECTIVES).
ACCESS_DIRECTIVES: Final[frozenset[str]] = frozenset(
    {
        "adapted_http_access", "always_direct", "broken_posts", "cache",
        "collapsed_forwarding_access", "follow_x_forwarded_for",
        "force_request_body_continuation", "htcp_access", "htcp_clr_access", "http_access",
        "http_access2", "http_reply_access", "icap_retry", "icp_access", "ident_lookup_access",
        "miss_access", "never_direct", "no_cache", "proxy_protocol_access", "redirector_access",
        "send_hit", "server_pconn_for_nonretriable", "snmp_access", "spoof_client_ip",
        "sslproxy_cert_error", "stats_collection", "store_id_access", "store_miss",
        "storeurl_rewrite_access", "url_rewrite_access",
    }
)

class AclListSyntax(NamedTuple):
    """Where a directive's ACL list starts and whether it opens with ``allow``/``deny``."""

    fixed: int
    """Words the directive's own parser reads first (peer, header, service, value...);
    :data:`BYTES_VALUE` for a size with its optional unit."""
    action: bool
    """``aclParseAccessLine`` (``allow|deny`` then ACLs) rather than ``aclParseAclList``."""

BYTES_VALUE: Final = -1

# Every directive Debian's 5.7 parses an ACL list for (src/cf.data.pre TYPEs and their parsers in
# src/cache_cf.cc @ SQUID_5_7; every list ends in Acl::InnerNode::lineParse, where an ACL name
# not defined above is fatal, "ACL not found"):
# - acl_access (ACCESS_DIRECTIVES): parse_acl_access -> aclParseAccessLine;
# - peer_access: parse_peer_access reads the peer, then aclParseAccessLine;
# - http_header_access: parse_http_header_access reads the header name, then aclParseAccessLine;
# - adaptation_access_type / icap_access_type: Adaptation::Config::ParseAccess reads the service
#   (group) name, then AccessRule::parse -> aclParseAccessLine;
# - http_upgrade_request_protocols: HttpUpgradeProtocolAccess::configureGuard reads a protocol;
# - acl_address, acl_tos, acl_nfmark: parse_acl_address/_tos/_nfmark read a value, then
#   aclParseAclList; acl_b_size_t: parse_b_int64_t (a size and its unit), then aclParseAclList;
# - HeaderWithAclList, note (Notes::parse): a name and a value, then aclParseAclList;
# - AuthSchemes, on_unsupported_protocol: one word, then ParseAclWithAction;
# - ftp_epsv: parse_ftp_epsv takes "on"/"off" alone, anything else through aclParseAccessLine.
# Not here: delay_access / client_delay_access / response_delay_pool_access (their pool must
# exist, else the line is ignored unread), access_log / icap_log (options and a format first),
# and the OpenSSL-only ssl_bump / sslproxy_cert_* (compiled out of Debian's build).
ACL_LISTS: Final[dict[str, AclListSyntax]] = {
    **{name: AclListSyntax(0, True) for name in ACCESS_DIRECTIVES},
    "cache_peer_access": AclListSyntax(1, True),
    "request_header_access": AclListSyntax(1, True),
    "reply_header_access": AclListSyntax(1, True),
    "adaptation_access": AclListSyntax(1, True),
    "icap_access": AclListSyntax(1, True),
    "http_upgrade_request_protocols": AclListSyntax(1, True),
    **{name: AclListSyntax(1, False) for name in (
        "tcp_outgoing_address", "tcp_outgoing_tos", "tcp_outgoing_ds", "tcp_outgoing_dscp",
        "clientside_tos", "tcp_outgoing_mark", "mark_client_packet", "clientside_mark",
        "mark_client_connection", "auth_schemes", "on_unsupported_protocol")},
    "ftp_epsv": AclListSyntax(0, True),  # (parse_ftp_epsv: "on"/"off" alone read no list)
    "reply_body_max_size": AclListSyntax(BYTES_VALUE, False),
    "range_offset_limit": AclListSyntax(BYTES_VALUE, False),
    **{name: AclListSyntax(2, False) for name in (
        "note", "adaptation_meta", "request_header_add", "reply_header_add")},
}

# src/ConfigParser.cc ConfigParser::strtokFile() @ SQUID_5_7: when
# configuration_includes_quoted_values is off, a token starting with " or ' names a file whose
# lines (minus comments/blank lines, first word per line) are read as further tokens. It is reached
# through ACL data (ACL::ParseAclLine -> each ACL type's parse(); regex types go through
# RegexStrtokFile) and through ACL-name lists (aclParseAccessLine / aclParseAclList /
# ParseAclWithAction -> Acl::InnerNode::lineParse). These are the non-obsolete names (aliases
# included) whose cf.data.pre TYPE is one of: acl, acl_access, acl_address, acl_tos, acl_nfmark,
# acl_b_size_t, http_header_access, AuthSchemes, peer_access, access_log, adaptation_access_type,
# icap_access_type, sslproxy_cert_adapt, sslproxy_cert_sign, sslproxy_ssl_bump, HeaderWithAclList,
# ftp_epsv, on_unsupported_protocol, note, delay_pool_access, client_delay_pool_access,
# response_delay_pool_access, http_upgrade_request_protocols. Only the trailing ACL part is a
# list; leading fixed words (allow/deny, peer name, address, size, ...) are plain tokens.
# Verified with 5.7: http_access, cache_peer_access, tcp_outgoing_address, note,
# request_header_add, reply_body_max_size, access_log, http_upgrade_request_protocols and
# delay_access all accept "/path/file"; a missing file is only an ERROR and the whole rule line is
# dropped ("contains no ACL's, skipping"), exit status 0.
LIST_DIRECTIVES: Final[frozenset[str]] = frozenset(
    {
        "access_log",
        "acl",
        "adaptation_access",
        "adaptation_meta",
        "adapted_http_access",
        "always_direct",
        "auth_schemes",
        "broken_posts",
        "cache",
        "cache_access_log",
        "cache_peer_access",
        "client_delay_access",
        "clientside_mark",
        "clientside_tos",
        "collapsed_forwarding_access",
        "delay_access",
        "follow_x_forwarded_for",
        "force_request_body_continuation",
        "ftp_epsv",
        "htcp_access",
        "htcp_clr_access",
        "http_access",
        "http_access2",
        "http_reply_access",
        "http_upgrade_request_protocols",
        "icap_access",
        "icap_log",
        "icap_retry",
        "icp_access",
        "ident_lookup_access",
        "mark_client_connection",
        "mark_client_packet",
        "miss_access",
        "never_direct",
        "no_cache",
        "note",
        "on_unsupported_protocol",
        "proxy_protocol_access",
        "range_offset_limit",
        "redirector_access",
        "reply_body_max_size",
        "reply_header_access",
        "reply_header_add",
        "request_header_access",
        "request_header_add",
        "response_delay_pool_access",
        "send_hit",
        "server_pconn_for_nonretriable",
        "snmp_access",
        "spoof_client_ip",
        "ssl_bump",
        "sslproxy_cert_adapt",
        "sslproxy_cert_error",
        "sslproxy_cert_sign",
        "stats_collection",
        "store_id_access",
        "store_miss",
        "storeurl_rewrite_access",
        "tcp_outgoing_address",
        "tcp_outgoing_ds",
        "tcp_outgoing_dscp",
        "tcp_outgoing_mark",
        "tcp_outgoing_tos",
        "url_rewrite_access",
    }
)

# src/cf.data.pre @ SQUID_5_7 "NAME: acl" DEFAULT: lines (the ssl::* ones need OpenSSL): the
# ACLs Squid defines before it reads the config (an acl line reusing a name must keep its type).
PREDEFINED_ACL_LINES: Final[tuple[str, ...]] = (
    "all src all",
    "manager url_regex -i ^cache_object:// +i ^[^:]+://[^/]+/squid-internal-mgr/",
    "localhost src 127.0.0.1/32 ::1",
    "to_localhost dst 127.0.0.0/8 0.0.0.0/32 ::1/128 ::/128",
    "CONNECT method CONNECT",
)

#: Lower-cased name -> type of each predefined ACL.
PREDEFINED_ACLS: Final[dict[str, str]] = {
    c_lower(line.split()[0]): line.split()[1] for line in PREDEFINED_ACL_LINES}

# src/AclRegs.cc @ SQUID_5_7 (Acl::RegisterMaker): the ACL types Debian's 5.7 build has, and
# what an "acl NAME TYPE" line without values does when it creates the ACL (each verified with
# squid -k parse on 5.7): "empty" = "Warning: empty ACL" (it never matches), "fatal" = Squid
# stops (ACL::valid() or the type's parser), "crash" = an assertion aborts Squid, "ok" = silent.
ACL_TYPES: Final[dict[str, Literal["empty", "fatal", "crash", "ok"]]] = {
    "all-of": "ok", "any-of": "empty", "random": "fatal", "time": "ok", "src_as": "empty",
    "dst_as": "empty", "browser": "empty", "dstdomain": "empty", "dstdom_regex": "empty",
    "dst": "empty", "hier_code": "ok", "rep_header": "empty", "req_header": "empty",
    "http_status": "empty", "maxconn": "fatal", "method": "empty", "localip": "empty",
    "localport": "empty", "myportname": "empty", "peername": "empty",
    "peername_regex": "empty", "proto": "empty", "referer_regex": "empty",
    "rep_mime_type": "empty", "req_mime_type": "empty", "srcdomain": "empty",
    "srcdom_regex": "empty", "src": "empty", "url_regex": "empty", "urllogin": "empty",
    "urlpath_regex": "empty", "port": "empty", "external": "fatal", "squid_error": "empty",
    "connections_encrypted": "ok", "tag": "empty", "note": "crash", "annotate_client": "fatal",
    "annotate_transaction": "fatal", "has": "fatal", "transaction_initiator": "ok",
    "client_connection_mark": "fatal", "arp": "empty", "eui64": "empty", "ident": "empty",
    "ident_regex": "empty", "ext_user": "empty", "ext_user_regex": "empty",
    "proxy_auth": "empty", "proxy_auth_regex": "empty", "max_user_ip": "fatal",
    "adaptation_service": "empty", "snmp_community": "empty",
}

# src/hier_code.h @ SQUID_5_7 (USE_CACHE_DIGESTS is on in Debian's build): the words a hier_code
# ACL accepts, exactly (ACLHierCodeData::parse, strcmp; anything else: "No such hier_code").
HIER_CODES: Final[frozenset[str]] = frozenset(
    {"HIER_NONE", "HIER_DIRECT", "SIBLING_HIT", "PARENT_HIT", "DEFAULT_PARENT", "SINGLE_PARENT",
     "FIRSTUP_PARENT", "FIRST_PARENT_MISS", "CLOSEST_PARENT_MISS", "CLOSEST_PARENT",
     "CLOSEST_DIRECT", "NO_DIRECT_FAIL", "SOURCE_FASTEST", "ROUNDROBIN_PARENT", "CD_PARENT_HIT",
     "CD_SIBLING_HIT", "CARP", "ANY_OLD_PARENT", "USERHASH_PARENT", "SOURCEHASH_PARENT",
     "PINNED", "ORIGINAL_DST", "STANDBY_POOL"})

# Authentication schemes Debian's 5.7 builds (src/auth/*); an "auth_param SCHEME program ..."
# line makes one "configured", which proxy_auth ACLs require (ACLProxyAuth::valid).
AUTH_SCHEMES: Final[frozenset[str]] = frozenset({"basic", "digest", "negotiate", "ntlm"})

AUTH_ACL_TYPES: Final[frozenset[str]] = frozenset({"proxy_auth", "proxy_auth_regex"})

# Registered only #if USE_OPENSSL (src/AclRegs.cc): "FATAL: Invalid ACL type" on Debian's GnuTLS
# build.
ACL_OPENSSL_TYPES: Final[frozenset[str]] = frozenset(
    {"ssl_error", "user_cert", "ca_cert", "server_cert_fingerprint", "at_step",
     "ssl::server_name", "ssl::server_name_regex"})

# ACL options (src/acl/*: the options() of the ACL or its strategy) and whether they take a value
# (Acl::Option valueNone/valueOptional/valueRequired): DestinationDomain.cc and DestinationIp.cc
# "-n" (BooleanOption), Note.cc "-m" for note/annotate_* (CharacterSetOption, value optional),
# auth/AclMaxUserIp.cc "-s".
ACL_OPTIONS: Final[dict[str, dict[str, Literal["none", "optional", "required"]]]] = {
    "dstdomain": {"-n": "none"}, "dstdom_regex": {"-n": "none"}, "dst": {"-n": "none"},
    "note": {"-m": "optional"}, "annotate_client": {"-m": "optional"},
    "annotate_transaction": {"-m": "optional"}, "max_user_ip": {"-s": "none"},
}

# Parameter flags the type's data parses itself (supportedFlags(): RegexData.cc, UserData.cc):
# -i/+i, case-insensitive matching on and off.
_CASE_FLAGS = frozenset({"-i", "+i"})

ACL_FLAGS: Final[dict[str, frozenset[str]]] = {
    kind: _CASE_FLAGS for kind in (
        "browser", "dstdom_regex", "peername_regex", "referer_regex", "rep_mime_type",
        "req_mime_type", "srcdom_regex", "url_regex", "urllogin", "urlpath_regex", "ident",
        "ident_regex", "ext_user", "ext_user_regex", "proxy_auth", "proxy_auth_regex")
}

# src/AclRegs.cc @ SQUID_5_7: ACL types whose data is an ACLRegexData (req_header/rep_header:
# after the header name). Their parse() calls ConfigParser::RegexStrtokFile, which is fatal while
# configuration_includes_quoted_values is on ("Can not read regex expression ..."), even with no
# values; refresh_pattern (ConfigParser::RegexPattern) too. All verified on 5.7.
# (ssl::server_name_regex is an OpenSSL-only type.)
REGEX_ACL_TYPES: Final[frozenset[str]] = frozenset(
    {
        "browser", "dstdom_regex", "ext_user_regex", "ident_regex", "peername_regex",
        "proxy_auth_regex", "referer_regex", "rep_header", "rep_mime_type", "req_header",
        "req_mime_type", "srcdom_regex", "ssl::server_name_regex", "url_regex", "urllogin",
        "urlpath_regex",
    }
)


ACL_NAME_SZ: Final = 64  # src/acl/forward.h: names must be shorter
# ACL::ParseAclLine @ SQUID_5_7: old type names it renames (with an UPGRADE note) before comparing.
ACL_TYPE_RENAMES: Final[dict[str, str]] = {"myip": "localip", "myport": "localport",
                                           "clientside_mark": "client_connection_mark"}
