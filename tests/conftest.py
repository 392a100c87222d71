"""Shared fixtures. Real third-party data lives in ../shared/data/real beside the repository: without it a
test that needs it is skipped with the reason shown, except under CI (CI=true), where that is a failure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import orgsphere
from orgsphere.engine import spark_session
from orgsphere.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL = SHARED / "data" / "real"


def shared(what: str, path: Path) -> Path:
    """``path`` in ../shared, which a user's fresh clone lacks: the test skips with the reason, and fails under
    CI (CI=true), where it must be present."""
    if not path.exists():
        message = f"{what} {path} is not here (it sits in ../shared beside a checkout of the workplace)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + "; under CI it must be present")
        pytest.skip(message)
    return path


def real_data(name: str) -> Path:
    return shared("real data", REAL / name)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[orgsphere.Workspace]:
    """A fresh store in a temporary folder, with its own key, and no config file or environment leaking in."""
    with orgsphere.open(tmp_path / "store.duckdb", key_file=str(tmp_path / "keys" / "test.key"),
                        bootstrap_samples=300) as workspace:  # fmt: skip
        yield workspace


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's orgsphere.toml, ORGSPHERE_* variables or home folder."""
    for name in list(os.environ):
        if name.startswith("ORGSPHERE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in this process: its exit code, stdout and stderr."""
    from orgsphere.cli import main

    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Ward:
    """The hospital ward of ../shared/data/real/hospital-rfid in a store: staff units ADM, MED and NUR,
    patients declared customers (the ward's real customers)."""

    ws: orgsphere.Workspace
    vertices: pd.DataFrame
    edges: pd.DataFrame
    patients: pd.DataFrame
    parties_kept: int
    edges_report: Any


def hospital_ward(tmp_path: Path, **settings: Any) -> Ward:
    """Open a store in ``tmp_path`` with the ward ingested; the caller closes ``ward.ws``."""
    folder = real_data("hospital-rfid")
    vertices = pd.read_csv(folder / "vertices.csv")
    staff = vertices[vertices.Status != "PAT"]
    staff.assign(unit=staff.Status, parent="Ward", kind="line").rename(columns={"id": "person"})[
        ["person", "unit", "parent", "kind"]
    ].to_csv(tmp_path / "org.csv", index=False)
    patients = vertices[vertices.Status == "PAT"]
    write(tmp_path / "patients.csv", "id\n" + "".join(f"{i}\n" for i in patients.id))
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", **settings)
    ws.ingest_orgchart(tmp_path / "org.csv")
    kept = ws.ingest_parties(tmp_path / "patients.csv", kind="customer").kept
    report = ws.ingest_edges(folder / "edges.csv", {"ts": "Time"})
    return Ward(ws, vertices, pd.read_csv(folder / "edges.csv"), patients, kept, report)


def department_orgchart(tmp_path: Path, name: str) -> tuple[Path, pd.DataFrame]:
    """For a real network with a department per person (email-eu-core, workfrance): write ``org.csv`` with one
    unit per department (D<dept>) under one institution; return the data folder and the vertices."""
    folder = real_data(name)
    vertices = pd.read_csv(folder / "vertices.csv")
    org = vertices.assign(unit="D" + vertices["dept"].astype(str), parent="Institution", kind="line")
    org[["id", "unit", "parent", "kind"]].rename(columns={"id": "person"}).to_csv(tmp_path / "org.csv", index=False)
    return folder, vertices


def _need(what: str, ok: bool) -> None:
    """Skip (fail under CI) when a tool a test needs is missing from this machine."""
    if ok:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what}; under CI it must be present")
    pytest.skip(what)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local Spark session (two cores, no web UI, UTC), reached through ibis; shared by the whole run."""
    import shutil

    _need("Java is not on this machine (Spark needs Java 17 or newer)", shutil.which("java") is not None)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        _need("pyspark is not installed (pip install 'orgsphere[spark]')", False)
    import ibis

    session = (
        SparkSession.builder.master("local[2]").appName("orgsphere-tests")
        .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4").config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
        .getOrCreate()
    )  # fmt: skip
    session.sparkContext.setLogLevel("ERROR")
    yield ibis.pyspark.connect(session)
    session.stop()


class SparkTables:
    """Tables a DuckDB store holds, copied into Spark and read through the same ibis calls as the store."""

    engine = "spark"
    ends_known = False

    def __init__(self, spark: Any, store: Store, names: tuple[str, ...], prefix: str) -> None:
        self.ibis = spark
        self.path = f"spark:{prefix}"
        self._names = {}
        for name in names:
            view = f"{prefix}_{name}"
            spark_session(spark).createDataFrame(store.table(name).to_pyarrow()).createOrReplaceTempView(view)
            self._names[name] = view

    def table(self, name: str) -> Any:
        return self.ibis.table(self._names[name])


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo organisation through to its report and result tables (orgsphere demo), once per test run."""
    from orgsphere.cli import main

    out = tmp_path_factory.mktemp("demo")
    main(["demo", "--out", str(out)])
    assert (out / "report.html").is_file() and (out / "results" / "sphere.csv").is_file()
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by selenium through Debian's chromedriver (make test installs both where
    it can); skips with the reason where they are missing, fails under CI. Nothing is downloaded: the driver is
    named, so selenium's own manager never runs, and chromium's background networking is off."""
    import shutil

    driver_path, chromium = shutil.which("chromedriver"), shutil.which("chromium") or shutil.which("chromium-browser")
    _need("chromium and chromedriver are not on this machine (apt-get install chromium chromium-driver)",
          bool(driver_path and chromium))  # fmt: skip
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _need("selenium is not installed (pip install -e '.[dev]')", False)
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--hide-scrollbars"):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(driver_path)), options=options)
    try:
        yield driver
    finally:
        driver.quit()

