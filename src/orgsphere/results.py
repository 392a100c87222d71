"""Results: the tables analysis produced, after the minimum group size, as the one way out of the library.

:class:`Results` is built from raw analysis tables and applies :func:`~orgsphere.privacy.suppress_small_groups`
on construction; the API, the report and every export read from it, so no figure of a too-small group
leaves orgsphere by any route.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .errors import InputError, MissingExtraError
from .fits import MIN_POINTS, RentFit, ScalingFit, json_ready, rent_dimension
from .markers import CORPUS_ROOT
from .result_tables import RESULT_TABLES, TableSpec, publish, spec_of
from .rows import rows_where
from .spreadsheet import neutralise_formulas

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

    from .health import Health

__all__ = ["ResultTable", "Results", "ProcessingStatement", "Headline", "EXPORT_FORMATS", "HEADLINE_MIN_POINTS",
           "publish_results"]  # fmt: skip

HTML_ROWS = 10  # rows a notebook shows of a table

EXPORT_FORMATS = ("csv", "parquet", "xlsx")

HEADLINE_MIN_POINTS = MIN_POINTS  # a headline needs this many units (fits.MIN_POINTS says why)


@dataclass(frozen=True)
class Headline:
    """What the report and ``orgsphere analyse`` lead with: the fit of R across units (all, line or staff,
    against random mixing) with enough points, not thin, and the narrowest interval, and its verdict. ``fit``
    is None and ``word`` "thin" where no fit qualifies; ``word`` "undecided" where the best one cannot tell
    −1/3 from 0. ``split``: line and staff each agree with the sphere law while all units together do not
    (two populations at different levels: one line through both measures the difference between them).
    ``across`` "organisations" where the org chart was derived from a corpus of many organisations: the fit is
    then B across the organisations, and ``definitions`` says who counted as staff and which were fitted."""

    fit: ScalingFit | None
    word: str
    split: bool = False
    across: str = "units"
    definitions: dict[str, Any] | None = None

    @property
    def can_tell(self) -> bool:
        """Whether the data can say how outwardness goes with size (no: too few points, or undecided)."""
        return self.word not in ("thin", "undecided")

    def to_dict(self) -> dict[str, Any]:
        f = self.fit
        return {"verdict": self.word, "can_tell": self.can_tell, "split": self.split, "across": self.across,
                "definitions": self.definitions,
                "kind": f.kind if f else None, "measure": f.measure if f else None,
                "n_units": f.n_units if f else None, "slope": f.slope if f else None,
                "ci_low": f.ci_low if f else None, "ci_high": f.ci_high if f else None}  # fmt: skip


class ResultTable:
    """One published table: an Arrow table with what it holds (its declaration in
    :mod:`orgsphere.result_tables`) and the conversions users need: Arrow, pandas, polars; shown as a table in a
    notebook."""

    def __init__(self, name: str, table: pa.Table, description: str):
        self.name, self.arrow, self.description = name, table, description

    @property
    def spec(self) -> TableSpec:
        """Its declaration: keys, the column that counts the people behind a row, parents, rule."""
        return spec_of(self.name)

    def to_arrow(self) -> pa.Table:
        return self.arrow

    def to_pandas(self) -> pd.DataFrame:
        return self.arrow.to_pandas()

    def to_polars(self) -> pl.DataFrame:
        try:
            import polars as pl
        except ImportError:  # pragma: no cover - polars is a dependency, but may be removed by hand
            raise MissingExtraError("to_polars() needs polars: pip install polars") from None
        frame = pl.from_arrow(self.arrow)
        assert isinstance(frame, pl.DataFrame)  # (a table gives a frame; only an array gives a series)
        return frame

    @property
    def num_rows(self) -> int:
        return int(self.arrow.num_rows)

    def filter(self, **equals: Any) -> pa.Table:
        """Rows whose columns equal the given values, e.g. ``filter(scope="unit", period="all")``."""
        return rows_where(self.arrow, **equals)

    def __repr__(self) -> str:
        return f"<ResultTable {self.name}: {self.num_rows} rows; {', '.join(self.arrow.column_names)}>"

    def _repr_html_(self) -> str:
        """The first rows as an HTML table, for Jupyter and other notebooks (every value escaped)."""
        head = self.arrow.slice(0, HTML_ROWS).to_pylist()
        cells = "".join(f"<th>{html.escape(c)}</th>" for c in self.arrow.column_names)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row.values()) + "</tr>"
                       for row in head)  # fmt: skip
        more = f" (the first {HTML_ROWS:,})" if self.num_rows > HTML_ROWS else ""
        return (f"<div><strong>{html.escape(self.name)}</strong>: {self.num_rows:,} rows{more}. "
                f"{html.escape(self.description)}<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody>"
                "</table></div>")  # fmt: skip


def _able(fit: ScalingFit) -> bool:
    """Whether a fit can lead: a slope with its interval over enough points, not thin."""
    return (fit.slope is not None and fit.verdict != "thin" and fit.n_units >= HEADLINE_MIN_POINTS
            and fit.ci_low is not None and fit.ci_high is not None)  # fmt: skip


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


@dataclass
class ProcessingStatement:
    """What was read, what was kept, with which settings: for the privacy officer and the works council."""

    orgsphere_version: str
    generated: str
    store: str
    sources: list[dict[str, Any]]
    reject_reasons: list[dict[str, Any]]
    settings: list[dict[str, Any]]
    interactions: int
    unplaced: int
    min_group_size: int
    suppressed_groups: int
    pseudonymisation: str
    key_fingerprint: str | None
    counts: dict[str, int] = field(default_factory=dict)
    complementary_suppressed: int = 0  # rows of larger groups hidden so that no small one can be subtracted out

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Results(Mapping[str, ResultTable]):
    """Every result of one analysis, with small groups suppressed: a read-only mapping of the published tables
    by name (``results["sphere"]``, in the order :data:`~orgsphere.result_tables.RESULT_TABLES` declares
    them), with the fits as objects (:attr:`fits`), Rent's fit, the organisation's size and shape, the
    processing statement and the data check. Made by :func:`publish_results`, which applies the rules."""

    def __init__(self, tables: Mapping[str, ResultTable], fits: Sequence[ScalingFit], rent: RentFit | None,
                 organisation: dict[str, Any], statement: ProcessingStatement, min_group_size: int,
                 health: Health | None = None):  # fmt: skip
        self._tables = dict(tables)
        self.fits: list[ScalingFit] = list(fits)  # every fit, Rent's included; results["fits"] is their table
        self.rent = rent
        self.organisation = organisation
        self.statement = statement
        self.min_group_size = min_group_size
        self.health = health  # the data check (orgsphere check) of the store analysed, where there is one

    def __getitem__(self, name: str) -> ResultTable:
        try:
            return self._tables[name]
        except KeyError:
            raise KeyError(f"no result table {name!r}; the tables are {', '.join(self._tables)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __repr__(self) -> str:
        return f"<Results: {', '.join(f'{t.name} ({t.num_rows})' for t in self.tables())}>"

    def _repr_html_(self) -> str:
        """The tables with their row counts and what each holds, for notebooks."""
        rows = "".join(f"<tr><td><code>{html.escape(t.name)}</code></td><td>{t.num_rows:,}</td>"
                       f"<td>{html.escape(t.description)}</td></tr>" for t in self.tables())  # fmt: skip
        return (f"<div><strong>orgsphere results</strong> (minimum group size {self.min_group_size}; "
                f"{len(self.fits)} fits)<table><thead><tr><th>table</th><th>rows</th><th>holds</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></div>")  # fmt: skip

    def tables(self) -> list[ResultTable]:
        """Every published table, in the order of their declaration (:data:`~orgsphere.result_tables.RESULT_TABLES`)."""
        return list(self._tables.values())

    def unit_names(self) -> dict[str, str]:
        """Unit id -> its name in the org chart (the id where it has none)."""
        trees = self["subtrees"].arrow
        if "group_id" not in trees.column_names:
            return {}
        return {r["group_id"]: r["name"] or r["group_id"] for r in trees.select(["group_id", "name"]).to_pylist()}

    def units(self, channel: str = "all", period: str = "all") -> pa.Table:
        """Sphere rows of the units people sit in, for one channel and period."""
        return self["sphere"].filter(scope="unit", period=period, channel=channel)

    def fit(self, measure: str = "R", channel: str = "all", kind: str = "all", scope: str = "units",
            null_model: str = "mixing") -> ScalingFit | None:  # fmt: skip
        """One fit; across units it is the one compared with random mixing unless ``null_model`` says otherwise."""
        return next((f for f in self.fits if f.measure == measure and f.channel == channel and f.kind == kind
                     and f.scope == scope and (scope != "units" or f.null_model == null_model)), None)  # fmt: skip

    def headline_fits(self) -> list[ScalingFit]:
        """The fits ``orgsphere analyse`` leads with: R and B across units over all channels, against random
        mixing (one per kind of unit)."""
        return [f for f in self.fits if f.channel == "all" and f.measure in ("R", "B") and f.scope == "units"
                and f.null_model == "mixing"]  # fmt: skip

    @property
    def many_organisations(self) -> bool:
        """Whether the org chart was derived from a corpus of many organisations (its root is ``(corpus)``,
        ``orgsphere organisations``): the units are then organisations."""
        return self.organisation.get("root") == CORPUS_ROOT

    def headline(self) -> Headline:
        """The one finding the data supports (see :class:`Headline`); the report and ``orgsphere analyse``
        both lead with it. Of many organisations: B across the organisations (not R, which measures only the
        mail with free mail and excluded hosts)."""
        if self.many_organisations:
            fit = self.fit("B")
            defined = self.organisation.get("definitions")
            if fit is None or not _able(fit):
                return Headline(None, "thin", across="organisations", definitions=defined)
            return Headline(fit, fit.verdict, across="organisations", definitions=defined)
        by_kind = {k: self.fit("R", kind=k) for k in ("all", "line", "staff")}
        able = [f for f in by_kind.values() if f is not None and _able(f)]
        line, staff, every = by_kind["line"], by_kind["staff"], by_kind["all"]
        split = bool(line and staff and every and line.verdict == staff.verdict == "sphere"
                     and every.verdict != "sphere")  # fmt: skip
        if not able:
            return Headline(None, "thin", split)
        best = min(able, key=lambda f: (f.ci_high or 0.0) - (f.ci_low or 0.0))
        return Headline(best, best.verdict, split)

    def ranking(self, top: int | None = None) -> list[dict[str, Any]]:
        """The units people sit in, most outward first (highest R over all channels and the whole period; no R
        last), small groups left out: unit, name, kind, persons, internal, external, R. ``top``: only the
        first this many."""
        rows = [r for r in self.units().to_pylist() if not r["suppressed"]]
        rows.sort(key=lambda r: -(r["R"] or 0.0))
        return [{"unit": r["group_id"], "name": r["name"], "kind": r["kind"], "persons": r["persons"],
                 "internal": r["internal"], "external": r["external"], "R": r["R"]}
                for r in rows[:top]]  # fmt: skip

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """What ``orgsphere analyse`` prints, as plain values for JSON: every fit of :attr:`fits` (across
        units one per null model, ``null_model`` naming it; also the levels, months and Rent's subtrees),
        the :meth:`headline` fit and its verdict, Rent's exponent (``p`` null, with the reason in ``note``, where
        too few subtrees; ``range`` whether it lies in the rule's range (0, 1], and a ``dimension`` only where its
        interval can be read), the units of
        :meth:`ranking` (``top`` of them), the organisation's size and shape, the interactions with a person
        no unit held that day (``unplaced``), and the minimum group size with how many groups it hid."""
        rent: dict[str, Any] | None = None
        if self.rent is not None:
            p = self.rent.p
            d = rent_dimension(self.rent)
            rent = {"p": p.slope, "ci_low": p.ci_low, "ci_high": p.ci_high, "n_subtrees": p.n_units,
                    "break_depth": self.rent.break_depth, "sphere": 2.0 / 3.0, "range": self.rent.range,
                    "dimension": d.d if d else None, "dimension_low": d.low if d else None,
                    "dimension_high": d.high if d else None, "note": p.note,
                    "level_residuals": self.rent.level_residuals}  # fmt: skip
        return json_ready({
            "headline": self.headline().to_dict(),
            "fits": [f.to_dict() for f in self.fits],
            "rent": rent,
            "units": self.ranking(top),
            "organisation": self.organisation,
            "unplaced": self.statement.unplaced,
            "min_group_size": self.min_group_size,
            "suppressed_groups": self.statement.suppressed_groups,
            "complementary_suppressed": self.statement.complementary_suppressed,
            "data_check": self.health.to_dict() if self.health is not None else None,
        })

    def export(self, out_dir: str | Path, fmt: str = "csv") -> list[Path]:
        """Write every result table (and the processing statement as JSON) to ``out_dir``; in CSV and XLSX a
        text cell a spreadsheet would run as a formula starts with an apostrophe (:mod:`orgsphere.spreadsheet`)."""
        import json

        if fmt not in EXPORT_FORMATS:
            raise InputError(f"export format {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}.")
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for table in self.tables():
            path = out / f"{table.name}.{fmt}"
            if fmt == "parquet":
                pq.write_table(table.arrow, path)
            elif fmt == "csv":
                pacsv.write_csv(neutralise_formulas(table.arrow), path)
            else:
                neutralise_formulas(table.arrow).to_pandas().to_excel(path, index=False, sheet_name=table.name)
            written.append(path)
        path = out / "processing_statement.json"
        path.write_text(json.dumps(self.statement.as_dict(), indent=2, default=str), encoding="utf-8")
        written.append(path)
        return written


def publish_results(raw: Mapping[str, pa.Table | None], fits: Sequence[ScalingFit], rent: RentFit | None,
                    organisation: dict[str, Any], statement: ProcessingStatement, min_group_size: int) -> Results:
    """The results of one analysis as they may leave orgsphere: every raw table through its declaration
    (:func:`~orgsphere.result_tables.publish`, where the minimum group size is applied), the fits as a table
    too, and the processing statement told how many groups were hidden and how many rows hid them."""
    every_fit = list(fits) + ([f for f in (rent.fit, rent.inner) if f is not None] if rent else [])
    fits_table = pa.Table.from_pylist([f.record() for f in every_fit])
    given = {**raw, "fits": fits_table}
    tables = {spec.name: ResultTable(spec.name, publish(spec.name, given.get(spec.name), min_group_size),
                                     spec.description) for spec in RESULT_TABLES}  # fmt: skip
    whole = rows_where(tables["sphere"].arrow, period="all", channel="all")
    own = whole["suppressed"] if "complementary" not in whole.column_names else \
        pc.and_(whole["suppressed"], pc.invert(whole["complementary"]))  # (too small themselves)
    statement.suppressed_groups = int(pc.sum(own.cast(pa.int64())).as_py() or 0)
    statement.complementary_suppressed = sum(int((t.arrow.schema.metadata or {}).get(b"secondary", b"0"))
                                             for t in tables.values())  # fmt: skip
    return Results(tables, every_fit, rent, organisation, statement, min_group_size)
