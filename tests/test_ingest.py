import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orgsphere
from orgsphere.errors import IngestFailedError, InputError

from .conftest import write

ORG = "person,email,unit,parent,kind,function\n" + "".join(
    f"p{i},p{i}@acme.example,{u},{parent},{kind},{fn}\n"
    for i, (u, parent, kind, fn) in enumerate(
        [("Sales", "Acme", "line", "")] * 6 + [("ICT", "Acme", "staff", "ict")] * 5
    )
)


def setup_org(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))


def counts(ws: orgsphere.Workspace) -> dict[str, int]:
    return ws.store.counts()


def test_good_and_bad_rows(tmp_path: Path) -> None:
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example",
                        max_reject_share=1.0)  # (most rows here are bad on purpose)
    setup_org(ws, tmp_path)
    edges = write(tmp_path / "e.csv", "\n".join([
        "from,to,time,channel,weight",
        "p0,p1,2025-01-02T10:00:00,email,1",      # line 2 ok
        "p0,stranger,2025-01-02T10:00:00,email,1",  # line 3: unknown end
        "p0,p6,2025-13-45,email,1",              # line 4: bad time
        "p0,p6,2025-01-03,email,minus",          # line 5: bad weight
        "p0,p0,2025-01-03,email,1",              # line 6: self-loop
        "p0,p6,2025-01-03,email",                # line 7: too few fields
        "",                                      # line 8: blank, not a record
        "P1@ACME.example,p0,1735812000,Chat,2",   # line 9 ok: email alias, epoch seconds, channel case
        "ghost@acme.example,p0,2025-01-03,email,1",  # line 10: internal domain, not in the org chart
    ]) + "\n")  # fmt: skip
    report = ws.ingest_edges(edges)
    assert (report.rows, report.kept, report.rejected) == (8, 2, 6)
    rejects = ws.store.query("SELECT locator, reason, value_kind FROM rejects ORDER BY locator").to_pylist()
    by_line = {r["locator"]: r for r in rejects}
    assert "neither a person of the org chart nor a declared outside party" in by_line["line 3"]["reason"]
    assert by_line["line 4"]["reason"].startswith("ts is not a time")
    assert by_line["line 4"]["value_kind"] == "a date-like text (10 characters)"  # the kind, never the value
    assert by_line["line 5"]["reason"] == "weight is not a number"
    assert by_line["line 5"]["value_kind"] == "text of 5 characters"
    assert "same person" in by_line["line 6"]["reason"]
    assert by_line["line 7"]["reason"] == "expected 5 fields, found 4"
    assert "internal domain acme.example" in by_line["line 10"]["reason"]
    kept = ws.store.query("SELECT channel, weight, strftime(ts, '%Y-%m-%d %H:%M') AS ts FROM interactions ORDER BY ts")
    assert kept.to_pylist() == [
        {"channel": "email", "weight": 1.0, "ts": "2025-01-02 10:00"},
        {"channel": "chat", "weight": 2.0, "ts": "2025-01-02 10:00"},
    ]
    # identities are stored only as pseudonyms
    dump = (
        str(ws.store.query("SELECT * FROM interactions").to_pylist())
        + str(ws.store.query("SELECT * FROM rejects").to_pylist())
    )
    assert (
        "p0" not in dump.replace("'", " ").split()
        and "acme.example" not in str(ws.store.query("SELECT * FROM interactions").to_pylist())
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("   \n\n", "the file is empty"),
        (b"\x00\x01\x02binary\x00", "binary data, not a CSV text file"),
        (b"PK\x03\x04zipdata", "zip or XLSX file"),
        ("a,b\nx,y\n", "no column for src, dst"),
    ],
)
def test_file_level_problems_are_one_error_and_write_nothing(
    ws: orgsphere.Workspace, tmp_path: Path, content: str | bytes, message: str
) -> None:
    setup_org(ws, tmp_path)
    before = counts(ws)
    path = tmp_path / "bad.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError, match=message) as info:
        ws.ingest_edges(path)
    assert str(path) in str(info.value)
    assert counts(ws) == before


def test_mapping_that_names_a_missing_column(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    setup_org(ws, tmp_path)
    path = write(tmp_path / "e.csv", "a,b\np0,p1\n")
    with pytest.raises(
        InputError, match=r"says src=sender, but the file has no column 'sender'. Its columns are: a, b"
    ):
        ws.ingest_edges(path, {"src": "sender", "dst": "b"})
    report = ws.ingest_edges(path, {"src": "a", "dst": "b"})
    assert report.kept == 1


def test_missing_file_and_unknown_type(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        ws.ingest_edges(tmp_path / "none.csv")
    with pytest.raises(InputError, match="unknown file type '.pdf'"):
        ws.ingest_edges(write(tmp_path / "x.pdf", "x"))


def test_same_bytes_twice_count_once_and_a_changed_file_replaces(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    setup_org(ws, tmp_path)
    path = write(tmp_path / "e.csv", "src,dst\np0,p1\np1,p2\n")
    assert ws.ingest_edges(path).kept == 2
    again = ws.ingest_edges(path)
    assert again.skipped and "same bytes were ingested" in again.skipped
    copy = write(tmp_path / "copy.csv", path.read_text())
    assert ws.ingest_edges(copy).skipped
    assert counts(ws)["interactions"] == 2
    write(path, "src,dst\np0,p1\np1,p2\np2,p3\n")
    report = ws.ingest_edges(path)
    assert report.replaced and report.kept == 3
    assert counts(ws)["interactions"] == 3


def test_interrupted_ingest_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store, key = tmp_path / "s.duckdb", tmp_path / "k"
    with orgsphere.open(store, key_file=key) as ws:
        setup_org(ws, tmp_path)
        before = ws.store.counts()
    rows = 600_000
    pq.write_table(pa.table({"src": [f"p{i % 11}" for i in range(rows)],
                             "dst": [f"p{(i + 1) % 11}" for i in range(rows)]}),
                   tmp_path / "big.parquet", row_group_size=100_000)  # fmt: skip
    script = textwrap.dedent(f"""
        import os, orgsphere
        ws = orgsphere.open({str(store)!r}, key_file={str(key)!r})
        def progress(done, total):
            if done >= 256_000:   # after the first chunk is written: die without any clean-up
                os._exit(3)
        ws.ingest_edges({str(tmp_path / 'big.parquet')!r}, progress=progress)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 3, result.stderr
    with orgsphere.open(store, key_file=key) as ws:
        assert ws.store.counts() == before
        tables = ws.store.query("SELECT table_name FROM information_schema.tables")["table_name"].to_pylist()
        assert not [t for t in tables if t.startswith("_staging_")]  # the half-read rows are gone too
        assert ws.ingest_edges(tmp_path / "big.parquet").kept == rows  # and the same file goes in whole later


def test_orgchart_yaml_tree_and_csv_people_together(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    tree = write(tmp_path / "units.yaml", textwrap.dedent("""
        name: Acme
        units:
          - name: Sales
            kind: line
            units:
              - name: Sales North
          - name: Support
            kind: staff
            function: ict
            intended_role: supporting
            people: [s1, {person: s2, email: s2@acme.example, fte: 0.8}]
    """))
    people = write(tmp_path / "people.csv", "employee_id;afdeling;valid_from;valid_to\nn1;Sales North;2024-01-01;\n"
                   "n2;Sales North;01-02-2024;\nn3;Nowhere Team;2024-01-01;2023-01-01\n")  # fmt: skip
    report = ws.ingest_orgchart(tree, people)
    assert (report.rows, report.kept, report.rejected) == (5, 4, 1)
    units = {r["unit_id"]: r for r in ws.store.query("SELECT * FROM units").to_pylist()}
    assert units["Sales North"]["kind"] == "line" and units["Sales North"]["parent_id"] == "Sales"
    assert units["Support"]["function"] == "ict" and units["Support"]["intended_role"] == "supporting"
    assert ws.store.query("SELECT reason FROM rejects").to_pylist()[0]["reason"].startswith(
        "valid_to 2023-01-01 is before"
    )


def test_orgchart_problems(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the units form a loop"):
        ws.ingest_orgchart(write(tmp_path / "loop.csv", "person,unit,parent\na,A,B\nb,B,A\n"))
    with pytest.raises(InputError, match="no column for unit"):
        ws.ingest_orgchart(write(tmp_path / "nounit.csv", "person,group\na,A\n"))
    report = ws.ingest_orgchart(
        write(tmp_path / "o.csv", "person,unit,kind\na,A,line\nb,A,staff\nc,B,sideways\nd,A,\nd,B,\n")
    )
    reasons = sorted(r["reason"] for r in ws.store.query("SELECT reason FROM rejects").to_pylist())
    assert report.kept == 2
    assert reasons == [
        "kind must be one of line, staff (or lijn, staf)",
        "person is already in unit 'A' for an overlapping period (o.csv line 5); give valid_from / valid_to so the "
        "periods do not overlap",
        "unit 'A' has kind 'line' at o.csv line 2, here 'staff'",
    ]


def test_orgchart_from_xlsx(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Person", "Unit", "Kind", "FTE"])
    sheet.append([1001, "Claims", "line", 1])
    sheet.append([1002, "Claims", "line", 0.5])
    book.save(tmp_path / "hr.xlsx")
    report = ws.ingest_orgchart(tmp_path / "hr.xlsx")
    assert report.kept == 2
    assert ws.store.query("SELECT sum(fte) AS f FROM people").to_pylist()[0]["f"] == 1.5
    # the employee number 1001 (a number in Excel) matches "1001" in an edge list
    assert ws.ingest_edges(write(tmp_path / "e.csv", "src,dst\n1001,1002\n")).kept == 1


def test_parties_and_domain_rules(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains=["acme.example"],
                        supplier_domains=["vendor.example"]) as ws:  # fmt: skip
        setup_org(ws, tmp_path)
        parties = write(tmp_path / "parties.csv", "id,domain,kind\nPAT-1,,customer\n,bigclient.example,klant\n"
                        ",x.example,alien\n")  # fmt: skip
        report = ws.ingest_parties(parties)
        assert (report.kept, report.rejected) == (2, 1)
        edges = write(tmp_path / "e.csv", "src,dst\np0,PAT-1\nbuyer@bigclient.example,p0\np0,sales@vendor.example\n"
                      "p0,someone@elsewhere.example\nPAT-1,sales@vendor.example\n")  # fmt: skip
        report = ws.ingest_edges(edges)
        assert (report.kept, report.rejected) == (4, 1)
        kinds = ws.store.query(
            "SELECT p.kind, p.domain FROM interactions i JOIN parties p ON p.party_id IN (i.src, i.dst) ORDER BY 1"
        ).to_pylist()
        assert kinds == [
            {"kind": "customer", "domain": None},
            {"kind": "customer", "domain": "bigclient.example"},
            {"kind": "other", "domain": "elsewhere.example"},
            {"kind": "supplier", "domain": "vendor.example"},
        ]
        # undeclared outside addresses are reduced to their domain: no local part is stored
        assert "someone" not in str(ws.store.query("SELECT * FROM parties").to_pylist())
        # ... except at a free mail service, which is no organisation: there each address is a party
        ws.ingest_edges(
            write(tmp_path / "free.csv", "src,dst\np0,jan@gmail.com\np1,piet@gmail.com\np2,jan@gmail.com\n")
        )
        free = ws.store.query("SELECT party_id, domain FROM parties WHERE domain = 'gmail.com'").to_pylist()
        assert len(free) == 2 and all(not p["party_id"].startswith("@") for p in free)
        assert "jan" not in str(free)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10), st.integers(0, 3)), min_size=1, max_size=60))
def test_every_row_is_kept_or_rejected_exactly_once(tmp_path_factory: pytest.TempPathFactory,
                                                     rows: list[tuple[int, int, int]]) -> None:  # fmt: skip
    tmp = tmp_path_factory.mktemp("prop")
    with orgsphere.open(tmp / "s.duckdb", key_file=tmp / "k", max_reject_share=1.0) as ws:
        setup_org(ws, tmp)
        channels = ["email", "chat", "meeting", ""]
        text = "src,dst,channel\n" + "".join(f"p{a},p{b if b < 10 else 'x'},{channels[c]}\n" for a, b, c in rows)
        good = [(a, b, c) for a, b, c in rows if b < 10 and a != b]
        if not good:  # nothing kept is a failed ingest, whatever max_reject_share says
            with pytest.raises(IngestFailedError, match="nothing kept"):
                ws.ingest_edges(write(tmp / "e.csv", text))
            assert ws.store.counts()["interactions"] == 0
            return
        report = ws.ingest_edges(write(tmp / "e.csv", text))
        assert report.rows == len(rows) and report.kept == len(good) and report.rejected == len(rows) - len(good)
        got = ws.store.query("SELECT channel, count(*) AS n FROM interactions GROUP BY 1").to_pylist()
        expected: dict[str, int] = {}
        for _a, _b, c in good:
            name = channels[c] or "other"
            expected[name] = expected.get(name, 0) + 1
        assert {r["channel"]: r["n"] for r in got} == expected


def test_windows_1252_csv_with_semicolons(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("person;unit;function\nann;Inkoop & Café;\nbob;Inkoop & Café;\n".encode("cp1252"))
    report = ws.ingest_orgchart(path)
    assert report.kept == 2
    assert ws.store.query("SELECT unit_id FROM units").to_pylist() == [{"unit_id": "Inkoop & Café"}]


def test_a_parquet_file_is_read_in_bounded_memory(tmp_path: Path) -> None:
    # 60 row groups of random (incompressible) ids: reading them chunk by chunk must hold about a chunk, not
    # every column chunk read so far (what pre-buffering did: the whole file by the end)
    import numpy as np

    from orgsphere.ingest.tabular import open_tabular

    rng = np.random.default_rng(0)
    n = 60 * 50_000
    ids = pa.array(rng.integers(0, 2**62, n)).cast(pa.string())
    pq.write_table(pa.table({"src": ids, "dst": ids}), tmp_path / "e.parquet", row_group_size=50_000,
                   use_dictionary=False)  # fmt: skip
    size = (tmp_path / "e.parquet").stat().st_size
    base, most, rows = pa.total_allocated_bytes(), 0, 0
    for chunk in open_tabular(tmp_path / "e.parquet", "edge list").chunks():
        rows += chunk.table.num_rows
        most = max(most, pa.total_allocated_bytes() - base)
    assert rows == n
    assert most < size / 4, f"{most >> 20} MiB held while reading a {size >> 20} MiB file"
