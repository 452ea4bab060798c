"""squidcarp predicts the live ``squid -k parse`` verdict on the differential table.

The table (``tests/conf/test_squid_differential.py``) holds configs recorded against Debian Squid
5.7, with the exit status and the lines Squid printed. Here every case is parsed again by the
installed Squid, in its own folder (relative includes resolve against Squid's working
directory), and:

* its exit status (a crash counted as fatal) is the one squidcarp predicts from its events and
  the one recorded;
* every recorded line is still in Squid's output.

About 30 ms per case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from integration.harness import SquidParser
from squidcarp.conf import ReadOptions, read_config
from tests.conf.test_squid_differential import (
    CASES,
    MAIN,
    Case,
    exit_class,
    predicted_exit,
    write_case,
)


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_live_squid_exit_matches_squidcarp_prediction(oracle: SquidParser, c: Case,
                                                      tmp_path: Path) -> None:
    write_case(c, tmp_path)
    result = oracle.parse(MAIN, cwd=tmp_path)
    read = read_config(tmp_path / MAIN, ReadOptions(cwd=str(tmp_path)))
    live = exit_class(result.exit_code)
    assert live == predicted_exit(read.events), result.output
    assert live == exit_class(c.exit), result.output
    missing = [line for line in c.said if line not in result.output]
    assert not missing, result.output
