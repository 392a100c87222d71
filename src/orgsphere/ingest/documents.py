"""Documents for the language audit (policies, service catalogues, SLA texts, intranet pages) into the
``documents`` table: one row per file with its text, its language and the unit it belongs to.

The unit is the one given, or else the first folder on the document's path named like a unit of the org chart
(``docs/ICT Service Desk/catalogus.pdf`` belongs to ICT Service Desk). A file whose text cannot be read is
rejected with the reason; the same bytes ingested again are skipped, a changed file replaces its old text.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ..errors import InputError
from ..store import Store
from ..text.audit import guess_lang
from .document_formats import document_files, read_document
from .limits import ReadLimits
from .session import IngestReport, IngestSession, run_ingest

__all__ = ["ingest_documents"]


def _unit_of(path: Path, units: dict[str, str]) -> str | None:
    for folder in reversed(path.resolve().parent.parts):
        if folder.lower() in units:
            return units[folder.lower()]
    return None


def ingest_documents(store: Store, paths: list[Path], unit: str | None = None) -> list[IngestReport]:
    """Ingest every document in ``paths`` (files, or folders searched for .txt, .md, .html, .docx, .pdf)."""
    units = {name.lower(): unit_id for unit_id, name in store.raw.execute("SELECT unit_id, name FROM units").fetchall()}
    units |= {unit_id.lower(): unit_id for unit_id in units.values()}
    if unit is not None and unit.lower() not in units:
        raise InputError(f"unit {unit!r} is not in the org chart; give a unit's name (orgsphere status lists the "
                         "org chart) or leave --unit out to take it from the folder names.")  # fmt: skip
    files = list(document_files(paths))
    if not files:
        raise InputError(f"{', '.join(map(str, paths))}: no documents found (.txt, .md, .html, .docx, .pdf).")
    limits = ReadLimits.of(store.settings)
    reports = []
    for path in files:

        def read(session: IngestSession, path: Path = path) -> None:
            session.report.rows = 1
            try:
                text = read_document(path, limits)
            except InputError as exc:
                session.reject("file", str(exc).replace(str(path), path.name))  # (the folders may name someone)
                return
            if not text.strip():
                session.reject("file", f"{path.name}: no text found (a scanned PDF needs text recognition first)")
                return
            owner = units[unit.lower()] if unit is not None else _unit_of(path, units)
            session.stage("documents", pa.table({
                "doc_id": [session.sha256[:16]], "path": [path.name], "lang": [guess_lang(text)], "text": [text],
                "unit_id": pa.array([owner], pa.string()),
            }))  # fmt: skip
            session.report.kept = 1

        reports.append(run_ingest(store, path, "document", read))
    return reports
