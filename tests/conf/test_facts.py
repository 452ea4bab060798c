"""Checks for the Squid fact tables in squidcarp.conf.facts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from squidcarp.conf.facts.acl import LIST_DIRECTIVES
from squidcarp.conf.facts.directives import (
    CONDITIONAL_REQUIRES,
    DIRECTIVE_ALIASES,
    DIRECTIVES,
    DIRECTIVES_BY_VERSION,
    OBSOLETE_DIRECTIVES,
    OBSOLETE_STILL_PARSED,
)
from squidcarp.conf.facts.peer import (
    PEER_OPTION_ORDER,
    PEER_OPTIONS_SQUID2_ONLY,
    match_peer_option,
    match_peer_tls_option,
)
from squidcarp.conf.facts.scalars import DEFAULTS, SCALAR_TYPES

SQUID = "/usr/sbin/squid"


def test_core_directives_recognised() -> None:
    for name in ("http_port", "cache_peer", "cache_peer_access", "mcast_groups", "udp_port"):
        assert name in DIRECTIVES
    assert DIRECTIVE_ALIASES["udp_port"] == "icp_port"
    assert DIRECTIVE_ALIASES["http_access2"] == "adapted_http_access"


def test_names_are_case_sensitive_and_exact() -> None:
    recognised = DIRECTIVES | OBSOLETE_DIRECTIVES
    assert "HTTP_PORT" not in recognised
    assert "frobnicate" not in recognised
    # an internal flag of src/neighbors.cc, never a squid.conf directive
    assert "neighbors_do_private_keys" not in recognised
    assert "include" not in DIRECTIVES  # a statement parseOneConfigFile handles itself


def test_obsolete_is_separate_from_active() -> None:
    assert "cache_peer_domain" in OBSOLETE_DIRECTIVES
    assert "cache_host_domain" in OBSOLETE_DIRECTIVES
    assert "cache_peer_domain" not in DIRECTIVES
    assert not DIRECTIVES & OBSOLETE_DIRECTIVES
    assert set(OBSOLETE_STILL_PARSED) <= OBSOLETE_DIRECTIVES


def test_conditional_directives_are_still_recognised() -> None:
    assert set(CONDITIONAL_REQUIRES) <= DIRECTIVES
    assert CONDITIONAL_REQUIRES["esi_parser"] == "--enable-esi"
    assert CONDITIONAL_REQUIRES["ssl_bump"] == "--with-openssl"
    # compiled into Debian's build (IFDEF: USE_HTCP), so not listed as conditional
    assert "htcp_port" in DIRECTIVES
    assert "htcp_port" not in CONDITIONAL_REQUIRES


def test_version_tables() -> None:
    v5, v6, v7 = (DIRECTIVES_BY_VERSION[v] for v in ("5", "6", "7"))
    assert v5 == DIRECTIVES
    assert "cache_log_message" in v6 - v5
    assert "cache_log_message" in v7
    assert "announce_period" in v5 and "announce_period" not in v6  # obsolete in 6
    assert "ident_timeout" in v6 and "ident_timeout" not in v7
    assert "cache_peer" in v6 and "cache_peer" in v7


def test_list_directives() -> None:
    for name in ("acl", "http_access", "cache_peer_access", "tcp_outgoing_address", "note"):
        assert name in LIST_DIRECTIVES
    for name in ("deny_info", "cache_peer", "mcast_groups", "url_rewrite_program"):
        assert name not in LIST_DIRECTIVES
    assert LIST_DIRECTIVES <= DIRECTIVES


def test_cache_peer_options_5() -> None:
    assert ("carp", "exact") in PEER_OPTION_ORDER
    assert not any(key.startswith("carp-load") for key, _ in PEER_OPTION_ORDER)
    assert match_peer_option("carp-load-factor=0.5") is None
    assert PEER_OPTIONS_SQUID2_ONLY["carp-load-factor="] == "prefix"
    assert ("weight=", "prefix") in PEER_OPTION_ORDER
    assert ("front-end-https=on", "exact") in PEER_OPTION_ORDER
    assert len(PEER_OPTION_ORDER) == 44  # the same 44 tests in 5.7, 6.14 and 7.6
    assert match_peer_option("weight=3") == "weight="
    assert match_peer_option("CARP") is None
    assert match_peer_option("front-end-https=off") is None
    assert match_peer_option("htcp-oldsquid") == "htcp-"
    assert match_peer_option("tls-cafile=/x") == "tls-"
    assert match_peer_option("sslcafile=/x") == "ssl"
    assert match_peer_tls_option("cafile=/x") == "cafile="
    assert match_peer_tls_option("") == ""
    assert match_peer_tls_option("bogus=1") is None
    for legacy in ("monitorurl=", "idle=", "http11"):
        assert match_peer_option(legacy + ("x" if legacy.endswith("=") else "")) is None


def test_scalar_types_and_defaults() -> None:
    expect = {
        "icp_port": ("u_short", "0"),
        "udp_port": ("u_short", "0"),
        "htcp_port": ("u_short", "0"),
        "mcast_icp_query_timeout": ("int", "2000"),
        "dead_peer_timeout": ("time_t", "10 seconds"),
        "icp_query_timeout": ("int", "0"),
        "digest_generation": ("onoff", "on"),
        "digest_rebuild_period": ("time_t", "1 hour"),
        "digest_swapout_chunk_size": ("b_size_t", "4096 bytes"),
        "prefer_direct": ("onoff", "off"),
        "nonhierarchical_direct": ("onoff", "on"),
        "url_rewrite_bypass": ("onoff", "off"),
        "store_id_bypass": ("onoff", "on"),
        "peer_connect_timeout": ("time_t", "30 seconds"),
        "visible_hostname": ("string", "none"),
        "configuration_includes_quoted_values": ("configuration_includes_quoted_values", "off"),
    }
    for name, (typ, default) in expect.items():
        assert SCALAR_TYPES[name] == typ, name
        assert DEFAULTS[name] == default, name
    assert SCALAR_TYPES["url_rewrite_children"] == "HelperChildConfig"
    assert set(SCALAR_TYPES) == set(DEFAULTS)


def _parse(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    conf = tmp_path / "squid.conf"
    conf.write_text(text)
    return subprocess.run(
        [SQUID, "-k", "parse", "-f", str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )


@pytest.mark.squid
@pytest.mark.skipif(shutil.which(SQUID) is None, reason="needs the Squid 5.7 binary")
def test_against_squid_binary(tmp_path: Path) -> None:
    # Names that must not be counted: active, alias, compiled-out, obsolete.
    ok = ["http_port 3128", "udp_port 0", "esi_parser libxml2", "cache_peer_domain x .y"]
    bad = ["HTTP_PORT 3128", "frobnicate on", "cache_log_message id=1 level=1"]
    res = _parse(tmp_path, "\n".join(ok + bad) + "\n")
    assert res.returncode == len(bad)
    out = res.stdout + res.stderr
    assert "ERROR: 'esi_parser' requires --enable-esi" in out
    assert "ERROR: Directive 'cache_peer_domain' is obsolete." in out
