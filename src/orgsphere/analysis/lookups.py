"""Small tables read whole into Python (units, memberships, party kinds), the same way on every engine.

An organisation has thousands of units and at most a few hundred thousand membership rows, so these go to
the analysis as Arrow tables and dicts; only the interactions stay in the engine."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import ibis
import pyarrow as pa

from ..engine import TableSource

__all__ = ["unit_column", "party_kinds", "person_fte", "Memberships", "sorted_rows"]

FIRST, LAST = date(1, 1, 1), date(9999, 12, 31)
UNDATED_DAY = date(9999, 12, 30)  # an undated item falls on the eve of the end of time, as in sphere.py


def unit_column(store: TableSource, column: str) -> dict[str, Any]:
    """unit_id -> one column of the units table (kind, intended_role, name ...)."""
    t = store.table("units").select("unit_id", column).to_pyarrow()
    return dict(zip(t["unit_id"].to_pylist(), t[column].to_pylist(), strict=True))


def party_kinds(store: TableSource) -> set[str]:
    parties = store.table("parties")
    return set(parties.select("kind").distinct().to_pyarrow()["kind"].to_pylist())


def person_fte(store: TableSource) -> dict[str, float]:
    """person -> their largest FTE over their memberships (persons without one left out)."""
    people = store.table("people")
    t = people.filter(people.fte.notnull()).group_by("person_id").aggregate(fte=people.fte.max()).to_pyarrow()
    return dict(zip(t["person_id"].to_pylist(), t["fte"].to_pylist(), strict=True))


def sorted_rows(t: ibis.Table, keys: list[str]) -> list[dict[str, Any]]:
    """The rows of an expression in the order of ``keys``, nulls last (engines differ in where they put nulls)."""
    return t.to_pyarrow().sort_by([(k, "ascending", "at_end") for k in keys]).to_pylist()


class Memberships:
    """Who was in which unit when: the people table in memory."""

    def __init__(self, people: pa.Table):
        self._of: dict[str, list[tuple[date, date, str, date | None]]] = defaultdict(list)
        self.rows = people.select(["person_id", "unit_id", "valid_from", "valid_to"]).to_pylist()
        for r in self.rows:
            self._of[r["person_id"]].append((r["valid_from"] or FIRST, r["valid_to"] or LAST, r["unit_id"],
                                             r["valid_from"]))  # fmt: skip

    @classmethod
    def of(cls, store: TableSource) -> Memberships:
        return cls(store.table("people").to_pyarrow())

    def unit_on(self, person: str | None, when: datetime | date | None) -> str | None:
        """The person's unit on that day (an undated one: their open-ended membership); where memberships
        overlap, the one that began last."""
        if person is None:
            return None
        day = UNDATED_DAY if when is None else when.date() if isinstance(when, datetime) else when
        best: tuple[date, date, str, date | None] | None = None
        for m in self._of.get(person, ()):
            if m[0] <= day <= m[1] and (best is None or (m[3] is not None and (best[3] is None or m[3] > best[3]))):
                best = m
        return None if best is None else best[2]

    def headcounts(self, periods: list[str], every: str) -> dict[tuple[str, str], int]:
        """(period, unit) -> people placed in the unit during the month ``period`` (YYYY-MM); ``every``: ever."""
        out: dict[tuple[str, str], set[str]] = defaultdict(set)
        months = []
        for period in periods:
            year, month = (int(x) for x in period.split("-"))
            months.append((period, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])))
        for r in self.rows:
            out[(every, r["unit_id"])].add(r["person_id"])
            start, end = r["valid_from"] or FIRST, r["valid_to"] or LAST
            for period, first, last in months:
                if start <= last and end >= first:
                    out[(period, r["unit_id"])].add(r["person_id"])
        return {k: len(v) for k, v in out.items()}
