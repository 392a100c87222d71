"""Did the change work? Events, weekly series and the effect of each event (``orgsphere changes``).

:func:`change_tables` computes the raw tables: ``events`` (the events file's and the org chart's),
``weekly`` and ``weekly_relations`` (the series, protected: :mod:`.series`), ``effects`` (per event and series
the level and slope change, its Newey-West interval, the placebos' spread and rank, and the
difference-in-differences against the unaffected: :mod:`.effects`) and ``growth`` (R against N across the
weeks: :mod:`.growth`). :func:`analyse_changes` publishes them through their declarations
(:mod:`orgsphere.result_tables`) as :class:`Changes`; the pipeline adds them to the results of a store that
has events.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pyarrow as pa

from ..analysis.events import event_table
from ..engine import TableSource
from ..fits import json_ready
from ..interrupted import SeriesRules
from ..result_tables import publish
from ..settings import Settings
from .effects import effect_table
from .growth import growth_table
from .series import WeeklySpheres, weekly_spheres, weekly_tables

__all__ = ["Changes", "change_tables", "analyse_changes", "CHANGE_TABLES", "has_events", "weekly_spheres",
           "WeeklySpheres"]

CHANGE_TABLES = ("events", "weekly", "weekly_relations", "effects", "growth")


def has_events(store: TableSource) -> bool:
    """Whether the store holds an events file's events (the pipeline then adds the tables of changes)."""
    return "events" in store.counts() and store.counts()["events"] > 0


def change_tables(store: TableSource, settings: Settings, items: list[dict[str, Any]] | None = None,
                  spheres: WeeklySpheres | None = None) -> dict[str, pa.Table]:  # fmt: skip
    """The raw tables of changes (see the module's docstring); ``items`` (the staff units' classified work
    items) and ``spheres`` (the sphere tables per week and month, protected together): where the caller has
    them already (computed here if not)."""
    weekly, relations = weekly_tables(store, settings, items, spheres)
    events = event_table(store, settings.min_group_size)
    rules = SeriesRules(settings.effect_min_weeks, settings.effect_min_segment)
    # the effects are estimated on the series as they will be published: small weeks have no value
    shown_weekly, shown_relations = (publish(name, t, settings.min_group_size)
                                     for name, t in (("weekly", weekly), ("weekly_relations", relations)))
    return {"events": events, "weekly": weekly, "weekly_relations": relations,
            "effects": effect_table(events, shown_weekly, shown_relations, rules),
            "growth": growth_table(shown_weekly, settings)}  # fmt: skip


class Changes(Mapping[str, pa.Table]):
    """The published tables of changes by name (``changes["effects"]``), and their facts as plain values."""

    def __init__(self, tables: Mapping[str, pa.Table], min_group_size: int):
        self._tables = dict(tables)
        self.min_group_size = min_group_size

    def __getitem__(self, name: str) -> pa.Table:
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __repr__(self) -> str:
        return f"<Changes: {', '.join(f'{name} ({t.num_rows})' for name, t in self._tables.items())}>"

    def moved(self) -> list[dict[str, Any]]:
        """The rows of ``effects`` where a change was found, on the series itself or against the comparison
        group (verdict ``effect``), by event: what a report section on changes leads with."""
        return [r for r in self["effects"].to_pylist() if "effect" in (r["verdict"], r["did_verdict"])]

    def to_dict(self) -> dict[str, Any]:
        """What ``orgsphere changes --json`` prints: the events, their effects and the growth fits (the weekly
        series are in the exports)."""
        return json_ready({"min_group_size": self.min_group_size, "events": self["events"].to_pylist(),
                           "effects": self["effects"].to_pylist(), "growth": self["growth"].to_pylist()})


def analyse_changes(store: TableSource, settings: Settings) -> Changes:
    """The tables of changes of a store, published (the minimum group size applied)."""
    raw = change_tables(store, settings)
    return Changes({name: publish(name, raw[name], settings.min_group_size) for name in CHANGE_TABLES},
                   settings.min_group_size)
