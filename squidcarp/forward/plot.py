"""The chart of ``squidcarp simulate --plot``: where requests go, before and after a change, and the
share that moves. matplotlib is an optional extra (``pip install 'squidcarp[plot]'``)."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Sequence

from squidcarp.forward.simulate import Disruption, Share


class MissingExtra(RuntimeError):
    """An optional dependency is not installed; the message says how to get it."""


class PlotTargetError(ValueError):
    """The chart cannot go where it was asked to (not a regular file's place)."""


def check_target(path: str) -> None:
    """Refuse a target that is not (or would not become) a regular file: ``/dev/full`` or a FIFO
    would be replaced by the chart's rename, and an empty name writes nothing."""
    if not path:
        raise PlotTargetError("an empty file name")
    if os.path.isdir(path):
        raise PlotTargetError(f"{path} is a directory")
    if os.path.lexists(path) and not os.path.isfile(path):
        raise PlotTargetError(f"{path} exists and is not a regular file")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise PlotTargetError(f"no folder {folder}")


def write_plot(path: str, before: Sequence[Share], after: Sequence[Share] | None,
               moved: Disruption | None, identity: dict[str, str], title: str,
               changes: Sequence[str]) -> None:
    """Bars of each destination's share before (and after) with the weights' expectation, and a
    bar of the share that moved against the minimum; written atomically (temp file + rename)."""
    check_target(path)
    try:
        import matplotlib
    except ImportError:
        raise MissingExtra("--plot needs matplotlib: pip install 'squidcarp[plot]' (or "
                           "pip install matplotlib)") from None
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from squidcarp.atomic import atomic_writer

    rows: list[tuple[str | None, str | None]] = [(s.label, identity.get(s.label, s.label))
                                                 for s in before]
    if after is not None:
        kept = {new for _, new in rows if new is not None}
        rows += [(None, s.label) for s in after if s.label not in kept]
    labels = [old if after is None or new in (None, old) else (new if old is None
              else f"{old} -> {new}") for old, new in rows]

    def values(shares: Sequence[Share] | None, names: Sequence[str | None],
               expected: bool) -> list[float]:
        by = {s.label: (s.expected or 0.0) if expected else s.share for s in shares or ()}
        return [100 * by.get(n, 0.0) if n is not None else 0.0 for n in names]

    olds = [old for old, _ in rows]
    news = [new for _, new in rows]
    series = [("share", values(before, olds, False)),
              ("expected by weight", values(before, olds, True))]
    if after is not None:
        series += [("share after", values(after, news, False)),
                   ("expected after", values(after, news, True))]
    fig, axes = plt.subplots(1, 2 if moved is not None else 1, squeeze=False,
                             figsize=(max(6.0, 1.3 * len(rows) + 2) + (3 if moved else 0), 4.8),
                             gridspec_kw={"width_ratios": [len(rows) + 1, 2] if moved else [1]})
    ax = axes[0][0]
    bar = 0.8 / len(series)
    for k, (label, heights) in enumerate(series):
        offset = (k - (len(series) - 1) / 2) * bar
        expected = label.startswith("expected")
        ax.bar([i + offset for i in range(len(rows))], heights, bar, label=label,
               hatch="//" if expected else None, alpha=0.55 if expected else 0.9)
    ax.set_xticks(list(range(len(rows))))
    ax.set_xticklabels(labels, rotation=20, ha="right")
    ax.set_ylabel("% of requests")
    heading = title
    if changes:
        heading += "\n" + textwrap.shorten(", ".join(changes), width=90, placeholder=" ...")
    ax.set_title(heading, fontsize=10)
    ax.legend()
    if moved is not None:
        side = axes[0][1]
        side.bar([0, 1], [100 * moved.moved_share, 100 * moved.minimum_share],
                 color=["tab:red", "tab:gray"])
        side.set_xticks([0, 1])
        side.set_xticklabels(["moved", "minimum"])
        side.set_ylabel("% of requests that change cache")
        side.set_title("disruption", fontsize=10)
    fig.tight_layout()
    try:
        with atomic_writer(path) as fh:
            fig.savefig(fh, format="png")
    finally:
        plt.close(fig)
