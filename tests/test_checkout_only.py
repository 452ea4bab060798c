"""The root conftest's guard: files beside the checkout count, files inside it or elsewhere not."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, outside_checkout

REPO_AT = Path("/srv/work/main")
TEMP_AT = "/var/tmp"


def test_sibling_folders_are_outside() -> None:
    assert outside_checkout("/srv/work/shared/corpus/x.jsonl", REPO_AT, TEMP_AT) == (
        "/srv/work/shared/corpus/x.jsonl")
    assert outside_checkout(Path("/srv/work/main-old/f"), REPO_AT, TEMP_AT) == (
        "/srv/work/main-old/f")
    assert outside_checkout(b"/srv/work/main/../shared", REPO_AT, TEMP_AT) == "/srv/work/shared"


def test_the_checkout_and_other_places_are_not() -> None:
    assert outside_checkout("/srv/work/main/tests/corpus/README.md", REPO_AT, TEMP_AT) is None
    assert outside_checkout(REPO_AT, REPO_AT, TEMP_AT) is None
    assert outside_checkout("/etc/services", REPO_AT, TEMP_AT) is None
    assert outside_checkout(3, REPO_AT, TEMP_AT) is None
    # a clone made in the temp folder: its temporary neighbours are not the checkout's business
    assert outside_checkout("/var/tmp/pytest-of-root/x", Path("/var/tmp/clone"), TEMP_AT) is None


def test_the_corpus_is_read_from_the_checkout() -> None:
    from tests.conftest import CORPUS

    assert CORPUS.is_relative_to(REPO)
    assert (CORPUS / "README.md").is_file()
