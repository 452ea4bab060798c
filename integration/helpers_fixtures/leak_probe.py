"""An inner test session for integration/test_harness_leaks.py (not collected on its own).

It uses every kind of resource the harness makes (an origin, Squid nodes with a helper, a CARP
array, a network namespace with a Squid inside) and has one test that fails on purpose, so the
outer test can check that teardown after a failure leaves nothing behind and that the failure
report carries the nodes' logs.
"""

from __future__ import annotations

import os

import pytest

from integration.harness import NetNamespace, OriginServer, SquidFactory
from integration.harness.pytest_plugin import CarpArrayFactory
from integration.harness.render import HELPERS_DIR

ENABLED = os.environ.get("SQUIDCARP_LEAK_PROBE") == "1"
pytestmark = pytest.mark.skipif(not ENABLED, reason="only run by test_harness_leaks.py")

HELPER_BODY = """
url_rewrite_program {{ python }} {{ node.workdir }}/rewriter.py {{ node.workdir }}/lines
url_rewrite_children 2 startup=2 idle=1
"""


def test_uses_everything(
    squid_factory: SquidFactory,
    origin: OriginServer,
    netns: NetNamespace,
    carp_array: CarpArrayFactory,
) -> None:
    squid_factory(
        HELPER_BODY, label="leak-helper", files={"rewriter.py": HELPERS_DIR / "rewriter.py"}
    )
    squid_factory("", label="leak-in-netns", netns=netns.name)
    array = carp_array([("solo", 1)])
    assert array.request("http://origin.test/leak-probe").parent_name == "solo"


def test_fails_on_purpose(squid_factory: SquidFactory) -> None:
    squid_factory("", label="leak-failing")
    raise AssertionError("deliberate failure: the report must carry this node's logs")
