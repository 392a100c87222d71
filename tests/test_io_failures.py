"""No traceback from I/O: a full disk, a store that cannot be written, a kill -9 in the middle of an ingest and a
pseudonymisation key others can read each end in one line with its fix, and leave the store as it was.

The full disk and the read-only file system are real where this machine lets the test mount a small tmpfs
(root); elsewhere those tests are skipped with the reason, and the same failures are injected at the store's
DuckDB boundary (always run), and /dev/full gives a real full disk to a report without mounting anything."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import orgsphere
from orgsphere.errors import OrgsphereWarning
from orgsphere.ingest import session as ingest_session
from orgsphere.ingest.session import IngestSession
from orgsphere.privacy import load_or_create_key
from orgsphere.store import Store

from .conftest import run_cli, write

ORG = "person,unit,parent,kind\n" + "".join(
    f"p{i},{'Sales' if i < 10 else 'ICT'},Acme,{'line' if i < 10 else 'staff'}\n" for i in range(20)
)  # fmt: skip
SRC = Path(__file__).resolve().parents[1] / "src"


def edges(path: Path, rows: int) -> Path:
    """An edge list of ``rows`` interactions among the 20 persons of ORG, each with its own second."""
    with open(path, "w") as fh:
        fh.write("src,dst,ts,channel\n")
        fh.writelines(f"p{k % 20},p{(k + 1 + k // 20 % 19) % 20},{1735689600 + k},{('email', 'chat')[k % 2]}\n"
                      for k in range(rows))  # fmt: skip
    return path


def cli(store: Path, key: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(["--store", str(store), "--key-file", str(key), *args], capsys)


def assert_one_error_line(code: int, err: str, *words: str) -> None:
    assert code == 1, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for word in words:
        assert word in lines[0], (word, err)


def held(store: Path) -> dict[str, int]:
    with duckdb.connect(str(store), read_only=True) as con:
        count = "SELECT count(*) FROM {}"
        return {t: con.execute(count.format(t)).fetchone()[0] for t in ("people", "interactions", "ingest_log")}  # type: ignore[index]


def staging_left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".staging" in p.name)


@contextlib.contextmanager
def small_disk(folder: Path, megabytes: int) -> Iterator[Path]:
    """A real file system of ``megabytes`` at ``folder`` (a tmpfs); the test is skipped where it cannot be mounted."""
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root on Linux; the injected failures below test the same paths")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the injected failures test the same paths")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


# -- a full disk and an unwritable store, for real ---------------------------------------------------------------
def test_full_disk_is_one_line_and_gives_its_space_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key, org = tmp_path / "key", write(tmp_path / "org.csv", ORG)
    big, small = edges(tmp_path / "big.csv", 600_000), edges(tmp_path / "small.csv", 50)
    with small_disk(tmp_path / "disk", 6) as disk:
        store = disk / "store.duckdb"
        assert cli(store, key, "ingest", "orgchart", str(org), capsys=capsys)[0] in (0, 4)
        free = shutil.disk_usage(disk).free
        code, _, err = cli(store, key, "ingest", "edges", str(big), capsys=capsys)
        assert_one_error_line(code, err, str(disk), "disk is full", "Free space", "--store")
        assert staging_left(disk) == []  # the staged rows' space is given back at once
        assert shutil.disk_usage(disk).free >= free - (1 << 20)
        assert held(store) == {"people": 20, "interactions": 0, "ingest_log": 1}
        code, out, err = cli(store, key, "ingest", "edges", str(small), capsys=capsys)  # the next ingest just works
        assert code in (0, 4) and "50 kept" in out, err
        assert held(store)["interactions"] == 50


def test_read_only_file_system_is_one_line_and_reading_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # fmt: skip
    key, org = tmp_path / "key", write(tmp_path / "org.csv", ORG)
    with small_disk(tmp_path / "disk", 8) as disk:
        store = disk / "store.duckdb"
        assert cli(store, key, "ingest", "orgchart", str(org), capsys=capsys)[0] in (0, 4)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        code, _, err = cli(store, key, "ingest", "edges", str(edges(tmp_path / "e.csv", 10)), capsys=capsys)
        assert_one_error_line(code, err, str(store), "read-only", "--store")
        code, out, err = cli(store, key, "status", capsys=capsys)
        assert code == 0 and "people" in out and "Traceback" not in err


def permission_bits_bind(folder: Path) -> bool:
    """Whether a file's permission bits stop this process (not so for root, nor on Windows)."""
    probe = folder / "probe"
    probe.touch(mode=0o444)
    try:
        with open(probe, "a"):
            return False
    except PermissionError:
        return True
    finally:
        probe.chmod(0o644)
        probe.unlink()


@pytest.mark.parametrize("locked", ["file", "folder"])
def test_store_without_write_permission_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    locked: str) -> None:  # fmt: skip
    if sys.platform == "win32" or not permission_bits_bind(tmp_path):
        pytest.skip("permission bits do not stop this process (root); the read-only file system and the injected "
                    "failures test the same paths")  # fmt: skip
    key, folder = tmp_path / "key", tmp_path / "stores"
    store = folder / "store.duckdb"
    assert cli(store, key, "ingest", "orgchart", str(write(tmp_path / "org.csv", ORG)), capsys=capsys)[0] in (0, 4)
    (store if locked == "file" else folder).chmod(0o444 if locked == "file" else 0o555)
    try:
        code, _, err = cli(store, key, "ingest", "edges", str(edges(tmp_path / "e.csv", 10)), capsys=capsys)
        assert_one_error_line(code, err, "permission denied", "permissions", "--store")
    finally:
        folder.chmod(0o755)
        store.chmod(0o644)
    assert held(store)["interactions"] == 0


# -- the same failures injected at the store's DuckDB boundary (no mounting needed) --------------------------------
def _no_space(store: Path) -> duckdb.IOException:
    return duckdb.IOException(f'IO Error: Could not write file "{store}": No space left on device')


@pytest.mark.parametrize("where", ["staging", "staging as parquet", "commit", "open"])
def test_injected_full_disk_is_one_line_and_leaves_the_store_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    key, store = tmp_path / "key", tmp_path / "store.duckdb"
    assert cli(store, key, "ingest", "orgchart", str(write(tmp_path / "org.csv", ORG)), capsys=capsys)[0] in (0, 4)
    path = edges(tmp_path / "e.csv", 100)

    def fail(*args: object, **kwargs: object) -> None:
        raise _no_space(store)

    with monkeypatch.context() as patch:
        if where == "staging":  # while the rows are read and staged
            real_append = Store.append
            patch.setattr(Store, "append", lambda self, name, batch: (fail() if "_staging_" in name
                                                                     else real_append(self, name, batch)))  # fmt: skip
            patch.setattr(ingest_session, "STAGED_AS_PARQUET", set())  # (interactions too)
        elif where == "staging as parquet":  # Arrow writing the staged interactions (as the operating system says it)
            patch.setattr(pq.ParquetWriter, "write_table", lambda *a, **k: (_ for _ in ()).throw(
                OSError(errno.ENOSPC, "No space left on device")))  # fmt: skip
        elif where == "commit":  # in the final transaction
            patch.setattr(IngestSession, "_commit", fail)
        else:  # when the store is opened for writing
            patch.setattr(Store, "_prepare", fail)
        code, out, err = cli(store, key, "ingest", "edges", str(path), capsys=capsys)
    assert_one_error_line(code, err, str(store), "disk is full", "Free space", "--store")
    assert staging_left(tmp_path) == []
    assert held(store) == {"people": 20, "interactions": 0, "ingest_log": 1}
    code, out, err = cli(store, key, "ingest", "edges", str(path), capsys=capsys)
    assert code in (0, 4) and "100 kept" in out, err


def test_injected_failures_reach_the_python_api_as_store_write_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "key") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        monkeypatch.setattr(IngestSession, "_commit", lambda self: (_ for _ in ()).throw(
            duckdb.IOException('IO Error: Cannot open file "/x/s.duckdb.wal": Permission denied')))  # fmt: skip
        with pytest.raises(orgsphere.StoreWriteError, match=r"^/x/s\.duckdb\.wal: permission denied"):
            ws.ingest_edges(edges(tmp_path / "e.csv", 10))
        monkeypatch.undo()
        with pytest.raises(duckdb.CatalogException):  # any other DuckDB error stays what it is
            ws.store.query("SELECT * FROM no_such_table")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full (a device that is always full) is Linux's")
def test_report_onto_a_full_disk_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key, store = tmp_path / "key", tmp_path / "store.duckdb"
    cli(store, key, "ingest", "orgchart", str(write(tmp_path / "org.csv", ORG)), capsys=capsys)
    code, _, err = cli(store, key, "report", "--out", "/dev/full", capsys=capsys)
    said, _, err = err.partition("\n")  # (first which analysis the report is of)
    assert said == "no analysis kept beside the store yet: analysing"
    assert_one_error_line(code, err, "/dev/full", "disk is full", "--out")


# -- kill -9 in the middle of an ingest ------------------------------------------------------------------------
def _ingest_process(store: Path, key: Path, path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "ORGSPHERE_STORE": str(store), "ORGSPHERE_KEY_FILE": str(key)}
    return subprocess.Popen([sys.executable, "-c", "from orgsphere.cli import main; main()", "ingest", "edges",
                             str(path)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def test_kill_9_mid_ingest_leaves_nothing_behind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key, org, path = tmp_path / "key", write(tmp_path / "org.csv", ORG), edges(tmp_path / "e.csv", 300_000)
    clean = tmp_path / "clean" / "store.duckdb"
    for store in (clean, tmp_path / "killed" / "store.duckdb"):
        assert cli(store, key, "ingest", "orgchart", str(org), capsys=capsys)[0] in (0, 4)
    assert cli(clean, key, "ingest", "edges", str(path), capsys=capsys)[0] in (0, 4)
    store = tmp_path / "killed" / "store.duckdb"
    def staged() -> bool:  # (the interactions are staged as Parquet, the rest in a DuckDB file: either)
        for staging in store.parent.glob(store.name + ".staging*"):
            with contextlib.suppress(FileNotFoundError):  # (deleted as it was found)
                if staging.stat().st_size > 0:
                    return True
        return False

    for _ in range(2):
        proc = _ingest_process(store, key, path)
        deadline = time.monotonic() + 120
        while proc.poll() is None and not staged():
            assert time.monotonic() < deadline, "the ingest staged nothing in two minutes"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL, "the ingest ended before it could be killed mid-way"
        assert held(store) == {"people": 20, "interactions": 0, "ingest_log": 1}  # the kill kept nothing
    code, out, err = cli(store, key, "ingest", "edges", str(path), capsys=capsys)
    assert code in (0, 4) and "300,000 kept" in out, err
    assert held(store) == held(clean)
    assert staging_left(store.parent) == []
    assert store.stat().st_size <= 1.25 * clean.stat().st_size, (store.stat().st_size, clean.stat().st_size)


# -- the pseudonymisation key ------------------------------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="permission bits mean nothing on Windows")
def test_a_key_others_can_read_gets_a_warning_naming_chmod(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key, store = tmp_path / "keys" / "acme.key", tmp_path / "store.duckdb"
    code, _, err = cli(store, key, "ingest", "orgchart", str(write(tmp_path / "org.csv", ORG)), capsys=capsys)
    assert code in (0, 4) and "warning" not in err  # created 0600: nothing to say
    key.chmod(0o644)
    code, out, err = cli(store, key, "status", capsys=capsys)
    assert code == 0 and "people" in out  # a warning, not a refusal
    warned = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warned) == 1 and f"chmod 600 {key}" in warned[0] and "every user" in warned[0], err
    with pytest.warns(OrgsphereWarning, match="its group"):
        key.chmod(0o640)
        load_or_create_key(key)
    key.chmod(0o600)
    assert "warning" not in cli(store, key, "status", capsys=capsys)[2]
