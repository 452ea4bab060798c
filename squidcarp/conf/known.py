"""Fact tables about squid.conf as Squid itself reads it, derived from Squid's source.

Baseline is Squid 5.7 (git tag ``SQUID_5_7``) as packaged by Debian; the tables for 6.x and 7.x come
from the latest tags of those series (``SQUID_6_14`` and ``SQUID_7_6``) and old cache_peer options
from ``squid-cache/squid2`` (``SQUID_2_5_STABLE14``, ``SQUID_2_6_STABLE23``, ``SQUID_2_7_STABLE9``).

How Squid matches a directive (src/cf_gen.cc, src/cache_cf.cc ``parseOneConfigFile``): the first
whitespace-separated word of a logical line is compared with ``strcmp`` (case-sensitive, no prefix
matching) against every ``NAME:`` word of src/cf.data.pre. There are no ``ALIASES:`` lines: an alias
is simply an extra word on the ``NAME:`` line. A name whose entry has an ``IFDEF:`` still matches
when the feature is compiled out: Squid logs ``ERROR: 'X' requires ...`` and carries on, so such a
name never counts towards the "unrecognized" total (the exit status of ``squid -k parse``). A
``TYPE: obsolete`` name logs ``ERROR: Directive 'X' is obsolete.`` and is not counted either.

The 5.7 tables were cross-checked against ``/usr/sbin/squid -k parse`` (Debian 5.7, GnuTLS build):
each of the 423 names, and the names new in 6.x (reported unrecognised), went through it one by one,
as did every cache_peer option below. The 6.x/7.x and 2.x tables come from source only.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple

MatchKind = Literal["exact", "prefix"]

#: Git tags the tables were taken from, by major version.
VERSION_TAGS: Final[dict[str, str]] = {"5": "SQUID_5_7", "6": "SQUID_6_14", "7": "SQUID_7_6"}

#: Squid 2.5's per-peer CARP share (src/cache_cf.cc parse_peer @ SQUID_2_5_STABLE14); Squid 3.4+
#: treats it as an unknown option.
LEGACY_OPTION: Final = "carp-load-factor="

# ---------------------------------------------------------------------------------------------
# 1. Directive names
# ---------------------------------------------------------------------------------------------

# src/cf.data.pre @ SQUID_5_7: every word of every NAME: line (primary names and aliases) whose
# TYPE is not "obsolete". Includes the IFDEF-guarded names: they are matched on every build (see
# the module docstring and CONDITIONAL_DIRECTIVES).
DIRECTIVES: Final[frozenset[str]] = frozenset(
    {
        "accept_filter",
        "access_log",
        "acl",
        "acl_uses_indirect_client",
        "adaptation_access",
        "adaptation_masterx_shared_names",
        "adaptation_meta",
        "adaptation_send_client_ip",
        "adaptation_send_username",
        "adaptation_service_chain",
        "adaptation_service_iteration_limit",
        "adaptation_service_set",
        "adaptation_uses_indirect_client",
        "adapted_http_access",
        "allow_underscore",
        "always_direct",
        "announce_file",
        "announce_host",
        "announce_period",
        "announce_port",
        "append_domain",
        "as_whois_server",
        "ascii_port",
        "auth_param",
        "auth_schemes",
        "authenticate_cache_garbage_interval",
        "authenticate_ip_ttl",
        "authenticate_ttl",
        "background_ping_rate",
        "broken_posts",
        "buffered_logs",
        "cache",
        "cache_access_log",
        "cache_dir",
        "cache_effective_group",
        "cache_effective_user",
        "cache_log",
        "cache_mem",
        "cache_mgr",
        "cache_miss_revalidate",
        "cache_peer",
        "cache_peer_access",
        "cache_replacement_policy",
        "cache_store_log",
        "cache_swap_high",
        "cache_swap_log",
        "cache_swap_low",
        "cache_swap_state",
        "cachemgr_passwd",
        "check_hostnames",
        "chroot",
        "client_db",
        "client_delay_access",
        "client_delay_initial_bucket_level",
        "client_delay_parameters",
        "client_delay_pools",
        "client_dst_passthru",
        "client_idle_pconn_timeout",
        "client_ip_max_connections",
        "client_lifetime",
        "client_netmask",
        "client_persistent_connections",
        "client_request_buffer_max_size",
        "clientside_mark",
        "clientside_tos",
        "collapsed_forwarding",
        "collapsed_forwarding_access",
        "collapsed_forwarding_shared_entries_limit",
        "configuration_includes_quoted_values",
        "connect_retries",
        "connect_timeout",
        "coredump_dir",
        "cpu_affinity_map",
        "dead_peer_timeout",
        "debug_options",
        "delay_access",
        "delay_class",
        "delay_initial_bucket_level",
        "delay_parameters",
        "delay_pool_uses_indirect_client",
        "delay_pools",
        "deny_info",
        "detect_broken_pconn",
        "digest_bits_per_entry",
        "digest_generation",
        "digest_rebuild_chunk_percentage",
        "digest_rebuild_period",
        "digest_rewrite_period",
        "digest_swapout_chunk_size",
        "diskd_program",
        "dns_defnames",
        "dns_multicast_local",
        "dns_nameservers",
        "dns_packet_max",
        "dns_retransmit_interval",
        "dns_timeout",
        "ecap_enable",
        "ecap_service",
        "email_err_data",
        "err_html_text",
        "err_page_stylesheet",
        "error_default_language",
        "error_directory",
        "error_log_languages",
        "esi_parser",
        "eui_lookup",
        "external_acl_type",
        "follow_x_forwarded_for",
        "force_request_body_continuation",
        "forward_max_tries",
        "forward_timeout",
        "forwarded_for",
        "fqdncache_size",
        "ftp_client_idle_timeout",
        "ftp_eprt",
        "ftp_epsv",
        "ftp_epsv_all",
        "ftp_passive",
        "ftp_port",
        "ftp_sanitycheck",
        "ftp_telnet_protocol",
        "ftp_user",
        "global_internal_static",
        "half_closed_clients",
        "happy_eyeballs_connect_gap",
        "happy_eyeballs_connect_limit",
        "happy_eyeballs_connect_timeout",
        "header_replace",
        "high_memory_warning",
        "high_page_fault_warning",
        "high_response_time_warning",
        "hopeless_kid_revival_delay",
        "host_verify_strict",
        "hostname_aliases",
        "hosts_file",
        "htcp_access",
        "htcp_clr_access",
        "htcp_port",
        "http_accel_surrogate_remote",
        "http_access",
        "http_access2",
        "http_port",
        "http_reply_access",
        "http_upgrade_request_protocols",
        "httpd_accel_surrogate_id",
        "httpd_suppress_version_string",
        "https_port",
        "icap_206_enable",
        "icap_access",
        "icap_class",
        "icap_client_username_encode",
        "icap_client_username_header",
        "icap_connect_timeout",
        "icap_default_options_ttl",
        "icap_enable",
        "icap_io_timeout",
        "icap_log",
        "icap_persistent_connections",
        "icap_preview_enable",
        "icap_preview_size",
        "icap_retry",
        "icap_retry_limit",
        "icap_send_client_ip",
        "icap_send_client_username",
        "icap_service",
        "icap_service_failure_limit",
        "icap_service_revival_delay",
        "icap_uses_indirect_client",
        "icon_directory",
        "icp_access",
        "icp_hit_stale",
        "icp_port",
        "icp_query_timeout",
        "ident_lookup_access",
        "ident_timeout",
        "ignore_unknown_nameservers",
        "incoming_dns_average",
        "incoming_http_average",
        "incoming_icp_average",
        "incoming_tcp_average",
        "incoming_udp_average",
        "ipcache_high",
        "ipcache_low",
        "ipcache_size",
        "loadable_modules",
        "log_icp_queries",
        "log_mime_hdrs",
        "log_uses_indirect_client",
        "logfile_daemon",
        "logfile_rotate",
        "logformat",
        "mail_from",
        "mail_program",
        "mark_client_connection",
        "mark_client_packet",
        "max_filedesc",
        "max_filedescriptors",
        "max_open_disk_fds",
        "max_stale",
        "maximum_icp_query_timeout",
        "maximum_object_size",
        "maximum_object_size_in_memory",
        "mcast_groups",
        "mcast_icp_query_timeout",
        "mcast_miss_addr",
        "mcast_miss_encode_key",
        "mcast_miss_port",
        "mcast_miss_ttl",
        "memory_cache_mode",
        "memory_cache_shared",
        "memory_pools",
        "memory_pools_limit",
        "memory_replacement_policy",
        "mime_table",
        "min_dns_poll_cnt",
        "min_http_poll_cnt",
        "min_icp_poll_cnt",
        "min_tcp_poll_cnt",
        "min_udp_poll_cnt",
        "minimum_direct_hops",
        "minimum_direct_rtt",
        "minimum_expiry_time",
        "minimum_icp_query_timeout",
        "minimum_object_size",
        "miss_access",
        "negative_dns_ttl",
        "negative_ttl",
        "neighbor_type_domain",
        "netdb_filename",
        "netdb_high",
        "netdb_low",
        "netdb_ping_period",
        "never_direct",
        "no_cache",
        "nonhierarchical_direct",
        "note",
        "offline_mode",
        "on_unsupported_protocol",
        "pconn_lifetime",
        "pconn_timeout",
        "peer_connect_timeout",
        "persistent_connection_after_error",
        "persistent_request_timeout",
        "pid_filename",
        "pinger_enable",
        "pinger_program",
        "pipeline_prefetch",
        "positive_dns_ttl",
        "prefer_direct",
        "proxy_protocol_access",
        "qos_flows",
        "query_icmp",
        "quick_abort_max",
        "quick_abort_min",
        "quick_abort_pct",
        "range_offset_limit",
        "read_ahead_gap",
        "read_timeout",
        "redirect_children",
        "redirect_program",
        "redirect_rewrites_host_header",
        "redirector_access",
        "redirector_bypass",
        "refresh_all_ims",
        "refresh_pattern",
        "relaxed_header_parser",
        "reload_into_ims",
        "reply_body_max_size",
        "reply_header_access",
        "reply_header_add",
        "reply_header_max_size",
        "reply_header_replace",
        "request_body_max_size",
        "request_entities",
        "request_header_access",
        "request_header_add",
        "request_header_max_size",
        "request_header_replace",
        "request_start_timeout",
        "request_timeout",
        "response_delay_pool",
        "response_delay_pool_access",
        "retry_on_error",
        "send_hit",
        "server_idle_pconn_timeout",
        "server_pconn_for_nonretriable",
        "server_persistent_connections",
        "shared_memory_locking",
        "shared_transient_entries_limit",
        "short_icon_urls",
        "shutdown_lifetime",
        "sleep_after_fork",
        "snmp_access",
        "snmp_incoming_address",
        "snmp_outgoing_address",
        "snmp_port",
        "spoof_client_ip",
        "ssl_bump",
        "ssl_engine",
        "ssl_unclean_shutdown",
        "sslcrtd_children",
        "sslcrtd_program",
        "sslcrtvalidator_children",
        "sslcrtvalidator_program",
        "sslpassword_program",
        "sslproxy_cert_adapt",
        "sslproxy_cert_error",
        "sslproxy_cert_sign",
        "sslproxy_cert_sign_hash",
        "sslproxy_foreign_intermediate_certs",
        "sslproxy_session_cache_size",
        "sslproxy_session_ttl",
        "stats_collection",
        "store_avg_object_size",
        "store_dir_select_algorithm",
        "store_id_access",
        "store_id_bypass",
        "store_id_children",
        "store_id_extras",
        "store_id_program",
        "store_miss",
        "store_objects_per_bucket",
        "storeurl_rewrite_access",
        "storeurl_rewrite_bypass",
        "storeurl_rewrite_children",
        "storeurl_rewrite_program",
        "strip_query_terms",
        "tcp_outgoing_address",
        "tcp_outgoing_ds",
        "tcp_outgoing_dscp",
        "tcp_outgoing_mark",
        "tcp_outgoing_tos",
        "tcp_recv_bufsize",
        "test_reachability",
        "tls_outgoing_options",
        "tproxy_uses_indirect_client",
        "udp_incoming_address",
        "udp_outgoing_address",
        "udp_port",
        "umask",
        "unique_hostname",
        "unlinkd_program",
        "uri_whitespace",
        "url_rewrite_access",
        "url_rewrite_bypass",
        "url_rewrite_children",
        "url_rewrite_extras",
        "url_rewrite_host_header",
        "url_rewrite_program",
        "url_rewrite_timeout",
        "vary_ignore_expire",
        "via",
        "visible_hostname",
        "wccp2_address",
        "wccp2_assignment_method",
        "wccp2_forwarding_method",
        "wccp2_rebuild_wait",
        "wccp2_return_method",
        "wccp2_router",
        "wccp2_service",
        "wccp2_service_info",
        "wccp2_weight",
        "wccp_address",
        "wccp_router",
        "wccp_version",
        "windows_ipaddrchangemonitor",
        "workers",
        "write_timeout",
    }
)

# src/cf.data.pre @ SQUID_5_7: alias -> primary name (extra words on a NAME: line). Obsolete
# entries with aliases (cache_host_domain, referrer_log, location_rewrite_*, zph_*) are included.
DIRECTIVE_ALIASES: Final[dict[str, str]] = {
    "ascii_port": "http_port",
    "cache_access_log": "access_log",
    "cache_host_domain": "cache_peer_domain",
    "cache_swap_log": "cache_swap_state",
    "clientside_mark": "mark_client_packet",
    "collapsed_forwarding_shared_entries_limit": "shared_transient_entries_limit",
    "header_replace": "request_header_replace",
    "http_access2": "adapted_http_access",
    "icap_send_client_ip": "adaptation_send_client_ip",
    "icap_send_client_username": "adaptation_send_username",
    "icap_uses_indirect_client": "adaptation_uses_indirect_client",
    "incoming_http_average": "incoming_tcp_average",
    "incoming_icp_average": "incoming_udp_average",
    "location_rewrite_access": "location_rewrite_program",
    "location_rewrite_children": "location_rewrite_program",
    "location_rewrite_concurrency": "location_rewrite_program",
    "max_filedesc": "max_filedescriptors",
    "min_http_poll_cnt": "min_tcp_poll_cnt",
    "min_icp_poll_cnt": "min_udp_poll_cnt",
    "no_cache": "cache",
    "pconn_timeout": "server_idle_pconn_timeout",
    "persistent_request_timeout": "client_idle_pconn_timeout",
    "redirect_children": "url_rewrite_children",
    "redirect_program": "url_rewrite_program",
    "redirect_rewrites_host_header": "url_rewrite_host_header",
    "redirector_access": "url_rewrite_access",
    "redirector_bypass": "url_rewrite_bypass",
    "referrer_log": "referer_log",
    "storeurl_rewrite_access": "store_id_access",
    "storeurl_rewrite_bypass": "store_id_bypass",
    "storeurl_rewrite_children": "store_id_children",
    "storeurl_rewrite_program": "store_id_program",
    "tcp_outgoing_ds": "tcp_outgoing_tos",
    "tcp_outgoing_dscp": "tcp_outgoing_tos",
    "udp_port": "icp_port",
    "zph_mode": "zph_local",
    "zph_option": "zph_local",
    "zph_parent": "zph_local",
    "zph_sibling": "zph_local",
}

# src/cf.data.pre @ SQUID_5_7: IFDEF: condition of every guarded name (aliases included), for any
# build. Only the names in CONDITIONAL_DIRECTIVES are compiled out in Debian's 5.7 package.
DIRECTIVE_IFDEFS: Final[dict[str, str]] = {
    "acl_uses_indirect_client": "FOLLOW_X_FORWARDED_FOR",
    "adaptation_access": "USE_ADAPTATION",
    "adaptation_masterx_shared_names": "USE_ADAPTATION",
    "adaptation_meta": "USE_ADAPTATION",
    "adaptation_send_client_ip": "USE_ADAPTATION",
    "adaptation_send_username": "USE_ADAPTATION",
    "adaptation_service_chain": "USE_ADAPTATION",
    "adaptation_service_iteration_limit": "USE_ADAPTATION",
    "adaptation_service_set": "USE_ADAPTATION",
    "adaptation_uses_indirect_client": "FOLLOW_X_FORWARDED_FOR&&USE_ADAPTATION",
    "auth_param": "USE_AUTH",
    "auth_schemes": "USE_AUTH",
    "authenticate_cache_garbage_interval": "USE_AUTH",
    "authenticate_ip_ttl": "USE_AUTH",
    "authenticate_ttl": "USE_AUTH",
    "broken_posts": "USE_HTTP_VIOLATIONS",
    "client_delay_access": "USE_DELAY_POOLS",
    "client_delay_initial_bucket_level": "USE_DELAY_POOLS",
    "client_delay_parameters": "USE_DELAY_POOLS",
    "client_delay_pools": "USE_DELAY_POOLS",
    "clientside_mark": "SO_MARK&&USE_LIBCAP",
    "delay_access": "USE_DELAY_POOLS",
    "delay_class": "USE_DELAY_POOLS",
    "delay_initial_bucket_level": "USE_DELAY_POOLS",
    "delay_parameters": "USE_DELAY_POOLS",
    "delay_pool_uses_indirect_client": "FOLLOW_X_FORWARDED_FOR&&USE_DELAY_POOLS",
    "delay_pools": "USE_DELAY_POOLS",
    "digest_bits_per_entry": "USE_CACHE_DIGESTS",
    "digest_generation": "USE_CACHE_DIGESTS",
    "digest_rebuild_chunk_percentage": "USE_CACHE_DIGESTS",
    "digest_rebuild_period": "USE_CACHE_DIGESTS",
    "digest_rewrite_period": "USE_CACHE_DIGESTS",
    "digest_swapout_chunk_size": "USE_CACHE_DIGESTS",
    "ecap_enable": "USE_ECAP",
    "ecap_service": "USE_ECAP",
    "error_default_language": "USE_ERR_LOCALES",
    "error_log_languages": "USE_ERR_LOCALES",
    "esi_parser": "USE_SQUID_ESI",
    "eui_lookup": "USE_SQUID_EUI",
    "follow_x_forwarded_for": "FOLLOW_X_FORWARDED_FOR",
    "header_replace": "USE_HTTP_VIOLATIONS",
    "high_memory_warning": "HAVE_MSTATS&&HAVE_GNUMALLOC_H",
    "htcp_access": "USE_HTCP",
    "htcp_clr_access": "USE_HTCP",
    "htcp_port": "USE_HTCP",
    "https_port": "USE_GNUTLS||USE_OPENSSL",
    "icap_206_enable": "ICAP_CLIENT",
    "icap_access": "ICAP_CLIENT",
    "icap_class": "ICAP_CLIENT",
    "icap_client_username_encode": "ICAP_CLIENT",
    "icap_client_username_header": "ICAP_CLIENT",
    "icap_connect_timeout": "ICAP_CLIENT",
    "icap_default_options_ttl": "ICAP_CLIENT",
    "icap_enable": "ICAP_CLIENT",
    "icap_io_timeout": "ICAP_CLIENT",
    "icap_log": "ICAP_CLIENT",
    "icap_persistent_connections": "ICAP_CLIENT",
    "icap_preview_enable": "ICAP_CLIENT",
    "icap_preview_size": "ICAP_CLIENT",
    "icap_retry": "ICAP_CLIENT",
    "icap_retry_limit": "ICAP_CLIENT",
    "icap_send_client_ip": "USE_ADAPTATION",
    "icap_send_client_username": "USE_ADAPTATION",
    "icap_service": "ICAP_CLIENT",
    "icap_service_failure_limit": "ICAP_CLIENT",
    "icap_service_revival_delay": "ICAP_CLIENT",
    "icap_uses_indirect_client": "FOLLOW_X_FORWARDED_FOR&&USE_ADAPTATION",
    "ident_lookup_access": "USE_IDENT",
    "ident_timeout": "USE_IDENT",
    "loadable_modules": "USE_LOADABLE_MODULES",
    "log_uses_indirect_client": "FOLLOW_X_FORWARDED_FOR",
    "mark_client_connection": "SO_MARK&&USE_LIBCAP",
    "mark_client_packet": "SO_MARK&&USE_LIBCAP",
    "mcast_miss_addr": "MULTICAST_MISS_STREAM",
    "mcast_miss_encode_key": "MULTICAST_MISS_STREAM",
    "mcast_miss_port": "MULTICAST_MISS_STREAM",
    "mcast_miss_ttl": "MULTICAST_MISS_STREAM",
    "negative_ttl": "USE_HTTP_VIOLATIONS",
    "netdb_filename": "USE_ICMP",
    "pinger_enable": "USE_ICMP",
    "pinger_program": "USE_ICMP",
    "qos_flows": "USE_QOS_TOS",
    "reload_into_ims": "USE_HTTP_VIOLATIONS",
    "reply_header_access": "USE_HTTP_VIOLATIONS",
    "reply_header_replace": "USE_HTTP_VIOLATIONS",
    "request_header_access": "USE_HTTP_VIOLATIONS",
    "request_header_replace": "USE_HTTP_VIOLATIONS",
    "response_delay_pool": "USE_DELAY_POOLS",
    "response_delay_pool_access": "USE_DELAY_POOLS",
    "snmp_access": "SQUID_SNMP",
    "snmp_incoming_address": "SQUID_SNMP",
    "snmp_outgoing_address": "SQUID_SNMP",
    "snmp_port": "SQUID_SNMP",
    "ssl_bump": "USE_OPENSSL",
    "ssl_engine": "USE_OPENSSL",
    "ssl_unclean_shutdown": "USE_OPENSSL",
    "sslcrtd_children": "USE_SSL_CRTD",
    "sslcrtd_program": "USE_SSL_CRTD",
    "sslcrtvalidator_children": "USE_OPENSSL",
    "sslcrtvalidator_program": "USE_OPENSSL",
    "sslpassword_program": "USE_OPENSSL",
    "sslproxy_cert_adapt": "USE_OPENSSL",
    "sslproxy_cert_error": "USE_OPENSSL",
    "sslproxy_cert_sign": "USE_OPENSSL",
    "sslproxy_cert_sign_hash": "USE_OPENSSL",
    "sslproxy_foreign_intermediate_certs": "USE_OPENSSL",
    "sslproxy_session_cache_size": "USE_OPENSSL",
    "sslproxy_session_ttl": "USE_OPENSSL",
    "tcp_outgoing_mark": "SO_MARK&&USE_LIBCAP",
    "tls_outgoing_options": "USE_GNUTLS||USE_OPENSSL",
    "tproxy_uses_indirect_client": "FOLLOW_X_FORWARDED_FOR&&LINUX_NETFILTER",
    "unlinkd_program": "USE_UNLINKD",
    "via": "USE_HTTP_VIOLATIONS",
    "wccp2_address": "USE_WCCPv2",
    "wccp2_assignment_method": "USE_WCCPv2",
    "wccp2_forwarding_method": "USE_WCCPv2",
    "wccp2_rebuild_wait": "USE_WCCPv2",
    "wccp2_return_method": "USE_WCCPv2",
    "wccp2_router": "USE_WCCPv2",
    "wccp2_service": "USE_WCCPv2",
    "wccp2_service_info": "USE_WCCPv2",
    "wccp2_weight": "USE_WCCPv2",
    "wccp_address": "USE_WCCP",
    "wccp_router": "USE_WCCP",
    "wccp_version": "USE_WCCP",
    "windows_ipaddrchangemonitor": "_SQUID_WINDOWS_",
}

# The IFDEF-guarded names that Debian's squid 5.7 (configure: --with-gnutls, no --with-openssl,
# --disable-esi, no ssl-crtd) was built without, name -> IFDEF condition. Verified: each one makes
# `squid -k parse` print "ERROR: 'NAME' requires ..." and exit 0 (not counted as unrecognised).
# They are also members of DIRECTIVES. Every other guarded name in DIRECTIVE_IFDEFS (ICAP, eCAP,
# delay pools, cache digests, HTCP, SNMP, WCCP/WCCPv2, ident, ICMP, EUI, QoS,
# follow_x_forwarded_for, https_port/tls_outgoing_options, packet marks, auth, ...) was confirmed
# to be compiled in.
_COMPILED_OUT_ON_DEBIAN = (
    "esi_parser",
    "high_memory_warning",
    "mcast_miss_addr",
    "mcast_miss_encode_key",
    "mcast_miss_port",
    "mcast_miss_ttl",
    "ssl_bump",
    "ssl_engine",
    "ssl_unclean_shutdown",
    "sslcrtd_children",
    "sslcrtd_program",
    "sslcrtvalidator_children",
    "sslcrtvalidator_program",
    "sslpassword_program",
    "sslproxy_cert_adapt",
    "sslproxy_cert_error",
    "sslproxy_cert_sign",
    "sslproxy_cert_sign_hash",
    "sslproxy_foreign_intermediate_certs",
    "sslproxy_session_cache_size",
    "sslproxy_session_ttl",
    "windows_ipaddrchangemonitor",
)
CONDITIONAL_DIRECTIVES: Final[dict[str, str]] = {
    name: DIRECTIVE_IFDEFS[name] for name in _COMPILED_OUT_ON_DEBIAN
}

# What Debian's 5.7 prints after "ERROR: '<name>' requires " for the names above
# (text from src/cf_gen_defines).
CONDITIONAL_REQUIRES: Final[dict[str, str]] = {
    "esi_parser": "--enable-esi",
    "high_memory_warning": "GNU Malloc with mstats()",
    "mcast_miss_addr": "-DMULTICAST_MISS_STREAM define",
    "mcast_miss_encode_key": "-DMULTICAST_MISS_STREAM define",
    "mcast_miss_port": "-DMULTICAST_MISS_STREAM define",
    "mcast_miss_ttl": "-DMULTICAST_MISS_STREAM define",
    "ssl_bump": "--with-openssl",
    "ssl_engine": "--with-openssl",
    "ssl_unclean_shutdown": "--with-openssl",
    "sslcrtd_children": "--enable-ssl-crtd",
    "sslcrtd_program": "--enable-ssl-crtd",
    "sslcrtvalidator_children": "--with-openssl",
    "sslcrtvalidator_program": "--with-openssl",
    "sslpassword_program": "--with-openssl",
    "sslproxy_cert_adapt": "--with-openssl",
    "sslproxy_cert_error": "--with-openssl",
    "sslproxy_cert_sign": "--with-openssl",
    "sslproxy_cert_sign_hash": "--with-openssl",
    "sslproxy_foreign_intermediate_certs": "--with-openssl",
    "sslproxy_session_cache_size": "--with-openssl",
    "sslproxy_session_ttl": "--with-openssl",
    "windows_ipaddrchangemonitor": "MS Windows",
}

# ---------------------------------------------------------------------------------------------
# 2. Obsolete directives
# ---------------------------------------------------------------------------------------------

# src/cf.data.pre @ SQUID_5_7: every word of NAME: lines with TYPE: obsolete. Disjoint from
# DIRECTIVES. 5.7 logs "ERROR: Directive 'X' is obsolete." plus a hint, then calls
# parse_obsolete(); the line is not counted as unrecognised (verified: exit status 0).
OBSOLETE_DIRECTIVES: Final[frozenset[str]] = frozenset(
    {
        "balance_on_multiple_ip",
        "broken_vary_encoding",
        "cache_host_domain",
        "cache_peer_domain",
        "cache_vary",
        "chunked_request_body_max_size",
        "dns_testnames",
        "dns_v4_fallback",
        "dns_v4_first",
        "emulate_httpd_log",
        "error_map",
        "extension_methods",
        "external_refresh_check",
        "forward_log",
        "ftp_list_width",
        "header_access",
        "hierarchy_stoplist",
        "httpd_accel_no_pmtu_disc",
        "ie_refresh",
        "ignore_expect_100",
        "ignore_ims_on_miss",
        "incoming_rate",
        "location_rewrite_access",
        "location_rewrite_children",
        "location_rewrite_concurrency",
        "location_rewrite_program",
        "log_access",
        "log_fqdn",
        "log_icap",
        "log_ip_on_direct",
        "maximum_single_addr_tries",
        "referer_log",
        "referrer_log",
        "refresh_stale_hit",
        "server_http11",
        "sslproxy_cafile",
        "sslproxy_capath",
        "sslproxy_cipher",
        "sslproxy_client_certificate",
        "sslproxy_client_key",
        "sslproxy_flags",
        "sslproxy_options",
        "sslproxy_version",
        "update_headers",
        "upgrade_http0.9",
        "url_rewrite_concurrency",
        "useragent_log",
        "wais_relay_host",
        "wais_relay_port",
        "zero_buffers",
        "zph_local",
        "zph_mode",
        "zph_option",
        "zph_parent",
        "zph_sibling",
    }
)

# src/cache_cf.cc parse_obsolete() @ SQUID_5_7: obsolete names whose value is still acted upon
# (all other obsolete names are ignored after the message). Our wording.
OBSOLETE_STILL_PARSED: Final[dict[str, str]] = {
    "url_rewrite_concurrency": "value read as an integer and applied as url_rewrite_children "
    "concurrency=",
    "log_access": "always fatal (Bungled) after the obsolete message; 7.x only warns",
    "log_icap": "always fatal (Bungled) after the obsolete message; 7.x only warns",
    "ignore_ims_on_miss": "value read as on/off and stored inverted as cache_miss_revalidate",
    "sslproxy_cafile": "rest of line applied as tls_outgoing_options cafile=",
    "sslproxy_capath": "rest of line applied as tls_outgoing_options capath=",
    "sslproxy_cipher": "rest of line applied as tls_outgoing_options cipher=",
    "sslproxy_client_certificate": "rest of line applied as tls_outgoing_options cert=",
    "sslproxy_client_key": "rest of line applied as tls_outgoing_options key=",
    "sslproxy_flags": "rest of line applied as tls_outgoing_options flags=",
    "sslproxy_options": "rest of line applied as tls_outgoing_options options=",
    "sslproxy_version": "rest of line applied as tls_outgoing_options version=",
}
# Observed with Debian 5.7: an sslproxy_* line with no value crashes squid (SIGSEGV, exit -11);
# 7.x throws "missing required parameter" instead.

#: Everything parse_line() accepts in 5.7, i.e. never reported as "unrecognized".
RECOGNISED_DIRECTIVES: Final[frozenset[str]] = DIRECTIVES | OBSOLETE_DIRECTIVES

# src/cache_cf.cc parseOneConfigFile() @ SQUID_5_7: words handled before directive lookup.
# "if"/"else"/"endif" must be followed by whitespace or end of line; "include" needs whitespace
# after it and takes one or more glob patterns. "#line N "file"" lines rename the location.
CONFIG_STATEMENTS: Final[frozenset[str]] = frozenset({"include", "if", "else", "endif"})

# Names people expect to be directives but which are not (checked against Squid 2.7-7.6 sources and
# the 5.7 binary: reported as unrecognised). Our wording.
NOT_DIRECTIVES: Final[dict[str, str]] = {
    "neighbors_do_private_keys": "internal global flag (src/neighbors.cc, ICP reqnum handling); "
    "has never been a squid.conf directive",
}

# ---------------------------------------------------------------------------------------------
# 3. Other versions
# ---------------------------------------------------------------------------------------------

# src/cf.data.pre @ SQUID_6_14 compared with @ SQUID_5_7, and @ SQUID_7_6 compared with
# @ SQUID_6_14 (names and aliases). No alias was added or dropped in either step.
DIRECTIVES_ADDED: Final[dict[str, frozenset[str]]] = {
    "6": frozenset({"cache_log_message", "paranoid_hit_validation", "tls_key_log"}),
    "7": frozenset(),
}
#: Turned into TYPE: obsolete (still recognised, logs the obsolete error).
DIRECTIVES_OBSOLETED: Final[dict[str, frozenset[str]]] = {
    "6": frozenset(
        {"announce_file", "announce_host", "announce_period", "announce_port", "request_entities"}
    ),
    "7": frozenset({"esi_parser"}),
}
#: Deleted outright (reported as unrecognised by that version).
DIRECTIVES_REMOVED: Final[dict[str, frozenset[str]]] = {
    "6": frozenset(),
    "7": frozenset(
        {
            "ident_lookup_access",
            "ident_timeout",
            "mcast_miss_addr",
            "mcast_miss_encode_key",
            "mcast_miss_port",
            "mcast_miss_ttl",
        }
    ),
}

_DIRECTIVES_6: Final[frozenset[str]] = (DIRECTIVES | DIRECTIVES_ADDED["6"]) - (
    DIRECTIVES_OBSOLETED["6"] | DIRECTIVES_REMOVED["6"]
)
_DIRECTIVES_7: Final[frozenset[str]] = (_DIRECTIVES_6 | DIRECTIVES_ADDED["7"]) - (
    DIRECTIVES_OBSOLETED["7"] | DIRECTIVES_REMOVED["7"]
)

# Non-obsolete names (aliases included) per major version; "5" is DIRECTIVES. In 6.14 tls_key_log
# is guarded by USE_OPENSSL. In 7.6 the IFDEFs USE_GNUTLS / SO_MARK&&USE_LIBCAP were respelled
# HAVE_LIBGNUTLS / HAVE_LIBCAP&&SO_MARK (same meaning).
DIRECTIVES_BY_VERSION: Final[dict[str, frozenset[str]]] = {
    "5": DIRECTIVES,
    "6": _DIRECTIVES_6,
    "7": _DIRECTIVES_7,
}

# TYPE: obsolete names per major version.
OBSOLETE_BY_VERSION: Final[dict[str, frozenset[str]]] = {
    "5": OBSOLETE_DIRECTIVES,
    "6": OBSOLETE_DIRECTIVES | DIRECTIVES_OBSOLETED["6"],
    "7": OBSOLETE_DIRECTIVES | DIRECTIVES_OBSOLETED["6"] | DIRECTIVES_OBSOLETED["7"],
}

# src/cache_cf.cc parse_onoff / parse_tristate @ SQUID_5_7: the only words accepted (strcmp, so
# "ON" or "yes" is fatal: "Boolean options can only be 'on' or 'off'"); "enable"/"disable" work
# but log "WARNING: 'enable' is deprecated". Tristate "warn" maps to None.
ONOFF_WORDS: Final[dict[str, bool]] = {"on": True, "off": False, "enable": True, "disable": False}
TRISTATE_WORDS: Final[dict[str, bool | None]] = {**ONOFF_WORDS, "warn": None}
DEPRECATED_BOOLEAN_WORDS: Final[dict[str, str]] = {"enable": "on", "disable": "off"}

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
    line.split()[0].lower(): line.split()[1] for line in PREDEFINED_ACL_LINES}

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

# src/ConfigParser.cc NextQuotedToken @ SQUID_5_7 turns RecognizeQuotedValues on for one token, so
# these arguments (index range [lo, hi) after the directive name) take "quoted strings" with
# escapes and name(...) functions (parameters() works, anything else is fatal) even while
# configuration_includes_quoted_values is off; the strict unquoted alphabet still applies only
# when it is on. Readers: parse_wordlist, parse_SBufList, parse_TokenOrQuotedString,
# parse_AuthSchemes, parse_cachemgrpasswd (actions), Notes::parse and HeaderWithAclList (the
# value), and external_acl_type's helper arguments (external_acl_helper_index).
# parse_externalAclHelper (src/external_acl.cc @ SQUID_5_7): options read with atoi after these
# prefixes, then these exact words; the first other token starts the %-format list, and the first
# non-% token after that is the helper, whose arguments are read by parse_wordlist.
EXTERNAL_ACL_PREFIXES: Final[tuple[str, ...]] = (
    "ttl=", "negative_ttl=", "children=", "children-max=", "children-startup=", "children-idle=",
    "concurrency=", "queue-size=", "cache=", "grace=")
EXTERNAL_ACL_WORDS: Final[tuple[str, ...]] = (
    "protocol=2.5", "protocol=3.0", "quote=url", "quote=shell", "ipv4", "ipv6")


def external_acl_helper_index(words: list[str]) -> int:
    """Index (among the arguments) of an external_acl_type line's helper program."""
    i = 1
    while i < len(words) and (words[i] in EXTERNAL_ACL_WORDS
                              or words[i].startswith(EXTERNAL_ACL_PREFIXES)):
        i += 1
    while i < len(words) and words[i].startswith("%"):
        i += 1
    return i


QUOTED_TOKEN_ARGS: Final[dict[str, tuple[int, int]]] = {
    **{name: (0, 1 << 30) for name in (
        "url_rewrite_program", "redirect_program", "store_id_program",
        "storeurl_rewrite_program", "hostname_aliases", "mcast_groups", "loadable_modules",
        "dns_nameservers")},
    "url_rewrite_extras": (0, 1), "store_id_extras": (0, 1), "auth_schemes": (0, 1),
    "note": (1, 2), "adaptation_meta": (1, 2), "request_header_add": (1, 2),
    "reply_header_add": (1, 2), "cachemgr_passwd": (1, 1 << 30),
}

# ---------------------------------------------------------------------------------------------
# 4. Directives read with the list ("file") reader
# ---------------------------------------------------------------------------------------------

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

# ---------------------------------------------------------------------------------------------
# 5. cache_peer
# ---------------------------------------------------------------------------------------------

# src/cache_cf.cc parseNeighborType() @ SQUID_5_7 (same in 6.14, 7.6): TYPE word -> peer type.
# Any other word logs "WARNING: Unknown neighbor type" and is treated as sibling.
PEER_TYPES: Final[dict[str, str]] = {
    "parent": "parent",
    "sibling": "sibling",
    "neighbor": "sibling",
    "neighbour": "sibling",
    "multicast": "multicast",
}

# src/cache_cf.cc parse_peer() @ SQUID_5_7: every option test, in Squid's order (first match wins,
# which matters for the prefix tests). "exact" = strcmp, "prefix" = strncmp on the key. All tests
# are case-sensitive. An unmatched token logs "ERROR: Ignoring unknown cache_peer option" and is
# skipped (exit status 0); a token starting with "#" ends the option list. htcp/htcp=/htcp- need
# USE_HTCP and digest-url= needs USE_CACHE_DIGESTS (both on in Debian); multicast-siblings sat
# behind PEER_MULTICAST_SIBLINGS, which 5.x/6.x hard-define to 1.
PEER_OPTION_ORDER_5: Final[tuple[tuple[str, MatchKind], ...]] = (
    ("proxy-only", "exact"),
    ("no-query", "exact"),
    ("background-ping", "exact"),
    ("no-digest", "exact"),
    ("no-tproxy", "exact"),
    ("multicast-responder", "exact"),
    ("multicast-siblings", "exact"),
    ("weight=", "prefix"),
    ("basetime=", "prefix"),
    ("closest-only", "exact"),
    ("ttl=", "prefix"),
    ("default", "exact"),
    ("round-robin", "exact"),
    ("weighted-round-robin", "exact"),
    ("htcp", "exact"),
    ("htcp=", "prefix"),
    ("htcp-", "prefix"),
    ("no-netdb-exchange", "exact"),
    ("carp", "exact"),
    ("carp-key=", "prefix"),
    ("userhash", "exact"),
    ("sourcehash", "exact"),
    ("no-delay", "exact"),
    ("login=", "prefix"),
    ("auth-no-keytab", "exact"),
    ("connect-timeout=", "prefix"),
    ("connect-fail-limit=", "prefix"),
    ("digest-url=", "prefix"),
    ("allow-miss", "exact"),
    ("max-conn=", "prefix"),
    ("standby=", "prefix"),
    ("originserver", "exact"),
    ("name=", "prefix"),
    ("forceddomain=", "prefix"),
    ("ssl", "prefix"),
    ("tls-", "prefix"),
    ("tls", "prefix"),
    ("front-end-https", "exact"),
    ("front-end-https=on", "exact"),
    ("front-end-https=auto", "exact"),
    ("connection-auth=off", "exact"),
    ("connection-auth", "exact"),
    ("connection-auth=on", "exact"),
    ("connection-auth=auto", "exact"),
)

# The exact-match options without "=" (boolean flags) in 5.7.
PEER_FLAGS_5: Final[frozenset[str]] = frozenset(
    key for key, kind in PEER_OPTION_ORDER_5 if kind == "exact" and "=" not in key
)

# Options that carry a value, key as compared by Squid -> how it is compared. "htcp-" is the
# deprecated spelling of "htcp=" (so 2.x "htcp-oldsquid" still works). Note the exact-only
# "front-end-https=on|auto" and "connection-auth=on|off|auto": "front-end-https=off" is unknown.
PEER_VALUED_5: Final[dict[str, MatchKind]] = {
    key: kind
    for key, kind in PEER_OPTION_ORDER_5
    if ("=" in key or key == "htcp-") and key not in PEER_FLAGS_5
}

# Prefixes that hand the rest of the token to the TLS option parser (tested in this order):
# "ssl<sub>", "tls-<sub>", "tls<sub>"; an empty <sub> just enables TLS. On builds without OpenSSL
# (Debian's GnuTLS build) every "ssl..." token is ignored with
# "WARNING: cache_peer option '...' requires --with-openssl" (verified), so use tls-.
PEER_TLS_PREFIXES: Final[tuple[str, ...]] = ("ssl", "tls-", "tls")

# src/security/PeerOptions.cc Security::PeerOptions::parse() @ SQUID_5_7 (unchanged in 6.14/7.6):
# sub-options after the prefix, in test order, all compared with strncmp (prefix). Anything else
# logs "ERROR: Unknown TLS option" (not fatal). "capath=" only warns on non-OpenSSL builds;
# "version=" logs an upgrade warning. Debian's GnuTLS build rejected tls-min-version=1.2,
# tls-options=NO_SSLv3 and tls-version=4 with a FATAL priority-string error when a peer used them.
PEER_TLS_OPTIONS_5: Final[tuple[str, ...]] = (
    "disable",
    "cert=",
    "key=",
    "version=",
    "min-version=",
    "options=",
    "cipher=",
    "cafile=",
    "capath=",
    "crlfile=",
    "flags=",
    "default-ca=off",
    "no-default-ca",
    "default-ca=on",
    "default-ca",
    "domain=",
    "no-npn",
)

# parse_peer() @ SQUID_6_14 and @ SQUID_7_6 test exactly the same 44 options in the same order as
# 5.7; 7.x drops the (always true) PEER_MULTICAST_SIBLINGS guard. Behaviour differences that do not
# change the option set: 6.1+ rejects an empty name= (5.x accepts it and can crash later), and
# several 5.x fatalf() calls became exceptions with reworded messages.
PEER_OPTION_ORDER_6: Final[tuple[tuple[str, MatchKind], ...]] = PEER_OPTION_ORDER_5
PEER_OPTION_ORDER_7: Final[tuple[tuple[str, MatchKind], ...]] = PEER_OPTION_ORDER_5
PEER_FLAGS_6: Final[frozenset[str]] = PEER_FLAGS_5
PEER_FLAGS_7: Final[frozenset[str]] = PEER_FLAGS_5
PEER_VALUED_6: Final[dict[str, MatchKind]] = dict(PEER_VALUED_5)
PEER_VALUED_7: Final[dict[str, MatchKind]] = dict(PEER_VALUED_5)
PEER_TLS_OPTIONS_6: Final[tuple[str, ...]] = PEER_TLS_OPTIONS_5
PEER_TLS_OPTIONS_7: Final[tuple[str, ...]] = PEER_TLS_OPTIONS_5
#: Options added / removed relative to the previous major version (none).
PEER_OPTIONS_ADDED: Final[dict[str, frozenset[str]]] = {"6": frozenset(), "7": frozenset()}
PEER_OPTIONS_REMOVED: Final[dict[str, frozenset[str]]] = {"6": frozenset(), "7": frozenset()}

PEER_OPTION_ORDER_BY_VERSION: Final[dict[str, tuple[tuple[str, MatchKind], ...]]] = {
    "5": PEER_OPTION_ORDER_5,
    "6": PEER_OPTION_ORDER_6,
    "7": PEER_OPTION_ORDER_7,
}

# squid-cache/squid2 src/cache_cf.c parse_peer() @ SQUID_2_5_STABLE14, SQUID_2_6_STABLE23 and
# SQUID_2_7_STABLE9: options that 5.x/6.x/7.x do not accept (each is "Ignoring unknown cache_peer
# option" there, verified with 5.7), key -> how 2.x compared it. In 2.x an unknown option was
# fatal; from 3.4 on it is only an ERROR, so e.g. a 2.5 "carp-load-factor=" peer silently loses
# CARP. 2.x "htcp-oldsquid" and the "ssl*=" options are still understood by 5.x (see above).
PEER_OPTIONS_SQUID2_ONLY: Final[dict[str, MatchKind]] = {
    "carp-load-factor=": "prefix",
    "monitorurl=": "prefix",
    "monitorsize=": "prefix",
    "monitorinterval=": "prefix",
    "monitortimeout=": "prefix",
    "idle=": "prefix",
    "http11": "exact",
    "front-end-https=off": "exact",
}
#: Which 2.x releases accepted each of the options above.
PEER_OPTIONS_SQUID2_VERSIONS: Final[dict[str, str]] = {
    "carp-load-factor=": "2.5 (with --enable-carp); replaced by carp + weight= in 2.6",
    "monitorurl=": "2.6-2.7",
    "monitorsize=": "2.6-2.7",
    "monitorinterval=": "2.6-2.7",
    "monitortimeout=": "2.6-2.7",
    "idle=": "2.7",
    "http11": "2.7",
    "front-end-https=off": "2.6-2.7",
}
# In 2.x most option tests used strcasecmp/strncasecmp (so "CARP" or "Proxy-Only" worked); only the
# ssl*, front-end-https*, connection-auth*, idle= and http11 tests were case-sensitive. 3.x+ is
# case-sensitive throughout ("CARP" is ignored as unknown in 5.7, verified).
PEER_SQUID2_CASE_SENSITIVE_PREFIXES: Final[tuple[str, ...]] = (
    "ssl",
    "front-end-https",
    "connection-auth",
    "idle=",
    "http11",
)


def match_peer_option(token: str, version: str = "5") -> str | None:
    """Return the key of the first parse_peer() test that ``token`` passes, or None if unknown.

    ``version`` is a key of PEER_OPTION_ORDER_BY_VERSION. A token starting with ``#`` is not an
    option at all (Squid stops reading options there); callers should handle that first.
    """
    for key, kind in PEER_OPTION_ORDER_BY_VERSION[version]:
        if (token == key) if kind == "exact" else token.startswith(key):
            return key
    return None


def match_peer_tls_option(sub: str) -> str | None:
    """Return the PEER_TLS_OPTIONS_5 key that Squid's TLS parser matches for ``sub``.

    ``sub`` is the token with its ssl/tls-/tls prefix removed. The empty string (bare ``tls``)
    returns ``""`` (enables TLS); None means "Unknown TLS option".
    """
    if not sub:
        return ""
    for key in PEER_TLS_OPTIONS_5:
        if sub.startswith(key):
            return key
    return None


# ---------------------------------------------------------------------------------------------
# 6. Scalar directive types and defaults
# ---------------------------------------------------------------------------------------------

# src/cf.data.pre @ SQUID_5_7: TYPE: of every non-obsolete name (aliases included) whose type is
# single-valued: onoff, tristate, YesNoNone, int, int64_t, u_short (ports), time_t, time_msec,
# b_size_t, b_ssize_t, b_int64_t, kb_int64_t, string, eol, TokenOrQuotedString, pipelinePrefetch,
# address, plus HelperChildConfig (N [option=value...]) and configuration_includes_quoted_values.
# Notes: icp_query_timeout and mcast_icp_query_timeout are plain int (milliseconds, no unit word);
# cf.data.pre has no "port" type (ports are u_short).
SCALAR_TYPES: Final[dict[str, str]] = {
    "accept_filter": "string",
    "acl_uses_indirect_client": "onoff",
    "adaptation_masterx_shared_names": "string",
    "adaptation_send_client_ip": "onoff",
    "adaptation_send_username": "onoff",
    "adaptation_service_iteration_limit": "int",
    "adaptation_uses_indirect_client": "onoff",
    "allow_underscore": "onoff",
    "announce_file": "string",
    "announce_host": "string",
    "announce_period": "time_t",
    "announce_port": "u_short",
    "append_domain": "string",
    "as_whois_server": "string",
    "authenticate_cache_garbage_interval": "time_t",
    "authenticate_ip_ttl": "time_t",
    "authenticate_ttl": "time_t",
    "background_ping_rate": "time_t",
    "buffered_logs": "onoff",
    "cache_effective_group": "string",
    "cache_effective_user": "string",
    "cache_log": "string",
    "cache_mem": "b_size_t",
    "cache_mgr": "string",
    "cache_miss_revalidate": "onoff",
    "cache_store_log": "string",
    "cache_swap_high": "int",
    "cache_swap_log": "string",
    "cache_swap_low": "int",
    "cache_swap_state": "string",
    "check_hostnames": "onoff",
    "chroot": "string",
    "client_db": "onoff",
    "client_delay_initial_bucket_level": "u_short",
    "client_dst_passthru": "onoff",
    "client_idle_pconn_timeout": "time_t",
    "client_ip_max_connections": "int",
    "client_lifetime": "time_t",
    "client_netmask": "address",
    "client_persistent_connections": "onoff",
    "client_request_buffer_max_size": "b_size_t",
    "collapsed_forwarding": "onoff",
    "collapsed_forwarding_shared_entries_limit": "int64_t",
    "configuration_includes_quoted_values": "configuration_includes_quoted_values",
    "connect_retries": "int",
    "connect_timeout": "time_t",
    "coredump_dir": "string",
    "dead_peer_timeout": "time_t",
    "debug_options": "eol",
    "delay_initial_bucket_level": "u_short",
    "delay_pool_uses_indirect_client": "onoff",
    "detect_broken_pconn": "onoff",
    "digest_bits_per_entry": "int",
    "digest_generation": "onoff",
    "digest_rebuild_chunk_percentage": "int",
    "digest_rebuild_period": "time_t",
    "digest_rewrite_period": "time_t",
    "digest_swapout_chunk_size": "b_size_t",
    "diskd_program": "string",
    "dns_defnames": "onoff",
    "dns_multicast_local": "onoff",
    "dns_packet_max": "b_ssize_t",
    "dns_retransmit_interval": "time_msec",
    "dns_timeout": "time_msec",
    "ecap_enable": "onoff",
    "email_err_data": "onoff",
    "err_html_text": "eol",
    "err_page_stylesheet": "string",
    "error_default_language": "string",
    "error_directory": "string",
    "error_log_languages": "onoff",
    "esi_parser": "string",
    "eui_lookup": "onoff",
    "forward_max_tries": "int",
    "forward_timeout": "time_t",
    "forwarded_for": "string",
    "fqdncache_size": "int",
    "ftp_client_idle_timeout": "time_t",
    "ftp_eprt": "onoff",
    "ftp_epsv_all": "onoff",
    "ftp_passive": "onoff",
    "ftp_sanitycheck": "onoff",
    "ftp_telnet_protocol": "onoff",
    "ftp_user": "string",
    "global_internal_static": "onoff",
    "half_closed_clients": "onoff",
    "happy_eyeballs_connect_gap": "int",
    "happy_eyeballs_connect_limit": "int",
    "happy_eyeballs_connect_timeout": "int",
    "high_memory_warning": "b_size_t",
    "high_page_fault_warning": "int",
    "high_response_time_warning": "int",
    "hopeless_kid_revival_delay": "time_t",
    "host_verify_strict": "onoff",
    "hosts_file": "string",
    "htcp_port": "u_short",
    "http_accel_surrogate_remote": "onoff",
    "httpd_accel_surrogate_id": "string",
    "httpd_suppress_version_string": "onoff",
    "icap_206_enable": "onoff",
    "icap_client_username_encode": "onoff",
    "icap_client_username_header": "string",
    "icap_connect_timeout": "time_t",
    "icap_default_options_ttl": "int",
    "icap_enable": "onoff",
    "icap_io_timeout": "time_t",
    "icap_persistent_connections": "onoff",
    "icap_preview_enable": "onoff",
    "icap_preview_size": "int",
    "icap_retry_limit": "int",
    "icap_send_client_ip": "onoff",
    "icap_send_client_username": "onoff",
    "icap_service_revival_delay": "int",
    "icap_uses_indirect_client": "onoff",
    "icon_directory": "string",
    "icp_hit_stale": "onoff",
    "icp_port": "u_short",
    "icp_query_timeout": "int",
    "ident_timeout": "time_t",
    "ignore_unknown_nameservers": "onoff",
    "incoming_dns_average": "int",
    "incoming_http_average": "int",
    "incoming_icp_average": "int",
    "incoming_tcp_average": "int",
    "incoming_udp_average": "int",
    "ipcache_high": "int",
    "ipcache_low": "int",
    "ipcache_size": "int",
    "log_icp_queries": "onoff",
    "log_mime_hdrs": "onoff",
    "log_uses_indirect_client": "onoff",
    "logfile_daemon": "string",
    "logfile_rotate": "int",
    "mail_from": "string",
    "mail_program": "eol",
    "max_filedesc": "int",
    "max_filedescriptors": "int",
    "max_open_disk_fds": "int",
    "max_stale": "time_t",
    "maximum_icp_query_timeout": "int",
    "maximum_object_size": "b_int64_t",
    "maximum_object_size_in_memory": "b_size_t",
    "mcast_icp_query_timeout": "int",
    "mcast_miss_addr": "address",
    "mcast_miss_encode_key": "string",
    "mcast_miss_port": "u_short",
    "mcast_miss_ttl": "u_short",
    "memory_cache_shared": "YesNoNone",
    "memory_pools": "onoff",
    "memory_pools_limit": "b_int64_t",
    "mime_table": "string",
    "min_dns_poll_cnt": "int",
    "min_http_poll_cnt": "int",
    "min_icp_poll_cnt": "int",
    "min_tcp_poll_cnt": "int",
    "min_udp_poll_cnt": "int",
    "minimum_direct_hops": "int",
    "minimum_direct_rtt": "int",
    "minimum_expiry_time": "time_t",
    "minimum_icp_query_timeout": "int",
    "minimum_object_size": "b_int64_t",
    "negative_dns_ttl": "time_t",
    "negative_ttl": "time_t",
    "netdb_filename": "string",
    "netdb_high": "int",
    "netdb_low": "int",
    "netdb_ping_period": "time_t",
    "nonhierarchical_direct": "onoff",
    "offline_mode": "onoff",
    "pconn_lifetime": "time_t",
    "pconn_timeout": "time_t",
    "peer_connect_timeout": "time_t",
    "persistent_connection_after_error": "onoff",
    "persistent_request_timeout": "time_t",
    "pid_filename": "string",
    "pinger_enable": "onoff",
    "pipeline_prefetch": "pipelinePrefetch",
    "positive_dns_ttl": "time_t",
    "prefer_direct": "onoff",
    "query_icmp": "onoff",
    "quick_abort_max": "kb_int64_t",
    "quick_abort_min": "kb_int64_t",
    "quick_abort_pct": "int",
    "read_ahead_gap": "b_int64_t",
    "read_timeout": "time_t",
    "redirect_children": "HelperChildConfig",
    "redirect_rewrites_host_header": "onoff",
    "redirector_bypass": "onoff",
    "refresh_all_ims": "onoff",
    "relaxed_header_parser": "tristate",
    "reload_into_ims": "onoff",
    "reply_header_max_size": "b_size_t",
    "request_body_max_size": "b_int64_t",
    "request_entities": "onoff",
    "request_header_max_size": "b_size_t",
    "request_start_timeout": "time_t",
    "request_timeout": "time_t",
    "retry_on_error": "onoff",
    "server_idle_pconn_timeout": "time_t",
    "server_persistent_connections": "onoff",
    "shared_memory_locking": "YesNoNone",
    "shared_transient_entries_limit": "int64_t",
    "short_icon_urls": "onoff",
    "shutdown_lifetime": "time_t",
    "sleep_after_fork": "int",
    "snmp_incoming_address": "address",
    "snmp_outgoing_address": "address",
    "snmp_port": "u_short",
    "ssl_engine": "string",
    "ssl_unclean_shutdown": "onoff",
    "sslcrtd_children": "HelperChildConfig",
    "sslcrtd_program": "eol",
    "sslcrtvalidator_children": "HelperChildConfig",
    "sslcrtvalidator_program": "eol",
    "sslpassword_program": "string",
    "sslproxy_cert_sign_hash": "string",
    "sslproxy_foreign_intermediate_certs": "string",
    "sslproxy_session_cache_size": "b_size_t",
    "sslproxy_session_ttl": "int",
    "store_avg_object_size": "b_int64_t",
    "store_dir_select_algorithm": "string",
    "store_id_bypass": "onoff",
    "store_id_children": "HelperChildConfig",
    "store_id_extras": "TokenOrQuotedString",
    "store_objects_per_bucket": "int",
    "storeurl_rewrite_bypass": "onoff",
    "storeurl_rewrite_children": "HelperChildConfig",
    "strip_query_terms": "onoff",
    "tcp_recv_bufsize": "b_size_t",
    "test_reachability": "onoff",
    "tproxy_uses_indirect_client": "onoff",
    "udp_incoming_address": "address",
    "udp_outgoing_address": "address",
    "udp_port": "u_short",
    "umask": "int",
    "unique_hostname": "string",
    "unlinkd_program": "string",
    "url_rewrite_bypass": "onoff",
    "url_rewrite_children": "HelperChildConfig",
    "url_rewrite_extras": "TokenOrQuotedString",
    "url_rewrite_host_header": "onoff",
    "vary_ignore_expire": "onoff",
    "via": "onoff",
    "visible_hostname": "string",
    "wccp2_address": "address",
    "wccp2_rebuild_wait": "onoff",
    "wccp2_weight": "int",
    "wccp_address": "address",
    "wccp_router": "address",
    "wccp_version": "int",
    "windows_ipaddrchangemonitor": "onoff",
    "workers": "int",
    "write_timeout": "time_t",
}

# src/cf.data.pre @ SQUID_5_7: DEFAULT: text for the names in SCALAR_TYPES ("none" = unset).
# cache_log and coredump_dir have only DEFAULT_IF_NONE:, used here. @NAME@ tokens are substituted
# in at build time (Debian: pid_filename /run/squid.pid, cache_effective_user proxy, ...).
# Debian's squid 5.7 build: what the @NAME@ words of the DEFAULT: lines above become (as its
# /etc/squid/squid.conf documents each "Default:").
BUILD_SUBSTITUTIONS: Final[dict[str, str]] = {
    "@DEFAULT_HOSTS@": "/etc/hosts",
    "@DEFAULT_PID_FILE@": "/run/squid.pid",
    "@DEFAULT_CACHE_EFFECTIVE_USER@": "proxy",
    "@DEFAULT_MIME_TABLE@": "/usr/share/squid/mime.conf",
    "@DEFAULT_ICON_DIR@": "/usr/share/squid/icons",
    "@DEFAULT_LOGFILED@": "/usr/lib/squid/log_file_daemon",
    "@DEFAULT_DISKD@": "/usr/lib/squid/diskd",
    "@DEFAULT_UNLINKD@": "/usr/lib/squid/unlinkd",
    "@DEFAULT_CACHE_LOG@": "/var/log/squid/cache.log",
    "@DEFAULT_CONFIG_DIR@": "/etc/squid",
}
DEFAULTS: Final[dict[str, str]] = {
    "accept_filter": "none",
    "acl_uses_indirect_client": "on",
    "adaptation_masterx_shared_names": "none",
    "adaptation_send_client_ip": "off",
    "adaptation_send_username": "off",
    "adaptation_service_iteration_limit": "16",
    "adaptation_uses_indirect_client": "on",
    "allow_underscore": "on",
    "announce_file": "none",
    "announce_host": "tracker.ircache.net",
    "announce_period": "0",
    "announce_port": "3131",
    "append_domain": "none",
    "as_whois_server": "whois.ra.net",
    "authenticate_cache_garbage_interval": "1 hour",
    "authenticate_ip_ttl": "1 second",
    "authenticate_ttl": "1 hour",
    "background_ping_rate": "10 seconds",
    "buffered_logs": "off",
    "cache_effective_group": "none",
    "cache_effective_user": "@DEFAULT_CACHE_EFFECTIVE_USER@",
    "cache_log": "@DEFAULT_CACHE_LOG@",
    "cache_mem": "256 MB",
    "cache_mgr": "webmaster",
    "cache_miss_revalidate": "on",
    "cache_store_log": "none",
    "cache_swap_high": "95",
    "cache_swap_log": "none",
    "cache_swap_low": "90",
    "cache_swap_state": "none",
    "check_hostnames": "off",
    "chroot": "none",
    "client_db": "on",
    "client_delay_initial_bucket_level": "50",
    "client_dst_passthru": "on",
    "client_idle_pconn_timeout": "2 minutes",
    "client_ip_max_connections": "-1",
    "client_lifetime": "1 day",
    "client_netmask": "no_addr",
    "client_persistent_connections": "on",
    "client_request_buffer_max_size": "512 KB",
    "collapsed_forwarding": "off",
    "collapsed_forwarding_shared_entries_limit": "16384",
    "configuration_includes_quoted_values": "off",
    "connect_retries": "0",
    "connect_timeout": "1 minute",
    "coredump_dir": "none",
    "dead_peer_timeout": "10 seconds",
    "debug_options": "ALL,1",
    "delay_initial_bucket_level": "50",
    "delay_pool_uses_indirect_client": "on",
    "detect_broken_pconn": "off",
    "digest_bits_per_entry": "5",
    "digest_generation": "on",
    "digest_rebuild_chunk_percentage": "10",
    "digest_rebuild_period": "1 hour",
    "digest_rewrite_period": "1 hour",
    "digest_swapout_chunk_size": "4096 bytes",
    "diskd_program": "@DEFAULT_DISKD@",
    "dns_defnames": "off",
    "dns_multicast_local": "off",
    "dns_packet_max": "none",
    "dns_retransmit_interval": "5 seconds",
    "dns_timeout": "30 seconds",
    "ecap_enable": "off",
    "email_err_data": "on",
    "err_html_text": "none",
    "err_page_stylesheet": "@DEFAULT_CONFIG_DIR@/errorpage.css",
    "error_default_language": "none",
    "error_directory": "none",
    "error_log_languages": "on",
    "esi_parser": "auto",
    "eui_lookup": "on",
    "forward_max_tries": "25",
    "forward_timeout": "4 minutes",
    "forwarded_for": "on",
    "fqdncache_size": "1024",
    "ftp_client_idle_timeout": "30 minutes",
    "ftp_eprt": "on",
    "ftp_epsv_all": "off",
    "ftp_passive": "on",
    "ftp_sanitycheck": "on",
    "ftp_telnet_protocol": "on",
    "ftp_user": "Squid@",
    "global_internal_static": "on",
    "half_closed_clients": "off",
    "happy_eyeballs_connect_gap": "-1",
    "happy_eyeballs_connect_limit": "-1",
    "happy_eyeballs_connect_timeout": "250",
    "high_memory_warning": "0 KB",
    "high_page_fault_warning": "0",
    "high_response_time_warning": "0",
    "hopeless_kid_revival_delay": "1 hour",
    "host_verify_strict": "off",
    "hosts_file": "@DEFAULT_HOSTS@",
    "htcp_port": "0",
    "http_accel_surrogate_remote": "off",
    "httpd_accel_surrogate_id": "none",
    "httpd_suppress_version_string": "off",
    "icap_206_enable": "on",
    "icap_client_username_encode": "off",
    "icap_client_username_header": "X-Client-Username",
    "icap_connect_timeout": "none",
    "icap_default_options_ttl": "60",
    "icap_enable": "off",
    "icap_io_timeout": "none",
    "icap_persistent_connections": "on",
    "icap_preview_enable": "on",
    "icap_preview_size": "-1",
    "icap_retry_limit": "0",
    "icap_send_client_ip": "off",
    "icap_send_client_username": "off",
    "icap_service_revival_delay": "180",
    "icap_uses_indirect_client": "on",
    "icon_directory": "@DEFAULT_ICON_DIR@",
    "icp_hit_stale": "off",
    "icp_port": "0",
    "icp_query_timeout": "0",
    "ident_timeout": "10 seconds",
    "ignore_unknown_nameservers": "on",
    "incoming_dns_average": "4",
    "incoming_http_average": "4",
    "incoming_icp_average": "6",
    "incoming_tcp_average": "4",
    "incoming_udp_average": "6",
    "ipcache_high": "95",
    "ipcache_low": "90",
    "ipcache_size": "1024",
    "log_icp_queries": "on",
    "log_mime_hdrs": "off",
    "log_uses_indirect_client": "on",
    "logfile_daemon": "@DEFAULT_LOGFILED@",
    "logfile_rotate": "10",
    "mail_from": "none",
    "mail_program": "mail",
    "max_filedesc": "0",
    "max_filedescriptors": "0",
    "max_open_disk_fds": "0",
    "max_stale": "1 week",
    "maximum_icp_query_timeout": "2000",
    "maximum_object_size": "4 MB",
    "maximum_object_size_in_memory": "512 KB",
    "mcast_icp_query_timeout": "2000",
    "mcast_miss_addr": "no_addr",
    "mcast_miss_encode_key": "X" * 16,  # sixteen capital X, as cf.data.pre spells it
    "mcast_miss_port": "3135",
    "mcast_miss_ttl": "16",
    "memory_cache_shared": "none",
    "memory_pools": "on",
    "memory_pools_limit": "5 MB",
    "mime_table": "@DEFAULT_MIME_TABLE@",
    "min_dns_poll_cnt": "8",
    "min_http_poll_cnt": "8",
    "min_icp_poll_cnt": "8",
    "min_tcp_poll_cnt": "8",
    "min_udp_poll_cnt": "8",
    "minimum_direct_hops": "4",
    "minimum_direct_rtt": "400",
    "minimum_expiry_time": "60 seconds",
    "minimum_icp_query_timeout": "5",
    "minimum_object_size": "0 KB",
    "negative_dns_ttl": "1 minutes",
    "negative_ttl": "0 seconds",
    "netdb_filename": "stdio:@DEFAULT_NETDB_FILE@",
    "netdb_high": "1000",
    "netdb_low": "900",
    "netdb_ping_period": "5 minutes",
    "nonhierarchical_direct": "on",
    "offline_mode": "off",
    "pconn_lifetime": "0 seconds",
    "pconn_timeout": "1 minute",
    "peer_connect_timeout": "30 seconds",
    "persistent_connection_after_error": "on",
    "persistent_request_timeout": "2 minutes",
    "pid_filename": "@DEFAULT_PID_FILE@",
    "pinger_enable": "on",
    "pipeline_prefetch": "0",
    "positive_dns_ttl": "6 hours",
    "prefer_direct": "off",
    "query_icmp": "off",
    "quick_abort_max": "16 KB",
    "quick_abort_min": "16 KB",
    "quick_abort_pct": "95",
    "read_ahead_gap": "16 KB",
    "read_timeout": "15 minutes",
    "redirect_children": "20 startup=0 idle=1 concurrency=0",
    "redirect_rewrites_host_header": "on",
    "redirector_bypass": "off",
    "refresh_all_ims": "off",
    "relaxed_header_parser": "on",
    "reload_into_ims": "off",
    "reply_header_max_size": "64 KB",
    "request_body_max_size": "0 KB",
    "request_entities": "off",
    "request_header_max_size": "64 KB",
    "request_start_timeout": "5 minutes",
    "request_timeout": "5 minutes",
    "retry_on_error": "off",
    "server_idle_pconn_timeout": "1 minute",
    "server_persistent_connections": "on",
    "shared_memory_locking": "off",
    "shared_transient_entries_limit": "16384",
    "short_icon_urls": "on",
    "shutdown_lifetime": "30 seconds",
    "sleep_after_fork": "0",
    "snmp_incoming_address": "any_addr",
    "snmp_outgoing_address": "no_addr",
    "snmp_port": "0",
    "ssl_engine": "none",
    "ssl_unclean_shutdown": "off",
    "sslcrtd_children": "32 startup=5 idle=1",
    "sslcrtd_program": "@DEFAULT_SSL_CRTD@ -s @DEFAULT_SSL_DB_DIR@ -M 4MB",
    "sslcrtvalidator_children": "32 startup=5 idle=1 concurrency=1",
    "sslcrtvalidator_program": "none",
    "sslpassword_program": "none",
    "sslproxy_cert_sign_hash": "none",
    "sslproxy_foreign_intermediate_certs": "none",
    "sslproxy_session_cache_size": "2 MB",
    "sslproxy_session_ttl": "300",
    "store_avg_object_size": "13 KB",
    "store_dir_select_algorithm": "least-load",
    "store_id_bypass": "on",
    "store_id_children": "20 startup=0 idle=1 concurrency=0",
    "store_id_extras": '"%>a/%>A %un %>rm myip=%la myport=%lp"',
    "store_objects_per_bucket": "20",
    "storeurl_rewrite_bypass": "on",
    "storeurl_rewrite_children": "20 startup=0 idle=1 concurrency=0",
    "strip_query_terms": "on",
    "tcp_recv_bufsize": "0 bytes",
    "test_reachability": "off",
    "tproxy_uses_indirect_client": "off",
    "udp_incoming_address": "any_addr",
    "udp_outgoing_address": "no_addr",
    "udp_port": "0",
    "umask": "027",
    "unique_hostname": "none",
    "unlinkd_program": "@DEFAULT_UNLINKD@",
    "url_rewrite_bypass": "off",
    "url_rewrite_children": "20 startup=0 idle=1 concurrency=0",
    "url_rewrite_extras": '"%>a/%>A %un %>rm myip=%la myport=%lp"',
    "url_rewrite_host_header": "on",
    "vary_ignore_expire": "off",
    "via": "on",
    "visible_hostname": "none",
    "wccp2_address": "0.0.0.0",
    "wccp2_rebuild_wait": "on",
    "wccp2_weight": "10000",
    "wccp_address": "0.0.0.0",
    "wccp_router": "any_addr",
    "wccp_version": "4",
    "windows_ipaddrchangemonitor": "on",
    "workers": "1",
    "write_timeout": "15 minutes",
}
