"""Every request Squid 5.7 routed in the recorded corpus, through the whole forwarding decision.

The recorded frontends sent everything to their CARP parents (``never_direct allow all``), so
for each row the first forwarding entry must be that parent with hierarchy code ``CARP``, and a
request Squid answered with 400 must be one squidcarp rejects before peer selection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from squidcarp.conf import read_bytes
from squidcarp.forward import ForwardRequest, Router
from tests.carp.conftest import ROUTING, records, routing_files

FRONTEND = b"never_direct allow all\npinger_enable off\n"


def _router(conf: Path) -> Router:
    return Router(read_bytes(FRONTEND + conf.read_bytes(), str(conf)).config)


SCENARIOS = [(f.stem, _router(f.with_suffix(".conf")), list(records(f)))
             for f in routing_files()]


@pytest.mark.parametrize(("name", "router", "rows"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_first_entry_is_the_parent_squid_used(name: str, router: Router,
                                              rows: list[dict[str, Any]]) -> None:
    assert rows, name
    for row in rows:
        target = bytes.fromhex(row["url_sent_hex"])
        decision = router.decide(ForwardRequest(target, client="127.0.0.1"))
        if row.get("status") == 400 or row.get("parent") is None:
            assert decision.error is not None, row["id"]
            continue
        assert decision.first is not None, row["id"]
        assert (decision.first.peer, decision.first.hier) == (row["parent"], "CARP"), row["id"]
        assert decision.forwarding is not None
        # never_direct: the rest of the list is every other parent, never DIRECT
        assert [h.hier for h in decision.forwarding[1:]] == ["ANY_OLD_PARENT"] * (
            len(router.peers) - 1)


def test_the_corpus_is_there() -> None:
    assert len(SCENARIOS) == len(list(ROUTING.glob("*.jsonl"))) >= 5
