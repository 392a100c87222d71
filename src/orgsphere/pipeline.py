"""Run every analysis on a store and gather the results (minimum group size applied)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from .analysis.boundary import TOP_DOMAINS, boundary_counts
from .analysis.distance import TARGETS, person_distance_batches, unit_tables
from .analysis.fit import fit_scaling
from .analysis.hierarchy import unit_ancestors
from .analysis.language import language_table
from .analysis.lookups import Memberships, party_kinds, person_fte, unit_column
from .analysis.machinery import machinery_table
from .analysis.margins import unit_margins
from .analysis.nulls import margins, null_table
from .analysis.relations import RelationRules, relation_table
from .analysis.rent import rent_fit, subtrees
from .analysis.roles import FlagRules, classify_staff_work, role_flags, role_profiles
from .analysis.signatures import signature_table
from .analysis.sphere import sphere_counts
from .changes import change_tables, has_events, weekly_spheres
from .disclosure import follow_sphere, protect_domains, protect_sphere
from .engine import TableSource
from .fits import ScalingFit
from .health import check_health
from .markers import ALL, UNDATED
from .privacy import suppress_small_groups
from .results import Results, publish_results
from .rows import rows_where
from .science.spheremodel import what_if_table
from .settings import Settings
from .statement import build_statement, organisation_summary
from .store import Store
from .text.lexicon import load_lexicon

__all__ = ["analyse", "FIT_MEASURES"]

FIT_MEASURES = ("R", "R_customer", "B")
FIT_KINDS = (ALL, "line", "staff")  # all units, and line and staff apart: they meet different outsiders
NULL_KEYS = ("channel", "unit", "name", "kind", "function")


def _nulls(unit_counts: pa.Table, units: pa.Table, settings: Settings) -> pa.Table:
    """The null-model table of every channel, with each unit's name, kind and active persons (from the
    sphere rows ``units``: scope unit, whole period, every channel)."""
    parts = []
    info = {(r["channel"], r["group_id"]): r for r in units.to_pylist()}
    for channel in sorted(set(unit_counts["channel"].to_pylist()), key=lambda c: (c != ALL, c)):
        table = null_table(margins(unit_counts, channel), settings.null_samples, settings.seed)
        rows = [info.get((channel, u), {}) for u in table["unit"].to_pylist()]
        extra = {
            "channel": pa.array([channel] * table.num_rows, pa.string()),
            "name": pa.array([r.get("name") for r in rows], pa.string()),
            "kind": pa.array([r.get("kind") for r in rows], pa.string()),
            "function": pa.array([r.get("function") for r in rows], pa.string()),
            "persons": pa.array([r.get("persons") for r in rows], pa.int64()),
        }
        parts.append(pa.table({**extra, **{c: table[c] for c in table.column_names}}))
    if not parts:
        return pa.table({"channel": pa.array([], pa.string()), "unit": pa.array([], pa.string()),
                         "persons": pa.array([], pa.int64())})  # fmt: skip
    table = pa.concat_tables(parts, promote_options="default")
    order = ["channel", "unit", "name", "kind", "function", "persons"]
    table = table.select(order + [c for c in table.column_names if c not in order])
    return table.replace_schema_metadata({b"keys": ",".join(NULL_KEYS).encode()})


def _unit_fits(nulls: pa.Table, settings: Settings) -> list[ScalingFit]:
    """Each measure across units, per channel and kind, against random mixing (and, over all channels,
    against the rewired null too)."""
    fits = []
    for channel in sorted(set(nulls["channel"].to_pylist()), key=lambda c: (c != ALL, c)):
        for kind in FIT_KINDS:
            rows = rows_where(nulls, channel=channel) if kind == ALL else rows_where(nulls, channel=channel, kind=kind)
            for measure in FIT_MEASURES:
                fits.append(fit_scaling(rows, measure, channel, kind, settings.bootstrap_samples, settings.seed,
                                        null=f"{measure}_mixing", null_model="mixing"))  # fmt: skip
                if channel == ALL and f"{measure}_rewired" in rows.column_names:
                    fits.append(fit_scaling(rows, measure, channel, kind, settings.bootstrap_samples, settings.seed,
                                            null=f"{measure}_rewired", null_model="rewired"))  # fmt: skip
    return fits


def _group_fits(visible: pa.Table, settings: Settings) -> list[ScalingFit]:
    """Across the groups of each level of the tree, and across the months of the organisation's life."""
    fits = []
    levels = rows_where(visible, scope="level", period=ALL, channel=ALL)
    depths = sorted({d for d in levels["depth"].to_pylist() if d is not None and d > 0})
    for depth in depths[:-1]:  # the deepest level holds the units themselves: fitted above
        rows = rows_where(levels, depth=depth)
        for measure in ("R", "B"):
            fits.append(fit_scaling(rows, measure, ALL, ALL, settings.bootstrap_samples, settings.seed,
                                    scope=f"level {depth}"))  # fmt: skip
    months = rows_where(visible, scope="organisation", channel=ALL)
    months = months.filter(pc.invert(pc.is_in(months["period"], pa.array([ALL, UNDATED]))))
    for measure in ("R", "R_customer"):
        fits.append(fit_scaling(months, measure, ALL, ALL, settings.bootstrap_samples, settings.seed, scope="months"))
    return fits


def _distances(store: TableSource, settings: Settings, unit_rows: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Customer distance per unit (and to the other kinds of outside party the store has), with unit names,
    and the units each unit reaches them through."""
    kinds = party_kinds(store)
    targets = ("customer",) + tuple(t for t in TARGETS if t != "customer" and t in kinds)
    fte = person_fte(store)
    persons = person_distance_batches(store, settings.min_contacts, targets, settings.customer_facing_units,
                                      settings.distance_search)  # fmt: skip
    table, routes = unit_tables(persons, fte, settings.min_group_size)
    info = {r["group_id"]: r for r in unit_rows.to_pylist() if r["channel"] == ALL}
    names = [info.get(u, {}).get("name") or u for u in table["unit"].to_pylist()]
    kinds_of = [info.get(u, {}).get("kind") for u in table["unit"].to_pylist()]
    table = table.add_column(1, "name", pa.array(names, pa.string()))
    table = table.add_column(2, "kind", pa.array(kinds_of, pa.string()))
    return table.replace_schema_metadata({b"keys": b"unit,name,kind,period,channel,target"}), routes


def _relations(store: TableSource, settings: Settings, sphere: pa.Table) -> pa.Table:
    """Line-staff and staff-staff relations with their verdicts; 'persons' is the smaller unit's active
    persons in the period, so the minimum group size covers both ends."""
    kinds = _unit_kinds(store)
    rules = RelationRules(settings.relation_min_interactions, settings.relation_ticket_share,
                          settings.relation_one_sided, settings.relation_reciprocity,
                          settings.relation_joint_work)  # fmt: skip
    table = relation_table(store, kinds, rules)
    persons = _unit_persons(sphere)
    smaller = [min(persons.get((p, a), 0), persons.get((p, b), 0)) for p, a, b in
               zip(table["period"].to_pylist(), table["unit_a"].to_pylist(), table["unit_b"].to_pylist(), strict=True)]
    return table.append_column("persons", pa.array(smaller, pa.int64()))


def _unit_kinds(store: TableSource) -> dict[str, str | None]:
    return unit_column(store, "kind")


def _unit_persons(sphere: pa.Table) -> dict[tuple[str, str], int]:
    """(period, unit) -> active persons, for the minimum group size of tables by unit."""
    units = rows_where(sphere, scope="unit", channel=ALL)
    return {(r["period"], r["group_id"]): r["persons"] or 0
            for r in units.select(["period", "group_id", "persons"]).to_pylist()}  # fmt: skip


def _signatures(store: TableSource) -> pa.Table:
    """The roles the interactions suggest, per staff unit, with its headcount for the minimum group size."""
    table = signature_table(store, _unit_kinds(store))
    persons = Memberships.of(store).headcounts([], ALL)
    table = table.append_column("persons", pa.array([persons.get((ALL, u), 0) for u in table["unit"].to_pylist()],
                                                    pa.int64()))  # fmt: skip
    return table.replace_schema_metadata({b"keys": b"period,unit"})


def _machinery(store: TableSource, sphere: pa.Table) -> pa.Table:
    kinds = _unit_kinds(store)
    table = machinery_table(store, kinds)
    persons = _unit_persons(sphere)
    keys = zip(table["period"].to_pylist(), table["unit"].to_pylist(), strict=True)
    sizes = [persons.get((p, u), 0) for p, u in keys]
    table = table.append_column("persons", pa.array(sizes, pa.int64()))
    return table.replace_schema_metadata({b"keys": b"period,unit,topic"})


def _roles(store: TableSource, settings: Settings, sphere: pa.Table, distance: pa.Table,
           relations: pa.Table) -> tuple[pa.Table, pa.Table, pa.Table, list[dict[str, object]]]:  # fmt: skip
    """Role profiles of the staff units, their flags, a few example titles per unit and role (only where
    titles were kept), and the classified work items (the weekly role mix reads them)."""
    members = Memberships.of(store)
    # the method follows the evidence on the organisation's labelled items; without them, the lexicon
    items, method = classify_staff_work(store, settings.role_lexicon, settings.role_training, settings.seed, members)
    profiles = role_profiles(items, unit_column(store, "intended_role"), method)
    # a staff unit's work is about its people whether or not they wrote to anyone: its group size is its headcount
    persons = members.headcounts(sorted(set(profiles["period"].to_pylist()) - {ALL, UNDATED}), ALL)
    sizes = [persons.get((p, u), 0) for p, u in zip(profiles["period"].to_pylist(), profiles["unit"].to_pylist(),
                                                     strict=True)]  # fmt: skip
    profiles = profiles.append_column("persons", pa.array(sizes, pa.int64()))
    profiles = profiles.replace_schema_metadata({b"keys": b"period,unit,intended_role"})
    # out of sight of the customer: in the typical month few of its people within one hop of a customer
    sight: dict[str, list[int]] = {}
    for r in rows_where(distance, channel=ALL, target="customer").to_pylist() if distance.num_rows else []:
        if r["period"] not in (ALL, UNDATED) and r["persons"] >= settings.min_group_size:
            s = sight.setdefault(r["unit"], [0, 0])
            s[0], s[1] = s[0] + r["d0"] + r["d1"], s[1] + r["persons"]
    far = {u for u, (near, total) in sight.items() if total and near / total < settings.role_min_sight}
    by_staff: dict[str, set[str]] = {}
    for r in rows_where(relations, period=ALL).to_pylist() if relations.num_rows else []:
        if r["kind_a"] == "line" and r["kind_b"] == "staff" and r["verdict"] != "too_little":
            by_staff.setdefault(r["unit_b"], set()).add(r["verdict"])
    only_supplier = {u for u, verdicts in by_staff.items() if verdicts == {"supplier"}}
    rules = FlagRules(settings.role_mismatch_share, settings.role_regulating_share, settings.role_min_advice,
                      settings.role_requester_share, settings.role_min_items)  # fmt: skip
    big_enough = pc.greater_equal(profiles["persons"], settings.min_group_size)  # no flags on small groups
    flags = role_flags(profiles.filter(big_enough), rules, far, only_supplier & {
        u for (p, u), n in persons.items() if p == ALL and n >= settings.min_group_size})
    examples: dict[tuple[str, str], list[dict[str, object]]] = {}
    for it in items:
        shown = examples.setdefault((it["unit"], it["role"]), [])
        if it["title"] and len(shown) < 3 and persons.get((ALL, it["unit"]), 0) >= settings.min_group_size \
                and all(e["title"] != it["title"] for e in shown):  # (three different titles, not one three times)
            shown.append({"unit": it["unit"], "role": it["role"], "title": it["title"], "words": it["words"]})
    return profiles, flags, pa.Table.from_pylist([e for group in examples.values() for e in group], schema=pa.schema(
        [("unit", pa.string()), ("role", pa.string()), ("title", pa.string()), ("words", pa.string())])), items


def _shown_units(table: pa.Table, sphere: pa.Table) -> pa.Table:
    """The rows of ``table`` (by ``unit``, over the whole period) but those of units the protected sphere
    hides to protect a smaller one."""
    if not table.num_rows or "unit" not in table.column_names:
        return table
    units = rows_where(sphere, scope="unit", period=ALL, channel=ALL)
    complement = pc.filter(units["group_id"], units["complementary"])
    return table.filter(pc.invert(pc.is_in(table["unit"], complement)))


def analyse(store: TableSource, settings: Settings) -> Results:
    """Run every analysis on the store; the result has the minimum group size applied."""
    sphere, tallies = sphere_counts(store)
    # with events the sphere table is published per week too: the months and the weeks are protected together
    spheres = weekly_spheres(store, settings.min_group_size, sphere) if has_events(store) else None
    visible = spheres.monthly if spheres else protect_sphere(
        sphere, unit_ancestors(store.table("units").to_pyarrow())[0], settings.min_group_size, "contributors")
    unit_rows = rows_where(visible, scope="unit", period=ALL)
    nulls = suppress_small_groups(_nulls(unit_margins(store), unit_rows, settings), "persons", settings.min_group_size)
    fits = _unit_fits(nulls, settings) + _group_fits(visible, settings)
    trees = subtrees(visible, store.table("units").to_pyarrow())
    rent = rent_fit(trees.filter(pc.invert(trees["suppressed"])), settings.bootstrap_samples, settings.seed)
    statement = build_statement(store, settings, tallies)
    boundary, domains = protect_domains(*boundary_counts(store), settings.min_group_size, TOP_DOMAINS)
    whole = rows_where(visible, scope="organisation", period=ALL, channel=ALL)["persons"].to_pylist()
    model = what_if_table(whole[0] if whole and whole[0] else 1000)
    distance, routes = _distances(store, settings, unit_rows)
    relations = _relations(store, settings, sphere)
    language = language_table(store, load_lexicon(*([settings.lexicon] if settings.lexicon else [])))
    machinery = _machinery(store, sphere)
    roles, flags, examples, items = _roles(store, settings, sphere, distance, relations)
    signatures = _signatures(store)
    # a unit the sphere table hides to protect a smaller one is hidden in every table
    k = settings.min_group_size
    distance, machinery, roles, signatures = (follow_sphere(t, visible, k)
                                              for t in (distance, machinery, roles, signatures))
    relations = follow_sphere(relations, visible, k, units=("unit_a", "unit_b"))
    flags, examples, routes = (_shown_units(t, visible) for t in (flags, examples, routes))
    raw = {"sphere": visible, "boundary": boundary, "domains": domains, "nulls": nulls, "subtrees": trees,
           "model": model, "distance": distance, "routes": routes, "relations": relations, "language": language,
           "machinery": machinery, "roles": roles, "role_flags": flags, "role_examples": examples,
           "signatures": signatures}  # fmt: skip
    if spheres is not None:  # what changed when, week by week (orgsphere changes): only where events were given
        raw.update(change_tables(store, settings, items, spheres))
    results = publish_results(raw, fits, rent, organisation_summary(store), statement, settings.min_group_size)
    # the data check reads the store itself (a published warehouse is checked where its store is)
    results.health = check_health(store, settings) if isinstance(store, Store) else None
    return results
