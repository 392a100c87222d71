"""Partners or suppliers: constructed organisations whose relations are known, and threads whose replies
must be told from their initiatives."""

from __future__ import annotations

from pathlib import Path

import pytest

import orgsphere
from orgsphere.analysis.relations import RelationRules, relation_table, verdict

from .conftest import write

ORG = "person,unit,parent,kind\n" + "".join(
    f"{p}{i},{unit},Co,{kind}\n" for p, unit, kind in (("s", "Sales", "line"), ("o", "Ops", "line"),
                                                       ("i", "ICT", "staff"), ("l", "Legal", "staff"))
    for i in range(5))  # fmt: skip


def day(k: int) -> str:
    """The k-th half hour of March 2025: later rows are later in time."""
    return f"2025-03-{1 + k // 48:02d}T{k % 48 // 2:02d}:{30 * (k % 2):02d}:00"


def org_with_known_relations(tmp_path: Path) -> orgsphere.Workspace:
    rows = ["src,dst,ts,thread,channel"]
    k = 0

    def add(src: str, dst: str, thread: str, channel: str = "email") -> None:
        nonlocal k
        rows.append(f"{src},{dst},{day(k)},{thread},{channel}")
        k += 1

    for t in range(20):  # Sales asks ICT, ICT answers: 20 threads started by Sales, each answered once
        add(f"s{t % 5}", f"i{t % 5}", f"si{t}")
        add(f"i{t % 5}", f"s{t % 5}", f"si{t}")
    for t in range(20):  # Ops and Legal: threads started by both, and customer meetings together
        a, b = (f"o{t % 5}", f"l{t % 5}") if t % 2 else (f"l{t % 5}", f"o{t % 5}")
        add(a, b, f"ol{t}")
        add(b, a, f"ol{t}")
        if t < 6:
            add(a, f"buyer{t}@client.example", f"ol{t}", "meeting")
    for t in range(18):  # Ops and ICT: both ways, both start, no customer in sight
        a, b = (f"o{t % 5}", f"i{t % 5}") if t % 2 else (f"i{t % 5}", f"o{t % 5}")
        add(a, b, f"oi{t}")
        add(b, a, f"oi{t}")
    for t in range(4):  # Sales and Legal: hardly any contact
        add(f"s{t}", f"l{t}", f"sl{t}")
    tickets = ["number,caller,assignment_group,opened_at"] + [f"INC{n},s{n % 5},ICT,{day(n)}" for n in range(30)]
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", customer_domains="client.example",
                        min_group_size=3)  # fmt: skip
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    ws.ingest_edges(write(tmp_path / "e.csv", "\n".join(rows) + "\n"))
    ws.ingest_tickets(write(tmp_path / "t.csv", "\n".join(tickets) + "\n"))
    return ws


def test_verdicts_come_out_as_built(tmp_path: Path) -> None:
    with org_with_known_relations(tmp_path) as ws:
        results = ws.analyse()
        rows = {(r["unit_a"], r["unit_b"]): r for r in results["relations"].filter(period="all").to_pylist()}
    # line first; the line-line pair Sales-Ops is no concern here, and had no contact anyway
    assert set(rows) == {("Sales", "ICT"), ("Ops", "Legal"), ("Ops", "ICT"), ("Sales", "Legal")}
    supplier = rows[("Sales", "ICT")]
    assert supplier["verdict"] == "supplier"
    assert (supplier["a_to_b"], supplier["b_to_a"], supplier["tickets_a"]) == (50, 20, 30)
    assert supplier["initiatives_a"] == 50 and supplier["initiatives_b"] == 0  # 20 threads + 30 tickets
    assert supplier["ticket_share"] == pytest.approx(30 / 70)
    assert supplier["reasons"] == "ticket_share,initiative,joint_work" and supplier["joint_work"] == 0
    partner = rows[("Ops", "Legal")]
    assert partner["verdict"] == "partner" and partner["initiative_a"] == pytest.approx(0.5)
    assert partner["joint_threads"] == 6 and partner["reciprocity"] == 1.0
    assert rows[("Ops", "ICT")]["verdict"] == "mixed" and rows[("Ops", "ICT")]["joint_work"] == 0
    assert rows[("Sales", "Legal")]["verdict"] == "too_little"


def test_replies_are_told_from_initiatives(tmp_path: Path) -> None:
    # one thread Sales starts and ICT answers three times; one ICT starts; one message without a thread
    rows = ["src,dst,ts,thread", "s0,i0,2025-03-03T09:00:00,t1", "i0,s0,2025-03-03T10:00:00,t1",
            "i1,s0,2025-03-03T11:00:00,t1", "i0,s1,2025-03-04T09:00:00,t1", "i2,s2,2025-03-05T09:00:00,t2",
            "s2,i2,2025-03-05T09:30:00,t2", "s3,i3,2025-03-06T09:00:00,"]  # fmt: skip
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        ws.ingest_edges(write(tmp_path / "e.csv", "\n".join(rows) + "\n"))
        table = relation_table(ws.store, {"Sales": "line", "ICT": "staff", "Ops": "line", "Legal": "staff"},
                               RelationRules(min_interactions=1))  # fmt: skip
    r = next(r for r in table.to_pylist() if r["period"] == "2025-03")
    assert (r["unit_a"], r["unit_b"], r["a_to_b"], r["b_to_a"]) == ("Sales", "ICT", 3, 4)
    assert (r["initiatives_a"], r["initiatives_b"]) == (1, 1)  # the thread-less message counts for neither
    assert r["initiative_a"] == 0.5 and r["reciprocity"] == pytest.approx(0.75)


def test_rules_and_their_thresholds() -> None:
    base = {"volume": 100, "initiative_a": 0.5, "ticket_share": 0.0, "reciprocity": 0.9, "joint_work": 5}
    rules = RelationRules()
    assert verdict(base, rules)[0] == "partner"
    assert verdict({**base, "volume": 29}, rules) == ("too_little", ["volume"])
    assert verdict({**base, "joint_work": 0, "ticket_share": 0.3}, rules)[0] == "supplier"
    # one-sided and unanswered, no customer work: supplier; with customer work: mixed
    one_way = {**base, "initiative_a": 0.1, "reciprocity": 0.2, "joint_work": 0}
    assert verdict(one_way, rules) == ("supplier", ["initiative", "joint_work"])
    assert verdict({**one_way, "joint_work": 3}, rules)[0] == "mixed"
    assert verdict({**one_way, "joint_work": 3}, RelationRules(one_sided=0.95))[0] == "partner"


def test_small_units_are_suppressed(tmp_path: Path) -> None:
    with org_with_known_relations(tmp_path) as ws:
        ws.settings = ws.settings.replace(min_group_size=6)
        results = ws.analyse()
    rows = results["relations"].filter(period="all").to_pylist()
    assert rows and all(r["suppressed"] and r["volume"] is None and r["verdict"] is None for r in rows)
