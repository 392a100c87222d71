"""Tickets: work items, requester-to-team interactions, and what the sphere metrics make of them."""

from datetime import datetime
from pathlib import Path

import orgsphere
from orgsphere.analysis.sphere import sphere_counts

from .conftest import write

ORG = (
    "person,unit,parent,kind,function\nann,Sales,Acme,line,\nbob,Sales,Acme,line,\n"
    "cid,ICT Service Desk,Acme,staff,ict\n"
)
EXPORT = """Number;Caller;Assignment group;Opened;Closed;Category;Priority;Short description
INC001;ann;ICT Service Desk;2025-03-03 09:00:00;2025-03-03 11:00:00;Hardware;3;Laptop kapot
INC002;bob;ict service desk;2025-03-04 09:00:00;;Access;2;Need a password reset
INC003;bob;Facilities;2025-03-04 10:00:00;;Building;4;Lamp
INC004;nobody;ICT Service Desk;2025-03-05 10:00:00;;Access;2;x
;ann;ICT Service Desk;2025-03-05 10:00:00;;Access;2;no number
INC001;ann;ICT Service Desk;2025-03-03 09:00:00;2025-03-03 11:00:00;Hardware;3;Laptop kapot
"""


def test_tickets(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", min_group_size=1,
                        max_reject_share=0.7) as ws:  # (3 of the 5 rows are bad on purpose)
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        report = ws.ingest_tickets(write(tmp_path / "incidents.csv", EXPORT))
        assert (report.kept, report.rejected) == (2, 3)
        assert any("1 tickets already in the store" in n for n in report.notes)
        assert any("not kept" in n for n in report.notes)
        reasons = sorted(r["reason"] for r in ws.rejects())
        assert reasons == [
            "assignment group 'Facilities' is not a unit of the org chart; add it to the org chart, or map another "
            "column (--map group=COLUMN; now 'Assignment group')",
            "requester is not a person of the org chart nor a declared outside party; add the person to the org "
            "chart, or map another column (--map requester=COLUMN; now 'Caller')",
            "ticket has no id",
        ]
        items = ws.store.query("SELECT assignee_unit, category, priority, title, closed IS NOT NULL AS closed "
                               "FROM work_items ORDER BY opened").to_pylist()  # fmt: skip
        assert items == [
            {"assignee_unit": "ICT Service Desk", "category": "Hardware", "priority": "3", "title": None,
             "closed": True},
            {"assignee_unit": "ICT Service Desk", "category": "Access", "priority": "2", "title": None,
             "closed": False},
        ]  # fmt: skip
        assert "INC00" not in str(ws.store.query("SELECT * FROM work_items").to_pylist())
        raw, _ = sphere_counts(ws.store)
        units = {r["group_id"]: r for r in raw.to_pylist()
                 if r["scope"] == "unit" and r["period"] == "all" and r["channel"] == "ticket"}  # fmt: skip
        # two tickets from Sales to the service desk: inter-unit for both; the desk has no active person here
        assert units["Sales"]["inter"] == 2 and units["Sales"]["persons"] == 2
        assert units["ICT Service Desk"]["inter"] == 2
    with orgsphere.open(tmp_path / "s2.duckdb", key_file=tmp_path / "k", keep_texts=True, max_reject_share=0.7) as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        ws.ingest_tickets(tmp_path / "incidents.csv")
        titles = sorted(r["title"] for r in ws.store.query("SELECT title FROM work_items").to_pylist())
        assert titles == ["Laptop kapot", "Need a password reset"]


NO_ID = """Caller;Assignment group;Opened;Category
ann;ICT Service Desk;2025-03-03 09:00:00;Hardware
bob;ICT Service Desk;2025-03-04 09:00:00;Access
bob;ICT Service Desk;2025-03-04 09:00:00;Access
ann;ICT Service Desk;;Access
"""
# the same tickets exported again later: other order, another time format, one new ticket, the undated one again
NO_ID_AGAIN = """Caller;Assignment group;Opened;Category
bob;ICT Service Desk;2025-03-04T09:00:00;Access
ann;ICT Service Desk;;Access
ann;ict service desk;2025-03-03T09:00:00;Hardware
cid;ICT Service Desk;2025-03-06 08:00:00;Access
bob;ICT Service Desk;2025-03-04T09:00:00;Access
"""


def test_an_export_without_ticket_numbers_is_read_with_an_id_per_row(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        report = ws.ingest_tickets(write(tmp_path / "march.csv", NO_ID))
        # two identical rows are two tickets: nothing tells them apart, so both count
        assert (report.rows, report.kept, report.rejected) == (4, 4, 0)
        assert any(n.startswith("no ticket id column: 4 tickets identified by their row") and "1 without an "
                   "opened time" in n for n in report.notes), report.notes  # fmt: skip
        again = ws.ingest_tickets(write(tmp_path / "march-again.csv", NO_ID_AGAIN))
        # the three dated tickets are recognised; the new one and the undated one (known only by its line) count
        assert again.kept == 2
        assert any("3 tickets already in the store (same requester, assignment group and opened time) counted "
                   "once" in n for n in again.notes), again.notes  # fmt: skip
        assert ws.store.query("SELECT count(*) AS n FROM work_items").to_pylist() == [{"n": 6}]
        ids = {r["item_id"] for r in ws.store.query("SELECT item_id FROM work_items").to_pylist()}
        assert ws.store.query("SELECT count(DISTINCT thread_id) AS n FROM interactions WHERE channel = 'ticket'"
                              ).to_pylist() == [{"n": 6}]  # fmt: skip
    # the id is keyed: under another key the same rows get other ids (a requester and a time cannot be looked up)
    with orgsphere.open(tmp_path / "s2.duckdb", key_file=tmp_path / "k2") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        ws.ingest_tickets(tmp_path / "march.csv")
        other = {r["item_id"] for r in ws.store.query("SELECT item_id FROM work_items").to_pylist()}
        # every id is keyed, the undated one (named by the file's bytes and its line) too
        assert len(other) == 4 and not other & ids


ROLES = """Number,Caller,Assignment group,Opened
T1,ghost@acme.example,ICT Service Desk,2025-03-03 09:00:00
T2,stranger,ICT Service Desk,2025-03-03 09:00:00
T3,ann,GRP_9,2025-03-03 09:00:00
T4,ann,desk@acme.example,2025-03-03 09:00:00
T5,ann,,2025-03-03 09:00:00
T6,,ICT Service Desk,2025-03-03 09:00:00
T7,ann,ICT Service Desk,yesterday
""" + "".join(f"T{i},ann,ICT Service Desk,2025-03-03 09:00:00\n" for i in range(8, 16))  # fewer rejects than kept


def test_reject_reasons_name_the_ticket_roles_and_hold_no_address(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        report = ws.ingest_tickets(write(tmp_path / "t.csv", ROLES))
        assert (report.rows, report.kept, report.rejected) == (15, 8, 7)
        rejects = {r["locator"]: r for r in ws.rejects()}
        reason = {locator: r["reason"] for locator, r in rejects.items()}
        assert reason["line 2"].startswith("requester is an address in the internal domain acme.example that is "
                                           "not in the org chart")  # fmt: skip
        assert reason["line 3"] == ("requester is not a person of the org chart nor a declared outside party; add "
                                    "the person to the org chart, or map another column (--map requester=COLUMN; "
                                    "now 'Caller')")  # fmt: skip
        assert reason["line 4"] == ("assignment group 'GRP_9' is not a unit of the org chart; add it to the org "
                                    "chart, or map another column (--map group=COLUMN; now 'Assignment group')")
        assert reason["line 5"].startswith("assignment group is an email address, not a unit of the org chart")
        assert reason["line 6"].startswith("assignment group is empty")
        assert reason["line 7"].startswith("requester is empty")
        assert reason["line 8"].startswith("opened is not a time")
        assert rejects["line 8"]["value_kind"] == "text of 9 characters"  # what 'yesterday' is, not the word
        # the rejects table keeps no address and no requester (a unit name is org-chart data and may stay)
        dump = str(ws.store.query("SELECT * FROM rejects").to_pylist())
        assert "ghost" not in dump and "desk@" not in dump and "stranger" not in dump


def test_day_first_times_of_a_dutch_excel_export(tmp_path: Path) -> None:
    """ServiceNow exported from a Dutch Excel writes 03-01-2025 10:00:00; every ticket was rejected."""
    export = ("Number;Caller;Assignment group;Opened;Closed\n"
              "INC1;ann;ICT Service Desk;03-01-2025 10:00:00;13-01-2025 09:30:00\n"
              "INC2;bob;ICT Service Desk;14-02-2025 08:00:00;\n")  # fmt: skip
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        report = ws.ingest_tickets(write(tmp_path / "t.csv", export))
        assert (report.kept, report.rejected) == (2, 0)
        rows = ws.store.raw.execute("SELECT opened, closed FROM work_items ORDER BY opened").fetchall()
    assert rows == [(datetime(2025, 1, 3, 10), datetime(2025, 1, 13, 9, 30)), (datetime(2025, 2, 14, 8), None)]
