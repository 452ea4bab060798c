"""Every lint rule, one module each, listed explicitly (no discovery by scanning), by code."""

from __future__ import annotations

from squidcarp.lint.rule import Rule
from squidcarp.lint.rules import (
    access_line_dropped,
    acl_file_missing,
    acl_value,
    always_direct_implicit,
    backslash_blank,
    carp_connect_dead,
    carp_digest,
    carp_icp_query,
    carp_key_order,
    carp_key_parts,
    carp_load_factor,
    carp_name_bytes,
    carp_selection_precedence,
    carp_weight_sum,
    carp_weight_tie,
    carp_zero_factor,
    config_syntax,
    continuation_at_eof,
    duplicate_peer_name,
    empty_peer_name,
    htcp_mode,
    if_reactivates,
    include_cycle,
    include_missing,
    include_relative,
    legacy_peer_option,
    long_line,
    maxconn_standby,
    mcast_groups_address,
    mcast_groups_no_icp,
    multicast_icp_port,
    multicast_peer_abort,
    multicast_peer_address,
    multicast_responder,
    multicast_ttl,
    neighbor_type_domain_carp,
    netdb_direct,
    non_parent_method,
    obsolete_directive,
    parameters_literal,
    peer_bungled,
    peer_tls,
    prefer_direct_carp,
    repeated_peer_option,
    unknown_directive,
    unknown_peer_option,
    unknown_peer_reference,
    unknown_peer_type,
    via_off,
    weight_not_positive,
    weight_unused,
)

RULES: tuple[Rule, ...] = tuple(
    Rule.from_module(m)
    for m in (
        unknown_directive,  # SC001
        obsolete_directive,  # SC002
        config_syntax,  # SC003
        include_missing,  # SC004
        include_cycle,  # SC005
        include_relative,  # SC006
        long_line,  # SC007
        backslash_blank,  # SC008
        continuation_at_eof,  # SC009
        parameters_literal,  # SC010
        acl_file_missing,  # SC011
        if_reactivates,  # SC012
        acl_value,  # SC013
        access_line_dropped,  # SC014
        peer_bungled,  # SC101
        non_parent_method,  # SC102
        carp_key_order,  # SC103
        carp_key_parts,  # SC104
        htcp_mode,  # SC105
        unknown_peer_option,  # SC106
        legacy_peer_option,  # SC107
        carp_load_factor,  # SC108
        unknown_peer_type,  # SC109
        duplicate_peer_name,  # SC110
        empty_peer_name,  # SC111
        carp_name_bytes,  # SC112
        peer_tls,  # SC113
        maxconn_standby,  # SC114
        weight_not_positive,  # SC120
        carp_zero_factor,  # SC121
        carp_weight_sum,  # SC122
        weight_unused,  # SC123
        carp_weight_tie,  # SC124
        repeated_peer_option,  # SC125
        multicast_peer_address,  # SC130
        multicast_ttl,  # SC131
        multicast_icp_port,  # SC132
        multicast_responder,  # SC133
        mcast_groups_address,  # SC134
        mcast_groups_no_icp,  # SC135
        multicast_peer_abort,  # SC136
        carp_icp_query,  # SC140
        carp_digest,  # SC141
        prefer_direct_carp,  # SC142
        unknown_peer_reference,  # SC143
        neighbor_type_domain_carp,  # SC144
        carp_selection_precedence,  # SC145
        netdb_direct,  # SC150
        carp_connect_dead,  # SC151
        always_direct_implicit,  # SC152
        via_off,  # SC153
    )
)


def by_code() -> dict[str, Rule]:
    return {r.code: r for r in RULES}
