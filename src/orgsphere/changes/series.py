"""The weekly series: the sphere counts, the line-staff relations and the machinery of the internal customer
per ISO week, aggregated in the engine by the same expressions as the monthly figures (period="week"), with the
minimum group size and complementary suppression applied across the weeks as across the months.

- ``weekly``: per unit and for the organisation, per week (over all channels): active persons, contributors,
  internal, external and customer contact, R and R_customer, for a unit the share of its active persons
  within one hop of a customer that week (``within_1``: customer distance over the week's contact graph), and
  for a staff unit the interactions about the internal customer's machinery (satisfaction surveys, SLAs,
  requirements) it sent and received, and its role mix: the week's work items of known role (``role_items``)
  and the share of them that was supporting, regulating, executing and advisory work (``supporting_share``
  and so on; a value only in weeks with at least ``effect_min_role_items`` such items);
- ``weekly_relations``: per line-staff (and staff-staff) pair and week: volume, ticket share, the line
  unit's share of the initiatives, joint customer work, the verdict of the week and ``supplier`` (1 where the
  week's verdict is supplier, 0 where partner or mixed, none where the week had too little contact: averaged
  over a relation's weeks, the share of its weeks as supplier).

Rows of a week whose group is too small, or that would give a small one away, keep their keys and lose their
figures (``suppressed``); a series simply has no value in those weeks.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from ..analysis.distance import person_distance_batches, unit_tables
from ..analysis.hierarchy import unit_ancestors
from ..analysis.lookups import person_fte, unit_column
from ..analysis.machinery import machinery_table
from ..analysis.relations import RelationRules, relation_table
from ..analysis.roles import classify_staff_work
from ..analysis.sphere import sphere_counts
from ..disclosure import follow_sphere, protect_together
from ..engine import TableSource
from ..markers import ALL, UNDATED
from ..rows import rows_where
from ..settings import Settings
from ..text.role_rules import ROLES

__all__ = ["weekly_tables", "weekly_spheres", "WeeklySpheres", "WEEKLY_COLUMNS", "ROLE_SHARES"]

WEEKLY_COLUMNS = ("scope", "group_id", "name", "kind", "period", "persons", "contributors", "internal", "external",
                  "customer", "R", "R_customer", "suppressed", "complementary")  # fmt: skip
RELATION_COLUMNS = ("period", "unit_a", "unit_b", "kind_a", "kind_b", "volume", "ticket_share", "initiative_a",
                    "joint_work", "verdict", "supplier", "persons")  # fmt: skip
ROLE_SHARES = tuple(f"{role}_share" for role in ROLES)
SUPPLIER = {"supplier": 1.0, "mixed": 0.0, "partner": 0.0}  # too_little: no value that week


def _dated(table: pa.Table) -> pa.Table:
    return table.filter(pc.invert(pc.is_in(table["period"], pa.array([ALL, UNDATED]))))


def _within_one_hop(store: TableSource, settings: Settings, weekly: pa.Table) -> list[float | None]:
    """Per row of ``weekly``: the share of the unit's active persons within one hop of a customer that week
    (over all channels), where the row is shown and the distance table counts at least the minimum group."""
    persons = person_distance_batches(store, settings.min_contacts, ("customer",), settings.customer_facing_units,
                                      settings.distance_search, period="week", per_channel=False)  # fmt: skip
    table, _ = unit_tables(persons, person_fte(store), settings.min_group_size)
    share = {(r["unit"], r["period"]): r["within_1"] for r in table.to_pylist()
             if r["channel"] == ALL and r["target"] == "customer" and r["persons"] >= settings.min_group_size}
    return [share.get((g, p)) if s == "unit" and not hidden else None for s, g, p, hidden in
            zip(weekly["scope"].to_pylist(), weekly["group_id"].to_pylist(), weekly["period"].to_pylist(),
                weekly["suppressed"].to_pylist(), strict=True)]  # fmt: skip


def _role_mix(items: list[dict[str, Any]], weekly: pa.Table, staff: list[bool],
              min_items: int) -> dict[str, pa.Array]:  # fmt: skip
    """Per row of ``weekly``: the staff unit's work items of known role that week and the share of each role
    among them (shares only from ``min_items`` items on), on shown rows of staff units only."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for it in items:
        if it["week"] is not None and it["role"] in ROLES:
            by_role = counts.setdefault((it["week"], it["unit"]), dict.fromkeys(ROLES, 0))
            by_role[it["role"]] += 1
    rows = [counts.get((p, g), dict.fromkeys(ROLES, 0)) if s else None for p, g, s in
            zip(weekly["period"].to_pylist(), weekly["group_id"].to_pylist(), staff, strict=True)]  # fmt: skip
    totals = [None if r is None else sum(r.values()) for r in rows]
    out = {"role_items": pa.array(totals, pa.int64())}
    for role, column in zip(ROLES, ROLE_SHARES, strict=True):
        out[column] = pa.array([r[role] / n if r is not None and n and n >= min_items else None
                                for r, n in zip(rows, totals, strict=True)], pa.float64())  # fmt: skip
    return out


class WeeklySpheres(NamedTuple):
    monthly: pa.Table  # the monthly sphere table, protected together with the weekly one
    raw: pa.Table  # the weekly sphere table as counted
    weekly: pa.Table  # and protected


def weekly_spheres(store: TableSource, min_size: int, monthly: pa.Table | None = None) -> WeeklySpheres:
    """The sphere table per ISO week, and the monthly one (``monthly``: as counted, if the caller has it),
    protected together: both are published, and runs of whole months that are runs of whole weeks would let
    an attacker subtract one from the other (:func:`~orgsphere.disclosure.protect_together`)."""
    if monthly is None:
        monthly, _ = sphere_counts(store)
    raw, _ = sphere_counts(store, period="week")
    ancestors = unit_ancestors(store.table("units").to_pyarrow())[0]
    shown_monthly, shown_weekly = protect_together([monthly, raw], ancestors, min_size, "contributors")
    return WeeklySpheres(shown_monthly, raw, shown_weekly)


def weekly_tables(store: TableSource, settings: Settings, items: list[dict[str, Any]] | None = None,
                  spheres: WeeklySpheres | None = None) -> tuple[pa.Table, pa.Table]:  # fmt: skip
    """(``weekly``, ``weekly_relations``), protected (see the module's docstring). ``items``: the staff units'
    classified work items (:func:`~orgsphere.analysis.roles.classify_staff_work`), ``spheres``: the sphere
    tables (:func:`weekly_spheres`); each computed here if not given."""
    if items is None:
        items, _ = classify_staff_work(store, settings.role_lexicon, settings.role_training, settings.seed)
    k = settings.min_group_size
    spheres = spheres or weekly_spheres(store, k)
    sphere, visible = spheres.raw, spheres.weekly
    kinds = unit_column(store, "kind")
    # the machinery's interactions per staff unit and week, shown only where the unit's week is
    machinery: dict[tuple[str, str], int] = {}
    for r in machinery_table(store, kinds, per="week").to_pylist():
        key = (r["period"], r["unit"])
        machinery[key] = machinery.get(key, 0) + r["sent"] + r["received"]
    weekly = _dated(rows_where(visible, channel=ALL))
    weekly = weekly.filter(pc.is_in(weekly["scope"], pa.array(["unit", "organisation"]))).select(list(WEEKLY_COLUMNS))
    staff = [r["scope"] == "unit" and kinds.get(r["group_id"]) == "staff" and not r["suppressed"]
             for r in weekly.select(["scope", "group_id", "suppressed"]).to_pylist()]
    counts = [machinery.get((p, g), 0) if s else None for p, g, s in
              zip(weekly["period"].to_pylist(), weekly["group_id"].to_pylist(), staff, strict=True)]  # fmt: skip
    weekly = weekly.append_column("machinery", pa.array(counts, pa.int64()))
    weekly = weekly.append_column("within_1", pa.array(_within_one_hop(store, settings, weekly), pa.float64()))
    for column, values in _role_mix(items, weekly, staff, settings.effect_min_role_items).items():
        weekly = weekly.append_column(column, values)
    weekly = weekly.replace_schema_metadata({**(visible.schema.metadata or {}),
                                             b"keys": b"scope,group_id,name,kind,period"})  # fmt: skip

    rules = RelationRules(settings.relation_min_interactions, settings.relation_ticket_share,
                          settings.relation_one_sided, settings.relation_reciprocity,
                          settings.relation_joint_work)  # fmt: skip
    relations = _dated(relation_table(store, kinds, rules, per="week"))
    units = rows_where(sphere, scope="unit", channel=ALL)
    persons = {(r["period"], r["group_id"]): r["persons"] or 0
               for r in units.select(["period", "group_id", "persons"]).to_pylist()}  # fmt: skip
    smaller = [min(persons.get((p, a), 0), persons.get((p, b), 0)) for p, a, b in
               zip(relations["period"].to_pylist(), relations["unit_a"].to_pylist(), relations["unit_b"].to_pylist(),
                   strict=True)]  # fmt: skip
    supplier = [SUPPLIER.get(v) for v in relations["verdict"].to_pylist()]
    relations = relations.append_column("supplier", pa.array(supplier, pa.float64()))
    relations = relations.append_column("persons", pa.array(smaller, pa.int64())).select(list(RELATION_COLUMNS))
    relations = relations.replace_schema_metadata({b"keys": b"period,unit_a,unit_b,kind_a,kind_b"})
    relations = follow_sphere(relations, visible, k, units=("unit_a", "unit_b"))
    return weekly, relations
