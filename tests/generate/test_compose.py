"""compose.yaml and the Dockerfile: the array file's ``compose`` section and ``listen_all``,
the network's gateway, health checks and start order, and template layers that extend the
built-in templates (``builtin/...``) with ``vars``."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from squidcarp.generate.arrayfile import ArrayFileError, array_from_text
from squidcarp.generate.nodes import compose_name, compose_network, listening_pattern, render_array
from squidcarp.generate.templates import TemplateError

TWO_LAYER = """\
name: Demo.Array
members:
  - {name: FE1.example, role: frontend, address: 10.5.0.1, listen_all: true}
  - {name: fe2.example, role: frontend, address: 10.5.0.2, http_port: 8080}
  - {name: p1.example, role: parent, address: 10.5.0.254}
  - {name: p2.example, role: parent, address: 10.5.1.7, weight: 2}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ArrayFileError) as info:
        array_from_text(text, "array.yaml")
    return [str(p) for p in info.value.problems]


def compose_of(text: str, templates: Path | None = None, **variables: object) -> dict:  # type: ignore[type-arg]
    files = render_array(array_from_text(text, "array.yaml"), templates, variables)
    return yaml.safe_load(files["compose.yaml"])  # type: ignore[no-any-return]


def test_services_networks_health_and_start_order() -> None:
    compose = compose_of(TWO_LAYER)
    assert compose["name"] == "demo-array"
    assert list(compose["services"]) == ["fe1-example", "fe2-example", "p1-example", "p2-example"]
    # two /24s hold the members: a /23; the gateway is the highest address no member has
    assert compose["networks"] == {"array": {"ipam": {"config": [
        {"subnet": "10.5.0.0/23", "gateway": "10.5.1.254"}]}}}
    fe1, fe2, p1 = (compose["services"][s] for s in ("fe1-example", "fe2-example", "p1-example"))
    assert {s["image"] for s in compose["services"].values()} == {"demo-array-squid"}
    assert all(s["build"] == "." and s["pull_policy"] == "build"
               for s in compose["services"].values())
    assert fe1["hostname"] == "FE1.example"
    assert fe1["networks"] == {"array": {"ipv4_address": "10.5.0.1"}}
    assert fe1["ports"] == [{"target": 3128}]
    assert fe2["ports"] == [{"target": 8080}]
    assert fe1["depends_on"] == {"p1-example": {"condition": "service_healthy"},
                                 "p2-example": {"condition": "service_healthy"}}
    assert "ports" not in p1 and "depends_on" not in p1
    assert fe2["healthcheck"] == {
        "test": ["CMD", "grep", "-qsE", ":1F90 [0-9A-F]+:0000 0A ", "/proc/net/tcp",
                 "/proc/net/tcp6"],
        "interval": "2s", "timeout": "2s", "retries": 30}
    assert fe1["volumes"] == ["./FE1.example/squid.conf:/etc/squid/squid.conf:ro"]


def test_listen_all_binds_the_client_port_on_every_address() -> None:
    files = render_array(array_from_text(TWO_LAYER, "array.yaml"))
    assert "\nhttp_port 3128\n" in files["FE1.example/squid.conf"].decode()
    assert "\nhttp_port 10.5.0.2:8080\n" in files["fe2.example/squid.conf"].decode()
    # browsers still reach a member on its address
    flat = render_array(array_from_text(
        "name: f\nmembers:\n  - {name: m1, address: 10.0.0.1, listen_all: true}\n"
        "  - {name: m2, address: 10.0.0.2}\n", "array.yaml"))
    m1 = flat["m1/squid.conf"].decode()
    assert "\nhttp_port 3128 name=clients\nhttp_port 10.0.0.1:3129 name=intra\n" in m1
    assert b'proxy: "PROXY 10.0.0.1:3128"}' in flat["proxy.pac"]


def test_publish_internal_and_same_host_ports() -> None:
    text = TWO_LAYER.replace("address: 10.5.0.2, http_port: 8080}",
                             "address: 10.5.0.2, http_port: 8080, listen_all: true}")
    text += "compose: {publish: 127.0.0.1, host_port: same, internal: true}\n"
    compose = compose_of(text)
    fe1, fe2, p2 = (compose["services"][s] for s in ("fe1-example", "fe2-example", "p2-example"))
    assert fe1["ports"] == [{"target": 3128, "published": "3128", "host_ip": "127.0.0.1"}]
    assert fe2["ports"] == [{"target": 8080, "published": "8080", "host_ip": "127.0.0.1"}]
    assert fe1["networks"] == {"array": {"ipv4_address": "10.5.0.1"}, "public": {}}
    assert p2["networks"] == {"array": {"ipv4_address": "10.5.1.7"}}
    assert compose["networks"] == {
        "array": {"internal": True,
                  "ipam": {"config": [{"subnet": "10.5.0.0/23", "gateway": "10.5.1.254"}]}},
        "public": {}}


def test_names_for_addresses_give_no_subnet() -> None:
    text = ("name: h\nmembers:\n  - {name: a, address: a.example}\n"
            "  - {name: b, address: 10.0.0.2}\n")
    spec = array_from_text(text, "array.yaml")
    assert compose_network(spec) is None
    compose = compose_of(text)
    assert compose["networks"] == {"array": {}}
    assert compose["services"]["a"]["networks"] == {"array": {}}
    assert compose["services"]["b"]["ports"] == [{"target": 3128}]


def test_compose_problems() -> None:
    two_entries = ("name: a\nmembers:\n  - {name: fe, role: frontend, address: 10.0.0.1}\n"
                   "  - {name: fe2, role: frontend, address: 10.0.0.2, listen_all: true}\n"
                   "  - {name: p, role: parent, address: 10.0.0.3}\n")
    assert problems(two_entries + "compose: {internal: true, host_port: same, "
                                  "publish: localhost}\n") == [
        "array.yaml:3: members[0]: compose.internal: Docker publishes this entry point's port "
        "through its 'public' network, whose address its http_port does not bind: give it "
        "listen_all: true",
        "array.yaml:4: members[1]: compose.host_port same: host port 3128 is published for "
        "members[0] already",
        "array.yaml:6: compose.publish: 'localhost' is not an IP address (Docker publishes on "
        "a host address)",
    ]
    assert problems(two_entries + "compose: {host_port: 3128}\n") == [
        "array.yaml:6: compose.host_port: 3128 is not one of ['any', 'same']"]
    assert problems(two_entries + "compose: {ports: []}\n") == [
        "array.yaml:6: compose.ports: unknown key (expected one of host_port, internal, "
        "publish)"]


def test_compose_names() -> None:
    assert compose_name("Cache1.Example.NET") == "cache1-example-net"
    assert compose_name("a_b-c") == "a_b-c"


def test_a_layer_extends_the_builtin_templates_with_vars(tmp_path: Path) -> None:
    (tmp_path / "array").mkdir()
    (tmp_path / "array" / "compose.yaml.j2").write_text(
        '{% extends "builtin/array/compose.yaml.j2" %}\n'
        "{% block header %}\n# mine\n{% endblock %}\n"
        "{% block services %}\n  web:\n    image: {{ vars.image }}\n{% endblock %}\n")
    (tmp_path / "array" / "Dockerfile.j2").write_text(
        '{% extends "builtin/array/Dockerfile.j2" %}\n'
        "{% block packages %}{{ super() }} {{ vars.package }}{% endblock %}\n")
    spec = array_from_text(TWO_LAYER, "array.yaml")
    plain = render_array(spec)
    layered = render_array(spec, tmp_path, {"image": "nginx:1", "package": "curl"})
    text = layered["compose.yaml"].decode()
    assert text.startswith("# mine\n# Every member runs the image")
    head, _, rest = plain["compose.yaml"].decode().partition("name: demo-array\n")
    assert text == "# mine\n" + head.split("\n", 3)[3] + "name: demo-array\n" + rest.replace(
        "networks:\n  array:\n    ipam:", "  web:\n    image: nginx:1\nnetworks:\n  array:\n"
        "    ipam:")
    assert layered["Dockerfile"] == plain["Dockerfile"].replace(b" squid \\", b" squid curl \\")
    # the squid.conf files and the PAC are the built-in ones
    assert {k: v for k, v in layered.items() if k not in ("compose.yaml", "Dockerfile")} == {
        k: v for k, v in plain.items() if k not in ("compose.yaml", "Dockerfile")}
    with pytest.raises(TemplateError) as err:
        render_array(spec, tmp_path)
    assert str(err.value).endswith("'dict object' has no attribute 'image'")


def test_the_health_check_finds_a_listening_socket_only() -> None:
    """The compose health check's very command on this machine's /proc/net/tcp: a socket
    listening on the port is found; connected sockets using the port are not."""
    def check(port: int) -> int:
        return subprocess.run(["grep", "-qsE", listening_pattern(port), "/proc/net/tcp",
                               "/proc/net/tcp6"], check=False).returncode

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    served, _ = listener.accept()
    try:
        assert check(port) == 0
        listener.close()
        assert check(port) == 1  # the two ends of the connection are still there
    finally:
        for s in (client, served, listener):
            s.close()
