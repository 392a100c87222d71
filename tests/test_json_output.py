"""--json on ingest, status and analyse: valid JSON on stdout and nothing else, with the same facts as the text."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import orgsphere
from orgsphere.fits import describe

from .conftest import run_cli as run
from .conftest import write

ORG = "person,email,unit\n" + "".join(f"p{i},p{i}@acme.example,{'Sales' if i < 6 else 'ICT'}\n" for i in range(11))
# p0..p10 are in the org chart; "nobody" twice and "x9" once are not: 3 rejects, 2 reasons
EDGES = ("src,dst,ts\n" + "".join(f"p{i},p{(i + 1) % 11},2025-01-0{1 + i % 9}\n" for i in range(11))
         + "p1,nobody,2025-01-02\np2,nobody,2025-01-03\nx9,p3,2025-01-04\np4,p5,not a date\n")  # fmt: skip


def store_args(folder: Path, *more: str) -> list[str]:
    return ["--store", str(folder / "s.duckdb"), "--key-file", str(folder / "k"), *more]


def test_ingest_json_is_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    org, edges = write(tmp_path / "org.csv", ORG), write(tmp_path / "e.csv", EDGES)
    code, out, _ = run(["ingest", "orgchart", str(org), "--json", *store_args(tmp_path)], capsys)
    assert code == 0 and json.loads(out)["kept"] == 11 and json.loads(out)["failed"] is None
    code, out, _ = run(["ingest", "edges", str(edges), "--json", *store_args(tmp_path)], capsys)
    got = json.loads(out)  # the whole of stdout is one JSON object
    assert code == 0
    # the same file through the library into another store gives the same report
    other = tmp_path / "other"
    with orgsphere.open(other / "s.duckdb", key_file=other / "k") as ws:
        ws.ingest_orgchart(org)
        report = ws.ingest_edges(edges)
    expected = report.to_dict()
    assert {k: v for k, v in got.items() if k != "seconds"} == {k: v for k, v in expected.items() if k != "seconds"}
    assert (got["rows"], got["kept"], got["rejected"]) == (report.rows, report.kept, report.rejected) != (0, 0, 0)
    assert got["source"] == str(edges.resolve()) and got["kind"] == "interactions"
    assert got["skipped"] is None and got["replaced"] is False and isinstance(got["seconds"], float)
    counts = [r["count"] for r in got["reasons"]]
    assert counts == sorted(counts, reverse=True) and sum(counts) == got["rejected"]
    assert {r["reason"]: r["count"] for r in got["reasons"]} == dict(report.reasons)
    # the text says the same
    code, text, _ = run(["ingest", "edges", str(edges), "--replace", *store_args(tmp_path)], capsys)
    assert code == 0 and f"{got['rows']} rows in, {got['kept']} kept, {got['rejected']} rejected" in text
    for reason in got["reasons"]:
        assert f"rejected {reason['count']}x: {reason['reason']}" in text
    # the same bytes again: skipped, with the reason
    code, out, _ = run(["ingest", "edges", str(edges), "--json", *store_args(tmp_path)], capsys)
    again = json.loads(out)
    assert code == 0 and again["skipped"] and "--replace" in again["skipped"] and again["kept"] == 0


def test_a_failed_ingest_prints_its_json_and_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    org = write(tmp_path / "org.csv", "person,unit\nx1,Sales\nx2,ICT\n")
    assert run(["ingest", "orgchart", str(org), *store_args(tmp_path)], capsys)[0] == 0
    edges = write(tmp_path / "e.csv", EDGES)
    code, out, err = run(["ingest", "edges", str(edges), "--json", *store_args(tmp_path)], capsys)
    assert code == 3
    got = json.loads(out)
    assert got["failed"] and "nothing kept" in got["failed"] and got["kept"] == 0 and got["rejected"] == got["rows"]
    assert err.startswith("error: ") and err.count("\n") == 1 and "nothing kept" in err  # the error stays on stderr


def test_documents_json_is_a_list_of_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "docs" / "a.txt", "Wij leveren aan de interne klant volgens de SLA.\n")
    write(tmp_path / "docs" / "b.md", "# Service\n\nThe internal customer gets what the SLA says.\n")
    write(tmp_path / "docs" / "empty.txt", "   \n")
    code, out, _ = run(["ingest", "documents", str(tmp_path / "docs"), "--json", *store_args(tmp_path)], capsys)
    got = json.loads(out)
    assert code == 0 and isinstance(got, list) and len(got) == 3
    assert {Path(r["source"]).name: r["kept"] for r in got} == {"a.txt": 1, "b.md": 1, "empty.txt": 0}
    assert all(r["kind"] == "document" for r in got)
    empty = next(r for r in got if r["source"].endswith("empty.txt"))
    assert empty["rejected"] == 1 and "no text found" in empty["reasons"][0]["reason"]


def test_status_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    org, edges = write(tmp_path / "org.csv", ORG), write(tmp_path / "e.csv", EDGES)
    for args in (["orgchart", str(org)], ["edges", str(edges)]):
        assert run(["ingest", *args, *store_args(tmp_path)], capsys)[0] == 0
    code, out, _ = run(["status", "--json", *store_args(tmp_path)], capsys)
    got = json.loads(out)
    assert code == 0 and got["store"] == str(tmp_path / "s.duckdb")
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", read_only=True) as ws:
        status = ws.status()
    assert got["schema_version"] == status["schema_version"] and got["counts"] == status["counts"]
    assert [s["source"] for s in got["sources"]] == ["org.csv", "e.csv"]  # the store names files, not folders
    for shown, row in zip(got["sources"], status["sources"], strict=True):
        assert datetime.fromisoformat(shown["finished"]) == row["finished"]  # an ISO string
        assert {k: v for k, v in shown.items() if k != "finished"} == {k: v for k, v in row.items() if k != "finished"}
    code, text, _ = run(["status", *store_args(tmp_path)], capsys)
    for s in got["sources"]:
        assert f"{s['kind']:<12} {s['kept']:>10,} kept {s['rejects']:>8,} rejected  {s['source']}" in text


def _organisation(folder: Path) -> tuple[Path, Path]:
    """Acme: Front (line units F1..F4) and Back (staff units B1..B4), units of 3 to 16 persons; the smaller a
    unit, the larger its share of contact with customers and suppliers."""
    rng = random.Random(7)
    sizes = {"F1": 3, "F2": 5, "F3": 9, "F4": 16, "B1": 4, "B2": 6, "B3": 10, "B4": 14}
    org, people = ["person,unit,parent,kind"], {}
    for unit, n in sizes.items():
        parent, kind = ("Front", "line") if unit[0] == "F" else ("Back", "staff")
        people[unit] = [f"{unit.lower()}p{i}" for i in range(n)]
        org += [f"{p},{unit},{parent},{kind}" for p in people[unit]]
    everyone = [p for ps in people.values() for p in ps]
    edges = ["src,dst,ts"]
    for _unit, ps in people.items():
        outside = 0.6 / len(ps) ** 0.4
        for p in ps:
            for _ in range(12):
                day = f"2025-0{rng.randint(1, 4)}-{rng.randint(1, 28):02d}"
                x = rng.random()
                if x < outside:
                    other = f"c{rng.randint(1, 30)}@customer.example" if rng.random() < 0.7 else "s@vendor.example"
                elif x < outside + 0.25:
                    other = rng.choice(everyone)
                else:
                    other = rng.choice(ps)
                if other != p:
                    edges.append(f"{p},{other},{day}" if rng.random() < 0.5 else f"{other},{p},{day}")
    return write(folder / "org.csv", "\n".join(org) + "\n"), write(folder / "e.csv", "\n".join(edges) + "\n")


def test_analyse_json_has_every_fit_rent_and_the_ranking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = {"customer_domains": "customer.example", "supplier_domains": "vendor.example", "min_group_size": 1,
                "bootstrap_samples": 200, "null_samples": 50}  # fmt: skip
    options = [f"--setting={k}={v}" for k, v in settings.items()]
    org, edges = _organisation(tmp_path)
    for args in (["orgchart", str(org)], ["edges", str(edges)]):
        assert run(["ingest", *args, *store_args(tmp_path, *options)], capsys)[0] == 0  # (domains: at ingest)
    code, out, _ = run(["analyse", "--json", "--top", "5", *store_args(tmp_path, *options)], capsys)
    assert code == 0
    got: dict[str, Any] = json.loads(out)
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", read_only=True, **settings) as ws:
        results = ws.analyse()
    # every fit, one per null model across units, in the order of results.fits, with the same figures
    assert len(got["fits"]) == len(results.fits) > 0
    for shown, fit in zip(got["fits"], results.fits, strict=True):
        key = ("measure", "scope", "kind", "channel", "null_model", "n_units", "slope", "ci_low", "ci_high", "verdict")
        assert {k: shown[k] for k in key} == {k: getattr(fit, k) for k in key}
    across = [f for f in got["fits"] if f["scope"] == "units" and f["channel"] == "all" and f["kind"] == "all"
              and f["measure"] == "R"]  # fmt: skip
    assert {f["null_model"] for f in across} == {"mixing", "rewired"}
    assert all(f["slope"] is not None and f["ci_low"] <= f["slope"] <= f["ci_high"] for f in across)
    assert {f["scope"] for f in got["fits"]} >= {"units", "months", "subtrees"}
    # Rent's exponent and the top units
    p = results.rent.p if results.rent is not None else None
    assert p is not None and got["rent"]["p"] == p.slope and got["rent"]["n_subtrees"] == p.n_units
    assert len(got["units"]) == 5 and got["units"] == results.ranking(5)
    assert [u["R"] for u in got["units"]] == sorted((u["R"] for u in got["units"]), reverse=True)
    assert got["organisation"]["units"] == results.organisation["units"] and got["min_group_size"] == 1
    # the text prints the same facts
    code, text, _ = run(["analyse", "--top", "5", *store_args(tmp_path, *options)], capsys)
    assert code == 0
    mixing = results.fit("R")
    assert mixing is not None and describe(mixing, "R across all units") in text
    assert f"{got['rent']['p']:.3f}" in re.search(r"Rent exponent p over .*", text).group(0)  # type: ignore[union-attr]
    table = text[text.index("\nunit "):].splitlines()[2:]
    assert [line[:34].strip() for line in table] == [u["name"][:34] for u in got["units"]]
    assert [float(line.split()[-1]) for line in table] == [round(u["R"], 3) for u in got["units"]]
