"""Many organisations, defined: who is staff, self-addressed copies and the minimum size, each recomputed
independently (pandas and numpy) on a seeded corpus of 60 organisations and held against orgsphere's fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import orgsphere
from orgsphere.report.verdicts import headline_text
from orgsphere.science.organisations import SMALL, Definitions, definitions_of, derive_orgchart, write_orgchart
from orgsphere.settings import load_settings

ORGANISATIONS = 60


def corpus(folder: Path, seed: int = 7) -> Path:
    """60 organisations o0..o59 of 2 to 150 addresses (log-uniform). In each, some addresses only receive mail
    (listeners: a share that grows with size) and some receive mail and send only copies to themselves
    (self-copiers); the others write 8 messages each inside and about 3·N^(2/3) in all to other organisations,
    and a few to free mail. Every address receives at least one message from a writer of its organisation."""
    rng = np.random.default_rng(seed)
    sizes = np.round(np.exp(rng.uniform(np.log(2), np.log(150), ORGANISATIONS))).astype(int)
    rows: list[tuple[str, str]] = []
    for i, n in enumerate(sizes):
        people = [f"p{j}@o{i}.example" for j in range(n)]
        listen_share = 0.1 + 0.3 * np.log(n) / np.log(150)
        role = rng.choice(["writer", "listener", "self"], size=n, p=[0.9 - listen_share, listen_share, 0.1])
        role[0] = "writer"
        writers = [p for p, r in zip(people, role, strict=True) if r == "writer"]
        rows += [(p, p) for p, r in zip(people, role, strict=True) if r == "self"]  # the self-addressed copies
        rows += [(str(rng.choice(writers)), p) for p in people]  # everyone receives something from inside
        for w in writers:
            rows += [(w, people[k]) for k in rng.integers(0, n, 8) if people[k] != w]
        for _ in range(int(round(3 * n ** (2 / 3) * np.exp(rng.normal(0, 0.3))))):
            j = int(rng.integers(0, ORGANISATIONS))
            if j != i:
                rows.append((str(rng.choice(writers)), f"p{int(rng.integers(0, sizes[j]))}@o{j}.example"))
        rows.append((writers[0], f"friend{i}@gmail.com"))
    frame = pd.DataFrame(rows, columns=["from", "to"])
    path = folder / "corpus.csv"
    frame.to_csv(path, index=False)
    return path


def expected(edges: pd.DataFrame, d: Definitions) -> tuple[float, int, int]:
    """The slope of log B on log size over the organisations, independently: staff by the definitions, B =
    (contacts crossing the boundary) / (contacts inside), size = staff at an end of a contact; the number of
    organisations fitted and of those left out for their size."""
    own = edges["from"] == edges["to"]
    contacts = edges[~own]
    did = pd.DataFrame({"address": pd.concat([contacts["from"], contacts["to"], edges.loc[own, "from"]]),
                        "what": ["sent"] * len(contacts) + ["received"] * len(contacts) + ["self"] * int(own.sum())})
    flags = pd.crosstab(did["address"], did["what"]).reindex(columns=["sent", "received", "self"], fill_value=0) > 0
    is_staff = flags["sent"] | (flags["received"] if d.staff == "active" else False)
    if d.self_copies:
        is_staff = is_staff | flags["self"]
    staff = pd.Series(flags.index[is_staff], name="address")
    staff = staff[~staff.str.endswith("@gmail.com")]
    org = staff.str.split("@").str[1]
    counts = org.value_counts()
    kept = set(counts[counts >= d.min_size].index)
    member = dict(zip(staff[org.isin(kept)], org[org.isin(kept)], strict=True))
    a, b = contacts["from"].map(member), contacts["to"].map(member)
    intra = a[a == b].value_counts()
    crossing = pd.concat([a[a.notna() & (a != b)], b[b.notna() & (a != b)]]).value_counts()
    active = pd.concat([contacts.loc[a.notna(), "from"], contacts.loc[b.notna(), "to"]]).drop_duplicates()
    size = active.map(member).value_counts()
    table = pd.DataFrame({"intra": intra, "crossing": crossing, "size": size}).fillna(0)
    table = table[(table["intra"] > 0) & (table["crossing"] > 0)]
    b = (table["crossing"] / table["intra"]).to_numpy()
    slope = np.polyfit(np.log(table["size"].to_numpy(float)), np.log(b), 1)
    return float(slope[0]), len(table), int((counts < d.min_size).sum())


DEFINITIONS = [Definitions("active", False, 5), Definitions("senders", False, 5), Definitions("senders", True, 5),
               Definitions("active", True, 5), Definitions("active", False, 15)]  # fmt: skip


def test_each_definition_gives_the_independent_slope(tmp_path: Path) -> None:
    edges_path = corpus(tmp_path)
    edges = pd.read_csv(edges_path)
    slopes = {}
    for k, d in enumerate(DEFINITIONS):
        settings = load_settings(None, cli={"store": str(tmp_path / f"s{k}.duckdb"), "key_file": str(tmp_path / "k"),
                                            "bootstrap_samples": 50, "null_samples": 20, "min_group_size": 1,
                                            "org_staff": d.staff, "org_self_copies": d.self_copies,
                                            "org_min_size": d.min_size})  # fmt: skip
        chart, outside = derive_orgchart([edges_path], settings, columns={"src": "from", "dst": "to"})
        slope, fitted, small = expected(edges, d)
        assert definitions_of(chart) == Definitions(d.staff, d.self_copies, d.min_size, small)
        assert (outside[SMALL] > 0) == (small > 0)
        write_orgchart(chart, tmp_path / f"org{k}.csv")
        with orgsphere.Workspace(settings) as ws:
            ws.ingest_orgchart(tmp_path / f"org{k}.csv")
            ws.ingest_edges(edges_path, {"src": "from", "dst": "to"})
            results = ws.analyse()
            if k == 0:  # the report leads with it and states the definitions, in both languages
                html = ws.report(tmp_path / "r.html", lang="nl", results=results).read_text(encoding="utf-8")
                assert f"Bij {fitted} organisaties volgt B" in html and "elk adres van haar domeinen dat mail " \
                    "verstuurde of ontving; kopieën aan zichzelf tellen niet mee" in html
                assert "de helling van R bij" not in html  # no ball dimension read from R against free mail
        head = results.headline()
        assert results.many_organisations and head.across == "organisations" and head.fit is results.fit("B")
        assert head.definitions == definitions_of(chart).to_dict()
        assert head.fit is not None and head.fit.n_units == fitted >= 30
        assert head.fit.slope == pytest.approx(slope, abs=1e-9)
        text = headline_text(results)
        assert text.startswith(f"Across {fitted} organisations, B ") and f"fewer than {d.min_size} staff" in text
        slopes[d] = slope
    default, senders, senders_self, active_self, larger = (slopes[d] for d in DEFINITIONS)
    assert abs(senders - default) > 0.02  # listeners are staff or outside: the figure changes
    assert abs(senders_self - senders) > 1e-3  # self-copiers who receive are staff only through their copies
    assert active_self == pytest.approx(default, abs=1e-12)  # they receive mail, so they are active anyway
    assert abs(larger - default) > 1e-3  # fewer, larger organisations


SELF_MAIL = """From ann@alpha.example Mon Mar  3 09:00:00 2025
From: ann@alpha.example
To: ann@alpha.example
Cc: bob@beta.example
Message-ID: <1@alpha.example>

A note to self, copied to Bob.

From bob@beta.example Mon Mar  3 10:00:00 2025
From: bob@beta.example
To: bob@beta.example
Bcc: Bob <BOB@beta.example>
Message-ID: <2@beta.example>

Only to himself.
"""


def test_mail_self_copies_the_json_and_a_plain_org_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from orgsphere.cli import main

    mbox = tmp_path / "self.mbox"
    mbox.write_text(SELF_MAIL, encoding="utf-8")
    base = ["--store", str(tmp_path / "s.duckdb"), "--key-file", str(tmp_path / "k"), "--setting", "org_min_size=1"]
    main([*base, "--setting", "org_staff=senders", "organisations", str(mbox), "--out", str(tmp_path / "o.csv"),
          "--json"])  # fmt: skip
    found = json.loads(capsys.readouterr().out)
    # ann sent to bob; bob's only sending was to himself, which is no activity by default
    assert found["addresses"] == 1 and found["outside"] == {"of an organisation's domain, not staff (org_staff, "
                                                            "org_self_copies)": 1}  # fmt: skip
    assert found["definitions"] == {"org_staff": "senders", "org_self_copies": False, "org_min_size": 1,
                                    "small_organisations": 0}  # fmt: skip
    main([*base, "--setting", "org_staff=senders", "--setting", "org_self_copies=true", "organisations", str(mbox),
          "--out", str(tmp_path / "o.csv")])  # fmt: skip
    printed = capsys.readouterr().out
    assert "2 addresses in 2 organisations" in printed and "self-addressed copies count (org_self_copies=true)" \
        in printed and "(org_staff=senders): every address of an organisation's domains that sent mail" in printed
    # the store keeps the definitions of the derived chart, and forgets them for a chart not derived
    settings = load_settings(None, cli={"store": str(tmp_path / "s.duckdb"), "key_file": str(tmp_path / "k")})
    with orgsphere.Workspace(settings) as ws:
        ws.ingest_orgchart(tmp_path / "o.csv")
        assert ws.store.meta("organisations") is not None
        plain = tmp_path / "plain.csv"
        plain.write_text("person,unit\nann@alpha.example,A\n", encoding="utf-8")
        ws.ingest_orgchart(plain)
        assert ws.store.meta("organisations") is None
