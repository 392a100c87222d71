"""The org chart: what an ingest says when the files disagree with each other or with the chart before."""

import textwrap
from pathlib import Path

import orgsphere

from .conftest import write

TREE = textwrap.dedent("""
    name: Acme
    kind: line
    units:
      - name: Sales
        kind: line
      - name: Finance
        kind: staff
        function: finance
      - name: ICT
        kind: staff
        function: ict
""")
PEOPLE = "person,unit\nann,Sales\nbob,Finance\ncid,Finanse\ndan,Finanse\neve,finance\nfay,Legal\n"


def test_a_unit_of_the_people_file_missing_from_the_tree_is_a_warning(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    report = ws.ingest_orgchart(write(tmp_path / "units.yaml", TREE), write(tmp_path / "people.csv", PEOPLE))
    assert (report.kept, report.rejected) == (6, 0)
    notes = [n for n in report.notes if "not in the units tree" in n]
    assert notes == [
        "people.csv: unit 'Finanse' (2 people) is not in the units tree of units.yaml; did you mean 'Finance'? "
        "It was created as a unit of its own, at the top of the chart, without kind (line or staff); correct the "
        "name in people.csv, or add the unit to units.yaml",
        "people.csv: unit 'finance' (1 person) is not in the units tree of units.yaml; did you mean 'Finance'? "
        "It was created as a unit of its own, at the top of the chart, without kind (line or staff); correct the "
        "name in people.csv, or add the unit to units.yaml",
        "people.csv: unit 'Legal' (1 person) is not in the units tree of units.yaml; it was created as a unit of "
        "its own, at the top of the chart, without kind (line or staff); add it to units.yaml if it belongs there",
    ], report.notes
    units = {r["unit_id"]: r for r in ws.store.query("SELECT unit_id, parent_id, kind FROM units").to_pylist()}
    assert units["Finanse"] == {"unit_id": "Finanse", "parent_id": None, "kind": None}  # still created, as before
    # a unit the people file places itself (with its parent) is said to be there, with the kind it inherits
    report = ws.ingest_orgchart(tmp_path / "units.yaml", write(tmp_path / "more.csv", "person,unit,parent\n"
                                                                "gus,Sales North,Sales\nhal,Sales,\n"))  # fmt: skip
    assert [n for n in report.notes if "not in the units tree" in n] == [
        "more.csv: unit 'Sales North' (1 person) is not in the units tree of units.yaml; it was created as a unit "
        "of its own, under 'Sales', kind line; add it to units.yaml if it belongs there",
    ]


def test_without_a_tree_the_people_file_names_the_units(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    report = ws.ingest_orgchart(write(tmp_path / "people.csv", PEOPLE))
    assert report.kept == 6 and not [n for n in report.notes if "units tree" in n]


def test_replacing_the_org_chart_says_what_changed(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    people = "person,unit\n" + "".join(f"p{i},{u}\n" for i, u in enumerate(["Sales", "Finance", "ICT"] * 2))
    first = ws.ingest_orgchart(write(tmp_path / "units.yaml", TREE), write(tmp_path / "people.csv", people))
    assert not [n for n in first.notes if "replaced" in n or "kind lost" in n]  # nothing before it
    # the people file again, without the tree: every unit's line / staff falls away, and Acme with it
    again = ws.ingest_orgchart(tmp_path / "people.csv")
    assert "org chart replaced: 0 units added, 1 removed (Acme); 0 people added, 0 removed" in again.notes
    assert ("kind lost for 3 units (line/staff no longer declared): Finance, ICT, Sales; ingest the units YAML "
            "again with the people file (orgsphere ingest orgchart units.yaml people.csv), or give the people file "
            "a kind column") in again.notes
    assert ws.store.query("SELECT count(kind) AS n FROM units").to_pylist() == [{"n": 0}]
    # a bigger change: names are listed up to ten
    bigger = "person,unit,kind\n" + "".join(f"q{i},Team {i:02},line\n" for i in range(12)) + "p0,Sales,line\n"
    report = ws.ingest_orgchart(write(tmp_path / "bigger.csv", bigger))
    assert ("org chart replaced: 12 units added (Team 00, Team 01, Team 02, Team 03, Team 04, Team 05, Team 06, "
            "Team 07, Team 08, Team 09 and 2 more), 2 removed (Finance, ICT); 12 people added, 5 removed"
            ) in report.notes, report.notes  # fmt: skip
    assert not [n for n in report.notes if "kind lost" in n]


def test_a_misspelt_parent_in_the_people_file_is_a_warning(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    """A parent the tree does not have silently made a unit at the top of the chart."""
    people = "person,unit,parent\nann,Sales,Acme\nbob,Payroll,Finanse\ncid,Payroll,Finanse\n"
    report = ws.ingest_orgchart(write(tmp_path / "units.yaml", TREE), write(tmp_path / "people.csv", people))
    notes = [n for n in report.notes if "parent 'Finanse'" in n]
    assert len(notes) == 1 and "did you mean 'Finance'?" in notes[0] and notes[0].startswith("people.csv")
    assert not [n for n in report.notes if "parent 'Acme'" in n]  # the tree's own root is no stray


def test_membership_dates_day_first_or_as_date_format_says(tmp_path: Path) -> None:
    people = "person,unit,valid_from,valid_to\nann,Sales,01/02/2025,31.12.2025\nbob,Sales,2025-03-01,\n"
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "people.csv", people))
        rows = ws.store.raw.execute("SELECT valid_from, valid_to FROM people ORDER BY valid_from").fetchall()
        assert [str(r[0]) for r in rows] == ["2025-02-01", "2025-03-01"] and str(rows[0][1]) == "2025-12-31"
    us = "person,unit,valid_from\nann,Sales,01/31/2025\nbob,Sales,2025-03-01\n"
    with orgsphere.open(tmp_path / "m.duckdb", key_file=tmp_path / "k", date_format="month-first") as ws:
        ws.ingest_orgchart(write(tmp_path / "us.csv", us))
        assert str(ws.store.raw.execute("SELECT min(valid_from) FROM people").fetchone()[0]) == "2025-01-31"
