"""Customer distance: how many hops of real working contact lie between each person and the customer.

Over the undirected graph of a period's person-to-person contacts (a pair counts as a contact when they had
at least ``min_contacts`` interactions in the period, as collaboration analytics usually does), the hop
distance of every active person to the nearest person with direct contact with a target party (a customer
by default; suppliers, regulators or partners as alternatives) — distance 0. A person with no path gets no
distance ("unreachable"), never a large number.

The engine extracts the graph (pairs with their counts, per period and channel, with 'all' roll-ups) and
each person's unit and target contacts; the breadth-first search runs level by level as sparse
matrix-vector products (scipy.sparse), every source at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from ..rows import rows_where
from ..schema import PARTY, PERSON
from ..store import Store
from .engine import local_table, materialise, release
from .frontier import frontier_search
from .sphere import ALL, UNDATED, placed_interactions, rollups

__all__ = ["OTHER_ROUTE", "hop_distances", "route_labels", "person_distances", "unit_distances", "unit_routes", "TARGETS",
           "DISTANCE_BANDS"]

TARGETS = ("customer", "supplier", "regulator", "partner")
DISTANCE_BANDS = ("d0", "d1", "d2", "d3", "d4_plus", "unreachable")
OTHER_ROUTE = "(other)"


def hop_distances(n: int, a: np.ndarray, b: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Hops from the nearest source for nodes 0..n-1 of the undirected graph with edges (a[i], b[i]);
    -1 where no path leads to a source. Level-synchronous BFS: one sparse product per level."""
    distance = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return distance
    graph = sparse.coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n)).tocsr()
    graph = (graph + graph.T).tocsr()
    frontier = np.zeros(n, dtype=bool)
    frontier[sources] = True
    distance[frontier] = 0
    level = 0
    while frontier.any():
        level += 1
        reached = graph @ frontier.astype(np.int32) > 0  # (int32: a hub's count of frontier neighbours)
        frontier = reached & (distance < 0)
        distance[frontier] = level
    return distance


def route_labels(a: np.ndarray, b: np.ndarray, distance: np.ndarray, own: np.ndarray) -> np.ndarray:
    """For every node, the label (``own`` of the source) of the source its shortest path leads to: a source
    keeps its own label, every other node takes its predecessor's (the neighbour one hop closer with the
    smallest index, so the answer is deterministic); -1 where unreachable."""
    label = np.where(distance == 0, own, -1)
    x, y = np.concatenate([a, b]), np.concatenate([b, a])
    closer = (distance[x] >= 1) & (distance[y] == distance[x] - 1)
    x, y = x[closer], y[closer]
    order = np.lexsort((y, x))
    x, y = x[order], y[order]
    first = np.r_[True, x[1:] != x[:-1]] if len(x) else np.array([], dtype=bool)
    x, y = x[first], y[first]  # each node with its smallest predecessor
    by_level = np.argsort(distance[x], kind="stable")
    x, y = x[by_level], y[by_level]
    levels = distance[x]
    for level in np.unique(levels):
        sel = levels == level
        label[x[sel]] = label[y[sel]]
    return label


@dataclass(frozen=True)
class _Extract:
    persons: pa.Array  # person id (pseudonym) of each index
    pairs: dict[str, np.ndarray]  # period, channel (codes), a, b (person indices, a < b), n; per month and channel
    periods: list[str]  # the codes' meaning
    channels: list[str]
    targets: pa.Table  # period, channel, person (index), kind, n; with 'all' roll-ups
    units: pa.Table  # period, channel, person (index), unit: each active person's unit; with 'all' roll-ups


def _count_rollups(t: ibis.Table, keys: list[str]) -> ibis.Table:
    return rollups(t, keys, lambda t: {"n": t.count()})


@dataclass(frozen=True)
class _Contacts:
    """The engine's view of the contact graph, for either search."""

    ends: ibis.Table  # period, channel, person, unit, kind (of the party at the other end, or null)
    pairs: ibis.Table  # period, channel, lo, hi (person ids, lo < hi), n: per month and channel
    units: ibis.Table  # period, channel, person, unit; with 'all' roll-ups; no undated period
    targets: ibis.Table  # period, channel, person, kind: who had direct contact with which kind of party


def _contacts(store: Store) -> _Contacts:
    p = placed_interactions(store).view()
    ends = []
    for me, other in (("src", "dst"), ("dst", "src")):
        t = p.filter((p[f"{me}_kind"] == PERSON) & p[f"{me}_unit"].notnull())
        ends.append(t.select("period", "channel", person=t[me], unit=t[f"{me}_unit"],
                             kind=ibis.ifelse(t[f"{other}_kind"] == PARTY, t[f"{other}_party_kind"].fill_null("other"),
                                              ibis.null("string"))))  # fmt: skip
    end = ibis.union(*ends, distinct=False)
    people = p.filter((p.src_kind == PERSON) & (p.dst_kind == PERSON) & p.src_unit.notnull() & p.dst_unit.notnull()
                      & (p.src != p.dst))  # fmt: skip
    pairs = people.select("period", "channel", lo=ibis.least(people.src, people.dst),
                          hi=ibis.greatest(people.src, people.dst))  # fmt: skip
    pairs = pairs.group_by(["period", "channel", "lo", "hi"]).aggregate(n=pairs.count())
    # each person in the unit they were placed in most often in the period (a move splits a month)
    units = _count_rollups(end, ["person", "unit"])
    units = units.filter(units.period != UNDATED)
    main = ibis.window(group_by=[units.period, units.channel, units.person], order_by=[ibis.desc(units.n), units.unit])
    units = units.mutate(rank=ibis.row_number().over(main)).filter(ibis._.rank == 0)
    targets = _count_rollups(end.filter(end.kind.notnull()), ["person", "kind"])
    targets = targets.filter(targets.period != UNDATED).select("period", "channel", "person", "kind")
    return _Contacts(end, pairs, units.select("period", "channel", "person", "unit"), targets)


def _extract(store: Store) -> _Extract:
    """The graph and the persons' units and outside contacts, from the engine, with persons as integers."""
    c = _contacts(store)
    names = c.ends.select("person").distinct()
    names = names.mutate(idx=ibis.row_number().over(order_by=names.person)).cache()
    persons = names.order_by("idx").to_pyarrow()["person"].combine_chunks()
    pairs = c.pairs
    na, nb = names.view(), names.view()
    pairs = pairs.join(na, pairs.lo == na.person).select(pairs.period, pairs.channel, pairs.hi, pairs.n, a=na.idx)
    pairs = pairs.join(nb, pairs.hi == nb.person).select("period", "channel", "a", "n", b=nb.idx)
    raw = pairs.to_pyarrow()
    period = pc.dictionary_encode(raw["period"].combine_chunks())
    channel = pc.dictionary_encode(raw["channel"].combine_chunks())
    arrays = {
        "period": period.indices.to_numpy(zero_copy_only=False), "channel": channel.indices.to_numpy(zero_copy_only=False),
        "a": raw["a"].to_numpy(), "b": raw["b"].to_numpy(), "n": raw["n"].to_numpy(),
    }  # fmt: skip

    def indexed(t: ibis.Table, *columns: str) -> pa.Table:
        n = names.view()
        t = t.join(n, t.person == n.person).select(t.period, t.channel, *columns, person=n.idx)
        return t.order_by(["period", "channel", "person", *columns]).to_pyarrow()

    targets, units = indexed(c.targets, "kind"), indexed(c.units, "unit")
    names.release()
    return _Extract(persons, arrays, period.dictionary.to_pylist(), channel.dictionary.to_pylist(), targets, units)


def _ties(ex: _Extract, period: str, channel: str, min_contacts: int, n_persons: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs with at least ``min_contacts`` interactions in the period and channel ('all' sums them)."""
    pairs = ex.pairs
    keep = np.ones(len(pairs["a"]), dtype=bool)
    if period != ALL:
        keep &= pairs["period"] == (ex.periods.index(period) if period in ex.periods else -1)
    if channel != ALL:
        keep &= pairs["channel"] == (ex.channels.index(channel) if channel in ex.channels else -1)
    a, b, n = pairs["a"][keep], pairs["b"][keep], pairs["n"][keep]
    key = a.astype(np.int64) * (n_persons + 1) + b
    unique, inverse = np.unique(key, return_inverse=True)
    total = np.bincount(inverse, weights=n)
    strong = unique[total >= min_contacts]
    return strong // (n_persons + 1), strong % (n_persons + 1)


def person_distances(store: Store, min_contacts: int = 2, targets: tuple[str, ...] = ("customer",),
                     facing_units: tuple[str, ...] = (), search: str = "auto") -> pa.Table:  # fmt: skip
    """Per period, channel and target: every active person's unit, hop distance (null = unreachable) and
    ``via_unit``, the unit of the colleague with direct contact that their shortest path leads to.
    ``facing_units``: units (ids, compared case-insensitively) whose active people count as having direct
    customer contact even where the data holds none (a counter, a shop floor). ``search``: "scipy" brings
    the graph into memory and searches it there (fastest on one machine); "frontier" searches with a loop
    of joins in the engine (Spark, or a graph larger than memory); "auto": scipy on DuckDB, frontier on any
    other engine. Both give the same table."""
    if search == "auto":
        search = "scipy" if store.ibis.name == "duckdb" else "frontier"
    if search == "frontier":
        return _frontier_distances(store, min_contacts, targets, facing_units)
    if search != "scipy":
        raise ValueError(f"search must be 'auto', 'scipy' or 'frontier', not {search!r}")
    return _scipy_distances(store, min_contacts, targets, facing_units)


PERSON_DISTANCE_SCHEMA = pa.schema([("period", pa.string()), ("channel", pa.string()), ("target", pa.string()),
                                    ("person", pa.string()), ("unit", pa.string()), ("distance", pa.int64()),
                                    ("via_unit", pa.string())])  # fmt: skip


def _frontier_distances(store: Store, min_contacts: int, targets: tuple[str, ...],
                        facing_units: tuple[str, ...]) -> pa.Table:  # fmt: skip
    c = _contacts(store)
    units = materialise(c.units)
    ties = rollups(c.pairs, ["lo", "hi"], lambda t: {"n": t.n.sum()})
    ties = ties.filter((ties.n >= min_contacts) & (ties.period != UNDATED))
    ties = materialise(ties.select("period", "channel", a=ties.lo, b=ties.hi))
    direct = c.targets.filter(c.targets.kind.isin(list(targets)))
    direct = direct.select("period", "channel", "person", target=direct.kind)
    if facing_units and "customer" in targets:
        facing = units.filter(units.unit.lower().isin([f.lower() for f in facing_units]))
        direct = ibis.union(direct, facing.select("period", "channel", "person", target=ibis.literal("customer")))
    direct = direct.distinct()
    u = units.view()
    sources = direct.join(u, [direct.period == u.period, direct.channel == u.channel, direct.person == u.person])
    sources = sources.select(direct.period, direct.channel, direct.target, node=direct.person, label=u.unit)
    reached = frontier_search(ties, sources, ["period", "channel"], ["target"])
    wanted = units.cross_join(local_table(units, pa.table({"target": pa.array(list(targets), pa.string())})))
    out = wanted.left_join(reached, [wanted.period == reached.period, wanted.channel == reached.channel,
                                     wanted.target == reached.target, wanted.person == reached.node])  # fmt: skip
    out = out.select(wanted.period, wanted.channel, wanted.target, wanted.person, wanted.unit,
                     distance=reached.distance, via_unit=reached.label)  # fmt: skip
    table = out.order_by(["period", "channel", "target", "person"]).to_pyarrow()
    for t in (units, ties, reached):
        release(t)
    return table.cast(PERSON_DISTANCE_SCHEMA)


def _scipy_distances(store: Store, min_contacts: int, targets: tuple[str, ...],
                     facing_units: tuple[str, ...]) -> pa.Table:  # fmt: skip
    ex = _extract(store)
    n_persons = len(ex.persons)
    keys = sorted({(p, c) for p, c in zip(ex.units["period"].to_pylist(), ex.units["channel"].to_pylist(),
                                          strict=True)})  # fmt: skip
    out = []
    for period, channel in keys:
        units = rows_where(ex.units, period=period, channel=channel)
        active = units["person"].to_numpy()  # the persons active in this period, as global indices
        a, b = _ties(ex, period, channel, min_contacts, n_persons)
        contacts = rows_where(ex.targets, period=period, channel=channel)
        unit_names = pc.dictionary_encode(units["unit"].combine_chunks())
        own = np.full(n_persons, -1, dtype=np.int64)
        own[active] = unit_names.indices.to_numpy(zero_copy_only=False)
        for target in targets:
            hit = contacts.filter(pc.equal(contacts["kind"], target))["person"].to_numpy()
            if target == "customer" and facing_units:
                facing = pc.is_in(pc.utf8_lower(units["unit"]), pa.array([f.lower() for f in facing_units]))
                hit = np.concatenate([hit, active[np.asarray(facing.to_numpy(zero_copy_only=False), dtype=bool)]])
            everyone = hop_distances(n_persons, a, b, np.unique(hit))
            via = route_labels(a, b, everyone, own)[active]
            d = everyone[active]
            out.append(pa.table({
                "period": pa.array([period] * len(d), pa.string()),
                "channel": pa.array([channel] * len(d), pa.string()),
                "target": pa.array([target] * len(d), pa.string()),
                "person": ex.persons.take(pa.array(active)), "unit": units["unit"],
                "distance": pa.array(np.where(d >= 0, d, 0), mask=d < 0, type=pa.int64()),
                "via_unit": unit_names.dictionary.take(pa.array(np.where(via >= 0, via, 0), mask=via < 0)),
            }))  # fmt: skip
    if not out:
        return PERSON_DISTANCE_SCHEMA.empty_table()
    return pa.concat_tables(out).cast(PERSON_DISTANCE_SCHEMA)


def _ranks(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Each value's rank among the column's distinct values in sorted order, and those values."""
    values = pc.unique(column)
    values = values.take(pc.sort_indices(values))
    return pc.index_in(column, values).to_numpy(zero_copy_only=False), values


def unit_distances(persons: pa.Table, fte: dict[str, float] | None = None) -> pa.Table:
    """Per unit, period, channel and target: persons, the distribution over distance bands, the median
    distance (null when more than half are unreachable), the shares within 1 and 2 hops (line of sight) and
    the FTE-weighted share within 1 hop. (Vectorised: millions of person rows at scale.)"""
    keys = ["unit", "period", "channel", "target"]
    schema = pa.schema([*((k, pa.string()) for k in keys), ("persons", pa.int64()),
                        *((b, pa.int64()) for b in DISTANCE_BANDS), ("median", pa.int64()),
                        ("within_1", pa.float64()), ("within_2", pa.float64()), ("within_1_fte", pa.float64())])  # fmt: skip
    schema = schema.with_metadata({b"keys": b"unit,period,channel,target"})
    if persons.num_rows == 0:
        return schema.empty_table()
    ranked = [_ranks(persons[k]) for k in keys]
    far = np.iinfo(np.int64).max  # unreachable sorts last
    d = pc.fill_null(persons["distance"].cast(pa.int64()), far).to_numpy(zero_copy_only=False)
    order = np.lexsort((d, *(r for r, _ in reversed(ranked))))
    d = d[order]
    codes = [r[order] for r, _ in ranked]
    change = np.zeros(len(d), dtype=bool)
    change[0] = True
    for c in codes:
        change[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(change)
    n = np.diff(np.r_[starts, len(d)])

    def count(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask.astype(np.int64), starts)

    weight = np.ones(len(d))
    if fte:
        names = pa.array(list(fte), pa.string())
        at = pc.index_in(persons["person"], names).to_numpy(zero_copy_only=False)
        given = np.array([fte[p] or 1.0 for p in names.to_pylist()], dtype=np.float64)
        weight = np.where(np.isnan(at), 1.0, given[np.nan_to_num(at).astype(np.int64)])[order]
    within1 = d <= 1  # (unreachable is the largest value)
    median = d[starts + (n - 1) // 2]
    columns = {k: values.take(pa.array(c[starts])) for k, (_, values), c in zip(keys, ranked, codes, strict=True)}
    columns |= {
        "persons": n, "d0": count(d == 0), "d1": count(d == 1), "d2": count(d == 2), "d3": count(d == 3),
        "d4_plus": count((d >= 4) & (d < far)), "unreachable": count(d == far),
        "median": pa.array(np.where(median == far, 0, median), mask=median == far, type=pa.int64()),
        "within_1": count(within1) / n, "within_2": count(d <= 2) / n,
        "within_1_fte": np.add.reduceat(np.where(within1, weight, 0.0), starts) / np.add.reduceat(weight, starts),
    }  # fmt: skip
    return pa.table(columns, schema=schema)


def unit_routes(persons: pa.Table, min_group_size: int) -> pa.Table:
    """Per unit and target: the units its people reach the target through (the unit of the colleague with
    direct contact at the end of their shortest path), as person-months over the months, and the share.
    Only people at distance 1 or more count (those with direct contact reach it themselves); a route with
    fewer than ``min_group_size`` person-months is folded into "(other)" so no small group shows."""
    monthly = pc.and_(pc.equal(persons["channel"], ALL),
                      pc.invert(pc.is_in(persons["period"], pa.array([ALL, UNDATED]))))  # fmt: skip
    t = persons.filter(pc.and_(pc.and_(monthly, pc.greater_equal(pc.fill_null(persons["distance"], 0), 1)),
                               pc.is_valid(persons["via_unit"])))  # fmt: skip
    counts = t.group_by(["unit", "target", "via_unit"]).aggregate([([], "count_all")]).to_pylist()
    totals: dict[tuple[str, str], int] = {}
    rows: dict[tuple[str, str, str], int] = {}
    for r in counts:
        unit, target, n = r["unit"], r["target"], r["count_all"]
        totals[(unit, target)] = totals.get((unit, target), 0) + n
        key = (unit, target, r["via_unit"] if n >= min_group_size else OTHER_ROUTE)
        rows[key] = rows.get(key, 0) + n
    out = [{"unit": u, "target": t_, "via_unit": v, "person_months": n, "share": n / totals[(u, t_)]}
           for (u, t_, v), n in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1], -kv[1], kv[0][2]))]  # fmt: skip
    schema = pa.schema([("unit", pa.string()), ("target", pa.string()), ("via_unit", pa.string()),
                        ("person_months", pa.int64()), ("share", pa.float64())])  # fmt: skip
    return pa.Table.from_pylist(out, schema=schema)
