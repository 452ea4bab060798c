"""Squid configs for the local-process backend's nodes, rendered from
``templates/harness/*.conf.j2``; the ``NodeContext`` says each node's paths, addresses and
resolver. (The Docker array is an array file rendered by ``squidcarp.generate``: compose.py.)
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .topology import CarpArraySpec, Endpoint, Placement

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = REPO_ROOT / "templates" / "harness"
HELPERS_DIR = REPO_ROOT / "integration" / "helpers_fixtures"

LOOPBACK_CLIENTS = "127.0.0.0/8 ::1"


@dataclass(frozen=True)
class NodeContext:
    """Where one node keeps its files and how it resolves names, as seen by that node."""

    visible_hostname: str
    workdir: str
    http_ports: tuple[str, ...]
    hosts_file: str
    dns_nameservers: str = "127.0.0.1"
    clients: str = LOOPBACK_CLIENTS
    outgoing_address: str | None = None  # source address for connections to peers/origins
    accel_listen: str | None = None  # a frontend's accel http_port, when the spec has one


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def system_python() -> str:
    """An interpreter user ``proxy`` can run (helpers run as that user)."""
    return shutil.which("python3", path="/usr/bin:/bin") or sys.executable


class Renderer:
    """Renders node configs; build one and reuse it (the Jinja environment is built once)."""

    def __init__(self) -> None:
        self._env = _environment()

    def _context(self, node: NodeContext, **extra: Any) -> dict[str, Any]:
        return {"node": node, "python": system_python(), "helpers_dir": str(HELPERS_DIR), **extra}

    def render_string(self, text: str, context: dict[str, Any]) -> str:
        return self._env.from_string(text).render(context)

    def node(self, node: NodeContext, body: str, **extra: Any) -> str:
        """A standalone node: isolation section, the test's ``body`` (itself a template), and
        loopback-only access rules after it."""
        context = self._context(node, **extra)
        rendered_body = self.render_string(body, context)
        return self._env.get_template("node.conf.j2").render(context, body=rendered_body)

    def _array_context(
        self, spec: CarpArraySpec, placement: Placement, node: NodeContext
    ) -> dict[str, Any]:
        parents = [
            {
                "name": p.name,
                "weight": p.weight,
                "carp_key": p.carp_key,
                "options": p.options,
                "host": ep.host,
                "port": ep.port,
                "visible_hostname": spec.parent_hostname(i),
            }
            for i, (p, ep) in enumerate(zip(spec.parents, placement.parents, strict=True))
        ]
        return self._context(node, origin=placement.origin, parents=parents, spec=spec)

    def parent(
        self, spec: CarpArraySpec, placement: Placement, index: int, node: NodeContext
    ) -> str:
        context = self._array_context(spec, placement, node)
        me = dict(context["parents"][index])
        me["extra"] = self.render_string(spec.parents[index].extra, context)
        return self._env.get_template("parent.conf.j2").render(context, parent=me)

    def frontend(self, spec: CarpArraySpec, placement: Placement, node: NodeContext) -> str:
        if spec.accel_defaultsite is not None and node.accel_listen is None:
            raise ValueError("the spec has accel_defaultsite but the node no accel_listen")
        context = self._array_context(spec, placement, node)
        extra = self.render_string(spec.frontend_extra, context)
        return self._env.get_template("frontend.conf.j2").render(context, extra=extra)


def hosts_file_text(origin: Endpoint, names: tuple[str, ...]) -> str:
    """One name per line (Squid reads its hosts file into a fixed buffer per line)."""
    return "".join(f"{origin.host} {name}\n" for name in names)


def write_config(path: Path, text: str) -> None:
    """Write a config; surrogate escapes in the text become the raw bytes they stand for."""
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
