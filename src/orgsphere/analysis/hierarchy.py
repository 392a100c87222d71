"""The org-chart tree as groupings: each unit mapped to the group it belongs to at every scope.

Scopes: ``unit`` (the unit a person sits in), ``level`` d (the unit's ancestor at depth d, the root at
depth 0; a unit shallower than d stands for itself) and ``organisation`` (everyone together).
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["unit_groups", "unit_ancestors", "ORGANISATION"]

ORGANISATION = "(organisation)"


def unit_groups(units: pa.Table) -> pa.Table:
    """Rows (scope, depth, unit_id, group_id) for every unit at every scope."""
    parent = dict(zip(units.column("unit_id").to_pylist(), units.column("parent_id").to_pylist(), strict=True))
    chains: dict[str, list[str]] = {}
    for unit in parent:
        chain: list[str] = []
        node = unit
        while node is not None and node in parent and len(chain) <= len(parent):
            chain.append(node)
            node = parent[node]
        chains[unit] = chain[::-1]  # root first
    max_depth = max((len(c) - 1 for c in chains.values()), default=0)
    rows: dict[str, list[object]] = {"scope": [], "depth": [], "unit_id": [], "group_id": []}

    def add(scope: str, depth: int | None, unit: str, group: str) -> None:
        rows["scope"].append(scope)
        rows["depth"].append(depth)
        rows["unit_id"].append(unit)
        rows["group_id"].append(group)

    for unit, chain in chains.items():
        add("unit", len(chain) - 1, unit, unit)
        add("organisation", None, unit, ORGANISATION)
        for depth in range(max_depth + 1):
            add("level", depth, unit, chain[min(depth, len(chain) - 1)])
    return pa.table(rows, schema=pa.schema([("scope", pa.string()), ("depth", pa.int32()),
                                            ("unit_id", pa.string()), ("group_id", pa.string())]))  # fmt: skip


def unit_ancestors(units: pa.Table) -> tuple[pa.Table, int]:
    """One row per unit: ``unit_id`` and ``g0`` .. ``gD``, its ancestor at each depth (itself where the unit is
    shallower than that depth); and D, the deepest depth."""
    groups = unit_groups(units)
    depths = [d for s, d in zip(groups["scope"].to_pylist(), groups["depth"].to_pylist(), strict=True) if s == "level"]
    max_depth = max(depths, default=0)
    columns: dict[str, list[str]] = {"unit_id": [], **{f"g{d}": [] for d in range(max_depth + 1)}}
    by_unit: dict[str, dict[int, str]] = {}
    for scope, depth, unit, group in zip(groups["scope"].to_pylist(), groups["depth"].to_pylist(),
                                         groups["unit_id"].to_pylist(), groups["group_id"].to_pylist(),
                                         strict=True):  # fmt: skip
        if scope == "level":
            by_unit.setdefault(unit, {})[depth] = group
    for unit, at in by_unit.items():
        columns["unit_id"].append(unit)
        for d in range(max_depth + 1):
            columns[f"g{d}"].append(at[d])
    return pa.table(columns, schema=pa.schema([(c, pa.string()) for c in columns])), max_depth
