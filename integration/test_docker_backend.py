"""The harness's Docker array: an array file rendered by ``squidcarp.generate`` (with the
harness's template layer), committed current, parsed clean by Squid and lint, and run by
``docker compose`` where an engine answers."""

from __future__ import annotations

import collections
import ipaddress
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from integration.harness import SquidParser
from integration.harness.compose import (
    ACCESS_LOG,
    GENERATED,
    ORIGIN_NAMES,
    ORIGIN_PORT,
    ORIGIN_SCRIPT,
    harness_array,
    render_all,
    stale_files,
)
from integration.harness.docker_backend import (
    DockerCarpArray,
    DockerUnavailable,
    docker_available,
    free_subnet,
    relocate,
)
from squidcarp.conf import read_bytes
from squidcarp.generate.nodes import carp_array, compose_network
from squidcarp.lint.diagnostic import Severity
from squidcarp.lint.engine import LintOptions, lint

URLS = [f"http://origin.test/docker/{i}" for i in range(60)]
SPEC = harness_array()
CONFS = {name: data for name, data in render_all().items() if name.endswith("/squid.conf")}


def test_the_committed_files_are_what_the_array_file_generates() -> None:
    assert stale_files(render_all()) == [], "run: python -m integration.harness.compose --write"


@pytest.mark.parametrize("name", sorted(CONFS))
def test_every_generated_config_parses_and_lints_clean(
    name: str, oracle: SquidParser, tmp_path: Path
) -> None:
    text = CONFS[name].decode("utf-8", "surrogateescape")
    result = oracle.parse_text(text, tmp_path)
    assert (result.exit_code, result.messages) == (0, ()), result.output
    found = [f"{d.line}:{d.column} {d.code} {d.message}"
             for d in lint(read_bytes(CONFS[name], name), LintOptions())
             if d.severity is not Severity.INFO]
    assert found == []
    # what the harness reads and how nodes stay isolated
    for line in ("dns_nameservers 127.0.0.11", "pinger_enable off", "netdb_filename none",
                 f"access_log stdio:{ACCESS_LOG} harness"):
        assert line in result.processed


def test_the_compose_file_runs_the_array_file() -> None:
    compose = yaml.safe_load((GENERATED / "compose.yaml").read_text())
    services = compose["services"]
    assert list(services) == ["frontend", "alpha", "beta", "gamma", "origin"]
    subnet, gateway = compose_network(SPEC) or pytest.fail("no subnet")
    assert compose["networks"] == {
        "array": {"internal": True,
                  "ipam": {"config": [{"subnet": str(subnet), "gateway": str(gateway)}]}},
        "public": {}}
    # one image for every service, built from the generated Dockerfile
    assert {(s["build"], s["image"], s["pull_policy"]) for s in services.values()} == {
        (".", "squidcarp-harness-squid", "build")}
    for member in SPEC.members:
        service = services[member.name]
        assert service["hostname"] == member.name
        assert service["networks"]["array"] == {"ipv4_address": member.address}
        mount = service["volumes"][0].rsplit(":", 2)
        assert mount[1:] == ["/etc/squid/squid.conf", "ro"]
        assert (GENERATED / mount[0]).read_bytes() == CONFS[f"{member.name}/squid.conf"]
        assert service["healthcheck"]["test"] == [
            "CMD", "grep", "-qsE", f":{member.http_port:04X} [0-9A-F]+:0000 0A ",
            "/proc/net/tcp", "/proc/net/tcp6"]
    frontend = services["frontend"]
    assert set(frontend["networks"]) == {"array", "public"}
    assert frontend["ports"] == [{"target": 3128, "published": "3128", "host_ip": "127.0.0.1"}]
    assert frontend["depends_on"] == {
        p: {"condition": "service_healthy"} for p in ("alpha", "beta", "gamma")}
    assert all("ports" not in services[p] and "depends_on" not in services[p]
               for p in ("alpha", "beta", "gamma", "origin"))
    origin = services["origin"]
    assert origin["command"] == ["python3", "/opt/harness/origin.py", "--host", "0.0.0.0",
                                 "--port", str(ORIGIN_PORT)]
    script, target, mode = origin["volumes"][0].split(":")
    assert ((GENERATED / script).resolve(), target, mode) == (
        ORIGIN_SCRIPT, "/opt/harness/origin.py", "ro")
    assert origin["networks"]["array"] == {
        "ipv4_address": str(subnet.network_address + 80), "aliases": list(ORIGIN_NAMES)}
    assert ("apt-get install -y --no-install-recommends squid python3 \\\n"
            in (GENERATED / "Dockerfile").read_text())


def test_a_run_moves_the_array_to_a_free_subnet_and_any_host_port() -> None:
    used = [ipaddress.IPv4Network("10.192.0.0/11")]
    subnet = free_subnet(24, used, random.Random(7))
    assert subnet.prefixlen == 24 and not subnet.overlaps(used[0])
    moved = relocate(SPEC, subnet)
    assert [str(ipaddress.IPv4Address(m.address)) for m in moved.members] == [
        str(subnet.network_address + n) for n in (11, 21, 22, 23)]
    assert moved.compose.host_port == "any" and moved.compose.internal
    assert [m.name for m in moved.members] == [m.name for m in SPEC.members]


@pytest.fixture(scope="module")
def docker_array() -> Iterator[DockerCarpArray]:
    try:
        docker_available()
    except DockerUnavailable as exc:
        pytest.skip(f"Docker backend not exercised: {exc}")
    with DockerCarpArray(SPEC) as array:
        yield array


def test_docker_array_routes_every_url_to_a_parent_and_repeats(
    docker_array: DockerCarpArray,
) -> None:
    first = [docker_array.request(url) for url in URLS]
    assert all(s.status == 200 and s.hierarchy == "CARP" for s in first)
    counts = collections.Counter(s.parent_name for s in first)
    print("docker per-parent counts:", dict(counts))
    assert set(counts) == {"alpha", "beta", "gamma"}
    predicted = carp_array(SPEC)
    assert [s.parent_name for s in first] == [predicted.owner(url).label  # type: ignore[union-attr]
                                              for url in URLS]
    assert [docker_array.request(url).parent_name for url in URLS] == [s.parent_name for s in first]
    assert [r.name for r in docker_array.mgr_carp()] == ["alpha", "beta", "gamma"]
