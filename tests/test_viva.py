"""Viva Insights network queries, in the spellings of the current and the older exports."""

import csv
from pathlib import Path

import pytest

import orgsphere
from orgsphere.analysis.sphere import sphere_counts
from orgsphere.errors import InputError

from .conftest import write

ORG = "person,unit\nP1,Sales\nP2,Sales\nP3,ICT\n"


@pytest.fixture
def vws(tmp_path: Path) -> orgsphere.Workspace:
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", min_group_size=1)
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    return ws


def test_person_to_person(vws: orgsphere.Workspace, tmp_path: Path) -> None:
    p2p = write(tmp_path / "p2p.csv", "PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,MetricDate,"
                "Strong_tie_score,PrimaryCollaborator_Organization\nP1,P2,1/5/2025,0.8,Sales\nP1,P3,2025-01-05,0.2,Sales\n"
                "P9,P3,2025-01-05,0.5,X\n")  # fmt: skip
    report = vws.ingest_viva(p2p)
    assert (report.kept, report.rejected) == (2, 1)
    weights = sorted(r["weight"] for r in vws.store.query("SELECT weight FROM interactions").to_pylist())
    assert weights == [0.2, 0.8]
    older = write(tmp_path / "old.csv", "TieOrigin_PersonId,TieDestination_PersonId,Date\nP2,P3,2024-12-29\n")
    assert vws.ingest_viva(older).kept == 1


def test_group_to_group_counts_become_rows_that_stand_for_them(vws: orgsphere.Workspace, tmp_path: Path) -> None:
    g2g = write(tmp_path / "g2g.csv", "PrimaryCollaborator_Organization,PrimaryCollaborator_GroupSize,"
                "SecondaryCollaborator_Organization,SecondaryCollaborator_GroupSize,MetricDate,"
                "Group_email_sent_count,Group_meeting_count,Group_collaboration_time_invested\n"
                "Sales,2,ICT,1,2025-01-05,3,1,4.5\nSales,2,Sales,2,2025-01-05,2,0,1.0\n"
                "Legal,5,ICT,1,2025-01-05,1,0,0.1\n")  # fmt: skip
    report = vws.ingest_viva(g2g)
    assert (report.kept, report.rejected) == (3, 1)  # 3 emails, 1 meeting, 2 emails; Legal is no unit; a 0 no row
    rows = vws.store.query("SELECT src, dst, channel, n, weight FROM interactions ORDER BY n").to_pylist()
    assert [(r["src"], r["dst"], r["channel"], r["n"], r["weight"]) for r in rows] == [
        ("Sales", "ICT", "meeting", 1, 1.0), ("Sales", "Sales", "email", 2, 1.0), ("Sales", "ICT", "email", 3, 1.0)]
    assert any("3 rows stand for the 6 emails and meetings" in n for n in report.notes)
    raw, _ = sphere_counts(vws.store)
    sales = next(r for r in raw.to_pylist() if r["scope"] == "unit" and r["group_id"] == "Sales"
                 and r["period"] == "all" and r["channel"] == "all")  # fmt: skip
    assert (sales["intra"], sales["inter"]) == (2, 4)
    older = write(tmp_path / "old.csv", "TimeInvestors_Organization,Collaborators_Organization,Date,Emails_sent\n"
                  "ICT,Sales,2024-12-29,2\n")  # fmt: skip
    assert vws.ingest_viva(older).kept == 1  # one row standing for 2 emails
    assert vws.store.query("SELECT sum(n) AS n FROM interactions")["n"][0].as_py() == 8


def test_an_edge_list_counts_one_interaction_per_row(vws: orgsphere.Workspace, tmp_path: Path) -> None:
    """A column named count is an edge list's weight (a strength): each row is one interaction all the same."""
    edges = write(tmp_path / "e.csv", "from,to,time,count\nP1,P2,2025-01-05,7\nP1,P3,2025-01-06,3\n")
    assert vws.ingest_edges(edges).kept == 2
    rows = vws.store.query("SELECT n, weight FROM interactions ORDER BY weight").to_pylist()
    assert rows == [{"n": 1, "weight": 3.0}, {"n": 1, "weight": 7.0}]
    raw, tallies = sphere_counts(vws.store)
    sales = next(r for r in raw.to_pylist() if r["scope"] == "unit" and r["group_id"] == "Sales"
                 and r["period"] == "all" and r["channel"] == "all")  # fmt: skip
    assert (sales["intra"], sales["inter"], tallies["interactions"]) == (1, 1, 2)


def test_a_declared_size_never_lifts_a_unit_with_active_persons_of_its_own(tmp_path: Path) -> None:
    """Sales has one active person of its own: it stays at one (suppressed), whatever size Viva declares.
    (Ops, the smallest other unit, is hidden with it, so that the organisation minus ICT does not give Sales.)"""
    g2g = write(tmp_path / "g2g.csv", "PrimaryCollaborator_Organization,PrimaryCollaborator_GroupSize,"
                "SecondaryCollaborator_Organization,SecondaryCollaborator_GroupSize,MetricDate,Group_email_sent_count\n"
                "Sales,40,ICT,30,2025-01-05,12\nICT,30,Within Group,30,2025-01-05,9\n"
                "Ops,25,Within Group,25,2025-01-05,4\n")  # fmt: skip
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:  # min_group_size 5
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG + "P4,Ops\n"))
        ws.ingest_viva(g2g)
        ws.ingest_edges(write(tmp_path / "e.csv", "from,to,time\nP1,someone@elsewhere.example,2025-01-06\n"))
        assert dict(ws.store.raw.execute("SELECT unit_id, size FROM declared_sizes").fetchall()) == {
            "Sales": 40, "ICT": 30, "Ops": 25}
        units = {r["group_id"]: r for r in ws.analyse().units().to_pylist()}
    assert units["Sales"]["suppressed"] and units["Sales"]["R"] is None  # 1 active person, not 40
    assert not units["ICT"]["suppressed"] and units["ICT"]["persons"] == 30 and units["ICT"]["size_declared"]
    assert units["Ops"]["suppressed"] and units["Ops"]["R"] is None  # the complement: the smaller of the two
    assert (units["ICT"]["intra"], units["ICT"]["inter"]) == (9, 12)


def test_not_a_viva_query(vws: orgsphere.Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a person-to-person query"):
        vws.ingest_viva(write(tmp_path / "x.csv", "a,b\n1,2\n"))
    with pytest.raises(InputError, match="needs a count of emails or meetings"):
        vws.ingest_viva(
            write(tmp_path / "y.csv", "PrimaryCollaborator_Organization,SecondaryCollaborator_Organization\nA,B\n")
        )


SAMPLE = Path(__file__).parent / "data" / "viva_g2g_sample.csv"  # vivainsights 0.4.3's g2g_data.csv (MIT)


def test_microsofts_own_group_to_group_sample(tmp_path: Path) -> None:
    """Microsoft's sample (vivainsights `load_g2g_data()`): its `Within Group` rows (a group's collaboration
    inside itself) and `Unclassified Collaborators` rows were rejected: 153,339 of 525,162 rows. Then every
    counted email and meeting became a row of its own (525,162 rows for 150 lines) and the group sizes were
    not used, so every unit was suppressed at the default minimum group size."""
    groups = ["Sales and Marketing", "HR", "CEO", "Finance", "Product"]
    org = "units:\n" + "".join(f"  - name: {g}\n" for g in groups)
    rows = list(csv.DictReader(SAMPLE.open(newline="")))
    counts = ("Group_email_sent_count", "Group_meeting_count")
    nonzero = sum(int(r[c]) > 0 for r in rows for c in counts)
    total = sum(int(r[c]) for r in rows for c in counts)
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:  # min_group_size 5, the default
        ws.ingest_orgchart(write(tmp_path / "units.yaml", org))
        report = ws.ingest_viva(SAMPLE)
        assert report.rejected == 0
        assert report.kept == nonzero < 2 * len(rows)  # a row per count, not per email or meeting
        assert ws.store.counts()["interactions"] == nonzero
        assert any(f"stand for the {total:,} emails and meetings" in n for n in report.notes)
        assert not any("not used" in n for n in report.notes)
        raw, tallies = sphere_counts(ws.store)
        assert tallies["interactions"] == total
        kinds = ws.store.raw.execute("SELECT kind, declared_by FROM parties").fetchall()
        assert kinds == [("other", "Viva Insights: Unclassified Collaborators")]
        results = ws.analyse()
    units = {r["group_id"]: r for r in raw.to_pylist() if r["scope"] == "unit" and r["period"] == "all"
             and r["channel"] == "all"}  # fmt: skip
    for group in groups:  # Within Group internal, Unclassified Collaborators outside, other groups between units
        sent = [r for r in rows if r["PrimaryCollaborator_Organization"] == group]
        intra = sum(int(r[c]) for r in sent for c in counts
                    if r["SecondaryCollaborator_Organization"] == "Within Group")
        inter = sum(int(r[c]) for r in sent for c in counts if r["SecondaryCollaborator_Organization"] in groups) + sum(
            int(r[c]) for r in rows for c in counts if r["SecondaryCollaborator_Organization"] == group
            and r["PrimaryCollaborator_Organization"] != group)  # fmt: skip
        external = sum(int(r[c]) for r in sent for c in counts
                       if r["SecondaryCollaborator_Organization"] == "Unclassified Collaborators")  # fmt: skip
        assert (units[group]["intra"], units[group]["inter"], units[group]["external"]) == (intra, inter, external)
        assert units[group]["internal"] == intra + inter
    assert units["Sales and Marketing"]["intra"] > 0 and units["Product"]["external"] > 0
    shown = {r["group_id"]: r for r in results.units().to_pylist()}
    sizes = {r["PrimaryCollaborator_Organization"]: int(r["PrimaryCollaborator_GroupSize"]) for r in rows}
    assert sizes["CEO"] == 1 and all(sizes[g] >= 5 for g in groups if g != "CEO")
    # the export's group sizes count: only CEO (1 person) is too small; one group of 137 is hidden with it,
    # or the organisation minus the four others would give the CEO's figures
    hidden = {g for g in groups if shown[g]["suppressed"]}
    assert "CEO" in hidden and len(hidden) == 2
    assert results.statement.complementary_suppressed > 0
    for group in set(groups) - hidden:
        assert shown[group]["persons"] == sizes[group] and shown[group]["R"] is not None
    assert shown["CEO"]["R"] is None and shown["CEO"]["internal"] is None
    nulls = {r["unit"]: r["persons"] for r in results["nulls"].filter(channel="all").to_pylist()}
    visible = sorted(set(groups) - hidden)
    assert nulls[visible[0]] == sizes[visible[0]]  # the N of the scaling fits across units
