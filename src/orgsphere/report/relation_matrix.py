"""The relations between line and staff units as a matrix that stays readable at hundreds of relations: a row per
line unit and a column per staff unit, each cell coloured by the verdict that carries most of the contact and as
strong as the contact (log scale), its figures on hover. Above :data:`MAX_ROWS` line units (:data:`MAX_COLUMNS`
staff units) a row (column) is a division of the org chart where that gives between 2 and the limit of them,
else the units with most contact are shown and the rest left to the cards: a card per staff unit, its relations
with the line summed up and its main line counterparts."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from .i18n import Words, labels

__all__ = ["MAX_ROWS", "MAX_COLUMNS", "CELL", "LABEL_WIDTH", "Matrix", "relation_matrix", "staff_cards", "divisions"]

MAX_ROWS = 40  # line units shown one by one up to this many, else by division (or the busiest this many)
MAX_COLUMNS = 34  # staff units shown one by one up to this many, else by division (or the busiest this many)
CELL = 20  # pixels per cell, both ways
LABEL_WIDTH = 180  # pixels of the row labels (the widest matrix, 180 + 34 × 20, fits the page's 884)
SHOWN = ("supplier", "partner", "mixed")  # the verdicts with enough contact; "too little" stays out
AXES = ("units", "divisions", "busiest")  # a row (column) per unit, per division, or the busiest units only


@dataclass
class _Cell:
    """The relations of a row and a column (one, or several when rows or columns are divisions)."""

    volume: int = 0
    by_verdict: dict[str, int] = field(default_factory=dict)  # verdict -> relations
    volume_by_verdict: dict[str, int] = field(default_factory=dict)  # verdict -> interactions
    why: str = ""  # the figures that decided the verdict, for a single relation

    @property
    def verdict(self) -> str:
        """The verdict that carries most of the contact (supplier before partner before mixed on a tie)."""
        return max(SHOWN, key=lambda v: (self.volume_by_verdict.get(v, 0), -SHOWN.index(v)))

    @property
    def relations(self) -> int:
        return sum(self.by_verdict.values())


@dataclass
class Matrix:
    """The matrix as drawn: its row and column labels, what they are (:data:`AXES`), its cells and its HTML;
    ``units``: how many line and staff units have a relation shown or not."""

    rows: list[str]
    columns: list[str]
    row_axis: str
    column_axis: str
    units: tuple[int, int]
    cells: dict[tuple[str, str], _Cell]
    html: str

    @property
    def width(self) -> int:
        """Pixels the matrix takes across: the row labels and one cell per column."""
        return LABEL_WIDTH + CELL * len(self.columns)


def divisions(parents: dict[str, str | None]) -> dict[str, str]:
    """Each unit -> its division: the ancestor just below a root of the org chart (a root or a unit right under
    one is its own division). ``parents``: unit -> its parent unit (None for a root)."""
    out = {}
    for unit in parents:
        node, seen = unit, {unit}
        while (up := parents.get(node)) is not None and parents.get(up) is not None and up not in seen:
            node = up
            seen.add(up)
        out[unit] = node
    return out


def _axis(volume: dict[str, int], names: dict[str, str], division: dict[str, str],
          limit: int) -> tuple[dict[str, str], str]:  # fmt: skip
    """Each unit of ``volume`` (unit -> its contact) -> the label of its row (column), and what the labels are
    (:data:`AXES`): its own name up to ``limit`` units; its division's where that gives 2 to ``limit`` of them;
    else its own name for the ``limit`` units with most contact, the others left out."""
    if len(volume) <= limit:
        return {u: names.get(u, u) for u in volume}, "units"
    if 2 <= len({division.get(u, u) for u in volume}) <= limit:
        return {u: names.get(division.get(u, u), division.get(u, u)) for u in volume}, "divisions"
    busiest = sorted(volume, key=lambda u: (-volume[u], names.get(u, u)))[:limit]
    return {u: names.get(u, u) for u in busiest}, "busiest"


def _volumes(rows: list[dict[str, Any]], key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        out[r[key]] = out.get(r[key], 0) + r["volume"]
    return out


def _natural(name: str) -> list[Any]:
    """Sort key of a name that puts "Team 2" before "Team 10"."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _tip(a: str, b: str, cell: _Cell, t: Words, n: Callable[..., str]) -> str:
    verdicts = labels(t)["verdict"]
    volume = t.ngettext("%(n)s interaction", "%(n)s interactions", cell.volume, n=n(cell.volume))
    if cell.relations == 1:
        return f"{a} – {b}: {verdicts[cell.verdict]}, {volume}. {cell.why}"
    parts = ", ".join(f"{n(cell.by_verdict[v])} {verdicts[v]}" for v in SHOWN if cell.by_verdict.get(v))
    count = t.ngettext("%(n)s relation", "%(n)s relations", cell.relations, n=n(cell.relations))
    return f"{a} – {b}: {count} ({parts}), {volume}."


def _td(a: str, b: str, cell: _Cell | None, biggest: float, t: Words, n: Callable[..., str]) -> str:
    """One cell: coloured by its verdict, the more opaque the more contact (log scale), its figures on hover."""
    if cell is None:
        return "<td></td>"
    strength = 0.45 + 0.55 * math.log1p(cell.volume) / biggest if biggest else 1.0
    return f'<td class="v-{cell.verdict}" style="opacity:{strength:.2f}" title="{escape(_tip(a, b, cell, t, n))}"></td>'


def relation_matrix(rows: list[dict[str, Any]], names: dict[str, str], division: dict[str, str], t: Words,
                    n: Callable[..., str]) -> Matrix | None:  # fmt: skip
    """The matrix of the line–staff relations among ``rows`` (relations over the whole period with ``verdict``
    and ``why``), None when there is none. ``division``: unit -> its division (see :func:`divisions`)."""
    shown = [r for r in rows if r["kind_a"] == "line" and r["kind_b"] == "staff" and r["verdict"] in SHOWN]
    if not shown:
        return None
    line, staff = _volumes(shown, "unit_a"), _volumes(shown, "unit_b")
    row_of, row_axis = _axis(line, names, division, MAX_ROWS)
    column_of, column_axis = _axis(staff, names, division, MAX_COLUMNS)
    cells: dict[tuple[str, str], _Cell] = {}
    for r in shown:
        if r["unit_a"] not in row_of or r["unit_b"] not in column_of:
            continue
        cell = cells.setdefault((row_of[r["unit_a"]], column_of[r["unit_b"]]), _Cell())
        cell.volume += r["volume"]
        cell.by_verdict[r["verdict"]] = cell.by_verdict.get(r["verdict"], 0) + 1
        cell.volume_by_verdict[r["verdict"]] = cell.volume_by_verdict.get(r["verdict"], 0) + r["volume"]
        cell.why = r.get("why", "")
    row_labels = sorted(set(row_of.values()), key=_natural)
    column_labels = sorted(set(column_of.values()), key=_natural)
    biggest = math.log1p(max(c.volume for c in cells.values()))
    head = "".join(f'<th scope="col" title="{escape(c)}"><span>{escape(c)}</span></th>' for c in column_labels)
    body = []
    for a in row_labels:
        tds = "".join(_td(a, b, cells.get((a, b)), biggest, t, n) for b in column_labels)
        body.append(f'<tr><th scope="row" title="{escape(a)}">{escape(a)}</th>{tds}</tr>')
    title = t.gettext("Relations between line units (rows) and staff units (columns), coloured by verdict")
    html = (f'<table class="matrix" aria-label="{escape(title)}" data-rows="{len(row_labels)}" '
            f'data-columns="{len(column_labels)}" style="width:{LABEL_WIDTH + CELL * len(column_labels)}px">'
            f'<thead><tr><th></th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')  # fmt: skip
    return Matrix(row_labels, column_labels, row_axis, column_axis, (len(line), len(staff)), cells, html)


def staff_cards(rows: list[dict[str, Any]], top: int = 3) -> list[dict[str, Any]]:
    """Per staff unit its line–staff relations summed up: how many of each verdict, the share of its contact
    with the line that runs in supplier relations, and its ``top`` line counterparts by contact; most
    supplier-like first."""
    staff: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["kind_a"] != "line" or r["kind_b"] != "staff" or r["verdict"] not in SHOWN:
            continue
        s = staff.setdefault(r["unit_b"], {"unit": r["unit_b"], "name": r["name_b"], "volume": 0, "relations": 0,
                                           "supplier_volume": 0, "line": [], **{v: 0 for v in SHOWN}})  # fmt: skip
        s["volume"] += r["volume"]
        s[r["verdict"]] += 1
        s["relations"] += 1
        s["supplier_volume"] += r["volume"] if r["verdict"] == "supplier" else 0
        s["line"].append(r)
    for s in staff.values():
        s["supplier_share"] = s["supplier_volume"] / s["volume"] if s["volume"] else 0.0
        busiest = sorted(s.pop("line"), key=lambda r: -r["volume"])[:top]
        s["main"] = [(r["name_a"], r["verdict"], r["volume"]) for r in busiest]
    return sorted(staff.values(), key=lambda s: (-s["supplier_share"], s["name"]))
