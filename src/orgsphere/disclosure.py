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
from collections.abc import Hashable, Sequence

import numpy as np
import pyarrow as pa

__all__ = ["complementary_suppression", "sphere_relations", "SphereCells", "protect_sphere"]

Cell = Hashable
Relation = tuple[Cell, tuple[Cell, ...]]


def _known_cells(sizes: dict[Cell, int], relations: Sequence[Relation], hidden: set[Cell]) -> tuple[set[Cell], dict[Cell, int]]:
    """Every cell an attacker knows (visible, or derived by one subtraction or addition at a time, to a fixed
    point), and for each cell derived as a part, the relation it came from."""
    known = {c for c in sizes if c not in hidden}
    source: dict[Cell, int] = {}
    changed = True
    while changed:
        changed = False
        for i, (total, parts) in enumerate(relations):
            unknown = [p for p in parts if p not in known]
            if total in known and len(unknown) == 1:
                known.add(unknown[0])
                source.setdefault(unknown[0], i)
                changed = True
            elif total not in known and not unknown:
                known.add(total)
                changed = True
    return known, source


def complementary_suppression(sizes: dict[Cell, int], relations: Sequence[Relation], min_size: int) -> tuple[set[Cell], set[Cell]]:
    """The cells to suppress so that no group below ``min_size`` can be rebuilt: (primary, secondary).

    ``sizes``: persons behind each cell (a missing part of a relation is an empty, known cell). ``relations``:
    (total, parts) with total the sum of its parts."""
    primary = {c for c, n in sizes.items() if n < min_size}
    hidden = set(primary)
    relations = [(t, tuple(p for p in parts if p in sizes)) for t, parts in relations if t in sizes]
    for _ in range(len(sizes) + 1):
        known, source = _known_cells(sizes, relations, hidden)
        leaking: list[tuple[Cell, ...]] = []
        for i, (total, parts) in enumerate(relations):
            if total not in known:
                continue
            unknown = [p for p in parts if p not in known]
            if unknown:
                bound = max(max(sizes[p] for p in unknown), sizes[total] - sum(sizes[p] for p in parts if p in known))
                if bound < min_size:
                    leaking.append(parts)
        for cell, i in source.items():  # a small cell derived by one subtraction
            if cell in primary:
                leaking.append(relations[i][1])
        added = False
        for parts in leaking:
            visible = [p for p in parts if p not in hidden]
            if visible:
                hidden.add(min(visible, key=lambda p: (sizes[p], str(p))))
                added = True
        if not added:
            if leaking:  # every part of a leaking relation is hidden: hide the relations' totals as well
                for total, parts in relations:
                    if parts in leaking and total not in hidden:
                        hidden.add(total)
                        added = True
            if not added:
                break
    return primary, hidden - primary


class SphereCells:
    """The cells and relations of a sphere table (scope, depth, group_id, period, channel, persons) under the
    org chart's tree (``ancestors``: unit_id, g0 .. gD as :func:`~orgsphere.analysis.hierarchy.unit_ancestors`)."""

    def __init__(self, sphere: pa.Table, ancestors: pa.Table):
        levels = [c for c in ancestors.column_names if c != "unit_id"]
        units = ancestors["unit_id"].to_pylist()
        at = {c: ancestors[c].to_pylist() for c in levels}
        members: dict[tuple[str, int | None, str], frozenset[str]] = {}
        for d, c in enumerate(levels):
            grouped: dict[str, set[str]] = defaultdict(set)
            for u, g in zip(units, at[c], strict=True):
                grouped[g].add(u)
            for g, us in grouped.items():
                members[("level", d, g)] = frozenset(us)
        for u in units:
            members[("unit", None, u)] = frozenset([u])
        everyone = frozenset(units)
        self._group_id = {s: i for i, s in enumerate(dict.fromkeys([everyone, *members.values()]))}
        self._of = {k: self._group_id[s] for k, s in members.items()}
        self._everyone = self._group_id[everyone]
        # group relations: a subtree = the groups one level down inside it; the organisation = its roots
        tree: set[tuple[int, tuple[int, ...]]] = set()
        for d in range(len(levels) - 1):
            parts: dict[str, set[int]] = defaultdict(set)
            for g, h in zip(at[levels[d]], at[levels[d + 1]], strict=True):
                parts[g].add(self._of[("level", d + 1, h)])
            for g, ps in parts.items():
                total = self._of[("level", d, g)]
                if ps != {total}:
                    tree.add((total, tuple(sorted(ps))))
        if levels:
            roots = tuple(sorted({self._of[("level", 0, g)] for g in at[levels[0]]}))
            if roots != (self._everyone,):
                tree.add((self._everyone, roots))
        self.rows = [self._cell(r) for r in sphere.select(["scope", "depth", "group_id", "period", "channel"]).to_pylist()]
        persons = sphere["persons"].to_pylist()
        self.sizes: dict[Cell, int] = {}
        for cell, n in zip(self.rows, persons, strict=True):
            if cell is not None:
                self.sizes[cell] = max(self.sizes.get(cell, 0), n or 0)
        self.relations = sphere_relations(self.sizes, tree)

    def _cell(self, r: dict[str, object]) -> tuple[int, object, object] | None:
        if r["scope"] == "organisation":
            group = self._everyone
        else:
            group = self._of.get((str(r["scope"]), r["depth"] if r["scope"] == "level" else None, str(r["group_id"])))
            if group is None:
                return None
        return (group, r["period"], r["channel"])

    def suppressed(self, min_size: int) -> tuple[np.ndarray, np.ndarray]:
        """Per row of the sphere table: primary and secondary suppression."""
        primary, secondary = complementary_suppression(self.sizes, self.relations, min_size)
        return (np.array([c in primary for c in self.rows], bool), np.array([c in secondary for c in self.rows], bool))


def sphere_relations(cells: dict[Cell, int], tree: set[tuple[int, tuple[int, ...]]], every: str = "all") -> list[Relation]:
    """Relations among cells (group, period, channel): the group tree in each month and channel; the whole
    period (``every``) as the sum of its months, all channels as the sum of the channels, per group."""
    combos: set[tuple[object, object]] = set()
    months: dict[tuple[int, object], list[object]] = defaultdict(list)
    channels: dict[tuple[int, object], list[object]] = defaultdict(list)
    for g, p, c in cells:  # type: ignore[misc]
        combos.add((p, c))
        if p != every:
            months[(g, c)].append(p)
        if c != every:
            channels[(g, p)].append(c)
    out: list[Relation] = []
    for p, c in combos:
        for total, parts in tree:
            if (total, p, c) in cells:
                out.append(((total, p, c), tuple((g, p, c) for g in parts)))
    for (g, c), ps in months.items():
        out.append(((g, every, c), tuple((g, p, c) for p in ps)))
    for (g, p), cs in channels.items():
        out.append(((g, p, every), tuple((g, p, c) for c in cs)))
    return out


def protect_sphere(sphere: pa.Table, ancestors: pa.Table, min_size: int) -> pa.Table:
    """The sphere table with small groups suppressed and, by :func:`complementary_suppression`, the cells
    that would give them away by subtraction; the schema's metadata ``secondary`` holds how many rows the
    second rule hid."""
    from .privacy import suppress_small_groups

    _, secondary = SphereCells(sphere, ancestors).suppressed(min_size)
    out = suppress_small_groups(sphere, "persons", min_size, also=pa.array(secondary))
    return out.replace_schema_metadata({**(out.schema.metadata or {}), b"secondary": str(int(secondary.sum())).encode()})
