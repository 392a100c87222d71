"""The results as a Python user meets them: a mapping of the declared tables, each convertible to Arrow,
pandas and polars, shown in a notebook with every value escaped; one list of fits."""


import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import orgsphere
from orgsphere.fits import ScalingFit
from orgsphere.result_tables import RESULT_TABLES

from .conftest import write

HOSTILE = "<script>alert(1)</script> & Co"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> orgsphere.Results:
    tmp = tmp_path_factory.mktemp("api")
    units = ["Sales", HOSTILE, "ICT"]
    org = "person,unit,parent,kind\n" + "".join(
        f'p{u}{i},"{name}",Acme,{"staff" if name == "ICT" else "line"}\n'
        for u, name in enumerate(units)
        for i in range(3)
    )
    edges = "src,dst,ts,channel\n" + "".join(
        f"p{u}{i},p{(u + 1) % 3}{i},2025-0{1 + i}-1{u},email\n" for u in range(3) for i in range(3)
    )
    with orgsphere.open(tmp / "s.duckdb", key_file=tmp / "k", min_group_size=1, bootstrap_samples=50) as ws:
        ws.ingest_orgchart(write(tmp / "org.csv", org))
        ws.ingest_edges(write(tmp / "e.csv", edges))
        return ws.analyse()


def test_results_are_a_mapping_of_the_declared_tables_in_their_order(results: orgsphere.Results) -> None:
    assert list(results) == [spec.name for spec in RESULT_TABLES] == [t.name for t in results.tables()]
    assert len(results) == len(RESULT_TABLES)
    assert "sphere" in results and "nonsense" not in results
    sphere = results["sphere"]
    assert sphere.spec.size == "contributors" and sphere.spec.keys[0] == "scope"
    with pytest.raises(KeyError, match="no result table 'spere'; the tables are sphere, fits"):
        results["spere"]


def test_each_table_converts_to_arrow_pandas_and_polars_with_the_same_rows(results: orgsphere.Results) -> None:
    for table in results.values():
        arrow = table.to_arrow()
        assert isinstance(arrow, pa.Table) and arrow.num_rows == table.num_rows
        frame = table.to_pandas()
        assert isinstance(frame, pd.DataFrame) and list(frame.columns) == arrow.column_names
        polars = table.to_polars()
        assert isinstance(polars, pl.DataFrame) and polars.height == arrow.num_rows


def test_one_list_of_fits_and_the_fits_table_holds_the_same(results: orgsphere.Results) -> None:
    assert results.fits and all(isinstance(f, ScalingFit) for f in results.fits)
    table = results["fits"].to_arrow().to_pylist()
    assert [(r["measure"], r["scope"], r["slope"]) for r in table] == [
        (f.measure, f.scope, f.slope) for f in results.fits
    ]
    assert not hasattr(results, "fit_list")


def test_the_notebook_view_escapes_every_value(results: orgsphere.Results) -> None:
    sphere = results["sphere"]
    assert HOSTILE in sphere.to_arrow()["name"].to_pylist()
    page = sphere._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert page.count("<tr>") == 1 + min(sphere.num_rows, 10)  # the header and at most ten rows
    overview = results._repr_html_()
    assert all(f"<code>{name}</code>" in overview for name in results)
