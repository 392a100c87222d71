"""The kept analysis: analyse keeps its results beside the store; report and export reuse them exactly while
the store and the settings the analysis reads are unchanged, analyse again otherwise, and never trust a kept
analysis that is missing, damaged, of another version or of another store."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import orgsphere
from orgsphere import kept
from orgsphere.datasets import make_demo
from orgsphere.errors import OrgsphereWarning
from orgsphere.kept import Analysis, fingerprint, kept_folder, recall
from orgsphere.report import render_report
from orgsphere.results import Results
from orgsphere.settings import Settings, load_settings
from orgsphere.workspace import Workspace

from .conftest import run_cli, write

FAST = {"bootstrap_samples": 100, "null_samples": 20}


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo organisation ingested into a store, analysed once (so its analysis is kept)."""
    folder = tmp_path_factory.mktemp("kept")
    files = make_demo(folder, scale=0.3)
    with Workspace(load_settings(files.config, cli=FAST)) as ws:
        ws.ingest_orgchart(files.units, files.people)
        ws.ingest_parties(files.parties)
        ws.ingest_edges(files.interactions)
        ws.ingest_tickets(files.tickets)
        ws.ingest_tickets(files.requests)
        ws.ingest_documents(files.documents)
        ws.analyse()
    return folder


@pytest.fixture
def demo(original: Path, tmp_path: Path) -> Path:
    """A copy of the analysed demo (store, key, config, kept analysis) of this test's own."""
    return Path(shutil.copytree(original, tmp_path / "demo"))


def settings_of(folder: Path, **changes: Any) -> Settings:
    return load_settings(folder / "orgsphere.toml", cli={**FAST, **changes})


def analysis(folder: Path, fresh: bool = False, **changes: Any) -> Analysis:
    with Workspace(settings_of(folder, **changes), read_only=True) as ws:
        return ws.analysis(fresh)


def without_time(html: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "(time)", html)


def rows(table: pa.Table) -> list[dict[str, Any]]:
    """The rows with NaN made comparable (NaN != NaN)."""
    return [{k: "NaN" if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()}
            for r in table.to_pylist()]  # fmt: skip


def assert_same(a: Results, b: Results) -> None:
    assert list(a) == list(b)
    for name in a:
        assert a[name].arrow.schema.equals(b[name].arrow.schema, check_metadata=True), name
        assert rows(a[name].arrow) == rows(b[name].arrow), name
    assert json.dumps([f.to_dict() for f in a.fits]) == json.dumps([f.to_dict() for f in b.fits])
    assert a.to_dict() == b.to_dict()
    assert a.organisation == b.organisation and a.min_group_size == b.min_group_size
    assert a.health is not None and b.health is not None and a.health.to_dict() == b.health.to_dict()
    assert a.rent is not None and b.rent is not None
    assert (a.rent.break_depth, a.rent.level_residuals) == (b.rent.break_depth, b.rent.level_residuals)
    assert b.rent.fit in b.fits and (b.rent.inner is None or b.rent.inner in b.fits)


def test_the_kept_analysis_gives_the_same_report_and_tables_as_a_fresh_one(demo: Path) -> None:
    with Workspace(settings_of(demo), read_only=True) as ws:
        fresh = ws.analyse()
    again = analysis(demo)
    assert again.reused and again.reason == "kept" and again.analysed == fresh.statement.generated
    assert again.line() == f"using the analysis of {fresh.statement.generated}"
    assert_same(fresh, again.results)
    assert again.results.statement.as_dict() == fresh.statement.as_dict()
    for lang in ("en", "nl"):
        assert without_time(render_report(again.results, lang)) == without_time(render_report(fresh, lang))


def test_the_report_language_and_other_settings_that_change_no_figure_reuse_it(demo: Path) -> None:
    again = analysis(demo, lang="nl", memory_limit="1GB")
    assert again.reused
    shown = {s["name"]: (s["value"], s["from"]) for s in again.results.statement.settings}
    # the processing statement lists the settings as they are now, as a fresh analysis would
    assert shown["lang"] == ("nl", "command line") and shown["memory_limit"] == ("1GB", "command line")


@pytest.mark.parametrize("change", [{"min_group_size": 6}, {"bootstrap_samples": 101}, {"seed": 1},
                                    {"customer_domains": "mailbox.example"}])  # fmt: skip
def test_a_setting_the_analysis_reads_makes_it_analyse_again(demo: Path, change: dict[str, Any]) -> None:
    again = analysis(demo, **change)
    assert again.reason == "changed" and not again.reused
    assert again.line() == "store or settings changed since the last analyse: analysing again"
    name, value = next(iter(change.items()))
    shown = {s["name"]: s["value"] for s in again.results.statement.settings}
    assert shown[name] == str(value)
    assert analysis(demo, **change).reused  # kept in turn
    assert analysis(demo).reason == "changed"  # (one analysis is kept: the last one)


def test_an_ingest_makes_it_analyse_again(demo: Path) -> None:
    before = analysis(demo).results
    with Workspace(settings_of(demo)) as ws:
        ws.ingest_parties(write(demo / "more.csv", "domain,kind\nnewcustomer.example,customer\n"))
    again = analysis(demo)
    assert again.reason == "changed"
    assert len(again.results.statement.sources) == len(before.statement.sources) + 1
    assert analysis(demo).reused


def test_the_contents_of_a_file_a_setting_names_count(tmp_path: Path) -> None:
    lexicon = write(tmp_path / "terms.toml", "a")
    settings = load_settings(cli={"store": str(tmp_path / "s.duckdb"), "lexicon": str(lexicon)})
    source = {"engine": "duckdb", "store": {"name": "s.duckdb", "tables": {"interactions": [1, 2]}}}
    first = fingerprint(settings, source)
    assert fingerprint(settings, source) == first
    write(lexicon, "b")
    assert fingerprint(settings, source) != first
    assert fingerprint(settings, {**source, "store": {"name": "s.duckdb", "tables": {"interactions": [1, 3]}}}) != \
        fingerprint(settings, source)  # fmt: skip


def test_a_store_that_changed_row_for_row_changes_its_state(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    """The store's state is its contents, not its row counts: a row replaced by another changes it."""
    ws.ingest_orgchart(write(tmp_path / "org.csv", "person,unit\np1,A\np2,A\n"))
    store = ws._store()
    before = store.state()
    store.raw.execute("UPDATE units SET name = 'B' WHERE unit_id = (SELECT min(unit_id) FROM units)")
    after = store.state()
    assert before["units"][0] == after["units"][0] and before["units"][1] != after["units"][1]


def _damage(folder: Path, how: str) -> None:
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    table = folder / data["tables"]["sphere"]["file"]
    if how == "no manifest":
        manifest.unlink()
    elif how == "truncated manifest":
        manifest.write_text(manifest.read_text(encoding="utf-8")[:1000], encoding="utf-8")
    elif how == "manifest not an object":
        manifest.write_text("[1, 2]", encoding="utf-8")
    elif how == "manifest of nonsense":
        manifest.write_bytes(b"\xff\xfe\x00garbage")
    elif how == "a field missing":
        del data["statement"]
        manifest.write_text(json.dumps(data), encoding="utf-8")
    elif how == "a fit of another shape":
        data["fits"][0]["unknown_field"] = 1
        manifest.write_text(json.dumps(data), encoding="utf-8")
    elif how == "older format":
        data["format"] = kept.FORMAT - 1
        manifest.write_text(json.dumps(data), encoding="utf-8")
    elif how == "another orgsphere":
        data["orgsphere_version"] = "0.0.1"
        manifest.write_text(json.dumps(data), encoding="utf-8")
    elif how == "a table missing":
        table.unlink()
    elif how == "a table damaged":
        table.write_bytes(table.read_bytes()[:100])
    elif how == "a table replaced":  # a valid table, but not the one kept
        with pa.ipc.new_file(str(table), pa.schema([("x", pa.int64())])) as writer:
            writer.write_table(pa.table({"x": [1]}))
    elif how == "a table folder gone":
        shutil.rmtree(table.parent)
    else:  # pragma: no cover
        raise AssertionError(how)


DAMAGES = ["truncated manifest", "manifest not an object", "manifest of nonsense", "a field missing",
           "a fit of another shape", "older format", "another orgsphere", "a table missing", "a table damaged",
           "a table replaced", "a table folder gone"]  # fmt: skip


@pytest.mark.parametrize("how", ["no manifest", *DAMAGES])
def test_a_missing_damaged_or_old_kept_analysis_is_never_used(demo: Path, how: str) -> None:
    settings = settings_of(demo)
    with Workspace(settings, read_only=True) as ws:
        current = ws._fingerprint()
    folder = kept_folder(settings.store)
    assert recall(folder, current).reason == "kept"
    _damage(folder, how)
    found = recall(folder, current)
    assert found.results is None and found.reason == ("missing" if how == "no manifest" else "unreadable")
    assert found.detail or how == "no manifest"


@pytest.mark.parametrize("how", ["a table damaged", "another orgsphere"])
def test_report_analyses_again_past_a_damaged_kept_analysis(demo: Path, how: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    settings = settings_of(demo)
    _damage(kept_folder(settings.store), how)
    code, out, err = run_cli(["report", "--config", str(demo / "orgsphere.toml"), "-o", str(demo / "r.html"),
                              "--setting", "bootstrap_samples=100", "--setting", "null_samples=20"], capsys)
    assert code in (0, 4) and "report written to" in out and "Traceback" not in err
    assert re.search(r"the kept analysis cannot be used \([^)]+\): analysing again", err)
    assert analysis(demo).reused  # the new analysis was kept


def test_the_commands_say_which_analysis_they_use(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = ["--config", str(demo / "orgsphere.toml"), "--setting", "bootstrap_samples=100", "--setting",
              "null_samples=20"]  # fmt: skip
    code, out, err = run_cli(["report", *config, "-o", str(demo / "r.html")], capsys)
    assert code in (0, 4) and re.match(r"using the analysis of \d{4}-\d\d-\d\d \d\d:\d\d UTC\n", err)
    code, out, err = run_cli(["export", *config, "-o", str(demo / "out")], capsys)
    assert err.startswith("using the analysis of ") and (demo / "out" / "sphere.csv").is_file()
    code, out, err = run_cli(["report", *config, "--fresh", "-o", str(demo / "r.html")], capsys)
    assert err.startswith("analysing again, as asked\n")
    code, out, err = run_cli(["report", *config, "--setting", "min_group_size=7", "-o", str(demo / "r.html")],
                             capsys)  # fmt: skip
    assert err.startswith("store or settings changed since the last analyse: analysing again\n")
    shutil.rmtree(kept_folder(demo / "orgsphere.duckdb"))
    code, out, err = run_cli(["export", *config, "-o", str(demo / "out")], capsys)
    assert err.startswith("no analysis kept beside the store yet: analysing\n")
    # orgsphere analyse keeps what it found for the next report
    code, out, err = run_cli(["analyse", *config, "--setting", "min_group_size=8"], capsys)
    assert code in (0, 4) and "Headline" in out and "analysis" not in err
    code, out, err = run_cli(["report", *config, "--setting", "min_group_size=8", "-o", str(demo / "r.html")],
                             capsys)  # fmt: skip
    assert err.startswith("using the analysis of ")


def test_the_python_api_reuses_it_too(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from orgsphere import pipeline

    def refuse(*args: Any) -> None:
        raise AssertionError("analysed although the kept analysis was current")

    monkeypatch.setattr("orgsphere.workspace.analyse", refuse)
    with Workspace(settings_of(demo), read_only=True) as ws:
        assert ws.report(demo / "r.html").is_file()
        assert (demo / "csv" / "sphere.csv") in ws.export(demo / "csv")
    monkeypatch.setattr("orgsphere.workspace.analyse", pipeline.analyse)
    with Workspace(settings_of(demo), read_only=True) as ws:
        ws.report(demo / "r.html", fresh=True)


def test_a_folder_that_cannot_be_written_is_one_warning_and_the_work_goes_on(demo: Path) -> None:
    settings = settings_of(demo)
    folder = kept_folder(settings.store)
    shutil.rmtree(folder)
    folder.write_text("in the way", encoding="utf-8")  # (a file where the folder goes: root may write anywhere)
    with pytest.warns(OrgsphereWarning, match="cannot keep the analysis beside the store"):
        first = analysis(demo)
    assert first.reason == "missing" and first.results["sphere"].num_rows
    assert folder.read_text(encoding="utf-8") == "in the way"


def test_the_cli_warns_once_when_it_cannot_keep_the_analysis(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = kept_folder(demo / "orgsphere.duckdb")
    shutil.rmtree(folder)
    folder.write_text("in the way", encoding="utf-8")
    code, out, err = run_cli(["export", "--config", str(demo / "orgsphere.toml"), "--setting", "bootstrap_samples=100",
                              "--setting", "null_samples=20", "-o", str(demo / "out")], capsys)  # fmt: skip
    assert code in (0, 4) and "Traceback" not in err
    assert err.count("warning: ") == 1 and "cannot keep the analysis beside the store" in err


def test_an_interrupted_write_leaves_the_previous_analysis(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_of(demo)
    folder = kept_folder(settings.store)
    with Workspace(settings, read_only=True) as ws:
        current = ws._fingerprint()
    before = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    written = kept._write_table
    calls = []

    def fail_on_the_third(path: Path, table: pa.Table) -> str:
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt  # (killed while writing)
        return written(path, table)

    monkeypatch.setattr(kept, "_write_table", fail_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        analysis(demo, min_group_size=6)
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8")) == before
    assert recall(folder, current).reason == "kept"
    # a full disk while writing: a warning, the previous analysis stands, the partial files are gone
    calls.clear()

    def full(path: Path, table: pa.Table) -> str:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return written(path, table)

    monkeypatch.setattr(kept, "_write_table", full)
    with pytest.warns(OrgsphereWarning, match="No space left on device"):
        analysis(demo, min_group_size=6)
    assert recall(folder, current).reason == "kept"
    assert {p.name for p in folder.iterdir()} == {"manifest.json", before["folder"]}  # nothing half-written left


def test_the_kept_files_hold_no_persons_pseudonym(demo: Path) -> None:
    settings = settings_of(demo)
    with Workspace(settings, read_only=True) as ws:
        ids = {r["person_id"] for r in ws._store().query("SELECT DISTINCT person_id FROM people").to_pylist()}
        ids |= {r["alias"] for r in ws._store().query("SELECT alias FROM aliases").to_pylist()}
    assert len(ids) > 100
    folder = kept_folder(settings.store)
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        data = path.read_bytes()
        assert not [i for i in ids if i.encode() in data], path.name


def test_on_spark_the_fingerprint_is_the_warehouse_snapshot(ws: orgsphere.Workspace, tmp_path: Path) -> None:
    """On the spark engine the analysis reads the published snapshot: a new publish is a change (read from the
    warehouse's manifest alone, without starting a session)."""
    ws.ingest_orgchart(write(tmp_path / "org.csv", "person,unit\np1,A\np2,A\n"))
    location = str(tmp_path / "warehouse")
    ws.publish(location)
    spark = Workspace(ws.settings.replace(engine="spark", warehouse=location))  # (the same store, as ws opens it)
    try:
        first = spark._fingerprint()
        assert spark._fingerprint() == first
        ws.publish(location)  # the same store, a new snapshot
        assert spark._fingerprint() != first
    finally:
        spark.close()
