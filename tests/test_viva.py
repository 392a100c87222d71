"""Viva Insights network queries, in the spellings of the current and the older exports."""

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


def test_group_to_group_counts_become_interactions(vws: orgsphere.Workspace, tmp_path: Path) -> None:
    g2g = write(tmp_path / "g2g.csv", "PrimaryCollaborator_Organization,PrimaryCollaborator_GroupSize,"
                "SecondaryCollaborator_Organization,SecondaryCollaborator_GroupSize,MetricDate,"
                "Group_email_sent_count,Group_meeting_count,Group_collaboration_time_invested\n"
                "Sales,2,ICT,1,2025-01-05,3,1,4.5\nSales,2,Sales,2,2025-01-05,2,0,1.0\nLegal,5,ICT,1,2025-01-05,1,0,0.1\n")  # fmt: skip
    report = vws.ingest_viva(g2g)
    assert (report.kept, report.rejected) == (6, 1)  # 3 + 1 + 2 kept; Legal is no unit
    raw, _ = sphere_counts(vws.store)
    sales = next(r for r in raw.to_pylist() if r["scope"] == "unit" and r["group_id"] == "Sales"
                 and r["period"] == "all" and r["channel"] == "all")  # fmt: skip
    assert (sales["intra"], sales["inter"]) == (2, 4)
    older = write(tmp_path / "old.csv", "TimeInvestors_Organization,Collaborators_Organization,Date,Emails_sent\n"
                  "ICT,Sales,2024-12-29,2\n")  # fmt: skip
    assert vws.ingest_viva(older).kept == 2


def test_not_a_viva_query(vws: orgsphere.Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a person-to-person query"):
        vws.ingest_viva(write(tmp_path / "x.csv", "a,b\n1,2\n"))
    with pytest.raises(InputError, match="needs a count of emails or meetings"):
        vws.ingest_viva(write(tmp_path / "y.csv", "PrimaryCollaborator_Organization,SecondaryCollaborator_Organization\nA,B\n"))


SAMPLE = Path(__file__).parent / "data" / "viva_g2g_sample.csv"  # vivainsights 0.4.3's g2g_data.csv (MIT)


def test_microsofts_own_group_to_group_sample(tmp_path: Path) -> None:
    """Microsoft's sample (vivainsights `load_g2g_data()`): its `Within Group` rows (a group's collaboration
    inside itself) and `Unclassified Collaborators` rows were rejected: 153,339 of 525,162 rows."""
    groups = ["Sales and Marketing", "HR", "CEO", "Finance", "Product"]
    org = "units:\n" + "".join(f"  - name: {g}\n" for g in groups)
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", min_group_size=1) as ws:
        ws.ingest_orgchart(write(tmp_path / "units.yaml", org))
        report = ws.ingest_viva(SAMPLE)
        assert report.rejected == 0
        assert any("group sizes (*_GroupSize) are not used" in n for n in report.notes)
        expected = sum(int(r[7]) + int(r[9]) for r in (line.split(",") for line in
                       SAMPLE.read_text().splitlines()[1:]))  # fmt: skip
        assert report.kept == expected  # every email and meeting the query counted
        raw, _ = sphere_counts(ws.store)
        sales = next(r for r in raw.to_pylist() if r["scope"] == "unit" and r["group_id"] == "Sales and Marketing"
                     and r["period"] == "all" and r["channel"] == "all")  # fmt: skip
        within = sum(int(r[7]) + int(r[9]) for r in (line.split(",") for line in SAMPLE.read_text().splitlines()[1:])
                     if r[0] == "Sales and Marketing" and r[2] == "Within Group")  # fmt: skip
        assert sales["intra"] == within > 0
        kinds = ws.store.raw.execute("SELECT kind, declared_by FROM parties").fetchall()
        assert kinds == [("other", "Viva Insights: Unclassified Collaborators")]
