"""The store: an embedded DuckDB file holding the canonical tables, reached through ibis.

DuckDB lets one process write a file at a time; a second process that tries to open it gets
:class:`~orgsphere.errors.StoreLockedError` at once. Every ingest runs in one transaction, so an ingest that
is interrupted leaves the store as it was; it stages its rows in a file of its own beside the store
(``<store>.staging``), deleted when the ingest ends, so that even a kill leaves the store file its size. A full
disk or a store that cannot be written is a :class:`~orgsphere.errors.StoreWriteError` with its fix.
"""

from __future__ import annotations

import contextlib
import glob
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa

from .engine import connect_duckdb, duckdb_connection, forget_cached
from .errors import ConfigError, KeyMismatchError, StoreError, StoreLockedError
from .privacy import Pseudonymiser, key_fingerprint, load_or_create_key
from .schema import (
    MIGRATIONS,
    REBUILD_BELOW,
    REBUILD_WHY,
    SCHEMA_VERSION,
    STAGING_FILE_SUFFIX,
    STAGING_PREFIX,
    TABLES,
)
from .settings import Settings
from .storage_errors import storage_error, storage_errors

__all__ = ["Store", "orgsphere_version"]

STAGING_DB = "_orgsphere_staging"  # the name the staging file is attached under


def orgsphere_version() -> str:
    return version("orgsphere")


class Store:
    """An open store. Use :func:`orgsphere.open` to get one; close it (or use ``with``) when done."""

    engine = "duckdb"
    ends_known = False  # a store does not record whether every end id of its interactions is in its lookups

    def __init__(self, path: Path, settings: Settings, read_only: bool = False):
        self.path = Path(path)
        self.settings = settings
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(
                f"{self.path}: no store here. Ingest an org chart first (orgsphere ingest orgchart FILE), "
                "or run orgsphere demo."
            )
        with storage_errors(self.path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.ibis = connect_duckdb(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"{self.path}: the store is open in another process ({_holder(exc)}). "
                    "Wait for that ingest or analysis to finish, or stop it, then try again."
                ) from None
            if (unwritable := storage_error(exc, self.path)) is not None:
                raise unwritable from None
            if "not a valid DuckDB database" not in str(exc):
                raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
            raise StoreError(
                f"{self.path}: not an orgsphere store or damaged (not a DuckDB database file). Point --store "
                "at a store file, or at a new path to create one."
            ) from None
        except duckdb.Error as exc:
            raise StoreError(
                f"{self.path}: not an orgsphere store or damaged ({exc}). Point --store at a store file, "
                "or at a new path to create one."
            ) from None
        self.raw = duckdb_connection(self.ibis)
        self.raw.execute("SET enable_progress_bar = false")  # nothing below the CLI prints
        if settings.memory_limit:
            try:
                self.raw.execute("SET memory_limit = ?", [settings.memory_limit])
            except duckdb.Error as exc:
                self.close()
                raise ConfigError(
                    f"setting 'memory_limit': {settings.memory_limit!r} is not a memory size ({exc}); "
                    "write it like 2GB or 500MB."
                ) from None
        self._pseudonymiser: Pseudonymiser | None = None
        self._in_transaction = False
        try:
            with storage_errors(self.path):
                self._prepare()
        except BaseException:
            self.close()
            raise

    # -- life cycle -----------------------------------------------------------------------------------
    def _prepare(self) -> None:
        existing = {r[0] for r in self.raw.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" not in existing:
            if existing:
                raise StoreError(
                    f"{self.path}: this DuckDB file holds other tables ({', '.join(sorted(existing)[:5])}) and "
                    "no orgsphere schema. Use a new path for the store."
                )
            if self.read_only:
                raise StoreError(f"{self.path}: empty file, not an orgsphere store.")
            with self.transaction():
                for name, columns in TABLES.items():
                    self.raw.execute(f"CREATE TABLE {name} ({columns})")
                self._set_meta("schema_version", str(SCHEMA_VERSION))
                self._set_meta("created_with", orgsphere_version())
        if not self.read_only:
            self._drop_leftover_staging()
        found = int(self.meta("schema_version") or 0)
        if found > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {found} was written by a newer orgsphere; this is "
                f"{orgsphere_version()} (schema {SCHEMA_VERSION}). Upgrade orgsphere: pip install -U orgsphere."
            )
        if found < REBUILD_BELOW and self._holds_data(existing):
            raise StoreError(
                f"{self.path}: store schema version {found} cannot be brought to {SCHEMA_VERSION}: {REBUILD_WHY}. "
                "Ingest the sources again into a new store (--store NEW.duckdb, with the same key_file so every "
                "pseudonym stays the same), then delete this file."
            )
        if found < SCHEMA_VERSION:
            if self.read_only:
                raise StoreError(
                    f"{self.path}: store schema version {found} needs migrating to {SCHEMA_VERSION}; "
                    "open it once for writing to migrate: the next orgsphere ingest does, or in Python "
                    f"orgsphere.open({str(self.path)!r}).close()  (orgsphere status only reads)."
                )
            self._migrate(found)
        self._check_key()

    def _holds_data(self, tables: set[str]) -> bool:
        """Whether any table but meta has a row (a store older than REBUILD_BELOW may then not be migrated)."""
        data = sorted(tables & set(TABLES) - {"meta"})
        return any(self.raw.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() for t in data)

    def _drop_leftover_staging(self) -> None:
        """What an ingest that was killed (or failed on a full disk) left: its staging file, and the staging
        tables that earlier versions kept in the store file itself, whose space a checkpoint gives back to the
        store (the file does not shrink, but the next ingest writes into that space instead of growing it)."""
        for leftover in self.staging_files():
            leftover.unlink(missing_ok=True)
        dropped = self.raw.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
            "AND starts_with(table_name, ?)", [STAGING_PREFIX]
        ).fetchall()  # fmt: skip
        for (name,) in dropped:
            self.raw.execute(f'DROP TABLE "{name}"')
        if dropped:
            self.raw.execute("CHECKPOINT")

    def staging_files(self) -> list[Path]:
        """The file an ingest stages its rows in while it reads (beside the store) and its write-ahead log."""
        staging = self.path.with_name(self.path.name + STAGING_FILE_SUFFIX)
        parquet = sorted(self.path.parent.glob(glob.escape(staging.name) + ".*.parquet"))  # (:meth:`staging_parquet`)
        return [staging, staging.with_name(staging.name + ".wal"), *parquet]

    def staging_parquet(self, table: str) -> Path:
        """The file an ingest stages its bulk rows for ``table`` in (Parquet, beside the store; written by Arrow
        many times faster than DuckDB appends them, and read once by the commit)."""
        return self.path.with_name(f"{self.path.name}{STAGING_FILE_SUFFIX}.{table}.parquet")

    def staging(self) -> str:
        """The database an ingest stages its rows in: a file of its own beside the store, attached on first
        use, so that staged rows never take space in the store file and an interrupted ingest leaves nothing
        in it (:meth:`release_staging` deletes the file; the next open deletes one that a kill left)."""
        attached = self.raw.execute("SELECT 1 FROM duckdb_databases() WHERE database_name = ?", [STAGING_DB]).fetchone()
        if attached is None:
            for leftover in self.staging_files()[:2]:  # (not the Parquet of this ingest)
                leftover.unlink(missing_ok=True)
            quoted = str(self.staging_files()[0]).replace("'", "''")
            self.raw.execute(f"ATTACH '{quoted}' AS {STAGING_DB}")
        return STAGING_DB

    def release_staging(self) -> None:
        """Detach the staging database and delete its file (also when the store can no longer be written)."""
        with contextlib.suppress(duckdb.Error):  # (after a write error DuckDB may refuse every statement)
            self.raw.execute(f"DETACH DATABASE IF EXISTS {STAGING_DB}")
        for leftover in self.staging_files():
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)

    def _migrate(self, found: int) -> None:
        with self.transaction():
            for step in range(found, SCHEMA_VERSION):
                for statement in MIGRATIONS[step]:
                    self.raw.execute(statement)
            self._set_meta("schema_version", str(SCHEMA_VERSION))

    def _check_key(self) -> None:
        stored = self.meta("key_fingerprint")
        key_path = self.settings.key_file
        if stored is None or not Path(key_path).exists():
            return  # checked when the key is first needed
        found = key_fingerprint(load_or_create_key(key_path))
        if found != stored:
            raise KeyMismatchError(
                f"{self.path}: this store was written with a different pseudonymisation key "
                f"(fingerprint {stored}; the key in {key_path} has {found}). Mixing keys would split every "
                "person in two. Set key_file to the store's own key, or ingest into a new store."
            )

    def pseudonymiser(self) -> Pseudonymiser:
        """The keyed hasher for this store; creates the key on first use and binds it to the store."""
        if self._pseudonymiser is None:
            key_path = Path(self.settings.key_file)
            stored = self.meta("key_fingerprint")
            if stored is not None and not key_path.exists():
                raise KeyMismatchError(
                    f"{key_path}: the pseudonymisation key of store {self.path} is missing (fingerprint "
                    f"{stored}). Restore the key file from your backup or set key_file to where it is; a new "
                    "key would make every pseudonym different."
                )
            key = load_or_create_key(key_path)
            if stored is None:
                self._set_meta("key_fingerprint", key_fingerprint(key))
            else:
                self._check_key()
            self._pseudonymiser = Pseudonymiser(key)
        return self._pseudonymiser

    def close(self) -> None:
        forget_cached(self.ibis)
        with contextlib.suppress(Exception):
            self.ibis.disconnect()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- access ---------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: statements inside are committed together or not at all."""
        self.raw.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield
            self.raw.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # (a store that a write error invalidated cannot roll back)
                self.raw.execute("ROLLBACK")
            raise
        finally:
            self._in_transaction = False

    @property
    def in_transaction(self) -> bool:
        """Whether a :meth:`transaction` is open (its writes may reach the store file only)."""
        return self._in_transaction

    def table(self, name: str) -> ibis.Table:
        if name not in TABLES:
            raise StoreError(f"no table {name!r} in the store; the tables are {', '.join(TABLES)}.")
        return self.ibis.table(name)

    def meta(self, key: str) -> str | None:
        row = self.raw.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self.raw.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def set_meta(self, key: str, value: str | None) -> None:
        """Record ``value`` under ``key`` in the store's meta (None: remove it); for what an ingest learns of
        its source, such as the definitions an org chart of many organisations was derived with."""
        if value is None:
            self.raw.execute("DELETE FROM meta WHERE key = ?", [key])
        else:
            self._set_meta(key, value)

    def append(self, name: str, batch: pa.Table | pa.RecordBatch) -> None:
        """Append Arrow rows to a canonical table (columns matched by name; missing ones become null)."""
        view = f"_orgsphere_append_{name.rpartition('.')[2]}"  # (name may be qualified: a staging table)
        self.raw.register(view, batch)
        try:
            cols = ", ".join(batch.schema.names)
            self.raw.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM {view}")
        finally:
            self.raw.unregister(view)

    def state(self) -> dict[str, list[int]]:
        """What changes whenever anything in the store changes, cheaply (a scan, some 40 ms a million rows):
        per table its rows and the sum of a hash of every row (every column, so that an ingest that replaces
        rows with as many others changes it too)."""
        parts = " UNION ALL ".join(f"SELECT '{t}', count(*), coalesce(sum(hash(r)), 0)::VARCHAR FROM {t} AS r"
                                   for t in TABLES)  # fmt: skip
        return {t: [int(n), int(h)] for t, n, h in self.raw.execute(parts).fetchall()}

    def counts(self) -> dict[str, int]:
        return {t: int(self.raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}  # type: ignore[index]

    def query(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        return self.raw.execute(sql, params or []).to_arrow_table()


def _holder(exc: Exception) -> str:
    text = str(exc)
    marker = "(PID "
    if marker in text:
        return "PID " + text.split(marker, 1)[1].split(")", 1)[0]
    return "another process"
