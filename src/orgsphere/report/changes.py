"""The report's "What changed" section: per event (``results["events"]``) the weekly measures that moved
(``results["effects"]``, verdict ``effect`` on the series or against the comparison group), by how much, with
their interval, the placebo weeks' spread and the difference-in-differences, in plain words; relations
aggregated per affected unit and measure; the rest counted; and the comparison at the same date.

**The comparison group** is what the difference-in-differences holds the affected series against: the units of
the same kind (line or staff) that the event did not name. Here each of them is also estimated on its own at
the event's date, on the measures that moved: a unit measure on the unit's weekly series, a relation measure on
the mean of the unit's relations of the same kinds (a staff unit's relations with the line) week by week. The
units whose level before the event was most like the affected unit's come first (a desk that had tickets to
lose is a better comparison for a desk that dropped its tickets than a unit that never had any).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from statistics import median
from typing import Any

from markupsafe import Markup

from ..action_rules import change_strength
from ..analysis.periods import week_start
from ..changes.effects import RELATION_MEASURES, UNIT_MEASURES
from ..changes.series import ROLE_SHARES
from ..interrupted import SeriesRules, estimate
from ..markers import ALL
from ..results import Results
from .charts import change_chart
from .i18n import Words

__all__ = ["changes_context", "measure_words", "change_value", "RELATION", "MAX_CHARTS", "SHOWN_COMPARISON"]

Number = Callable[..., str]
RELATION = RELATION_MEASURES
MAX_CHARTS = 3  # weekly charts: the strongest effects
SHOWN_COMPARISON = 3  # comparison units named in words (the table holds them all)
SHARES = {"within_1", *RELATION, *ROLE_SHARES}  # measures that are a share (shown as percentages)


def measure_words(t: Words) -> dict[str, str]:
    """The name of each weekly measure in plain words."""
    _ = t.gettext
    return {"R": _("outwardness R"), "R_customer": _("outwardness towards customers"),
            "within_1": _("share of its people within one hop of a customer"),
            "machinery": _("interactions about SLAs, satisfaction surveys and requirements per week"),
            "ticket_share": _("share of the contact through tickets"),
            "initiative_a": _("share of the initiatives taken by the line"),
            "joint_work": _("share of joint customer work"), "supplier": _("weeks judged supplier"),
            "supporting_share": _("share of its work that supports"),
            "regulating_share": _("share of its work that regulates"),
            "executing_share": _("share of its work that executes or manages"),
            "advisory_share": _("share of its work that advises")}  # fmt: skip


def _index(week: str) -> int:
    return week_start(week).toordinal() // 7


def _rules(results: Results) -> SeriesRules:
    values = {s["name"]: s["value"] for s in getattr(results.statement, "settings", None) or []}
    default = SeriesRules()
    try:
        return SeriesRules(int(values.get("effect_min_weeks", default.min_weeks)),
                           int(values.get("effect_min_segment", default.min_segment)))  # fmt: skip
    except (TypeError, ValueError):
        return default


class _Series:
    """The published weekly series: per unit and measure, and per staff unit the mean of its relations of one
    pair of kinds and measure (suppressed weeks have no value)."""

    def __init__(self, results: Results):
        self.units: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
        self.kinds: dict[str, str | None] = {}
        self.names = results.unit_names()
        weekly = results["weekly"].arrow if "weekly" in results else None
        for r in weekly.to_pylist() if weekly is not None and "scope" in weekly.column_names else []:
            if r["scope"] != "unit" or r["period"] == ALL:
                continue
            self.kinds[r["group_id"]] = r["kind"]
            self.names.setdefault(r["group_id"], r["name"] or r["group_id"])
            if r.get("suppressed"):
                continue
            for m in UNIT_MEASURES:
                if r.get(m) is not None:
                    self.units[(r["group_id"], m)][_index(r["period"])] = float(r[m])
        sums: dict[tuple[str, str, str, int], list[float]] = defaultdict(list)
        relations = results["weekly_relations"].arrow if "weekly_relations" in results else None
        for r in relations.to_pylist() if relations is not None and "unit_a" in relations.column_names else []:
            if r["period"] == ALL or r.get("suppressed"):
                continue
            for unit, other in ((r["unit_a"], r["kind_b"]), (r["unit_b"], r["kind_a"])):
                for m in RELATION:
                    if r.get(m) is not None:
                        sums[(unit, other or "", m, _index(r["period"]))].append(float(r[m]))
        self.relations: dict[tuple[str, str, str], dict[int, float]] = defaultdict(dict)
        for (unit, other, m, week), values in sums.items():
            self.relations[(unit, other, m)][week] = sum(values) / len(values)

    def of(self, unit: str, measure: str, other: str) -> dict[int, float]:
        return self.relations.get((unit, other, measure), {}) if measure in RELATION \
            else self.units.get((unit, measure), {})  # fmt: skip


def change_value(measure: str, v: float | None, n: Number, signed: bool = False) -> str:
    """A level or a change of ``measure`` as a reader reads it: shares in percentage points, others as numbers."""
    if v is None:
        return "–"
    text = n(100 * v, 0) + "%" if measure in SHARES else n(v, 3 if measure in ("R", "R_customer") else 1)
    return ("+" + text) if signed and v > 0 and text.strip("0.,%") else text  # (no "+0")


def _interval(measure: str, low: float | None, high: float | None, n: Number) -> str:
    return f"[{change_value(measure, low, n)}, {change_value(measure, high, n)}]"


def _unit_sentence(r: dict[str, Any], t: Words, n: Number, words: dict[str, str]) -> str:
    m = r["measure"]
    text = t.gettext(
        "%(unit)s, %(measure)s: %(level)s at the event (95%% interval %(interval)s), from %(before)s before; "
        "at the placebo weeks the change ranged from %(low)s to %(high)s.", unit=r["name"], measure=words[m],
        before=change_value(m, r["before"], n), level=change_value(m, r["level"], n, True),
        interval=_interval(m, r["level_low"], r["level_high"], n), low=change_value(m, r["placebo_low"], n),
        high=change_value(m, r["placebo_high"], n))  # fmt: skip
    if r["did_level"] is not None:
        text += " " + t.ngettext(
            "Against the %(k)s unaffected unit of its kind: %(level)s %(interval)s.",
            "Against the %(k)s unaffected units of its kind: %(level)s %(interval)s.", r["comparison"] or 0,
            k=n(r["comparison"]), level=change_value(m, r["did_level"], n, True),
            interval=_interval(m, r["did_level_low"], r["did_level_high"], n))  # fmt: skip
    return text


def _relation_sentences(rows: list[dict[str, Any]], affected: set[str], kinds: dict[str, str | None], t: Words,
                        n: Number, words: dict[str, str]) -> list[str]:  # fmt: skip
    """Per affected unit, kind of the other unit and relation measure that moved: in how many of its relations
    of that kind with a weekly series, which way, the median change."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        ids = r["group_id"].split("|")
        for unit in set(ids) & affected:
            other = kinds.get(next((u for u in ids if u != unit), unit)) or ""
            groups[(unit, other, r["measure"])].append(r)
    kind_words = {"line": t.gettext("line units"), "staff": t.gettext("staff units"), "": t.gettext("units")}
    out = []
    for (unit, other, m), series in sorted(groups.items()):
        series = [r for r in series if r["verdict"] != "too_few_weeks"]
        moved = [r for r in series if "effect" in (r["verdict"], r["did_verdict"])]
        if not moved:
            continue
        down = sum((r["level"] or 0) < 0 for r in moved)
        level = median(r["level"] for r in moved if r["level"] is not None)
        before = median(r["before"] for r in moved if r["before"] is not None)
        name = _unit_name(series[0], unit)
        direction = t.gettext("fell") if down * 2 >= len(moved) else t.gettext("rose")
        out.append(t.ngettext(
            "%(measure)s %(direction)s in %(moved)s of the %(total)s relation of %(unit)s with %(other)s that has "
            "a weekly series: median change %(level)s, from a median of %(before)s before.",
            "%(measure)s %(direction)s in %(moved)s of the %(total)s relations of %(unit)s with %(other)s that have "
            "a weekly series: median change %(level)s, from a median of %(before)s before.", len(series),
            other=kind_words.get(other, other),
            measure=words[m][:1].upper() + words[m][1:], direction=direction, moved=n(len(moved)),
            total=n(len(series)), unit=name, level=change_value(m, level, n, True), before=change_value(m, before, n)))
    return out


def _unit_name(row: dict[str, Any], unit: str) -> str:
    ids, names = row["group_id"].split("|"), row["name"].split(" | ")
    return names[ids.index(unit)] if len(ids) == len(names) and unit in ids else unit


def _comparison(event: dict[str, Any], moved: list[dict[str, Any]], affected: set[str], series: _Series,
                rules: SeriesRules, t: Words, n: Number, words: dict[str, str]) -> list[dict[str, Any]]:  # fmt: skip
    """The units of the same kind the event did not name, estimated at the same date on each measure that
    moved; those most like the affected units before the event first."""
    at = _index(event["week"])
    wanted: dict[tuple[str, str], list[float]] = defaultdict(list)  # (kind, measure) -> affected levels before
    other: dict[str, str] = {}
    for r in moved:
        ids = r["group_id"].split("|")
        for unit in set(ids) & affected:
            kind = series.kinds.get(unit) or ""
            if r["subject"] == "relation":
                partner = next((u for u in ids if u != unit), unit)
                other[r["measure"]] = series.kinds.get(partner) or ""
            if r["before"] is not None:
                wanted[(kind, r["measure"])].append(r["before"])
    out = []
    for (kind, m), levels in sorted(wanted.items()):
        target = median(levels)
        for unit in sorted(u for u, k in series.kinds.items() if (k or "") == kind and u not in affected):
            s = series.of(unit, m, other.get(m, ""))
            if not s:
                continue
            e = estimate(list(s), list(s.values()), at, rules)
            if e.verdict == "too_few_weeks":
                continue
            out.append({"unit": unit, "name": series.names.get(unit) or unit, "measure": m,
                        "measure_words": words[m], "verdict": e.verdict, "before": change_value(m, e.before, n),
                        "level": change_value(m, e.level, n, True),
                        "interval": _interval(m, e.level_low, e.level_high, n),
                        "placebo": _interval(m, e.placebo_low, e.placebo_high, n),
                        "distance": abs((e.before or 0) - target), "varies": len(set(s.values())) > 1})  # fmt: skip
    out.sort(key=lambda c: (c["measure"], not c["varies"], c["distance"], c["name"]))
    return out


def _chart(r: dict[str, Any], event: dict[str, Any], series: _Series, comparison: list[dict[str, Any]],
           affected: set[str], t: Words, words: dict[str, str], decimal: str) -> str:  # fmt: skip
    """The weekly series of a moved measure (a relation measure: the mean over the affected unit's relations
    of that kind), the closest comparison unit's beside it, the event's week marked."""
    m = r["measure"]
    ids = r["group_id"].split("|")
    unit = next(u for u in ids if u in affected)
    other = series.kinds.get(next((u for u in ids if u != unit), unit)) or "" if r["subject"] == "relation" else ""
    name = _unit_name(r, unit)
    lines = {name: series.of(unit, m, other)}
    twin = next((c for c in comparison if c["measure"] == m and c["varies"]), None) \
        or next((c for c in comparison if c["measure"] == m), None)  # fmt: skip
    if twin is not None:
        lines[t.gettext("%(unit)s (comparison)", unit=twin["name"])] = series.of(twin["unit"], m, other)
    scale = 100.0 if m in SHARES else 1.0
    return change_chart({k: {w: v * scale for w, v in s.items()} for k, s in lines.items()}, _index(event["week"]),
                        event["label"], words[m] + (" (%)" if m in SHARES else ""), decimal)  # fmt: skip  # fmt: skip


def _event(event: dict[str, Any], rows: list[dict[str, Any]], series: _Series, rules: SeriesRules, t: Words,
           n: Number, decimal: str) -> dict[str, Any]:  # fmt: skip
    words = measure_words(t)
    affected = set((event["units"] or "").split(";")) - {""}
    moved = [r for r in rows if "effect" in (r["verdict"], r["did_verdict"])]
    counts = {v: sum(r["verdict"] == v and r not in moved for r in rows) for v in ("no_effect", "unclear",
                                                                                    "too_few_weeks")}  # fmt: skip
    sentences = [_unit_sentence(r, t, n, words) for r in moved if r["subject"] != "relation"]
    sentences += _relation_sentences([r for r in rows if r["subject"] == "relation"], affected, series.kinds, t, n,
                                     words)  # fmt: skip
    comparison = _comparison(event, moved, affected, series, rules, t, n, words) if affected else []
    strongest: list[dict[str, Any]] = []
    for r in sorted(moved, key=lambda r: -change_strength(r)):  # one chart per measure, the strongest series of each
        if r["measure"] not in {s["measure"] for s in strongest}:
            strongest.append(r)
    charts = [Markup(_chart(r, event, series, comparison, affected, t, words, decimal))
              for r in strongest[:MAX_CHARTS]] if affected else []  # fmt: skip
    table = [{"name": r["name"], "measure": words[r["measure"]], "before": change_value(r["measure"], r["before"], n),
              "level": change_value(r["measure"], r["level"], n, True), "level_v": r["level"],
              "interval": _interval(r["measure"], r["level_low"], r["level_high"], n),
              "placebo": _interval(r["measure"], r["placebo_low"], r["placebo_high"], n),
              "did": (change_value(r["measure"], r["did_level"], n, True) + " "
                      + _interval(r["measure"], r["did_level_low"], r["did_level_high"], n))
              if r["did_level"] is not None else "–"} for r in moved]  # fmt: skip
    compared = []
    for m in dict.fromkeys(c["measure"] for c in comparison):
        these = [c for c in comparison if c["measure"] == m]
        compared.append(t.ngettext(
            "%(measure)s: %(moved)s of the %(n)s unit changed (most like the affected before: %(names)s).",
            "%(measure)s: %(moved)s of the %(n)s units changed (most like the affected before: %(names)s).",
            len(these), measure=words[m][:1].upper() + words[m][1:], n=n(len(these)),
            moved=n(sum(c["verdict"] == "effect" for c in these)),
            names=", ".join(c["name"] for c in these[:SHOWN_COMPARISON])))  # fmt: skip
    return {
        "day": str(event["day"]), "week": event["week"], "label": event["label"],
        "units": ", ".join(sorted(series.names.get(u) or u for u in affected)) or t.gettext("the whole organisation"),
        "whole": not affected, "moved": sentences, "table": table, "counts": counts, "series": len(rows),
        "comparison": comparison, "comparison_units": len({c["unit"] for c in comparison}), "compared": compared,
        "comparison_moved": sum(c["verdict"] == "effect" for c in comparison), "charts": charts,
    }  # fmt: skip


def changes_context(results: Results, t: Words, n: Number, decimal: str) -> dict[str, Any]:
    """The section's content: ``events`` (each with its moved measures in words, the table of moved series,
    the counts of the rest, the comparison at the same date and up to :data:`MAX_CHARTS` charts)."""
    verdict = {"effect": t.gettext("changed"), "no_effect": t.gettext("no change"), "unclear": t.gettext("unclear"),
               "too_few_weeks": t.gettext("too few weeks")}  # fmt: skip
    if "events" not in results or "effects" not in results:
        return {"events": [], "verdict": verdict}
    events = results["events"].arrow
    if "event" not in events.column_names or events.num_rows == 0:
        return {"events": [], "verdict": verdict}
    effects = results["effects"].arrow
    rows = effects.to_pylist() if "event" in effects.column_names else []
    by_event: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_event[r["event"]].append(r)
    series, rules = _Series(results), _rules(results)
    return {"verdict": verdict, "events": [_event(e, by_event.get(e["event"], []), series, rules, t, n, decimal)
                       for e in sorted(events.to_pylist(), key=lambda e: (str(e["day"]), e["event"]))]}
