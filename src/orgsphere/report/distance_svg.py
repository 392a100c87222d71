"""Hand-drawn SVG for the line-of-sight section: the org chart as an icicle coloured by line of sight, and the
small monthly lines in the units' table. Written by hand rather than with matplotlib because every unit needs
its own tooltip (``<title>``) and the map must stay legible with hundreds of units."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from .i18n import Words

__all__ = ["MapUnit", "unit_map", "sparkline", "share_colour"]

# from far (light) to near (dark), the same ramp as the distance bands of the table
_RAMP = ((0.0, (0xEE, 0xF3, 0xF6)), (0.5, (0x7F, 0xB3, 0xC8)), (1.0, (0x0B, 0x3C, 0x5D)))
WIDTH = 960
LABEL_MIN_HEIGHT = 13  # pixels a box needs for its name to be written in it
LEAF_HEIGHT = 14.0  # every team gets room for its name
OWN_HEIGHT = 3.0  # the people of a unit that also has units under it
CHAR_WIDTH = 6.1  # average width of a character at the 11px label size


def share_colour(share: float) -> str:
    """The colour of a line-of-sight share (0 = nobody within one hop, 1 = everybody)."""
    share = min(1.0, max(0.0, share))
    for (x0, c0), (x1, c1) in zip(_RAMP, _RAMP[1:], strict=False):
        if share <= x1:
            t = (share - x0) / (x1 - x0)
            return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(c0, c1, strict=True))
    return "#0b3c5d"


@dataclass
class MapUnit:
    """One unit of the map: its own person-months (those not suppressed) near and in all, and its place."""

    unit: str
    name: str
    kind: str | None
    parent: str | None
    near: int = 0  # person-months within one hop of the customer
    near2: int = 0  # within two hops
    total: int = 0  # person-months shown (months with too few persons are left out)
    children: list[MapUnit] = field(default_factory=list)

    def sums(self) -> tuple[int, int, int]:
        """(near, near2, total) over the unit and everything under it."""
        near, near2, total = self.near, self.near2, self.total
        for c in self.children:
            a, b, t = c.sums()
            near, near2, total = near + a, near2 + b, total + t
        return near, near2, total


def _forest(units: Sequence[MapUnit]) -> list[MapUnit]:
    by_id = {u.unit: u for u in units}
    roots: list[MapUnit] = []
    for u in units:
        u.children = []
    for u in units:
        parent = by_id.get(u.parent) if u.parent is not None else None
        (parent.children if parent is not None else roots).append(u)

    def shown(nodes: list[MapUnit]) -> list[MapUnit]:
        """Units with something to show under them (small groups are suppressed), line first, by name."""
        kept = [u for u in nodes if u.sums()[2] > 0]
        for u in kept:
            u.children = shown(u.children)
        return sorted(kept, key=lambda u: (u.kind != "line", u.name.lower()))

    return shown(roots)


def _depth(node: MapUnit) -> int:
    return 1 + max((_depth(c) for c in node.children), default=0)


def _minimum(node: MapUnit) -> float:
    """The height a unit's own slice needs before sizes are shared out: a leaf enough for its name, a parent's
    own people a sliver, a parent without people of its own nothing."""
    if not node.children:
        return LEAF_HEIGHT
    return OWN_HEIGHT if node.total else 0.0


def _label(name: str, share: str, room: int, two: bool) -> list[str]:
    """A box's text: name and share on one line where they fit, else on two where the box is tall enough,
    else the name cut short."""
    one = f"{name}  {share}"
    if len(one) <= room:
        return [one]
    cut = name if len(name) <= room else name[: max(1, room - 1)] + "…"
    return [cut, share] if two else [cut]


def unit_map(units: Sequence[MapUnit], t: Words, n: Callable[..., str]) -> str:
    """The org chart as an icicle, roots on the left: each unit a box as tall as the person-months in its
    subtree (every team tall enough for its name), coloured by the line of sight of everyone under it.
    Units with nothing to show (every month below the minimum group size) are left out. Hovering a box gives
    its figures."""
    roots = _forest(units)
    if not roots:
        return ""

    def walk(node: MapUnit) -> list[MapUnit]:
        return [node, *(m for c in node.children for m in walk(c))]

    everyone = [m for r in roots for m in walk(r)]
    fixed = sum(_minimum(m) for m in everyone)
    grand = sum(m.total for m in everyone)
    per_month = max(240.0, 0.4 * fixed) / grand if grand else 0.0
    columns = max(_depth(r) for r in roots)
    # the first column (the whole organisation, as a rule) narrower; the rest share the width
    first = min(150.0, WIDTH / columns)
    col = (WIDTH - first) / (columns - 1) if columns > 1 else WIDTH
    boxes: list[str] = []
    kinds = {"line": t.gettext("line"), "staff": t.gettext("staff")}

    def own_height(node: MapUnit) -> float:
        return _minimum(node) + per_month * node.total

    def box_height(node: MapUnit) -> float:
        return own_height(node) + sum(box_height(c) for c in node.children)

    def draw(node: MapUnit, depth: int, y: float, path: str) -> float:
        h = box_height(node)
        near, near2, total = node.sums()
        share = near / total
        where = f"{path} › {node.name}" if path else node.name
        kind = f" ({kinds[node.kind]})" if node.kind in kinds else ""
        tip = t.gettext("%(unit)s: %(near)s%% within one hop of a customer, %(near2)s%% within two; %(pm)s "
                        "person-months", unit=where + kind, near=n(100 * near / total), near2=n(100 * near2 / total),
                        pm=n(total))  # fmt: skip
        x, w = (0.0, first) if depth == 0 else (first + (depth - 1) * col, col)
        label = ""
        if h >= LABEL_MIN_HEIGHT:
            ink = "#fff" if share > 0.6 else "#1d2433"
            lines = _label(node.name, f"{n(100 * share)}%", int((w - 10) / CHAR_WIDTH),
                           two=h >= 2 * LABEL_MIN_HEIGHT + 4)  # fmt: skip
            label = "".join(f'<text x="{x + 5:.1f}" y="{y + min(h / 2, 12) + 4 + 13 * i:.1f}" fill="{ink}">'
                            f"{escape(text)}</text>" for i, text in enumerate(lines))  # fmt: skip
        boxes.append(f'<g><title>{escape(tip)}</title><rect x="{x + 1:.1f}" y="{y + 0.5:.1f}" width="{w - 2:.1f}" '
                     f'height="{max(h - 1, 1):.1f}" fill="{share_colour(share)}"/>{label}</g>')  # fmt: skip
        below = y + own_height(node)
        for c in node.children:
            below = draw(c, depth + 1, below, where if depth else "")
        return y + h

    y = 0.0
    for r in roots:
        y = draw(r, 0, y, "")
    title = t.gettext("Org chart coloured by line of sight to the customer")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {y:.0f}" width="100%" role="img" '
            f'aria-label="{escape(title)}" font-size="11" class="unit-map">' + "".join(boxes)
            + "</svg>")  # fmt: skip


def sparkline(values: Sequence[float | None], title: str, width: int = 96, height: int = 20) -> str:
    """A small line of shares (0..1) over the months; months without a value break the line."""
    if sum(v is not None for v in values) < 2:
        return ""
    step = (width - 4) / max(1, len(values) - 1)
    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
            continue
        x, y = 2 + i * step, height - 2 - v * (height - 4)
        runs[-1].append(f"{x:.1f},{y:.1f}")
    lines = "".join(f'<polyline points="{" ".join(r)}"/>' for r in runs if len(r) > 1)
    lone = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.2"/>' for r in runs if len(r) == 1
                   for x, y in [tuple(map(float, r[0].split(",")))])  # fmt: skip
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" class="spark" role="img">'
            f'<title>{escape(title)}</title><line x1="2" x2="{width - 2}" y1="{height - 2}" y2="{height - 2}" '
            f'class="axis"/>{lines}{lone}</svg>')  # fmt: skip
