"""The internal customer's machinery in the traffic: subjects, meeting titles and ticket categories read only
where the user allows it, only their kind kept, counted per staff unit."""

from __future__ import annotations

import textwrap
from pathlib import Path

import orgsphere
from orgsphere.ingest.mailheaders import parse_headers
from orgsphere.privacy import Pseudonymiser
from orgsphere.text.subjects import TopicReader

from .conftest import write

ORG = ("person,email,unit,parent,kind\nann,ann@acme.example,Sales,Co,line\nbob,bob@acme.example,Sales,Co,line\n"
       "cid,cid@acme.example,ICT,Co,staff\ndee,dee@acme.example,ICT,Co,staff\n")  # fmt: skip
MBOX = textwrap.dedent("""\
    From cid@acme.example Mon Mar  3 00:00:00 2025
    From: cid@acme.example
    To: ann@acme.example, bob@acme.example
    Date: Mon, 03 Mar 2025 10:00:00 +0100
    Message-ID: <s1@acme.example>
    Subject: =?utf-8?q?Klanttevredenheidsonderzoek_ICT_=E2=80=93_uw_mening?=

    body

    From dee@acme.example Tue Mar  4 00:00:00 2025
    From: dee@acme.example
    To: ann@acme.example
    Date: Tue, 04 Mar 2025 10:00:00 +0100
    Message-ID: <s2@acme.example>
    Subject: SLA-rapportage februari

    body

    From ann@acme.example Wed Mar  5 00:00:00 2025
    From: ann@acme.example
    To: cid@acme.example
    Date: Wed, 05 Mar 2025 10:00:00 +0100
    Message-ID: <s3@acme.example>
    Subject: Re: lunch vrijdag?

    body
    """)


def test_topics_of_subjects() -> None:
    reader = TopicReader()
    assert reader.topic("Klanttevredenheidsonderzoek ICT Q3") == "satisfaction_survey"
    assert reader.topic("RE: SLA-rapportage maart") == "sla"
    assert reader.topic("Pakket van eisen nieuwe werkplek") == "requirements_package"
    assert reader.topic("Customer satisfaction survey IT") == "satisfaction_survey"
    assert reader.topic("Slapen op kantoor?") is None and reader.topic(None) is None
    lines = [line.encode() for line in MBOX.splitlines()[1:6]]
    headers = parse_headers(lines, Pseudonymiser(b"k" * 32).digest, subjects=True)
    assert headers.subject == "Klanttevredenheidsonderzoek ICT – uw mening"
    assert parse_headers(lines, Pseudonymiser(b"k" * 32).digest).subject is None  # without read_subjects: unread


def _ingest(tmp_path: Path, read: bool) -> orgsphere.Workspace:
    ws = orgsphere.open(tmp_path / f"s{read}.duckdb", key_file=tmp_path / "k", internal_domains="acme.example",
                        read_subjects=read, min_group_size=1)  # fmt: skip
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    ws.ingest_mail(write(tmp_path / "box.mbox", MBOX))
    write(tmp_path / "t.csv", "number,caller,assignment_group,opened_at,category\n"
                              "INC1,ann@acme.example,ICT,2025-03-06T09:00:00,Pakket van eisen\n"
                              "INC2,bob@acme.example,ICT,2025-03-07T09:00:00,Incident\n")  # fmt: skip
    ws.ingest_tickets(tmp_path / "t.csv")
    write(tmp_path / "e.csv", "src,dst,ts,subject\ncid@acme.example,bob@acme.example,2025-03-08T09:00:00,"
                              "Uitnodiging KTO\n")  # fmt: skip
    ws.ingest_edges(tmp_path / "e.csv")
    return ws


def test_only_the_kind_is_kept_and_only_when_allowed(tmp_path: Path) -> None:
    with _ingest(tmp_path, read=False) as ws:
        assert ws.store.raw.execute("SELECT count(*) FROM interactions WHERE topic IS NOT NULL").fetchone() == (0,)
    with _ingest(tmp_path, read=True) as ws:
        topics = dict(ws.store.raw.execute(
            "SELECT topic, count(*) FROM interactions WHERE topic IS NOT NULL GROUP BY 1").fetchall())
        # the survey went to two people, the SLA report to one; one ticket and one edge-list row
        assert topics == {"satisfaction_survey": 3, "sla": 1, "requirements_package": 1}
        for table, column in ws.store.raw.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'"
        ).fetchall():
            found = ws.store.raw.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}" ILIKE ? OR "{column}" ILIKE ? OR "{column}" ILIKE ?',
                ["%rapportage%", "%uw mening%", "%lunch%"]).fetchone()
            assert found == (0,), (table, column)  # no subject text anywhere in the store
        results = ws.analyse()
    rows = {(r["unit"], r["topic"]): r for r in results["machinery"].filter(period="all").to_pylist()}
    assert set(rows) == {("ICT", "satisfaction_survey"), ("ICT", "sla"), ("ICT", "requirements_package")}
    survey = rows[("ICT", "satisfaction_survey")]
    assert (survey["sent"], survey["received"], survey["counterparts"]) == (3, 0, 1)
    assert rows[("ICT", "requirements_package")]["received"] == 1


def test_meeting_titles_give_their_topic(tmp_path: Path) -> None:
    ics = textwrap.dedent("""\
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//test//EN
        BEGIN:VEVENT
        UID:sla-review-1
        DTSTART:20250310T090000Z
        DTEND:20250310T100000Z
        SUMMARY:SLA-overleg ICT en Sales
        ORGANIZER:mailto:cid@acme.example
        ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@acme.example
        END:VEVENT
        BEGIN:VEVENT
        UID:team-1
        DTSTART:20250311T090000Z
        DTEND:20250311T100000Z
        SUMMARY:Teamoverleg
        ORGANIZER:mailto:cid@acme.example
        ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@acme.example
        END:VEVENT
        END:VCALENDAR
        """).replace("\n", "\r\n")  # fmt: skip
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example",
                        read_subjects=True) as ws:  # fmt: skip
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        ws.ingest_calendar(write(tmp_path / "cal.ics", ics))
        got = ws.store.raw.execute("SELECT channel, topic FROM interactions ORDER BY ts").fetchall()
    assert got == [("meeting", "sla"), ("meeting", None)]
