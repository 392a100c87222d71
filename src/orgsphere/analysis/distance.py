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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from ..schema import PARTY, PERSON
from ..store import Store
from .engine import local_table, materialise, release, stream
from .frontier import frontier_search
from .sphere import ALL, UNDATED, placed_interactions, rollups

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


@dataclass(frozen=True)
class _Graph:
    """What either search needs, as engine tables keyed by period and channel."""

    units: ibis.Table  # period, channel, person, unit: each active person's unit (held by the engine)
    ties: ibis.Table  # period, channel, a, b (person ids, a < b): pairs with at least min_contacts interactions
    direct: ibis.Table  # period, channel, person, target: who had direct contact with the target (or is facing)

    def release(self) -> None:
        release(self.units)


def _graph(store: Store, min_contacts: int, targets: tuple[str, ...], facing_units: tuple[str, ...]) -> _Graph:
    c = _contacts(store)
    units = materialise(c.units)
    ties = rollups(c.pairs, ["lo", "hi"], lambda t: {"n": t.n.sum()})
    ties = ties.filter((ties.n >= min_contacts) & (ties.period != UNDATED))
    ties = ties.select("period", "channel", a=ties.lo, b=ties.hi)
    direct = c.targets.filter(c.targets.kind.isin(list(targets)))
    direct = direct.select("period", "channel", "person", target=direct.kind)
    if facing_units and "customer" in targets:
        facing = units.filter(units.unit.lower().isin([f.lower() for f in facing_units]))
        direct = ibis.union(direct, facing.select("period", "channel", "person", target=ibis.literal("customer")))
    return _Graph(units, ties, direct.distinct())


def person_distance_batches(store: Store, min_contacts: int = 2, targets: tuple[str, ...] = ("customer",),
                            facing_units: tuple[str, ...] = (), search: str = "auto") -> Iterator[pa.Table]:  # fmt: skip
    """:func:`person_distances` in parts, each whole periods and channels: with the in-memory search one
    period and channel at a time, so that only one graph is ever in memory (the engine holds the rest and
    spills it if it must)."""
    if search == "auto":
        search = "scipy" if store.ibis.name == "duckdb" else "frontier"
    if search not in ("scipy", "frontier"):
        raise ValueError(f"search must be 'auto', 'scipy' or 'frontier', not {search!r}")
    graph = _graph(store, min_contacts, targets, facing_units)
    try:
        if search == "frontier":
            yield _frontier_distances(graph, targets)
        else:
            with _KeyedGraphs(graph) as keyed:
                yield from keyed.distances(targets)
    finally:
        graph.release()


def person_distances(store: Store, min_contacts: int = 2, targets: tuple[str, ...] = ("customer",),
                     facing_units: tuple[str, ...] = (), search: str = "auto") -> pa.Table:  # fmt: skip
    """Per period, channel and target: every active person's unit, hop distance (null = unreachable) and
    ``via_unit``, the unit of the colleague with direct contact that their shortest path leads to.
    ``facing_units``: units (ids, compared case-insensitively) whose active people count as having direct
    customer contact even where the data holds none (a counter, a shop floor). ``search``: "scipy" brings
    one period and channel's graph at a time into memory and searches it there (fastest on one machine);
    "frontier" searches with a loop of joins in the engine (Spark, or a graph larger than memory); "auto":
    scipy on DuckDB, frontier on any other engine. Both give the same table."""
    parts = list(person_distance_batches(store, min_contacts, targets, facing_units, search))
    return pa.concat_tables(parts) if parts else PERSON_DISTANCE_SCHEMA.empty_table()


PERSON_DISTANCE_SCHEMA = pa.schema([("period", pa.string()), ("channel", pa.string()), ("target", pa.string()),
                                    ("person", pa.string()), ("unit", pa.string()), ("distance", pa.int64()),
                                    ("via_unit", pa.string())])  # fmt: skip


def _frontier_distances(graph: _Graph, targets: tuple[str, ...]) -> pa.Table:
    units, ties, direct = graph.units, materialise(graph.ties), graph.direct
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
    for t in (ties, reached):
        release(t)
    return table.cast(PERSON_DISTANCE_SCHEMA)


class _KeyedGraphs:
    """The graph of every period and channel with persons numbered 0.. within each (in the order of their
    ids), read from the engine as one stream in key order, so that one key's graph is in memory at a time."""

    def __init__(self, graph: _Graph) -> None:
        u = graph.units
        u = u.mutate(idx=ibis.row_number().over(group_by=[u.period, u.channel], order_by=u.person).cast("int32"))
        self.units = materialise(u)
        ties, direct = graph.ties, graph.direct
        ua, ub, ud = self.units.view(), self.units.view(), self.units.view()
        ties = ties.join(ua, [ties.period == ua.period, ties.channel == ua.channel, ties.a == ua.person])
        ties = ties.select(ties.period, ties.channel, ties.b, a=ua.idx)
        ties = ties.join(ub, [ties.period == ub.period, ties.channel == ub.channel, ties.b == ub.person])
        direct = direct.join(ud, [direct.period == ud.period, direct.channel == ud.channel, direct.person == ud.person])
        none, no_text = ibis.null("int32"), ibis.null("string")
        rows = ibis.union(
            self.units.select("period", "channel", part=ibis.literal(0, "int8"), x="idx", y=none, text="person", unit="unit"),
            ties.select(ties.period, ties.channel, part=ibis.literal(1, "int8"), x=ties.a, y=ub.idx, text=no_text, unit=no_text),
            direct.select(direct.period, direct.channel, part=ibis.literal(2, "int8"), x=ud.idx, y=none, text=direct.target,
                          unit=no_text),
            distinct=False)  # fmt: skip
        self.rows = rows.order_by(["period", "channel", "part", "x", "y"])

    def __enter__(self) -> _KeyedGraphs:
        return self

    def __exit__(self, *exc: object) -> None:
        release(self.units)

    def __iter__(self) -> Iterator[tuple[str, str, pa.Table, np.ndarray, np.ndarray, pa.Table]]:
        """Per key: period, channel, its active persons (person, unit; row i is person i), ties (a, b) and
        direct contacts (idx, target)."""
        for (period, channel), rows in _runs(stream(self.rows)):
            part = rows["part"].to_numpy()
            units = rows.filter(part == 0)
            ties = rows.filter(part == 1)
            direct = rows.filter(part == 2)
            yield (period, channel, units.select(["text", "unit"]).rename_columns(["person", "unit"]),
                   ties["x"].to_numpy(), ties["y"].to_numpy(), direct.select(["x", "text"]).rename_columns(["idx", "target"]))  # fmt: skip

    def distances(self, targets: tuple[str, ...]) -> Iterator[pa.Table]:
        for period, channel, units, a, b, direct in self:
            n = units.num_rows
            unit_names = pc.dictionary_encode(units["unit"].combine_chunks())
            own = unit_names.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            out = []
            for target in targets:
                hit = direct.filter(pc.equal(direct["target"], target))["idx"].to_numpy()
                d = hop_distances(n, a, b, np.unique(hit))
                via = route_labels(a, b, d, own)
                out.append(pa.table({
                    "period": pa.array([period] * n, pa.string()), "channel": pa.array([channel] * n, pa.string()),
                    "target": pa.array([target] * n, pa.string()), "person": units["person"], "unit": units["unit"],
                    "distance": pa.array(np.where(d >= 0, d, 0), mask=d < 0, type=pa.int64()),
                    "via_unit": unit_names.dictionary.take(pa.array(np.where(via >= 0, via, 0), mask=via < 0)),
                }))  # fmt: skip
            yield pa.concat_tables(out).cast(PERSON_DISTANCE_SCHEMA)


def _runs(reader: pa.RecordBatchReader) -> Iterator[tuple[tuple[str, str], pa.Table]]:
    """The rows of a stream ordered by period and channel, a table per period and channel."""
    key: tuple[str, str] | None = None
    pending: list[pa.RecordBatch] = []
    for batch in reader:
        if batch.num_rows == 0:
            continue
        p, c = batch["period"], batch["channel"]
        change = pc.or_(pc.not_equal(p.slice(1), p.slice(0, len(p) - 1)), pc.not_equal(c.slice(1), c.slice(0, len(c) - 1)))
        starts = [0, *(np.flatnonzero(change.to_numpy(zero_copy_only=False)) + 1).tolist()]
        for start, end in zip(starts, [*starts[1:], batch.num_rows], strict=True):
            here = (p[start].as_py(), c[start].as_py())
            if here != key and pending:
                yield key, pa.Table.from_batches(pending)  # type: ignore[misc]
                pending = []
            key = here
            pending.append(batch.slice(start, end - start))
    if pending:
        yield key, pa.Table.from_batches(pending)  # type: ignore[misc]


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
    return _folded_routes(_route_counts(persons), min_group_size)


def unit_tables(batches: Iterable[pa.Table], fte: dict[str, float] | None, min_group_size: int) -> tuple[pa.Table, pa.Table]:
    """:func:`unit_distances` and :func:`unit_routes` in one pass over :func:`person_distance_batches`, so
    that only one batch of person rows is in memory at a time."""
    tables, counts = [], []
    for persons in batches:
        tables.append(unit_distances(persons, fte))
        counts.append(_route_counts(persons))
    if not tables:
        return unit_distances(PERSON_DISTANCE_SCHEMA.empty_table()), unit_routes(PERSON_DISTANCE_SCHEMA.empty_table(), 1)
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
           for (u, t, v), n in sorted(routes.items(), key=lambda kv: (kv[0][0], kv[0][1], -kv[1], kv[0][2]))]  # fmt: skip
    schema = pa.schema([("unit", pa.string()), ("target", pa.string()), ("via_unit", pa.string()),
                        ("person_months", pa.int64()), ("share", pa.float64())])  # fmt: skip
    return pa.Table.from_pylist(out, schema=schema)
