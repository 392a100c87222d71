"""Sphere counts on real third-party data, checked against an independent computation in plain pandas."""

from pathlib import Path

import pandas as pd
import pytest

import orgsphere
from orgsphere.analysis.sphere import sphere_counts

from .conftest import department_orgchart, hospital_ward


def unit_totals(ws: orgsphere.Workspace) -> pd.DataFrame:
    raw, _ = sphere_counts(ws.store)
    df = raw.to_pandas()
    return df[(df.scope == "unit") & (df.period == "all") & (df.channel == "all")].set_index("group_id")


def test_email_eu_core_departments(tmp_path: Path) -> None:
    folder, vertices = department_orgchart(tmp_path, "email-eu-core")
    edges = pd.read_csv(folder / "edges.csv")
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", bootstrap_samples=200) as ws:
        assert ws.ingest_orgchart(tmp_path / "org.csv").kept == len(vertices)
        report = ws.ingest_edges(folder / "edges.csv")
        loops = int((edges["from"] == edges["to"]).sum())
        assert (report.rows, report.kept, report.rejected) == (len(edges), len(edges) - loops, loops)
        got = unit_totals(ws)
        results = ws.analyse()

    # independent: plain pandas over the raw files
    dept = vertices.set_index("id")["dept"]
    e = edges[edges["from"] != edges["to"]].assign(a=lambda d: d["from"].map(dept), b=lambda d: d["to"].map(dept))
    senders = {}
    for d, _group in vertices.groupby("dept"):
        unit = f"D{d}"
        intra = int(((e.a == d) & (e.b == d)).sum())
        inter = int(((e.a == d) != (e.b == d)).sum())
        active = len(set(e.loc[e.a == d, "from"]) | set(e.loc[e.b == d, "to"]))
        if active == 0:
            assert unit not in got.index
            continue
        row = got.loc[unit]
        assert (row.intra, row.inter, row.external, row.customer, row.persons) == (intra, inter, 0, 0, active), unit
        # mail: only a sender took part (the edge list has no channel: 'other', one-way)
        senders[unit] = len(set(e.loc[e.a == d, "from"]))
        assert row.contributors == senders[unit], unit
        assert row.R == 0.0 or (row.internal == 0 and pd.isna(row.R))
    whole = results["sphere"].filter(scope="organisation", period="all", channel="all").to_pylist()[0]
    assert (whole["intra"], whole["inter"], whole["external"], whole["R"]) == (len(e), 0, 0, 0.0)
    # with no external contact anywhere there is nothing to fit on a log scale, and the report says so
    assert results.fit("R").slope is None and "R = 0 everywhere" in results.fit("R").note
    # departments with fewer than 5 persons who sent mail show no figures, however many received it
    small = [r for r in results.units().to_pylist() if r["suppressed"]]
    assert small and all(r["intra"] is None and r["persons"] is None for r in small)
    assert {r["group_id"] for r in small} == {u for u, n in senders.items() if n < 5}


def test_hospital_ward_with_patients_as_customers(tmp_path: Path) -> None:
    ward = hospital_ward(tmp_path, bootstrap_samples=200)
    with ward.ws as ws:
        assert ward.parties_kept == len(ward.patients)
        report = ward.edges_report
        got = unit_totals(ws)
    vertices, edges = ward.vertices, ward.edges

    status = vertices.set_index("id")["Status"]
    e = edges.assign(a=edges["from"].map(status), b=edges["to"].map(status))
    pat_pat = int(((e.a == "PAT") & (e.b == "PAT")).sum())
    assert (report.kept, report.rejected) == (len(edges) - pat_pat, pat_pat)
    for g in ("ADM", "MED", "NUR"):
        mine_a, mine_b = e.a == g, e.b == g
        external = int((mine_a & (e.b == "PAT")).sum() + (mine_b & (e.a == "PAT")).sum())
        intra = int((mine_a & mine_b).sum())
        inter = int((mine_a & ~mine_b & (e.b != "PAT")).sum() + (mine_b & ~mine_a & (e.a != "PAT")).sum())
        row = got.loc[g]
        assert (row.external, row.customer, row.intra, row.inter) == (external, external, intra, inter), g
        assert row.R == pytest.approx(external / (intra + inter))
        # the edge list names no channel ('other', not two-way): only its 'from' end counts as taking part
        persons = len(set(e.loc[mine_a, "from"]) | set(e.loc[mine_b, "to"]))
        assert (row.persons, row.contributors) == (persons, len(set(e.loc[mine_a, "from"]))), g
