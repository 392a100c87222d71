"""Sphere metrics: intra-unit, inter-unit, external and customer interactions, active persons and outwardness R.

Computed per unit, per level of the hierarchy and for the whole organisation; per month and over all
months; per channel and over all channels. One pass of expressions (ibis) over the canonical tables, so the
same code runs on every engine.

Every count adds up the interactions each row stands for (``n``: 1 but for a source of counts, a Viva
group-to-group query). Counting rules, for a group G (a unit, a subtree at some level, or the organisation):
- intra: both ends are persons placed in G (counted once);
- inter: one end in G, the other a person placed in another group;
- external: one end in G, the other an outside party; customer: those whose party is a customer;
- persons: distinct persons of G at an end of at least one interaction in the period (who sent or received
  it); the group's size for the scaling fits. A unit none of whose persons is at an end of any interaction, for
  which a source declares a size (``declared_sizes``: a Viva group-to-group query's group size, Viva having
  aggregated it over its own minimum group size), counts that size instead, and a larger group adds it to its
  active persons in each month and channel the unit takes part in (``size_declared`` marks such rows). A unit
  with active persons of its own keeps their number whatever a source declares, so a declared size never
  lifts real persons over the minimum group size;
- contributors: distinct persons of G who took part in at least one interaction of the row's period and
  channel, not only received it: the sender (``src``) of any interaction, and both ends of an interaction of a
  two-way channel (``TWO_WAY_CHANNELS``): a meeting, where the calendar reader stores each pair of the
  organiser and the attendees who accepted (a broadcast: organiser to each attendee) and an edge list an
  organiser to each attendee, all of whom attended; a ticket, from its requester to the team that handled it
  (a unit, no person: where an edge list names a person as the assignee, that person took part too). Mail
  (``email``, ``email-list``: the sender is ``src``, each recipient a ``dst``), chat (``chat``,
  ``chat-broadcast``: the author to each member), a Viva person-to-person tie (``viva-tie``: from the primary
  collaborator, the direction Viva gives it), CRM activities (to a customer, no person) and any other channel
  count the sender only. A unit counted by its declared size (a Viva group-to-group query) counts that size
  as contributors too: Viva aggregated the group over its own minimum group size. contributors <= persons;
  the minimum group size applies to contributors (a unit of 30 receivers and 2 senders in a month shows no
  figures for it: they would be those two persons');
- R = external / (intra + inter); R_customer = customer / (intra + inter);
- B = (inter + external) / intra: the contacts crossing the group's own surface against those inside it
  (for the organisation B = R; for a unit, other units are outside too). B is what Rent's rule and the
  sphere model speak of at every scope. B is infinite when contacts cross the surface and none stays inside.
A person is placed in the unit their org-chart membership gives at the interaction's time (an undated
interaction uses the current membership). Interactions with a person who has no membership then are
counted as ``unplaced`` and left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..engine import TableSource, engine_of, local_table, materialise, small_on_driver
from ..markers import ALL, UNDATED
from .active import stayers_and_movers
from .ends import (
    CUSTOMER,
    EVERY_CHANNEL,
    EVERY_MONTH,
    NO_COMMON,
    PARTY_END,
    UNDATED_MONTH,
    channel_bits,
    channels_of,
    classified_interactions,
    took_column,
    unit_codes,
)
from .hierarchy import ORGANISATION, unit_ancestors
from .periods import Period, code_label

__all__ = ["sphere_counts", "rollups", "SPHERE_KEYS", "TWO_WAY_CHANNELS"]

# the channels in which every person at an end of an interaction took part in it, the receiving end as much
# as the sending one (contributors, above): in every other channel only the sender did
TWO_WAY_CHANNELS = frozenset({"meeting", "meeting-broadcast", "ticket"})
SPHERE_KEYS = ("scope", "depth", "group_id", "name", "kind", "function", "period", "channel")


def rollups(t: ibis.Table, keys: list[str], metrics: Callable[[ibis.Table], dict[str, ibis.Value]],
            every_period: object = ALL, every_channel: object = ALL,
            per_channel: bool = True) -> ibis.Table:  # fmt: skip
    """The aggregate by keys+period+channel, and with period and/or channel rolled up to 'all' (the period to
    ``every_period``, the channel to ``every_channel``); without ``per_channel``, only over all channels."""
    parts = []
    for by_period in (True, False):
        for by_channel in (True, False) if per_channel else (False,):
            group = list(keys) + (["period"] if by_period else []) + (["channel"] if by_channel else [])
            agg = t.group_by(group).aggregate(**metrics(t))
            if not by_period:
                agg = agg.mutate(period=ibis.literal(every_period, t.period.type()))
            if not by_channel:
                agg = agg.mutate(channel=ibis.literal(every_channel, t.channel.type()))
            parts.append(agg.select(*keys, "period", "channel", *metrics(t)))
    return ibis.union(*parts)


def _scopes(depth: int) -> list[tuple[str, int | None, str]]:
    """(scope, depth, suffix of its columns): the unit itself, each level of the tree, the organisation."""
    return [("unit", None, "unit"), *(("level", d, f"g{d}") for d in range(depth + 1)), ("organisation", None, "org")]


def sphere_counts(store: TableSource, period: Period = "month") -> tuple[pa.Table, dict[str, int]]:
    """The sphere table (before the minimum group size is applied) and overall tallies for the statement.

    One pass over the interactions (ends.py): both ends of each interaction, classified by where the other
    end is, aggregated at once per unit, month, channel and class and per active person, unit, month and
    channel. Everything after that works on those two tables. ``period``: per month, or per ISO week
    (:mod:`~orgsphere.analysis.periods`; the weekly series of ``orgsphere changes``).
    """
    ancestors, depth = unit_ancestors(store.table("units").to_pyarrow())
    scopes = _scopes(depth)
    codes_pa = unit_codes(ancestors)
    channels = channels_of(store)
    classified = classified_interactions(store, codes_pa, depth, channels, period=period)
    zero = ibis.literal(0, "int64")
    # in SQL (DuckDB and Spark SQL alike): each end, the sender's and the receiver's, counted per unit, month,
    # channel and class of the other end, and per person, unit and month (the channels used, as bits), and
    # the interactions with and without an unplaced person (_tally_sets); the few million rows that gives are
    # then added up per end. A person end's channels taken part in (took_*) are all those it sent in, and
    # those of the two-way channels it received in.
    cases: dict[str, list[str]] = {}
    two_way: dict[str, int] = {}
    for k, (channel, word, bit) in enumerate(channel_bits(channels)):
        cases.setdefault(word, []).append(f"WHEN {k} THEN CAST({bit} AS BIGINT)")
        two_way[word] = two_way.get(word, 0) | (bit if channel in TWO_WAY_CHANNELS else 0)
    words = sorted(cases)
    took = [took_column(w) for w in words]
    bits = {w: f"bit_or(CASE ch {' '.join(c)} ELSE CAST(0 AS BIGINT) END)" for w, c in cases.items()}
    null_bits = "".join(f", CAST(NULL AS BIGINT) AS {w}" for w in (*words, *took))
    sent_took = "".join(f", {w}, {w} AS {took_column(w)}" for w in words)
    received_took = "".join(f", {w}, {w} & CAST({two_way[w]} AS BIGINT) AS {took_column(w)}" for w in words)
    sets = _tally_sets(bits, separately=engine_of(classified) == "duckdb")
    tally = classified.alias("classified").sql(f"""
        WITH sets AS ({sets}),
        unit_ends AS (
            SELECT period, ch, s_unit AS unit, s_rel AS rel, n AS sent, CAST(0 AS BIGINT) AS received
            FROM sets WHERE sender
            UNION ALL SELECT period, ch, d_unit, d_rel, CAST(0 AS BIGINT), n FROM sets WHERE receiver),
        person_ends AS (
            SELECT period, s_person AS person, s_unit AS unit{sent_took} FROM sets WHERE sending
            UNION ALL SELECT period, d_person, d_unit{received_took} FROM sets WHERE receiving)
        SELECT TRUE AS by_unit, FALSE AS by_person, period, ch, unit, rel, CAST(NULL AS INT) AS person,
               CAST(sum(sent) AS BIGINT) AS sent, CAST(sum(received) AS BIGINT) AS received,
               CAST(0 AS BIGINT) AS unplaced{null_bits}
        FROM unit_ends WHERE unit IS NOT NULL GROUP BY period, ch, unit, rel
        UNION ALL
        SELECT FALSE, TRUE, period, CAST(NULL AS SMALLINT), unit, CAST(NULL AS TINYINT), person, CAST(0 AS BIGINT),
               CAST(0 AS BIGINT), CAST(0 AS BIGINT){"".join(f", bit_or({w}) AS {w}" for w in (*words, *took))}
        FROM person_ends WHERE person IS NOT NULL AND unit IS NOT NULL GROUP BY period, person, unit
        UNION ALL
        SELECT FALSE, FALSE, CAST(NULL AS INT), CAST(NULL AS SMALLINT), CAST(NULL AS INT), CAST(NULL AS TINYINT),
               CAST(NULL AS INT), CAST(sum(n) AS BIGINT), CAST(0 AS BIGINT),
               CAST(sum(CASE WHEN unplaced = 1 THEN n ELSE 0 END) AS BIGINT){null_bits}
        FROM sets WHERE in_all
    """)  # fmt: skip

    def is_total(t: ibis.Table) -> ibis.Value:
        return ~(t.by_unit | t.by_person)

    tally = materialise(tally)
    # from here on every key is an integer (scope, group and unit codes, months, channel codes), labelled
    # once at the end (_labelled): at 10^6 persons the table has millions of rows
    codes = local_table(tally, codes_pa)
    levels = codes.select("code", *(f"c{d}" for d in range(depth + 1)))

    by_unit = tally.filter(tally.by_unit)
    party, placed_other = by_unit.rel.isin([CUSTOMER, PARTY_END]), by_unit.rel >= NO_COMMON  # (not NOWHERE)
    both = by_unit.sent + by_unit.received
    metrics: dict[str, ibis.Value] = {
        "external": ibis.ifelse(party, both, zero).sum(),
        "customer": ibis.ifelse(by_unit.rel == CUSTOMER, both, zero).sum(),
    }
    for _scope, d, suffix in scopes:
        inside = placed_other & (by_unit.rel >= {"unit": depth + 1, "org": NO_COMMON}.get(suffix, d))
        metrics[f"intra_{suffix}"] = ibis.ifelse(inside, by_unit.sent, zero).sum()
        metrics[f"inter_{suffix}"] = ibis.ifelse(placed_other & ~inside, both, zero).sum()
    per_unit = by_unit.group_by(["period", "ch", "unit"]).aggregate(**metrics).rename(channel="ch")
    per_unit = per_unit.join(levels, per_unit.unit == levels.code).drop("code").cache()  # units x months x channels

    by_person = tally.filter(tally.by_person)
    stayers, moved = stayers_and_movers(by_person.select("period", "person", "unit", *words, *took), channels)
    stayers = stayers.cache()  # units x months x channels
    stayers = stayers.join(levels, stayers.unit == levels.code).drop("code")
    moved = moved.cache()  # the movers' rows: a few percent of the active persons
    moved = moved.join(levels, moved.unit == levels.code).drop("code")
    per_unit, stayers, moved = small_on_driver(per_unit, stayers, moved)

    counts_parts, persons_parts = [], []
    for key, (_scope, d, suffix) in enumerate(scopes):

        def group_of(t: ibis.Table, suffix: str = suffix, d: int | None = d) -> ibis.Value:
            return ibis.literal(0, "int32") if suffix == "org" else t.unit if suffix == "unit" else t[f"c{d}"]

        def sums(t: ibis.Table, s: str = suffix) -> dict[str, ibis.Value]:
            return {"intra": t[f"intra_{s}"].sum(), "inter": t[f"inter_{s}"].sum(),
                    "external": t.external.sum(), "customer": t.customer.sum()}  # fmt: skip

        c = per_unit.mutate(group=group_of(per_unit))
        counts_parts.append(
            rollups(c, ["group"], sums, EVERY_MONTH, EVERY_CHANNEL).mutate(key=ibis.literal(key, "int8"))
        )
        st = stayers.mutate(group=group_of(stayers))
        persons_parts.append(st.group_by(["group", "period", "channel"])
                             .aggregate(persons=st.persons.sum(), contributors=st.contributors.sum())
                             .mutate(key=ibis.literal(key, "int8")))  # fmt: skip
        mv = moved.mutate(group=group_of(moved))
        mv = rollups(mv, ["group"], lambda t: {"persons": t.person.nunique(),
                                               "contributors": t.person.nunique(where=t.took)},
                     EVERY_MONTH, EVERY_CHANNEL)  # fmt: skip
        persons_parts.append(mv.mutate(key=ibis.literal(key, "int8")))
    counts = ibis.union(*counts_parts)
    persons = ibis.union(*persons_parts)
    on = ["key", "group", "period", "channel"]
    persons = persons.group_by(on).aggregate(persons=persons.persons.sum(), contributors=persons.contributors.sum())
    # every group with an active person has counts; a team reached only as a unit (a ticket to its
    # assignment group) has counts and no active person
    p = persons.rename({f"p_{k}": k for k in on})
    table = counts.left_join(p, [counts[k] == p[f"p_{k}"] for k in on])
    table = table.select(*on, "intra", "inter", "external", "customer", persons=p.persons.fill_null(0),
                         contributors=p.contributors.fill_null(0))
    totals = tally.filter(is_total(tally)).select("sent", "unplaced").to_pyarrow()
    tallies = {"interactions": int(totals["sent"][0].as_py() or 0), "unplaced": int(totals["unplaced"][0].as_py() or 0)}
    result = _labelled(table.to_pyarrow(), scopes, codes_pa, store.table("units").to_pyarrow(), channels, period)
    result = _declared_sizes(result, _declared(store), ancestors)
    return result.replace_schema_metadata({b"keys": ",".join(SPHERE_KEYS).encode()}), tallies


def _declared(store: TableSource) -> dict[str, int]:
    """unit -> the largest size a source declares for it."""
    t = store.table("declared_sizes")
    t = t.group_by("unit_id").aggregate(size=t.size.max()).to_pyarrow()
    return dict(zip(t["unit_id"].to_pylist(), t["size"].to_pylist(), strict=True))


def _declared_sizes(table: pa.Table, declared: dict[str, int], ancestors: pa.Table) -> pa.Table:
    """``persons`` and ``contributors`` with the declared size of each unit that has no active person at all
    (in no month and no channel), in its own rows and added to those of the larger groups it belongs to
    wherever it has a row (takes part in that month and channel); ``size_declared`` after ``contributors``:
    whether a row's size holds a declared one."""
    n = table.num_rows
    at = table.column_names.index("contributors") + 1
    scope, group = table["scope"].to_pylist(), table["group_id"].to_pylist()
    period, channel = table["period"].to_pylist(), table["channel"].to_pylist()
    persons = table["persons"].to_pylist()
    active = {g for s, g, p, c, k in zip(scope, group, period, channel, persons, strict=True)
              if s == "unit" and p == ALL and c == ALL and k}  # fmt: skip
    silent = {u: size for u, size in declared.items() if u not in active and size is not None}
    if not silent:
        return table.add_column(at, "size_declared", pa.array(np.zeros(n, bool)))
    levels = [c for c in ancestors.column_names if c != "unit_id"]
    above = {r["unit_id"]: [r[c] for c in levels] for r in ancestors.to_pylist()}
    depth = table["depth"].to_pylist()
    extra: dict[tuple[object, ...], int] = {}
    for s, g, p, c in zip(scope, group, period, channel, strict=True):
        if s == "unit" and g in silent:
            keys = [("unit", None, g), *(("level", d, a) for d, a in enumerate(above.get(g, []))),
                    ("organisation", None, ORGANISATION)]  # fmt: skip
            for key in keys:
                extra[(*key, p, c)] = extra.get((*key, p, c), 0) + silent[g]
    add = [extra.get((s, None if s != "level" else d, g, p, c), 0)
           for s, d, g, p, c in zip(scope, depth, group, period, channel, strict=True)]  # fmt: skip
    added = pa.array(add, pa.int64())
    for column in ("persons", "contributors"):
        table = table.set_column(table.column_names.index(column), column, pc.add(table[column], added))
    return table.add_column(at, "size_declared", pa.array([a > 0 for a in add], pa.bool_()))


# the tally's sets: (flag, the columns grouped by, the last one no other set's, whether the channels used
# are wanted as bits)
_SETS = (("sender", ("period", "ch", "s_unit", "s_rel"), False),
         ("receiver", ("period", "ch", "d_unit", "d_rel"), False),
         ("sending", ("period", "s_unit", "s_person"), True),
         ("receiving", ("period", "d_unit", "d_person"), True),
         ("in_all", ("unplaced",), False))  # fmt: skip
# every column of the sets, and its type (a null of it in the other sets' rows)
_TYPES = {"period": "INT", "ch": "SMALLINT", "s_unit": "INT", "s_rel": "TINYINT", "s_person": "INT", "d_unit": "INT",
          "d_rel": "TINYINT", "d_person": "INT", "unplaced": "TINYINT"}  # fmt: skip


def _tally_sets(bits: dict[str, str], separately: bool) -> str:
    """The query of the tally's sets over ``classified``: a row per group of each set, its flag true, the
    columns of the other sets null, ``n`` the interactions (the sum of the rows' ``n``) and the channel bits.

    ``separately`` (DuckDB): one aggregation per set over the classified interactions, which DuckDB computes
    once and holds, as they are read five times. Else (Spark) grouping sets in one pass. On DuckDB at 10^8
    interactions (10^5 persons, 2 threads, one process) the whole tally took 42.6 s with grouping sets and
    36.7 s so (the lower bound 30.9 s): five hash tables filled at once do not stay in the processor's
    caches, one at a time do. The held interactions take some 25 bytes each, spilled beyond the memory limit.
    """
    flags = [flag for flag, _, _ in _SETS]
    if not separately:
        grouping = ", ".join(f"GROUPING({cols[-1]}) = 0 AS {flag}" for flag, cols, _ in _SETS)
        sets = ", ".join("(" + ", ".join(cols) + ")" for _, cols, _ in _SETS)
        return (f"SELECT {grouping}, {', '.join(_TYPES)}, CAST(sum(n) AS BIGINT) AS n"
                f"{''.join(f', {b} AS {w}' for w, b in bits.items())} FROM classified GROUP BY GROUPING SETS ({sets})")
    parts = []
    for flag, cols, with_bits in _SETS:
        values = [f"{'TRUE' if f == flag else 'FALSE'} AS {f}" for f in flags]
        values += [c if c in cols else f"CAST(NULL AS {t}) AS {c}" for c, t in _TYPES.items()]
        values += ["CAST(sum(n) AS BIGINT) AS n"]
        values += [f"{b if with_bits else 'CAST(NULL AS BIGINT)'} AS {w}" for w, b in bits.items()]
        parts.append(f"SELECT {', '.join(values)} FROM classified GROUP BY {', '.join(cols)}")
    return " UNION ALL ".join(parts)


def _order_of(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """The order of rows sorted by the keys (non-negative integers, the first the most significant): one
    argsort of the keys combined into one integer where it fits in 63 bits (a fifth of the time of lexsort
    on millions of rows), else lexsort."""
    sizes = [int(k.max()) + 1 if len(k) else 1 for k in keys]
    if np.log2(np.prod([float(x) for x in sizes])) >= 63:
        return np.lexsort(keys[::-1])
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    for k, size in zip(keys, sizes, strict=True):
        combined = combined * size + k
    return np.argsort(combined, kind="stable")


def _labelled(t: pa.Table, scopes: list[tuple[str, int | None, str]], codes: pa.Table, units: pa.Table,
              channels: list[str], period: Period = "month") -> pa.Table:  # fmt: skip
    """The integer-keyed counts as the sphere table: scope, depth, group id, the unit's name, kind and
    function, month and channel labels, the ratios; in the table's order."""
    key = t["key"].to_numpy().astype(np.int64)
    group = t["group"].to_numpy().astype(np.int64)
    ch = t["channel"].to_numpy().astype(np.int64)
    ch = np.where(ch == EVERY_CHANNEL, len(channels), ch)
    is_org = np.array([s == "organisation" for s, _, _ in scopes])[key]
    periods = t["period"].to_numpy()
    month_codes = np.unique(periods)
    month_names = [ALL if m == EVERY_MONTH else UNDATED if m == UNDATED_MONTH else code_label(int(m), period)
                   for m in month_codes]  # fmt: skip
    month = np.searchsorted(month_codes, periods)
    channel_names = [*channels, ALL]

    # ordered by scope, depth, group id, month and channel (as labels), sorting integers: each label's rank
    def rank(labels: Sequence[object]) -> np.ndarray:
        return np.argsort(np.argsort(np.array(labels, dtype=object), kind="stable"), kind="stable")

    unit_rank = rank(codes["unit_id"].to_pylist())
    order = _order_of((
        rank([s for s, _, _ in scopes])[key], np.array([0 if d is None else d + 1 for _, d, _ in scopes])[key],
        np.where(is_org, 0, unit_rank[np.where(is_org, 0, group)]), rank(month_names)[month], rank(channel_names)[ch],
    ))  # fmt: skip
    t, key, group, ch, is_org, month = t.take(order), key[order], group[order], ch[order], is_org[order], month[order]

    unit_row = pc.index_in(codes["unit_id"], units["unit_id"]).to_numpy(zero_copy_only=False)  # code -> units row
    row = pa.array(unit_row[np.where(is_org, 0, group)], mask=is_org)

    def of_unit(column: str, at_org: str | None) -> pa.Array:
        values = pc.take(units[column].cast(pa.string()), row)
        return pc.fill_null(values, at_org) if at_org else values

    intra, inter, external, customer = (t[c].cast(pa.int64()) for c in ("intra", "inter", "external", "customer"))
    internal = pc.add(intra, inter)
    f = {c: v.cast(pa.float64()) for c, v in (("intra", intra), ("inter", inter), ("external", external),
                                               ("customer", customer), ("internal", internal))}  # fmt: skip
    some = pc.greater(internal, 0)
    crossing = pc.add(f["inter"], f["external"])
    return pa.table({
        "scope": pa.array([s for s, _, _ in scopes]).take(key),
        "depth": pa.array([d for _, d, _ in scopes], pa.int32()).take(key),
        "group_id": of_unit("unit_id", ORGANISATION), "name": of_unit("name", ORGANISATION),
        "kind": of_unit("kind", None), "function": of_unit("function", None),
        "period": pa.array(month_names, pa.string()).take(month),
        "channel": pa.array(channel_names, pa.string()).take(ch), "persons": t["persons"].cast(pa.int64()),
        "contributors": t["contributors"].cast(pa.int64()),
        "intra": intra, "inter": inter, "internal": internal, "external": external, "customer": customer,
        "R": pc.if_else(some, pc.divide(f["external"], f["internal"]), None),
        "R_customer": pc.if_else(some, pc.divide(f["customer"], f["internal"]), None),
        "B": pc.if_else(pc.greater(intra, 0), pc.divide(crossing, f["intra"]),
                        pc.if_else(pc.greater(crossing, 0), float("inf"), None)),
    })  # fmt: skip
