"""The report and the command line, end to end on a small demo organisation."""

import re
from pathlib import Path

import pytest

import orgsphere
from orgsphere.cli import main
from orgsphere.schema import SCHEMA_VERSION

from .conftest import run_cli as run


def _section(html: str, name: str) -> str:
    """One section of the report, from its opening tag to its end."""
    start = html.index(f'<section id="{name}">')
    return html[start:html.index("</section>", start)]


def test_demo_report_is_self_contained_and_shows_the_finding(demo: Path) -> None:
    html = (demo / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Meridian Financial" in html
    # nothing is fetched when the report opens: no external script, style, font or image
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "url(http" not in html
    assert html.count("<svg") >= 4  # the scaling plot, observed against expected, Rent's plot, the trend
    # held against chance: the null models, Rent's rule and the sphere model, each with its figures
    science = _section(html, "science")
    assert "Random mixing would give a slope of" in science and "Excess inwardness per unit" in science
    assert "Rent exponent p = " in science and "behaves like a ball of dimension d ≈" in science
    assert "rotate staff to the front line" in science
    # line of sight: staff further from the customer than the line, per unit with its distance bands
    sight = _section(html, "line-of-sight")
    line, staff = (int(v) for v in re.search(r"In a typical month (\d+)% of the people in line units and (\d+)%",
                                               sight).groups())  # fmt: skip
    assert line > staff and sight.count('class="bands"') >= 40 and "Board Office" not in sight
    # the map: every unit shown once with its figures on hover, Facility Services under Facilities
    units_map = sight[sight.index('class="unit-map"'):sight.index("</svg>", sight.index('class="unit-map"'))]
    assert units_map.count("<title>") >= 50 and "Facilities › Facility Services (staff): " in units_map
    # each unit's line of sight month by month (a share that never changes written out, not drawn flat)
    assert sight.count('class="spark"') + sight.count('class="spark-flat"') >= 40
    # per channel and per kind of outside party, line / staff
    assert re.search(r"<td>supplier</td>(<td class=\"num\">(\d+%|–) / (\d+%|–)</td>){4,}</tr>", sight)
    facility = re.search(r"<td>Facility Services</td>.*?</div></td>\s*<td>([^<]+)</td>", sight, re.S)
    assert facility and re.match(r"[A-Z][^()]+ \(\d+%\)", facility.group(1))  # the units it reaches customers through
    # partners or suppliers: the line asks the ICT Service Desk by ticket; Corporate Clients and Compliance
    # Advisory meet customers together; each verdict with the figures that decided it
    rel = _section(html, "relations")
    assert re.search(r"<td>[^<]+ – ICT Service Desk</td><td><span class=\"tag v-supplier\">supplier</span></td>"
                     r".*?<td>\d+% of the contact is tickets; [^<]+ starts \d+% of the threads, meetings and "
                     r"tickets; no customer work together</td>", rel, re.S)  # fmt: skip
    assert re.search(r"<td>Corporate Clients – Compliance Advisory</td><td><span class=\"tag v-partner\">partner"
                     r"</span></td>.*?<td>\d+ meetings or threads with a customer together", rel, re.S)  # fmt: skip
    assert 'class="matrix"' in rel and "Staff units, most supplier-like first" in rel
    # the language audit of the demo's documents: the desks write of internal customers and SLAs
    words = _section(html, "internal-customer")
    assert re.search(r"\d+ times internal-customer language in 3 documents and the tickets of \d+ units\.", words)
    assert re.search(r"<td>“internal customer”</td><td class=\"num\">[1-9]", words)
    assert "colleagues in the line: partners for the same customer" in words
    # the machinery: the desks send satisfaction surveys and SLA reports to the line
    mach = words[words.index("Surveys, SLAs and requirements in the traffic"):]
    desk = re.search(r"<tr><td>ICT Service Desk</td>(.*?)</tr>", mach, re.S)
    assert desk and max(int(v) for v in re.findall(r'data-v="(\d+)"', desk.group(1))) > 0
    # staff roles: every role in the demo's work, and unhealthy positions with their reasons
    roles = _section(html, "staff-roles")
    for role in ("supporting", "regulating", "executing", "advisory"):
        assert f'class="r-{role}" style="width:' in roles
    assert re.search(r"<td>HR Business Partners</td>.*?meant to be advisory \(\d+% of the work\), but \d+% is "
                     r"supporting", roles, re.S)  # fmt: skip
    assert re.search(r"<td>Credit Risk</td>.*?\d+% regulating and 0% advice", roles, re.S)
    assert "Examples per role" in roles and "Beoordeling kredietaanvraag" in roles
    # the second view: HR Business Partners meet like advisers, though their tickets are standard questions
    hrbp = re.search(r"<tr><td>HR Business Partners</td>(.*?)</tr>", roles, re.S)
    assert hrbp and re.search(r'class="tag r-advisory">advisory</span> <span class="flag"[^>]*>≠', hrbp.group(1))
    assert "sphere model, slope −1/3" in html or "sphere model" in html
    assert "Processing statement" in html and "HMAC-SHA256" in html
    # the demo's mess is visible: rejected rows with their reasons
    assert "internal domain meridian-financial.example" in html
    # no identity leaves in clear: not one address of a person of the demo organisation
    assert "@meridian-financial.example" not in html.replace("internal domain meridian-financial.example", "")
    people = (demo / "data" / "people.csv").read_text().splitlines()[1:]
    assert not any(line.split(",")[1] in html for line in people[:50])


def test_dutch_report(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["report", "--config", str(demo / "orgsphere.toml"), "--lang", "nl",
                        "--out", str(demo / "rapport.html")], capsys)  # fmt: skip
    assert code == 0 and "report written" in out
    html = (demo / "rapport.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in html and "Verwerkingsverklaring" in html and "Hoe ver staat" in html
    assert re.search(r"R = 0,\d{3}", html)  # Dutch decimal comma
    assert "Afgezet tegen toeval" in html and "Bij puur toevallig contact zou de helling hier" in html
    assert "Exponent van Rent p = 0," in html
    assert "all months have the same size" not in html  # the library's English notes are put in Dutch
    assert "In de tijd: het aantal actieve mensen was elke maand gelijk" in html
    assert "Zicht op de klant" in html and "In een doorsnee maand heeft" in html
    assert "Waar de klant uit zicht is" in html and "binnen één stap van een klant" in html
    assert "<td>leverancier</td>" in html
    assert "Partners of leveranciers?" in html and "geen gezamenlijk klantwerk" in html
    assert "keer taal van de interne klant in 3 documenten" in html and "„u vraagt, wij draaien”" in html
    assert "Stafrollen: wat elke stafafdeling werkelijk doet" in html and "bedoeld als adviserend" in html


def test_demo_has_line_and_staff_and_a_customer_facing_slope(demo: Path) -> None:
    with orgsphere.open(config=demo / "orgsphere.toml", read_only=True, bootstrap_samples=300) as ws:
        results = ws.analyse()
    line, staff = results.fit("R", kind="line"), results.fit("R", kind="staff")
    assert line is not None and line.slope is not None and line.ci_high is not None and line.ci_high < 0
    assert staff is not None and staff.n_units >= 5
    units = [r for r in results.units().to_pylist() if not r["suppressed"]]
    line_r = [r["R_customer"] for r in units if r["kind"] == "line"]
    staff_r = [r["R_customer"] for r in units if r["kind"] == "staff"]
    # staff hardly meets the customer: most staff units never do, and the typical line unit does far more
    assert sum(r == 0 for r in staff_r) > len(staff_r) / 2
    assert sorted(line_r)[len(line_r) // 2] > 5 * sorted(staff_r)[len(staff_r) // 2] + 0.05
    assert any(r["suppressed"] for r in results.units().to_pylist())  # the small board office


def test_errors_are_one_line_with_exit_code_1(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["ingest", "edges", str(tmp_path / "missing.csv"), "--store", str(tmp_path / "s.duckdb"),
                          "--key-file", str(tmp_path / "k")], capsys)  # fmt: skip
    assert code == 1 and err.startswith("error: ") and "file not found" in err and err.count("\n") == 1
    with pytest.raises(orgsphere.InputError):
        main(["--debug", "ingest", "edges", str(tmp_path / "missing.csv"), "--store", str(tmp_path / "s.duckdb"),
              "--key-file", str(tmp_path / "k")])  # fmt: skip
    code, _, err = run(["ingest", "edges", "x.csv", "--map", "srcfrom"], capsys)
    assert code == 2 and "FIELD=COLUMN" in err
    code, _, err = run(["report", "--setting", "min_group_size=zero"], capsys)
    assert code == 1 and "min_group_size" in err and "whole number" in err


def test_status_rejects_export_and_settings(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = ["--config", str(demo / "orgsphere.toml")]
    code, out, _ = run(["status", *config], capsys)
    assert code == 0 and "interactions" in out and f"schema {SCHEMA_VERSION}" in out
    code, out, _ = run(["rejects", *config, "--limit", "3"], capsys)
    assert code == 0 and len(out.strip().splitlines()) == 3 and "interactions.parquet: row " in out
    for fmt in ("csv", "parquet", "xlsx"):
        code, out, _ = run(["export", *config, "--format", fmt, "--out", str(tmp_path / fmt)], capsys)
        assert code == 0 and (tmp_path / fmt / f"sphere.{fmt}").is_file()
    code, out, _ = run(["analyse", *config, "--top", "3"], capsys)
    assert code == 0 and re.search(r"R across line units \(n=\d+\): slope -0\.\d+ \[95% .*random mixing", out)
    assert "Rent exponent p over" in out
    code, out, _ = run(["settings", *config], capsys)
    assert code == 0 and re.search(r"min_group_size\s+5\s+\(file ", out)


def test_no_small_group_of_the_demo_can_be_rebuilt_by_subtraction(demo: Path) -> None:
    import pyarrow.csv as pacsv

    from orgsphere.analysis.sphere import sphere_counts

    from .differencing import attacks

    with orgsphere.open(config=demo / "orgsphere.toml") as ws:
        raw, _ = sphere_counts(ws.store)
        units = ws.store.table("units").to_pyarrow()
        k = ws.settings.min_group_size
    key = ("scope", "depth", "group_id", "period", "channel")
    persons = {tuple(r[c] for c in key): r["persons"] for r in raw.to_pylist()}
    rows = pacsv.read_csv(demo / "results" / "sphere.csv").to_pylist()
    for r in rows:  # as published; CSV reads an empty depth as null
        r["depth"] = None if r["depth"] is None else int(r["depth"])

    def truth(hidden: list, whole: tuple, visible: list) -> int:  # at least this many persons behind the hidden
        return max(max(persons[h] for h in hidden), persons[whole] - sum(persons[v] for v in visible))

    parent = dict(zip(units["unit_id"].to_pylist(), units["parent_id"].to_pylist(), strict=True))
    assert sum(r["suppressed"] for r in rows) > 0
    assert attacks(rows, parent, truth, k) == []


def test_every_published_table_is_declared_and_keeps_small_groups_out(demo: Path) -> None:
    """The export writes exactly the declared tables; each has its keys, a row per key, and no row below the
    minimum group size shows a figure."""
    import pyarrow.csv as pacsv

    from orgsphere.result_tables import RESULT_TABLES

    written = {p.stem for p in (demo / "results").glob("*.csv")}
    assert written == {spec.name for spec in RESULT_TABLES}
    for spec in RESULT_TABLES:
        table = pacsv.read_csv(demo / "results" / f"{spec.name}.csv")
        assert set(spec.keys) <= set(table.column_names), spec.name
        rows = table.to_pylist()
        keys = [tuple(r[k] for k in spec.keys) for r in rows]
        assert len(keys) == len(set(keys)), f"{spec.name}: two rows with one key"
        if spec.size is None:
            continue
        for r in rows:
            if r.get("suppressed"):
                figures = {
                    c: v for c, v in r.items() if c not in spec.keys and c not in ("suppressed", "complementary")
                }
                assert all(v in (None, "") for v in figures.values()), (spec.name, r)  # (CSV: an empty text)
            else:
                assert r[spec.size] is not None and r[spec.size] >= 5, (spec.name, r)


def test_ingest_help_lists_every_format_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    from orgsphere.cli import cli

    code, out, _ = run(["ingest", "--help"], capsys)
    assert code == 0
    listed = {line.split()[0] for line in out.split("Options:")[0].splitlines()[3:] if line.startswith("    ")}
    assert listed == set(cli.commands["ingest"].commands)  # type: ignore[attr-defined]


def test_simulate_reproduces_the_ball_and_runs_a_what_if(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["simulate", "--dimension", "2", "--sizes", "2000,8000,32000", "--seeds", "2",
                        "--setting", "bootstrap_samples=200"], capsys)  # fmt: skip
    assert code == 0 and "ball of dimension 2 (expect -0.500)" in out
    slope = float(re.search(r"slope ([-+][\d.]+)", out).group(1))  # type: ignore[union-attr]
    assert abs(slope + 0.5) < 0.04
    code, out, _ = run(["simulate", "--what-if", "embed", "--share", "0.5"], capsys)
    before, after = (float(v) for v in re.search(r"line_of_sight\s+([\d.]+)\s+([\d.]+)", out).groups())  # type: ignore[union-attr]
    assert code == 0 and after > before


def test_the_report_opens_with_what_to_do_and_each_finding_agrees_with_its_table(demo: Path) -> None:
    import csv

    html = (demo / "report.html").read_text(encoding="utf-8")
    assert re.search(r'</header>\s*<section id="actions">', html)  # the first thing a reader sees
    # the evidence in the order a manager acts on it, then the appendix "How sure are we?" with the science
    evidence = ("actions", "summary", "data-check", "line-of-sight", "relations", "staff-roles", "internal-customer",
                "ranking")  # fmt: skip
    places = [html.index(f'<section id="{name}">') for name in evidence]
    appendix = html.index('<div class="appendix" id="how-sure">')
    assert places == sorted(places) and places[-1] < appendix
    assert appendix < html.index('<section id="scaling">') < html.index('<section id="science">')
    actions = html[html.index('<section id="actions">'):html.index('<section id="summary">')]
    findings = re.findall(r'<article class="finding action" id="action-(\w+)">(.*?)</article>', actions, re.S)
    assert 3 <= len(findings) <= 7
    assert {"suppliers", "out_of_sight", "roles", "internal_customer"} <= {code for code, _ in findings}
    for _, body in findings:
        assert "What we see:" in body and "Why it matters:" in body and "What to do:" in body
        (target,) = re.findall(r'<a href="#([\w-]+)">', body)
        assert f'id="{target}"' in html  # the evidence link lands on its section
    # the supplier shares named are those of the relations table: supplier volume over line contact, per unit
    volume: dict[str, int] = {}
    supplier: dict[str, int] = {}
    with (demo / "results" / "relations.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if (r["period"], r["kind_a"], r["kind_b"], r["suppressed"]) == ("all", "line", "staff", "false") \
                    and r["verdict"] in ("partner", "supplier", "mixed"):  # fmt: skip
                volume[r["unit_b"]] = volume.get(r["unit_b"], 0) + int(r["volume"])
                supplier[r["unit_b"]] = supplier.get(r["unit_b"], 0) + int(r["volume"]) * (r["verdict"] == "supplier")
    said = dict(findings)["suppliers"]
    named = re.findall(r"([A-Z][\w &;]+?) \((\d+)%\)", said.split("What we see:")[1].split("Why it matters")[0])
    assert named and len(named) == sum(supplier.get(u, 0) / v >= 0.5 for u, v in volume.items() if v)
    for name, pct in named:
        unit = name.replace("&amp;", "&").strip()
        assert round(100 * supplier[unit] / volume[unit]) == int(pct)
