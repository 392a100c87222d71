"""Complementary suppression: no group below the minimum size can be rebuilt by subtracting visible figures.

Suppressing a small group's row (primary suppression, :func:`~orgsphere.privacy.suppress_small_groups`) is not
enough when its figures are the difference of visible ones: a division of 10 persons made of a team of 8 and a
team of 2 shows the small team's counts as division minus big team; the whole period minus the visible months
gives a hidden month. Statistical offices answer with secondary (complementary) suppression: in every relation
"total = sum of parts", the suppressed parts are never one alone, and together they stand for at least the
minimum number of persons (tau-argus and sdcMicro describe the same rule for hierarchical tables).

Here a *cell* is one group of persons (a set of units, or the organisation) in one month (or all) and one
channel (or all); every row of the sphere table is one cell, and rows that cover the same units (a unit with
no units under it is its own subtree at each deeper level) are the same cell. A *relation* says a cell is the
sum of others: a subtree is its unit's own persons plus the subtrees under it, the organisation the sum of
its roots, the whole period the sum of its months, all channels the sum of the channels.

The rule, run to a fixed point (:func:`complementary_suppression`): an attacker knows every visible cell, and
every cell derived from them (the one unknown part of a relation whose total is known, the total of a relation
whose parts are known). In every relation whose total is known, the persons behind the unknown parts together
must be at least the minimum: their number is at least the largest unknown part's and at least the total's
minus the known parts' (a person counts in the total once and in a part at least once). Where it is less, the
smallest visible part of that relation is suppressed too, and the check runs again. A suppressed cell an
attacker can derive is a disclosure when it is below the minimum; the relation it was derived from then gets
one more suppressed part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence, Set

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .analysis.periods import label_days
from .markers import UNDATED

__all__ = [
    "complementary_suppression", "sphere_relations", "period_stretches", "SphereCells", "protect_sphere",
    "protect_together", "published_rows",
    "follow_sphere", "protect_domains",
]  # fmt: skip

ALL = "all"  # the whole period, or every channel (as analysis.sphere names them)

Cell = Hashable
Relation = tuple[Cell, tuple[Cell, ...]]
SphereCell = tuple[int, object, object]  # a cell of the sphere table: (group, period, channel)


def _sphere_cell(cell: Cell) -> SphereCell:
    """``cell`` as the sphere cell it is (:class:`SphereCells` and :func:`sphere_relations` hold no other)."""
    assert isinstance(cell, tuple) and len(cell) == 3, cell
    return cell


def _known_cells(sizes: dict[Cell, int], relations: Sequence[Relation], hidden: set[Cell],
                 member_of: dict[Cell, list[int]]) -> tuple[set[Cell], dict[Cell, int]]:  # fmt: skip
    """Every cell an attacker knows (visible, or derived by one subtraction or addition at a time, to a fixed
    point), and for each derived cell the relation it was derived from."""
    known = {c for c in sizes if c not in hidden}
    source: dict[Cell, int] = {}
    queue = list(range(len(relations)))
    queued = set(queue)
    while queue:
        i = queue.pop()
        queued.discard(i)
        total, parts = relations[i]
        unknown = [p for p in parts if p not in known]
        found = None
        if total in known and len(unknown) == 1:
            found = unknown[0]
        elif total not in known and not unknown:
            found = total
        if found is not None:
            known.add(found)
            source[found] = i
            for j in member_of.get(found, ()):  # every relation the new cell is in may now give one more
                if j not in queued:
                    queue.append(j)
                    queued.add(j)
    return known, source


class _Cutter:
    """The cheapest cell to hide so that one cell an attacker derives can no longer be derived that way: a
    visible cell of the relation it came from, or a cell that makes one of that relation's derived cells
    underivable in turn. Derivations form a chain back to visible cells (each cell is derived from cells
    known before it), so there is always such a cell; the cheapest cut of each cell is remembered."""

    def __init__(self, relations: Sequence[Relation], hidden: set[Cell], source: dict[Cell, int],
                 cost: Callable[[Cell, set[Cell]], tuple]):  # fmt: skip
        self.relations, self.source, self.cost = relations, source, cost
        self.hidden = set(hidden)  # (as the round began: what is hidden during the round waits for the next)
        self._cuts: dict[Cell, tuple[tuple, Cell]] = {}

    def options(self, cells: Sequence[Cell]) -> tuple[tuple, Cell]:
        """The cheapest of: hiding one of ``cells`` that is visible, or cutting one that is derived (every
        cell given is known to the attacker)."""
        return min(((self.cost(c, self.hidden), c) if c not in self.hidden else self.cut(c) for c in cells),
                   key=lambda option: option[0])  # fmt: skip

    def cut(self, cell: Cell) -> tuple[tuple, Cell]:
        if cell not in self._cuts:
            total, parts = self.relations[self.source[cell]]
            self._cuts[cell] = self.options([c for c in (total, *parts) if c != cell])
        return self._cuts[cell]


def complementary_suppression(sizes: dict[Cell, int], relations: Sequence[Relation], min_size: int,
                              cost: Callable[[Cell, set[Cell]], tuple] | None = None,
                              unpublished: Set[Cell] = frozenset()) -> tuple[set[Cell], set[Cell]]:  # fmt: skip
    """The cells to suppress so that no group below ``min_size`` can be rebuilt: (primary, secondary).

    ``sizes``: persons behind each cell (a missing part of a relation is an empty, known cell). ``relations``:
    (total, parts) with total the sum of its parts. ``cost``: how much a cell's loss hurts (a sortable key;
    by default its persons): of the cells that would close a leak, the cheapest is hidden. Each round finds
    every leak and closes each with one cell, skipping a leak whose relation already lost a cell this round
    (it is looked at again in the next), until there is no leak. ``unpublished``: cells that are never shown
    whatever their size (a domain beyond the top list): hidden from the start, in neither set returned."""
    cost = cost or (lambda c, hidden: (sizes[c],))
    primary = {c for c, n in sizes.items() if n < min_size}
    hidden = primary | set(unpublished)
    relations = [(t, tuple(p for p in parts if p in sizes)) for t, parts in relations if t in sizes]
    member_of: dict[Cell, list[int]] = defaultdict(list)
    for i, (total, parts) in enumerate(relations):
        for c in (total, *parts):
            member_of[c].append(i)
    for _ in range(len(sizes) + 1):
        known, source = _known_cells(sizes, relations, hidden, member_of)
        cutter = _Cutter(relations, hidden, source, cost)
        added: set[Cell] = set()
        for total, parts in relations:
            if total not in known or any(c in added for c in (total, *parts)):
                continue
            unknown = [p for p in parts if p not in known]  # (never one alone: it would be derived)
            if not unknown:
                continue
            bound = max(max(sizes[p] for p in unknown), sizes[total] - sum(sizes[p] for p in parts if p in known))
            if bound >= min_size:
                continue
            # one more part unknown, or the total unknown
            option = cutter.options([p for p in parts if p in known] + [total])
            added.add(option[1])
            hidden.add(option[1])
        for cell in sorted((c for c in primary if c in source), key=str):  # a small cell an attacker derives
            total, parts = relations[source[cell]]
            if not any(c in added for c in (total, *parts)):
                option = cutter.cut(cell)
                added.add(option[1])
                hidden.add(option[1])
        if not added:
            break
    return primary, hidden - primary - set(unpublished)


class _Same:
    """Cells that are one and the same (union-find); a group's whole period over all channels stands for the
    rest, so that hiding it is priced as what it is."""

    def __init__(self) -> None:
        self.parent: dict[Cell, Cell] = {}

    def find(self, cell: Cell) -> Cell:
        root = cell
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while cell != root:
            self.parent[cell], cell = root, self.parent.get(cell, cell)
        return root

    def join(self, a: Cell, b: Cell) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            first, second = sorted((_sphere_cell(ra), _sphere_cell(rb)),
                                   key=lambda c: (c[1] != ALL, c[2] != ALL, str(c)))  # fmt: skip
            self.parent[second] = first


class SphereCells:
    """The cells and relations of a sphere table (scope, depth, group_id, period, channel, persons) under the
    org chart's tree (``ancestors``: unit_id, g0 .. gD as :func:`~orgsphere.analysis.hierarchy.unit_ancestors`)."""

    def __init__(self, sphere: pa.Table, ancestors: pa.Table, size_column: str = "persons"):
        levels = [c for c in ancestors.column_names if c != "unit_id"]
        units = ancestors["unit_id"].to_pylist()
        at = {c: ancestors[c].to_pylist() for c in levels}
        # a unit with no row at all adds nothing to any sum: a subtree that differs from another only by such
        # units has the same figures, so it is the same cell (a board's subtree and the board's own unit)
        seen = set(pc.filter(sphere["group_id"], pc.equal(sphere["scope"], "unit")).to_pylist())
        members: dict[tuple[str, int | None, str], frozenset[str]] = {}
        for d, c in enumerate(levels):
            grouped: dict[str, set[str]] = defaultdict(set)
            for u, g in zip(units, at[c], strict=True):
                grouped[g].add(u)
            for g, us in grouped.items():
                members[("level", d, g)] = frozenset(us & seen)
        for u in units:
            members[("unit", None, u)] = frozenset({u} & seen)
        everyone = frozenset(set(units) & seen)
        self._group_id = {s: i for i, s in enumerate(dict.fromkeys([everyone, *members.values()]))}
        self._of = {k: self._group_id[s] for k, s in members.items()}
        self._everyone = self._group_id[everyone]
        empty = self._group_id.get(frozenset())
        # group relations: a subtree = the groups one level down inside it; the organisation = its roots
        tree: set[tuple[int, tuple[int, ...]]] = set()
        for d in range(len(levels) - 1):
            parts: dict[str, set[int]] = defaultdict(set)
            for g, h in zip(at[levels[d]], at[levels[d + 1]], strict=True):
                parts[g].add(self._of[("level", d + 1, h)])
            for g, ps in parts.items():
                total, ps = self._of[("level", d, g)], ps - {empty}
                if ps != {total} and total != empty:
                    tree.add((total, tuple(sorted(ps))))
        if levels:
            roots = tuple(sorted({self._of[("level", 0, g)] for g in at[levels[0]]} - {empty}))
            if roots != (self._everyone,):
                tree.add((self._everyone, roots))
        keys = sphere.select(["scope", "depth", "group_id", "period", "channel"]).to_pylist()
        self.rows: list[Cell | None] = [self._cell(r) for r in keys]
        persons = sphere[size_column].to_pylist()
        self.sizes: dict[Cell, int] = {}
        for cell, n in zip(self.rows, persons, strict=True):
            if cell is not None:
                self.sizes[cell] = max(self.sizes.get(cell, 0), n or 0)
        relations = sphere_relations(self.sizes, tree)
        stretches, across = period_stretches(self.sizes)  # (where the table holds months and weeks together)
        self.sizes.update(stretches)
        relations += across
        # a sum of one part (a group's only channel, its only month) is that part: one cell, hidden together
        same = _Same()
        for whole, shares in relations:
            kept = [p for p in shares if p in self.sizes]
            if len(kept) == 1:
                same.join(whole, kept[0])
        unique = {(same.find(t), tuple(sorted({same.find(p) for p in parts if p in self.sizes}, key=str)))
                  for t, parts in relations if t in self.sizes}  # fmt: skip
        self.relations = sorted(((t, ps) for t, ps in unique if ps and ps != (t,)), key=str)
        self.rows = [None if c is None else same.find(c) for c in self.rows]
        sizes: dict[Cell, int] = {}
        for c, n in self.sizes.items():
            sizes[same.find(c)] = max(sizes.get(same.find(c), 0), n)
        self.sizes = sizes
        self.unpublished = {same.find(c) for c in stretches}

    def _cell(self, r: dict[str, object]) -> SphereCell | None:
        if r["scope"] == "organisation":
            return (self._everyone, r["period"], r["channel"])
        depth = r["depth"] if r["scope"] == "level" else None
        assert depth is None or isinstance(depth, int)  # the sphere table's depth: int32
        group = self._of.get((str(r["scope"]), depth, str(r["group_id"])))
        if group is None:
            return None
        return (group, r["period"], r["channel"])

    def cost(self, cell: Cell, hidden: set[Cell]) -> tuple[bool, bool, bool, bool, int]:
        """What hiding a cell costs a reader, cheapest first: anything before the organisation's figures; a
        group's month or channel before its whole period over all channels (which the report's tables and fits
        read); a group that already lost its whole-period figures before another (the statistical offices'
        hypercube: one partner group hides the small one in every month and channel, not a new one each
        time); a week before a month (the finer detail, where both are published); then the smaller group."""
        group, period, channel = _sphere_cell(cell)
        partner = (group, ALL, ALL) in hidden
        return (group == self._everyone, period == ALL and channel == ALL, not partner, _kind(period) == "month",
                self.sizes[cell])  # fmt: skip

    def suppressed(self, min_size: int) -> tuple[np.ndarray, np.ndarray]:
        """Per row of the sphere table: primary and secondary suppression."""
        primary, secondary = complementary_suppression(self.sizes, self.relations, min_size, self.cost,
                                                       unpublished=self.unpublished)  # fmt: skip
        return (np.array([c in primary for c in self.rows], bool), np.array([c in secondary for c in self.rows], bool))


def _kind(period: object) -> str | None:
    """A period label's kind: "week" ("2025-W27"), "month" ("2025-07"), or None (the undated items)."""
    return None if period == UNDATED else "week" if "-W" in str(period) else "month"


def sphere_relations(
    cells: dict[Cell, int], tree: set[tuple[int, tuple[int, ...]]], every: str = ALL
) -> list[Relation]:
    """Relations among cells (group, period, channel): the group tree in each period and channel; the whole
    period (``every``) as the sum of its months (and, where the cells hold weeks too, as the sum of its weeks;
    the undated items are a part of both), all channels as the sum of the channels, per group."""
    combos: set[tuple[object, object]] = set()
    periods: dict[tuple[int, object], dict[str | None, list[object]]] = defaultdict(lambda: defaultdict(list))
    channels: dict[tuple[int, object], list[object]] = defaultdict(list)
    for g, p, c in map(_sphere_cell, cells):
        combos.add((p, c))
        if p != every:
            periods[(g, c)][_kind(p)].append(p)
        if c != every:
            channels[(g, p)].append(c)
    out: list[Relation] = []
    for p, c in combos:
        for total, parts in tree:
            if (total, p, c) in cells:
                out.append(((total, p, c), tuple((g, p, c) for g in parts)))
    for (g, c), by_kind in periods.items():
        undated = by_kind.pop(None, [])
        for ps in list(by_kind.values()) or [[]]:  # the months, and the weeks: each with the undated
            out.append(((g, every, c), tuple((g, p, c) for p in [*ps, *undated])))
    for (g, p), cs in channels.items():
        out.append(((g, p, every), tuple((g, p, c) for c in cs)))
    return sorted(out, key=str)  # (one order whatever the hash seed: the same cells hidden in every run)


def period_stretches(cells: dict[Cell, int]) -> tuple[dict[Cell, int], list[Relation]]:
    """Where the cells hold months and weeks of a group and channel: the stretches of days that are at once a
    run of whole months and a run of whole weeks (a month that begins on a Monday and ends on a Sunday, or
    September to November 2025; a gap in the group's data ends a stretch too), each the sum of its months and
    the sum of its weeks. Such a stretch lets an attacker subtract weeks from months, so it is a cell of its
    own, unpublished: (its cells with the persons behind them at least, the largest of its parts; the
    relations). A stretch of one month, or of one week, is that cell itself; one stretch of all is the whole
    period (:func:`sphere_relations` has it)."""
    by_series: dict[tuple[int, object], list[object]] = defaultdict(list)
    for g, p, c in map(_sphere_cell, cells):
        if _kind(p) is not None and p != ALL:
            by_series[(g, c)].append(p)
    sizes: dict[Cell, int] = {}
    out: list[Relation] = []
    for (g, c), ps in by_series.items():
        if {_kind(p) for p in ps} != {"month", "week"}:
            continue
        stretches: list[list[object]] = []
        end = None
        for first, last, p in sorted((*label_days(str(p)), p) for p in ps):
            if end is None or first > end:
                stretches.append([])
            stretches[-1].append(p)
            end = last if end is None or last > end else end
        if len(stretches) < 2:
            continue
        for stretch in stretches:
            months = tuple((g, p, c) for p in stretch if _kind(p) == "month")
            weeks = tuple((g, p, c) for p in stretch if _kind(p) == "week")
            if not months or not weeks:  # (a week of data in no month's rows: nothing to subtract)
                continue
            if len(months) == 1 or len(weeks) == 1:
                one, rest = (months[0], weeks) if len(months) == 1 else (weeks[0], months)
                out.append((one, rest))
                continue
            whole = (g, ("stretch", months[0][1], months[-1][1]), c)
            sizes[whole] = max(cells[part] for part in (*months, *weeks))
            out += [(whole, months), (whole, weeks)]
    return sizes, sorted(out, key=str)


def published_rows(sphere: pa.Table) -> pa.Table:
    """The rows of the sphere table that leave orgsphere: every group per month and per channel, but a month
    of one channel only for the whole organisation (the trend per channel). Per unit and subtree that detail
    would be small in most cells (a unit's tickets in one month) and would tie months and channels into one
    web of sums that only hiding far more of the table could keep closed."""
    detail = pc.and_(pc.not_equal(sphere["period"], ALL), pc.not_equal(sphere["channel"], ALL))
    return sphere.filter(pc.invert(pc.and_(detail, pc.not_equal(sphere["scope"], "organisation"))))


def protect_sphere(sphere: pa.Table, ancestors: pa.Table, min_size: int, size_column: str = "persons") -> pa.Table:
    """The published rows of the sphere table (:func:`published_rows`) with small groups suppressed and, by
    :func:`complementary_suppression`, the cells that would give them away by subtraction; the schema's
    metadata ``secondary`` holds how many rows the second rule hid, and the column ``complementary`` marks them
    (``suppressed`` is true for both: a row hidden for its own size has ``complementary`` false)."""
    return protect_together([sphere], ancestors, min_size, size_column)[0]


def protect_together(spheres: Sequence[pa.Table], ancestors: pa.Table, min_size: int,
                     size_column: str = "persons") -> list[pa.Table]:  # fmt: skip
    """Sphere tables of the same data that are published side by side (per month, and per ISO week), each
    protected as :func:`protect_sphere` does and all of them at once: a small group can be rebuilt from one
    table or by subtracting one table's figures from another's (the months September to November 2025 are the
    weeks 36 to 48; the whole period is in both), so the cells of all the tables are one web of sums."""
    from .privacy import suppress_small_groups

    parts = [published_rows(sphere) for sphere in spheres]
    _, secondary = SphereCells(pa.concat_tables(parts), ancestors, size_column).suppressed(min_size)
    out, start = [], 0
    for part in parts:
        hidden = secondary[start:start + part.num_rows]
        start += part.num_rows
        table = suppress_small_groups(part, size_column, min_size, also=pa.array(hidden))
        table = table.add_column(table.column_names.index("suppressed") + 1, "complementary", pa.array(hidden))
        metadata = {**(table.schema.metadata or {}), b"secondary": str(int(hidden.sum())).encode()}
        out.append(table.replace_schema_metadata(metadata))
    return out


def follow_sphere(table: pa.Table, sphere: pa.Table, min_size: int, units: Sequence[str] = ("unit",),
                  size_column: str = "persons") -> pa.Table:  # fmt: skip
    """A table by unit and period (``units``: the column(s) naming units; a row with two, a relation, stands
    for both) with small groups suppressed (by its own ``size_column``) and, besides, every row of a unit the
    protected ``sphere`` hides in that period and channel to protect a smaller one: such a unit is hidden in
    every table, so that no table gives back what the sphere table hid (its persons, its contact counts)."""
    from .privacy import suppress_small_groups

    shown = sphere.filter(pc.equal(sphere["scope"], "unit"))
    hidden = {(r["group_id"], r["period"], r["channel"]) for r in
              shown.select(["group_id", "period", "channel", "complementary"]).to_pylist()
              if r["complementary"]}  # fmt: skip
    periods = table["period"].to_pylist() if "period" in table.column_names else [ALL] * table.num_rows
    channels = table["channel"].to_pylist() if "channel" in table.column_names else [ALL] * table.num_rows
    named = [table[c].to_pylist() for c in units]
    also = [any((u[i], periods[i], ALL) in hidden or (u[i], periods[i], channels[i]) in hidden for u in named)
            for i in range(table.num_rows)]  # fmt: skip
    own = pc.fill_null(pc.less(table[size_column], min_size), True)
    extra = int(pc.sum(pc.and_(pa.array(also, pa.bool_()), pc.invert(own)).cast(pa.int64())).as_py() or 0)
    out = suppress_small_groups(table, size_column, min_size, also=pa.array(also, pa.bool_()))
    return out.replace_schema_metadata({**(out.schema.metadata or {}), b"secondary": str(extra).encode()})


def protect_domains(boundary: pa.Table, domains: pa.Table, min_size: int, top: int) -> tuple[pa.Table, pa.Table]:
    """The boundary (per class of outside party: kind, declared_by) and its ``top`` busiest domains, with
    small groups suppressed and, by :func:`complementary_suppression`, what would give them away: a class is
    the sum of its domains (and of its parties without a domain, never shown), and all classes together are
    the organisation's outside contact, which the sphere table shows. A domain is left out altogether when
    hidden (its name alone would say that someone wrote to it); a class keeps its row, suppressed."""
    from .privacy import suppress_small_groups

    every = ("all classes",)
    sizes: dict[Cell, int] = {every: 10**9}  # (the organisation: always shown)
    parts: dict[Cell, list[Cell]] = defaultdict(list)
    for r in boundary.select(["kind", "declared_by", "persons"]).to_pylist():
        sizes[("class", r["kind"], r["declared_by"])] = r["persons"] or 0
        parts[every].append(("class", r["kind"], r["declared_by"]))
    ranked = domains.select(["domain", "kind", "declared_by", "persons"]).to_pylist()
    candidates = [r["domain"] for r in ranked if r["domain"] is not None][:top]  # (the busiest come first)
    unpublished = set()
    for r in ranked:
        cell = ("domain", r["domain"], r["kind"], r["declared_by"])
        sizes[cell] = r["persons"] or 0
        parts[("class", r["kind"], r["declared_by"])].append(cell)
        if r["domain"] not in candidates:
            unpublished.add(cell)
    relations = [(total, tuple(ps)) for total, ps in parts.items() if total in sizes]
    primary, secondary = complementary_suppression(sizes, relations, min_size, unpublished=unpublished)
    hide = primary | secondary
    classes = [("class", r["kind"], r["declared_by"]) in hide for r in boundary.to_pylist()]
    shown = [("domain", r["domain"], r["kind"], r["declared_by"]) not in hide | unpublished for r in ranked]
    out = suppress_small_groups(boundary, "persons", min_size, also=pa.array(classes, pa.bool_()))
    kept = suppress_small_groups(domains.filter(pa.array(shown, pa.bool_())), "persons", min_size)
    extra = len([c for c in secondary if isinstance(c, tuple) and c[0] in ("class", "domain")])
    return out.replace_schema_metadata({**(out.schema.metadata or {}), b"secondary": str(extra).encode()}), kept
