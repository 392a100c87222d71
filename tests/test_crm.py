"""CRM activities: round trip through an independent writer (the csv module) and the accounts as customers."""

import csv
from pathlib import Path

import orgsphere

from .conftest import write


def test_crm_round_trip(tmp_path: Path) -> None:
    rows = [
        {"Owner": "ann", "Account": "ACC-1", "Activity Type": "Phone Call", "Date": "2025-02-03T10:00:00",
         "Duration": "15"},
        {"Owner": "ann", "Account": "ACC-2", "Activity Type": "Bezoek", "Date": "2025-02-04T13:00:00",
         "Duration": "90"},
        {"Owner": "bob", "Account": "bigco.example", "Activity Type": "E-mail", "Date": "2025-02-05T09:00:00",
         "Duration": ""},
        {"Owner": "ghost", "Account": "ACC-1", "Activity Type": "Phone Call", "Date": "2025-02-05T09:00:00",
         "Duration": "5"},
        {"Owner": "bob", "Account": "", "Activity Type": "Phone Call", "Date": "2025-02-06T09:00:00",
         "Duration": "5"},
    ]  # fmt: skip
    path = tmp_path / "activities.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", "person,unit\nann,Sales\nbob,Sales\n"))
        report = ws.ingest_crm(path)
        assert (report.rows, report.kept, report.rejected) == (5, 3, 2)
        pseudo = ws.store.pseudonymiser()
        got = ws.store.query(
            "SELECT i.src, i.dst, i.channel, i.weight, strftime(i.ts, '%Y-%m-%d %H:%M') AS ts, p.kind "
            "FROM interactions i JOIN parties p ON p.party_id = i.dst ORDER BY ts"
        ).to_pylist()
        assert got == [
            {"src": pseudo.one("ann"), "dst": pseudo.one("ACC-1"), "channel": "call", "weight": 15.0,
             "ts": "2025-02-03 10:00", "kind": "customer"},
            {"src": pseudo.one("ann"), "dst": pseudo.one("ACC-2"), "channel": "visit", "weight": 90.0,
             "ts": "2025-02-04 13:00", "kind": "customer"},
            {"src": pseudo.one("bob"), "dst": "@bigco.example", "channel": "email", "weight": 1.0,
             "ts": "2025-02-05 09:00", "kind": "customer"},
        ]  # fmt: skip
        reasons = sorted(r["reason"] for r in ws.store.query("SELECT reason FROM rejects").to_pylist())
        assert reasons == ["dst is empty", "src is neither a person of the org chart nor a declared outside party"]
        assert "ACC-1" not in str(ws.store.query("SELECT * FROM parties").to_pylist())
