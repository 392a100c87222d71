"""The key values that stand for a total in every result table: ``ALL`` (every month, every channel) and
``UNDATED`` (the items without a date). Low in the house, so that each layer reads them from here."""

from __future__ import annotations

__all__ = ["ALL", "UNDATED"]

ALL = "all"
UNDATED = "undated"
