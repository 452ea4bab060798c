"""The Docker backend and the compose file describe the same array as the local backend."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integration.harness import SquidParser
from integration.harness.compose import EXAMPLE_ARRAY, render_all, stale_files
from integration.harness.docker_backend import DockerCarpArray, DockerUnavailable, docker_client
from integration.harness.render import REPO_ROOT

URLS = [f"http://origin.test/docker/{i}" for i in range(60)]


def test_compose_files_are_rendered_from_the_templates() -> None:
    stale = [str(p.relative_to(REPO_ROOT)) for p in stale_files(render_all())]
    assert stale == [], "run: python -m integration.harness.compose --write"


def test_compose_squid_configs_parse_cleanly(oracle: SquidParser, tmp_path: Path) -> None:
    configs = {p: t for p, t in render_all().items() if p.suffix == ".conf"}
    assert len(configs) == len(EXAMPLE_ARRAY.parents) + 1
    for path, text in configs.items():
        result = oracle.parse_text(text, tmp_path)
        assert (result.exit_code, result.messages) == (0, ()), (path.name, result.output)
        assert any(line.startswith("cache_peer ") for line in result.processed)


@pytest.fixture(scope="module")
def docker_array() -> Iterator[DockerCarpArray]:
    try:
        client: Any = docker_client()
    except DockerUnavailable as exc:
        pytest.skip(f"Docker backend not exercised: {exc}")
    array = DockerCarpArray(EXAMPLE_ARRAY, client)
    array.build_image()
    array.start()
    try:
        yield array
    finally:
        array.stop()


def test_docker_array_routes_every_url_to_a_parent_and_repeats(
    docker_array: DockerCarpArray,
) -> None:
    first = [docker_array.request(url) for url in URLS]
    assert all(s.status == 200 and s.hierarchy == "CARP" for s in first)
    counts = collections.Counter(s.parent_name for s in first)
    print("docker per-parent counts:", dict(counts))
    assert set(counts) == {p.name for p in EXAMPLE_ARRAY.parents}
    assert [docker_array.request(url).parent_name for url in URLS] == [s.parent_name for s in first]
    rows = docker_array.mgr_carp()
    assert [r.name for r in rows] == [p.name for p in EXAMPLE_ARRAY.parents]
