"""Addresses that stand for a unit, not a person: a shared mailbox (servicedesk@), a team or list address. The
units YAML names them under ``addresses``; mail to or from one is the unit's, and without it the reject says
how to name it."""

import textwrap
from pathlib import Path

import pytest

import orgsphere
from orgsphere.analysis.placed import placed_interactions
from orgsphere.errors import InputError
from orgsphere.report.processing import REASONS

from .conftest import write

TREE = textwrap.dedent("""
    name: Acme
    kind: line
    units:
      - name: Sales
      - name: ICT
        kind: staff
        function: ict
        addresses: [ServiceDesk@acme.example, ict-team@lists.acme.example]
      - name: HR
        kind: staff
        function: hr
        addresses: hr-desk@acme.example
""")
PEOPLE = "person,email,unit\nann,ann@acme.example,Sales\nbob,bob@acme.example,ICT\ncid,cid@acme.example,HR\n"
MBOX = textwrap.dedent("""\
    From ann@acme.example Mon Jan  1 00:00:00 2024
    From: Ann <ann@acme.example>
    To: "Service Desk" <servicedesk@ACME.example>, hr-desk@acme.example
    Date: Mon, 01 Jan 2024 10:00:00 +0100
    Message-ID: <m1@acme.example>

    body

    From x Tue Jan  2 00:00:00 2024
    From: bob@acme.example
    To: ict-team@lists.acme.example
    List-Id: ICT team <ict-team.lists.acme.example>
    Date: Tue, 2 Jan 2024 09:00:00 GMT
    Message-ID: <m2@acme.example>

    body

    From x Wed Jan  3 00:00:00 2024
    From: servicedesk@acme.example
    To: ann@acme.example, all-staff@acme.example
    Date: Wed, 3 Jan 2024 09:00:00 +0000
    Message-ID: <m3@acme.example>

    body
""")
GOOD = textwrap.dedent("""
    From x Thu Jan  4 00:00:00 2024
    From: ann@acme.example
    To: bob@acme.example, servicedesk@acme.example
    Date: Thu, 4 Jan 2024 09:00:00 +0000
    Message-ID: <m4@acme.example>

    body
""")


@pytest.fixture
def acme(tmp_path: Path) -> orgsphere.Workspace:
    return orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example")


def test_mail_to_and_from_a_units_address_is_the_units(acme: orgsphere.Workspace, tmp_path: Path) -> None:
    acme.ingest_orgchart(write(tmp_path / "units.yaml", TREE), write(tmp_path / "people.csv", PEOPLE))
    report = acme.ingest_mail(write(tmp_path / "box.mbox", MBOX))
    assert (report.rows, report.kept, report.rejected) == (5, 4, 1)
    rows = acme.store.query("SELECT src, src_kind, dst, dst_kind, channel FROM interactions "
                            "ORDER BY ts, dst").to_pylist()  # fmt: skip
    ends = [(r["src_kind"], r["dst_kind"], r["dst"] if r["dst_kind"] == "unit" else r["src"]) for r in rows]
    assert ends == [("person", "unit", "HR"), ("person", "unit", "ICT"),  # ann to two shared mailboxes
                    ("person", "unit", "ICT"),  # bob to his team's list, in an internal subdomain
                    ("unit", "person", "ICT")]  # the service desk answers ann  # fmt: skip
    assert [r["channel"] for r in rows] == ["email", "email", "email-list", "email"]
    # the analyses place a unit end in its unit, like a person of it
    with acme.source() as source:
        placed = placed_interactions(source).to_pyarrow().to_pylist()
    assert sorted((p["src_unit"], p["dst_unit"]) for p in placed) == [
        ("ICT", "ICT"), ("ICT", "Sales"), ("Sales", "HR"), ("Sales", "ICT")]
    # an internal address the chart does not have is still rejected, now with both fixes named
    (reason,) = [r for (r,) in acme.store.raw.execute("SELECT reason FROM rejects").fetchall()]
    assert reason == ("dst is an address in the internal domain acme.example that is not in the org chart (add the "
                      "person, or their email column, to the org chart; a shared mailbox or list address: give it "
                      "to its unit, under addresses in the units YAML)")  # fmt: skip
    assert REASONS["internal_not_in_chart"].fullmatch(reason)  # (the report translates it)
    assert not any("servicedesk" in str(v) for r in rows for v in r.values())  # addresses never stored in clear


def test_a_units_address_named_later_is_read_when_the_mail_is_read_again(tmp_path: Path) -> None:
    acme = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains="acme.example",
                          max_reject_share=0.9)  # fmt: skip
    tree = write(tmp_path / "bare.yaml", "\n".join(line for line in TREE.splitlines() if "addresses" not in line))
    acme.ingest_orgchart(tree, write(tmp_path / "people.csv", PEOPLE))
    box = write(tmp_path / "box.mbox", MBOX + GOOD)
    report = acme.ingest_mail(box)
    assert (report.kept, report.rejected, report.failed) == (1, 6, None)  # only ann -> bob
    acme.ingest_orgchart(write(tmp_path / "units.yaml", TREE), tmp_path / "people.csv")
    with orgsphere.replacing():  # the mail read again: each message's rows replace those the store holds of it
        report = acme.ingest_mail(box)
    assert (report.rows, report.kept, report.rejected, report.recognised) == (7, 6, 1, 0)
    rows = acme.store.raw.execute("SELECT src_kind, dst_kind, count(*) FROM interactions GROUP BY ALL "
                                  "ORDER BY ALL").fetchall()  # fmt: skip
    assert rows == [("person", "person", 1), ("person", "unit", 4), ("unit", "person", 1)]  # ann -> bob once
    assert acme.store.raw.execute("SELECT count(*) FROM rejects").fetchone() == (1,)  # all-staff@ alone
    with orgsphere.replacing():  # and again: nothing changes, nothing is counted twice
        report = acme.ingest_mail(box)
    assert (report.kept, report.rejected) == (6, 1)
    assert acme.store.raw.execute("SELECT count(*) FROM interactions").fetchone() == (6,)
    # the chart replaced without the addresses takes them away (the same files as at first: read again)
    with orgsphere.replacing():
        acme.ingest_orgchart(tree, tmp_path / "people.csv")
    assert acme.store.raw.execute("SELECT count(*) FROM unit_addresses").fetchone() == (0,)


@pytest.mark.parametrize(("addresses", "expected"), [
    ("[desk@acme.example, 'Desk <desk@acme.example>']", None),  # the same address twice for one unit: fine
    ("not an address", r"units\.yaml: unit 1 > 2 \(ICT\): addresses holds 'not an address', not one email address"),
    ("['a@acme.example; b@acme.example']", r"not one email address; give a list of addresses"),
    ("[42]", r"addresses holds '42', not one email address"),
])  # fmt: skip
def test_an_address_that_is_not_one_is_refused_with_the_unit_named(acme: orgsphere.Workspace, tmp_path: Path,
                                                                   addresses: str, expected: str | None) -> None:
    tree = TREE.replace("[ServiceDesk@acme.example, ict-team@lists.acme.example]", addresses)
    path = write(tmp_path / "units.yaml", tree)
    if expected is None:
        acme.ingest_orgchart(path)
        assert acme.store.raw.execute("SELECT count(*) FROM unit_addresses").fetchone() == (2,)
    else:
        with pytest.raises(InputError, match=expected):
            acme.ingest_orgchart(path)


def test_one_address_for_two_units_or_a_person_is_said(acme: orgsphere.Workspace, tmp_path: Path) -> None:
    twice = TREE.replace("addresses: hr-desk@acme.example", "addresses: servicedesk@acme.example")
    with pytest.raises(InputError, match=r"unit 1 > 3 \(HR\): address servicedesk@acme\.example is already the "
                                         r"address of unit 'ICT' \(units\.yaml unit 'ICT'\); give it to one unit"):
        acme.ingest_orgchart(write(tmp_path / "units.yaml", twice))
    persons = TREE.replace("addresses: hr-desk@acme.example", "addresses: cid@acme.example")
    report = acme.ingest_orgchart(write(tmp_path / "units.yaml", persons), write(tmp_path / "people.csv", PEOPLE))
    assert ("units.yaml unit 'HR': address cid@acme.example is also the email address of a person of the org chart; "
            "it stands for that person, not for unit 'HR'; remove it from one of them") in report.notes
    report = acme.ingest_mail(write(tmp_path / "box.mbox", MBOX.replace("hr-desk@", "cid@")))
    assert acme.store.raw.execute("SELECT count(*) FROM interactions WHERE dst_kind = 'person' AND src_kind = "
                                  "'person'").fetchone() == (1,)  # ann -> cid  # fmt: skip
