"""The mail reader: mbox, Maildir and .eml headers, with the mess real mail carries."""

import mailbox
import textwrap
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orgsphere
from orgsphere.errors import InputError
from orgsphere.ingest.limits import ReadLimits
from orgsphere.ingest.mailheaders import iter_mbox, parse_headers
from orgsphere.privacy import Pseudonymiser

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
    assert any(r.startswith("automated sender (its address has the word 'no-reply'") for r in reasons)
    assert any("internal domain acme.example that is not in the org chart" in r for r in reasons)
    assert any("without a readable Date" in n for n in report.notes)
    assert "5 messages read, 4 kept as 6 recipient rows; 1 rejected (1 as a whole)" in report.notes
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
    # a loose copy of the same message in another ingest is recognised too; an export of nothing but mail
    # the store has is no failure
    write(tmp_path / "loose" / "copy.eml", msg.as_string())
    again = mws.ingest_mail(tmp_path / "loose")
    assert (again.kept, again.recognised) == (0, 1) and mws.store.counts()["interactions"] == 1
    write(tmp_path / "loose" / "new.eml", msg.as_string().replace("dup@", "new@"))
    again = mws.ingest_mail(tmp_path / "loose")  # the folder again, with a new message beside the copy
    assert (again.kept, again.recognised) == (1, 1) and mws.store.counts()["interactions"] == 2
    assert "2 messages read, 1 kept as 1 recipient rows; 0 rejected" in again.notes
    assert mws.ingest_mail(tmp_path / "mail").skipped  # same bytes: skipped outright


def test_round_trip_through_an_independent_writer(mws: orgsphere.Workspace, tmp_path: Path) -> None:
    known = [
        ("ann@acme.example", ["bob@acme.example"], datetime(2024, 3, 1, 9, 30, tzinfo=UTC)),
        ("bob@acme.example", ["ann@acme.example", "cid@acme.example"], datetime(2024, 3, 2, 14, 0, tzinfo=UTC)),
        ("buyer@client.example", ["ann@acme.example"], datetime(2024, 3, 3, 8, 15, tzinfo=UTC)),
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
    # a file is refused only when it is no mail at all, saying what it is and what to do
    pst = tmp_path / "mailbox.pst"
    pst.write_bytes(b"!BDN\x0e\x1a\x00\x00" + bytes(600))
    with pytest.raises(InputError, match=r"not mail but an Outlook PST file; .*readpst -r -o OUT"):
        mws.ingest_mail(pst)
    export = tmp_path / "takeout.mbox"
    export.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(100))
    with pytest.raises(InputError, match=r"not mail but a ZIP archive; expected an mbox file .*unpack it"):
        mws.ingest_mail(export)
    with pytest.raises(InputError, match=r"not mail but text without header lines"):
        mws.ingest_mail(write(tmp_path / "edges.eml", "src,dst\nann@acme.example,bob@acme.example\n"))


LIST_PEOPLE = textwrap.dedent("""\
    From ann@acme.example Mon Jan  8 10:00:00 2024
    From: Ann <ann@acme.example>
    To: dev@lists.opensource.example
    Date: Mon, 08 Jan 2024 10:00:00 +0000
    Message-ID: <l1@acme.example>
    List-Id: Developers <dev.lists.opensource.example>
    Precedence: list
    Sender: dev-bounces@lists.opensource.example

    a question to the list

    From bob@acme.example Mon Jan  8 11:00:00 2024
    From: bob@acme.example
    To: dev@lists.opensource.example
    Date: Mon, 08 Jan 2024 11:00:00 +0000
    Message-ID: <l2@acme.example>
    In-Reply-To: <l1@acme.example>
    List-Id: <dev.lists.opensource.example>
    Precedence: bulk

    an answer, through a list that marks everything bulk

    From cid@acme.example Mon Jan  8 12:00:00 2024
    From: cid@acme.example
    To: dev@lists.opensource.example
    Cc: ann@acme.example
    Date: Mon, 08 Jan 2024 12:00:00 +0000
    Message-ID: <l3@acme.example>
    In-Reply-To: <l2@acme.example>
    List-Id: <dev.lists.opensource.example>
    Precedence: list
    Auto-Submitted: no

    sent by a person

    From news@vendor.example Mon Jan  8 13:00:00 2024
    From: Vendor News <news@vendor.example>
    To: ann@acme.example
    Date: Mon, 08 Jan 2024 13:00:00 +0000
    Message-ID: <l4@vendor.example>
    Precedence: bulk

    newsletter
""")
LIST_MACHINES = textwrap.dedent("""\
    From dev-owner@lists.opensource.example Mon Jan  8 14:00:00 2024
    From: dev-owner@lists.opensource.example
    To: ann@acme.example
    Date: Mon, 08 Jan 2024 14:00:00 +0000
    Message-ID: <l5@lists.opensource.example>
    Auto-Submitted: auto-generated
    Precedence: bulk

    your subscription reminder

    From bob@acme.example Mon Jan  8 15:00:00 2024
    From: bob@acme.example
    To: ann@acme.example
    Date: Mon, 08 Jan 2024 15:00:00 +0000
    Message-ID: <l6@acme.example>
    Auto-Submitted: auto-replied; owner-email="bob@acme.example"

    out of office

    From noreply@ci.opensource.example Mon Jan  8 16:00:00 2024
    From: Jenkins <noreply@ci.opensource.example>
    To: dev@lists.opensource.example
    Date: Mon, 08 Jan 2024 16:00:00 +0000
    Message-ID: <l7@ci.opensource.example>
    List-Id: <dev.lists.opensource.example>
    Precedence: list

    build failed

    From dee@acme.example Mon Jan  8 17:00:00 2024
    From: dee@acme.example
    To: dev@lists.opensource.example
    Date: Mon, 08 Jan 2024 17:00:00 +0000
    Message-ID: <l8@acme.example>
    List-Id: <dev.lists.opensource.example>
    Precedence: list

    from someone who has left (not in the org chart)
""")


def test_list_mail_from_people_is_kept(mws: orgsphere.Workspace, tmp_path: Path) -> None:
    box = write(tmp_path / "dev.mbox", LIST_PEOPLE + "\n" + LIST_MACHINES)
    report = mws.ingest_mail(box)
    channels = sorted(r["channel"] for r in mws.store.query("SELECT channel FROM interactions").to_pylist())
    assert channels == ["email"] + ["email-list"] * 4  # the newsletter; l1, l2 and l3 (to the list and ann)
    assert (report.rows, report.kept, report.rejected) == (9, 5, 4)
    reasons = dict(mws.store.raw.execute("SELECT locator, reason FROM rejects").fetchall())
    assert reasons["dev.mbox message at line 45"].startswith("automated message (Auto-Submitted: auto-generated)")
    assert reasons["dev.mbox message at line 55"].startswith("automated message (Auto-Submitted: auto-replied)")
    assert reasons["dev.mbox message at line 64"].startswith("automated sender (its address has the word 'noreply'")
    assert "internal domain acme.example" in reasons["dev.mbox message at line 74, recipient 1"]
    assert report.notes[0] == ("8 messages read, 4 kept as 5 recipient rows; 4 rejected (3 as a whole, 1 with every "
                               "recipient row rejected)")  # fmt: skip
    # newsletters only behind reject_bulk_mail; Precedence: list is never a reason
    with orgsphere.open(tmp_path / "bulk.duckdb", key_file=tmp_path / "k", internal_domains="acme.example",
                        reject_bulk_mail=True) as strict:  # fmt: skip
        strict.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        report = strict.ingest_mail(write(tmp_path / "people.mbox", LIST_PEOPLE))
        assert (report.kept, report.rejected) == (3, 2)  # l1 and l3 (to the list and ann) kept
        reasons = dict(strict.store.raw.execute("SELECT locator, reason FROM rejects").fetchall())
        assert set(reasons) == {"people.mbox message at line 12", "people.mbox message at line 36"}  # l2, l4
        assert all(r.startswith("bulk mail (Precedence: bulk), rejected because reject_bulk_mail is on")
                   for r in reasons.values())  # fmt: skip


def test_binary_bytes_in_one_message_reject_that_message_alone(mws: orgsphere.Workspace, tmp_path: Path) -> None:
    box = tmp_path / "Inbox"  # Thunderbird, after a crash: a zero-filled block in the middle message's headers
    box.write_bytes(
        b"From - Mon Jan  8 10:00:00 2024\n"
        b"From: J\xf6rg Ann <ann@acme.example>\n"  # Latin-1 in a name is text, not binary
        b"To: bob@acme.example\nDate: Mon, 08 Jan 2024 10:00:00 +0000\nMessage-ID: <n1@acme.example>\n\nbody\n\n"
        b"From - Mon Jan  8 11:00:00 2024\n"
        b"From: bob@acme.example\nTo: ann@acme.example\n" + b"\x00" * 64 + b"\n"
        b"Date: Mon, 08 Jan 2024 11:00:00 +0000\nMessage-ID: <n2@acme.example>\n\nbody\n\n"
        b"From - Mon Jan  8 12:00:00 2024\n"
        b"From: cid@acme.example\nTo: ann@acme.example\nDate: Mon, 08 Jan 2024 12:00:00 +0000\n"
        b"Message-ID: <n3@acme.example>\n\nbody\n"
    )
    report = mws.ingest_mail(box)
    assert (report.kept, report.rejected) == (2, 1)
    (locator, reason), = mws.store.raw.execute("SELECT locator, reason FROM rejects").fetchall()
    assert locator == "Inbox message at line 9" and reason.startswith("binary data (NUL or control bytes)")
    assert report.notes[0] == "3 messages read, 2 kept as 2 recipient rows; 1 rejected (1 as a whole)"


ARCHIVE = textwrap.dedent("""\
    From ann@acme.example Tue Jan  9 10:00:00 2024
    From: ann@acme.example
    To: dev@lists.opensource.example
    Date: Tue, 09 Jan 2024 10:00:00 +0000
    Message-ID: <1.0@localhost>
    List-Id: <dev.lists.opensource.example>

    first

    From bob@acme.example Wed Apr 17 13:30:00 2024
    From: bob@acme.example
    To: dev@lists.opensource.example
    Date: Wed, 17 Apr 2024 15:30:00 +0200
    Message-ID: <1.0@localhost>
    List-Id: <dev.lists.opensource.example>

    another message from a client that reuses its Message-IDs

    From cid@acme.example Tue Jan  9 12:00:00 2024
    From: cid@acme.example
    To: dev@lists.opensource.example, ann@acme.example
    Date: Tue, 09 Jan 2024 12:00:00 +0000
    Message-ID: <r1@acme.example>
    In-Reply-To: <1.0@localhost>
    References: <1.0@localhost>
    List-Id: <dev.lists.opensource.example>

    a reply to the first
""")


def test_a_duplicate_counts_the_rows_the_store_holds_not_those_rejected_the_first_time(
    mws: orgsphere.Workspace, tmp_path: Path
) -> None:
    # ann writes to bob and cid and copies herself in: the self-sent row is rejected, two rows are kept
    maildir = mailbox.Maildir(tmp_path / "mail", create=True)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Date"] = "ann@acme.example", "bob@acme.example", "Mon, 1 Jan 2024 10:00:00 +0000"
    msg["Cc"], msg["Message-ID"] = "cid@acme.example, ann@acme.example", "<self@acme.example>"
    msg.set_content("x")
    maildir.add(msg)
    for folder in ("Sent", "Archive"):  # two more copies in this ingest
        maildir.add_folder(folder).add(msg)
    first = mws.ingest_mail(tmp_path / "mail")
    assert (first.kept, first.rejected) == (2, 1) and mws.store.counts()["interactions"] == 2
    assert first.recognised == 4  # the two copies' rows: those kept of the first copy, twice
    assert first.rows == first.kept + first.rejected + first.recognised
    # the same message in another export: exactly the 2 rows the store holds are already there
    write(tmp_path / "loose" / "copy.eml", msg.as_string())
    again = mws.ingest_mail(tmp_path / "loose")
    assert (again.rows, again.kept, again.rejected, again.recognised) == (2, 0, 0, 2)
    assert "2 rows already in the store, counted once" in again.summary()
    assert mws.store.counts()["interactions"] == 2


def test_each_copy_of_a_rejected_message_is_rejected_not_counted_as_a_duplicate(tmp_path: Path) -> None:
    # a notification in two folders, and two header blocks without a From line (in an mbox, an unescaped
    # "From " line after a blank line in a body starts one): each is rejected with its reason, none of them
    # is "a duplicate message (same Message-ID, sender and date)"
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example",
                        max_reject_share=1.0)  # fmt: skip
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    note = ("From: Notifications <no-reply@acme.example>\nTo: ann@acme.example\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n"
            "Message-ID: <n1@acme.example>\n\nx\n")  # fmt: skip
    mail = note.replace("Notifications <no-reply@", "<bob@").replace("n1@", "m1@")
    for name, text in (("Inbox/n.eml", note), ("Archive/n.eml", note), ("Inbox/m.eml", mail)):
        write(tmp_path / "mail" / name, text)
    report = ws.ingest_mail(tmp_path / "mail")
    assert (report.rows, report.kept, report.rejected, report.recognised) == (3, 1, 2, 0)
    assert not any("duplicate" in n for n in report.notes)
    box = ("From a Mon Jan  1 00:00:00 2024\nFrom: ann@acme.example\nTo: bob@acme.example\n"
           "Date: Mon, 1 Jan 2024 10:00:00 +0000\n\nbody\n\nFrom here on, twice\n\nFrom here on, again\n")  # fmt: skip
    report = ws.ingest_mail(write(tmp_path / "box.mbox", box))
    assert (report.kept, report.rejected, report.recognised) == (1, 2, 0)
    assert report.reasons["message has no readable From address"] == 2
    assert "3 messages read, 1 kept as 1 recipient rows; 2 rejected (2 as a whole)" in report.notes


def test_a_reused_message_id_with_another_sender_or_date_is_another_message(
    mws: orgsphere.Workspace, tmp_path: Path
) -> None:
    report = mws.ingest_mail(write(tmp_path / "archive.mbox", ARCHIVE))
    assert (report.kept, report.rejected) == (4, 0) and report.notes[0].startswith("3 messages read, 3 kept")
    rows = mws.store.query("SELECT strftime(ts, '%m-%d %H') AS ts, thread_id, source_id FROM interactions "
                           "ORDER BY ts").to_pylist()  # fmt: skip
    assert [r["ts"] for r in rows] == ["01-09 10", "01-09 12", "01-09 12", "04-17 13"]
    first, *replies, other = rows
    assert first["source_id"].split(":")[1] != other["source_id"].split(":")[1]
    # the reply is in the first message's thread, the keyed digest of the Message-ID it points at
    thread = mws.store.pseudonymiser().digest("message-id", "1.0@localhost")
    assert [r["thread_id"] for r in replies] == [first["thread_id"]] * 2 == [thread] * 2
    # ann's own copy of the first message (same Message-ID, sender and date) in another export counts once
    copy = ARCHIVE.split("\n\n")[0].replace("List-Id: <dev.lists.opensource.example>\n", "") + "\n\nfirst\n\n"
    sent = copy + copy.replace("1.0@localhost", "2.0@localhost").replace("dev@lists.opensource", "bob@acme")
    again = mws.ingest_mail(write(tmp_path / "Sent.mbox", sent))
    assert again.kept == 1 and mws.store.counts()["interactions"] == 5
    assert any(n.startswith("1 duplicate messages (same Message-ID, sender and date") for n in again.notes)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_header_parser_never_crashes_on_arbitrary_bytes(data: bytes) -> None:
    import io

    for _line, lines, _refused in iter_mbox(io.BytesIO(b"From x\n" + data)):
        headers = parse_headers(lines, Pseudonymiser(b"k" * 32).digest)
        assert isinstance(headers.recipients, list) and len(headers.message_id) == len(headers.identity) == 16


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
        except InputError as failed:  # an ingest that kept nothing may fail as a whole, but it was read as mail
            assert "not mail" not in str(failed)
            return
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


def test_the_quick_date_reader_agrees_with_the_full_parser() -> None:
    """Dates in the common form are read directly; every date, common or not, must come out as the full
    parser (email.utils.parsedate_to_datetime, to naive UTC) reads it, or be refused the same way."""
    from datetime import UTC as utc
    from email.utils import parsedate_to_datetime

    from orgsphere.ingest.mailheaders import _common_date, parse_headers
    from orgsphere.privacy import Pseudonymiser

    rng = np.random.default_rng(3)
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "jan", "Mai", "Foo"]
    odd = ["Mon, 1 Jan 2024 10:00:00 GMT", "1 Jan 24 10:00 +0100", "Tue, 31 Feb 2024 10:00:00 +0100",
           "Mon, 1 Jan 2024 24:00:00 +0000", "Mon, 1 Jan 2024 10:00:61 +0000", "Mon, 1 Jan 2024 10:00:00 +2500",
           "Mon, 1 Jan 2024 10:00:00 -0000", "Mon, 1 Jan 2024 10:00:00 +0100 (CET)", "Mon,1 Jan 2024 10:00 +0130",
           "Mon, 1 Jan 2024 9:05:00 +0100", "Sun, 31 Dec 2023 23:30:00 -0800", "not a date"]  # fmt: skip
    dates = odd + [f"{rng.choice(['Mon, ', 'Wed,', ''])}{rng.integers(1, 32)} {rng.choice(months)} "
                   f"{rng.integers(1990, 2040)} {rng.integers(0, 25):02d}:{rng.integers(0, 60):02d}"
                   f"{rng.choice(['', f':{rng.integers(0, 61):02d}'])} {rng.choice(['+', '-'])}"
                   f"{rng.integers(0, 15):02d}{rng.choice([0, 30, 45, 99]):02d}" for _ in range(3000)]  # fmt: skip

    def full(raw: str) -> object:
        try:
            parsed = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return "refused"
        return parsed.astimezone(utc).replace(tzinfo=None) if parsed.tzinfo is not None else parsed

    digest = Pseudonymiser(b"k" * 32).digest
    for raw in dates:
        headers = parse_headers([b"From: a@x.example\n", f"Date: {raw}\n".encode()], digest)
        assert (headers.date if headers.date_problem is None else "refused") == full(raw), raw
    assert sum(_common_date(raw) is not None for raw in dates) > 1000  # (most took the quick way)


LINE = st.one_of(st.sampled_from([b"", b"\r", b" folded", b"From: a@b.example", b"z" * 39, b"z" * 40, b"z" * 41,
                                  b"y" * 300]),
                 st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")))  # (lines around max_line_bytes, 40)
END = st.sampled_from([b"\n", b"\r\n"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(LINE, END), max_size=12), st.booleans())
def test_a_message_file_split_at_once_reads_as_the_line_reader_reads_it(lines: list[tuple[bytes, bytes]],
                                                                        last_end: bool) -> None:
    """A message file's header block is split at once where it ends in the first bytes read, else read by the
    line reader that keeps the limits: both must give the same lines and refusal, for blank lines in CRLF or
    LF, lines over max_line_bytes, blocks over max_header_bytes, a file without a last line end, and a block
    that ends beyond the first read (a read of 16 or 64 bytes here)."""
    import io

    from orgsphere.ingest import mailheaders
    from orgsphere.ingest.limits import ReadLimits

    data = b"".join(text + end for text, end in lines)
    if lines and not last_end:
        data = data[: -len(lines[-1][1])]
    limits = ReadLimits.of()
    limits = type(limits)(**{**limits.__dict__, "max_line_bytes": 40, "max_header_bytes": 200})
    expected = mailheaders._read_header_block_capped(io.BytesIO(data), limits)
    before = mailheaders.HEAD_READ
    try:
        for head in (16, 64, before):
            mailheaders.HEAD_READ = head
            assert mailheaders.read_header_block(io.BytesIO(data), limits) == expected, head
    finally:
        mailheaders.HEAD_READ = before


def _mbox_line_by_line(data: bytes, limits: ReadLimits) -> list[tuple[int, list[bytes], str | None]]:
    """What iter_mbox must give, by its definition, a line at a time: a ``From `` line after a blank line
    (or first in the file) starts a message; its header lines run to the next blank line; a line over
    max_line_bytes comes as an empty line that is not blank (a header line so refuses its message)."""
    import io

    from orgsphere.ingest.cappedlines import CappedLines
    from orgsphere.ingest.mailheaders import _HeaderBlock

    capped = CappedLines(io.BytesIO(data), limits.max_line_bytes)
    out: list[tuple[int, list[bytes], str | None]] = []
    block, in_headers, previous_blank = None, False, True
    for number, line in enumerate(io.BufferedReader(capped, 64), start=1):
        long = line == b"\n" and number in capped.too_long
        blank = line in (b"\n", b"\r\n") and not long
        if line.startswith(b"From ") and previous_blank:
            block, in_headers, previous_blank = _HeaderBlock(limits), True, False
            out.append((number, block.lines, None))
            continue
        if in_headers:
            if blank:
                in_headers = False
            else:
                assert block is not None
                block.add(line, long)
                out[-1] = (out[-1][0], block.lines, block.problem)
        previous_blank = blank
    return out


MBOX_LINE = st.one_of(st.sampled_from([b"", b"\r", b"From x", b"From: a@b.example", b"From", b" folded", b"body",
                                       b"z" * 39, b"z" * 41, b"y" * 300, b">From x"]),
                      st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")))  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(MBOX_LINE, END), max_size=30), st.booleans(), st.sampled_from([1, 7, 64, 1 << 20]))
def test_the_mbox_scanner_finds_the_messages_a_line_by_line_reading_finds(
    lines: list[tuple[bytes, bytes]], last_end: bool, block: int
) -> None:
    """The mbox reader skips bodies a block at a time by searching: it must find the same messages, line
    numbers, header lines and refusals as reading every line does, with CRLF and LF, From lines in bodies,
    blank-looking lines over max_line_bytes before a From line, a file without a last line end, and a From
    line split between two blocks (blocks of 1, 7 and 64 bytes here)."""
    import io

    data = b"".join(text + end for text, end in lines)
    if lines and not last_end:
        data = data[: -len(lines[-1][1])]
    limits = ReadLimits.of()
    limits = type(limits)(**{**limits.__dict__, "max_line_bytes": 40, "max_header_bytes": 200})
    assert list(iter_mbox(io.BytesIO(data), limits, block)) == _mbox_line_by_line(data, limits)
