"""Events: the events file's rows (dates as everywhere, units by name or id, bad rows rejected with the reason)
and the events the org chart's membership periods show."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

import orgsphere
from orgsphere.analysis.events import derived_events, event_table
from orgsphere.errors import InputError

from .conftest import run_cli, write

ORG = "person,unit,parent,kind\n" + "".join(f"{u.lower()}{i},{u},Co,{k}\n" for u, k in (
    ("Sales", "line"), ("Finance", "staff"), ("Control", "staff")) for i in range(3))  # fmt: skip


def events_of(ws: orgsphere.Workspace) -> list[dict]:
    return ws.store.query("SELECT day, label, units FROM events ORDER BY day, label").to_pylist()


def test_events_are_read_with_day_first_dates_and_units_by_name_or_id(ws: orgsphere.Workspace,
                                                                      tmp_path: Path) -> None:  # fmt: skip
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    report = ws.ingest_events(write(tmp_path / "events.csv", (
        "date,label,units\n"
        "31-01-2025,New way of working,finance | Control\n"
        "02-06-2025,Customer portal,\n"
        "15-03-2025,Finance and Control merge,Finance;Control;finance\n")))  # fmt: skip
    assert report.kept == 3 and report.rejected == 0
    assert events_of(ws) == [
        {"day": date(2025, 1, 31), "label": "New way of working", "units": "Finance;Control"},
        {"day": date(2025, 3, 15), "label": "Finance and Control merge", "units": "Finance;Control"},
        {"day": date(2025, 6, 2), "label": "Customer portal", "units": None},
    ]


def test_bad_rows_are_rejected_with_line_and_reason_and_unknown_units_with_close_names(
        ws: orgsphere.Workspace, tmp_path: Path) -> None:  # fmt: skip
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    report = ws.ingest_events(write(tmp_path / "events.csv", (
        "date,label,units\n"
        "2025-01-31,Fine,Sales\n"
        "2025-02-01,Misspelt,Finanse\n"
        "not a date,No date,\n"
        ",Empty date,\n"
        "2025-02-03,,Sales\n"
        "2025-02-04,Unknown,Purchasing\n"
        "2025-02-05,Also fine,\n"
        "2025-02-06,Also fine too,\n"
        + "".join(f"2025-03-0{d},Fine again,Control\n" for d in range(1, 4)))))  # fmt: skip
    assert report.kept == 6 and report.rejected == 5
    rejects = {r["locator"]: r["reason"] for r in ws.rejects()}
    assert rejects["line 3"] == "units: 'Finanse' is not a unit of the org chart; close names: Finance"
    assert rejects["line 4"].startswith("date is not a date")
    assert rejects["line 5"] == "date is missing"
    assert rejects["line 6"] == "label is empty"
    assert rejects["line 7"] == "units: 'Purchasing' is not a unit of the org chart; no unit has a name close to it"


def test_the_same_file_counts_once_and_a_changed_one_replaces_it(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    path = write(tmp_path / "events.csv", "date,label\n2025-01-31,One\n")
    ws.ingest_events(path)
    assert ws.ingest_events(path).skipped
    write(path, "date,label\n2025-01-31,One\n2025-03-01,Two\n")
    assert ws.ingest_events(path).replaced
    assert [e["label"] for e in events_of(ws)] == ["One", "Two"]


def test_a_file_without_a_date_column_names_the_columns_it_has(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    with pytest.raises(InputError, match=r"line 1: no column for date .* the file has: when it was, label"):
        ws.ingest_events(write(tmp_path / "events.csv", "when it was,label\n2025-01-31,One\n"))


def test_events_need_an_org_chart_first(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no org chart yet"):
        ws.ingest_events(write(tmp_path / "events.csv", "date,label\n2025-01-31,One\n"))


def test_events_from_an_xlsx_file(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    import pandas as pd

    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    pd.DataFrame({"Date": ["2025-01-31"], "Label": ["From a spreadsheet"], "Units": ["Sales"]}).to_excel(
        tmp_path / "events.xlsx", index=False)
    assert ws.ingest_events(tmp_path / "events.xlsx").kept == 1
    assert events_of(ws)[0]["units"] == "Sales"


def people(rows: list[tuple[str, str, str | None, str | None]]) -> pa.Table:
    return pa.Table.from_pylist([{"person_id": p, "unit_id": u,
                                  "valid_from": date.fromisoformat(f) if f else None,
                                  "valid_to": date.fromisoformat(t) if t else None} for p, u, f, t in rows])


def test_the_org_chart_shows_units_beginning_and_ending_and_groups_moving() -> None:
    rows = [(f"a{i}", "A", "2025-01-01", "2025-06-30") for i in range(4)]  # A ends: its people move to B
    rows += [(f"a{i}", "B", "2025-07-01", None) for i in range(3)]
    rows += [("a3", "C", "2025-07-03", None)]  # one person alone: no group move
    rows += [(f"c{i}", "C", "2025-01-01", None) for i in range(3)]
    rows += [(f"n{i}", "N", "2025-09-01", None) for i in range(2)]  # N begins
    found = derived_events(people(rows), {"A": "Alpha", "N": "New"}, min_group=3)
    labels = {(e["label"], e["units"], e["day"]) for e in found}
    assert ("Alpha ends", "A", date(2025, 7, 1)) in labels
    assert ("B begins", "B", date(2025, 7, 1)) in labels
    assert ("New begins", "N", date(2025, 9, 1)) in labels
    assert ("3 people move from Alpha to B", "A;B", date(2025, 7, 1)) in labels
    assert not any("to C" in e["label"] for e in found) and not any(e["units"] == "C" for e in found)


def test_the_event_table_holds_both_origins_in_order(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    org = "person,unit,parent,kind,valid_from,valid_to\n" + "".join(
        f"p{i},{u},Co,line,{f},{t}\n" for i in range(3) for u, f, t in (("A", "2025-01-01", "2025-03-31"),
                                                                        ("B", "2025-04-01", "")))  # fmt: skip
    ws.ingest_orgchart(write(tmp_path / "org.csv", org))
    ws.ingest_events(write(tmp_path / "events.csv", "date,label\n2025-02-01,Kick-off\n"))
    table = event_table(ws.store, min_group=3).to_pylist()
    assert [(e["event"], e["label"], e["origin"], e["week"]) for e in table] == [
        ("E1", "Kick-off", "file", "2025-W05"),
        ("E2", "3 people move from A to B", "org chart", "2025-W14"),
        ("E3", "A ends", "org chart", "2025-W14"),
        ("E4", "B begins", "org chart", "2025-W14"),
    ]


def test_cli_ingest_events_names_the_file_and_line_of_a_bad_row(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--setting", f"store={tmp_path / 's.duckdb'}", "--setting", f"key_file={tmp_path / 'k'}"]
    assert run_cli(["ingest", "orgchart", str(write(tmp_path / "org.csv", ORG)), *store], capsys)[0] == 0
    events = write(tmp_path / "events.csv", "date,label,units\n2025-01-31,One,Sales\n2025-02-01,Two,Finanse\n"
                                            "2025-02-02,Three,\n")  # fmt: skip
    code, out, err = run_cli(["ingest", "events", str(events), "--json", *store], capsys)
    assert code == 0, err
    report = json.loads(out)
    assert report["kept"] == 2 and report["rejected"] == 1
    code, out, _ = run_cli(["rejects", *store], capsys)
    assert "events.csv" in out and "line 3" in out and "close names: Finance" in out


def test_the_data_check_names_events_the_interactions_cannot_show(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    days = [date(2025, 1, 6) + timedelta(days=k) for k in range(0, 364, 3)]
    ws.ingest_edges(write(tmp_path / "e.csv", "src,dst,ts\n" + "".join(f"sales0,finance0,{d}\n" for d in days)))
    ws.ingest_events(write(tmp_path / "events.csv", "date,label\n2024-06-01,Too early\n2025-01-20,Near the start\n"
                                                    "2025-06-02,Fine\n"))  # fmt: skip
    found = {f.code: f for f in ws.check().findings}
    assert found["events-outside-data"].figures["events"] == ["Too early (2024-06-01)"]
    assert found["events-near-the-edge"].figures["events"] == ["Near the start (2025-01-20)"]
