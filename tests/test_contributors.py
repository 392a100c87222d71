"""The sphere table's contributors: the persons of a group who sent or took part in an interaction, not only
received it; the minimum group size reads them, so one sender's figures are never shown as a group's."""

from pathlib import Path

import pytest

import orgsphere
from orgsphere.analysis.sphere import TWO_WAY_CHANNELS, sphere_counts
from orgsphere.datasets import make_demo
from orgsphere.settings import load_settings
from orgsphere.workspace import Workspace

from .conftest import write
from .test_calendar import att, calendar, vevent


def table(ws: orgsphere.Workspace, scope: str = "unit") -> dict[tuple[str, str, str], dict[str, object]]:
    """(group, period, channel) -> the sphere row, before the minimum group size."""
    raw, _ = sphere_counts(ws.store)
    return {(r["group_id"], r["period"], r["channel"]): r for r in raw.to_pylist() if r["scope"] == scope}


def sizes(r: dict[str, object]) -> tuple[object, object]:
    return r["persons"], r["contributors"]


# Lab: six persons; in January a1 mails the other five and a customer, who only receive; in February all
# six write to each other
LAB = "person,unit,parent\n" + "".join(f"a{i},Lab,Firm\n" for i in range(1, 7))
ONE_SENDER = (
    "src,dst,ts,channel\n"
    + "".join(f"a1,a{i},2025-01-{i + 10},email\n" for i in range(2, 7))
    + "a1,buyer@client.example,2025-01-20,email\nbuyer@client.example,a1,2025-01-21,email\n"
    + "".join(f"a{i},a{i % 6 + 1},2025-02-{i + 10},email\n" for i in range(1, 7))
    + "a3,buyer@client.example,2025-02-20,email\n"
)


def test_a_month_one_person_sent_everything_in_is_suppressed(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", customer_domains="client.example",
                        bootstrap_samples=50) as ws:  # min_group_size 5  # fmt: skip
        ws.ingest_orgchart(write(tmp_path / "org.csv", LAB))
        assert ws.ingest_edges(write(tmp_path / "e.csv", ONE_SENDER)).kept == 14
        raw = table(ws)
        results = ws.analyse()
        january = {r["group_id"]: r for r in results.units(period="2025-01").to_pylist()}
        february = {r["group_id"]: r for r in results.units(period="2025-02").to_pylist()}
        whole = {r["group_id"]: r for r in results.units().to_pylist()}
    assert sizes(raw[("Lab", "2025-01", "all")]) == (6, 1)
    assert sizes(raw[("Lab", "2025-02", "all")]) == (6, 6)
    assert sizes(raw[("Lab", "all", "all")]) == (6, 6)
    # six persons, but January's figures are a1's alone: hidden, its size with them
    lab = january["Lab"]
    assert lab["suppressed"] and lab["external"] is None and lab["persons"] is None and lab["contributors"] is None
    # February is hidden with it, or the whole year minus February would give January back
    assert february["Lab"]["suppressed"] and february["Lab"]["complementary"] and february["Lab"]["external"] is None
    # persons stays the group's size where the figures show
    assert not whole["Lab"]["suppressed"] and sizes(whole["Lab"]) == (6, 6)


def test_every_attendee_of_a_meeting_takes_part(tmp_path: Path) -> None:
    """A meeting of six (pairs) and one of seven (a broadcast: organiser to each attendee): everyone who
    accepted took part; one who declined is no end of it at all."""
    org = "person,email,unit\n" + "".join(f"m{i},m{i}@acme.example,Ops\n" for i in range(7))
    small = vevent("pairs@acme", "20250106T090000", "20250106T100000", "m0@acme.example",
                   [att(f"m{i}@acme.example") for i in range(1, 6)] + [att("m6@acme.example", "DECLINED")])
    large = vevent("all@acme", "20250210T090000", "20250210T100000", "m0@acme.example",
                   [att(f"m{i}@acme.example") for i in range(1, 7)])  # fmt: skip
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example",
                        broadcast_size=6) as ws:  # fmt: skip
        ws.ingest_orgchart(write(tmp_path / "org.csv", org))
        ws.ingest_calendar(write(tmp_path / "cal.ics", calendar(small, large)))
        channels = {r["channel"] for r in ws.store.query("SELECT DISTINCT channel FROM interactions").to_pylist()}
        raw = table(ws)
    assert channels == {"meeting", "meeting-broadcast"}
    assert sizes(raw[("Ops", "2025-01", "meeting")]) == (6, 6)
    assert sizes(raw[("Ops", "2025-02", "meeting-broadcast")]) == (7, 7)
    assert sizes(raw[("Ops", "all", "all")]) == (7, 7)


@pytest.mark.parametrize(("channel", "receiver_takes_part"), [
    ("email", False), ("email-list", False), ("chat", False), ("chat-broadcast", False), ("viva-tie", False),
    ("other", False), ("meeting", True), ("meeting-broadcast", True), ("ticket", True),
])  # fmt: skip
def test_the_receiving_end_takes_part_in_two_way_channels_only(tmp_path: Path, channel: str,
                                                               receiver_takes_part: bool) -> None:  # fmt: skip
    assert (channel in TWO_WAY_CHANNELS) == receiver_takes_part
    org = "person,unit,parent\nx1,Here,Firm\nx2,There,Firm\n"
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", org))
        ws.ingest_edges(write(tmp_path / "e.csv", f"src,dst,ts,channel\nx1,x2,2025-03-03,{channel}\n"))
        raw = table(ws)
    assert sizes(raw[("Here", "2025-03", channel)]) == (1, 1)
    assert sizes(raw[("There", "2025-03", channel)]) == (1, int(receiver_takes_part))


def test_a_ticket_counts_its_requester_and_its_team_has_no_person(tmp_path: Path) -> None:
    org = "person,email,unit,parent\nr1,r1@acme.example,Sales,Firm\nh1,h1@acme.example,Helpdesk,Firm\n"
    tickets = "number,caller,assignment_group,opened_at\nINC1,r1@acme.example,Helpdesk,2025-04-02 10:00\n"
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", org))
        assert ws.ingest_tickets(write(tmp_path / "t.csv", tickets)).kept == 1
        raw = table(ws)
    assert sizes(raw[("Sales", "2025-04", "ticket")]) == (1, 1)
    assert sizes(raw[("Helpdesk", "2025-04", "ticket")]) == (0, 0)


# Div holds A and B; p moves from A to B on 2025-01-16: in January p mails from A, then in B only receives
# mail and attends a meeting; in February p only receives mail in B
MOVES = """person,unit,parent,valid_from,valid_to
p,A,Div,,2025-01-15
p,B,Div,2025-01-16,
q,A,Div,,
r,B,Div,,
"""
MOVER_EDGES = """src,dst,ts,channel
p,q,2025-01-10,email
r,p,2025-01-20,email
r,p,2025-01-21,meeting
r,p,2025-02-03,email
"""


def test_a_mover_takes_part_in_the_unit_they_were_in_when_they_did(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", MOVES))
        assert ws.ingest_edges(write(tmp_path / "e.csv", MOVER_EDGES)).kept == 4
        units, levels = table(ws), table(ws, "level")
    # A: p (sent) and q (received); B: r (sent) and p, who received mail and attended a meeting there
    assert sizes(units[("A", "2025-01", "email")]) == (2, 1)
    assert sizes(units[("B", "2025-01", "email")]) == (2, 1)
    assert sizes(units[("B", "2025-01", "meeting")]) == (2, 2)
    assert sizes(units[("B", "2025-01", "all")]) == (2, 2)
    assert sizes(units[("B", "2025-02", "all")]) == (2, 1)
    assert sizes(units[("A", "all", "all")]) == (2, 1)
    assert sizes(units[("B", "all", "email")]) == (2, 1)  # p took part in B by the meeting, not by mail
    assert sizes(units[("B", "all", "all")]) == (2, 2)
    # in Div, p is one person, who took part (in A by mail, in B at the meeting)
    assert sizes(levels[("Div", "2025-01", "email")]) == (3, 2)
    assert sizes(levels[("Div", "2025-02", "all")]) == (2, 1)
    assert sizes(levels[("Div", "all", "all")]) == (3, 2)


def test_a_size_viva_declares_counts_as_contributors_too(tmp_path: Path) -> None:
    g2g = write(tmp_path / "g2g.csv", "PrimaryCollaborator_Organization,PrimaryCollaborator_GroupSize,"
                "SecondaryCollaborator_Organization,SecondaryCollaborator_GroupSize,MetricDate,Group_email_sent_count\n"
                "ICT,30,Within Group,30,2025-01-05,9\n")  # fmt: skip
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", "person,unit,parent\nP1,Sales,Firm\nP3,ICT,Firm\n"))
        ws.ingest_viva(g2g)
        units, levels = table(ws), table(ws, "level")
        shown = {r["group_id"]: r for r in ws.analyse().units().to_pylist()}
    assert sizes(units[("ICT", "all", "all")]) == (30, 30) and units[("ICT", "all", "all")]["size_declared"]
    assert sizes(levels[("Firm", "all", "all")]) == (30, 30)
    assert not shown["ICT"]["suppressed"]


# the unit and organisation rows of persons and contributors, written again in plain SQL over the store
PLAIN = """
WITH ends AS (
  SELECT ts, channel, src AS person, TRUE AS took FROM interactions WHERE src_kind = 'person'
  UNION ALL
  SELECT ts, channel, dst, list_contains($two_way, channel) FROM interactions WHERE dst_kind = 'person'),
placed AS (
  SELECT coalesce(strftime(e.ts, '%Y-%m'), 'undated') AS period, e.channel, e.person, e.took, p.unit_id AS unit
  FROM ends e JOIN people p ON e.person = p.person_id AND coalesce(e.ts::DATE, DATE '9999-12-30')
       BETWEEN coalesce(p.valid_from, DATE '0001-01-01') AND coalesce(p.valid_to, DATE '9999-12-31'))
SELECT coalesce(unit, '(organisation)') AS g, coalesce(period, 'all') AS period, coalesce(channel, 'all') AS channel,
       count(DISTINCT person) AS persons, count(DISTINCT person) FILTER (WHERE took) AS contributors
FROM placed GROUP BY GROUPING SETS ((unit, period, channel), (unit, period), (unit, channel), (unit),
                                    (period, channel), (period), (channel), ())
"""


def test_the_demo_organisation_as_plain_sql_counts_it(tmp_path: Path) -> None:
    """On the demo (mail, meetings, chat, tickets and movers), every unit's and the organisation's persons and
    contributors equal a plain SQL count over the store, and contributors never exceed persons."""
    files = make_demo(tmp_path / "demo", scale=0.3)
    with Workspace(load_settings(files.config)) as ws:
        ws.ingest_orgchart(files.units, files.people)
        ws.ingest_parties(files.parties)
        ws.ingest_edges(files.interactions)
        ws.ingest_tickets(files.tickets)
        ws.ingest_tickets(files.requests)
        raw, _ = sphere_counts(ws.store)
        plain = ws.store.raw.execute(PLAIN, {"two_way": sorted(TWO_WAY_CHANNELS)}).to_arrow_table()
        channels = {r[0] for r in ws.store.raw.execute("SELECT DISTINCT channel FROM interactions").fetchall()}
    rows = raw.to_pylist()
    assert all(r["contributors"] <= r["persons"] for r in rows)
    assert channels & TWO_WAY_CHANNELS and channels - TWO_WAY_CHANNELS
    assert any(r["contributors"] < r["persons"] for r in rows)
    ours = {(r["group_id"], r["period"], r["channel"]): sizes(r) for r in rows
            if r["scope"] in ("unit", "organisation") and r["persons"]}  # fmt: skip
    theirs = {(r["g"], r["period"], r["channel"]): (r["persons"], r["contributors"]) for r in plain.to_pylist()}
    assert ours == theirs
