"""Many organisations: one corpus split by email domain, and organisations analysed apart compared."""

from __future__ import annotations

import gzip
import mailbox
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import orgsphere
from orgsphere.cli import main
from orgsphere.errors import InputError
from orgsphere.science.organisations import (
    NO_CONTACT,
    compare,
    derive_orgchart,
    read_domain_map,
)
from orgsphere.settings import load_settings

from .conftest import write

SIZES = [6, 9, 14, 20, 30, 45, 70, 100, 150]


def corpus(folder: Path, seed: int = 0) -> Path:
    """Organisations o0..o8 (o3 also writes from mail.o3.example), each with 20·N messages inside and
    6·N^(2/3) to other organisations' people, the receiving organisation drawn in proportion to N^(2/3)
    (its surface), plus mail to free mail addresses and a mailing-list host."""
    rng = np.random.default_rng(seed)
    people = {i: [f"p{j}@{'mail.' if i == 3 and j % 2 else ''}o{i}.example" for j in range(n)]
              for i, n in enumerate(SIZES)}  # fmt: skip
    surface = np.array([n ** (2 / 3) for n in SIZES])
    rows = ["from,to"]
    for i, n in enumerate(SIZES):
        a = rng.integers(0, n, 20 * n)
        b = (a + rng.integers(1, n, a.size)) % n
        rows += [f"{people[i][x]},{people[i][y]}" for x, y in zip(a, b, strict=True)]
        weights = surface.copy()
        weights[i] = 0
        for _ in range(int(round(6 * n ** (2 / 3) * np.exp(rng.normal(0, 0.15))))):
            j = rng.choice(len(SIZES), p=weights / weights.sum())
            rows.append(f"{rng.choice(people[i])},{rng.choice(people[j])}")
        rows.append(f"{people[i][0]},someone@gmail.com")
        rows.append(f"{people[i][0]},announce@lists.example.org")
    return write(folder / "corpus.csv", "\n".join(rows) + "\n")


def test_corpus_of_many_organisations_gives_the_cross_organisation_exponent(tmp_path: Path) -> None:
    edges = corpus(tmp_path)
    domain_map = write(tmp_path / "domains.csv", "domain,organisation\no3.example,Org Three\n")
    settings = load_settings(None, cli={"store": str(tmp_path / "s.duckdb"), "key_file": str(tmp_path / "k"),
                                        "bootstrap_samples": 500, "null_samples": 100})  # fmt: skip
    table, outside = derive_orgchart([edges], settings, read_domain_map(domain_map), exclude=["lists.example.org"],
                                     columns={"src": "from", "dst": "to"})  # fmt: skip
    units = table["unit"].to_pylist()
    assert len(set(units)) == len(SIZES) and units.count("Org Three") == SIZES[3]  # both o3 domains merged
    assert outside == {"free mail service": 1, "excluded domain": 1}
    pacsv.write_csv(table, tmp_path / "org.csv")
    with orgsphere.Workspace(settings) as ws:
        ws.ingest_orgchart(tmp_path / "org.csv")
        ws.ingest_edges(edges, {"src": "from", "dst": "to"})
        results = ws.analyse()
    fit = results.fit("B")
    # independently, from the raw corpus: each organisation's messages inside and across its boundary
    raw = pacsv.read_csv(edges).to_pylist()

    def org(address: str) -> str | None:
        domain = address.split("@")[1]
        if domain in ("gmail.com", "lists.example.org"):
            return None
        return "Org Three" if domain.endswith("o3.example") else domain

    inside: dict[str, int] = {}
    boundary: dict[str, int] = {}
    for r in raw:
        a, b = org(r["from"]), org(r["to"])
        if a is not None and a == b:
            inside[a] = inside.get(a, 0) + 1
            continue
        for me in (a, b):
            if me is not None:
                boundary[me] = boundary.get(me, 0) + 1
    names = sorted(inside)
    size = {u: units.count(u) for u in names}
    x = np.log([size[u] for u in names])
    y = np.log([boundary[u] / inside[u] for u in names])
    assert fit.n_units == len(SIZES) and fit.slope == pytest.approx(np.polyfit(x, y, 1)[0], abs=1e-9)
    assert -0.5 < fit.slope < -0.25 and fit.differs_from_null and fit.null_slope < -0.8


# a mailing-list archive: alpha (two domains), beta and gamma write through lists.example.org; eve uses free mail;
# an automated sender and an auto-reply bring the only addresses of gus and hal, which the mail ingest rejects
ARCHIVE = """From ann@alpha.example Mon Mar  3 09:00:00 2025
From: "Smith, Ann" <Ann@Alpha.example>
To: bob@beta.example
Cc: Carl <carl@gamma.example>, "The list" <dev@lists.example.org>
Subject: plans
Message-ID: <1@alpha.example>
Date: Mon, 3 Mar 2025 09:00:00 +0000

>From the body: From: nobody@body.example is not a header.

From bob@beta.example Mon Mar  3 10:00:00 2025
From: bob@beta.example
To: ann@alpha.example,
 dora@mail.alpha.example (Dora)
Message-ID: <2@beta.example>
Date: Mon, 3 Mar 2025 10:00:00 +0000

Reply.

From eve@gmail.com Mon Mar  3 11:00:00 2025
From: Eve <eve@gmail.com>
To: carl@gamma.example
Bcc: fay@gamma.example
Message-ID: <3@gmail.com>
Date: Mon, 3 Mar 2025 11:00:00 +0000

Hello.

From noreply@delta.example Mon Mar  3 12:00:00 2025
From: Tracker <noreply@delta.example>
To: ann@alpha.example, gus@delta.example
Message-ID: <4@delta.example>
Date: Mon, 3 Mar 2025 12:00:00 +0000

Ticket 42 was updated.

From hal@epsilon.example Mon Mar  3 13:00:00 2025
From: hal@epsilon.example
To: bob@beta.example
Auto-Submitted: auto-replied
Message-ID: <5@epsilon.example>
Date: Mon, 3 Mar 2025 13:00:00 +0000

I am away.
"""
# the same messages as an edge list: one row per recipient of each message a person sent
ARCHIVE_EDGES = """from,to
ann@alpha.example,bob@beta.example
ann@alpha.example,carl@gamma.example
ann@alpha.example,dev@lists.example.org
bob@beta.example,ann@alpha.example
bob@beta.example,dora@mail.alpha.example
eve@gmail.com,carl@gamma.example
eve@gmail.com,fay@gamma.example
"""
ARCHIVE_CHART = [("ann@alpha.example", "Alpha"), ("bob@beta.example", "beta.example"),
                 ("carl@gamma.example", "gamma.example"), ("dora@mail.alpha.example", "Alpha"),
                 ("fay@gamma.example", "gamma.example")]  # fmt: skip


def _settings(tmp_path: Path, **more: object):  # type: ignore[no-untyped-def]
    """Settings of a small archive: every organisation of one or two people is a unit (org_min_size 1)."""
    return load_settings(None, cli={"store": str(tmp_path / "s.duckdb"), "key_file": str(tmp_path / "k"),
                                    "org_min_size": 1, **more})


def _chart(table: pa.Table) -> list[tuple[str, str]]:
    assert set(table["parent"].to_pylist()) == {"(corpus)"}
    return list(zip(table["person"].to_pylist(), table["unit"].to_pylist(), strict=True))


def test_a_mail_archive_gives_the_org_chart_of_its_edge_list(tmp_path: Path) -> None:
    mbox = write(tmp_path / "archive.mbox", ARCHIVE)
    edges = write(tmp_path / "archive.csv", ARCHIVE_EDGES)
    args = {"domain_map": {"alpha.example": "Alpha"}, "exclude": ["lists.example.org"]}
    from_mail, outside_mail = derive_orgchart([mbox], _settings(tmp_path), **args)
    from_edges, outside_edges = derive_orgchart([edges], _settings(tmp_path), columns={"src": "from", "dst": "to"},
                                                **args)  # fmt: skip
    assert _chart(from_mail) == _chart(from_edges) == ARCHIVE_CHART
    assert outside_edges == {"free mail service": 1, "excluded domain": 1}
    assert outside_mail == {"free mail service": 1, "excluded domain": 1, NO_CONTACT: 3}  # tracker, gus, hal
    # the rules are the mail ingest's: without the automated word, the tracker's mail is a contact
    settings = _settings(tmp_path, automated_senders="bounce")
    persons = derive_orgchart([mbox], settings, **args)[0]["person"].to_pylist()
    assert {"noreply@delta.example", "gus@delta.example"} <= set(persons) and "hal@epsilon.example" not in persons


def test_a_maildir_with_subfolders_and_a_folder_of_eml_files(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    sent = box.add_folder("Sent")
    for folder, (sender, to) in [(box, ("ann@alpha.example", "bob@beta.example")),
                                 (sent, ("carl@gamma.example", "Dora <dora@alpha.example>")),
                                 (box, ("no-reply@beta.example", "eve@delta.example"))]:  # fmt: skip
        message = mailbox.MaildirMessage()
        message["From"], message["To"], message["Message-ID"] = sender, to, f"<{len(list(folder))}@{sender}>"
        message.set_payload("Body.\n")
        folder.add(message)
    write(tmp_path / "eml" / "2025" / "a.eml", "From: fay@zeta.example\nTo: ann@alpha.example\n\nBody\n")
    table, outside = derive_orgchart([tmp_path / "Maildir", tmp_path / "eml"], _settings(tmp_path))
    assert _chart(table) == [("ann@alpha.example", "alpha.example"), ("bob@beta.example", "beta.example"),
                             ("carl@gamma.example", "gamma.example"), ("dora@alpha.example", "alpha.example"),
                             ("fay@zeta.example", "zeta.example")]  # fmt: skip
    assert outside == {NO_CONTACT: 2}  # the no-reply sender and its only recipient


def test_mail_and_edge_lists_in_one_call(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    mbox = write(tmp_path / "list" / "2025-March.txt", ARCHIVE)  # a mailing-list archive as the list serves it
    edges = write(tmp_path / "crm.csv", "sender,receiver\nann@alpha.example,kim@kappa.example\n"
                  "kim@kappa.example,joe@hotmail.com\n")  # fmt: skip
    domains = write(tmp_path / "domains.csv", "domain,organisation\nalpha.example,Alpha\n")
    out = tmp_path / "organisations.csv"
    main(["organisations", str(mbox), str(edges), "--domain-map", str(domains), "--exclude", "lists.example.org",
          "--setting", "org_min_size=1",
          "--map", "src=sender", "--map", "dst=receiver", "--out", str(out)])  # fmt: skip
    rows = pacsv.read_csv(out).to_pylist()
    assert [(r["person"], r["unit"]) for r in rows] == sorted(ARCHIVE_CHART + [("kim@kappa.example", "kappa.example")])
    printed = capsys.readouterr().out
    assert f"{out}: 6 addresses in 4 organisations" in printed
    assert "2 addresses (free mail service)" in printed and f"3 addresses ({NO_CONTACT})" in printed
    # a file that is neither mail nor an edge list is refused, naming both
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(InputError, match=r"not mail but a PDF.*An edge list is read by its suffix: \.csv"):
        derive_orgchart([mbox, pdf], _settings(tmp_path))
    gzipped = tmp_path / "2025-March.txt.gz"
    gzipped.write_bytes(gzip.compress(ARCHIVE.encode()))
    with pytest.raises(InputError, match="a compressed mbox .*decompress it first"):
        derive_orgchart([gzipped, edges], _settings(tmp_path))


def _export(folder: Path, persons: int, internal: int, external: int) -> Path:
    folder.mkdir(parents=True)
    pacsv.write_csv(pa.table({"scope": ["organisation"], "period": ["all"], "channel": ["all"],
                              "persons": [persons], "internal": [internal], "external": [external],
                              "R": [external / internal]}), folder / "sphere.csv")  # fmt: skip
    return folder


def test_compare_fits_across_organisations_analysed_apart(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    folders = []
    for i, n in enumerate([200, 500, 1200, 3000, 8000, 20000, 50000]):
        internal = 40 * n
        folders.append(_export(tmp_path / f"org{i}", n, internal, int(internal * 0.9 * n ** (-1 / 3)
                                                                     * np.exp(rng.normal(0, 0.1)))))  # fmt: skip
    table, fit = compare(folders, samples=500)
    assert table["organisation"].to_pylist()[0] == "org0" and table.num_rows == 7
    assert fit.scope == "organisations" and fit.ci_low <= -1 / 3 <= fit.ci_high


def test_compare_reads_a_real_export_and_says_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", min_group_size=1, bootstrap_samples=50)
    ws.ingest_orgchart(write(tmp_path / "org.csv", "person,unit\na,U\nb,U\n"))
    ws.ingest_edges(write(tmp_path / "e.csv", "src,dst\na,b\na,x@client.example\n"))
    ws.export(tmp_path / "export", "parquet")
    ws.close()
    table, fit = compare([tmp_path / "export"], samples=50)
    assert table.to_pylist()[0]["R"] == pytest.approx(1.0) and fit.verdict == "thin"
    with pytest.raises(InputError, match="no sphere.parquet or sphere.csv here; export the results first"):
        compare([tmp_path])
    with pytest.raises(SystemExit):
        main(["compare", str(tmp_path / "export"), "--name", "a", "--name", "b"])
    assert "2 names for 1 organisations" in capsys.readouterr().err
