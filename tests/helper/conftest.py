"""Shared pieces of the helper tests: rule files and a Service answering bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from squidcarp.helper.formats import AclLayout, ExtrasLayout
from squidcarp.helper.protocol import Decoder
from squidcarp.helper.roles import Role
from squidcarp.helper.runner import Service

EXTRAS = b" 10.0.0.7/10.0.0.7 - GET myip=127.0.0.2 myport=3128"

RULES_YAML = """\
exceptions:
  domains: [.windowsupdate.com, intranet.example.org]
  url_regex: ['^http://[^/]*example\\.net/nocache/']
  clients: [10.1.0.0/16]
"""

SQUID_CONF = """\
http_port 3128
never_direct allow all
cache_peer 10.1.0.11 parent 3128 0 carp weight=2 name=cache1.example.net no-query no-digest
cache_peer 10.1.0.12 parent 3128 0 carp weight=3 name=cache2.example.net no-query no-digest
cache_peer 10.1.0.13 parent 3128 0 carp weight=5 name=cache3.example.net no-query no-digest
"""


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES_YAML)
    return path


@pytest.fixture
def squid_conf(tmp_path: Path) -> Path:
    path = tmp_path / "squid.conf"
    path.write_text(SQUID_CONF)
    return path


def make_service(build: Callable[[], Role], paths: list[str], layout: ExtrasLayout | AclLayout,
                 log: list[str]) -> Service:
    service = Service(Decoder(layout), build, paths, log.append, interval=0.0)
    service.start()
    return service
