"""Events: what changed when (a reorganisation, a new way of working), for the effect of a change.

An events file (CSV, TSV, XLSX or Parquet) has a column date, a column label and optionally units: the units
the event affected, by name or id, separated by ';' or '|' (empty: the whole organisation). Dates are read as
everywhere (ISO, or day-first / month-first local dates decided per file, :mod:`.timestamps`). A row with no
date, no label, or a unit the org chart does not hold is rejected with its line and the reason (for an
unknown unit, the org chart's closest names). The same file twice counts once; a changed version replaces
the earlier one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..settings import Settings
from ..store import Store
from .columns import find_columns
from .limits import ReadLimits
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Progress, open_tabular
from .timestamps import DateOrder, parse_timestamps

__all__ = ["ingest_events", "EVENT_FIELDS", "UnitNames"]

EVENT_FIELDS = {
    "date": ("day", "when", "datum", "ts", "time", "timestamp", "wanneer"),
    "label": ("event", "name", "description", "what", "change", "omschrijving", "gebeurtenis", "wat"),
    "units": ("unit", "affected", "affected_units", "departments", "department", "eenheden", "eenheid", "afdeling"),
}
SEPARATORS = re.compile(r"[;|]")


class UnitNames:
    """The org chart's units by id and by name (case and spaces ignored), for names written by hand."""

    def __init__(self, units: pa.Table):
        self.ids = units["unit_id"].to_pylist()
        names = units["name"].to_pylist()
        self._of = {self._norm(i): i for i in self.ids}
        self._of.update({self._norm(n): i for n, i in zip(names, self.ids, strict=True) if n})
        self._shown = sorted({*(n for n in names if n), *self.ids})

    @staticmethod
    def _norm(text: str) -> str:
        return " ".join(str(text).split()).casefold()

    def find(self, written: str) -> str | None:
        """The unit id ``written`` names, or None."""
        return self._of.get(self._norm(written))

    def close(self, written: str, n: int = 3) -> list[str]:
        """The org chart's names closest to ``written``."""
        return difflib.get_close_matches(written.strip(), self._shown, n=n, cutoff=0.5)


def _units_of(text: str | None, names: UnitNames) -> tuple[str | None, str | None]:
    """(the unit ids ';'-joined, or None for the whole organisation; the problem, or None)."""
    written = [w.strip() for w in SEPARATORS.split(text or "") if w.strip()]
    found = []
    for w in written:
        unit = names.find(w)
        if unit is None:
            close = names.close(w)
            hint = f"; close names: {', '.join(close)}" if close else "; no unit has a name close to it"
            return None, f"units: {w!r} is not a unit of the org chart{hint}"
        found.append(unit)
    return (";".join(dict.fromkeys(found)) if found else None), None


def ingest_events(store: Store, path: Path, settings: Settings, mapping: Mapping[str, str] | None = None,
                  progress: Progress | None = None) -> IngestReport:  # fmt: skip
    """Ingest an events file into ``events``; ``mapping`` names the columns of date, label and units."""
    path = Path(path)
    table_file = open_tabular(path, "events file", ReadLimits.of(settings))
    cols = find_columns(path, table_file.columns, EVENT_FIELDS, required=("date", "label"), mapping=mapping,
                        what="events file")  # fmt: skip

    def read(session: IngestSession) -> None:
        names = UnitNames(store.table("units").select("unit_id", "name").to_pyarrow())
        dates = DateOrder(settings.date_format, f"{path.name}: column {cols['date']}")
        for chunk in table_file.chunks(progress):
            for line, reason in chunk.invalid:
                session.report.rows += 1
                session.reject(f"line {line}", reason)
            t = chunk.table
            n = t.num_rows
            session.report.rows += n
            if n == 0:
                continue
            ts, ts_problem = parse_timestamps(t.column(cols["date"]).combine_chunks(), dates)
            labels = pc.utf8_trim_whitespace(t.column(cols["label"]).combine_chunks().cast(pa.string())).to_pylist()
            units = (t.column(cols["units"]).combine_chunks().cast(pa.string()).to_pylist() if "units" in cols
                     else [None] * n)  # fmt: skip
            problems, days = ts_problem.to_pylist(), ts.to_pylist()
            rows: dict[str, list[object]] = {"day": [], "label": [], "units": [], "source_id": []}
            for i in range(n):
                affected, unit_problem = _units_of(units[i], names)
                problem = ("date is missing" if days[i] is None and problems[i] is None
                           else problems[i] and problems[i].replace("ts is not a time", "date is not a date")) \
                    or ("label is empty" if not labels[i] else None) or unit_problem  # fmt: skip
                if problem:
                    session.reject(chunk.locator(i), problem, t.column(cols["date"])[i].as_py()
                                   if problem.startswith("date") else None)  # fmt: skip
                    continue
                rows["day"].append(days[i].date())
                rows["label"].append(labels[i])
                rows["units"].append(affected)
                rows["source_id"].append(f"{session.source_prefix}:{int(chunk.lines[i])}")
            if rows["day"]:
                session.stage("events", pa.table({"day": pa.array(rows["day"], pa.date32()),
                                                  "label": pa.array(rows["label"], pa.string()),
                                                  "units": pa.array(rows["units"], pa.string()),
                                                  "source_id": pa.array(rows["source_id"], pa.string())}))
                session.report.kept += len(rows["day"])

    return run_ingest(store, path, "events", read)
