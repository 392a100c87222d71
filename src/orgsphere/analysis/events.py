"""Events: those ingested from an events file, and those the org chart's membership periods show.

What the org chart supports (the ``people`` table: each person's unit from ``valid_from`` to ``valid_to``):

- a unit begins: its first membership starts after the org chart's first day (every membership of it dated);
- a unit ends: its last membership ends before the org chart's last day (merged into another, or closed);
- a group moves: at least ``min_group`` persons leave one unit and join another within the same week.

What it cannot support: a unit moved under another parent (the ``units`` table holds one parent, with no
dates, so the chart's history of parents is not recorded), and a unit renamed (its id stays). Such a change
is given in an events file.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pyarrow as pa

from ..engine import TableSource
from .periods import week_of

__all__ = ["event_table", "derived_events", "EVENT_SCHEMA", "FILE", "ORG_CHART"]

FILE, ORG_CHART = "file", "org chart"
EVENT_SCHEMA = pa.schema([("event", pa.string()), ("day", pa.date32()), ("week", pa.string()),
                          ("label", pa.string()), ("units", pa.string()), ("origin", pa.string())])  # fmt: skip
MOVE_DAYS = 7  # a move: the new membership starts within this many days of the old one's end


def derived_events(people: pa.Table, names: dict[str, str], min_group: int) -> list[dict[str, Any]]:
    """Events the membership periods show (see the module's docstring); ``names``: unit id -> name."""
    rows = people.select(["person_id", "unit_id", "valid_from", "valid_to"]).to_pylist()
    starts = [r["valid_from"] for r in rows if r["valid_from"] is not None]
    ends = [r["valid_to"] for r in rows]
    if not rows or not starts:
        return []
    # the chart's last day: that of its last membership, or none while a membership is open-ended
    first, last = min(starts), (date.max if None in ends else max(e for e in ends if e is not None))
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_unit[r["unit_id"]].append(r)
    out = []
    for unit, members in sorted(by_unit.items()):
        name = names.get(unit, unit)
        begins = [m["valid_from"] for m in members]
        if all(b is not None for b in begins) and min(begins) > first:
            out.append({"day": min(begins), "label": f"{name} begins", "units": unit})
        finished = [m["valid_to"] for m in members]
        if all(f is not None for f in finished) and max(finished) < last:
            out.append({"day": max(finished) + timedelta(days=1), "label": f"{name} ends", "units": unit})
    moves: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    day_of: dict[tuple[str, str, str], date] = {}
    by_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_person[r["person_id"]].append(r)
    for person, memberships in by_person.items():
        for old in memberships:
            for new in memberships:
                if old["valid_to"] is None or new["valid_from"] is None or old["unit_id"] == new["unit_id"]:
                    continue
                if timedelta(0) < new["valid_from"] - old["valid_to"] <= timedelta(days=MOVE_DAYS):
                    key = (old["unit_id"], new["unit_id"], week_of(new["valid_from"]))
                    moves[key].add(person)
                    day_of[key] = min(day_of.get(key, new["valid_from"]), new["valid_from"])
    for (a, b, _week), persons in sorted(moves.items()):
        if len(persons) >= min_group:
            out.append({"day": day_of[(a, b, _week)], "units": f"{a};{b}",
                        "label": f"{len(persons)} people move from {names.get(a, a)} to {names.get(b, b)}"})
    return out


def event_table(store: TableSource, min_group: int) -> pa.Table:
    """Every event: the events file's and the org chart's (:func:`derived_events`), by day, numbered E1.."""
    units = store.table("units").select("unit_id", "name").to_pyarrow()
    names = dict(zip(units["unit_id"].to_pylist(), units["name"].to_pylist(), strict=True))
    given = store.table("events").to_pyarrow().to_pylist() if "events" in store.counts() else []  # (an old snapshot)
    rows = [{**{k: r[k] for k in ("day", "label", "units")}, "origin": FILE} for r in given]
    rows += [{**r, "origin": ORG_CHART} for r in derived_events(store.table("people").to_pyarrow(), names, min_group)]
    rows.sort(key=lambda r: (r["day"], r["origin"], r["label"]))
    table = [{"event": f"E{k + 1}", "week": week_of(r["day"]), **r} for k, r in enumerate(rows)]
    return pa.Table.from_pylist(table, schema=EVENT_SCHEMA)
