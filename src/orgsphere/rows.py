"""Selecting rows of an Arrow table by column values: the one filter every result and analysis step uses."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["rows_where"]


def rows_where(table: pa.Table, **equals: Any) -> pa.Table:
    """Rows whose columns equal the given values (``None`` matches null), e.g. ``rows_where(t, scope="unit")``."""
    mask = None
    for column, value in equals.items():
        col = table.column(column)
        test = pc.is_null(col) if value is None else pc.fill_null(pc.equal(col, value), False)
        mask = test if mask is None else pc.and_(mask, test)
    return table if mask is None else table.filter(mask)
