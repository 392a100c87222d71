"""The mail reader: mbox, Maildir and .eml headers, with the mess real mail carries."""

import mailbox
import textwrap
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orgsphere
from orgsphere.errors import InputError
from orgsphere.ingest.mailheaders import iter_mbox, parse_headers

from .conftest import write

ORG = "person,email,unit\nann,ann@acme.example,Sales\nbob,bob@acme.example,Sales\ncid,cid@acme.example,ICT\n"


@pytest.fixture
def mws(tmp_path: Path) -> orgsphere.Workspace:
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example",
                        customer_domains="client.example")  # fmt: skip
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    return ws


MESSY = textwrap.dedent("""\
    From ann@acme.example Mon Jan  1 00:00:00 2024
    From: =?utf-8?q?Ann_J=C3=B6rgensen?= <Ann@ACME.example> (work)
    To: undisclosed-recipients:;
    Cc: sales: bob@acme.example, "Doe, Cid" <cid@acme.example>;,
     buyer@client.example
    Date: Mon, 01 Jan 2024 10:00:00 +0100
    Message-ID: <m1@acme.example>
    Subject: =?iso-8859-1?q?Offerte_f=FCr_u?=

    Body that is never read.
    From the desk of nobody (not a separator: no blank line before)

    From bob@acme.example Tue Jan  2 00:00:00 2024
    From: bob@acme.example
    To: ann@acme.example
    Date: Tue, 2 Jan 2024 09:00:00 GMT
    Message-ID: <m2@acme.example>
    In-Reply-To: <m1@acme.example>
    References: <m1@acme.example>

    >From a quoted line
    reply body

    From x Wed Jan  3 00:00:00 2024
    From: Notifications <no-reply@acme.example>
    To: ann@acme.example
    Date: Wed, 3 Jan 2024 09:00:00 +0000
    Message-ID: <m3@acme.example>

    automated

    From x Wed Jan  3 00:00:00 2024
    From: cid@acme.example
    To: sales-list@lists.acme-partner.example
    List-Id: Sales list <sales.lists.acme-partner.example>
    Date: not a date at all

    list mail without a Message-ID

    From x Thu Jan  4 00:00:00 2024
    From: cid@acme.example
    To: former.colleague@acme.example, bob@acme.example
    Date: Thu, 4 Jan 2024 09:00:00 +0000
    Message-ID: <m5@acme.example>

    done
""")


def test_messy_mbox(mws: orgsphere.Workspace, tmp_path: Path) -> None:
    box = tmp_path / "box.mbox"
    box.write_bytes(MESSY.encode("utf-8").replace(b"Body that", b"Body \xff\xfe that"))
    report = mws.ingest_mail(box)
    rows = mws.store.query(
        "SELECT strftime(ts, '%Y-%m-%d %H:%M') AS ts, channel, src_kind, dst_kind, thread_id, source_id "
        "FROM interactions ORDER BY source_id"
    ).to_pylist()
    # m1: to bob, cid and the client (the group and undisclosed-recipients read right); m2: one reply;
    # m4 (list, no id, no date): one row; m5: bob only (the former colleague is rejected)
    assert len(rows) == 6
    assert report.kept == 6 and report.rejected == 2
    m1 = [r for r in rows if r["ts"] == "2024-01-01 09:00"]
    assert len(m1) == 3 and sorted(r["dst_kind"] for r in m1) == ["party", "person", "person"]
    reply = next(r for r in rows if r["ts"] == "2024-01-02 09:00")
    assert reply["thread_id"] == m1[0]["thread_id"] != reply["source_id"].split(":")[1]  # a reply, in m1's thread
    listed = next(r for r in rows if r["channel"] == "email-list")
    assert listed["ts"] is None and listed["dst_kind"] == "party"
    reasons = {r["reason"] for r in mws.store.query("SELECT reason FROM rejects").to_pylist()}
    assert any(r.startswith("automated message") for r in reasons)
    assert any("internal domain acme.example that is not in the org chart" in r for r in reasons)
    assert any("without a readable Date" in n for n in report.notes)
    # metadata only: no subject, no body, no name, no clear address in the store
    dump = str(mws.store.query("SELECT * FROM interactions").to_pylist()) + str(
        mws.store.query("SELECT * FROM rejects").to_pylist()
    )
    for secret in ("Offerte", "never read", "Jörgensen", "ann@acme", "m1@acme"):
        assert secret not in dump


def test_maildir_duplicates_across_folders_count_once(mws: orgsphere.Workspace, tmp_path: Path) -> None:
    maildir = mailbox.Maildir(tmp_path / "mail", create=True)
    sent = maildir.add_folder("Sent")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Date"] = "ann@acme.example", "bob@acme.example", "Mon, 1 Jan 2024 10:00:00 +0000"
    msg["Message-ID"] = "<dup@acme.example>"
    msg.set_content("x")
    maildir.add(msg)
    sent.add(msg)  # the same message in the Sent folder
    report = mws.ingest_mail(tmp_path / "mail")
    assert report.kept == 1 and any("1 duplicate" in n for n in report.notes)
    # a loose copy of the same message in another ingest is recognised too
    write(tmp_path / "loose" / "copy.eml", msg.as_string())
    again = mws.ingest_mail(tmp_path / "loose")
    assert again.kept == 0 and mws.store.counts()["interactions"] == 1
    assert mws.ingest_mail(tmp_path / "mail").skipped  # same bytes: skipped outright


def test_round_trip_through_an_independent_writer(mws: orgsphere.Workspace, tmp_path: Path) -> None:
    known = [
        ("ann@acme.example", ["bob@acme.example"], datetime(2024, 3, 1, 9, 30, tzinfo=timezone.utc)),
        ("bob@acme.example", ["ann@acme.example", "cid@acme.example"], datetime(2024, 3, 2, 14, 0, tzinfo=timezone.utc)),
        ("buyer@client.example", ["ann@acme.example"], datetime(2024, 3, 3, 8, 15, tzinfo=timezone.utc)),
    ]  # fmt: skip
    box = mailbox.mbox(tmp_path / "out.mbox")
    for sender, recipients, when in known:
        msg = EmailMessage()
        msg["From"], msg["To"] = sender, ", ".join(recipients)
        msg["Date"], msg["Message-ID"] = format_datetime(when), make_msgid(domain="acme.example")
        msg.set_content("body")
        box.add(msg)
    box.flush()
    report = mws.ingest_mail(tmp_path / "out.mbox")
    assert report.kept == 4 and report.rejected == 0
    pseudo = mws.store.pseudonymiser()
    got = sorted(
        (r["src"], r["dst"], r["ts"].strftime("%Y-%m-%d %H:%M"))
        for r in mws.store.query("SELECT src, dst, ts FROM interactions").to_pylist()
    )
    def who(address: str) -> str:
        return "@client.example" if address.endswith("client.example") else pseudo.one(address.split("@")[0])
    expected = sorted(
        (who(s), who(r), w.strftime("%Y-%m-%d %H:%M")) for s, rs, w in known for r in rs
    )
    assert got == expected


def test_not_mail(mws: orgsphere.Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        mws.ingest_mail(write(tmp_path / "e.mbox", ""))
    with pytest.raises(InputError, match="not found"):
        mws.ingest_mail(tmp_path / "nothing")
    empty_dir = tmp_path / "emptydir"
    empty_dir.mkdir()
    with pytest.raises(InputError, match="empty folder"):
        mws.ingest_mail(empty_dir)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_header_parser_never_crashes_on_arbitrary_bytes(data: bytes) -> None:
    import io

    for _line, lines in iter_mbox(io.BytesIO(b"From x\n" + data)):
        headers = parse_headers(lines)
        assert isinstance(headers.recipients, list) and len(headers.message_id) == 16


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=400))
def test_mail_ingest_of_arbitrary_bytes_keeps_or_rejects(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    tmp = tmp_path_factory.mktemp("fuzz")
    with orgsphere.open(tmp / "s.duckdb", key_file=tmp / "k") as ws:
        ws.ingest_orgchart(write(tmp / "org.csv", ORG))
        path = tmp / "m.eml"
        path.write_bytes(b"From: ann@acme.example\nTo: bob@acme.example\n" + data)
        try:
            report = ws.ingest_mail(path)
        except InputError:
            return  # a file-level refusal (e.g. binary data) is a clear error, not a crash
        assert report.rows == report.kept + report.rejected


NAME = st.text(alphabet=st.characters(codec="utf-8", exclude_characters='"\\\n\r'), max_size=12)
LOCAL = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,10}", fullmatch=True)
DOMAIN = st.from_regex(r"[a-z0-9]{1,8}\.(example|nl|com)", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NAME, LOCAL, DOMAIN, st.sampled_from(["plain", "angle", "quoted", "comment"])),
                min_size=1, max_size=5))  # fmt: skip
def test_fast_address_reading_agrees_with_the_email_module(parts: list[tuple[str, str, str, str]]) -> None:
    from email.utils import getaddresses

    from orgsphere.ingest.mailheaders import _addresses

    rendered = []
    for name, local, domain, style in parts:
        address = f"{local}@{domain}"
        rendered.append({"plain": address, "angle": f"<{address}>", "quoted": f'"{name}" <{address}>',
                         "comment": f"{address} ({name.replace('(', '').replace(')', '')})"}[style])  # fmt: skip
    header = ", ".join(rendered)
    expected = [a.lower() for _n, a in getaddresses([header]) if "@" in a and " " not in a]
    assert _addresses([header]) == expected
