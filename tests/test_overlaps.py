"""Overlapping exports count once: the same interactions from another file or format are recognised."""

from __future__ import annotations

from pathlib import Path

import openpyxl

import orgsphere

from .conftest import write

ORG = "person,unit\n" + "".join(f"p{i},{'Sales' if i < 6 else 'ICT'}\n" for i in range(11))
JAN = [("p0", "p1", "2025-01-05 10:00", "email"), ("p1", "p2", "2025-01-20 11:00", "email"),
       ("p1", "p2", "2025-01-20 11:00", "email")]  # fmt: skip  (a real repeat within one log)
FEB = [("p2", "p3", "2025-02-03 09:00", "chat"), ("p3", "p4", "2025-02-10 09:00", "email")]


def _csv(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    return write(path, "src,dst,ts,channel\n" + "".join(",".join(r) + "\n" for r in rows))


def test_overlapping_monthly_exports_and_the_same_log_as_xlsx(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    """The same log ingested as CSV and as XLSX counted every row twice; overlapping monthly exports did too."""
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    first = ws.ingest_edges(_csv(tmp_path / "jan.csv", JAN))
    assert (first.kept, first.recognised) == (3, 0)  # the repeat within one file is kept
    overlap = ws.ingest_edges(_csv(tmp_path / "jan-feb.csv", JAN[1:] + FEB))  # overlaps January
    assert (overlap.kept, overlap.recognised) == (2, 2)
    assert "4 rows in, 2 kept, 0 rejected" in overlap.summary()  # the rows read count the recognised ones
    assert "2 rows already in the store, counted once" in overlap.summary()
    book = openpyxl.Workbook()
    book.active.append(["src", "dst", "ts", "channel"])
    for r in JAN + FEB:
        book.active.append(list(r))
    book.save(tmp_path / "all.xlsx")
    as_xlsx = ws.ingest_edges(tmp_path / "all.xlsx")
    assert (as_xlsx.kept, as_xlsx.recognised, as_xlsx.failed) == (0, 5, None)
    assert ws.store.counts()["interactions"] == 5
    # a third copy of the repeated row is new: the multiset holds it twice so far
    assert ws.ingest_edges(_csv(tmp_path / "three.csv", [JAN[1]] * 3)).kept == 1
    # replacing a file does not count its own earlier rows as overlaps: of A, B, B only one B is elsewhere
    with orgsphere.replacing():
        again = ws.ingest_edges(_csv(tmp_path / "jan.csv", JAN))
    assert again.replaced and (again.kept, again.recognised) == (2, 1)
    assert ws.store.counts()["interactions"] == 5


def test_the_setting_turns_it_off(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", count_overlaps_once=False) as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        ws.ingest_edges(_csv(tmp_path / "a.csv", FEB))
        report = ws.ingest_edges(_csv(tmp_path / "b.csv", FEB[::-1]))  # (other bytes: not skipped as the same file)
        assert (report.kept, report.recognised) == (2, 0)
        assert ws.store.counts()["interactions"] == 4


def test_a_row_at_the_edge_of_the_time_span_is_recognised(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    """Only a source whose time span holds no row of the store skips the search; one that shares a single
    moment with the store still finds its copy there."""
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    ws.ingest_edges(_csv(tmp_path / "feb.csv", FEB))
    later = [("p4", "p5", "2025-03-01 09:00", "email")]
    assert (ws.ingest_edges(_csv(tmp_path / "mar.csv", later)).recognised) == 0
    edge = ws.ingest_edges(_csv(tmp_path / "edge.csv", [FEB[1], *later, ("p5", "p6", "2025-03-02 09:00", "chat")]))
    assert (edge.kept, edge.recognised) == (1, 2)
    assert ws.store.counts()["interactions"] == 4
