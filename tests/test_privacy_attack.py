"""Attacks on the privacy of everything orgsphere writes: the store, the exports, the report, the API.

One messy set of sources of every reader (an org chart with job titles and addresses, mail with display
names, Message-IDs and replies, a calendar, a Slack export, tickets with numbers, an edge list with threads,
declared parties, a document, and bad rows with an address where a date belongs) lies in a folder that names
a person. The attacker holds everything orgsphere wrote and a list of the raw values, and looks for each value
and for each plain (unkeyed) SHA-256, SHA-1 or MD5 hex digest of it, at every prefix length the code uses.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import orgsphere
from orgsphere.ingest.mailheaders import iter_mbox, parse_headers
from orgsphere.privacy import Pseudonymiser

from .conftest import run_cli, write

PRIVATE_DIR = "Piet_Jansen_private"
DOMAIN = "acme.example"
NAMES = ["Piet Jansen", "Anneke Vos", "Karel Bakker", "Ingrid Smit", "Joost Mulder", "Femke Visser",
         "Ruud Meijer", "Sanne Bos", "Wouter Dekker", "Lotte Brouwer", "Gerrit Kok", "Marieke Hendriks"]  # fmt: skip
TITLES = ["Fraud Investigator", "Whistleblower Liaison", "Chief Payroll Secretary", "Ombudsperson Fourth Floor",
          "Senior Grievance Counsellor", "Head of Layoff Planning"]  # fmt: skip
IDS = [n.lower().replace(" ", ".") for n in NAMES]  # piet.jansen: the org chart's person id and local part
EMAILS = [f"{i}@{DOMAIN}" for i in IDS]
OUTSIDER = "klaas.klantmans@bigclient.example"  # an undeclared person at a customer's domain
VIP = "kees.rijkaard@elders.example"  # an outside person declared one by one
BAD_DATE_ADDRESS = "geheim.adresje@acme.example"  # an address in the org chart's valid_from field
BAD_TS_ADDRESS = "sanne.prive@gmail.example"  # an address in the edge list's time field
MESSAGE_IDS = ["salary-review.piet.jansen.20250106@mail.acme.example", "re-salary.anneke.vos.77@mail.acme.example",
               "dismissal-letter.karel.bakker.5@mail.acme.example"]  # fmt: skip
SUBJECT = "Salaris van Piet Jansen"
UIDS = ["disciplinary-hearing-piet-jansen@acme.example", "sick-leave-talk-ingrid-smit@acme.example"]
SLACK_CHANNEL, SLACK_DM, SLACK_USERS = "hr-case-piet-jansen", "D0PIETJ", ["U0PIETJ", "U0ANNEV", "U0KARELB"]
SLACK_TS = ["1736150400.000100", "1736150460.000200", "1736236800.000300"]
TICKETS = ["INC0098765", "INC0098766", "INC0098767"]
TICKET_TITLE = "Laptop van Piet Jansen gestolen"
EDGE_THREADS = ["conv-piet-jansen-0042", "conv-anneke-vos-0043"]

# what the attacker looks for: every raw value of the inputs that is not org-chart structure (units) or a
# domain (an undeclared address is stored as its domain, by design)
RAW = [*NAMES, *TITLES, *IDS, *EMAILS, OUTSIDER, OUTSIDER.split("@")[0], VIP, VIP.split("@")[0], BAD_DATE_ADDRESS,
       BAD_DATE_ADDRESS.split("@")[0], BAD_TS_ADDRESS, BAD_TS_ADDRESS.split("@")[0], *MESSAGE_IDS, SUBJECT, *UIDS,
       SLACK_CHANNEL, SLACK_DM, *SLACK_USERS, *TICKETS, TICKET_TITLE, *EDGE_THREADS, PRIVATE_DIR]  # fmt: skip
HEX = re.compile(r"[0-9a-f]{16,}")
PREFIXES = (16, 20, 32, 40, 64)  # the lengths ids and pseudonyms are cut to, and whole digests


def _org() -> str:
    rows = ["person,email,unit,title,valid_from"]
    for k, (ident, email) in enumerate(zip(IDS, EMAILS, strict=True)):
        rows.append(f"{ident},{email},{'Sales' if k < 6 else 'ICT Service Desk'},{TITLES[k % len(TITLES)]},2024-01-01")
    rows.append(f"ruud.meijer.tweede,ruud.tweede@{DOMAIN},Sales,Spy,{BAD_DATE_ADDRESS}")  # a bad row
    return "\n".join(rows) + "\n"


def _mbox() -> str:
    def msg(sender: int, to: list[int], date: str, mid: str | None, reply: str | None = None) -> str:
        head = [f"From {EMAILS[sender]} {date}", f"From: {NAMES[sender]} <{EMAILS[sender]}>",
                "To: " + ", ".join(f'"{NAMES[t]}" <{EMAILS[t]}>' for t in to) + f", Klaas <{OUTSIDER}>",
                f"Date: {date}", f"Subject: {SUBJECT}"]  # fmt: skip
        if mid:
            head.append(f"Message-ID: <{mid}>")
        if reply:
            head += [f"In-Reply-To: <{reply}>", f"References: <{reply}>"]
        return "\n".join(head) + "\n\nthe body is never read\n\n"

    return (msg(0, [1, 2], "Mon, 06 Jan 2025 09:00:00 +0000", MESSAGE_IDS[0])
            + msg(1, [0], "Mon, 06 Jan 2025 10:00:00 +0000", MESSAGE_IDS[1], MESSAGE_IDS[0])
            + msg(2, [3, 4], "Tue, 07 Jan 2025 11:00:00 +0000", MESSAGE_IDS[2], MESSAGE_IDS[0])
            + msg(5, [6, 7], "Wed, 08 Jan 2025 12:00:00 +0000", None))  # no Message-ID: the fallback  # fmt: skip


def _ics() -> str:
    def event(uid: str, start: str, people: list[int]) -> str:
        lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTART:{start}Z", "DURATION:PT1H", f"SUMMARY:{SUBJECT}",
                 f"ORGANIZER;CN={NAMES[people[0]]}:mailto:{EMAILS[people[0]]}"]  # fmt: skip
        lines += [f"ATTENDEE;PARTSTAT=ACCEPTED;CN={NAMES[p]}:mailto:{EMAILS[p]}" for p in people[1:]]
        return "\r\n".join([*lines, "END:VEVENT"]) + "\r\n"

    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + event(UIDS[0], "20250106T090000", [0, 1, 6])
            + event(UIDS[1], "20250107T130000", [3, 7, 8]) + "END:VCALENDAR\r\n")  # fmt: skip


def _slack(path: Path) -> Path:
    users = [{"id": u, "name": IDS[k], "real_name": NAMES[k], "profile": {"email": EMAILS[k], "real_name": NAMES[k]}}
             for k, u in enumerate(SLACK_USERS)]  # fmt: skip
    files = {
        "users.json": users,
        "channels.json": [{"id": "C0HRCASE", "name": SLACK_CHANNEL, "members": SLACK_USERS}],
        "dms.json": [{"id": SLACK_DM, "members": SLACK_USERS[:2]}],
        f"{SLACK_CHANNEL}/2025-01-06.json": [
            {"type": "message", "user": SLACK_USERS[0], "text": SUBJECT, "ts": SLACK_TS[0]},
            {"type": "message", "user": SLACK_USERS[1], "text": "ok", "ts": SLACK_TS[1], "thread_ts": SLACK_TS[0]},
        ],
        f"{SLACK_DM}/2025-01-07.json": [{"type": "message", "user": SLACK_USERS[2], "text": "hi", "ts": SLACK_TS[2]}],
    }  # fmt: skip
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in files.items():
            zf.writestr(f"export/{name}", json.dumps(content))
    return path


def _tickets() -> str:
    rows = ["Number,Caller,Assignment group,Opened,Short description"]
    rows += [
        f"{t},{EMAILS[k]},ICT Service Desk,2025-01-0{k + 6} 09:00:00,{TICKET_TITLE}" for k, t in enumerate(TICKETS)
    ]
    return "\n".join(rows) + "\n"


def _edges() -> str:
    rows = ["from,to,time,thread"]
    rows += [f"{IDS[k]},{IDS[k + 6]},2025-01-{10 + k} 10:00:00,{EDGE_THREADS[k % 2]}" for k in range(6)]
    rows += [f"{IDS[k]},{IDS[(k + 1) % 12]},2025-01-{10 + k} 11:00:00,{EDGE_THREADS[0]}" for k in range(12)]
    rows.append(f"{IDS[0]},{IDS[1]},{BAD_TS_ADDRESS},{EDGE_THREADS[1]}")  # an address in the time field
    return "\n".join(rows) + "\n"


@dataclass
class Attacked:
    tmp: Path
    store: Path
    config: Path
    key: bytes
    digested: set[str]  # every value the readers handed to the keyed digest


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Attacked]:
    tmp = tmp_path_factory.mktemp("attack")
    src = tmp / "inputs" / PRIVATE_DIR
    config = write(tmp / "orgsphere.toml", f'store = "{tmp / "s.duckdb"}"\nkey_file = "{tmp / "k"}"\n'
                   f'internal_domains = ["{DOMAIN}"]\ncustomer_domains = ["bigclient.example"]\n'
                   'min_group_size = 3\n')  # fmt: skip
    digested: set[str] = set()
    original = Pseudonymiser.digest

    def recording(self: Pseudonymiser, kind: str, value: str) -> str:
        digested.add(value)
        return original(self, kind, value)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Pseudonymiser, "digest", recording)
        with orgsphere.open(config=config, bootstrap_samples=50) as ws:
            assert ws.ingest_orgchart(write(src / "people.csv", _org())).rejected == 1
            assert ws.ingest_parties(write(src / "parties.csv", f"address,kind\n{VIP},customer\n")).kept == 1
            mail = ws.ingest_mail(write(src / "mailbox.mbox", _mbox()))
            assert mail.kept > 0 and mail.rejected == 0, mail.summary()
            assert ws.ingest_calendar(write(src / "agenda.ics", _ics())).kept == 6
            assert ws.ingest_slack(_slack(src / "slack.zip")).kept == 4
            assert ws.ingest_tickets(write(src / "tickets.csv", _tickets())).kept == 3
            edges = ws.ingest_edges(write(src / "edges.csv", _edges()))
            assert (edges.kept, edges.rejected) == (18, 1)
            ws.ingest_documents(write(src / "beleid.md", "# Beleid\n\nDe interne klant staat centraal.\n"))
            key = (tmp / "k").read_text().strip()
    yield Attacked(tmp, tmp / "s.duckdb", config, bytes.fromhex(key), digested)


def _unkeyed(values: set[str]) -> dict[int, set[str]]:
    """Every plain digest of the values (as given, lowercased, without <>), cut to each prefix length."""
    forms = {f for v in values for f in (v, v.lower(), v.strip("<>").lower(), f"<{v}>")}
    full = {getattr(hashlib, h)(f.encode()).hexdigest() for f in forms for h in ("sha256", "sha1", "md5")}
    return {n: {d[:n] for d in full if len(d) >= n} for n in PREFIXES}


def _old_style_ids() -> set[str]:
    """The strings the readers hashed without a key before: Message-ID with sender and date, the no-Message-ID
    fallback, Slack folder and time, event UID and start, ticket numbers lowercased."""
    recorded: set[str] = set()
    for _line, lines, _refused in iter_mbox(io.BytesIO(_mbox().encode())):
        parse_headers(lines, lambda kind, value: recorded.add(value) or value)  # type: ignore[func-returns-value]
    recorded |= {"no-id:" + v for v in recorded}
    recorded |= {f"{folder}|{ts}" for folder in (SLACK_CHANNEL, SLACK_DM) for ts in SLACK_TS}
    recorded |= {f"{uid}|{start}" for uid in UIDS for start in ("2025-01-06T09:00:00", "2025-01-07T13:00:00")}
    return recorded | {t.lower() for t in TICKETS}


def _leaks(cells: dict[str, list[str]], digested: set[str]) -> list[str]:
    """What an attacker finds in ``cells`` (where -> texts): raw values, and plain digests of raw values or of
    the identifiers the readers keyed."""
    plain = _unkeyed(set(RAW) | digested | _old_style_ids())
    found = []
    for where, texts in cells.items():
        for text in texts:
            low = text.lower()
            found += [f"{where}: raw {raw!r}" for raw in RAW if raw.lower() in low]
            for token in HEX.findall(low):
                found += [f"{where}: unkeyed digest {token}" for n in PREFIXES if token[:n] in plain[n]]
    return found


def _store_cells(store: Path) -> dict[str, list[str]]:
    """Every VARCHAR value of every table of the store, by table.column."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        columns = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                              "WHERE data_type = 'VARCHAR' ORDER BY 1, 2").fetchall()  # fmt: skip
        return {f"{t}.{c}": [r[0] for r in con.execute(f'SELECT "{c}" FROM "{t}" WHERE "{c}" IS NOT NULL').fetchall()]
                for t, c in columns}  # fmt: skip
    finally:
        con.close()


def test_the_attack_finds_what_it_looks_for() -> None:
    """The scan is not blind: a raw value, a plain digest at a used prefix length, a no-Message-ID fallback
    hashed the old way, all are found."""
    assert _leaks({"x": [f"a {PRIVATE_DIR}/b"]}, set())
    assert _leaks({"x": ["mail:" + hashlib.sha256(MESSAGE_IDS[0].encode()).hexdigest()[:16] + ":0"]}, set())
    assert _leaks({"x": [hashlib.md5(TICKETS[0].lower().encode()).hexdigest()[:20]]}, set())
    assert _leaks({"x": [hashlib.sha256(f"{SLACK_CHANNEL}|{SLACK_TS[0]}".encode()).hexdigest()[:16]]}, set())
    assert not _leaks({"x": ["a keyed id 0123456789abcdef", "Sales", DOMAIN]}, set())


def test_no_raw_value_nor_unkeyed_digest_in_any_column_of_the_store(attacked: Attacked) -> None:
    cells = _store_cells(attacked.store)
    assert sum(map(len, cells.values())) > 300  # the store is full: interactions, rejects, log, people, ...
    assert _leaks(cells, attacked.digested) == []
    # the ids are there, keyed: the attacker's scan looked where they are
    pseudo = Pseudonymiser(attacked.key)
    assert pseudo.digest("ticket", TICKETS[0].lower()) in cells["work_items.item_id"]
    assert pseudo.digest("message-id", MESSAGE_IDS[0].lower()) in cells["interactions.thread_id"]
    assert pseudo.digest("thread", EDGE_THREADS[0]) in cells["interactions.thread_id"]
    assert pseudo.digest("event uid", UIDS[0]) in cells["interactions.thread_id"]
    # the readers keyed every identifier they met, the fallback of the message without a Message-ID too
    assert {TICKETS[0].lower(), MESSAGE_IDS[0].lower(), UIDS[0], EDGE_THREADS[0]} <= attacked.digested
    assert any(v.startswith(f"{EMAILS[5]}|{EMAILS[6]},") for v in attacked.digested)
    # sources by their file name; the bad rows by what their field held, never its text
    assert {"people.csv", "mailbox.mbox", "agenda.ics", "slack.zip", "tickets.csv", "edges.csv", "beleid.md"} <= set(
        cells["ingest_log.source"])
    assert sorted(cells["rejects.value_kind"]) == ["an address", "an address"]
    assert cells["people.title"] == []  # keep_titles is off


def test_job_titles_are_kept_only_where_keep_titles_says_so(tmp_path: Path) -> None:
    people = write(tmp_path / "people.csv", _org())
    for keep, expected in ((False, set()), (True, set(TITLES))):
        with orgsphere.open(tmp_path / f"{keep}.duckdb", key_file=tmp_path / "k", keep_titles=keep) as ws:
            ws.ingest_orgchart(people)
            assert {r[0] for r in ws.store.raw.execute("SELECT title FROM people WHERE title IS NOT NULL").fetchall()} \
                == expected  # fmt: skip
            if keep:  # the titles stay in the store: the analyses and their outputs do not show them
                assert TITLES[0] not in str([t.arrow.to_pylist() for t in ws.analyse().tables()])


def _table_cells(tables: dict[str, pa.Table]) -> dict[str, list[str]]:
    return {f"{name}.{column}": [str(v) for v in t.column(column).to_pylist() if v is not None]
            for name, t in tables.items() for column in t.column_names}  # fmt: skip


def test_no_raw_value_in_the_api_tables_nor_the_exports(attacked: Attacked, capsys: pytest.CaptureFixture[str]) -> None:
    with orgsphere.open(config=attacked.config, read_only=True, bootstrap_samples=50) as ws:
        results = ws.analyse()
    tables = {t.name: t.arrow for t in results.tables()}
    assert sum(t.num_rows for t in tables.values()) > 20  # figures, not only suppressed rows
    cells = _table_cells(tables) | {"statement": [json.dumps(results.statement.as_dict(), default=str)]}
    assert _leaks(cells, attacked.digested) == []
    config = ["--config", str(attacked.config), "--setting", "bootstrap_samples=50"]
    for fmt in ("csv", "parquet", "xlsx"):
        out = attacked.tmp / f"export-{fmt}"
        code, _, err = run_cli(["export", *config, "--format", fmt, "--out", str(out)], capsys)
        assert code == 0, err
        written = sorted(out.iterdir())
        assert len(written) > 10
        cells = {}
        for path in written:
            if path.suffix == ".parquet":
                cells |= _table_cells({path.name: pq.read_table(path)})
            elif path.suffix == ".xlsx":
                book = openpyxl.load_workbook(path, read_only=True)
                cells[path.name] = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True)
                                    for v in row if v is not None]  # fmt: skip
                book.close()
            else:
                cells[path.name] = [path.read_text(encoding="utf-8")]
        assert {p.suffix for p in written} == {f".{fmt}", ".json"}
        assert _leaks(cells, attacked.digested) == [], fmt


def test_no_raw_value_in_the_report(attacked: Attacked, capsys: pytest.CaptureFixture[str]) -> None:
    out = attacked.tmp / "report.html"
    code, _, err = run_cli(["report", "--config", str(attacked.config), "--setting", "bootstrap_samples=50", "--out",
                            str(out)], capsys)  # fmt: skip
    assert code in (0, 4), err  # (4: the data check found something to say about this tiny organisation)
    html = out.read_text(encoding="utf-8")
    assert "mailbox.mbox" in html and "tickets.csv" in html  # the sources table, by file name
    assert _leaks({"report.html": [html]}, attacked.digested) == []
