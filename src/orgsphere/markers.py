"""The key values that stand for a total in every result table: ``ALL`` (every month, every channel) and
``UNDATED`` (the items without a date); and ``CORPUS_ROOT``, the root of an org chart of many organisations.
Low in the house, so that each layer reads them from here."""

from __future__ import annotations

__all__ = ["ALL", "UNDATED", "CORPUS_ROOT"]

ALL = "all"
UNDATED = "undated"
CORPUS_ROOT = "(corpus)"  # the root of an org chart derived from a corpus of many organisations
