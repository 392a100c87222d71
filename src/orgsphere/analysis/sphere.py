"""Sphere metrics: intra-unit, inter-unit, external and customer interactions, active persons and outwardness R.

Computed per unit, per level of the hierarchy and for the whole organisation; per month and over all
months; per channel and over all channels. One pass of expressions (ibis) over the canonical tables, so the
same code runs on every engine.

Counting rules, for a group G (a unit, a subtree at some level, or the organisation):
- intra: both ends are persons placed in G (counted once);
- inter: one end in G, the other a person placed in another group;
- external: one end in G, the other an outside party; customer: those whose party is a customer;
- persons: distinct persons of G at an end of at least one interaction in the period;
- R = external / (intra + inter); R_customer = customer / (intra + inter);
- B = (inter + external) / intra: the contacts crossing the group's own surface against those inside it
  (for the organisation B = R; for a unit, other units are outside too). B is what Rent's rule and the
  sphere model speak of at every scope. B is infinite when contacts cross the surface and none stays inside.
A person is placed in the unit their org-chart membership gives at the interaction's time (an undated
interaction uses the current membership). Interactions with a person who has no membership then are
counted as ``unplaced`` and left out.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import pyarrow as pa
from ibis import _

from ..schema import UNIT
from ..store import Store
from .active import stayers_and_movers
from .ends import (CUSTOMER, EVERY_MONTH, NO_COMMON, channel_bits, channel_names, classified_ends, period_label,
                   unit_codes, unit_names)
from .engine import local_table, materialise
from .hierarchy import ORGANISATION, unit_ancestors

__all__ = ["sphere_counts", "placed_interactions", "rollups", "ALL", "UNDATED", "SPHERE_KEYS"]

ALL = "all"
UNDATED = "undated"
SPHERE_KEYS = ("scope", "depth", "group_id", "name", "kind", "function", "period", "channel")


def placed_interactions(store: Store) -> ibis.Table:
    """Interactions with the unit of each person end and the kind of each party end."""
    i = store.table("interactions")
    people = store.table("people")
    parties = store.table("parties").select("party_id", "kind")
    # an undated interaction falls on the eve of the end of time: only open-ended memberships hold it.
    # (Written as one BETWEEN over coalesced bounds: DuckDB turns OR-ed join conditions into a slow loop.)
    day = i.ts.date().fill_null(ibis.date(9999, 12, 30))

    def member(end: str) -> ibis.Table:
        p = people.select(
            **{f"{end}_pid": people.person_id, f"{end}_unit": people.unit_id,
               f"{end}_vf": people.valid_from, f"{end}_vt": people.valid_to}
        )  # fmt: skip
        vf, vt = p[f"{end}_vf"], p[f"{end}_vt"]
        return p, [
            i[end] == p[f"{end}_pid"],
            day.between(vf.fill_null(ibis.date(1, 1, 1)), vt.fill_null(ibis.date(9999, 12, 31))),
        ]

    src_p, src_on = member("src")
    dst_p, dst_on = member("dst")
    src_k = parties.select(src_party=parties.party_id, src_party_kind=parties.kind)
    dst_k = parties.select(dst_party=parties.party_id, dst_party_kind=parties.kind)
    joined = (
        i.left_join(src_p, src_on)
        .left_join(dst_p, [i.dst == dst_p.dst_pid] + dst_on[1:])
        .left_join(src_k, i.src == src_k.src_party)
        .left_join(dst_k, i.dst == dst_k.dst_party)
    )
    return joined.select(
        period=ibis.ifelse(i.ts.isnull(), UNDATED, i.ts.strftime("%Y-%m")),
        ts=i.ts,
        thread_id=i.thread_id,
        topic=i.topic,
        channel=i.channel,
        src=i.src,
        dst=i.dst,
        src_kind=i.src_kind,
        dst_kind=i.dst_kind,
        src_unit=ibis.ifelse(_.src_kind == UNIT, _.src, _.src_unit),
        dst_unit=ibis.ifelse(_.dst_kind == UNIT, _.dst, _.dst_unit),
        src_party_kind=_.src_party_kind,
        dst_party_kind=_.dst_party_kind,
    )


def rollups(t: ibis.Table, keys: list[str], metrics: Callable[[ibis.Table], dict[str, ibis.Value]],
            every_period: object = ALL) -> ibis.Table:  # fmt: skip
    """The aggregate by keys+period+channel, and with period and/or channel rolled up to 'all' (the period to
    ``every_period``)."""
    parts = []
    for by_period in (True, False):
        for by_channel in (True, False):
            group = list(keys) + (["period"] if by_period else []) + (["channel"] if by_channel else [])
            agg = t.group_by(group).aggregate(**metrics(t))
            if not by_period:
                agg = agg.mutate(period=ibis.literal(every_period, t.period.type()))
            if not by_channel:
                agg = agg.mutate(channel=ibis.literal(ALL))
            parts.append(agg.select(*keys, "period", "channel", *metrics(t)))
    return ibis.union(*parts)


def _scopes(depth: int) -> list[tuple[str, int | None, str]]:
    """(scope, depth, suffix of its columns): the unit itself, each level of the tree, the organisation."""
    return [("unit", None, "unit"), *(("level", d, f"g{d}") for d in range(depth + 1)), ("organisation", None, "org")]


def sphere_counts(store: Store) -> tuple[pa.Table, dict[str, int]]:
    """The sphere table (before the minimum group size is applied) and overall tallies for the statement.

    One pass over the interactions (ends.py): both ends of each interaction, classified by where the other
    end is, aggregated at once per unit, month, channel and class and per active person, unit, month and
    channel. Everything after that works on those two tables.
    """
    ancestors, depth = unit_ancestors(store.table("units").to_pyarrow())
    scopes = _scopes(depth)
    codes_pa = unit_codes(ancestors)
    interactions = store.table("interactions")
    # (with no interactions at all, a channel no row carries keeps the queries whole)
    channels = sorted(interactions.select("channel").distinct().to_pyarrow()["channel"].to_pylist()) or [ALL]
    ends = classified_ends(store, codes_pa, depth, channels)
    words = sorted({column for _, column, _ in channel_bits(channels)})
    zero = ibis.literal(0, "int64")
    # GROUPING SETS (DuckDB and Spark SQL both have them; ibis has no expression for it): per unit, month,
    # channel and class of the other end, ends sent and received; per person, unit and month, the channels
    # used; in all, the interactions (each has one sender) and those with an unplaced person
    tally = ends.alias("ends").sql(f"""
        SELECT grouping(rel) = 0 AS by_unit, grouping(person) = 0 AS by_person, period, ch, unit, rel,
               person, CAST(sum(sent) AS BIGINT) AS sent, CAST(sum(received) AS BIGINT) AS received,
               CAST(sum(unplaced) AS BIGINT) AS unplaced
               {"".join(f", bit_or({w}) AS {w}" for w in words)}
        FROM ends
        GROUP BY GROUPING SETS ((period, ch, unit, rel), (period, person, unit), ())
    """)  # fmt: skip

    def is_total(t: ibis.Table) -> ibis.Value:
        return ~(t.by_unit | t.by_person)

    tally = materialise(tally.filter(is_total(tally) | (tally.unit.notnull() & (tally.by_unit | tally.person.notnull()))))
    codes = local_table(tally, codes_pa)

    def named(t: ibis.Table) -> ibis.Table:
        return unit_names(t, codes, ALL, UNDATED)

    by_unit = tally.filter(tally.by_unit)
    party, placed_other = by_unit.rel <= CUSTOMER, by_unit.rel >= NO_COMMON
    both = by_unit.sent + by_unit.received
    metrics: dict[str, ibis.Value] = {
        "external": ibis.ifelse(party, both, zero).sum(),
        "customer": ibis.ifelse(by_unit.rel == CUSTOMER, both, zero).sum(),
    }
    for _scope, d, suffix in scopes:
        inside = placed_other & (by_unit.rel >= {"unit": depth + 1, "org": NO_COMMON}.get(suffix, d))
        metrics[f"intra_{suffix}"] = ibis.ifelse(inside, by_unit.sent, zero).sum()
        metrics[f"inter_{suffix}"] = ibis.ifelse(placed_other & ~inside, both, zero).sum()
    per_unit = by_unit.group_by(["period", "ch", "unit"]).aggregate(**metrics)
    per_unit = named(per_unit.mutate(channel=channel_names(per_unit.ch, channels, ALL)).drop("ch")).cache()  # small
    anc = local_table(tally, ancestors)
    a_unit, a_stay, a_move = anc.view(), anc.view(), anc.view()
    per_unit = per_unit.join(a_unit, per_unit.unit == a_unit.unit_id)

    by_person = tally.filter(tally.by_person)
    stayers, moved = stayers_and_movers(by_person.select("period", "person", "unit", *words), channels, ALL)
    stayers = named(stayers).cache()
    stayers = stayers.join(a_stay, stayers.unit == a_stay.unit_id)
    moved = moved.join(codes, moved.unit == codes.code).select("period", "channel", "person", unit="unit_id")
    moved = moved.cache()  # the movers' rows: a few percent of the active persons
    moved = moved.join(a_move, moved.unit == a_move.unit_id)

    counts_parts, persons_parts = [], []
    for scope, d, suffix in scopes:
        key = ibis.literal(f"{scope}:{d}")

        def group_of(t: ibis.Table, suffix: str = suffix) -> ibis.Value:
            return ibis.literal(ORGANISATION) if suffix == "org" else t["unit" if suffix == "unit" else suffix]

        c = per_unit.mutate(group_id=group_of(per_unit))
        counts_parts.append(
            rollups(c, ["group_id"], lambda t, s=suffix: {
                "intra": t[f"intra_{s}"].sum(), "inter": t[f"inter_{s}"].sum(),
                "external": t.external.sum(), "customer": t.customer.sum(),
            }).mutate(scope=ibis.literal(scope), depth=ibis.literal(d, "int32"), key=key)
        )  # fmt: skip
        st = stayers.mutate(group_id=group_of(stayers))
        persons_parts.append(
            st.group_by(["group_id", "period", "channel"]).aggregate(persons=st.persons.sum()).mutate(key=key)
        )
        mv = moved.mutate(group_id=group_of(moved))
        mv = rollups(mv, ["group_id"], lambda t: {"persons": t.person.nunique()}, every_period=EVERY_MONTH)
        persons_parts.append(mv.mutate(period=period_label(mv.period, ALL, UNDATED), key=key))
    counts = ibis.union(*counts_parts)
    persons = ibis.union(*persons_parts)
    persons = persons.group_by(["key", "group_id", "period", "channel"]).aggregate(persons=persons.persons.sum())
    # every group with an active person has counts; a team reached only as a unit (a ticket to its
    # assignment group) has counts and no active person
    on = ["key", "group_id", "period", "channel"]  # key, not depth: depth may be null
    p = persons.rename({f"p_{k}": k for k in on})
    table = counts.left_join(p, [counts[k] == p[f"p_{k}"] for k in on])
    table = table.select(*counts.columns, persons=p.persons.fill_null(0))
    internal = table.intra + table.inter
    table = table.mutate(
        internal=internal,
        R=ibis.ifelse(internal > 0, table.external.cast("float64") / internal, ibis.null("float64")),
        R_customer=ibis.ifelse(internal > 0, table.customer.cast("float64") / internal, ibis.null("float64")),
        B=ibis.cases(
            (table.intra > 0, (table.inter + table.external).cast("float64") / table.intra),
            (table.inter + table.external > 0, ibis.literal(float("inf"), "float64")),
            else_=ibis.null("float64"),
        ),
    )
    unit_info = store.table("units").select(u_id="unit_id", name="name", kind="kind", function="function")
    table = table.left_join(unit_info, table.group_id == unit_info.u_id)
    table = table.select(
        "scope", "depth", "group_id",
        name=ibis.ifelse(table.group_id == ORGANISATION, ORGANISATION, table.name),
        kind="kind", function="function", period="period", channel="channel", persons="persons",
        intra="intra", inter="inter", internal="internal", external="external", customer="customer",
        R="R", R_customer="R_customer", B="B",
    ).order_by(["scope", "depth", "group_id", "period", "channel"])  # fmt: skip
    result = table.to_pyarrow()
    totals = tally.filter(is_total(tally)).select("sent", "unplaced").to_pyarrow()
    tallies = {"interactions": int(totals["sent"][0].as_py() or 0), "unplaced": int(totals["unplaced"][0].as_py() or 0)}
    return result.replace_schema_metadata({b"keys": ",".join(SPHERE_KEYS).encode()}), tallies
