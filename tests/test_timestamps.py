"""Times as spreadsheets write them: day-first (Dutch Excel), US month-first, ISO and epoch, per file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest

import orgsphere
from orgsphere.errors import InputError
from orgsphere.ingest.timestamps import DateOrder, parse_timestamps

from .conftest import write

ORG = "person,unit\n" + "".join(f"p{i},{'Sales' if i < 6 else 'ICT'}\n" for i in range(11))


def _times(ws: orgsphere.Workspace) -> list[datetime]:
    return [r[0] for r in ws.store.raw.execute("SELECT ts FROM interactions ORDER BY ts").fetchall()]


def test_day_first_dates_of_dutch_excel_are_read(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    """`03-01-2025 10:00`, what Dutch and most European Excel writes, was rejected on every row, exit 0."""
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    report = ws.ingest_edges(write(tmp_path / "e.csv", (
        "van;aan;datum\np0;p1;03-01-2025 10:00\np1;p2;3-1-2025 9:05\np2;p3;13-01-2025\np3;p4;31/12/2024 23:59:59\n"
    )))  # fmt: skip
    assert (report.kept, report.rejected) == (4, 0)
    assert _times(ws) == [datetime(2024, 12, 31, 23, 59, 59), datetime(2025, 1, 3, 9, 5), datetime(2025, 1, 3, 10),
                          datetime(2025, 1, 13)]  # fmt: skip


def test_us_month_first_with_am_pm(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    report = ws.ingest_edges(
        write(tmp_path / "e.csv", "src,dst,date\np0,p1,01/13/2025 9:30 AM\np1,p2,2/3/2025 1:15 PM\n")
    )
    assert (report.kept, report.rejected) == (2, 0)
    assert _times(ws) == [datetime(2025, 1, 13, 9, 30), datetime(2025, 2, 3, 13, 15)]


def test_a_file_that_never_tells_says_so_and_names_the_setting(tmp_path: Path) -> None:
    edges = write(tmp_path / "e.csv", "src,dst,ts\np0,p1,03-01-2025\np1,p2,04-02-2025 10:00\n")
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        with pytest.raises(InputError, match=r"e\.csv: column ts: dates like '03-01-2025' can be day-first or "
                                             r"month-first.*date_format"):  # fmt: skip
            ws.ingest_edges(edges)
        assert ws.store.counts()["interactions"] == 0
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", date_format="month-first") as ws:
        ws.ingest_edges(edges)
        assert _times(ws) == [datetime(2025, 3, 1), datetime(2025, 4, 2, 10)]


def test_the_order_is_decided_once_per_file_and_kept_across_chunks() -> None:
    dates = DateOrder()
    first, _ = parse_timestamps(pa.array(["13-01-2025", "2025-01-02T10:00:00", "1735689600"]), dates)
    assert first.to_pylist() == [datetime(2025, 1, 13), datetime(2025, 1, 2, 10), datetime(2025, 1, 1)]
    second, problems = parse_timestamps(pa.array(["01-02-2025", "02-13-2025", ""]), dates)
    assert second.to_pylist() == [datetime(2025, 2, 1), None, None]  # 02-13 is no day-first date
    assert problems.to_pylist()[1].endswith("(day-first, as this file)") and problems.to_pylist()[2] is None
    dots, _ = parse_timestamps(pa.array(["03.01.2025 08:00"]), DateOrder())  # a dot is European: day-first
    assert dots.to_pylist() == [datetime(2025, 1, 3, 8)]


def test_forced_formats_and_a_wrong_setting() -> None:
    iso_only, problems = parse_timestamps(pa.array(["13-01-2025", "2025-01-13"]), DateOrder("iso"))
    assert iso_only.to_pylist() == [None, datetime(2025, 1, 13)] and problems.to_pylist()[0] is not None
    with pytest.raises(InputError, match="date_format 'dd-mm' is not one of"):
        DateOrder("dd-mm")
    with pytest.raises(orgsphere.ConfigError):
        orgsphere.open("x.duckdb", date_format="dd-mm")


def test_a_date_that_does_not_exist_is_rejected_not_rolled_into_the_next_month(
    ws: orgsphere.Workspace, tmp_path: Path
) -> None:
    """Arrow's strptime reads 31-02-2025 as 3 March: such a row must be rejected with its line, not moved a
    few days on. Day-first, month-first and ISO (in a chunk that is not all ISO), and Viva's month/day/year."""
    from orgsphere.ingest.timestamps import strptime

    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    report = ws.ingest_edges(write(tmp_path / "e.csv", (
        "van;aan;datum\np0;p1;28-02-2025 10:00\np1;p2;31-02-2025 10:00\np2;p3;29-02-2024 9:00\np3;p4;31-04-2025\n"
    )))  # fmt: skip
    assert (report.kept, report.rejected) == (2, 2)
    assert _times(ws) == [datetime(2024, 2, 29, 9), datetime(2025, 2, 28, 10)]
    assert [r[0] for r in ws.store.raw.execute("SELECT locator FROM rejects ORDER BY locator").fetchall()] == [
        "line 3", "line 5"]  # fmt: skip
    month_first, _ = parse_timestamps(pa.array(["02/31/2025 10:00", "02/28/2025 10:00"]), DateOrder("month-first"))
    iso, _ = parse_timestamps(pa.array(["2025-02-31 10:00", "2025-02-28 10:00"]), DateOrder())
    assert month_first.to_pylist() == iso.to_pylist() == [None, datetime(2025, 2, 28, 10)]
    assert strptime(pa.array(["02/30/2025", "12/31/2025"]), "%m/%d/%Y").to_pylist() == [None, datetime(2025, 12, 31)]
