"""An attacker's differencing check, written apart from orgsphere's own suppression code.

Given a published sphere table (suppressed rows carry no figures), the org chart's tree and, for every group,
month and channel, who truly was behind it, it subtracts every visible parent's figures minus its visible
children (a subtree minus its unit and the subtrees under it, the organisation minus its roots), every whole
period minus its visible months and every 'all channels' minus its visible channels, and reports each
subtraction that rebuilds the figures of fewer than ``k`` persons.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Key = tuple[str, Any, str, str, str]  # scope, depth, group, period, channel
# how many persons (at least) stand behind the union of the hidden rows, given the whole and the visible parts
Truth = Callable[[list[Key], Key, list[Key]], int]


def attacks(rows: list[dict[str, Any]], parent: dict[str, str | None], truth: Truth, k: int) -> list[str]:
    published = {(r["scope"], r["depth"], r["group_id"], r["period"], r["channel"]): r for r in rows}
    depth: dict[str, int] = {}
    for unit in parent:
        d, node = 0, parent[unit]
        while node is not None:
            d, node = d + 1, parent.get(node)
        depth[unit] = d
    children = {u: [c for c in parent if parent[c] == u] for u in parent}
    periods = {r["period"] for r in rows}
    channels = {r["channel"] for r in rows}
    found = []

    def check(whole: Key, parts: list[Key], what: str) -> None:
        if whole not in published or published[whole]["suppressed"]:
            return
        hidden = [p for p in parts if p in published and published[p]["suppressed"]]
        visible = [p for p in parts if p in published and not published[p]["suppressed"]]
        if hidden and 0 < (n := truth(hidden, whole, visible)) < k:
            found.append(f"{what}: {whole} minus visible parts rebuilds {hidden} ({n} persons)")

    for p in periods:
        for c in channels:
            for g, d in depth.items():
                parts = [("unit", None, g, p, c)] + [("level", d + 1, h, p, c) for h in children[g]]
                check(("level", d, g, p, c), parts, "subtree")
            roots = [("level", 0, g, p, c) for g, d in depth.items() if d == 0]
            check(("organisation", None, "(organisation)", p, c), roots, "organisation")
    for key in published:
        scope, d, g, p, c = key
        if p == "all":
            check(key, [(scope, d, g, m, c) for m in periods if m != "all"], "months")
        if c == "all":
            check(key, [(scope, d, g, p, ch) for ch in channels if ch != "all"], "channels")
    return found
