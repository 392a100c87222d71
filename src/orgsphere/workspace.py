"""The Python face of orgsphere: open a store with settings, ingest, analyse, report, export."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .changes import Changes, analyse_changes
from .engine import TableSource
from .errors import StoreError
from .health import Health, check_health
from .ingest import (
    IngestReport,
    ingest_calendar,
    ingest_crm,
    ingest_documents,
    ingest_edges,
    ingest_events,
    ingest_mail,
    ingest_orgchart,
    ingest_parties,
    ingest_slack,
    ingest_tickets,
    ingest_viva,
)
from .ingest.tabular import Progress
from .kept import Analysis, fingerprint, keep, kept_folder, recall, refreshed
from .language_audit import LanguageAudit, audit_texts, document_texts, store_texts_of
from .pipeline import analyse
from .results import Results
from .settings import Settings, load_settings
from .storage_errors import storage_errors
from .store import Store
from .warehouse import Warehouse, check_current, publish, snapshot_of, warehouse_location

if TYPE_CHECKING:
    from collections import Counter

    import pyarrow as pa

    from .text.role_choice import RoleEvaluation
    from .text.role_labelling import CurvePoint, Proposal
    from .text.role_model import LabelledItem

__all__ = ["Workspace", "open", "audit_language", "run_demo", "evaluate_roles", "propose_role_labels",
           "add_role_labels", "organisations_orgchart"]

PathLike = str | os.PathLike[str]


def _storage(method: Callable[..., Any]) -> Callable[..., Any]:
    """A full disk or a file that cannot be written, during ``method``, as one StoreWriteError with its fix."""

    @functools.wraps(method)
    def run(self: Workspace, *args: Any, **kwargs: Any) -> Any:
        with storage_errors(self.settings.store):
            return method(self, *args, **kwargs)

    return run


class Workspace:
    """A store and the settings it is used with. Close it, or use it in a ``with`` block."""

    def __init__(self, settings: Settings, read_only: bool = False):
        self.settings = settings
        # on the spark engine a machine may hold only the published warehouse, not the store it came from
        remote = settings.engine == "spark" and read_only and not Path(settings.store).exists()
        self.store: Store | None = None if remote else Store(settings.store, settings, read_only=read_only)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    # -- ingest ---------------------------------------------------------------------------------------
    @_storage
    def ingest_orgchart(self, *paths: PathLike, progress: Progress | None = None,
                        columns: Mapping[str, str] | None = None) -> IngestReport:  # fmt: skip
        """Replace the org chart with the given files (a YAML tree of units and/or CSV / XLSX of people);
        ``columns`` maps the people file's fields (person, unit, ...) to its columns."""
        return ingest_orgchart(self._store(), [Path(p) for p in paths], progress, columns)

    @_storage
    def ingest_parties(self, path: PathLike, kind: str | None = None, progress: Progress | None = None,
                       columns: Mapping[str, str] | None = None) -> IngestReport:  # fmt: skip
        """Declare outside parties (address or domain, or an id, and kind; ``kind`` for files without that
        column); ``columns`` maps the fields (id, address, domain, kind, name) to the file's columns."""
        return ingest_parties(self._store(), Path(path), kind, progress, columns)

    @_storage
    def ingest_edges(self, path: PathLike, columns: Mapping[str, str] | None = None,
                     progress: Progress | None = None) -> IngestReport:  # fmt: skip
        """Ingest an edge list; ``columns`` maps fields (src, dst, ts, channel, weight, thread) to columns."""
        return ingest_edges(self._store(), Path(path), self.settings, columns, progress)

    @_storage
    def ingest_mail(self, path: PathLike, progress: Progress | None = None) -> IngestReport:
        """Ingest mail headers: an mbox file, a Maildir folder or a folder of .eml files."""
        return ingest_mail(self._store(), Path(path), self.settings, progress)

    @_storage
    def ingest_calendar(self, path: PathLike, start: date | None = None, end: date | None = None,
                        progress: Progress | None = None) -> IngestReport:  # fmt: skip
        """Ingest meetings from an .ics file or a folder of them; recurring events expanded in [start, end)."""
        return ingest_calendar(self._store(), Path(path), self.settings, start, end, progress)

    @_storage
    def ingest_crm(self, path: PathLike, columns: Mapping[str, str] | None = None,
                   progress: Progress | None = None) -> IngestReport:  # fmt: skip
        """Ingest CRM activities (employee, account, type, time, duration); every account is a customer."""
        return ingest_crm(self._store(), Path(path), self.settings, columns, progress)

    @_storage
    def ingest_tickets(self, path: PathLike, columns: Mapping[str, str] | None = None,
                       progress: Progress | None = None) -> IngestReport:  # fmt: skip
        """Ingest a ServiceNow / Jira style ticket export into work items and requester-to-team interactions."""
        return ingest_tickets(self._store(), Path(path), self.settings, columns, progress)

    @_storage
    def ingest_documents(self, *paths: PathLike, unit: str | None = None) -> list[IngestReport]:
        """Documents for the language audit (.txt, .md, .html, .docx, .pdf; folders searched); ``unit``: the
        unit they belong to, else the folder named like a unit."""
        return ingest_documents(self._store(), [Path(p) for p in paths], unit)

    @_storage
    def ingest_slack(self, path: PathLike, progress: Progress | None = None) -> IngestReport:
        """Ingest a Slack workspace export (.zip or its folder)."""
        return ingest_slack(self._store(), Path(path), self.settings, progress)

    @_storage
    def ingest_viva(self, path: PathLike, columns: Mapping[str, str] | None = None,
                    progress: Progress | None = None) -> IngestReport:  # fmt: skip
        """Ingest a Viva Insights person-to-person or group-to-group query export."""
        return ingest_viva(self._store(), Path(path), self.settings, columns, progress)

    @_storage
    def ingest_events(self, path: PathLike, columns: Mapping[str, str] | None = None,
                      progress: Progress | None = None) -> IngestReport:  # fmt: skip
        """Ingest an events file (date, label, optional units affected) for the effect of a change."""
        return ingest_events(self._store(), Path(path), self.settings, columns, progress)

    # -- what the store holds ---------------------------------------------------------------------------
    @_storage
    def status(self) -> dict[str, Any]:
        """Schema version, rows per canonical table, and the ingest log."""
        return {
            "schema_version": self._store().meta("schema_version"),
            "counts": {t: n for t, n in self._store().counts().items() if t != "meta"},
            "sources": self._store().query(
                "SELECT source, kind, rows, kept, rejects, finished FROM ingest_log ORDER BY finished"
            ).to_pylist(),
        }

    @_storage
    def check(self) -> Health:
        """The data's health: kept and rejected per source, and what looks wrong, each finding with its fix."""
        return check_health(self._store(), self.settings)

    @_storage
    def rejects(self, limit: int = 20) -> list[dict[str, Any]]:
        """Rejected rows in file order: source (the file's name), locator (line or row), reason and the kind of
        the offending value (``value_kind``: "an address", "a date-like text"; the value itself is never kept)."""
        return self._store().query(
            "SELECT source, locator, reason, value_kind FROM rejects "
            "ORDER BY source, try_cast(regexp_extract(locator, '(line|row) ([0-9]+)', 2) AS BIGINT), rowid LIMIT ?",
            [limit],
        ).to_pylist()

    # -- analysis and output --------------------------------------------------------------------------
    @contextlib.contextmanager
    def source(self) -> Iterator[TableSource]:
        """What the analysis reads, on the engine the settings name (the one place it is chosen): the store
        itself on duckdb; on spark the warehouse it was published to, refused when the store on this machine has
        changed since."""
        if self.settings.engine == "duckdb":
            yield self._store()
            return
        with Warehouse(warehouse_location(self.settings), self.settings) as warehouse:
            if self.store is not None:
                check_current(warehouse, self.store)
            yield warehouse

    @_storage
    def analyse(self) -> Results:
        """Every analysis, on the engine the settings name (:meth:`source`), kept beside the store for
        :meth:`analysis` (and so :meth:`report` and :meth:`export`) to reuse while nothing changes."""
        return self._analyse(self._fingerprint())

    def _analyse(self, fingerprint_: str) -> Results:
        with self.source() as source:
            results = analyse(source, self.settings)
        keep(results, kept_folder(self.settings.store), fingerprint_)
        return results

    @_storage
    def analysis(self, fresh: bool = False) -> Analysis:
        """The results of the analysis kept beside the store when the store and every setting the analysis
        reads are as they were then, else (or with ``fresh``) of an analysis run now (and kept); the
        :class:`~orgsphere.kept.Analysis` says which, and why (``line()``: in one line)."""
        fingerprint_ = self._fingerprint()
        if fresh:
            results = self._analyse(fingerprint_)
            return Analysis(results, "fresh", results.statement.generated)
        found = recall(kept_folder(self.settings.store), fingerprint_)
        if found.results is not None:
            return Analysis(refreshed(found.results, self.settings), "kept", found.analysed)
        results = self._analyse(fingerprint_)
        return Analysis(results, found.reason, results.statement.generated, found.detail)

    def _fingerprint(self) -> str:
        """The fingerprint of what an analysis would read now (:func:`~orgsphere.kept.fingerprint`): on duckdb
        the store's contents; on spark the warehouse's current snapshot (and the store beside it, if any, which
        the analysis checks the snapshot against)."""
        store = None if self.store is None else {"name": self.store.path.name, "tables": self.store.state()}
        if self.settings.engine == "duckdb":
            return fingerprint(self.settings, {"engine": "duckdb", "store": store})
        location = warehouse_location(self.settings)
        return fingerprint(self.settings, {"engine": self.settings.engine, "warehouse": location,
                                           "snapshot": snapshot_of(location), "store": store})  # fmt: skip

    @_storage
    def changes(self) -> Changes:
        """Events, the weekly series and the effect of each event (orgsphere changes), on the engine the
        settings name."""
        with self.source() as source:
            return analyse_changes(source, self.settings)

    @_storage
    def publish(self, location: str | None = None, progress: Progress | None = None) -> dict[str, Any]:
        """Write the store's tables as Parquet to the warehouse (the setting, or ``location``), for the spark
        engine; returns the manifest (snapshot, rows per table)."""
        return publish(self._store(), location or warehouse_location(self.settings), progress)

    @_storage
    def audit_language(self) -> LanguageAudit:
        """The language audit of the store's documents and kept ticket texts."""
        return audit_texts(store_texts_of(self._store()), self.settings)

    def _store(self) -> Store:
        if self.store is None:
            raise StoreError(f"{self.settings.store}: no store here; this machine can only analyse the published "
                             "warehouse (engine spark).")  # fmt: skip
        return self.store

    @_storage
    def report(self, out: PathLike, lang: str | None = None, results: Results | None = None,
               fresh: bool = False) -> Path:  # fmt: skip
        """Write the self-contained HTML report of ``results`` to ``out``; without results, of the kept analysis
        while nothing changed, else of one run now (:meth:`analysis`; ``fresh``: always run now)."""
        from .report import render_report

        results = results or self.analysis(fresh).results
        html = render_report(results, lang or self.settings.lang)
        path = Path(out)
        with storage_errors(path):  # (a failure here is about the report's disk, not the store's)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(html, encoding="utf-8")
        return path

    @_storage
    def export(self, out_dir: PathLike, fmt: str = "csv", results: Results | None = None,
               fresh: bool = False) -> list[Path]:  # fmt: skip
        """Write every result table (min group size applied) and the processing statement to ``out_dir``; without
        ``results``, those of :meth:`analysis` (the kept analysis while nothing changed; ``fresh``: run now)."""
        results = results or self.analysis(fresh).results
        with storage_errors(Path(out_dir)):  # (a failure here is about the export's disk, not the store's)
            return results.export(Path(out_dir), fmt)


def open(  # noqa: A001 - orgsphere.open mirrors the built-in on purpose
    store: PathLike | None = None,
    config: PathLike | None = None,
    read_only: bool = False,
    **settings: Any,
) -> Workspace:
    """Open (or create) a store. Settings come from ``orgsphere.toml`` / ``config``, ``ORGSPHERE_*``
    variables and the keyword arguments, which win; e.g. ``orgsphere.open("acme.duckdb",
    internal_domains=["acme.com"], min_group_size=10)``."""
    values: dict[str, Any] = dict(settings)
    if store is not None:
        values["store"] = str(store)
    for name, value in list(values.items()):
        if isinstance(value, os.PathLike):
            values[name] = str(value)
        elif isinstance(value, Sequence) and not isinstance(value, str):
            values[name] = list(value)
    return Workspace(load_settings(config, cli=values), read_only=read_only)


def audit_language(settings: Settings, paths: Sequence[PathLike] = ()) -> LanguageAudit:
    """The language audit of the documents at ``paths`` (folders are searched); without paths, of the store's
    documents and kept ticket texts."""
    if paths:
        return audit_texts(document_texts([Path(p) for p in paths], settings), settings)
    with Workspace(settings, read_only=True) as ws:
        return ws.audit_language()


def run_demo(out: PathLike, scale: float = 1.0, seed: int = 0, lang: str = "en",
             say: Callable[[str], None] = lambda line: None, progress: Progress | None = None) -> Path:
    """Generate the demo organisation in ``out`` (its store made anew), ingest it, write its report and result
    tables (``out``/results); ``say`` hears each ingest's summary. Returns the report's path."""
    from .datasets import make_demo

    folder = Path(out)
    files = make_demo(folder, seed=seed, scale=scale)
    for stale in (folder / "orgsphere.duckdb", folder / "orgsphere.duckdb.wal"):
        stale.unlink(missing_ok=True)
    with Workspace(load_settings(files.config, cli={"lang": lang})) as ws:
        say(ws.ingest_orgchart(files.units, files.people).summary())
        say(ws.ingest_parties(files.parties).summary())
        say(ws.ingest_edges(files.interactions, progress=progress).summary())
        say(ws.ingest_tickets(files.tickets).summary())
        say(ws.ingest_tickets(files.requests).summary())
        say("\n".join(r.summary() for r in ws.ingest_documents(files.documents)))
        say(ws.ingest_events(files.events).summary())
        results = ws.analyse()
        report = ws.report(folder / "report.html", results=results)
        ws.export(folder / "results", "csv", results=results)
    return report


def evaluate_roles(labelled: PathLike, settings: Settings, folds: int = 5) -> RoleEvaluation:
    """How well the role lexicon (setting role_lexicon), a model trained on the labelled work items in
    ``labelled`` and the model with the lexicon tell the roles apart (cross-validated), against always answering
    the most common role, and the method the evidence chooses."""
    from .text.role_choice import evaluate_labelled
    from .text.role_model import read_labelled
    from .text.role_rules import load_role_lexicon

    return evaluate_labelled(read_labelled(Path(labelled)), load_role_lexicon(settings.role_lexicon), folds,
                             settings.seed)  # fmt: skip


def propose_role_labels(settings: Settings, out: PathLike, n: int = 40) -> list[Proposal]:
    """Write to ``out`` a CSV of up to ``n`` of the store's staff work items to label (role left empty): those
    the model trained on the labelled items (setting role_training) is least sure of, or with none yet a
    sample spread over the lexicon's calls. Needs the titles (keep_texts)."""
    from .analysis.roles import staff_item_texts
    from .errors import InputError
    from .text.role_labelling import propose, write_proposals
    from .text.role_model import read_labelled
    from .text.role_rules import load_role_lexicon

    training = settings.role_training
    labelled = read_labelled(training, skip_blank=True) if training and training.exists() else []
    with Workspace(settings, read_only=True) as ws, ws.source() as source:
        candidates = staff_item_texts(source)
    if not candidates:
        raise InputError(f"{settings.store}: no work item of a staff unit has a title to label; ingest tickets with "
                         "the setting keep_texts = true (and units of kind staff in the org chart).")  # fmt: skip
    proposals = propose(candidates, labelled, load_role_lexicon(settings.role_lexicon), n, settings.seed)
    with storage_errors(Path(out)):
        write_proposals(Path(out), proposals)
    return proposals


def add_role_labels(filled: PathLike, settings: Settings, into: PathLike | None = None,
                    folds: int = 5) -> tuple[int, list[LabelledItem], list[CurvePoint]]:  # fmt: skip
    """Add the labelled rows of ``filled`` (rows without a role are skipped) to the labelled items in ``into``
    (else the setting role_training; made when missing). Returns how many were added, all the labelled items
    and the learning curve (the model's cross-validated macro-F1 by number of labelled items)."""
    from .errors import InputError
    from .text.role_labelling import learning_curve, merge_labelled, write_labelled
    from .text.role_model import read_labelled
    from .text.role_rules import load_role_lexicon

    target = Path(into) if into is not None else settings.role_training
    if target is None:
        raise InputError("where do the labelled items go? Give --into FILE or the setting role_training=FILE.")
    new = read_labelled(Path(filled), skip_blank=True)
    old = read_labelled(target, skip_blank=True) if target.exists() else []
    items = merge_labelled(old, new)
    with storage_errors(target):
        write_labelled(target, items)
    return len(items) - len(old), items, learning_curve(items, load_role_lexicon(settings.role_lexicon), folds,
                                                        settings.seed)  # fmt: skip


def organisations_orgchart(paths: Sequence[PathLike], out: PathLike, settings: Settings,
                           domain_map: PathLike | None = None, exclude: Sequence[str] = (),
                           columns: Mapping[str, str] | None = None,
                           progress: Progress | None = None) -> tuple[pa.Table, Counter[str]]:  # fmt: skip
    """Derive an org chart of one unit per organisation (email domain) from a corpus of many organisations
    and write it to ``out``; returns it and the count of addresses left outside, by reason."""
    from .science.organisations import derive_orgchart, read_domain_map, write_orgchart

    table, outside = derive_orgchart([Path(p) for p in paths], settings,
                                     read_domain_map(Path(domain_map)) if domain_map else None, exclude,
                                     columns or None,
                                     progress=progress)  # fmt: skip
    write_orgchart(table, Path(out))
    return table, outside
