"""The effect of each event on the weekly series it concerns (:mod:`orgsphere.interrupted` does the
statistics).

- an event of the whole organisation (no units named): the organisation's R and R_customer;
- an event of some units: each affected unit's R, R_customer, share within one hop of a customer and (a staff
  unit) its machinery traffic and the shares of its role mix, against the units of the same kind it did not
  affect (difference-in-differences); and each relation of an affected unit: its ticket share, the line
  unit's share of the initiatives, the joint customer work and whether the week's verdict was supplier,
  against the relations of the same kinds (line-staff, staff-staff) between units it did not affect. A series
  that never varies gets no difference-in-differences (it would only mirror the comparison group's own
  changes).

Series are read from the published (protected) weekly tables: a suppressed week has no value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from ..analysis.periods import week_start
from ..interrupted import Effect, SeriesRules, control_means, estimate, subtract
from .series import ROLE_SHARES

__all__ = ["effect_table", "UNIT_MEASURES", "RELATION_MEASURES", "ORGANISATION_MEASURES"]

ORGANISATION_MEASURES = ("R", "R_customer")
UNIT_MEASURES = ("R", "R_customer", "within_1", "machinery", *ROLE_SHARES)
RELATION_MEASURES = ("ticket_share", "initiative_a", "joint_work", "supplier")

Series = dict[int, float]


def _index(week: str) -> int:
    """A week's number, counted in weeks since the first Monday of the calendar."""
    return week_start(week).toordinal() // 7


def _series(rows: list[dict[str, Any]], key: tuple[str, ...], measures: tuple[str, ...]) -> dict[tuple[Any, ...],
                                                                                                  Series]:
    """(group..., measure) -> week index -> value, leaving out suppressed weeks and missing values."""
    out: dict[tuple[Any, ...], Series] = defaultdict(dict)
    for r in rows:
        if r.get("suppressed"):
            continue
        for m in measures:
            if r.get(m) is not None:
                out[(*(r[k] for k in key), m)][_index(r["period"])] = float(r[m])
    return out


def _row(event: dict[str, Any], subject: str, group: str, name: str | None, measure: str, own: Effect,
         did: Effect | None, comparison: int) -> dict[str, Any]:  # fmt: skip
    return {
        "event": event["event"], "day": event["day"], "week": event["week"], "label": event["label"],
        "origin": event["origin"], "subject": subject, "group_id": group, "name": name, "measure": measure,
        **own.record(), "comparison": comparison,
        **{f"did_{k}": v for k, v in (did.record() if did else {}).items()
           if k in ("verdict", "level", "level_low", "level_high", "placebo_p")},
    }  # fmt: skip


def _estimates(event: dict[str, Any], subject: str, groups: dict[tuple[Any, ...], Series], affected: set[str],
               names: dict[str, str], kinds: dict[str, str | None], rules: SeriesRules,
               touches: Any) -> Iterator[dict[str, Any]]:  # fmt: skip
    at = _index(event["week"])
    by_measure: dict[str, dict[tuple[Any, ...], Series]] = defaultdict(dict)
    for key, series in groups.items():
        by_measure[key[-1]][key[:-1]] = series
    for measure, series_of in sorted(by_measure.items()):
        # the comparison group of a series: the unaffected series of its kind (a unit's kind; a relation's pair
        # of kinds), and their mean per week, the same for every affected series of that kind
        comparison: dict[tuple[str | None, ...], list[Series]] = defaultdict(list)
        if subject != "organisation":
            for g, s in series_of.items():
                if not touches(g, affected):
                    comparison[tuple(kinds.get(u) for u in g)].append(s)
        means = {kind: control_means(controls) for kind, controls in comparison.items()}
        for group, series in sorted(series_of.items()):
            if not touches(group, affected):
                continue
            own = estimate(list(series), list(series.values()), at, rules)
            kind = tuple(kinds.get(g) for g in group)
            controls = comparison.get(kind, [])
            did = None
            # a series that never varies (no tickets at all, before or after) has nothing to compare: the
            # difference would only mirror the comparison group's own changes
            if controls and len(set(series.values())) > 1:
                diff = subtract(series, means[kind])
                did = estimate(list(diff), list(diff.values()), at, rules)
            label = "|".join(group)
            yield _row(event, subject, label, " | ".join(names.get(g, g) for g in group), measure, own, did,
                       len(controls) if did else 0)


def effect_table(events: pa.Table, weekly: pa.Table, relations: pa.Table, rules: SeriesRules) -> pa.Table:
    """One row per event, series and measure: the change at the event (level, slope, intervals, placebos) and
    the difference-in-differences against the unaffected series where there are any."""
    weekly_rows = weekly.to_pylist()
    names = {r["group_id"]: r["name"] or r["group_id"] for r in weekly_rows}
    kinds = {r["group_id"]: r["kind"] for r in weekly_rows}
    organisation = _series([r for r in weekly_rows if r["scope"] == "organisation"], ("group_id",),
                           ORGANISATION_MEASURES)  # fmt: skip
    units = _series([r for r in weekly_rows if r["scope"] == "unit"], ("group_id",), UNIT_MEASURES)
    pairs = _series(relations.to_pylist(), ("unit_a", "unit_b"), RELATION_MEASURES)
    out: list[dict[str, Any]] = []
    for event in events.to_pylist():
        affected = set((event["units"] or "").split(";")) - {""}
        if not affected:
            out += _estimates(event, "organisation", organisation, affected, names, kinds, rules,
                              lambda group, affected: True)  # fmt: skip
            continue
        out += _estimates(event, "unit", units, affected, names, kinds, rules,
                          lambda group, affected: group[0] in affected)  # fmt: skip
        out += _estimates(event, "relation", pairs, affected, names, kinds, rules,
                          lambda group, affected: bool(set(group) & affected))  # fmt: skip
    return pa.Table.from_pylist(out, schema=EFFECT_SCHEMA)


_FLOAT = ("before", "level", "level_low", "level_high", "slope", "slope_low", "slope_high", "placebo_low",
          "placebo_high", "placebo_p")  # fmt: skip
EFFECT_SCHEMA = pa.schema(
    [("event", pa.string()), ("day", pa.date32()), ("week", pa.string()), ("label", pa.string()),
     ("origin", pa.string()), ("subject", pa.string()), ("group_id", pa.string()), ("name", pa.string()),
     ("measure", pa.string()), ("verdict", pa.string()), ("weeks_before", pa.int64()), ("weeks_after", pa.int64())]
    + [(c, pa.float64()) for c in _FLOAT[:7]] + [("placebos", pa.int64())]
    + [(c, pa.float64()) for c in _FLOAT[7:]] + [("comparison", pa.int64()), ("did_verdict", pa.string())]
    + [(f"did_{c}", pa.float64()) for c in ("level", "level_low", "level_high", "placebo_p")]
)  # fmt: skip
