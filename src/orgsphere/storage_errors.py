"""A full disk or a file that cannot be written, from DuckDB or from Python, as one :class:`StoreWriteError`
that names the file and the fix (free space, another --store, the permissions) instead of a traceback.

DuckDB reports both as ``duckdb.IOException`` with the operating system's words in its message ("No space left
on device", "Permission denied", "Read-only file system"); after a failed write it may refuse every further
statement of that connection ("database has been invalidated"). Python's own writes (a report, an export)
raise ``OSError`` with an ``errno``.
"""

from __future__ import annotations

import contextlib
import errno
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb

from .errors import OrgsphereError, StoreWriteError

__all__ = ["storage_error", "storage_errors"]

_FULL = ("no space left on device", "disk is full", "disk full", "not enough space", "quota exceeded")
_READ_ONLY = ("read-only file system",)
_DENIED = ("permission denied", "operation not permitted", "access is denied")
_INVALIDATED = "database has been invalidated"
_FILE = re.compile(r'(?:file|directory) "([^"]+)"', re.IGNORECASE)


def storage_error(exc: BaseException, store: Path | str | None = None) -> StoreWriteError | None:
    """The :class:`StoreWriteError` that ``exc`` stands for, or None when it is no storage failure.
    ``store``: the store's path, named when the failure does not name a file itself."""
    if isinstance(exc, OrgsphereError) or not isinstance(exc, (OSError, duckdb.Error)):
        return None
    text = str(exc).lower()
    code = exc.errno if isinstance(exc, OSError) else None
    where = _where(exc, store)
    if code in (errno.ENOSPC, errno.EDQUOT) or any(words in text for words in _FULL):
        return StoreWriteError(
            f"{where}: the disk is full (no space left on device); what this command was writing to the store "
            "was not kept. Free space on that disk, or point --store (or --out) at a disk with more room, then "
            "run the command again. An ingest needs room for its rows twice while it runs."
        )
    if code == errno.EROFS or any(words in text for words in _READ_ONLY):
        return StoreWriteError(
            f"{where}: cannot write here, the file system is read-only; nothing was written. Point --store (or "
            "--out) at a writable folder, or copy the store there; commands that only read (status, check, "
            "analyse) work on a read-only store."
        )
    if code in (errno.EACCES, errno.EPERM) or any(words in text for words in _DENIED):
        return StoreWriteError(
            f"{where}: permission denied; nothing was written. Check the permissions: the store file and its "
            "folder must be writable by you (the store writes a .wal and a .staging file beside it), e.g. "
            "ls -l on the folder; or point --store (or --out) elsewhere."
        )
    if _INVALIDATED in text:
        return StoreWriteError(
            f"{where}: an earlier write to the store failed in this process (a full disk or a file that cannot be "
            "written), so DuckDB refuses further work on it; what that command was writing was not kept. Fix "
            "the cause (free space, permissions), then open the store again."
        )
    return None


@contextlib.contextmanager
def storage_errors(store: Path | str | None = None) -> Iterator[None]:
    """Within this block, a storage failure is raised as its :class:`StoreWriteError`; any other error as it is."""
    try:
        yield
    except (OSError, duckdb.Error) as exc:
        translated = storage_error(exc, store)
        if translated is None:
            raise
        raise translated from exc


def _where(exc: BaseException, store: Path | str | None) -> str:
    """The file the failure names (OSError's filename, the file in DuckDB's message), else the store."""
    if isinstance(exc, OSError) and exc.filename:
        return str(exc.filename)
    found = _FILE.search(str(exc))
    if found:
        return found.group(1)
    return str(store) if store is not None else "the store"
