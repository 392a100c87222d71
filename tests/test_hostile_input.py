"""Hostile input ends in a reject or one clear error naming the limit and its setting, with memory bounded:
zip bombs and forged zip headers, lines of many megabytes, messages to thousands of recipients. Sizes here are
small with the limits set low; benchmarks/bench_hostile.py measures the full-size inputs."""

import io
import json
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

import orgsphere
from orgsphere.errors import ConfigError, InputError
from orgsphere.ingest.cappedlines import CappedLines
from orgsphere.ingest.limits import ReadLimits
from orgsphere.ingest.mailheaders import iter_mbox, read_header_block
from orgsphere.ingest.tabular import open_tabular
from orgsphere.settings import load_settings

from .conftest import run_cli, write

ORG = "person,email,unit\nann,ann@acme.example,Sales\nbob,bob@acme.example,Sales\ncid,cid@acme.example,ICT\n"
USERS = [{"id": f"U{i}", "profile": {"email": f"{p}@acme.example"}} for i, p in enumerate(("ann", "bob", "cid"))]
DAY = [{"type": "message", "user": "U0", "ts": "1736150400.000100"},
       {"type": "message", "user": "U1", "ts": "1736150460.000200"}]  # fmt: skip


def open_ws(tmp_path: Path, **settings: object) -> orgsphere.Workspace:
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example", **settings)
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    return ws


def slack_zip(path: Path, extra: dict[str, bytes], users: bytes | None = None) -> Path:
    """A Slack export with one good day in #general, and ``extra`` files (name -> bytes) beside it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("users.json", users if users is not None else json.dumps(USERS))
        zf.writestr("channels.json", json.dumps([{"id": "C1", "name": "general", "members": ["U0", "U1"]}]))
        zf.writestr("general/2025-01-06.json", json.dumps(DAY))
        for name, data in extra.items():
            zf.writestr(name, data)
    return path


def forge_declared_size(path: Path, name: str, size: int) -> None:
    """Make the zip's headers (central and local) declare ``size`` bytes for ``name``, whatever it holds."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    central = data.find(b"PK\x01\x02")
    while central >= 0:  # the central directory entry of name
        length = struct.unpack("<H", data[central + 28:central + 30])[0]
        if data[central + 46:central + 46 + length] == encoded:
            break
        central = data.find(b"PK\x01\x02", central + 4)
    local = struct.unpack("<I", data[central + 42:central + 46])[0]
    data[central + 24:central + 28] = struct.pack("<I", size)
    data[local + 22:local + 26] = struct.pack("<I", size)
    path.write_bytes(bytes(data))


# --- zip ------------------------------------------------------------------------------------------------


def test_a_zip_bomb_day_file_is_rejected_unpacked_and_the_rest_read(tmp_path: Path) -> None:
    bomb = slack_zip(tmp_path / "export.zip", {"general/2025-01-07.json": bytes(8 << 20)})  # 8 MiB of NUL
    with open_ws(tmp_path) as ws:
        report = ws.ingest_slack(bomb)
        assert report.kept == 2 and report.rejected == 1
        (reject,) = ws.rejects()
        assert reject["locator"] == "general/2025-01-07.json"
        assert "zip_max_ratio (100): a zip bomb" in reject["reason"]
        assert "--setting zip_max_ratio=VALUE or ORGSPHERE_ZIP_MAX_RATIO" in reject["reason"]


def test_a_day_file_over_the_member_limit_is_rejected_and_raising_it_reads_it(tmp_path: Path) -> None:
    day = json.dumps(DAY * 20).encode()  # about 2 KB
    export = slack_zip(tmp_path / "export.zip", {"general/2025-01-07.json": day})
    with open_ws(tmp_path, zip_max_member_bytes="1KiB") as ws:
        report = ws.ingest_slack(export)
        assert report.rejected == 1 and "more than zip_max_member_bytes (1 KiB)" in ws.rejects()[0]["reason"]
    with open_ws(tmp_path / "again", zip_max_member_bytes="1MiB") as ws:
        assert ws.ingest_slack(export).rejected == 0


def test_a_forged_header_is_not_believed(tmp_path: Path) -> None:
    """The header declares 1,000 bytes; the file holds 4 MiB: unpacking stops at the declared size, and the
    file is rejected as damaged instead of read past it."""
    export = slack_zip(tmp_path / "export.zip", {"general/2025-01-07.json": b" " * (4 << 20)})
    forge_declared_size(export, "general/2025-01-07.json", 1000)
    with open_ws(tmp_path) as ws:
        report = ws.ingest_slack(export)
        assert report.kept == 2 and report.rejected == 1
        assert "cannot be unpacked" in ws.rejects()[0]["reason"]


def test_a_users_file_over_a_limit_is_one_clear_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = slack_zip(tmp_path / "export.zip", {}, users=json.dumps(USERS).encode() + bytes(4 << 20))
    open_ws(tmp_path).close()
    code, out, err = run_cli(["--store", str(tmp_path / "s.duckdb"), "--key-file", str(tmp_path / "k"),
                              "ingest", "slack", str(export)], capsys)  # fmt: skip
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and "Traceback" not in err
    assert str(export) in lines[0] and "users.json" in lines[0] and "zip_max_ratio (100)" in lines[0]
    assert "--setting zip_max_ratio=" in lines[0]


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("zip_max_total_bytes", "100", "unpack to .* bytes, more than zip_max_total_bytes \\(100 bytes\\)"),
    ("zip_max_members", "2", "holds 3 files, more than zip_max_members \\(2\\)"),
])  # fmt: skip
def test_a_zip_over_its_total_or_file_count_is_refused_before_reading(tmp_path: Path, setting: str, value: str,
                                                                      message: str) -> None:  # fmt: skip
    export = slack_zip(tmp_path / "export.zip", {})
    with open_ws(tmp_path, **{setting: value}) as ws, pytest.raises(InputError, match=message) as info:
        ws.ingest_slack(export)
    assert str(export) in str(info.value) and f"--setting {setting}=" in str(info.value)


def test_a_slack_folder_file_over_the_member_limit_is_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write(folder / "users.json", json.dumps(USERS))
    write(folder / "channels.json", json.dumps([{"id": "C1", "name": "general", "members": ["U0", "U1"]}]))
    write(folder / "general" / "2025-01-06.json", json.dumps(DAY))
    write(folder / "general" / "2025-01-07.json", json.dumps(DAY * 50))
    with open_ws(tmp_path, zip_max_member_bytes="1KiB") as ws:
        report = ws.ingest_slack(folder)
        assert report.kept == 2 and "larger than zip_max_member_bytes (1 KiB)" in ws.rejects()[0]["reason"]


def test_an_xlsx_over_a_zip_limit_is_refused_naming_the_file_inside(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["src", "dst"])
    for _ in range(2000):
        sheet.append(["ann@acme.example", "bob@acme.example"])
    book.save(tmp_path / "log.xlsx")
    with open_ws(tmp_path, zip_max_member_bytes="10KiB") as ws, pytest.raises(InputError) as info:
        ws.ingest_edges(tmp_path / "log.xlsx")
    assert "xl/worksheets/sheet1.xml" in str(info.value) and "zip_max_member_bytes (10 KiB)" in str(info.value)
    with open_ws(tmp_path / "again") as ws:
        assert ws.ingest_edges(tmp_path / "log.xlsx").kept == 2000


# --- long lines -----------------------------------------------------------------------------------------


class Endless(io.RawIOBase):
    """A stream of ``size`` bytes of one byte value, made as it is read (never in memory whole)."""

    def __init__(self, head: bytes, size: int, tail: bytes):
        self.parts, self.left = [head], size
        self.tail = tail

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        if self.parts:
            return self.parts.pop()
        if self.left > 0:
            k = min(n, self.left)
            self.left -= k
            return b"x" * k
        tail, self.tail = self.tail, b""
        return tail


def test_a_long_line_streams_past_without_being_held(tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        capped = CappedLines(Endless(b"a,b\n", 64 << 20, b"\nc,d\n"), 1 << 20)  # a line of 64 MiB
        out = b"".join(iter(lambda: capped.take(1 << 20), b""))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out == b"a,b\n\nc,d\n" and capped.too_long == {2: 64 << 20}
    assert peak < 8 << 20


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("block", [None, 64])
def test_a_csv_line_over_max_line_bytes_is_rejected_alone(tmp_path: Path, multiline: bool, block: int | None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """In Arrow's blocks and in the csv module's records (a quoted field over two lines sends a file there);
    with small blocks the long line is met only after the reading went over to the csv module."""
    if block is not None:
        monkeypatch.setattr("orgsphere.ingest.tabular.BLOCK_BYTES", block)
    note = '"two\nlines"' if multiline else "one line"
    rows = ["src,dst,note\n", "ann@acme.example,bob@acme.example,\n", f"ann@acme.example,bob@acme.example,{note}\n",
            "ann@acme.example,bob," + "x" * 5000 + "\n", "bob@acme.example,cid@acme.example,\n"]  # fmt: skip
    with open_ws(tmp_path, max_line_bytes="1KiB") as ws:
        report = ws.ingest_edges(write(tmp_path / "log.csv", "".join(rows)))
        assert report.rejected == 1 and report.kept == 3
        reject = ws.rejects()[0]
        assert reject["locator"] == f"line {4 + multiline}" and "longer than max_line_bytes (1 KiB)" in reject["reason"]
        assert "--setting max_line_bytes=VALUE or ORGSPHERE_MAX_LINE_BYTES" in reject["reason"]


def test_a_quoted_field_that_runs_into_a_long_line_rejects_its_record(tmp_path: Path) -> None:
    rows = 'src,dst\nann@acme.example,"bob\n' + "x" * 3000 + '\nend"\nbob@acme.example,cid@acme.example\n'
    with open_ws(tmp_path, max_line_bytes="1KiB", max_reject_share=0.9) as ws:
        report = ws.ingest_edges(write(tmp_path / "log.csv", rows))
        reasons = {r["locator"]: r["reason"] for r in ws.rejects()}
        assert report.kept == 1 and len(reasons) == 3
        assert "runs into line 3, which is longer than max_line_bytes" in reasons["line 2"]
        assert "longer than max_line_bytes" in reasons["line 3"]
        assert "expected 2 fields, found 1" in reasons["line 4"]  # (the rest of the broken quote: its own line)


def test_a_header_over_max_line_bytes_is_an_error_and_a_long_header_within_it_is_read(tmp_path: Path) -> None:
    long_name = "c" * (1 << 20) + "d"  # over a megabyte: more than Arrow's default block
    path = write(tmp_path / "t.csv", f"{long_name},dst\n1,2\n")
    with pytest.raises(InputError, match="line 1, the header of the test, is longer than max_line_bytes"):
        open_tabular(path, "test")
    table = open_tabular(path, "test", ReadLimits.of(
        load_settings(env={"ORGSPHERE_MAX_LINE_BYTES": "2MiB"})))  # fmt: skip
    assert table.columns == [long_name, "dst"]
    assert [c.table.to_pylist() for c in table.chunks()] == [[{long_name: "1", "dst": "2"}]]


# --- mail -----------------------------------------------------------------------------------------------


def message(n: int, recipients: list[str], body: str = "body") -> str:
    folded = ",\n ".join(recipients)
    return (f"From ann@acme.example Mon Jan  6 10:00:00 2025\nFrom: ann@acme.example\nTo: {folded}\n"
            f"Date: Mon, 06 Jan 2025 10:0{n}:00 +0000\nMessage-ID: <m{n}@acme.example>\n\n{body}\n\n")  # fmt: skip


def test_a_message_over_max_recipients_is_rejected_alone(tmp_path: Path) -> None:
    crowd = [f"r{i}@outside.example" for i in range(2001)]
    mbox = write(tmp_path / "a.mbox", message(1, ["bob@acme.example"]) + message(2, crowd)
                 + message(3, ["cid@acme.example"]))  # fmt: skip
    with open_ws(tmp_path) as ws:
        report = ws.ingest_mail(mbox)
        assert report.kept == 2 and report.rejected == 1
        (reject,) = ws.rejects()
        assert reject["locator"] == "a.mbox message at line 9"
        assert "more recipients than max_recipients (2,000)" in reject["reason"]
        assert "--setting max_recipients=" in reject["reason"] and "(2,001 recipients)" in reject["reason"]


def test_a_header_block_over_max_header_bytes_is_read_no_further(tmp_path: Path) -> None:
    crowd = [f"r{i}@outside.example" for i in range(20_000)]  # about 500 KB of header
    data = message(1, ["bob@acme.example"]) + message(2, crowd) + message(3, ["cid@acme.example"])
    (path := tmp_path / "a.mbox").write_text(data)
    blocks = list(iter_mbox(path.open("rb"), ReadLimits.of(
        load_settings(env={"ORGSPHERE_MAX_HEADER_BYTES": "64KiB"}))))  # fmt: skip
    assert [len(lines) > 0 for _, lines, _ in blocks] == [True, False, True]
    assert "larger than max_header_bytes (64 KiB)" in str(blocks[1][2])
    with open_ws(tmp_path, max_header_bytes="64KiB") as ws:
        report = ws.ingest_mail(path)
        assert report.kept == 2 and "--setting max_header_bytes=" in ws.rejects()[0]["reason"]


def test_long_mail_lines_a_header_one_rejects_a_body_one_is_passed_over(tmp_path: Path) -> None:
    long_header = message(1, ["bob@acme.example"]).replace("From: ann", "X-Junk: " + "j" * 3000 + "\nFrom: ann")
    long_body = message(2, ["cid@acme.example"], body="b" * 3000 + "\nFrom not a separator")
    mbox = write(tmp_path / "a.mbox", long_header + long_body + message(3, ["bob@acme.example"]))
    with open_ws(tmp_path, max_line_bytes="1KiB") as ws:
        report = ws.ingest_mail(mbox)
        assert report.kept == 2 and report.rejected == 1
        assert "a header line longer than max_line_bytes (1 KiB)" in ws.rejects()[0]["reason"]
    eml = io.BytesIO(b"From: ann@acme.example\nSubject: " + b"s" * 3000 + b"\nTo: bob@acme.example\n\nbody\n")
    lines, refused = read_header_block(eml, ReadLimits.of(
        load_settings(env={"ORGSPHERE_MAX_LINE_BYTES": "1KiB"})))  # fmt: skip
    assert lines == [] and "max_line_bytes" in str(refused)


# --- settings -------------------------------------------------------------------------------------------


def test_sizes_are_written_with_units_and_shown_with_them() -> None:
    s = load_settings(env={"ORGSPHERE_ZIP_MAX_MEMBER_BYTES": "64 MiB", "ORGSPHERE_MAX_LINE_BYTES": "2000000"})
    assert s.zip_max_member_bytes == 64 << 20 and str(s.zip_max_member_bytes) == "64 MiB"
    assert s.max_line_bytes == 2_000_000 and str(s.max_line_bytes) == "2,000,000 bytes"
    assert str(load_settings(env={}).zip_max_total_bytes) == "4 GiB"
    with pytest.raises(ConfigError, match="ORGSPHERE_MAX_LINE_BYTES.*expected a size in bytes"):
        load_settings(env={"ORGSPHERE_MAX_LINE_BYTES": "1.5 lightyears"})
