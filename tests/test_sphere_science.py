"""Sphere science with known answers: fits, null models, Rent's rule, organisations built to an exponent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import orgsphere
from orgsphere.analysis.fit import fit_power
from orgsphere.analysis.margins import unit_margins
from orgsphere.analysis.nulls import margins, random_mixing, rewired
from orgsphere.analysis.rent import rent_fit
from orgsphere.analysis.sphere import sphere_counts
from orgsphere.fits import dimension_from_rent

from .conftest import write

SIZES = [5, 6, 8, 9, 11, 13, 16, 19, 23, 27, 32, 38, 45, 54, 64, 76, 90, 107, 128, 150]


def build_org(folder: Path, seed: int, contacts: str, sizes: list[int] = SIZES) -> orgsphere.Workspace:
    """An organisation of one unit per size, with interactions made by one of three rules:

    - ``mixing``: every person has 30 interactions with random persons of the whole organisation, and
      one in eight interactions goes to a customer instead: nothing about units matters;
    - ``sphere``: a unit of N people has 20·N interactions inside and 6·N^(2/3) with customers, so that
      R = B = 0.3·N^(-1/3) (with some noise per unit);
    - ``flat``: as sphere, with 6·N with customers: outwardness does not depend on size.
    """
    rng = np.random.default_rng(seed)
    people = [(f"u{i}p{j}", f"U{i:02d}") for i, size in enumerate(sizes) for j in range(size)]
    names = np.array([p for p, _ in people])
    unit_of = np.repeat(np.arange(len(sizes)), sizes)
    org = "person,unit,parent,kind\n" + "".join(f"{p},{u},Org,line\n" for p, u in people)
    edges = ["src,dst,ts"]

    def add(src: np.ndarray, dst: np.ndarray) -> None:
        for s, d in zip(src, dst, strict=True):
            edges.append(f"{s},{d},2025-03-01")

    if contacts == "mixing":
        src = np.repeat(names, 30)
        dst = rng.choice(names, size=src.size)
        customer = rng.random(src.size) < 1 / 8
        dst = np.where(customer, "buyer@client.example", dst)
        keep = src != dst
        add(src[keep], dst[keep])
    else:
        for i, size in enumerate(sizes):
            members = names[unit_of == i]
            noise = np.exp(rng.normal(0, 0.15))  # units differ, as they do
            n_out = int(round(6 * noise * (size if contacts == "flat" else size ** (2 / 3))))
            a = rng.integers(0, size, 20 * size)
            b = (a + rng.integers(1, size, a.size)) % size  # never oneself
            add(members[a], members[b])
            add(rng.choice(members, n_out), np.array(["buyer@client.example"] * n_out))
    ws = orgsphere.open(folder / "s.duckdb", key_file=folder / "k", customer_domains="client.example",
                        min_group_size=5, bootstrap_samples=400, null_samples=200)  # fmt: skip
    ws.ingest_orgchart(write(folder / "org.csv", org))
    ws.ingest_edges(write(folder / "edges.csv", "\n".join(edges) + "\n"))
    return ws


@pytest.mark.parametrize("slope", [-1 / 3, 0.0, -0.7])
def test_intervals_cover_a_known_exponent_95_times_in_100(slope: float) -> None:
    rng = np.random.default_rng(7)
    covered, robust_covered, runs = 0, 0, 200
    for i in range(runs):
        n = np.exp(rng.uniform(np.log(5), np.log(2000), 60))
        y = 0.4 * n**slope * np.exp(rng.normal(0, 0.3, n.size))
        fit = fit_power(n, y, samples=400, seed=i)
        covered += fit.ci_low <= slope <= fit.ci_high
        robust_covered += fit.robust_low <= slope <= fit.robust_high
        for p, inside in ((fit.p_sphere, fit.sphere_in_interval), (fit.p_zero, fit.zero_in_interval)):
            if abs(p - 0.05) > 0.01:  # (at the edge, the interpolated interval and the share may differ)
                assert (p > 0.05) is bool(inside)
    assert 0.90 <= covered / runs <= 0.99 and 0.90 <= robust_covered / runs <= 0.995


def test_robust_slope_is_not_dragged_by_a_few_odd_units() -> None:
    rng = np.random.default_rng(7)
    n = np.exp(rng.uniform(np.log(5), np.log(2000), 80))
    y = 0.4 * n ** (-1 / 3) * np.exp(rng.normal(0, 0.2, n.size))
    y[np.argsort(n)[-4:]] *= 30  # the four largest units odd: OLS is dragged, the robust slope much less
    fit = fit_power(n, y, samples=1000, seed=1)
    assert abs(fit.robust_slope + 1 / 3) < 0.06 < abs(fit.slope + 1 / 3)


def test_a_slope_the_null_model_reproduces_is_called_arithmetic() -> None:
    rng = np.random.default_rng(3)
    n = np.exp(rng.uniform(np.log(5), np.log(500), 40))
    expected = 3.0 / n  # what random mixing gives for a boundary ratio
    fit = fit_power(n, expected * np.exp(rng.normal(0, 0.1, n.size)), samples=800, seed=0, null_value=expected,
                    null_model="mixing")  # fmt: skip
    assert fit.null_slope == pytest.approx(-1.0)
    assert fit.diff_low <= 0 <= fit.diff_high and fit.verdict == "null"


def test_thin_data_gets_no_slope_and_says_why() -> None:
    fit = fit_power(np.array([5, 10, 20]), np.array([0.3, 0.2, 0.1]), samples=100, seed=0, scope="organisations")
    assert fit.slope is None and fit.verdict == "thin" and "too few organisations" in fit.note and fit.thin == "few"
    same = fit_power(np.full(6, 40.0), np.linspace(0.1, 0.2, 6), samples=100, seed=0, scope="months")
    assert same.thin == "same_size" and "same size" in same.note


def test_rewiring_sampler_matches_rewiring_people_one_by_one(tmp_path: Path) -> None:
    """The unit-level sampler against the model itself: receivers of a small interaction list shuffled
    over senders, person by person, many times."""
    ws = build_org(tmp_path, seed=2, contacts="sphere", sizes=[5, 8, 12, 20])
    m = margins(unit_margins(ws.store))
    rows = ws.store.query("""
        select coalesce(ps.unit_id, 'party:' || pa.kind) src, coalesce(pd.unit_id, 'party:' || pb.kind) dst
        from interactions i left join people ps on i.src = ps.person_id left join people pd on i.dst = pd.person_id
        left join parties pa on i.src = pa.party_id left join parties pb on i.dst = pb.party_id""").to_pylist()
    src = np.array([r["src"] for r in rows])
    dst = np.array([r["dst"] for r in rows])
    rng = np.random.default_rng(0)
    runs = 3000
    brute = np.array([[np.sum((src == u) & (rng.permutation(dst) == u)) for u in m.units] for _ in range(runs)])
    sampled = rewired(m, runs, seed=1)
    for i, _unit in enumerate(m.units):
        se = brute[:, i].std() / np.sqrt(runs) * 2 + 0.05
        assert abs(sampled["intra"][:, i].mean() - brute[:, i].mean()) < 4 * se
        assert abs(np.percentile(sampled["intra"][:, i], 97.5) - np.percentile(brute[:, i], 97.5)) <= 2
    # and random mixing is the closed form of the same picture: counts add up to the pool
    mix = random_mixing(m)
    assert mix["intra"].sum() + mix["inter"].sum() / 2 + mix["external"].sum() <= m.total


def test_margins_add_up_to_the_sphere_counts(tmp_path: Path) -> None:
    ws = build_org(tmp_path, seed=4, contacts="sphere", sizes=[5, 9, 14])
    m = margins(unit_margins(ws.store))
    table, _ = sphere_counts(ws.store)
    for r in table.to_pylist():
        if r["scope"] == "unit" and r["period"] == "all" and r["channel"] == "all":
            i = m.units.index(r["group_id"])
            assert (m.intra[i], m.inter[i], m.external[i], m.customer[i]) == (
                r["intra"], r["inter"], r["external"], r["customer"])  # fmt: skip


def test_random_mixing_organisation_is_not_reported_as_a_sphere(tmp_path: Path) -> None:
    results = build_org(tmp_path, seed=5, contacts="mixing").analyse()
    boundary = results.fit("B")
    # the boundary ratio falls steeply with size, but only as random mixing says it must
    assert boundary.slope < -0.6 and boundary.verdict == "null"
    assert results.fit("R").verdict != "sphere"
    nulls = results["nulls"].filter(channel="all")
    excess = np.array(nulls["excess_inwardness"].to_pylist(), dtype=float)
    assert 0.8 < np.nanmedian(excess) < 1.25


def test_sphere_built_organisation_is_reported_as_one(tmp_path: Path) -> None:
    results = build_org(tmp_path, seed=6, contacts="sphere").analyse()
    for measure in ("R", "B"):
        fit = results.fit(measure)
        assert fit.ci_low <= -1 / 3 <= fit.ci_high, measure
        assert fit.verdict == "sphere" and fit.differs_from_null, measure
    # units are far more inward than chance: excess inwardness well above 1, with small p-values
    nulls = results["nulls"].filter(channel="all")
    assert min(v for v in nulls["excess_inwardness"].to_pylist() if v is not None) > 2
    assert max(v for v in nulls["inward_p"].to_pylist() if v is not None) < 0.01


def test_flat_organisation_recovers_exponent_zero(tmp_path: Path) -> None:
    fit = build_org(tmp_path, seed=8, contacts="flat").analyse().fit("R")
    assert fit.ci_low <= 0 <= fit.ci_high and not fit.sphere_in_interval


def test_rent_finds_p_and_the_level_where_the_law_breaks() -> None:
    rng = np.random.default_rng(0)
    rows = [{"depth": 0, "persons": 20000, "boundary": 400}]  # the whole organisation: outside contacts only
    for depth, count, low, high in ((1, 8, 1500, 4000), (2, 40, 150, 900), (3, 160, 8, 120)):
        for n in np.exp(rng.uniform(np.log(low), np.log(high), count)).astype(int):
            rows.append(
                {"depth": depth, "persons": int(n), "boundary": int(5 * n ** (2 / 3) * np.exp(rng.normal(0, .15)))}
            )
    trees = pa.Table.from_pylist(rows)
    rent = rent_fit(trees, samples=500, seed=0)
    assert rent.break_depth == 1
    assert rent.p.ci_low <= 2 / 3 <= rent.p.ci_high
    assert dimension_from_rent(rent.p.slope) == pytest.approx(3.0, abs=0.4)
    # without the root, the law holds at every level
    assert rent_fit(trees.slice(1), samples=300, seed=0).break_depth is None


def test_rent_on_an_organisation_from_the_store(tmp_path: Path) -> None:
    results = build_org(tmp_path, seed=9, contacts="sphere").analyse()
    subtrees = results["subtrees"].arrow
    assert subtrees.num_rows == len(SIZES) + 1  # every unit, and the whole organisation
    root = [r for r in subtrees.to_pylist() if r["depth"] == 0][0]
    assert root["boundary"] == sum(r["external"] for r in results.units().to_pylist())
    fit = results.rent.fit
    assert fit.slope is not None and 0.4 < fit.slope < 0.9
