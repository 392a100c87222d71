"""Customer distance: how many hops of real working contact lie between each person and the customer.

Over the undirected graph of a period's person-to-person contacts (a pair counts as a contact when they had
at least ``min_contacts`` interactions in the period, as collaboration analytics usually does), the hop
distance of every active person to the nearest person with direct contact with a target party (a customer
by default; suppliers, regulators or partners as alternatives) — distance 0. A person with no path gets no
distance ("unreachable"), never a large number.

The engine extracts the graphs (contacts.py: ties, each person's unit and direct contacts, per period and
channel with 'all' roll-ups, as integer codes) and hands them over one period and channel at a time; the
breadth-first search runs level by level as sparse matrix-vector products (scipy.sparse), every source at
once. (On Spark the search runs in the engine instead: frontier.py.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from ..engine import TableSource, local_table, materialise, release
from ..markers import ALL, UNDATED
from .contacts import Graph, KeyedGraphs, KeyGraph, Labels, contact_graph
from .frontier import frontier_search
from .periods import Period

__all__ = ["OTHER_ROUTE", "hop_distances", "route_labels", "person_distances", "person_distance_batches",
           "unit_distances", "unit_routes", "unit_tables", "TARGETS", "DISTANCE_BANDS"]

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
    keeps its own label, every other node takes the smallest label among its neighbours one hop closer (so
    the answer does not depend on how the nodes are numbered: persons are numbered by their pseudonyms, and
    those change with the key); -1 where unreachable."""
    label = np.where(distance == 0, own, -1)
    x, y = np.concatenate([a, b]), np.concatenate([b, a])
    closer = (distance[x] >= 1) & (distance[y] == distance[x] - 1)
    x, y = x[closer], y[closer]
    by_level = np.argsort(distance[x], kind="stable")
    x, y = x[by_level], y[by_level]
    levels = distance[x]
    best = np.full(len(label), np.iinfo(np.int64).max, dtype=np.int64)
    for level in np.unique(levels):
        sel = levels == level
        np.minimum.at(best, x[sel], label[y[sel]])
        label[x[sel]] = best[x[sel]]
    return label


def person_distance_batches(store: TableSource, min_contacts: int = 2, targets: tuple[str, ...] = ("customer",),
                            facing_units: tuple[str, ...] = (), search: str = "auto",
                            period: Period = "month", per_channel: bool = True) -> Iterator[pa.Table]:  # fmt: skip
    """:func:`person_distances` in parts, each whole periods and channels: with the in-memory search one
    period and channel at a time, so that only one graph is ever in memory (the engine holds the rest and
    spills it if it must). ``period``: months, or ISO weeks; without ``per_channel``, only the distances over
    all channels (the graphs of each channel are not even built)."""
    if search == "auto":
        search = "scipy" if store.engine == "duckdb" else "frontier"
    if search not in ("scipy", "frontier"):
        raise ValueError(f"search must be 'auto', 'scipy' or 'frontier', not {search!r}")
    graph = contact_graph(store, min_contacts, targets, facing_units, period, per_channel)
    try:
        if search == "frontier":
            yield _frontier_distances(graph)
        else:
            with KeyedGraphs(graph) as keyed:
                for g in keyed:
                    yield _searched(g, graph.labels)
    finally:
        graph.release()


def person_distances(store: TableSource, min_contacts: int = 2, targets: tuple[str, ...] = ("customer",),
                     facing_units: tuple[str, ...] = (), search: str = "auto") -> pa.Table:  # fmt: skip
    """Per period, channel and target: every active person's unit, hop distance (null = unreachable) and
    ``via_unit``, the unit of the colleague with direct contact that their shortest path leads to.
    ``facing_units``: units (ids, compared case-insensitively) whose active people count as having direct
    customer contact even where the data holds none (a counter, a shop floor). ``search``: "scipy" brings
    one period and channel's graph at a time into memory and searches it there (fastest on one machine);
    "frontier" searches with a loop of joins in the engine (Spark, or a graph larger than memory); "auto":
    scipy on DuckDB, frontier on any other engine. Both give the same table, in the same order: by period
    ('all', then the months), channel ('all', then by name), target (as in ``targets``) and person."""
    parts = list(person_distance_batches(store, min_contacts, targets, facing_units, search))
    return pa.concat_tables(parts) if parts else PERSON_DISTANCE_SCHEMA.empty_table()


PERSON_DISTANCE_SCHEMA = pa.schema([("period", pa.string()), ("channel", pa.string()), ("target", pa.string()),
                                    ("person", pa.string()), ("unit", pa.string()), ("distance", pa.int64()),
                                    ("via_unit", pa.string())])  # fmt: skip


def _labelled(labels: Labels, period: np.ndarray, channel: np.ndarray, target: np.ndarray, person: np.ndarray,
              unit: np.ndarray, distance: np.ndarray, via: np.ndarray) -> pa.Table:  # fmt: skip
    """Person distances from codes (distance and via -1 where unreachable)."""
    return pa.table({
        "period": labels.periods(period), "channel": labels.channel(channel),
        "target": pa.array(labels.targets, pa.string()).take(pa.array(target)),
        "person": labels.persons.take(pa.array(person)), "unit": labels.units.take(pa.array(unit)),
        "distance": pa.array(np.where(distance >= 0, distance, 0), mask=distance < 0, type=pa.int64()),
        "via_unit": labels.units.take(pa.array(np.where(via >= 0, via, 0), mask=via < 0)),
    }, schema=PERSON_DISTANCE_SCHEMA)  # fmt: skip


def _searched(g: KeyGraph, labels: Labels) -> pa.Table:
    """One period and channel's persons, searched for every target."""
    n = len(g.persons)
    parts = []
    for code in range(len(labels.targets)):
        d = hop_distances(n, g.a, g.b, np.unique(g.direct[g.targets == code]))
        via = route_labels(g.a, g.b, d, g.units)
        period, channel, target = (np.full(n, value, dtype=np.int64) for value in (g.period, g.channel, code))
        parts.append(_labelled(labels, period, channel, target, g.persons, g.units, d, via))
    return pa.concat_tables(parts)


def _frontier_distances(graph: Graph) -> pa.Table:
    units, direct = graph.units, graph.direct
    ties = materialise(graph.ties)
    u = units.view()
    sources = direct.join(u, [direct.period == u.period, direct.channel == u.channel, direct.person == u.person])
    sources = sources.select(direct.period, direct.channel, direct.target, node=direct.person, label=u.unit)
    reached = frontier_search(ties, sources, ["period", "channel"], ["target"])
    codes = pa.table({"target": pa.array(range(len(graph.labels.targets)), pa.int8())})
    wanted = units.cross_join(local_table(units, codes))
    out = wanted.left_join(reached, [wanted.period == reached.period, wanted.channel == reached.channel,
                                     wanted.target == reached.target, wanted.person == reached.node])  # fmt: skip
    out = out.select(wanted.period, wanted.channel, wanted.target, wanted.person, wanted.unit,
                     distance=reached.distance.fill_null(-1), via=reached.label.fill_null(-1))  # fmt: skip
    t = out.order_by(["period", "channel", "target", "person"]).to_pyarrow()
    for held in (ties, reached):
        release(held)
    return _labelled(graph.labels, *(t[c].to_numpy().astype(np.int64) for c in t.column_names))


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
                        ("within_1", pa.float64()), ("within_2", pa.float64()),
                        ("within_1_fte", pa.float64())])  # fmt: skip
    schema = schema.with_metadata({b"keys": b"unit,period,channel,target"})
    if persons.num_rows == 0:
        return schema.empty_table()
    ranked = [_ranks(persons[k]) for k in keys]
    far = np.iinfo(np.int64).max  # unreachable sorts last
    d = pc.fill_null(persons["distance"].cast(pa.int64()), far).to_numpy(zero_copy_only=False)
    weight = np.ones(len(d))
    if fte:
        names = pa.array(list(fte), pa.string())
        at = pc.index_in(persons["person"], names).to_numpy(zero_copy_only=False)
        given = np.array([fte[p] or 1.0 for p in names.to_pylist()], dtype=np.float64)
        weight = np.where(np.isnan(at), 1.0, given[np.nan_to_num(at).astype(np.int64)])
    # (the weights summed in the order of their values: the same sums to the last digit whatever the order of
    # the persons, which follows their pseudonyms)
    order = np.lexsort((weight, d, *(r for r, _ in reversed(ranked))))
    d, weight = d[order], weight[order]
    codes = [r[order] for r, _ in ranked]
    change = np.zeros(len(d), dtype=bool)
    change[0] = True
    for c in codes:
        change[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(change)
    n = np.diff(np.r_[starts, len(d)])

    def count(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask.astype(np.int64), starts)

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
    return _folded_routes(_route_counts(persons), min_group_size)


def unit_tables(
    batches: Iterable[pa.Table], fte: dict[str, float] | None, min_group_size: int
) -> tuple[pa.Table, pa.Table]:
    """:func:`unit_distances` and :func:`unit_routes` in one pass over :func:`person_distance_batches`, so
    that only one batch of person rows is in memory at a time."""
    tables, counts = [], []
    for persons in batches:
        tables.append(unit_distances(persons, fte))
        counts.append(_route_counts(persons))
    if not tables:
        empty = PERSON_DISTANCE_SCHEMA.empty_table()
        return unit_distances(empty), unit_routes(empty, 1)
    keys = tables[0].schema.metadata[b"keys"].decode().split(",")
    table = pa.concat_tables(tables).sort_by([(k, "ascending") for k in keys])
    return table, _folded_routes(pa.concat_tables(counts), min_group_size)


def _route_counts(persons: pa.Table) -> pa.Table:
    """unit, target, via_unit, n: person-months at distance 1 or more, per route."""
    monthly = pc.and_(pc.equal(persons["channel"], ALL),
                      pc.invert(pc.is_in(persons["period"], pa.array([ALL, UNDATED]))))  # fmt: skip
    t = persons.filter(pc.and_(pc.and_(monthly, pc.greater_equal(pc.fill_null(persons["distance"], 0), 1)),
                               pc.is_valid(persons["via_unit"])))  # fmt: skip
    return t.group_by(["unit", "target", "via_unit"]).aggregate([([], "count_all")]).rename_columns(
        ["unit", "target", "via_unit", "n"])  # fmt: skip


def _folded_routes(counts: pa.Table, min_group_size: int) -> pa.Table:
    totals: dict[tuple[str, str], int] = {}
    routes: dict[tuple[str, str, str], int] = {}
    for r in counts.group_by(["unit", "target", "via_unit"]).aggregate([("n", "sum")]).to_pylist():
        unit, target, n = r["unit"], r["target"], r["n_sum"]
        totals[(unit, target)] = totals.get((unit, target), 0) + n
        key = (unit, target, r["via_unit"] if n >= min_group_size else OTHER_ROUTE)
        routes[key] = routes.get(key, 0) + n
    out = [{"unit": u, "target": t, "via_unit": v, "person_months": n, "share": n / totals[(u, t)]}
           for (u, t, v), n in sorted(routes.items(),
                                      key=lambda kv: (kv[0][0], kv[0][1], -kv[1], kv[0][2]))]  # fmt: skip
    schema = pa.schema([("unit", pa.string()), ("target", pa.string()), ("via_unit", pa.string()),
                        ("person_months", pa.int64()), ("share", pa.float64())])  # fmt: skip
    return pa.Table.from_pylist(out, schema=schema)
