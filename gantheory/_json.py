"""Strict JSON numbers, one convention for the whole package (``History.to_json``, ``gantheory divergence --json``).

JSON has no NaN and no infinities: a NaN is written as ``null`` and an
infinity as the string ``"inf"`` or ``"-inf"``; :func:`number_from_json` reads
them back.

Examples
--------
>>> [json_number(v) for v in (1.5, float("nan"), float("-inf"), "text")]
[1.5, None, '-inf', 'text']
>>> number_from_json("inf"), number_from_json(None)
(inf, nan)
"""

from __future__ import annotations

import math

__all__ = ["json_number", "number_from_json"]


def json_number(value):
    """``value`` as strict JSON holds it: a non-finite float as ``None`` (NaN) or ``"inf"``/``"-inf"``; anything else unchanged."""
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def number_from_json(value):
    """The float :func:`json_number` wrote: ``None`` as NaN, ``"inf"``/``"-inf"`` as infinities."""
    return math.nan if value is None else float(value)  # float("inf") and float("-inf") read the strings
