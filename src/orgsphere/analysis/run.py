"""Run every analysis on a store and gather the results (minimum group size applied)."""

from __future__ import annotations

import pyarrow.compute as pc

from ..privacy import suppress_small_groups
from ..results import Results
from ..settings import Settings
from ..statement import build_statement, organisation_summary
from ..store import Store
from .boundary import boundary_counts
from .fit import fit_scaling
from .sphere import ALL, sphere_counts

__all__ = ["analyse"]

FIT_MEASURES = ("R", "R_customer")
FIT_KINDS = (ALL, "line", "staff")  # all units, and line and staff apart: they meet different outsiders


def analyse(store: Store, settings: Settings) -> Results:
    """Run every analysis on the store; the result has the minimum group size applied."""
    sphere, tallies = sphere_counts(store)
    visible = suppress_small_groups(sphere, "persons", settings.min_group_size)
    unit_rows = visible.filter(pc.and_(pc.equal(visible["scope"], "unit"), pc.equal(visible["period"], ALL)))
    fits = []
    for channel in sorted(set(unit_rows["channel"].to_pylist()), key=lambda c: (c != ALL, c)):
        for kind in FIT_KINDS:
            rows = unit_rows.filter(pc.equal(unit_rows["channel"], channel))
            if kind != ALL:
                rows = rows.filter(pc.fill_null(pc.equal(rows["kind"], kind), False))
            for measure in FIT_MEASURES:
                fits.append(fit_scaling(rows, measure, channel, kind, settings.bootstrap_samples, settings.seed))
    statement = build_statement(store, settings, tallies)
    boundary, domains = boundary_counts(store)
    return Results(visible, fits, organisation_summary(store), statement, settings.min_group_size,
                   boundary=boundary, domains=domains)  # fmt: skip
