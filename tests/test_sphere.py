"""Sphere metrics on a small organisation whose counts are worked out by hand."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import orgsphere
from orgsphere.analysis.fit import fit_scaling
from orgsphere.analysis.sphere import sphere_counts

from .conftest import write

# Acme
# ├── Sales (line):   s1..s3            (s3 moves to Support on 2025-02-01)
# └── Support (staff): t1, t2
ORG = """person,unit,parent,kind,valid_from,valid_to
s1,Sales,Acme,line,,
s2,Sales,Acme,line,,
s3,Sales,Acme,line,,2025-01-31
s3,Support,Acme,staff,2025-02-01,
t1,Support,Acme,staff,,
t2,Support,Acme,staff,,
"""
EDGES = """src,dst,ts,channel
s1,s2,2025-01-10,email
s1,s3,2025-01-11,email
s3,s1,2025-02-11,email
s1,t1,2025-01-12,chat
t1,t2,2025-02-12,email
s2,client@customer.example,2025-01-13,email
client@customer.example,s1,2025-02-13,meeting
t1,sales@vendor.example,2025-02-14,email
s2,nobody@elsewhere.example,,email
t2,x9,2025-01-01,email
"""


@pytest.fixture
def acme(tmp_path: Path) -> orgsphere.Workspace:
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", customer_domains="customer.example",
                        supplier_domains="vendor.example", min_group_size=1, bootstrap_samples=100)  # fmt: skip
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    report = ws.ingest_edges(write(tmp_path / "e.csv", EDGES))
    assert (report.kept, report.rejected) == (9, 1)  # x9 is nobody
    return ws


def rows(ws: orgsphere.Workspace, **where: object) -> dict[str, dict[str, object]]:
    raw, _ = sphere_counts(ws.store)
    out = {}
    for r in raw.to_pylist():
        if all(r[k] == v for k, v in where.items()):
            out[r["group_id"]] = r
    return out


def pick(r: dict[str, object]) -> tuple[object, ...]:
    return tuple(r[k] for k in ("persons", "intra", "inter", "external", "customer"))


def test_units_over_the_whole_period(acme: orgsphere.Workspace) -> None:
    got = rows(acme, scope="unit", period="all", channel="all")
    # Sales: s1-s2, s1-s3 (Jan, s3 in Sales) intra; s3->s1 in Feb is inter (s3 moved); s1-t1 inter;
    #        s2->customer, customer->s1, s2->elsewhere (undated, s2's current unit) external
    assert pick(got["Sales"]) == (3, 2, 2, 3, 2)
    # Support: t1-t2 intra; s3 (Feb) and t1 each meet Sales once; t1->vendor external
    assert pick(got["Support"]) == (3, 1, 2, 1, 0)
    assert got["Sales"]["R"] == pytest.approx(3 / 4) and got["Sales"]["R_customer"] == pytest.approx(2 / 4)
    assert got["Sales"]["kind"] == "line" and got["Support"]["kind"] == "staff"


def test_months_channels_and_rollups_add_up(acme: orgsphere.Workspace) -> None:
    jan = rows(acme, scope="unit", period="2025-01", channel="all")
    feb = rows(acme, scope="unit", period="2025-02", channel="all")
    undated = rows(acme, scope="unit", period="undated", channel="all")
    assert pick(jan["Sales"]) == (3, 2, 1, 1, 1)
    assert pick(feb["Sales"]) == (1, 0, 1, 1, 1)
    assert pick(undated["Sales"]) == (1, 0, 0, 1, 0)
    chat = rows(acme, scope="unit", period="all", channel="chat")
    assert pick(chat["Sales"]) == (1, 0, 1, 0, 0) and pick(chat["Support"]) == (1, 0, 1, 0, 0)
    total = rows(acme, scope="unit", period="all", channel="all")["Sales"]
    for key in ("intra", "inter", "external", "customer"):
        assert sum(r["Sales"][key] for r in (jan, feb, undated)) == total[key]


def test_the_table_is_ordered_by_its_keys_and_each_key_once(acme: orgsphere.Workspace) -> None:
    raw, _ = sphere_counts(acme.store)
    keys = [(r["scope"], r["depth"] if r["depth"] is not None else 10**9, r["group_id"], r["period"], r["channel"])
            for r in raw.to_pylist()]  # fmt: skip
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert {k[3] for k in keys} == {"2025-01", "2025-02", "undated", "all"}
    assert raw.schema.field("depth").type == "int32" and raw.schema.field("persons").type == "int64"


def test_levels_and_organisation(acme: orgsphere.Workspace) -> None:
    level0 = rows(acme, scope="level", depth=0, period="all", channel="all")
    # at the root every contact between persons is inside the one group
    assert pick(level0["Acme"]) == (5, 5, 0, 4, 2)
    org = rows(acme, scope="organisation", period="all", channel="all")["(organisation)"]
    assert pick(org) == (5, 5, 0, 4, 2) and org["R"] == pytest.approx(4 / 5)
    level1 = rows(acme, scope="level", depth=1, period="all", channel="all")
    assert pick(level1["Sales"]) == (3, 2, 2, 3, 2)


def test_results_apply_the_minimum_group_size_everywhere(acme: orgsphere.Workspace, tmp_path: Path) -> None:
    strict = orgsphere.Workspace(acme.settings.replace(min_group_size=4))
    acme.close()
    results = strict.analyse()
    for r in results["sphere"].arrow.to_pylist():
        if r["suppressed"]:
            assert r["persons"] is None and r["intra"] is None and r["R"] is None
    assert all(r["suppressed"] for r in results.units().to_pylist())  # both units have 3 active persons
    written = results.export(tmp_path / "out", "csv")
    text = (tmp_path / "out" / "sphere.csv").read_text()
    assert "Sales" in text
    for row in pa.csv.read_csv(tmp_path / "out" / "sphere.csv").to_pylist():  # type: ignore[attr-defined]
        if row["scope"] == "unit":
            assert row["suppressed"] is True and row["intra"] is None
    assert {p.name for p in written} == {"sphere.csv", "fits.csv", "nulls.csv", "subtrees.csv", "model.csv",
                                         "distance.csv", "routes.csv", "relations.csv", "language.csv", "machinery.csv",
                                         "roles.csv", "role_flags.csv", "role_examples.csv", "signatures.csv",
                                         "events.csv", "weekly.csv", "weekly_relations.csv", "effects.csv",
                                         "growth.csv", "boundary.csv", "domains.csv",
                                         "processing_statement.json"}  # fmt: skip
    for name in ("nulls", "subtrees", "distance"):  # null models, Rent's subtrees, distances hide small groups too
        for row in pa.csv.read_csv(tmp_path / "out" / f"{name}.csv").to_pylist():  # type: ignore[attr-defined]
            if row["name"] in ("Sales", "Support"):
                figure = "d0" if name == "distance" else "intra"
                assert row["suppressed"] is True and row[figure] is None and row["persons"] is None
    assert results["domains"].num_rows == 0  # every outside domain was met by fewer than 4 persons
    strict.close()


def test_unplaced_interactions_are_counted_not_hidden(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", "person,unit,valid_from\na,U,2025-06-01\nb,U,\n"))
        ws.ingest_edges(write(tmp_path / "e.csv", "src,dst,ts\na,b,2025-01-01\na,b,2025-07-01\n"))
        table, tallies = sphere_counts(ws.store)
    assert tallies == {"interactions": 2, "unplaced": 1}
    # left out of the counts: in January b's contact with a (not yet a member) is neither inside nor outside
    rows = {r["period"]: r for r in table.to_pylist() if r["scope"] == "unit" and r["channel"] == "all"}
    assert [(rows[p]["intra"], rows[p]["inter"], rows[p]["external"]) for p in ("2025-01", "2025-07", "all")] == [
        (0, 0, 0), (1, 0, 0), (1, 0, 0)]  # fmt: skip


@pytest.mark.parametrize("slope", [-1 / 3, 0.0, -0.6])
def test_fit_recovers_a_known_exponent(slope: float) -> None:
    rng = np.random.default_rng(1)
    n = np.round(np.exp(rng.uniform(np.log(5), np.log(500), 60)))
    r = 0.5 * n**slope * np.exp(rng.normal(0, 0.1, n.size))
    fit = fit_scaling(pa.table({"persons": n, "R": r}), "R", "all", "all", samples=500, seed=3)
    assert fit.slope == pytest.approx(slope, abs=0.05)
    assert fit.ci_low < slope < fit.ci_high
    assert fit.sphere_in_interval is (abs(slope + 1 / 3) < 1e-9)


def test_fit_is_honest_about_thin_data() -> None:
    fit = fit_scaling(pa.table({"persons": [5, 10, 20, 40], "R": [0.4, 0.3, 0.2, 0.0]}), "R", "all", "all", 100, 0)
    assert fit.slope is None and "too few units" in fit.note and fit.n_zero == 1


def test_the_boundary_says_how_each_party_was_classified(acme: orgsphere.Workspace) -> None:
    results = acme.analyse()
    rows = {(r["kind"], r["declared_by"]): r for r in results["boundary"].arrow.to_pylist()}
    assert rows[("customer", "setting customer_domains")]["interactions"] == 2
    assert rows[("supplier", "setting supplier_domains")]["interactions"] == 1
    assert rows[("other", "undeclared (outside the internal domains)")]["interactions"] == 1
    domains = {r["domain"]: r for r in results["domains"].arrow.to_pylist()}
    assert domains["customer.example"]["persons"] == 2 and domains["customer.example"]["kind"] == "customer"


def test_rows_ordered_by_several_keys_as_lexsort_would() -> None:
    from orgsphere.analysis.sphere import _order_of

    rng = np.random.default_rng(4)
    keys = tuple(rng.integers(0, m, 10_000) for m in (3, 7, 5_000, 13, 4))
    assert (_order_of(keys) == np.lexsort(keys[::-1])).all()
    wide = (rng.integers(0, 2**40, 1_000), rng.integers(0, 2**40, 1_000))  # too wide for one integer: lexsort
    assert (_order_of(wide) == np.lexsort(wide[::-1])).all()
