"""The report's relations and tables as a reader meets them: a matrix of line by staff units that stays readable
at hundreds of relations, tables at full height with their tools (filter, sort, pages, CSV), no column without
a value, counts that add up and are spelled with the right plural, log axes in plain numbers."""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pyarrow as pa
import pytest

import orgsphere
from orgsphere.report import render_report
from orgsphere.report.charts import log_axes, plain_number
from orgsphere.report.html import breakable, unit_counts
from orgsphere.report.i18n import words
from orgsphere.report.relation_matrix import (
    CELL,
    LABEL_WIDTH,
    MAX_COLUMNS,
    MAX_ROWS,
    divisions,
    relation_matrix,
    staff_cards,
)
from orgsphere.results import Results, ResultTable
from orgsphere.spreadsheet import FORMULA_STARTS

from .html_tree import Node, parse, table_cells

PAGE_WIDTH = 980 - 2 * 24 - 2 * (24 + 1)  # main's max width less its padding, a section's padding and border


def number(value: Any, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def relations(lines: int, staff: int, per_division: int = 10) -> tuple[list[dict[str, Any]], dict[str, str | None]]:
    """``lines`` × ``staff`` line–staff relations with every verdict and a spread of volumes, and the org chart
    they sit in: the line units in divisions of ``per_division``, the staff units in one of their own."""
    parents: dict[str, str | None] = {"Co": None, "Staff": "Co"}
    rows = []
    for i in range(lines):
        parents[f"Line {i:02d}"] = f"Division {i // per_division}"
        parents[f"Division {i // per_division}"] = "Co"
        for j in range(staff):
            parents[f"Desk {j:02d}"] = "Staff"
            rows.append({"unit_a": f"Line {i:02d}", "unit_b": f"Desk {j:02d}", "name_a": f"Line {i:02d}",
                         "name_b": f"Desk {j:02d}", "kind_a": "line", "kind_b": "staff",
                         "verdict": ("supplier", "partner", "mixed")[(i + j) % 3], "volume": 10 + (i * j) % 97,
                         "why": "figures"})  # fmt: skip
    return rows, parents


def cells_of(matrix_html: str) -> tuple[list[str], list[str], list[Node]]:
    """The column labels, the row labels and the cells with a relation of a rendered matrix."""
    table = next(parse(matrix_html).iter("table", "matrix"))
    head, body = table_cells(table)
    return head[1:], [row[0].text for row in body], [c for row in body for c in row[1:] if "title" in c.attrs]


@pytest.mark.parametrize(("lines", "staff", "per_division", "axes"), [
    (30, 17, 10, ("units", "units")),  # 510 relations, every unit its own row and column
    (MAX_ROWS, MAX_COLUMNS, 10, ("units", "units")),  # as many as fit
    (50, 10, 10, ("divisions", "units")),  # 500 relations: 50 line units in 5 divisions
    (12, 45, 10, ("units", "busiest")),  # the desks all sit in one division: the busiest 34 of them
    (45, 12, 1, ("busiest", "units")),  # 45 divisions are too many as well: the busiest 40 line units
    (80, 60, 10, ("divisions", "busiest")),  # 4,800 relations
])  # fmt: skip
def test_the_relation_matrix_stays_readable_at_hundreds_of_relations(lines: int, staff: int, per_division: int,
                                                                     axes: tuple[str, str]) -> None:  # fmt: skip
    rows, parents = relations(lines, staff, per_division)
    assert len(rows) >= 500
    division = divisions(parents)
    matrix = relation_matrix(rows, {u: u for u in parents}, division, words("en"), number)
    assert matrix is not None
    columns, row_labels, cells = cells_of(matrix.html)
    # one by one up to the limit; above it by division, or the busiest units where divisions do not help
    assert (matrix.row_axis, matrix.column_axis) == axes and matrix.units == (lines, staff)
    assert row_labels == matrix.rows and columns == matrix.columns and all(row_labels) and all(columns)
    assert len(row_labels) <= MAX_ROWS and len(columns) <= MAX_COLUMNS
    if axes[0] == "units":
        assert row_labels == [f"Line {i:02d}" for i in range(lines)]  # (in natural order: 2 before 10)
    elif axes[0] == "divisions":
        assert row_labels == [f"Division {i}" for i in range(-(-lines // per_division))]
    if "busiest" in axes:
        volume: dict[str, int] = {}
        for r in rows:
            unit = r["unit_a"] if axes[0] == "busiest" else r["unit_b"]
            volume[unit] = volume.get(unit, 0) + r["volume"]
        shown = row_labels if axes[0] == "busiest" else columns
        assert len(shown) == (MAX_ROWS if axes[0] == "busiest" else MAX_COLUMNS)
        assert min(volume[u] for u in shown) >= max(v for u, v in volume.items() if u not in shown)
    # every relation of the rows and columns shown in exactly one cell, each cell with its figures on hover
    assert len(cells) == len(row_labels) * len(columns)
    row_of = (lambda r: division[r["unit_a"]]) if axes[0] == "divisions" else (lambda r: r["unit_a"])
    inside = [r for r in rows if row_of(r) in row_labels and r["unit_b"] in columns]
    counted = sum(int(m.group(1)) if (m := re.search(r": (\d+) relations", c.attrs["title"])) else 1 for c in cells)
    assert counted == len(inside) and (len(inside) == len(rows)) == ("busiest" not in axes)
    assert all(re.match(r"[^:]+ – [^:]+: ", c.attrs["title"]) for c in cells)
    assert all(c.classes & {"v-supplier", "v-partner", "v-mixed"} for c in cells)
    # no wider than the page; the width it declares is the one it takes
    assert matrix.width <= PAGE_WIDTH and f"width:{LABEL_WIDTH + CELL * len(columns)}px" in matrix.html


def test_a_cell_of_a_division_takes_the_verdict_of_most_of_its_contact() -> None:
    rows, parents = relations(50, 1)
    for r in rows:  # in division 0, nine small supplier relations and one big partner
        r["verdict"], r["volume"] = ("partner", 1000) if r["unit_a"] == "Line 00" else ("supplier", 10)
    matrix = relation_matrix(rows, {u: u for u in parents}, divisions(parents), words("en"), number)
    assert matrix is not None and matrix.row_axis == "divisions"
    first = matrix.cells[("Division 0", "Desk 00")]
    assert first.verdict == "partner" and first.by_verdict == {"partner": 1, "supplier": 9}
    assert matrix.cells[("Division 1", "Desk 00")].verdict == "supplier"
    assert 'title="Division 0 – Desk 00: 10 relations (9 supplier, 1 partner), 1,090 interactions."' in matrix.html


def test_divisions_are_the_units_just_below_the_root() -> None:
    parents: dict[str, str | None] = {"Co": None, "Retail": "Co", "Shops": "Retail", "North": "Shops", "Board": "Co"}
    assert divisions(parents) == {"Co": "Co", "Retail": "Retail", "Shops": "Retail", "North": "Retail",
                                  "Board": "Board"}  # fmt: skip


def test_a_staff_card_sums_up_its_relations() -> None:
    rows, _ = relations(6, 2)
    rows.append({**rows[0], "verdict": "too_little", "unit_a": "Line 99", "name_a": "Line 99"})  # (left out)
    cards = staff_cards(rows)
    shares = [c["supplier_share"] for c in cards]
    assert shares == sorted(shares, reverse=True) and len(cards) == 2
    for card in cards:
        assert card["relations"] == 6 == card["supplier"] + card["partner"] + card["mixed"]
        assert len(card["main"]) == 3 and card["main"][0][2] == max(v for _, _, v in card["main"])


def test_counts_of_units_add_up_and_take_the_plural_they_need() -> None:
    org = {"units": 66, "line_units": 32, "staff_units": 33}
    assert unit_counts(org, "en") == "units: 32 line, 33 staff, 1 without kind"
    assert unit_counts({"units": 1, "line_units": 1, "staff_units": 0}, "en") == "unit: 1 line, 0 staff"
    one, many = unit_counts({"units": 1, "line_units": 1, "staff_units": 0}, "nl"), unit_counts(org, "nl")
    assert one.split(":")[0] != many.split(":")[0] and many.split(":")[0] != "units"  # eenheid, eenheden
    assert re.fullmatch(r"[^:]+: 32 [^,]+, 33 [^,]+, 1 [^,]+", many)


def test_log_axes_are_ticked_in_plain_numbers() -> None:
    assert [plain_number(v) for v in (0.05, 0.1, 0.2, 1, 5, 20, 100, 5000)] == \
           ["0.05", "0.1", "0.2", "1", "5", "20", "100", "5,000"]  # fmt: skip
    assert [plain_number(v, ",") for v in (0.05, 5000)] == ["0,05", "5.000"]
    fig, ax = plt.subplots()
    ax.scatter([3, 40, 90], [0.02, 0.3, 0.9])
    log_axes(ax, ".")
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_visible() and t.get_text()]
    plt.close(fig)
    assert labels and all(re.fullmatch(r"\d[\d,]*(\.\d+)?", t) for t in labels), labels
    assert {"5", "10", "50", "0.1", "0.5"} <= set(labels)


def test_a_setting_name_wraps_between_its_words() -> None:
    assert breakable("relation_min_interactions") == "relation_<wbr>min_<wbr>interactions"
    assert breakable("a.b<c") == "a.<wbr>b&lt;c"


# --- the demo's report -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(demo: Path) -> tuple[str, Node]:
    html = (demo / "report.html").read_text(encoding="utf-8")
    return html, parse(html)


def data_tables(root: Node) -> list[Node]:
    return [t for t in root.iter("table") if "matrix" not in t.classes]


def test_tables_are_full_height_with_their_tools(page: tuple[str, Node]) -> None:
    html, root = page
    style = "".join(s.text for s in root.iter("style"))
    assert "scroll" not in style and "break-all" not in style
    tables = data_tables(root)
    assert len(tables) >= 12
    for table in tables:
        assert not any("scroll" in a.classes or "max-height" in a.attrs.get("style", "") for a in table.ancestors())
        box = table.parent
        assert box is not None and "table" in box.classes, table.text[:80]
        assert re.fullmatch(r"orgsphere-[a-z-]+\.csv", box.attrs["data-csv"])
        assert "{shown}" in box.attrs["data-of"] and "{total}" in box.attrs["data-of"] and box.attrs["data-page"]
        tools = next(box.iter("div", "tools"))
        assert "hidden" in tools.attrs  # (shown by the script: without it the table is complete and plain)
        assert next(tools.iter("button", "csv")).text == "download CSV"
        assert next(tools.iter("input")).attrs["type"] == "search"
        assert [b for cls in ("prev", "next", "all") for b in tools.iter("button", cls)]
        head, rows = table_cells(table)
        assert head and rows and all(len(r) == len(head) for r in rows), (head, rows[:1])
    names = [t.parent.attrs["data-csv"] for t in tables if t.parent is not None]
    assert len(set(names)) == len(names)
    # one script for all of them, inline, building the CSV from the page with formulas made inert
    scripts = [s.text for s in root.iter("script")]
    assert len(scripts) == 1 and "new Blob" in scripts[0] and 'div.table[data-csv]' in scripts[0]
    assert "src=" not in html.split("<script")[1][:20]
    # the characters it makes inert are those the exports neutralise (spreadsheet.FORMULA_STARTS)
    starts = re.search(r"const FORMULA = /\^\[(.*?)\]/;", scripts[0])
    assert starts and set(codecs.decode(starts.group(1).replace("\\-", "-"), "unicode_escape")) == set(FORMULA_STARTS)


def test_no_column_is_empty_in_every_row(page: tuple[str, Node]) -> None:
    def filled(cell: Node) -> bool:
        return cell.text not in ("", "–") or any("title" in e.attrs for e in cell.iter()) or any(cell.iter("svg"))

    for table in data_tables(page[1]):
        head, rows = table_cells(table)
        for i, name in enumerate(head):
            assert any(filled(r[i]) for r in rows), f"column {name!r} of {table.parent.attrs['data-csv']} is empty"


def test_a_column_without_any_value_is_left_out(demo: Path) -> None:
    """Where no unit reaches the customer through another and no unit has a function, those columns go."""
    with orgsphere.open(demo / "orgsphere.duckdb", config=demo / "orgsphere.toml", read_only=True) as ws:
        results = ws.analyse()
    tables = {t.name: t for t in results.tables()}
    routes, sphere = results["routes"], results["sphere"]
    tables["routes"] = ResultTable("routes", routes.arrow.slice(0, 0), routes.description)
    blank = pa.nulls(sphere.num_rows, sphere.arrow.schema.field("function").type)
    tables["sphere"] = ResultTable("sphere", sphere.arrow.set_column(sphere.arrow.column_names.index("function"),
                                                                     "function", blank), sphere.description)
    emptied = Results(tables, results.fits, results.rent, results.organisation, results.statement,
                      results.min_group_size, results.health)  # fmt: skip
    heads = {}
    for html in (render_report(results), render_report(emptied)):
        for table in data_tables(parse(html)):
            heads.setdefault(table.parent.attrs["data-csv"], []).append(table_cells(table)[0])  # type: ignore[union-attr]
    full, empty = heads["orgsphere-line-of-sight.csv"]
    assert "reaches the customer mainly through" in full and "reaches the customer mainly through" not in empty
    full, empty = heads["orgsphere-units.csv"]
    assert "function" in full and "function" not in empty and len(empty) == len(full) - 1


def test_the_counts_add_up(page: tuple[str, Node]) -> None:
    kpis = {k.text for k in page[1].iter("div", "kpi")}
    units = next(k for k in kpis if " units: " in k)
    m = re.fullmatch(r"(\d+) units: (\d+) line, (\d+) staff(?:, (\d+) without kind)?", units)
    assert m, units
    total, *parts = (int(v or 0) for v in m.groups())
    assert total == sum(parts) and parts[0] > 0 and parts[1] > 0
    assert not re.search(r"\b1 (units|relations|interactions|persons|documents)\b", page[0])


def test_log_axes_of_the_demo_read_as_plain_numbers(page: tuple[str, Node]) -> None:
    ticks = []
    for svg in re.findall(r"<svg.*?</svg>", page[0], re.S):
        if 'id="xtick_' not in svg:
            continue
        tree = ET.fromstring(svg, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))
        for el in tree.iter():
            if re.match(r"[xy]tick_\d+$", el.get("id", "")):
                ticks += [c.text.strip() for c in el.iter() if c.tag is ET.Comment]  # type: ignore[comparison-overlap]
    numbers = [t for t in ticks if not re.fullmatch(r"\d{4}-\d{2}", t)]  # (a trend's months)
    assert len(numbers) >= 15
    assert all(re.fullmatch(r"\d[\d,]*(\.\d+)?", t) for t in numbers), sorted(set(numbers))


def test_the_relations_of_the_demo_are_a_matrix_with_cards(page: tuple[str, Node]) -> None:
    html, root = page
    found = re.search(r"Of (\d+) line–staff relations with enough contact", html)
    assert found
    matrix = next(root.iter("table", "matrix"))
    head, rows = table_cells(matrix)
    cells = [c for r in rows for c in r[1:] if "title" in c.attrs]
    assert len(cells) == int(found.group(1))  # one cell per relation (the demo's line units fit row by row)
    assert len(rows) == int(matrix.attrs["data-rows"]) <= MAX_ROWS and len(head) - 1 <= MAX_COLUMNS
    assert any(re.match(r"[^–]+ – ICT Service Desk: supplier, [\d,]+ interactions\. \d+% of the contact is tickets",
                        c.attrs["title"]) for c in cells)  # fmt: skip
    cards = list(root.iter("li", "card"))
    assert len(cards) == len(head) - 1  # a card per staff unit in the matrix
    for card in cards:  # how many of each verdict (those there are), adding up to its relations
        found = re.search(r"(\d+) relations? with the line: ((?:\d+ (?:supplier|partner|mixed)(?:, )?)+)", card.text)
        assert found and int(found.group(1)) == sum(int(v) for v in re.findall(r"\d+", found.group(2))), card.text
        assert not re.search(r"(^|, )0 ", found.group(2))
    assert "relation-map" not in html


def test_flat_sparklines_read_as_a_number(page: tuple[str, Node]) -> None:
    sparks = list(page[1].iter("svg", "spark"))
    assert sparks
    for svg in sparks:
        ys = {p.split(",")[1] for line in svg.iter("polyline") for p in line.attrs["points"].split()}
        ys |= {c.attrs["cy"] for c in svg.iter("circle")}
        assert len(ys) > 1  # a line that moves; a constant share is written out instead
    flat = list(page[1].iter("span", "spark-flat"))
    assert all(re.fullmatch(r"\d+% every month", s.text) for s in flat)
    assert all(re.fullmatch(r"\d+% in (each of the \d+ months|1 month)", s.attrs["title"]) for s in flat)


def test_setting_names_wrap_between_their_words(page: tuple[str, Node]) -> None:
    html = page[0]
    assert "relation_<wbr>" in html or "min_<wbr>group_<wbr>size" in html
