"""What a manager should act on first: findings drawn by fixed rules from :class:`~orgsphere.results.Results`,
ranked by how many of the organisation's people they concern, each with its figures and the report section
that holds its evidence. Language-free: the report words them (``report/actions.py``), ``orgsphere analyse
--json`` prints them.

The rules (docs/report.md, "What to do first"):

- **suppliers**: a staff unit whose contact with the line runs mostly (:data:`SUPPLIER_SHARE` of its volume or
  more) through relations whose verdict is supplier: it serves an internal customer instead of working with the
  line for the one real customer. Weight: the unit's people times that share.
- **out_of_sight**: a unit where in a typical month fewer than :data:`SIGHT_LOW` of the people are within one
  hop of a customer. Weight: its person-months out of sight.
- **roles**: a staff unit the role rules flag (another role dominant over the one intended, regulating without
  advice, one line unit asking most of the work, only tickets and no path to the customer). Weight: its people.
- **internal_customer**: the machinery of the internal customer (SLA reports, satisfaction surveys,
  requirements packages) in the mail, and its language in documents and tickets. Weight: the people of the
  units that send or use it.
- **changes**: the events of an events file (``results["events"]``) and what their estimates
  (``results["effects"]``) tell: the strongest changes found (verdict ``effect`` on the series or against the
  comparison group), and the units of the same kind that still work the way the affected did before; or that an
  event changed nothing that can be told. Weight: the people of the units the events name (a whole
  organisation's event: everyone).
- **data**: the data check's errors (always first: the rest may mislead) and warnings (last).

A rule that cannot be judged for want of data is listed in :attr:`Actions.untold`, never silently left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .markers import ALL, UNDATED
from .results import Results

__all__ = ["Action", "Actions", "actions_of", "change_strength", "SUPPLIER_SHARE", "SIGHT_LOW", "MAX_ACTIONS", "RULES"]

SUPPLIER_SHARE = 0.5  # a staff unit with at least this share of its line contact in supplier relations
SIGHT_LOW = 1 / 3  # a unit where fewer than this share of the person-months are within one hop of a customer
MAX_ACTIONS = 7  # findings shown; the rest are in the evidence sections
SHOWN_UNITS = 5  # units named in one finding
RULES = ("data", "suppliers", "out_of_sight", "roles", "internal_customer", "changes")
EVIDENCE = {"data": "data-check", "suppliers": "relations", "out_of_sight": "line-of-sight", "roles": "staff-roles",
            "internal_customer": "internal-customer", "changes": "changes"}  # fmt: skip
SHOWN_CHANGES = 3  # changes named per event


@dataclass(frozen=True)
class Action:
    """One finding: its rule (``code``, one of :data:`RULES`), the weight it is ranked by (the share of the
    organisation's people it concerns, 0 to 1; a data error ranks above everything), the id of the report
    section with its evidence, its figures, and the units concerned, heaviest first (each with ``unit``,
    ``name``, ``persons`` and the rule's ``value``)."""

    code: str
    weight: float
    evidence: str
    figures: dict[str, Any] = field(default_factory=dict)
    units: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Actions:
    """The findings, heaviest first (at most :data:`MAX_ACTIONS`), and the rules the data could not judge."""

    found: list[Action]
    untold: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"found": [a.to_dict() for a in self.found], "untold": self.untold}


def _visible(table: pa.Table) -> pa.Table:
    if "suppressed" in table.column_names:
        return table.filter(pc.invert(pc.fill_null(table["suppressed"], True)))
    return table


class _Units:
    """Names, kinds and people of the units (the sphere's rows over the whole period)."""

    def __init__(self, results: Results):
        rows = results.units().to_pylist()
        self.persons = {r["group_id"]: r.get("persons") or 0 for r in rows if not r.get("suppressed")}
        self.names = results.unit_names()
        self.total = int(results.organisation.get("persons") or 0) or sum(self.persons.values())

    def entry(self, unit: str, value: float, persons: int | None = None) -> dict[str, Any]:
        return {"unit": unit, "name": self.names.get(unit) or unit, "value": value,
                "persons": self.persons.get(unit, 0) if persons is None else persons}  # fmt: skip

    def share(self, persons: float) -> float:
        return min(1.0, persons / self.total) if self.total else 0.0


Judged = tuple[bool, Action | None]  # whether the data let the rule judge, and what it found


def _suppliers(results: Results, units: _Units) -> Judged:
    table = _visible(results["relations"].arrow)
    if "verdict" not in table.column_names:
        return False, None
    rows = [r for r in table.to_pylist() if r["period"] == ALL and r["kind_a"] == "line" and r["kind_b"] == "staff"
            and r["verdict"] in ("partner", "supplier", "mixed")]  # fmt: skip
    if not rows:
        return False, None
    volume: dict[str, int] = {}
    supplier: dict[str, int] = {}
    for r in rows:
        volume[r["unit_b"]] = volume.get(r["unit_b"], 0) + (r["volume"] or 0)
        if r["verdict"] == "supplier":
            supplier[r["unit_b"]] = supplier.get(r["unit_b"], 0) + (r["volume"] or 0)
    shares = {u: supplier.get(u, 0) / v for u, v in volume.items() if v}
    hit = sorted((u for u, s in shares.items() if s >= SUPPLIER_SHARE),
                 key=lambda u: (-units.persons.get(u, 0) * shares[u], units.names.get(u) or u))  # fmt: skip
    figures = {"staff_units": len(volume), "suppliers": len(hit), "relations": len(rows),
               "partners": sum(r["verdict"] == "partner" for r in rows),
               "supplier_relations": sum(r["verdict"] == "supplier" for r in rows)}  # fmt: skip
    if not hit:
        return True, None
    weight = units.share(sum(units.persons.get(u, 0) * shares[u] for u in hit))
    return True, Action("suppliers", weight, EVIDENCE["suppliers"], figures, [units.entry(u, shares[u]) for u in hit])


def _out_of_sight(results: Results, units: _Units) -> Judged:
    table = _visible(results["distance"].arrow)
    if "target" not in table.column_names:
        return False, None
    months = [r for r in table.to_pylist() if r["channel"] == ALL and r["target"] == "customer"
              and r["period"] not in (ALL, UNDATED)]  # fmt: skip
    if not months or not any(r["d0"] for r in months):  # no one meets a customer: the data check says so
        return False, None
    months_of: dict[str, int] = {}
    near: dict[str, int] = {}
    for r in months:
        months_of[r["unit"]] = months_of.get(r["unit"], 0) + r["persons"]
        near[r["unit"]] = near.get(r["unit"], 0) + r["d0"] + r["d1"]
    share = {u: near[u] / pm for u, pm in months_of.items() if pm}
    hit = sorted((u for u, s in share.items() if s < SIGHT_LOW), key=lambda u: (share[u], units.names.get(u) or u))
    all_months = sum(months_of.values())
    away = sum(months_of[u] - near[u] for u in hit)
    figures = {"units": len(share), "out_of_sight": len(hit), "person_months": all_months, "away": away,
               "threshold": SIGHT_LOW}  # fmt: skip
    weight = away / all_months if all_months else 0.0
    return True, Action("out_of_sight", weight, EVIDENCE["out_of_sight"], figures,
                        [units.entry(u, share[u]) for u in hit]) if hit else None  # fmt: skip


def _roles(results: Results, units: _Units) -> Judged:
    flags = results["role_flags"].arrow
    profiles = _visible(results["roles"].arrow)
    if "main_role" not in profiles.column_names or profiles.num_rows == 0:
        return False, None
    rows = flags.to_pylist() if "flag" in flags.column_names else []
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for f in rows:
        by_unit.setdefault(f["unit"], []).append(f)
    hit = sorted(by_unit, key=lambda u: (-units.persons.get(u, 0), units.names.get(u) or u))
    staff = len({r["unit"] for r in profiles.to_pylist() if r["period"] == ALL})
    figures = {"staff_units": staff, "flagged": len(hit)}
    if not hit:
        return True, None
    entries = [{**units.entry(u, len(by_unit[u])), "flags": by_unit[u]} for u in hit]
    return True, Action("roles", units.share(sum(units.persons.get(u, 0) for u in hit)), EVIDENCE["roles"], figures,
                  entries)  # fmt: skip


def _internal_customer(results: Results, units: _Units) -> Judged:
    machinery = _visible(results["machinery"].arrow)
    traffic: dict[str, int] = {}
    topics: dict[str, int] = {}
    for r in machinery.to_pylist() if "topic" in machinery.column_names else []:
        if r["period"] == ALL:
            traffic[r["unit"]] = traffic.get(r["unit"], 0) + r["sent"] + r["received"]
            topics[r["topic"]] = topics.get(r["topic"], 0) + r["sent"] + r["received"]
    language = results["language"].arrow
    said = [r for r in language.to_pylist() if r.get("term") and r.get("hits")] \
        if "hits" in language.column_names else []  # fmt: skip
    documents = {r["name"] for r in said if r["source"] == "document"}
    speakers = {r["unit"] for r in said if r["unit"]}
    if not traffic and not said:  # judged where subjects or texts were read at all
        return bool(machinery.num_rows or language.num_rows), None
    concerned = set(traffic) | speakers
    figures = {"interactions": sum(traffic.values()), "units": len(concerned), "documents": len(documents),
               "document_hits": sum(r["hits"] for r in said if r["source"] == "document"),
               "ticket_hits": sum(r["hits"] for r in said if r["source"] != "document"),
               "topics": dict(sorted(topics.items(), key=lambda x: -x[1]))}
    entries = sorted((units.entry(u, traffic.get(u, 0)) for u in concerned),
                     key=lambda e: (-e["value"], -e["persons"], e["name"]))  # fmt: skip
    return True, Action("internal_customer", units.share(sum(units.persons.get(u, 0) for u in concerned)),
                        EVIDENCE["internal_customer"], figures, entries)  # fmt: skip


def change_strength(r: dict[str, Any]) -> float:
    """How far a change stands out: its level change over the spread of the placebo weeks' changes."""
    spread = (r["placebo_high"] or 0) - (r["placebo_low"] or 0)
    return abs(r["level"] or 0) / spread if spread > 0 else abs(r["level"] or 0)


def _still(results: Results, moved: dict[str, Any], affected: set[str], kinds: dict[str, Any]) -> list[str]:
    """The units of the affected unit's kind, not affected, whose mean of the measure that moved (over the whole
    series) is at least half the affected's level before: those that still work the way it did."""
    measure, ids = moved["measure"], moved["group_id"].split("|")
    unit = next((u for u in ids if u in affected), ids[0])
    other = kinds.get(next((u for u in ids if u != unit), unit))
    sums: dict[str, list[float]] = {}
    if moved["subject"] == "relation":
        table = _visible(results["weekly_relations"].arrow)
        for r in table.to_pylist() if "unit_a" in table.column_names else []:
            for u, k in ((r["unit_a"], r["kind_b"]), (r["unit_b"], r["kind_a"])):
                if r["period"] != ALL and k == other and r.get(measure) is not None:
                    sums.setdefault(u, []).append(float(r[measure]))
    else:
        table = _visible(results["weekly"].arrow)
        for r in table.to_pylist() if "scope" in table.column_names else []:
            if r["scope"] == "unit" and r["period"] != ALL and r.get(measure) is not None:
                sums.setdefault(r["group_id"], []).append(float(r[measure]))
    means = {u: sum(v) / len(v) for u, v in sums.items() if v and u not in affected
             and kinds.get(u) == kinds.get(unit)}  # fmt: skip
    floor = abs(moved["before"] or 0) / 2
    return sorted((u for u, m in means.items() if m > 0 and m >= floor), key=lambda u: -means[u])


def _changes(results: Results, units: _Units) -> Judged:
    events = results["events"].arrow if "events" in results else pa.table({})
    effects = results["effects"].arrow if "effects" in results else pa.table({})
    if "event" not in events.column_names or events.num_rows == 0:
        return True, None  # no event: nothing to ask of the data
    rows = effects.to_pylist() if "event" in effects.column_names else []
    kinds = {}
    weekly = results["weekly"].arrow if "weekly" in results else pa.table({})
    for r in weekly.to_pylist() if "scope" in weekly.column_names else []:
        kinds[r["group_id"]] = r["kind"]
    told: list[dict[str, Any]] = []
    concerned: set[str] = set()
    whole = False
    for event in events.to_pylist():
        affected = set((event["units"] or "").split(";")) - {""}
        mine = [r for r in rows if r["event"] == event["event"]]
        moved = sorted((r for r in mine if "effect" in (r["verdict"], r["did_verdict"])),
                       key=lambda r: -change_strength(r))  # fmt: skip
        judged = [r for r in mine if r["verdict"] != "too_few_weeks"]
        if not judged and not moved:
            continue  # too few weeks: the section says so
        concerned |= affected
        whole = whole or not affected
        firsts: list[dict[str, Any]] = []
        for r in moved:  # the strongest series of each measure
            if r["measure"] not in {f["measure"] for f in firsts}:
                firsts.append(r)
        shown = [{k: r[k] for k in ("subject", "group_id", "name", "measure", "before", "level", "level_low",
                                     "level_high", "placebo_low", "placebo_high", "verdict", "did_verdict")}
                 for r in firsts[:SHOWN_CHANGES]]  # fmt: skip
        fell = [r for r in firsts if (r["level"] or 0) < 0 and r["subject"] == "relation"] or \
            [r for r in firsts if (r["level"] or 0) < 0]  # fmt: skip
        still = _still(results, fell[0], affected, kinds)[:SHOWN_UNITS] if fell and affected else []
        told.append({"event": event["event"], "day": str(event["day"]), "label": event["label"],
                     "units": [units.names.get(u) or u for u in sorted(affected)], "moved": len(moved),
                     "series": len(judged), "shown": shown, "strength": change_strength(firsts[0]) if firsts else 0.0,
                     "still": [units.names.get(u) or u for u in still]})  # fmt: skip
    if not told:
        return False, None
    told.sort(key=lambda e: (-bool(e["moved"]), -e["strength"]))
    weight = 1.0 if whole else units.share(sum(units.persons.get(u, 0) for u in concerned))
    figures = {"events": told, "worked": sum(bool(e["moved"]) for e in told)}
    entries = sorted((units.entry(u, 0) for u in concerned), key=lambda e: (-e["persons"], e["name"]))
    return True, Action("changes", weight, EVIDENCE["changes"], figures, entries)


def _data(results: Results) -> Action | None:
    health = results.health
    if health is None or not (health.errors or health.warnings):
        return None
    figures = {"errors": len(health.errors), "warnings": len(health.warnings),
               "codes": [f.code for f in (*health.errors, *health.warnings)]}  # fmt: skip
    return Action("data", 2.0 if health.errors else -1.0, EVIDENCE["data"], figures)


def actions_of(results: Results) -> Actions:
    """Every rule over ``results``; the findings heaviest first (data errors above all, data warnings last), at
    most :data:`MAX_ACTIONS`, and the rules the data could not judge."""
    units = _Units(results)
    found: list[Action] = []
    untold: list[str] = []
    checks: dict[str, Callable[[], Judged]] = {
        "suppliers": lambda: _suppliers(results, units), "out_of_sight": lambda: _out_of_sight(results, units),
        "roles": lambda: _roles(results, units), "internal_customer": lambda: _internal_customer(results, units),
        "changes": lambda: _changes(results, units),
    }
    for code, check in checks.items():
        judged, action = check()
        if action is not None:
            found.append(action)
        elif not judged:
            untold.append(code)
    data = _data(results)
    if data is not None:
        found.append(data)
    found.sort(key=lambda a: -a.weight)
    return Actions(found[:MAX_ACTIONS], untold)

