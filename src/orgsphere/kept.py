"""The kept analysis: the results of the last ``analyse``, kept beside the store with a fingerprint of what they
were computed from, so that ``report`` and ``export`` reuse them while nothing changed.

Layout, beside the store ``orgsphere.duckdb``::

    orgsphere.duckdb.analysis/manifest.json       format, fingerprint, when, the fits, Rent's fit, the
                                                   organisation, the processing statement, the data check and
                                                   each table's file with its SHA-256
    orgsphere.duckdb.analysis/<id>/<table>.arrow  the published tables (Arrow IPC: every type and the tables'
                                                   metadata come back exactly)

:func:`keep` writes the tables into a folder of their own first, then replaces the manifest in one rename: an
interrupted write leaves the previous analysis as it was. :func:`recall` returns the kept results only when the
manifest reads, its format and orgsphere version are this one's, its fingerprint is the one asked for and every
table file has the SHA-256 the manifest gives; anything else is a reason to analyse again, never an error.

Only what :class:`~orgsphere.results.Results` publishes is kept: the tables after the minimum group size, the
fits, the organisation's size, the processing statement and the data check; no person's pseudonym.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from .errors import OrgsphereWarning
from .fits import RentFit, ScalingFit
from .health import Finding, Health
from .result_tables import RESULT_TABLES, spec_of
from .results import ProcessingStatement, Results, ResultTable
from .settings import SETTINGS, Settings
from .statement import settings_shown
from .store import orgsphere_version

__all__ = ["Analysis", "Recalled", "REASONS", "FORMAT", "kept_folder", "fingerprint", "keep", "recall",
           "refreshed"]  # fmt: skip

FORMAT = 1  # of the kept files; another format is not read (analysed again)
MANIFEST = "manifest.json"
SUFFIX = ".analysis"
PARTIAL = ".partial"
STALE_PARTIAL_SECONDS = 3600  # a write left unfinished this long ago was killed: its files are removed
# why the results are what they are: reused (kept); analysed because asked (fresh), because none was kept
# (missing), because the store or the settings changed (changed), or because the kept one cannot be used
REASONS = ("kept", "fresh", "missing", "changed", "unreadable")


@dataclass(frozen=True)
class Recalled:
    """What :func:`recall` found: the kept results (None where they cannot be reused), the reason (one of
    :data:`REASONS`), why in words where they cannot be read, and when the kept analysis ran."""

    results: Results | None
    reason: str
    detail: str = ""
    analysed: str = ""


@dataclass(frozen=True)
class Analysis:
    """Results with where they came from: ``reason`` "kept" where the analysis kept beside the store was reused
    (run at ``analysed``), else why it was analysed now (see :data:`REASONS`; ``detail``: why a kept one could
    not be used)."""

    results: Results
    reason: str
    analysed: str
    detail: str = ""

    @property
    def reused(self) -> bool:
        return self.reason == "kept"

    def line(self) -> str:
        """One line saying which analysis the results are (the report and export commands print it on stderr)."""
        return {
            "kept": f"using the analysis of {self.analysed}",
            "fresh": "analysing again, as asked",
            "missing": "no analysis kept beside the store yet: analysing",
            "changed": "store or settings changed since the last analyse: analysing again",
            "unreadable": f"the kept analysis cannot be used ({self.detail}): analysing again",
        }[self.reason]


def kept_folder(store: str | os.PathLike[str]) -> Path:
    """Where the analysis of the store ``store`` is kept: a folder beside it (orgsphere.duckdb.analysis)."""
    path = Path(store)
    return path.with_name(path.name + SUFFIX)


# -- the fingerprint ------------------------------------------------------------------------------------------
def _file_digest(path: Path) -> str | None:
    """The SHA-256 of a file a setting names (None where there is none)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _plain(value: Any) -> Any:
    """A setting's value as JSON can write it (a path as text, a tuple as a list)."""
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def fingerprint(settings: Settings, source: Mapping[str, Any]) -> str:
    """What an analysis is computed from, as one digest: this orgsphere and the kept format, ``source`` (what
    the store or the warehouse holds: see ``Workspace``), every setting the analysis reads (those declared
    ``analysis=True``) and the contents of the files they name (a lexicon, the labelled work items)."""
    values, files = {}, {}
    for s in SETTINGS:
        if not s.analysis:
            continue
        value = getattr(settings, s.name)
        values[s.name] = _plain(value)
        if s.kind == "path" and value is not None:
            files[s.name] = _file_digest(Path(value))
    text = json.dumps({"format": FORMAT, "orgsphere": orgsphere_version(), "source": _plain(dict(source)),
                       "settings": values, "files": files}, sort_keys=True, default=str)  # fmt: skip
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- plain values, and back ----------------------------------------------------------------------------------
def _encode(value: Any) -> Any:
    """What :func:`json.dumps` cannot write itself, tagged so that :func:`_decode` gives it back as it was."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} cannot be kept")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$datetime" in obj:
            return datetime.fromisoformat(obj["$datetime"])
        if "$date" in obj:
            return date.fromisoformat(obj["$date"])
    return obj


def _index(fits: list[ScalingFit], fit: ScalingFit | None) -> int | None:
    return None if fit is None else next(i for i, f in enumerate(fits) if f is fit)


def _manifest(results: Results, fingerprint_: str, folder: str, files: dict[str, dict[str, str]]) -> dict[str, Any]:
    rent = results.rent
    return {
        "format": FORMAT,
        "orgsphere_version": orgsphere_version(),
        "fingerprint": fingerprint_,
        "analysed": results.statement.generated,
        "folder": folder,
        "tables": files,
        "fits": [asdict(f) for f in results.fits],
        "rent": None if rent is None else {
            "fit": _index(results.fits, rent.fit), "inner": _index(results.fits, rent.inner),
            "break_depth": rent.break_depth, "level_residuals": rent.level_residuals},
        "organisation": results.organisation,
        "statement": results.statement.as_dict(),
        "health": None if results.health is None else {
            "findings": [asdict(f) for f in results.health.findings], "sources": results.health.sources},
        "min_group_size": results.min_group_size,
    }  # fmt: skip


def _results(manifest: Mapping[str, Any], tables: Mapping[str, pa.Table]) -> Results:
    fits = [ScalingFit(**f) for f in manifest["fits"]]
    rent = None
    if (r := manifest["rent"]) is not None:
        rent = RentFit(fits[r["fit"]], None if r["inner"] is None else fits[r["inner"]], r["break_depth"],
                       r["level_residuals"])  # fmt: skip
    health = None
    if (h := manifest["health"]) is not None:
        health = Health([Finding(**f) for f in h["findings"]], h["sources"])
    published = {name: ResultTable(name, tables[name], spec_of(name).description) for name in tables}
    return Results(published, fits, rent, manifest["organisation"], ProcessingStatement(**manifest["statement"]),
                   int(manifest["min_group_size"]), health)  # fmt: skip


# -- writing -------------------------------------------------------------------------------------------------
def _write_table(path: Path, table: pa.Table) -> str:
    with ipc.new_file(str(path), table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def keep(results: Results, folder: Path, fingerprint_: str) -> bool:
    """Keep ``results`` in ``folder`` under ``fingerprint_``, replacing what was kept there only once the new
    analysis is complete. A folder that cannot be written is an :class:`~orgsphere.errors.OrgsphereWarning`
    (the work goes on; the next report analyses again), not an error. Returns whether it was kept."""
    name = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{os.urandom(4).hex()}"
    partial, staged = folder / (name + PARTIAL), folder / (MANIFEST + "." + name + PARTIAL)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial.mkdir()
        files = {t.name: {"file": f"{name}/{t.name}.arrow",
                          "sha256": _write_table(partial / f"{t.name}.arrow", t.arrow)}
                 for t in results.tables()}  # fmt: skip
        text = json.dumps(_manifest(results, fingerprint_, name, files), default=_encode, ensure_ascii=False)
        partial.rename(folder / name)
        staged.write_text(text, encoding="utf-8")
        os.replace(staged, folder / MANIFEST)  # (one rename: a reader sees the old manifest or the new one)
    except BaseException as exc:  # (interrupted too: what was written of this one goes, the previous one stands)
        shutil.rmtree(partial, ignore_errors=True)
        shutil.rmtree(folder / name, ignore_errors=True)
        with contextlib.suppress(OSError):
            staged.unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        warnings.warn(OrgsphereWarning(
            f"{folder}: cannot keep the analysis beside the store ({exc.strerror or exc}); the report and the "
            "export will analyse again. Make the folder beside the store writable to keep it."), stacklevel=2)
        return False
    _prune(folder, name)
    return True


def _prune(folder: Path, current: str) -> None:
    """Remove the tables of earlier analyses, and what a killed write left long enough ago."""
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            if entry.name in (MANIFEST, current):
                continue
            if entry.name.endswith(PARTIAL):
                with contextlib.suppress(OSError):
                    if now - entry.stat().st_mtime < STALE_PARTIAL_SECONDS:
                        continue  # (perhaps another process writing now)
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()


# -- reading -------------------------------------------------------------------------------------------------
class _Unusable(Exception):
    """Why the kept analysis cannot be used (its message: in a few words)."""


def _read_table(folder: Path, entry: Mapping[str, str]) -> pa.Table:
    path = folder / entry["file"]
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise _Unusable(f"{entry['file']} differs from what was kept")
    return ipc.open_file(pa.BufferReader(data)).read_all()


def recall(folder: Path, fingerprint_: str) -> Recalled:
    """The results kept in ``folder`` when they were computed from what ``fingerprint_`` says, else why not
    (never an error: a missing, damaged or old kept analysis is a reason to analyse again)."""
    path = folder / MANIFEST
    if not path.exists():
        return Recalled(None, "missing")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"), object_hook=_decode)
        if not isinstance(manifest, dict):
            raise _Unusable("its manifest is not a JSON object")
        if manifest.get("format") != FORMAT or manifest.get("orgsphere_version") != orgsphere_version():
            raise _Unusable(f"kept by orgsphere {manifest.get('orgsphere_version')} in format {manifest.get('format')}"
                            f"; this is orgsphere {orgsphere_version()}, format {FORMAT}")  # fmt: skip
        if manifest.get("fingerprint") != fingerprint_:
            return Recalled(None, "changed", analysed=str(manifest.get("analysed", "")))
        entries = manifest["tables"]
        missing = [s.name for s in RESULT_TABLES if s.name not in entries]
        if missing:
            raise _Unusable(f"no table {missing[0]}")
        tables = {s.name: _read_table(folder, entries[s.name]) for s in RESULT_TABLES}
        return Recalled(_results(manifest, tables), "kept", analysed=str(manifest["analysed"]))
    except _Unusable as exc:
        return Recalled(None, "unreadable", str(exc))
    except FileNotFoundError as exc:
        return Recalled(None, "unreadable", f"{Path(exc.filename or '').name or 'a file'} is missing")
    except (OSError, ValueError, KeyError, TypeError, IndexError, StopIteration, pa.ArrowException) as exc:
        return Recalled(None, "unreadable", f"damaged: {type(exc).__name__}")


def refreshed(results: Results, settings: Settings) -> Results:
    """Kept ``results`` with the processing statement's settings as they are now: those the analysis reads are
    the same (the fingerprint says so), the others (the report's language, where the store is) as a fresh
    analysis would list them."""
    results.statement.settings = settings_shown(settings)
    return results
