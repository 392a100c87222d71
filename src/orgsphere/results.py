"""Results: the tables analysis produced, after the minimum group size, as the one way out of the library.

:class:`Results` is built from raw analysis tables and applies :func:`~orgsphere.privacy.suppress_small_groups`
on construction; the API, the report and every export read from it, so no figure of a too-small group
leaves orgsphere by any route.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .errors import InputError, MissingExtraError
from .fits import RentFit, ScalingFit, dimension_from_rent, json_ready
from .result_tables import RESULT_TABLES, publish
from .rows import rows_where
from .spreadsheet import neutralise_formulas

if TYPE_CHECKING:
    from .health import Health

__all__ = ["ResultTable", "Results", "ProcessingStatement", "EXPORT_FORMATS"]

EXPORT_FORMATS = ("csv", "parquet", "xlsx")


class ResultTable:
    """An Arrow table with the conversions users need: pandas, polars, CSV, Parquet."""

    def __init__(self, name: str, table: pa.Table, description: str):
        self.name, self.arrow, self.description = name, table, description

    def to_pandas(self) -> Any:
        return self.arrow.to_pandas()

    def to_polars(self) -> Any:
        try:
            import polars as pl
        except ImportError:  # pragma: no cover - polars is a dependency, but may be removed by hand
            raise MissingExtraError("to_polars() needs polars: pip install polars") from None
        return pl.from_arrow(self.arrow)

    @property
    def num_rows(self) -> int:
        return int(self.arrow.num_rows)

    def filter(self, **equals: Any) -> pa.Table:
        """Rows whose columns equal the given values, e.g. ``filter(scope="unit", period="all")``."""
        return rows_where(self.arrow, **equals)

    def __repr__(self) -> str:
        return f"<ResultTable {self.name}: {self.num_rows} rows; {', '.join(self.arrow.column_names)}>"


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


class Results:
    """Every result of one analysis, with small groups suppressed."""

    health: Health | None = None  # the data check (orgsphere check) of the store analysed, where there is one
    # the published tables, one attribute each, as orgsphere.result_tables declares them
    sphere: ResultTable
    fits: ResultTable
    nulls: ResultTable
    subtrees: ResultTable
    model: ResultTable
    distance: ResultTable
    routes: ResultTable
    relations: ResultTable
    language: ResultTable
    machinery: ResultTable
    roles: ResultTable
    role_flags: ResultTable
    role_examples: ResultTable
    signatures: ResultTable
    boundary: ResultTable
    domains: ResultTable

    def __init__(self, sphere: pa.Table, fits: list[ScalingFit], organisation: dict[str, Any],
                 statement: ProcessingStatement, min_group_size: int, boundary: pa.Table | None = None,
                 domains: pa.Table | None = None, nulls: pa.Table | None = None, subtrees: pa.Table | None = None,
                 rent: RentFit | None = None, model: pa.Table | None = None,
                 distance: pa.Table | None = None, routes: pa.Table | None = None,
                 relations: pa.Table | None = None, language: pa.Table | None = None,
                 machinery: pa.Table | None = None, roles: pa.Table | None = None,
                 role_flags: pa.Table | None = None, role_examples: pa.Table | None = None,
                 signatures: pa.Table | None = None):  # fmt: skip
        self.rent = rent
        all_fits = list(fits) + ([f for f in (rent.fit, rent.inner) if f is not None] if rent else [])
        self.fit_list = all_fits
        fits_table = pa.Table.from_pylist(
            [{**asdict(f), "sphere_in_interval": f.sphere_in_interval, "zero_in_interval": f.zero_in_interval,
              "differs_from_null": f.differs_from_null, "verdict": f.verdict} for f in all_fits]  # fmt: skip
        )
        raw = {"sphere": sphere, "fits": fits_table, "nulls": nulls, "subtrees": subtrees, "model": model,
               "distance": distance, "routes": routes, "relations": relations, "language": language,
               "machinery": machinery, "roles": roles, "role_flags": role_flags, "role_examples": role_examples,
               "signatures": signatures, "boundary": boundary, "domains": domains}  # fmt: skip
        # every table through its declaration (orgsphere.result_tables): the minimum group size applied there
        self._tables = [ResultTable(spec.name, publish(spec.name, raw[spec.name], min_group_size), spec.description)
                        for spec in RESULT_TABLES]  # fmt: skip
        for table in self._tables:
            setattr(self, table.name, table)
        suppressed = self.sphere.arrow
        whole = rows_where(suppressed, period="all", channel="all")
        own = whole["suppressed"] if "complementary" not in whole.column_names else \
            pc.and_(whole["suppressed"], pc.invert(whole["complementary"]))  # (too small themselves)
        statement.suppressed_groups = int(pc.sum(own.cast(pa.int64())).as_py() or 0)
        statement.complementary_suppressed = sum(int((t.arrow.schema.metadata or {}).get(b"secondary", b"0"))
                                                 for t in self._tables)  # fmt: skip
        self.organisation = organisation
        self.statement = statement
        self.min_group_size = min_group_size

    def tables(self) -> list[ResultTable]:
        """Every published table, in the order of their declaration (:data:`~orgsphere.result_tables.RESULT_TABLES`)."""
        return list(self._tables)

    def unit_names(self) -> dict[str, str]:
        """Unit id -> its name in the org chart (the id where it has none)."""
        trees = self.subtrees.arrow
        if "group_id" not in trees.column_names:
            return {}
        return {r["group_id"]: r["name"] or r["group_id"] for r in trees.select(["group_id", "name"]).to_pylist()}

    def units(self, channel: str = "all", period: str = "all") -> pa.Table:
        """Sphere rows of the units people sit in, for one channel and period."""
        return self.sphere.filter(scope="unit", period=period, channel=channel)

    def fit(self, measure: str = "R", channel: str = "all", kind: str = "all", scope: str = "units",
            null_model: str = "mixing") -> ScalingFit | None:  # fmt: skip
        """One fit; across units it is the one compared with random mixing unless ``null_model`` says otherwise."""
        return next((f for f in self.fit_list if f.measure == measure and f.channel == channel and f.kind == kind
                     and f.scope == scope and (scope != "units" or f.null_model == null_model)), None)  # fmt: skip

    def headline_fits(self) -> list[ScalingFit]:
        """The fits ``orgsphere analyse`` leads with: R and B across units over all channels, against random
        mixing (one per kind of unit)."""
        return [f for f in self.fit_list if f.channel == "all" and f.measure in ("R", "B") and f.scope == "units"
                and f.null_model == "mixing"]  # fmt: skip

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
        """What ``orgsphere analyse`` prints, as plain values for JSON: every fit of :attr:`fit_list` (across
        units one per null model, ``null_model`` naming it; also the levels, months and Rent's subtrees),
        Rent's exponent (``p`` null, with the reason in ``note``, where too few subtrees), the units of
        :meth:`ranking` (``top`` of them), the organisation's size and shape, the interactions with a person
        no unit held that day (``unplaced``), and the minimum group size with how many groups it hid."""
        rent: dict[str, Any] | None = None
        if self.rent is not None:
            p = self.rent.p
            rent = {"p": p.slope, "ci_low": p.ci_low, "ci_high": p.ci_high, "n_subtrees": p.n_units,
                    "break_depth": self.rent.break_depth, "sphere": 2.0 / 3.0,
                    "dimension": dimension_from_rent(p.slope), "note": p.note,
                    "level_residuals": self.rent.level_residuals}  # fmt: skip
        return json_ready({
            "fits": [f.to_dict() for f in self.fit_list],
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
