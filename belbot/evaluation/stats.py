"""The summary statistics every evaluation and benchmark reports, computed one way."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def percentile(values: Sequence[float], q: int, digits: int | None = None) -> float | None:
    """Inclusive (linearly interpolated) percentile, so q=50 is the median; None for no values.
    ``digits`` rounds the result."""
    if not values:
        return None
    if len(values) == 1:
        value = float(values[0])
    else:
        value = statistics.quantiles(values, n=100, method="inclusive")[q - 1]
    return value if digits is None else round(value, digits)


def mean_of(values: Sequence[Any]) -> float | None:
    """Mean of the values that are not None (they do not apply), rounded to 4 digits."""
    present = [float(v) for v in values if v is not None]
    return round(statistics.fmean(present), 4) if present else None
