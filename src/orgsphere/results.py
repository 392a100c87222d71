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

from .analysis.fit import ScalingFit, json_ready
from .analysis.rent import RentFit, dimension_from_rent
from .errors import InputError, MissingExtraError
from .privacy import suppress_small_groups
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

    def __init__(self, sphere: pa.Table, fits: list[ScalingFit], organisation: dict[str, Any],
                 statement: ProcessingStatement, min_group_size: int, boundary: pa.Table | None = None,
                 domains: pa.Table | None = None, nulls: pa.Table | None = None, subtrees: pa.Table | None = None,
                 rent: RentFit | None = None, model: pa.Table | None = None,
                 distance: pa.Table | None = None, routes: pa.Table | None = None,
                 relations: pa.Table | None = None, language: pa.Table | None = None,
                 machinery: pa.Table | None = None, roles: pa.Table | None = None,
                 role_flags: pa.Table | None = None, role_examples: pa.Table | None = None,
                 signatures: pa.Table | None = None):  # fmt: skip
        suppressed = suppress_small_groups(sphere, "contributors", min_group_size)
        statement.suppressed_groups = int(
            pc.sum(rows_where(suppressed, period="all", channel="all")["suppressed"].cast(pa.int64())).as_py() or 0
        )
        statement.complementary_suppressed = int((suppressed.schema.metadata or {}).get(b"secondary", b"0"))
        self.sphere = ResultTable(
            "sphere", suppressed,
            "Interaction counts, active persons and outwardness R per unit, level and organisation, "
            "per month and channel ('all' = rolled up).",
        )  # fmt: skip
        empty = pa.table({"kind": pa.array([], pa.string()), "persons": pa.array([], pa.int64())})
        self.rent = rent
        all_fits = list(fits) + ([f for f in (rent.fit, rent.inner) if f is not None] if rent else [])
        self.fits = ResultTable(
            "fits",
            pa.Table.from_pylist(
                [{**asdict(f), "sphere_in_interval": f.sphere_in_interval, "zero_in_interval": f.zero_in_interval,
                  "differs_from_null": f.differs_from_null, "verdict": f.verdict} for f in all_fits]  # fmt: skip
            ),
            "Power-law fits of log y on log N (slope = exponent): OLS with a bootstrap 95% interval over the "
            "points (units, level groups, subtrees, months), Theil-Sen, p-values against -1/3 and 0, and the "
            "null model's slope with the interval of the difference.",
        )
        self.fit_list = all_fits
        self.nulls = ResultTable(
            "nulls", suppress_small_groups(nulls if nulls is not None else empty, "persons", min_group_size),
            "Per unit and channel: observed counts, R and B against random mixing and degree-preserving "
            "rewiring (mean and 95% band), excess inwardness and its p-value.",
        )
        self.model = ResultTable(
            "model", model if model is not None else pa.table({"intervention": pa.array([], pa.string())}),
            "The sphere model's what-if: interventions on a model organisation of this size, before and after "
            "(mean over five seeds, and the lowest and highest after).",
        )
        self.distance = ResultTable(
            "distance", suppress_small_groups(distance if distance is not None else empty, "persons", min_group_size),
            "Customer distance per unit, period, channel and target: active persons by hops to the nearest person "
            "with direct contact (0, 1, 2, 3, 4+, unreachable), median, line of sight (within 1 and 2 hops), "
            "FTE-weighted share within 1 hop.",
        )
        self.routes = ResultTable(
            "routes", routes if routes is not None else pa.table({"unit": pa.array([], pa.string())}),
            "The units each unit reaches the customer (and other targets) through, in person-months over the "
            "months; routes with fewer person-months than the minimum group size are folded into '(other)'.",
        )
        self.relations = ResultTable(
            "relations", suppress_small_groups(relations if relations is not None else empty, "persons", min_group_size),
            "Pairs of units with at least one staff unit, per period: contact each way, reciprocity, who starts "
            "threads and tickets, the share of tickets, joint customer work, and the verdict (partner, supplier, "
            "mixed, too_little) with the figures that decided it; 'persons' is the smaller unit's active persons.",
        )
        self.language = ResultTable(
            "language", language if language is not None else pa.table({"term": pa.array([], pa.string())}),
            "Internal-customer language: hits per document and term, and per unit and term in the ticket texts "
            "(where they were kept); a document read without a hit has one row with no term.",
        )
        self.machinery = ResultTable(
            "machinery", suppress_small_groups(machinery if machinery is not None else empty, "persons", min_group_size),
            "Traffic of the internal customer's machinery per staff unit and period: interactions about "
            "satisfaction surveys, SLAs and requirements packages it sent and received (recognised in subjects, "
            "meeting titles and ticket categories with read_subjects), and the units at the other end.",
        )
        self.roles = ResultTable(
            "roles", suppress_small_groups(roles if roles is not None else empty, "persons", min_group_size),
            "Role profile per staff unit and period: work items per role (supporting, regulating, executing, "
            "advisory, unknown), the main role and its share, the intended role, and who asks for the work.",
        )
        self.signatures = ResultTable(
            "signatures", suppress_small_groups(signatures if signatures is not None else empty, "persons",
                                                min_group_size),
            "Staff roles from the interactions alone: per staff unit its dealings with the line (tickets, "
            "meetings, reciprocity, traffic from the line, focus on its busiest eighth of the line units, burstiness, "
            "broadcasts), "
            "the score of each "
            "role's signature and the role it suggests.",
        )
        self.role_flags = ResultTable(
            "role_flags", role_flags if role_flags is not None else pa.table({"flag": pa.array([], pa.string())}),
            "Staff units in an unhealthy position, with the figures behind each flag (mismatch with the intended "
            "role, regulating without advice, one requesting unit, only tickets and no path to the customer).",
        )
        self.role_examples = ResultTable(
            "role_examples", role_examples if role_examples is not None else pa.table({"title": pa.array([], pa.string())}),
            "A few work items per staff unit and role with the words that decided their role (titles only where "
            "keep_texts kept them).",
        )
        self.subtrees = ResultTable(
            "subtrees", suppress_small_groups(subtrees if subtrees is not None else empty, "persons", min_group_size),
            "Rent's rule: every subtree of the org chart with its active persons and the contacts crossing its "
            "boundary.",
        )
        self.boundary = ResultTable(
            "boundary", suppress_small_groups(boundary if boundary is not None else empty, "persons", min_group_size),
            "Outside parties by kind and how they were classified: parties, interactions, persons in contact.",
        )
        # a domain with fewer people in contact than the minimum group size is left out altogether: its
        # name alone would say that someone wrote to it
        shown = suppress_small_groups(domains if domains is not None else empty, "persons", min_group_size)
        self.domains = ResultTable(
            "domains", shown.filter(pc.invert(shown["suppressed"])),
            "The busiest outside domains, their kind and how they were classified.",
        )
        self.organisation = organisation
        self.statement = statement
        self.min_group_size = min_group_size

    def tables(self) -> list[ResultTable]:
        return [self.sphere, self.fits, self.nulls, self.subtrees, self.model, self.distance, self.routes,
                self.relations, self.language, self.machinery, self.roles, self.role_flags, self.role_examples,
                self.signatures,
                self.boundary, self.domains]

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
