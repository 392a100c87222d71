"""The calendar reader: .ics written by hand (not by the library we read with), with real-world mess."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orgsphere
from orgsphere.errors import InputError

from .conftest import write

ORG = "person,email,unit\n" + "".join(f"p{i},p{i}@acme.example,{'Sales' if i < 4 else 'ICT'}\n" for i in range(8))


def vevent(uid: str, start: str, end: str, organiser: str, attendees: list[str], extra: str = "") -> str:
    lines = [
        "BEGIN:VEVENT", f"UID:{uid}", f"DTSTART;TZID=Europe/Amsterdam:{start}", f"DTEND;TZID=Europe/Amsterdam:{end}",
        f"ORGANIZER;CN=Org:mailto:{organiser}", "SUMMARY:Secret project name", *attendees,
        *filter(None, extra.split("\n")),
        "END:VEVENT",
    ]  # fmt: skip
    return "\r\n".join(lines) + "\r\n"


def calendar(*events: str) -> str:
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hand written//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n"


def att(address: str, status: str = "ACCEPTED", cutype: str = "INDIVIDUAL") -> str:
    return f"ATTENDEE;CUTYPE={cutype};PARTSTAT={status};CN=Someone:mailto:{address}"


@pytest.fixture
def cws(tmp_path: Path) -> orgsphere.Workspace:
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example",
                        customer_domains="client.example", broadcast_size=4)  # fmt: skip
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    return ws


def test_meetings_pairs_recurrence_and_the_mess(cws: orgsphere.Workspace, tmp_path: Path) -> None:
    ics = calendar(
        # 1: organiser + 2 accepted + 1 declined + a room -> 3 people -> 3 pairs, 60 minutes, 09:00 CET = 08:00 UTC
        vevent("one@acme", "20250106T090000", "20250106T100000", "p0@acme.example",
               [att("p1@acme.example"), att("buyer@client.example"), att("p2@acme.example", "DECLINED"),
                att("room1@acme.example", cutype="ROOM")]),
        # 2: weekly, 4 times, one excluded -> 3 occurrences x 1 pair, 30 minutes
        vevent("weekly@acme", "20250107T140000", "20250107T143000", "p4@acme.example", [att("p5@acme.example")],
               "RRULE:FREQ=WEEKLY;COUNT=4\nEXDATE;TZID=Europe/Amsterdam:20250114T140000"),
        # 3: broadcast: organiser + 5 attendees > 4 -> 5 rows organiser -> attendee
        vevent("town@acme", "20250110T160000", "20250110T170000", "p0@acme.example",
               [att(f"p{i}@acme.example") for i in range(1, 6)] + [att("p6@acme.example")]),
        # 4: cancelled, 5: all-day
        vevent("gone@acme", "20250108T090000", "20250108T100000", "p0@acme.example", [att("p1@acme.example")],
               "STATUS:CANCELLED"),
        "BEGIN:VEVENT\r\nUID:holiday@acme\r\nDTSTART;VALUE=DATE:20250109\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\n",
    )  # fmt: skip
    report = cws.ingest_calendar(write(tmp_path / "cal.ics", ics))
    rows = cws.store.query(
        "SELECT strftime(ts, '%Y-%m-%d %H:%M') AS ts, channel, weight, dst_kind FROM interactions ORDER BY ts, channel"
    ).to_pylist()
    meeting1 = [r for r in rows if r["ts"] == "2025-01-06 08:00"]
    assert len(meeting1) == 3 and {r["weight"] for r in meeting1} == {60.0}
    assert sorted(r["dst_kind"] for r in meeting1) == ["party", "party", "person"]
    weekly = [r for r in rows if r["ts"].endswith("13:00")]
    assert [r["ts"][:10] for r in weekly] == ["2025-01-07", "2025-01-21", "2025-01-28"]
    assert {r["weight"] for r in weekly} == {30.0}
    town = [r for r in rows if r["channel"] == "meeting-broadcast"]
    assert len(town) == 6
    assert report.kept == len(rows) == 12
    notes = " ".join(report.notes)
    assert (
        "1 cancelled" in notes and "1 all-day" in notes and "1 rooms" in notes
        and "1 attendees who did not accept" in notes
    )
    assert "Secret project" not in str(cws.store.query("SELECT * FROM interactions").to_pylist())


def test_same_meeting_in_two_exports_counts_once(cws: orgsphere.Workspace, tmp_path: Path) -> None:
    event = vevent("shared@acme", "20250106T090000", "20250106T100000", "p0@acme.example", [att("p1@acme.example")])
    write(tmp_path / "exports" / "p0.ics", calendar(event))
    write(tmp_path / "exports" / "p1.ics", calendar(event.replace("SUMMARY:Secret project name", "SUMMARY:Other")))
    report = cws.ingest_calendar(tmp_path / "exports")
    assert report.kept == 1 and any("1 already counted" in n for n in report.notes)
    assert cws.ingest_calendar(tmp_path / "exports").skipped


def test_a_calendar_read_again_after_the_org_chart_grew_counts_the_new_pairs_once(tmp_path: Path) -> None:
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example",
                        max_reject_share=0.9)  # fmt: skip
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    event = vevent("m@acme", "20250106T090000", "20250106T100000", "p0@acme.example",
                   [att("p1@acme.example"), att("new@acme.example")])  # fmt: skip
    path = write(tmp_path / "p0.ics", calendar(event))
    assert (ws.ingest_calendar(path).kept, ws.store.raw.execute("SELECT count(*) FROM rejects").fetchone()) == (1, (2,))
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG + "p8,new@acme.example,ICT\n"))
    with orgsphere.replacing():  # the meeting's pairs now replace those the store holds of it
        report = ws.ingest_calendar(path)
    assert (report.kept, report.rejected, report.recognised) == (3, 0, 0)
    assert ws.store.raw.execute("SELECT count(*), sum(weight) FROM interactions").fetchone() == (3, 180.0)
    assert ws.store.raw.execute("SELECT count(*) FROM rejects").fetchone() == (0,)


def test_not_a_calendar(cws: orgsphere.Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an iCalendar file"):
        cws.ingest_calendar(write(tmp_path / "x.ics", "hello"))
    with pytest.raises(InputError, match="empty"):
        cws.ingest_calendar(write(tmp_path / "e.ics", ""))
    with pytest.raises(InputError, match="no .ics files"):
        (tmp_path / "none").mkdir()
        cws.ingest_calendar(tmp_path / "none")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_inside_a_calendar_never_crash(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    tmp = tmp_path_factory.mktemp("ics")
    with orgsphere.open(tmp / "s.duckdb", key_file=tmp / "k") as ws:
        ws.ingest_orgchart(write(tmp / "org.csv", ORG))
        path = tmp / "c.ics"
        path.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + data + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
        try:
            report = ws.ingest_calendar(path)
        except InputError:
            return
        assert report.rows == report.kept + report.rejected


def three(uid: str, start: str = "20250106T090000", extra: str = "") -> str:
    """An event of p0 with p1 and p2: three pairs."""
    return vevent(uid, start, start[:9] + "100000", "p0@acme.example", [att("p1@acme.example"), att("p2@acme.example")],
                  extra)  # fmt: skip


@pytest.mark.parametrize(("rule", "reason"), [
    ("FREQ=SECONDLY", "RRULE repeats every second (FREQ=SECONDLY)"),
    ("FREQ=MINUTELY;INTERVAL=30", "RRULE repeats by the minute (FREQ=MINUTELY)"),
    ("FREQ=HOURLY;BYSECOND=0,30", "RRULE repeats several times a minute"),
    ("FREQ=DAILY;INTERVAL=0", "RRULE INTERVAL must be a whole number of at least 1"),
])  # fmt: skip
def test_rules_that_repeat_too_often_are_rejected_unexpanded(cws: orgsphere.Workspace, tmp_path: Path, rule: str,
                                                            reason: str) -> None:  # fmt: skip
    ics = calendar(three("ok@acme"), three("flood@acme", extra=f"RRULE:{rule}"))
    report = cws.ingest_calendar(write(tmp_path / "cal.ics", ics))
    assert (report.kept, report.rejected, report.rows) == (3, 1, 4)
    assert [r["reason"] for r in cws.rejects()][0].startswith(reason)


def test_a_meeting_with_more_than_max_occurrences_is_rejected_naming_the_setting(tmp_path: Path) -> None:
    ics = calendar(three("ok@acme"), three("daily@acme", "20250107T090000", "RRULE:FREQ=DAILY"))  # no end
    kept = {}
    for cap in (358, 359):  # the daily meeting has 359 occurrences in 2025, from 7 January on
        folder = tmp_path / str(cap)
        with orgsphere.open(folder / "s.duckdb", key_file=folder / "k", max_occurrences=cap) as ws:
            ws.ingest_orgchart(write(folder / "org.csv", ORG))
            report = ws.ingest_calendar(write(folder / "cal.ics", ics), start=date(2025, 1, 1), end=date(2026, 1, 1))
            kept[cap] = report.kept, list(report.reasons)
    assert kept[359] == (3 + 3 * 359, [])
    assert kept[358] == (3, ["recurring meeting with more than max_occurrences (358) occurrences from 2025-01-01 to "
                             "2026-01-01; read a shorter period (--from, --to) or raise max_occurrences"])  # fmt: skip


def test_a_meeting_with_more_attendees_than_max_recipients_is_rejected_alone(tmp_path: Path) -> None:
    crowd = [att(f"p{i}@acme.example") for i in range(1, 8)]  # the organiser p0 and seven attendees
    ics = calendar(
        three("ok@acme"), vevent("hall@acme", "20250107T090000", "20250107T100000", "p0@acme.example", crowd)
    )
    seen = {}
    for cap in (6, 7):
        folder = tmp_path / str(cap)
        with orgsphere.open(folder / "s.duckdb", key_file=folder / "k", max_recipients=cap, broadcast_size=4) as ws:
            ws.ingest_orgchart(write(folder / "org.csv", ORG))
            report = ws.ingest_calendar(write(folder / "cal.ics", ics))
            seen[cap] = report.kept, report.rejected, [r["reason"] for r in ws.rejects()]
    assert seen[7] == (3 + 7, 0, [])  # seven attendees: a broadcast, one row to each
    assert seen[6][:2] == (3, 1)
    assert seen[6][2][0].startswith("more attendees than max_recipients (6): an event for a crowd")
    assert "max_recipients" in seen[6][2][0].split(";")[-1]


def test_an_unreadable_event_is_rejected_alone(cws: orgsphere.Workspace, tmp_path: Path) -> None:
    broken = "BEGIN:VEVENT\r\nUID:broken@acme\r\nDTSTART:INVALID-DATE\r\nEND:VEVENT\r\n"
    twice = three("twice@acme", extra="DTSTART:20250106T120000Z")
    # the library cannot make a series of BYSETPOS=0: that event alone is rejected, the others are read
    ics = calendar(three("ok@acme"), broken, twice, three("ok2@acme", "20250108T090000"),
                   three("ok3@acme", "20250109T090000"),
                   three("setpos@acme", "20250110T090000", "RRULE:FREQ=DAILY;COUNT=3;BYSETPOS=0"))  # fmt: skip
    report = cws.ingest_calendar(write(tmp_path / "cal.ics", ics))
    assert report.kept == 9 and report.rejected == 3
    reasons = {r["locator"]: r["reason"] for r in cws.rejects()}
    assert reasons["cal.ics event 2"].startswith("DTSTART cannot be read")
    assert reasons["cal.ics event 3"] == "DTSTART given 2 times; an event has one"
    assert any(r.startswith("cannot expand this recurring event (BadRuleStringFormat") for r in reasons.values())


MEMORY = """
import resource, sys
from datetime import date
from pathlib import Path
import orgsphere
from orgsphere.errors import IngestFailedError
tmp = Path(sys.argv[1])
with orgsphere.open(tmp / "s.duckdb", key_file=tmp / "k") as ws:
    ws.ingest_orgchart(tmp / "org.csv")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        ws.ingest_calendar(tmp / "cal.ics", start=date(2025, 1, 1), end=date(2026, 1, 1))
    except IngestFailedError as failed:
        print(list(failed.report.reasons))
    print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


@pytest.mark.parametrize("rule", [
    "FREQ=SECONDLY",  # 31.5 million a year: refused before it is expanded
    "FREQ=HOURLY;BYMINUTE=" + ",".join(map(str, range(60))),  # 525,600 a year: expanded one at a time up to the cap
])  # fmt: skip
def test_memory_stays_flat_on_an_unbounded_rule(tmp_path: Path, rule: str) -> None:
    import os
    import subprocess
    import sys

    write(tmp_path / "org.csv", ORG)
    write(tmp_path / "cal.ics", calendar(three("flood@acme", "20250101T090000", f"RRULE:{rule}")))
    env = {**os.environ, "PYTHONPATH": str(Path(orgsphere.__file__).parents[1])}  # this orgsphere, not another
    run = subprocess.run([sys.executable, "-c", MEMORY, str(tmp_path)], capture_output=True, text=True, timeout=300,
                         env=env)  # fmt: skip
    assert run.returncode == 0, run.stderr
    reasons, growth = run.stdout.strip().splitlines()
    assert "RRULE repeats" in reasons or "max_occurrences (5,000)" in reasons
    assert float(growth) < 25, f"peak RSS grew {growth} MB while reading one rule"
