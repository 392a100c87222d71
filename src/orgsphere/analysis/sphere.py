"""Sphere metrics: intra-unit, inter-unit, external and customer interactions, active persons and outwardness R.

Computed per unit, per level of the hierarchy and for the whole organisation; per month and over all
months; per channel and over all channels. One pass of expressions (ibis) over the canonical tables, so the
same code runs on every engine.

Counting rules, for a group G (a unit, a subtree at some level, or the organisation):
- intra: both ends are persons placed in G (counted once);
- inter: one end in G, the other a person placed in another group;
- external: one end in G, the other an outside party; customer: those whose party is a customer;
- persons: distinct persons of G at an end of at least one interaction in the period;
- R = external / (intra + inter); R_customer = customer / (intra + inter).
A person is placed in the unit their org-chart membership gives at the interaction's time (an undated
interaction uses the current membership). Interactions with a person who has no membership then are
counted as ``unplaced`` and left out.
"""

from __future__ import annotations

import ibis
import pyarrow as pa
from ibis import _

from ..schema import PARTY, PERSON
from ..store import Store
from .hierarchy import ORGANISATION, unit_groups

__all__ = ["sphere_counts", "ALL", "UNDATED", "SPHERE_KEYS"]

ALL = "all"
UNDATED = "undated"
SPHERE_KEYS = ("scope", "depth", "group_id", "name", "kind", "function", "period", "channel")


def _placed(store: Store) -> ibis.Table:
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
        channel=i.channel,
        src=i.src,
        dst=i.dst,
        src_kind=i.src_kind,
        dst_kind=i.dst_kind,
        src_unit=_.src_unit,
        dst_unit=_.dst_unit,
        src_party_kind=_.src_party_kind,
        dst_party_kind=_.dst_party_kind,
    )


def _rollups(t: ibis.Table, keys: list[str], metrics: dict[str, object]) -> ibis.Table:
    """The aggregate by keys+period+channel, and with period and/or channel rolled up to 'all'."""
    parts = []
    for by_period in (True, False):
        for by_channel in (True, False):
            group = list(keys) + (["period"] if by_period else []) + (["channel"] if by_channel else [])
            agg = t.group_by(group).aggregate(**metrics)
            if not by_period:
                agg = agg.mutate(period=ibis.literal(ALL))
            if not by_channel:
                agg = agg.mutate(channel=ibis.literal(ALL))
            parts.append(agg.select(*keys, "period", "channel", *metrics))
    return ibis.union(*parts)


def sphere_counts(store: Store) -> tuple[pa.Table, dict[str, int]]:
    """The sphere table (before the minimum group size is applied) and overall tallies for the statement."""
    placed = _placed(store)
    units = store.table("units").to_pyarrow()
    groups = ibis.memtable(unit_groups(units)).mutate(
        key=ibis.ifelse(_.scope == "level", "level:" + _.depth.cast("string"), _.scope)
    )
    flows = placed.group_by(
        ["period", "channel", "src_kind", "dst_kind", "src_unit", "dst_unit", "src_party_kind", "dst_party_kind"]
    ).aggregate(n=_.count())

    def end(me: str, other: str, counts_intra: bool) -> ibis.Table:
        f = flows.filter(flows[f"{me}_unit"].notnull())
        return f.select(
            "period", "channel", "n",
            unit=f[f"{me}_unit"],
            other_unit=f[f"{other}_unit"],
            other_person=f[f"{other}_kind"] == PERSON,
            other_party_kind=ibis.ifelse(f[f"{other}_kind"] == PARTY, f[f"{other}_party_kind"].fill_null("other"),
                                         ibis.null("string")),
            counts_intra=ibis.literal(counts_intra),
        )  # fmt: skip

    ends = ibis.union(end("src", "dst", True), end("dst", "src", False))
    g = groups.select(key="key", scope="scope", depth="depth", unit_id="unit_id", group_id="group_id")
    go = groups.select(o_key="key", o_unit="unit_id", o_group="group_id")
    e = ends.join(g, ends.unit == g.unit_id).left_join(go, [ends.other_unit == go.o_unit, g.key == go.o_key])
    same = e.o_group.notnull() & (e.o_group == e.group_id)
    zero = ibis.literal(0, "int64")
    counted = e.select(
        "key", "scope", "depth", "group_id", "period", "channel",
        intra=ibis.ifelse(same & e.counts_intra, e.n, zero),
        inter=ibis.ifelse(e.other_person & e.o_group.notnull() & ~same, e.n, zero),
        external=ibis.ifelse(e.other_party_kind.notnull(), e.n, zero),
        customer=ibis.ifelse(e.other_party_kind == "customer", e.n, zero),
    )  # fmt: skip
    keys = ["key", "scope", "depth", "group_id"]
    counts = _rollups(
        counted, ["key", "group_id"],
        {"intra": counted.intra.sum(), "inter": counted.inter.sum(), "external": counted.external.sum(),
         "customer": counted.customer.sum()},
    )  # fmt: skip

    def active(me: str) -> ibis.Table:
        t = placed.filter(placed[f"{me}_unit"].notnull())
        return t.select("period", "channel", person=t[me], unit=t[f"{me}_unit"])

    activity = ibis.union(active("src"), active("dst")).distinct()
    act = activity.join(g, activity.unit == g.unit_id)
    persons = _rollups(act, keys, {"persons": act.person.nunique()})
    table = persons.join(counts, ["key", "group_id", "period", "channel"])  # key, not depth: depth may be null
    internal = table.intra + table.inter
    table = table.mutate(
        internal=internal,
        R=ibis.ifelse(internal > 0, table.external.cast("float64") / internal, ibis.null("float64")),
        R_customer=ibis.ifelse(internal > 0, table.customer.cast("float64") / internal, ibis.null("float64")),
    )
    unit_info = store.table("units").select(u_id="unit_id", name="name", kind="kind", function="function")
    table = table.left_join(unit_info, table.group_id == unit_info.u_id)
    table = table.select(
        "scope", "depth", "group_id",
        name=ibis.ifelse(table.group_id == ORGANISATION, ORGANISATION, table.name),
        kind="kind", function="function", period="period", channel="channel", persons="persons",
        intra="intra", inter="inter", internal="internal", external="external", customer="customer",
        R="R", R_customer="R_customer",
    ).order_by(["scope", "depth", "group_id", "period", "channel"])  # fmt: skip
    result = table.to_pyarrow()
    tallies_t = flows.aggregate(
        interactions=flows.n.sum(),
        unplaced=ibis.ifelse(
            ((flows.src_kind == PERSON) & flows.src_unit.isnull()) | ((flows.dst_kind == PERSON) & flows.dst_unit.isnull()),
            flows.n, 0,
        ).sum(),
    ).to_pyarrow()  # fmt: skip
    tallies = {k: int(v[0].as_py() or 0) for k, v in zip(tallies_t.column_names, tallies_t.columns, strict=True)}
    return result.replace_schema_metadata({b"keys": ",".join(SPHERE_KEYS).encode()}), tallies
