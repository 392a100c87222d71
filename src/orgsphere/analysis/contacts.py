"""The contact graph of every month and channel, as customer distance searches it: integer-coded, in the engine.

From one pass over the interactions (:func:`~orgsphere.analysis.ends.classified_interactions`: both ends
placed in one lookup each, persons and units as integer codes, months as ``year * 100 + month``):

- ``units``: each active person's unit in a period and channel (the unit they were placed in most often; a
  move splits a month), with 'all' roll-ups, the undated period left out;
- ``ties``: the pairs of persons with at least ``min_contacts`` interactions in the period and channel;
- ``direct``: who had direct contact with each target kind of outside party (or works in a customer-facing
  unit).

Everything is integers until :class:`Labels` turns codes back into pseudonyms, unit ids, months and channels;
at 10^8 interactions the engine hashes and sorts numbers, not strings. :class:`KeyedGraphs` hands over the
graphs in key order, one month and channel at a time, for the in-memory search.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import ibis
import numpy as np
import pyarrow as pa

from ..engine import TableSource, materialise, release
from ..markers import ALL
from .ends import (
    EVERY_CHANNEL,
    EVERY_MONTH,
    UNDATED_MONTH,
    channels_of,
    classified_interactions,
    unit_codes,
)
from .hierarchy import unit_ancestors
from .periods import Period, code_label
from .sphere import rollups

__all__ = ["Graph", "Labels", "KeyGraph", "KeyedGraphs", "contact_graph", "IN_MEMORY_ROWS"]

IN_MEMORY_ROWS = 2_000_000  # graphs of no more rows (units, ties, direct contacts together) are fetched whole


@dataclass(frozen=True)
class Labels:
    """What the codes stand for."""

    persons: pa.Array  # pseudonym of each person code
    units: pa.Array  # unit id of each unit code
    channels: list[str]  # channel of each channel code
    targets: tuple[str, ...]  # target kind of each target code
    period: Period = "month"  # what a period code stands for: a month, or an ISO week

    def periods(self, codes: np.ndarray) -> pa.Array:
        """'YYYY-MM' for a month code ('YYYY-Www' for a week's), 'all' for every period."""
        distinct, at = np.unique(codes, return_inverse=True)
        names = [ALL if m == EVERY_MONTH else code_label(int(m), self.period) for m in distinct.tolist()]
        return pa.array(names, pa.string()).take(pa.array(at.reshape(-1)))

    def channel(self, codes: np.ndarray) -> pa.Array:
        """The channel's name for a channel code, 'all' for every channel."""
        at = np.where(codes == EVERY_CHANNEL, len(self.channels), codes)
        return pa.array([*self.channels, ALL], pa.string()).take(pa.array(at))


@dataclass(frozen=True)
class Graph:
    """What either search needs, as engine tables keyed by period and channel (codes)."""

    units: ibis.Table  # period, channel, person, unit (held by the engine)
    ties: ibis.Table  # period, channel, a, b (person codes, a < b)
    direct: ibis.Table  # period, channel, person, target
    labels: Labels
    held: tuple[ibis.Table, ...]  # what the engine holds for these

    def release(self) -> None:
        for t in self.held:
            release(t)


def contact_graph(store: TableSource, min_contacts: int, targets: tuple[str, ...], facing_units: tuple[str, ...],
                  period: Period = "month", per_channel: bool = True) -> Graph:  # fmt: skip
    """The graphs of every month (or ISO week: ``period``) and channel (and their roll-ups), with
    ``facing_units`` (unit ids, compared case-insensitively) counting as direct customer contact; without
    ``per_channel``, only the graphs over all channels."""
    ancestors, depth = unit_ancestors(store.table("units").to_pyarrow())
    codes = unit_codes(ancestors.sort_by("unit_id"))  # codes in the order of the ids: a tie goes to the first id
    channels = channels_of(store)
    c = classified_interactions(store, codes, depth, channels, targets, period)
    # the one pass over the interactions, held: read for the ends (twice) and the pairs
    c = materialise(c.select("period", "ch", "s_person", "s_unit", "s_pk", "d_person", "d_unit", "d_pk", "n"))
    ends = []  # every placed person end; its target: the kind of the party at the other end, if one is
    for me, other in (("s", "d"), ("d", "s")):
        t = c.filter(c[f"{me}_person"].notnull() & c[f"{me}_unit"].notnull())
        ends.append(t.select("period", channel=t.ch, person=t[f"{me}_person"], unit=t[f"{me}_unit"],
                             target=t[f"{other}_pk"], n=t.n))  # fmt: skip
    end = ibis.union(*ends, distinct=False)
    units = _main_units(end, per_channel)
    facing = [f.lower() for f in facing_units]
    facing_codes = [code for unit, code in zip(codes["unit_id"].to_pylist(), codes["code"].to_pylist(), strict=True)
                    if unit.lower() in facing]  # fmt: skip
    direct = _monthly(end.filter(end.target >= 0), ["person", "target"], per_channel)
    direct = direct.select("period", "channel", "person", "target")
    if facing_codes and "customer" in targets:
        f = units.filter(units.unit.isin(facing_codes))
        customer = ibis.literal(targets.index("customer"), "int8")
        direct = ibis.union(direct, f.select("period", "channel", "person", target=customer))
    people = store.table("people").select("person_id").distinct().order_by("person_id").to_pyarrow()["person_id"]
    labels = Labels(people.combine_chunks(), codes["unit_id"].combine_chunks(), channels, targets, period)
    return Graph(units, _ties(c, min_contacts, per_channel), direct.distinct(), labels, (c, units))


def _monthly(t: ibis.Table, keys: list[str], per_channel: bool = True) -> ibis.Table:
    """Interactions counted (``n``: the sum of the rows' ``n``) per keys, month and channel, with the roll-ups
    (without ``per_channel``: over all channels only); the undated month left out (it counts in 'all')."""
    counts = rollups(t, keys, lambda t: {"n": t.n.sum()}, EVERY_MONTH, EVERY_CHANNEL, per_channel)
    return counts.filter(counts.period != UNDATED_MONTH)


def _main_units(end: ibis.Table, per_channel: bool = True) -> ibis.Table:
    """Each active person's unit per month and channel: the one they were placed in most often (held). The
    ends are counted per person, unit, month and channel once (held for the while), and rolled up from those
    counts: four scans of the counts, not of the ends."""
    fine = materialise(end.group_by(["person", "unit", "period", "channel"]).aggregate(n=end.n.sum()))
    units = _monthly(fine, ["person", "unit"], per_channel)
    main = ibis.window(group_by=[units.period, units.channel, units.person], order_by=[ibis.desc(units.n), units.unit])
    out = materialise(units.mutate(rank=ibis.row_number().over(main)).filter(ibis._.rank == 0)
                      .select("period", "channel", "person", "unit"))  # fmt: skip
    release(fine)
    return out


def _ties(c: ibis.Table, min_contacts: int, per_channel: bool = True) -> ibis.Table:
    """Pairs of placed persons (a < b) with at least ``min_contacts`` interactions per month and channel."""
    pairs = c.filter(c.s_person.notnull() & c.s_unit.notnull() & c.d_person.notnull() & c.d_unit.notnull()
                     & (c.s_person != c.d_person))  # fmt: skip
    pairs = pairs.select("period", channel=pairs.ch, a=ibis.least(pairs.s_person, pairs.d_person),
                         b=ibis.greatest(pairs.s_person, pairs.d_person), n=pairs.n)  # fmt: skip
    ties = _monthly(pairs, ["a", "b"], per_channel)
    return ties.filter(ties.n >= min_contacts).select("period", "channel", "a", "b")


@dataclass(frozen=True)
class KeyGraph:
    """One period and channel's graph, persons numbered 0..n-1 in the order of their codes (and ids)."""

    period: int
    channel: int
    persons: np.ndarray  # person code of each node
    units: np.ndarray  # unit code of each node
    a: np.ndarray  # ties, as node numbers
    b: np.ndarray
    direct: np.ndarray  # node numbers with direct contact ...
    targets: np.ndarray  # ... with this target code


class KeyedGraphs:
    """Every period and channel's graph from the engine, one key at a time in key order, so that one key's
    graph is in memory at a time. The engine holds the ties and direct contacts and hands over one key's rows
    per query (a filter, no join, no sort over the whole); the persons are numbered here."""

    def __init__(self, graph: Graph, in_memory_rows: int = IN_MEMORY_ROWS) -> None:
        self.units = graph.units
        self.ties = materialise(graph.ties)
        self.direct = materialise(graph.direct)
        keys = self.units.select("period", "channel").distinct().to_pyarrow()
        self.keys = sorted(zip(keys["period"].to_pylist(), keys["channel"].to_pylist(), strict=True))
        # a small graph (the demo's weeks: hundreds of keys of a few hundred rows) is fetched whole, once, and
        # split here: one query per key and table would cost more than the search
        tables = {"units": (self.units, ("person", "unit")), "ties": (self.ties, ("a", "b")),
                  "direct": (self.direct, ("person", "target"))}  # fmt: skip
        self._columns = {name: columns for name, (_, columns) in tables.items()}
        small = sum(t.count().to_pyarrow().as_py() for t, _ in tables.values()) <= in_memory_rows
        self._split = {name: _split(t.select("period", "channel", *columns).to_pyarrow(), columns)
                       for name, (t, columns) in tables.items()} if small else None  # fmt: skip

    def __enter__(self) -> KeyedGraphs:
        return self

    def __exit__(self, *exc: object) -> None:
        release(self.ties)
        release(self.direct)

    def __iter__(self) -> Iterator[KeyGraph]:
        none = (np.empty(0, np.int64), np.empty(0, np.int64))
        for period, channel in self.keys:
            if self._split is not None:
                units, ties, direct = (self._split[name].get((period, channel), none)
                                       for name in ("units", "ties", "direct"))  # fmt: skip
            else:
                held = (("units", self.units), ("ties", self.ties), ("direct", self.direct))
                units, ties, direct = (_key(t, period, channel, self._columns[name]) for name, t in held)
            order = np.argsort(units[0], kind="stable")
            persons, unit = units[0][order], units[1][order]
            a, b = _nodes(persons, ties[0]), _nodes(persons, ties[1])
            both = (a >= 0) & (b >= 0)
            d = _nodes(persons, direct[0])
            yield KeyGraph(period, channel, persons, unit, a[both], b[both], d[d >= 0], direct[1][d >= 0])


def _key(t: ibis.Table, period: int, channel: int, columns: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Two integer columns of one period and channel's rows, sorted by them."""
    rows = t.filter((t.period == period) & (t.channel == channel)).select(*columns).to_pyarrow()
    first, second = (rows[c].to_numpy().astype(np.int64) for c in columns)
    order = np.lexsort((second, first))  # (in one order whatever the engine's: the routes depend on it)
    return first[order], second[order]


def _split(rows: pa.Table, columns: tuple[str, str]) -> dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]:
    """Two integer columns of every period and channel's rows, each key's sorted by them (as :func:`_key`)."""
    period, channel, first, second = (rows[c].to_numpy().astype(np.int64) for c in ("period", "channel", *columns))
    order = np.lexsort((second, first, channel, period))  # (a key's rows in one order, whatever the engine's)
    period, channel, first, second = period[order], channel[order], first[order], second[order]
    edges = np.flatnonzero((np.diff(period) != 0) | (np.diff(channel) != 0)) + 1
    starts, ends = np.concatenate([[0], edges]), np.concatenate([edges, [len(period)]])
    return {(int(period[s]), int(channel[s])): (first[s:e], second[s:e])
            for s, e in zip(starts.tolist(), ends.tolist(), strict=True) if e > s}  # fmt: skip


def _nodes(persons: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The node number of each person code (``persons`` sorted), -1 where the code is not a node."""
    if len(persons) == 0:
        return np.full(len(codes), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(persons, codes), len(persons) - 1)
    return np.where(persons[at] == codes, at, -1)
