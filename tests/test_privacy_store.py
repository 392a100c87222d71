import hashlib
import hmac
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import orgsphere
from orgsphere.errors import KeyMismatchError, StoreError, StoreLockedError
from orgsphere.privacy import Pseudonymiser, load_or_create_key, normalise_identity, suppress_small_groups
from orgsphere.schema import SCHEMA_VERSION, TABLES

from .conftest import write


def test_key_is_created_private_and_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "k" / "pseudonym.key"
    first = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == first


def test_pseudonyms_are_keyed_normalised_and_stable() -> None:
    a, b = Pseudonymiser(b"k" * 32), Pseudonymiser(b"j" * 32)
    assert a.one("Anna@Example.com ") == a.one("anna@example.com") == a.one("mailto:anna@example.com")
    assert a.one("anna@example.com") != b.one("anna@example.com")
    # keyed: without the key, no hash of the address (plain, or of any of its forms) leads to the pseudonym
    forms = ("anna@example.com", "Anna@Example.com ", "mailto:anna@example.com")
    plain = {getattr(hashlib, h)(f.encode()).hexdigest() for h in ("sha256", "sha1", "md5") for f in forms}
    assert not any(p.startswith(a.one("anna@example.com")) for p in plain)
    assert a.one("anna@example.com") == hmac.new(b"k" * 32, b"anna@example.com", hashlib.sha256).hexdigest()[:20]
    arr = a.array(pa.array(["x", "y", "x", None]))
    assert arr.to_pylist() == [a.one("x"), a.one("y"), a.one("x"), None]


@settings(max_examples=300, deadline=None)
@given(key=st.binary(min_size=1, max_size=150), kind=st.text(max_size=20), value=st.text(max_size=200))
def test_pseudonyms_and_digests_are_exactly_hmac_sha256(key: bytes, kind: str, value: str) -> None:
    # the pads hashed once (privacy._HmacSha256) give the digest of the standard library's HMAC, for keys
    # shorter and longer than SHA-256's block of 64 bytes and any text (lone surrogates replaced)
    p = Pseudonymiser(key)
    message = f"orgsphere id v1\x1f{kind}\x1f{value}".encode("utf-8", "replace")
    assert p.digest(kind, value) == hmac.new(key, message, hashlib.sha256).hexdigest()[:16]
    assert p.digest(kind, value) == p.digest(kind, value)  # the state copied, never updated in place
    norm = normalise_identity(value)
    assert p.one(value) == hmac.new(key, norm.encode("utf-8"), hashlib.sha256).hexdigest()[:20]


def test_suppress_small_groups_blanks_measures_keeps_keys() -> None:
    t = pa.table({"group_id": ["a", "b"], "persons": [3, 8], "external": [10, 20]}).replace_schema_metadata(
        {b"keys": b"group_id"}
    )
    out = suppress_small_groups(t, "persons", 5).to_pylist()
    assert out[0] == {"group_id": "a", "persons": None, "external": None, "suppressed": True}
    assert out[1] == {"group_id": "b", "persons": 8, "external": 20, "suppressed": False}


def test_store_opened_with_another_key_is_refused(tmp_path: Path) -> None:
    org = write(tmp_path / "org.csv", "person,unit\na,U\n")
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k1") as ws:
        ws.ingest_orgchart(org)
    load_or_create_key(tmp_path / "k2")
    with pytest.raises(KeyMismatchError, match="different pseudonymisation key"):
        orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k2")
    # a missing key is not silently replaced by a new one
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "gone") as ws, pytest.raises(
        KeyMismatchError, match="key of store .* is missing"
    ):
        ws.ingest_orgchart(write(tmp_path / "org2.csv", "person,unit\nb,U\n"))
    assert not (tmp_path / "gone").exists()


def test_store_in_use_by_another_process_gives_a_clear_error(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    orgsphere.open(store, key_file=tmp_path / "k").close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time, orgsphere
            ws = orgsphere.open({str(store)!r}, key_file={str(tmp_path / 'k')!r})
            print("open", flush=True)
            time.sleep(30)
        """)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreLockedError, match=r"open in another process \(PID \d+\)"):
            orgsphere.open(store, key_file=tmp_path / "k", read_only=True)
    finally:
        holder.kill()
        holder.wait()
    orgsphere.open(store, key_file=tmp_path / "k").close()  # usable again once the other process is gone


def test_newer_schema_is_refused_and_foreign_files_are_not_touched(tmp_path: Path) -> None:
    import duckdb

    store = tmp_path / "s.duckdb"
    orgsphere.open(store, key_file=tmp_path / "k").close()
    con = duckdb.connect(str(store))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="schema version 99 was written by a newer orgsphere"):
        orgsphere.open(store, key_file=tmp_path / "k")
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE accounts (id INT)")
    con.close()
    with pytest.raises(StoreError, match="holds other tables"):
        orgsphere.open(other, key_file=tmp_path / "k")
    text = tmp_path / "notes.duckdb"
    text.write_text("hello, this is not a database\n" * 50)
    with pytest.raises(StoreError, match="not an orgsphere store or damaged"):
        orgsphere.open(text, key_file=tmp_path / "k")


def test_read_only_open_of_missing_store_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="orgsphere demo"):
        orgsphere.open(tmp_path / "none.duckdb", key_file=tmp_path / "k", read_only=True)
    assert not os.path.exists(tmp_path / "none.duckdb")


def test_an_older_store_is_migrated_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import orgsphere.store as store_module

    store = tmp_path / "s.duckdb"
    orgsphere.open(store, key_file=tmp_path / "k").close()
    later = store_module.SCHEMA_VERSION + 1
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", later)
    monkeypatch.setattr(store_module, "MIGRATIONS", {**store_module.MIGRATIONS,
                                                     later - 1: ("ALTER TABLE units ADD COLUMN cost_centre VARCHAR",)})
    with pytest.raises(StoreError, match=f"needs migrating to {later}"):
        orgsphere.open(store, key_file=tmp_path / "k", read_only=True)
    with orgsphere.open(store, key_file=tmp_path / "k") as ws:
        assert ws.store.meta("schema_version") == str(later)
        assert "cost_centre" in ws.store.table("units").columns


def _as_schema(store: Path, version: int) -> None:
    """Turn a store of this schema back into an older one, as that orgsphere wrote it."""
    import duckdb

    con = duckdb.connect(str(store))
    if version < 7:
        con.execute("DROP TABLE unit_addresses")
    if version < 6:
        con.execute("DROP TABLE events")
    if version < 5:
        con.execute("ALTER TABLE rejects DROP COLUMN source_key")
        con.execute("ALTER TABLE rejects RENAME COLUMN value_kind TO raw_excerpt")
        con.execute("ALTER TABLE ingest_log DROP COLUMN source_key")
    if version < 4:
        con.execute("ALTER TABLE interactions DROP COLUMN n")
        con.execute("DROP TABLE declared_sizes")
    if version < 3:
        con.execute("ALTER TABLE interactions DROP COLUMN topic")
    if version < 2:
        con.execute("ALTER TABLE documents DROP COLUMN unit_id")
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    con.close()


def test_an_empty_version_one_store_is_migrated_to_the_present_schema(tmp_path: Path) -> None:
    import duckdb

    store = tmp_path / "s.duckdb"
    orgsphere.open(store, key_file=tmp_path / "k").close()
    _as_schema(store, 1)
    with pytest.raises(StoreError, match=f"version 1 needs migrating to {SCHEMA_VERSION}"):
        orgsphere.open(store, key_file=tmp_path / "k", read_only=True)
    with orgsphere.open(store, key_file=tmp_path / "k") as ws:
        assert ws.store.meta("schema_version") == str(SCHEMA_VERSION) == "7"
        for table in ("documents", "interactions", "rejects", "ingest_log", "events", "unit_addresses"):  # as new
            assert list(ws.store.table(table).columns) == [c.split()[0] for c in TABLES[table].split(", ")]
        ws.ingest_orgchart(write(tmp_path / "org.csv", "person,unit\nP1,Sales\nP2,Sales\nP3,ICT\n"))
        ws.ingest_edges(
            write(tmp_path / "e.csv", "from,to,time\nP1,P2,2025-01-05\nP1,P3,2025-13-06\nP2,P3,2025-01-07\n")
        )
        assert ws.store.raw.execute("SELECT sum(n) FROM interactions").fetchone() == (2,)
        assert ws.store.raw.execute("SELECT source, value_kind FROM rejects").fetchall() == [
            ("e.csv", "a date-like text (10 characters)")]
        with pytest.raises(duckdb.ConstraintException):  # n may not be null, as in a new store
            ws.store.raw.execute("UPDATE interactions SET n = NULL")


def test_a_version_six_store_keeps_its_data_and_takes_unit_addresses(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    with orgsphere.open(store, key_file=tmp_path / "k", internal_domains="acme.example") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", "person,email,unit\nP1,p1@acme.example,Sales\nP2,,ICT\n"))
        ws.ingest_edges(write(tmp_path / "e.csv", "from,to,time\nP1,P2,2025-01-05\n"))
    _as_schema(store, 6)
    with orgsphere.open(store, key_file=tmp_path / "k", internal_domains="acme.example") as ws:
        assert ws.store.meta("schema_version") == "7"
        assert ws.store.raw.execute("SELECT count(*) FROM interactions").fetchone() == (1,)
        ws.ingest_orgchart(write(tmp_path / "units.yaml", "name: ICT\naddresses: desk@acme.example\n"),
                           tmp_path / "org.csv")  # fmt: skip
        report = ws.ingest_edges(write(tmp_path / "f.csv", "from,to,time\np1@acme.example,desk@acme.example,"
                                                           "2025-01-06\n"))  # fmt: skip
        assert report.kept == 1
        assert ws.store.raw.execute("SELECT dst, dst_kind FROM interactions WHERE ts > '2025-01-05'"
                                    ).fetchall() == [("ICT", "unit")]  # fmt: skip


@pytest.mark.parametrize("version", [3, 4])
def test_an_older_store_holding_data_is_refused_not_mixed_with_keyed_ids(tmp_path: Path, version: int) -> None:
    """Below schema 5 ids were hashed without the key: no migration can key them, and mixed with keyed ids the
    same message would count twice. Such a store is refused, read-only or not, and left as it was."""
    import duckdb

    store = tmp_path / "s.duckdb"
    with orgsphere.open(store, key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", "person,unit\nP1,Sales\nP2,Sales\nP3,ICT\n"))
        ws.ingest_edges(write(tmp_path / "e.csv", "from,to,time\nP1,P2,2025-01-05\n"))
    _as_schema(store, version)
    for read_only in (True, False):
        with pytest.raises(StoreError, match=f"schema version {version} cannot be brought to {SCHEMA_VERSION}: it "
                           "holds message, ticket, thread and event ids hashed without the pseudonymisation key"
                           r".*Ingest the sources again into a new store \(--store NEW.duckdb, with the same "
                           "key_file"):  # fmt: skip
            orgsphere.open(store, key_file=tmp_path / "k", read_only=read_only)
    con = duckdb.connect(str(store), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(version),)
    assert con.execute("SELECT count(*) FROM interactions").fetchone() == (1,)
    con.close()


def test_suppression_applied_twice_is_applied_once() -> None:
    t = pa.table({"group_id": ["a", "b"], "persons": [3, 8]}).replace_schema_metadata({b"keys": b"group_id"})
    once = suppress_small_groups(t, "persons", 5)
    assert suppress_small_groups(once, "persons", 5) is once
    # a stricter size still applies on top of a looser one
    assert suppress_small_groups(once, "persons", 10)["suppressed"].to_pylist() == [True, True]
