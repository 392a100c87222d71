"""Complementary suppression: no group below the minimum can be rebuilt by subtraction (issue: privacy that
survives an attacker). An independent differencing attack (tests/differencing.py) is run on random
organisations and on the hand-made case of the attack report."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orgsphere
from orgsphere.analysis.hierarchy import unit_ancestors
from orgsphere.analysis.sphere import sphere_counts
from orgsphere.disclosure import complementary_suppression, protect_sphere

from .conftest import write
from .differencing import attacks

K = 5


def _published(tmp: Path, org: dict[str, tuple[str | None, int]], edges: list[tuple[str, str, int, str]]):
    """Ingest an org (unit -> (parent, persons)) and edges (src, dst, month, channel); the protected sphere
    table and the truth: who was active in each row."""
    lines = ["person,unit,parent,kind"] + [f"{u}_{i},{u},{p or ''},line" for u, (p, n) in org.items() for i in range(n)]
    lines += [f"{u}_boss,{u},{p or ''},line" for u, (p, n) in org.items() if n == 0]  # every unit in the chart
    rows = ["src,dst,ts,channel"] + [f"{s},{d},2025-{m:02d}-15,{c}" for s, d, m, c in edges]
    store = tmp / "s.duckdb"
    with orgsphere.open(store, key_file=tmp / "k", min_group_size=K, customer_domains="client.example") as ws:
        ws.ingest_orgchart(write(tmp / "org.csv", "\n".join(lines) + "\n"))
        ws.ingest_edges(write(tmp / "e.csv", "\n".join(rows) + "\n"))
        raw, _ = sphere_counts(ws.store)
        table = protect_sphere(raw, unit_ancestors(ws.store.table("units").to_pyarrow())[0], K)
    parent = {u: p for u, (p, _) in org.items()}
    subtree = {u: {u} for u in org}
    for u in org:
        node = parent[u]
        while node is not None:
            subtree[node].add(u)
            node = parent[node]
    unit_of = {f"{u}_{i}": u for u, (_, n) in org.items() for i in range(n)}
    active: dict[tuple[str, str, str], set[str]] = {}
    for s, d, m, c in edges:
        for person in (s, d):
            if person in unit_of:
                for p in (f"2025-{m:02d}", "all"):
                    for ch in (c, "all"):
                        active.setdefault((unit_of[person], p, ch), set()).add(person)

    def members(key: tuple) -> set[str]:
        scope, depth, group, period, channel = key
        if scope == "organisation":
            units = set(org)
        elif scope == "unit":
            units = {group}
        else:  # a subtree at its own depth; deeper levels stand for the unit itself
            units = subtree[group] if depth is not None and _depth(parent, group) == depth else {group}
        return set().union(*(active.get((u, period, channel), set()) for u in units))

    def truth(keys: list[tuple], whole: tuple, visible: list[tuple]) -> int:
        return len(set().union(*(members(k) for k in keys)))

    return table, parent, truth, members


def _depth(parent: dict[str, str | None], unit: str) -> int:
    d, node = 0, parent[unit]
    while node is not None:
        d, node = d + 1, parent[node]
    return d


def test_the_reported_attack_division_minus_big_team(tmp_path: Path) -> None:
    org = {"Org": (None, 0), "Division": ("Org", 0), "Big": ("Division", 8), "Tiny": ("Division", 2),
           "Other": ("Org", 6)}  # fmt: skip
    people = [f"{u}_{i}" for u, (_, n) in org.items() for i in range(n)]
    rng = random.Random(3)
    edges = [(p, rng.choice(people), m, "email") for m in (1, 2, 3) for p in people]
    edges += [(p, "buyer@client.example", m, "email") for m in (1, 2, 3) for p in people]
    table, parent, truth, members = _published(tmp_path, org, edges)
    rows = table.to_pylist()
    shown = {(r["scope"], r["group_id"], r["period"], r["channel"]): r for r in rows}
    assert shown[("unit", "Tiny", "all", "all")]["suppressed"]
    # the big team is hidden too, so Division minus visible units gives 10 persons, not Tiny's 2
    assert shown[("unit", "Big", "all", "all")]["suppressed"]
    assert not shown[("level", "Division", "all", "all")]["suppressed"]
    assert attacks(rows, parent, truth, K) == []
    assert int(table.schema.metadata[b"secondary"]) > 0
    # and without the complementary rule the same attack succeeds (the checker can fail)
    for r in rows:
        if r["group_id"] == "Big":
            r["suppressed"] = False
    assert any("Tiny" in a for a in attacks(rows, parent, truth, K))


def test_a_one_person_month_is_not_the_whole_period_minus_the_others(tmp_path: Path) -> None:
    org = {"Org": (None, 0), "Team": ("Org", 6)}
    edges = [(f"Team_{i}", "buyer@client.example", m, "email") for m in (1, 2, 3) for i in range(6)]
    edges += [("Team_0", "buyer@client.example", 4, "email")] * 37  # one person's busy month
    table, parent, truth, _ = _published(tmp_path, org, edges)
    rows = table.to_pylist()
    month4 = [r for r in rows if r["scope"] == "unit" and r["period"] == "2025-04" and r["channel"] == "all"]
    assert month4 and month4[0]["suppressed"]
    assert attacks(rows, parent, truth, K) == []


@st.composite
def organisations(draw: st.DrawFn) -> tuple[dict[str, tuple[str | None, int]], list[tuple[str, str, int, str]]]:
    org: dict[str, tuple[str | None, int]] = {"Org": (None, draw(st.integers(0, 3)))}
    for d in range(draw(st.integers(1, 3))):
        org[f"D{d}"] = ("Org", draw(st.integers(0, 4)))
        for t in range(draw(st.integers(0, 3))):
            org[f"D{d}T{t}"] = (f"D{d}", draw(st.integers(1, 8)))
    people = [f"{u}_{i}" for u, (_, n) in org.items() for i in range(n)]
    rng = random.Random(draw(st.integers(0, 10**6)))
    edges = []
    for m in (1, 2, 3):
        for p in people:
            for _ in range(rng.choice((0, 1, 1, 2))):
                other = rng.choice([q for q in people if q != p] + ["buyer@client.example", "x@vendor.example"])
                edges.append((p, other, m, rng.choice(("email", "chat"))))
    return org, edges


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(organisations())
def test_no_random_organisation_can_be_rebuilt_by_subtraction(tmp_path_factory, case) -> None:  # type: ignore[no-untyped-def]
    org, edges = case
    if not edges:
        return
    table, parent, truth, _ = _published(tmp_path_factory.mktemp("org"), org, edges)
    assert attacks(table.to_pylist(), parent, truth, K) == []


def test_the_rule_on_cells_alone() -> None:
    # total 10 = a 8 + b 2: b is small, so a must go too; c = d + e with nothing small stays as it is
    sizes = {"t": 10, "a": 8, "b": 2, "c": 12, "d": 6, "e": 6}
    primary, secondary = complementary_suppression(sizes, [("t", ("a", "b")), ("c", ("d", "e"))], 5)
    assert primary == {"b"} and secondary == {"a"}
    # two small parts together still below the minimum: a third one is hidden as well
    sizes = {"t": 20, "a": 2, "b": 2, "c": 7, "d": 9}
    primary, secondary = complementary_suppression(sizes, [("t", ("a", "b", "c", "d"))], 5)
    assert primary == {"a", "b"} and secondary == {"c"}


def test_the_boundary_minus_the_visible_domains_does_not_give_a_small_one(tmp_path: Path) -> None:
    """Six persons write to big.example, one to small.example: both customers of one class. The class minus
    big.example would be small.example's one person; so one more of the two (the class or big.example) goes."""
    people = [f"p{i}" for i in range(6)]
    lines = ["person,unit"] + [f"{p},Team" for p in people]
    edges = ["src,dst,ts,channel"] + [f"{p},buyer@big.example,2025-01-{i + 1:02d},email" for i, p in enumerate(people)]
    edges += [f"p0,owner@small.example,2025-01-0{d},email" for d in range(1, 8)]
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", min_group_size=K,
                        customer_domains="big.example,small.example") as ws:  # fmt: skip
        ws.ingest_orgchart(write(tmp_path / "org.csv", "\n".join(lines) + "\n"))
        ws.ingest_edges(write(tmp_path / "e.csv", "\n".join(edges) + "\n"))
        results = ws.analyse()
    domains = {r["domain"]: r for r in results["domains"].arrow.to_pylist()}
    classes = [r for r in results["boundary"].arrow.to_pylist() if r["kind"] == "customer"]
    assert "small.example" not in domains
    assert len(classes) == 1
    visible = sum(d["interactions"] for d in domains.values() if d["kind"] == "customer")
    if not classes[0]["suppressed"]:  # the subtraction gives nothing: no visible domain, or not the small one
        assert classes[0]["interactions"] - visible != 7 or not domains
        assert "big.example" not in domains
