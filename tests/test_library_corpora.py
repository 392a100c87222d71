"""Every reader over the test files that ship with the library it parses with: icalendar's calendars, CPython's
email test messages, pyarrow's Parquet files (openpyxl's wheel ships no workbooks). Each file is ingested or
rejected with a reason (an InputError, or an IngestFailedError when it kept too little); any other exception
is a defect of the reader. A corpus that is not installed is skipped with the reason, under CI too: it is a
library's own test data, not ours."""

from __future__ import annotations

import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import orgsphere
from orgsphere.errors import IngestFailedError, InputError

from .conftest import write


def _package_files(package: str, pattern: str) -> list[Path]:
    try:
        module = __import__(package)
    except ImportError:
        return []
    return sorted(Path(module.__file__).parent.rglob(pattern))  # type: ignore[arg-type]


ICS = _package_files("icalendar", "tests/**/*.ics")
EMAIL = Path(sysconfig.get_path("stdlib")) / "test" / "test_email" / "data"
MESSAGES = sorted(EMAIL.glob("msg_*.txt"))
PARQUET = _package_files("pyarrow", "tests/data/**/*.parquet")
XLSX = _package_files("openpyxl", "*.xls[xm]")

CAL_PEOPLE = ("jdoe", "jsmith", "john_doe", "janedoe", "someone", "jqpublic")  # @example.com in icalendar's
MAIL_PEOPLE = ("barry@python.org", "aperson@dom.ain", "bperson@dom.ain", "bbb@zzz.org", "ppp@zzz.org")  # CPython's


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _corpus(files: list[Path], what: str) -> list[Any]:
    if files:
        return [pytest.param(f, id=_name(f)) for f in files]
    return [pytest.param(None, marks=pytest.mark.skip(reason=f"{what} is not installed here"))]


def _store(tmp: Path, people: list[tuple[str, str]]) -> orgsphere.Workspace:
    ws = orgsphere.open(tmp / "s.duckdb", key_file=tmp / "k")
    org = "person,email,unit\n" + "".join(f"{address.split('@')[0]},{address},{unit}\n" for address, unit in people)
    ws.ingest_orgchart(write(tmp / "org.csv", org))
    return ws


def ingest_or_reject(ws: orgsphere.Workspace, call: Any) -> str:
    """``call()`` ingests a file: 'ingested', or the reason it was rejected; anything else raises (a defect). A
    rejected file leaves nothing behind but its rejects."""
    before = ws.store.counts()
    try:
        report = call()
    except IngestFailedError as failed:
        after = ws.store.counts()
        assert {**after, "rejects": 0} == {**before, "rejects": 0}
        report = failed.report  # type: ignore[attr-defined]
        assert report.rows == report.kept + report.rejected + report.recognised
        return str(failed)
    except InputError as refused:
        assert ws.store.counts() == before
        return str(refused)
    assert report.skipped or report.rows == report.kept + report.rejected + report.recognised
    return "ingested"


@pytest.fixture(scope="module")
def calendar_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[orgsphere.Workspace]:
    tmp = tmp_path_factory.mktemp("icalendar")
    with _store(tmp, [(f"{p}@example.com", "Sales" if i % 2 else "ICT") for i, p in enumerate(CAL_PEOPLE)]) as ws:
        yield ws


@pytest.mark.parametrize("path", _corpus(ICS, "icalendar's test suite"))
def test_icalendar_test_calendars(calendar_store: orgsphere.Workspace, path: Path) -> None:
    ingest_or_reject(calendar_store, lambda: calendar_store.ingest_calendar(path))


@pytest.mark.parametrize(("name", "reason"), [
    ("broken_dtstart.ics", "DTSTART cannot be read (Expected datetime, date, or time. Got: 'INVALID-DATE')"),
    ("america_new_york_forward_reference.ics", "DTSTART given 2 times; an event has one"),
    ("issue_1081_invalid_rrule_freq.ics", "RRULE cannot be read (Expected frequency, got: INVALID_TYPE_CAUSES_ERROR)"),
    ("multiple_timezones.ics", "RDATE holds a time without a date"),
    ("rfc_7529.ics", "RRULE uses RSCALE or SKIP"),
    ("broken_ical.ics", "event has no DTSTART"),
])  # fmt: skip
def test_icalendar_broken_events_are_rejected_with_their_reason(tmp_path: Path, name: str, reason: str) -> None:
    path = next((f for f in ICS if f.name == name), None)
    if path is None:
        pytest.skip(f"icalendar's test calendar {name} is not installed here")
    with _store(tmp_path, [("jdoe@example.com", "ICT"), ("jsmith@example.com", "Sales")]) as ws:
        with pytest.raises(IngestFailedError) as failed:
            ws.ingest_calendar(path)
        reasons = failed.value.report.reasons  # type: ignore[attr-defined]
        assert any(r.startswith(reason) for r in reasons), reasons
        assert all(r["locator"].startswith(f"{name} event ") for r in ws.rejects())


def test_icalendar_forward_timezone_reference_is_resolved(tmp_path: Path) -> None:
    """A VTIMEZONE after the event that uses it: the event is placed in that zone (10:00 Berlin = 09:00 UTC)."""
    path = next((f for f in ICS if f.name == "issue_1050_forward_timezone_reference.ics"), None)
    if path is None:
        pytest.skip("icalendar's test calendar issue_1050_forward_timezone_reference.ics is not installed here")
    ics = path.read_text().replace("SUMMARY:", "ORGANIZER:mailto:jdoe@example.com\nATTENDEE:mailto:jsmith@example.com\n"
                                               "DTEND;TZID=Europe/Berlin:20250115T110000\nSUMMARY:")  # fmt: skip
    with _store(tmp_path, [("jdoe@example.com", "ICT"), ("jsmith@example.com", "Sales")]) as ws:
        assert ws.ingest_calendar(write(tmp_path / "forward.ics", ics)).kept == 1
        row = ws.store.query("SELECT strftime(ts, '%Y-%m-%d %H:%M') AS ts, weight FROM interactions").to_pylist()
        assert row == [{"ts": "2025-01-15 09:00", "weight": 60.0}]


@pytest.fixture(scope="module")
def mail_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[orgsphere.Workspace]:
    tmp = tmp_path_factory.mktemp("email")
    with _store(tmp, [(a, "Sales" if i % 2 else "ICT") for i, a in enumerate(MAIL_PEOPLE)]) as ws:
        yield ws


@pytest.mark.parametrize("path", _corpus(MESSAGES, f"CPython's email test messages ({EMAIL})"))
def test_cpython_email_test_messages(mail_store: orgsphere.Workspace, path: Path) -> None:
    ingest_or_reject(mail_store, lambda: mail_store.ingest_mail(path))


TABULAR = {  # reader -> the fields it needs, mapped onto the first columns of a file not made for it
    "edges": ("src", "dst"),
    "tickets": ("requester", "group"),
    "crm": ("employee", "account"),
    "parties": ("id",),
    "orgchart": ("person", "unit"),
    "viva": (),
}


@pytest.mark.parametrize("reader", sorted(TABULAR))
@pytest.mark.parametrize("path", _corpus(PARQUET, "pyarrow's test Parquet files"))
def test_pyarrow_test_parquet_files(tmp_path: Path, path: Path, reader: str) -> None:
    columns = pq.read_schema(path).names
    mapping = dict(zip(TABULAR[reader], columns, strict=False))
    with _store(tmp_path, [("ann@acme.example", "ICT"), ("bob@acme.example", "Sales")]) as ws:
        if reader == "parties":
            call = lambda: ws.ingest_parties(path, kind="customer", columns=mapping)  # noqa: E731
        elif reader == "orgchart":
            call = lambda: ws.ingest_orgchart(path, columns=mapping)  # noqa: E731
        else:
            call = lambda: getattr(ws, f"ingest_{reader}")(path, columns=mapping or None)  # noqa: E731
        ingest_or_reject(ws, call)


@pytest.mark.parametrize("path", _corpus(XLSX, "openpyxl's test workbooks (its wheel ships none)"))
def test_openpyxl_test_workbooks(tmp_path: Path, path: Path) -> None:
    with _store(tmp_path, [("ann@acme.example", "ICT"), ("bob@acme.example", "Sales")]) as ws:
        ingest_or_reject(ws, lambda: ws.ingest_edges(path))
