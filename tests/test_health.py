"""orgsphere check: the signs that the data cannot carry the report, each with its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import orgsphere
from orgsphere.cli import main
from orgsphere.errors import IngestFailedError

from .conftest import write

ORG = "person,email,unit\n" + "".join(f"p{i},p{i}@acme.example,{'Sales' if i < 6 else 'ICT'}\n" for i in range(12))


def _edges(tmp_path: Path) -> Path:
    rows = ["src,dst,ts"]
    for month in (1, 2, 3, 5):  # April is missing: a lost export
        for k in range(60):
            rows.append(f"p{k % 10},p{(k + 1) % 10},2025-0{month}-{1 + k % 28:02d} 10:00")
        for k in range(6):
            rows.append(f"p{k},buyer{k}@bigclient.example,2025-0{month}-10 11:00")
            rows.append(f"p{k},info@vendor.example,2025-0{month}-11 11:00")
    rows.append("p1,p2,2025-04-15 10:00")  # one row in April
    # shared mailbox
    rows += [f"p11,desk{k % 50}@newsletter.example,2025-02-{1 + k % 28:02d} 09:00" for k in range(3000)]
    return write(tmp_path / "e.csv", "\n".join(rows) + "\n")


def _codes(health: orgsphere.health.Health) -> dict[str, str]:  # type: ignore[name-defined]
    return {f.code: f.level for f in health.findings}


def test_no_customer_declared_is_an_error_with_exit_code_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path / "s.duckdb"), "--key-file", str(tmp_path / "k"),
             "--setting", "internal_domains=acme.example"]  # fmt: skip
    main_ok = [
        ["ingest", "orgchart", str(write(tmp_path / "org.csv", ORG))],
        ["ingest", "edges", str(_edges(tmp_path))],
    ]
    for args in main_ok:
        try:
            main([*args, *store])
        except SystemExit as exc:
            assert exc.code in (0, None)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--json", *store])
    assert exit_.value.code == 4
    data = json.loads(capsys.readouterr().out)
    codes = {f["code"]: f for f in data["findings"]}
    assert (
        codes["no-customer-contact"]["level"] == "error"
        and "declare customers" in codes["no-customer-contact"]["fix"]
    )
    undeclared = codes["undeclared-domains"]["figures"]["domains"]
    assert [d["domain"] for d in undeclared] == ["newsletter.example", "bigclient.example", "vendor.example"]
    assert [d["interactions"] for d in undeclared] == [3000, 24, 24]
    assert data["errors"] == 1 and data["exit_code"] == 4
    assert data["sources"][1]["kept"] == 4 * 72 + 1 + 3000


def test_shared_mailbox_missing_month_and_a_misspelt_domain(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains=["acme.example"],
                        customer_domains=["bigclient.example", "bigclinet.example"]) as ws:  # fmt: skip
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        ws.ingest_edges(_edges(tmp_path))
        health = ws.check()
    codes = _codes(health)
    assert "no-customer-contact" not in codes and codes["customer-contact"] == "info"
    assert health.exit_code == 0
    by_code = {f.code: f for f in health.findings}
    heavy = by_code["extreme-volume"]
    assert heavy.level == "warning" and heavy.figures["persons"] == 1 and "ICT" in heavy.message
    thin = by_code["thin-months"]
    assert [m["month"] for m in thin.figures["months"]] == ["2025-04"]
    assert by_code["domain-never-seen"].figures["domains"] == ["bigclinet.example"]
    assert health.findings[0].level == "warning"  # errors first, then warnings, then info
    assert "1 warnings" not in health.line() and health.line().startswith("data check: 0 errors, 3 warnings")


def test_a_failed_ingest_and_an_empty_store(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        codes = _codes(ws.check())
        assert codes["no-interactions"] == "error"
        with pytest.raises(IngestFailedError):
            ws.ingest_edges(write(tmp_path / "bad.csv", "src,dst\nnobody,p1\nnoone,p2\n"))
        health = ws.check()
    failed = [s for s in health.sources if not s["recorded"]]
    assert failed and failed[0]["rejected"] == 2 and failed[0]["reasons"][0]["count"] == 2
    assert _codes(health)["failed-ingest"] == "error"


def test_the_report_shows_the_check_in_both_languages(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains=["acme.example"],
                        bootstrap_samples=50, min_group_size=2) as ws:  # fmt: skip
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        ws.ingest_edges(_edges(tmp_path))
        results = ws.analyse()
        assert results.health is not None and results.health.errors[0].code == "no-customer-contact"
        en = ws.report(tmp_path / "en.html", "en", results=results).read_text(encoding="utf-8")
        nl = ws.report(tmp_path / "nl.html", "nl", results=results).read_text(encoding="utf-8")
    section = en[en.index('id="data-check"'):en.index("</section>", en.index('id="data-check"'))]
    assert 'class="check check-error"' in section and "Not one interaction is with a customer" in section
    assert "Months with (almost) no data: 2025-04" in section and str(tmp_path) not in section  # no paths
    assert "Geen enkele interactie is met een klant" in nl and "Maanden met (bijna) geen gegevens: 2025-04" in nl


# every figure a finding's sentence can name
FIGURES = {k: "1" for k in ("source", "rejected", "rows", "interactions", "declared_customers", "parties", "domains",
                            "never_seen", "people", "persons", "share", "months")}


def test_every_finding_the_report_shows_has_its_words() -> None:
    """Each code the report can show (errors, warnings, the undeclared domains) has a sentence and a fix."""
    import re

    from orgsphere.report.health import finding_fixes, finding_sentences
    from orgsphere.report.i18n import LANGS, words

    source = (Path(orgsphere.__file__).parent / "health.py").read_text(encoding="utf-8")
    shown = {code for level, code in re.findall(r'Finding\(\s*(?:level|"(\w+)"), "([\w-]+)"', source)
             if level in ("error", "warning")} | set(re.findall(r'Finding\(level, "([\w-]+)"', source))
    shown.add("undeclared-domains")
    assert len(shown) >= 12
    for lang in LANGS:
        sentences, fixes = finding_sentences(words(lang), {}, FIGURES), finding_fixes(words(lang))
        for code in shown:
            assert code in sentences and sentences[code]().strip() and fixes.get(code), (lang, code)


def test_analyse_and_report_exit_4_on_an_error_in_the_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A manager believes the report: written, but the command says the data cannot carry it."""
    from .conftest import run_cli

    store = ["--store", str(tmp_path / "s.duckdb"), "--key-file", str(tmp_path / "k"), "--setting",
             "internal_domains=acme.example", "--setting", "bootstrap_samples=50"]  # fmt: skip
    assert run_cli(["ingest", "orgchart", str(write(tmp_path / "org.csv", ORG)), *store], capsys)[0] == 0
    assert run_cli(["ingest", "edges", str(_edges(tmp_path)), *store], capsys)[0] == 0
    code, out, err = run_cli(["report", "--out", str(tmp_path / "r.html"), *store], capsys)
    assert code == 4 and "report written" in out and (tmp_path / "r.html").is_file()
    said, _, err = err.partition("\n")  # (first which analysis the report is of)
    assert said == "no analysis kept beside the store yet: analysing"
    assert err.startswith("data check: 1 errors") and "no interaction with a customer" in err
    code, out, _ = run_cli(["analyse", "--json", *store], capsys)
    assert code == 4 and json.loads(out)["data_check"]["findings"][0]["code"] == "no-customer-contact"


def test_times_counted_from_the_start_of_a_recording(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    """The hospital ward's contacts are timed in seconds from the start (140, 160, ...): read as epoch seconds
    they all fall on 1970-01-01, and no month, trend or period means anything."""
    ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
    ws.ingest_edges(write(tmp_path / "e.csv", "from,to,Time\np0,p1,140\np1,p2,160\np2,p3,2025-03-01\n"))
    odd = {f.code: f for f in ws.check().findings}["implausible-dates"]
    assert odd.level == "warning" and odd.figures["interactions"] == 2 and "1970-01-01" in odd.message
