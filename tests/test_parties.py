"""Declared outside parties: whatever columns a parties file has, its addresses and domains are declared."""

from __future__ import annotations

from pathlib import Path

import orgsphere

from .conftest import write

ORG = "person,email,unit\n" + "".join(f"p{i},p{i}@acme.example,{'Sales' if i < 6 else 'ICT'}\n" for i in range(11))


def _kinds(ws: orgsphere.Workspace) -> list[tuple[str, str]]:
    return ws.store.raw.execute(
        "SELECT p.kind, count(*)::INT FROM interactions i JOIN parties p ON p.party_id = i.dst GROUP BY 1 ORDER BY 1"
    ).fetchall()


def test_an_id_column_beside_the_domain_does_not_hide_the_domain(tmp_path: Path) -> None:
    """The README's own layout `id,domain,kind` ingested "3 kept" while every interaction with the domain
    stayed `other`: customer contact 0 everywhere, no warning."""
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains=["acme.example"]) as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        report = ws.ingest_parties(write(tmp_path / "parties.csv", (
            "id,domain,kind\n"
            "bigclient,bigclient.example,customer\n"
            "acct-2,,customer\n"
            "vendor,vendor.example,supplier\n"
        )))  # fmt: skip
        assert (report.kept, report.rejected) == (3, 0)
        ws.ingest_edges(write(tmp_path / "e.csv", (
            "src,dst\np0,buyer@bigclient.example\np1,ceo@bigclient.example\np2,acct-2\np3,sales@vendor.example\n"
        )))  # fmt: skip
        assert _kinds(ws) == [("customer", 3), ("supplier", 1)]
        names = dict(ws.store.raw.execute("SELECT domain, name FROM parties WHERE domain IS NOT NULL").fetchall())
        assert names == {"bigclient.example": "bigclient", "vendor.example": "vendor"}


def test_an_address_and_its_domain_on_one_row_declare_both(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains=["acme.example"]) as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        report = ws.ingest_parties(write(tmp_path / "parties.csv", (
            "name,email,domain,kind\n"
            "Big Client,buyer@bigclient.example,bigclient.example,klant\n"
            "Typo,not-an-address,,customer\n"
            "Id as mail,,,customer\n"
            "Vendor,contact@vendor.example,,supplier\n"
        )))  # fmt: skip
        assert (report.kept, report.rejected) == (2, 2)
        reasons = sorted(r[0] for r in ws.store.raw.execute("SELECT reason FROM rejects").fetchall())
        assert reasons == ["address must look like name@example.com", "row has no id, address or domain"]
        ws.ingest_edges(write(tmp_path / "e.csv", "src,dst\np0,buyer@bigclient.example\np1,other@bigclient.example\n"))
        assert _kinds(ws) == [("customer", 2)]
        # the address is stored pseudonymised, never in clear
        assert "buyer" not in str(ws.store.raw.execute("SELECT * FROM parties").fetchall())


def test_parties_declared_after_the_interactions_reclassify_them(tmp_path: Path) -> None:
    """Customers declared after the mail was ingested were refused ("party was declared other before") and
    never counted, whatever the user did next."""
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains=["acme.example"]) as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        ws.ingest_edges(write(tmp_path / "e.csv", "src,dst\np0,buyer@bigclient.example\n"
                              "p1,Piet <piet@bigclient.example>\np2,info@vendor.example\n"))  # fmt: skip
        assert _kinds(ws) == [("other", 3)]
        report = ws.ingest_parties(write(tmp_path / "parties.csv", "id,domain,kind\nbig,bigclient.example,customer\n"))
        assert (report.kept, report.rejected) == (1, 0)
        assert any("declared now" in n for n in report.notes)
        assert _kinds(ws) == [("customer", 2), ("other", 1)]
        # a real conflict between two declarations is still refused
        again = write(
            tmp_path / "p2.csv", "id,domain,kind\nbig,bigclient.example,supplier\nv,vendor.example,supplier\n"
        )
        assert ws.ingest_parties(again).rejected == 1


def test_messy_address_cells_are_rejected_not_guessed(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains=["acme.example"],
                        max_reject_share=1.0) as ws:  # fmt: skip
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        report = ws.ingest_edges(write(tmp_path / "e.csv", (
            'src,dst,ts\n'
            '"Ann <p0@acme.example>",p1,2025-01-01\n'             # a display name: the person p0
            'p1,"piet@klant.example; kees@b.example",2025-01-01\n'  # two addresses in one cell
            'p2,"Piet <piet@klant.example>;x",2025-01-01\n'      # text around an address
            'p3,p4,piet.jansen@klant.example\n'                  # an address in the time column
        )))  # fmt: skip
        assert (report.kept, report.rejected) == (1, 3)
        rows = ws.store.raw.execute("SELECT reason, value_kind FROM rejects ORDER BY locator").fetchall()
        assert [r[0].split(",")[0] for r in rows[:2]] == ["dst holds several addresses"] * 2
        assert rows[2][1] == "an address"  # what the field held, never the address
        assert "piet" not in str(ws.store.raw.execute("SELECT * FROM rejects, parties").fetchall())
