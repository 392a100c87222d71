"""Customer distance: graphs whose distances are known, thresholds, units, and a real ward against networkx."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import orgsphere
from orgsphere.analysis.distance import (
    hop_distances,
    person_distances,
    route_labels,
    unit_distances,
    unit_routes,
)

from .conftest import department_orgchart, hospital_ward, write


def test_path_star_and_disconnected_parts() -> None:
    # path 0-1-2-3-4 with the customer at 0; a separate pair 5-6; a lone node 7
    a, b = np.array([0, 1, 2, 3, 5]), np.array([1, 2, 3, 4, 6])
    assert hop_distances(8, a, b, np.array([0])).tolist() == [0, 1, 2, 3, 4, -1, -1, -1]
    # two sources: the nearest counts
    assert hop_distances(5, a[:4], b[:4], np.array([0, 4])).tolist() == [0, 1, 2, 1, 0]
    # a star: every leaf one hop from the hub; from a leaf, the others are two hops
    hub = np.zeros(9, dtype=int)
    leaves = np.arange(1, 10)
    assert hop_distances(10, hub, leaves, np.array([0])).tolist() == [0] + [1] * 9
    assert hop_distances(10, hub, leaves, np.array([3])).tolist() == [1, 2, 2, 0, 2, 2, 2, 2, 2, 2]
    # no source at all: everyone unreachable, not a large number
    assert set(hop_distances(4, a[:3], b[:3], np.array([], dtype=int)).tolist()) == {-1}


def test_a_hub_with_hundreds_of_sources_next_to_it() -> None:
    # 300 customer-facing leaves around one hub: the hub is one hop away (a count that overflows small ints)
    leaves = np.arange(1, 301)
    d = hop_distances(301, np.zeros(300, dtype=int), leaves, leaves)
    assert d[0] == 1 and (d[1:] == 0).all()


def test_routes_lead_to_the_nearest_source_and_its_label() -> None:
    # 0 (label 7) - 1 - 2 - 3 - 4 (label 9); 5 hangs off 2; 6 is alone
    a, b = np.array([0, 1, 2, 3, 2]), np.array([1, 2, 3, 4, 5])
    d = hop_distances(7, a, b, np.array([0, 4]))
    assert d.tolist() == [0, 1, 2, 1, 0, 3, -1]
    own = np.array([7, 1, 1, 1, 9, 1, 1])
    assert route_labels(a, b, d, own).tolist() == [7, 7, 7, 9, 9, 7, -1]  # 2 ties: the smaller label, 7


def test_routes_and_fte_shares_do_not_depend_on_how_persons_are_numbered() -> None:
    """Persons are numbered by their pseudonyms, which change with the key: the same organisation under
    another key must give the same routes and the same shares, to the last digit."""
    rng = np.random.default_rng(5)
    n = 400
    a, b = rng.integers(0, n, 1500), rng.integers(0, n, 1500)
    keep = a != b
    a, b = a[keep], b[keep]
    sources = np.arange(0, n, 37)
    own = rng.integers(0, 6, n)
    d = hop_distances(n, a, b, sources)
    labels = route_labels(a, b, d, own)
    for seed in range(3):
        perm = np.random.default_rng(seed).permutation(n)  # node i is node perm[i] under another key
        inverse = np.argsort(perm)
        d2 = hop_distances(n, perm[a], perm[b], perm[sources])
        assert np.array_equal(d2[perm], d)
        assert np.array_equal(route_labels(perm[a], perm[b], d2, own[inverse])[perm], labels)
    persons = pa.table({"unit": ["u"] * n, "period": ["all"] * n, "channel": ["all"] * n,
                        "target": ["customer"] * n, "person": [f"p{i}" for i in range(n)],
                        "distance": pa.array(d.tolist(), pa.int64())})  # fmt: skip
    fte = {f"p{i}": float(rng.choice([0.1, 0.3, 0.7, 0.9, 1.0])) for i in range(n)}
    share = unit_distances(persons, fte)["within_1_fte"].to_pylist()
    for seed in range(3):
        shuffled = persons.take(pa.array(np.random.default_rng(seed).permutation(n)))
        assert unit_distances(shuffled, fte)["within_1_fte"].to_pylist() == share  # (==, not approx)


def test_ring_of_a_thousand() -> None:
    n = 1000
    a = np.arange(n)
    d = hop_distances(n, a, (a + 1) % n, np.array([0]))
    assert d.tolist() == [min(i, n - i) for i in range(n)]
    assert d.max() == 500


ORG = "person,unit,parent,kind\n" + "".join(f"s{i},Sales,Co,line\n" for i in range(5)) + "".join(
    f"h{i},HR,Co,staff\n" for i in range(5))  # fmt: skip


SEARCHES = pytest.mark.parametrize("search", ["scipy", "frontier"])


@SEARCHES
def test_threshold_units_and_months(tmp_path: Path, search: str) -> None:
    # s0 meets the customer; s0-s1-h0 a chain of real contact (2 interactions each); s2-h1 only once (no tie);
    # in February h0 writes s0 twice: one hop that month
    rows = ["src,dst,ts", "s0,buyer@client.example,2025-01-05"]
    rows += ["s0,s1,2025-01-06", "s1,s0,2025-01-07", "s1,h0,2025-01-08", "h0,s1,2025-01-09", "s2,h1,2025-01-10"]
    rows += ["s0,buyer@client.example,2025-02-05", "h0,s0,2025-02-06", "h0,s0,2025-02-07"]
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", customer_domains="client.example")
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    ws.ingest_edges(write(tmp_path / "e.csv", "\n".join(rows) + "\n"))
    people = person_distances(ws.store, min_contacts=2, search=search).to_pandas()
    pseudo = ws.store.pseudonymiser()

    def d(period: str, who: str) -> float | None:
        row = people[(people.period == period) & (people.channel == "all") & (people.person == pseudo.one(who))]
        assert len(row) == 1, (period, who)
        value = row.distance.iloc[0]
        return None if pd.isna(value) else int(value)

    assert [d("2025-01", w) for w in ("s0", "s1", "h0", "s2", "h1")] == [0, 1, 2, None, None]
    assert d("2025-02", "h0") == 1
    # over the whole year the h0-s0 tie (two in February) makes h0 one hop away
    assert d("all", "h0") == 1
    january = people[(people.period == "2025-01") & (people.channel == "all")]
    units = unit_distances(pa.Table.from_pandas(january, preserve_index=False)).to_pylist()
    hr = next(u for u in units if u["unit"] == "HR")
    assert (hr["persons"], hr["d2"], hr["unreachable"], hr["median"]) == (2, 1, 1, 2)
    assert hr["within_2"] == pytest.approx(0.5) and hr["within_1"] == 0.0
    # routes: s1 (Sales) and h0 (HR) reach the customer through Sales, in January and (h0) in February
    routes = unit_routes(pa.Table.from_pandas(people, preserve_index=False), min_group_size=1).to_pylist()
    assert {(r["unit"], r["via_unit"], r["person_months"]) for r in routes if r["target"] == "customer"} == {
        ("Sales", "Sales", 1), ("HR", "Sales", 2)}  # fmt: skip
    folded = unit_routes(pa.Table.from_pandas(people, preserve_index=False), min_group_size=5).to_pylist()
    assert {r["via_unit"] for r in folded} == {"(other)"}


@SEARCHES
def test_hospital_ward_distances_match_networkx(tmp_path: Path, search: str) -> None:
    ward = hospital_ward(tmp_path)
    with ward.ws as ws:
        got = person_distances(ws.store, min_contacts=2, search=search).to_pandas()
        pseudo = ws.store.pseudonymiser()
    vertices, edges, patients = ward.vertices, ward.edges, ward.patients
    staff = vertices[vertices.Status != "PAT"]
    got = got[(got.period == "all") & (got.channel == "all")].set_index("person")

    # networkx on the raw file: staff pairs with at least two contacts; sources: staff who met a patient
    is_patient = set(patients.id)
    e = edges[edges["from"] != edges["to"]]
    both_staff = e[~e["from"].isin(is_patient) & ~e["to"].isin(is_patient)]
    pairs = both_staff.assign(a=both_staff[["from", "to"]].min(axis=1), b=both_staff[["from", "to"]].max(axis=1))
    counts = pairs.groupby(["a", "b"]).size()
    graph = nx.Graph()
    active = set(e.loc[~e["from"].isin(is_patient), "from"]) | set(e.loc[~e["to"].isin(is_patient), "to"])
    graph.add_nodes_from(active)
    graph.add_edges_from(pair for pair, n in counts.items() if n >= 2)
    sources = set(e.loc[e["to"].isin(is_patient) & ~e["from"].isin(is_patient), "from"]) | set(
        e.loc[e["from"].isin(is_patient) & ~e["to"].isin(is_patient), "to"])  # fmt: skip
    expected = nx.multi_source_dijkstra_path_length(graph, sources)
    assert len(got) == len(active) == len(staff)
    for person in active:
        mine = got.loc[pseudo.one(str(person)), "distance"]
        want = expected.get(person)
        assert (None if pd.isna(mine) else int(mine)) == want, person
    assert set(got.distance.dropna().astype(int)) >= {0, 1}


@SEARCHES
def test_email_eu_core_with_one_department_customer_facing(tmp_path: Path, search: str) -> None:
    folder, vertices = department_orgchart(tmp_path, "email-eu-core")
    edges = pd.read_csv(folder / "edges.csv")
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", customer_facing_units="d4",
                        distance_search=search) as ws:  # fmt: skip
        ws.ingest_orgchart(tmp_path / "org.csv")
        ws.ingest_edges(folder / "edges.csv")
        got = person_distances(ws.store, 2, ("customer",), ws.settings.customer_facing_units, search).to_pandas()
        pseudo = ws.store.pseudonymiser()
        results = ws.analyse()
    got = got[(got.period == "all") & (got.channel == "all")].set_index("person")
    e = edges[edges["from"] != edges["to"]]
    pairs = e.assign(a=e[["from", "to"]].min(axis=1), b=e[["from", "to"]].max(axis=1)).groupby(["a", "b"]).size()
    graph = nx.Graph()
    active = set(e["from"]) | set(e["to"])
    graph.add_nodes_from(active)
    graph.add_edges_from(pair for pair, n in pairs.items() if n >= 2)  # two messages: one each way, as a rule
    dept = vertices.set_index("id")["dept"]
    expected = nx.multi_source_dijkstra_path_length(graph, {p for p in active if dept[p] == 4})
    assert len(got) == len(active)
    for person in active:
        mine = got.loc[pseudo.one(str(person)), "distance"]
        assert (None if pd.isna(mine) else int(mine)) == expected.get(person), person
    assert got.distance.isna().any() and got.distance.max() >= 3  # some far away, some with no path
    # per department: D4 itself all at 0; the rest spread out
    d4 = results["distance"].filter(unit="D4", period="all", channel="all", target="customer").to_pylist()[0]
    assert d4["d0"] == d4["persons"] and d4["within_1"] == 1.0


def test_unit_distances_bands_median_and_fte_per_group() -> None:
    # rows out of order, two units, two months; unreachable (null) people count in the median as the farthest
    rows = [("B", "2025-01", 0, "b1"), ("A", "2025-01", 3, "a3"),
            ("A", "2025-01", None, "a2"), ("A", "2025-01", 1, "a1"), ("A", "2025-01", 7, "a4"),
            ("A", "2025-02", None, "a2"), ("A", "2025-02", 2, "a3")]  # fmt: skip
    persons = pa.table({"period": [r[1] for r in rows], "channel": ["all"] * len(rows),
                        "target": ["customer"] * len(rows), "person": [r[3] for r in rows],
                        "unit": [r[0] for r in rows], "distance": pa.array([r[2] for r in rows], pa.int64()),
                        "via_unit": [None] * len(rows)})  # fmt: skip
    out = unit_distances(persons, fte={"a1": 0.5, "a3": None, "a4": 2.0}).to_pylist()
    assert [(r["unit"], r["period"]) for r in out] == [("A", "2025-01"), ("A", "2025-02"), ("B", "2025-01")]
    jan, feb, b = out
    # A in January: 1, 3, 7 and one unreachable; the lower median of (1, 3, 7, far) is 3
    assert (
        (jan["persons"], jan["d1"], jan["d3"], jan["d4_plus"], jan["unreachable"], jan["median"]) == (4, 1, 1, 1, 1, 3)
    )
    assert jan["within_1"] == 0.25 and jan["within_2"] == 0.25
    assert jan["within_1_fte"] == pytest.approx(0.5 / (0.5 + 1.0 + 1.0 + 2.0))  # a3's missing FTE counts as 1
    # A in February: half unreachable: the lower median (of 2, far) is 2; with more unreachable it is null
    assert (feb["persons"], feb["median"], feb["within_2"]) == (2, 2, 0.5)
    assert unit_distances(persons.filter(pc.equal(persons["person"], "a2"))).to_pylist()[0]["median"] is None
    assert (b["d0"], b["median"], b["within_1_fte"]) == (1, 0, 1.0)
    assert unit_distances(persons.slice(0, 0)).num_rows == 0


@SEARCHES
def test_no_interactions_yet_gives_an_empty_table(tmp_path: Path, search: str) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        got = person_distances(ws.store, 2, ("customer", "supplier"), ("Sales",), search)
    assert got.num_rows == 0 and got.schema.names == ["period", "channel", "target", "person", "unit", "distance",
                                                      "via_unit"]  # fmt: skip


@SEARCHES
def test_each_target_kind_searched_on_its_own(tmp_path: Path, search: str) -> None:
    # s0 meets the customer, h0 the supplier; a chain s0 - s1 - h0 of working contact
    rows = ["src,dst,ts", "s0,buyer@client.example,2025-01-05", "h0,desk@vendor.example,2025-01-05"]
    rows += ["s0,s1,2025-01-06", "s1,s0,2025-01-07", "s1,h0,2025-01-08", "h0,s1,2025-01-09"]
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", customer_domains="client.example",
                        supplier_domains="vendor.example") as ws:  # fmt: skip
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        ws.ingest_edges(write(tmp_path / "e.csv", "\n".join(rows) + "\n"))
        got = person_distances(ws.store, 2, ("customer", "supplier"), (), search).to_pylist()
        pseudo = ws.store.pseudonymiser()
    names = {pseudo.one(p): p for p in ("s0", "s1", "h0")}
    seen = {(r["target"], names[r["person"]]): (r["distance"], r["via_unit"])
            for r in got if r["period"] == "2025-01" and r["channel"] == "all"}  # fmt: skip
    assert seen == {
        ("customer", "s0"): (0, "Sales"), ("customer", "s1"): (1, "Sales"), ("customer", "h0"): (2, "Sales"),
        ("supplier", "h0"): (0, "HR"), ("supplier", "s1"): (1, "HR"), ("supplier", "s0"): (2, "HR"),
    }  # fmt: skip


def test_a_small_graph_fetched_whole_is_the_graph_fetched_key_by_key(tmp_path: Path) -> None:
    """KeyedGraphs fetches a small graph whole and splits it itself; a big one one key at a time from the
    engine: the two hand over the same graphs (on the real hospital ward, every month and channel)."""
    from orgsphere.analysis.contacts import KeyedGraphs, contact_graph

    ward = hospital_ward(tmp_path)
    with ward.ws as ws:
        graph = contact_graph(ws.store, 2, ("customer",), ())
        with KeyedGraphs(graph) as whole, KeyedGraphs(graph, in_memory_rows=0) as by_key:
            assert whole._split is not None and by_key._split is None
            pairs = list(zip(whole, by_key, strict=True))
        graph.release()
    assert len(pairs) > 3
    def edges(first: np.ndarray, second: np.ndarray) -> list[tuple[int, int]]:
        return sorted(zip(first.tolist(), second.tolist(), strict=True))

    for one, other in pairs:
        assert (one.period, one.channel) == (other.period, other.channel)
        assert np.array_equal(one.persons, other.persons) and np.array_equal(one.units, other.units)
        assert edges(one.a, one.b) == edges(other.a, other.b)
        assert edges(one.direct, one.targets) == edges(other.direct, other.targets)
    assert sum(len(g.a) for g, _ in pairs) > 0 and sum(len(g.direct) for g, _ in pairs) > 0
