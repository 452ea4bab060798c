"""Lists of names inside one-line messages, bounded.

A diagnostic or an error names the peers it is about; an array of a hundred thousand members
must not make a megabyte-long message. The first few names are written out and the rest are
counted.
"""

from __future__ import annotations

from collections.abc import Sequence

SHOWN = 10  # names written out before the rest are counted


def quoted_names(names: Sequence[str], shown: int = SHOWN) -> str:
    """``'a', 'b', 'c'``, or ``'a', 'b' and 98 more`` past ``shown`` names."""
    listed = ", ".join(f"'{name}'" for name in names[:shown])
    rest = len(names) - shown
    return f"{listed} and {rest} more" if rest > 0 else listed
