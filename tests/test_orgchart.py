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

