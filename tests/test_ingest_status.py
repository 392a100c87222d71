"""Exit status and order: an ingest that cannot be trusted fails loudly, and leaves a way to try again."""

from __future__ import annotations

from pathlib import Path

import pytest

import orgsphere
from orgsphere.cli import main
from orgsphere.errors import IngestFailedError, InputError

from .conftest import write

ORG = "person,email,unit\n" + "".join(f"p{i},p{i}@acme.example,{'Sales' if i < 6 else 'ICT'}\n" for i in range(11))
EDGES = "src,dst,ts\n" + "".join(f"p{i},p{(i + 1) % 11},2025-01-0{1 + i % 9}\n" for i in range(11))


def _run(args: list[str]) -> int:
    """The exit code of the command line (its output stays for capsys)."""
    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_interactions_before_the_org_chart_are_refused_and_can_follow_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ingested before the org chart, every row was rejected with exit 0, and the same file was then refused
    as "the same bytes were ingested": there was no way out but deleting the store."""
    store = ["--store", str(tmp_path / "s.duckdb"), "--key-file", str(tmp_path / "k")]
    edges = write(tmp_path / "e.csv", EDGES)
    assert _run(["ingest", "edges", str(edges), *store]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no org chart yet" in err and "orgsphere ingest orgchart" in err
    assert _run(["ingest", "orgchart", str(write(tmp_path / "org.csv", ORG)), *store]) == 0
    assert _run(["ingest", "edges", str(edges), *store]) == 0
    assert "11 rows in, 11 kept, 0 rejected" in capsys.readouterr().out


def test_an_ingest_that_keeps_nothing_fails_with_exit_3_and_is_not_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "s.duckdb"), "--key-file", str(tmp_path / "k")]
    assert (
        _run(["ingest", "orgchart", str(write(tmp_path / "org.csv", "person,unit\nx1,Sales\nx2,ICT\n")), *store]) == 0
    )
    edges = write(tmp_path / "e.csv", EDGES)
    assert _run(["ingest", "edges", str(edges), *store]) == 3
    captured = capsys.readouterr()
    assert "0 kept, 11 rejected" in captured.out and "FAILED" in captured.out
    assert "nothing kept" in captured.err and "ingested again once the cause is fixed" in captured.err
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", read_only=True) as ws:
        counts = ws.store.counts()
        assert counts["interactions"] == 0 and counts["rejects"] == 11 and counts["ingest_log"] == 1  # the org chart
    # the cause fixed (the right org chart), the same file goes in, and its old rejects are gone
    assert _run(["ingest", "orgchart", str(write(tmp_path / "org2.csv", ORG)), *store]) == 0
    assert _run(["ingest", "edges", str(edges), *store]) == 0
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", read_only=True) as ws:
        counts = ws.store.counts()
        assert counts["interactions"] == 11 and counts["rejects"] == 0


def test_more_rejects_than_the_share_fail_unless_the_share_is_raised(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    edges = write(tmp_path / "e.csv", "src,dst\np0,p1\np1,nobody\np2,nobody\np3,nobody\n")
    with pytest.raises(IngestFailedError, match=r"3 of 4 rows rejected \(75%, more than max_reject_share 50%\)"):
        ws.ingest_edges(edges)
    assert ws.store.counts()["interactions"] == 0
    with orgsphere.open(ws.settings.store, key_file=ws.settings.key_file, max_reject_share=0.8) as lenient:
        report = lenient.ingest_edges(edges)
    assert (report.kept, report.rejected, report.failed) == (1, 3, None)


def test_replace_reads_the_same_bytes_again_without_counting_twice(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    edges = write(tmp_path / "e.csv", EDGES)
    ws.ingest_edges(edges)
    copy = write(tmp_path / "copy.csv", EDGES)
    skipped = ws.ingest_edges(copy)
    assert skipped.skipped and "--replace" in skipped.skipped
    with orgsphere.replacing():
        again = ws.ingest_edges(copy)
    assert again.replaced and again.kept == 11
    assert ws.store.counts()["interactions"] == 11
    assert [r["source"] for r in ws.status()["sources"] if r["kind"] == "interactions"] == ["copy.csv"]


def test_a_changed_file_replaces_its_own_earlier_version_not_a_namesake_in_another_folder(
    ws: orgsphere.Workspace, tmp_path: Path
) -> None:
    """The store names a source by its file name only; its earlier versions are found by the keyed digest of
    its full path, so export.csv of one folder never replaces export.csv of another."""
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    first = write(tmp_path / "jan" / "export.csv", "src,dst,ts\np0,p1,2025-01-02\np1,p2,2025-01-03\np2,nobody,x\n")
    ws.ingest_edges(first)
    ws.ingest_edges(write(tmp_path / "feb" / "export.csv", "src,dst,ts\np0,p1,2025-02-02\np2,nobody,x\n"))
    assert ws.store.counts()["interactions"] == 3 and ws.store.counts()["rejects"] == 2
    changed = ws.ingest_edges(write(first, "src,dst,ts\np0,p1,2025-01-02\np1,p2,2025-01-03\np1,p3,2025-01-04\n"))
    assert changed.replaced
    log = ws.store.query("SELECT source, source_key FROM ingest_log ORDER BY finished").to_pylist()
    assert [r["source"] for r in log] == ["org.csv", "export.csv", "export.csv"]
    assert len({r["source_key"] for r in log}) == 3 and "jan" not in str(log) and "feb" not in str(log)
    # january's three rows replace its two; february's row and its reject stay
    assert ws.store.raw.execute("SELECT strftime(ts, '%m-%d') FROM interactions ORDER BY ts").fetchall() == [
        ("01-02",), ("01-03",), ("01-04",), ("02-02",)]
    assert ws.store.counts()["rejects"] == 1


def test_a_header_only_file_fails(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    with pytest.raises(IngestFailedError, match="no rows to read"):
        ws.ingest_edges(write(tmp_path / "e.csv", "src,dst\n"))
    assert isinstance(IngestFailedError("x", None), InputError)


def test_org_chart_and_parties_take_a_column_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The org chart's error said "map it, e.g. --map person=COLUMN", but `ingest orgchart` had no --map."""
    store = ["--store", str(tmp_path / "s.duckdb"), "--key-file", str(tmp_path / "k")]
    org = write(tmp_path / "vertices.csv", "id,dept\n" + "".join(f"{i},{i % 2}\n" for i in range(10)))
    assert _run(["ingest", "orgchart", str(org), *store]) == 1
    assert "--map person=COLUMN" in capsys.readouterr().err
    assert _run(["ingest", "orgchart", str(org), "--map", "person=id", "--map", "unit=dept", *store]) == 0
    parties = write(tmp_path / "klanten.csv", "klant,web,soort\nBig,bigclient.example,klant\n")
    assert _run(["ingest", "parties", str(parties), "--map", "name=klant", "--map", "domain=web", *store]) == 0
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", read_only=True) as ws:
        assert ws.store.raw.execute("SELECT kind, domain, name FROM parties").fetchall() == [
            ("customer", "bigclient.example", "Big")]
