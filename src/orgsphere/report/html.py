"""Assemble the HTML report from a :class:`~orgsphere.results.Results`. Runs no query of its own."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
import pyarrow as pa
import pyarrow.compute as pc
from markupsafe import Markup, escape

from ..markers import ALL, UNDATED
from ..results import Results
from .actions import actions_context
from .changes import changes_context
from .charts import scaling_chart, trend_chart
from .distance import distance_context
from .health import health_context
from .i18n import labels, translations, words
from .processing import declared_by_words, statement_context
from .relations import relations_context
from .roles import roles_context
from .science import science_context
from .verdicts import fit_sentence, headline_sentences

__all__ = ["render_report"]


@cache
def _environment(lang: str) -> jinja2.Environment:
    """The template environment of one language, its gettext functions those of the language's catalogue."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("orgsphere.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["wbr"] = breakable
    return env


@cache
def tables_script() -> Markup:
    """The one small script of the report's tables (sort, filter, pages, CSV download), inlined."""
    return Markup((files("orgsphere.report") / "tables.js").read_text(encoding="utf-8"))


def breakable(text: object) -> Markup:
    """``text`` escaped, with a line-break opportunity after every ``_``, ``.`` and ``/``: a long setting
    name wraps between its words, never inside one. (Not for values that may hold identifiers: the privacy
    tests look for those in the page as they are.)"""
    return Markup(re.sub(r"([_./])", r"\1<wbr>", str(escape(text))))


def unit_counts(org: dict[str, Any], lang: str) -> str:
    """The label of the number of units, its parts adding up to it: "units: 32 line, 33 staff, 1 without kind"
    (the org chart's root, or a unit the org chart gives no kind, is counted apart)."""
    t = words(lang)
    total, line, staff = org.get("units") or 0, org.get("line_units") or 0, org.get("staff_units") or 0
    parts = [t.gettext("%(n)s line", n=_number(line, lang)), t.gettext("%(n)s staff", n=_number(staff, lang))]
    if total - line - staff:
        parts.append(t.gettext("%(n)s without kind", n=_number(total - line - staff, lang)))
    return t.ngettext("unit: %(parts)s", "units: %(parts)s", total, parts=", ".join(parts))


def _number(value: Any, lang: str, digits: int = 0) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    if value in (float("inf"), float("-inf")):
        return "∞" if value > 0 else "−∞"
    if round(value, digits) == 0:
        value = 0  # no "−0.00"
    text = f"{value:,.{digits}f}"
    if lang == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text.replace("-", "−")


def _percent(part: float, whole: float, lang: str) -> str:
    return "–" if not whole else _number(100.0 * part / whole, lang, 1) + "%"


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def render_report(results: Results, lang: str = "en") -> str:
    """The report in ``lang`` (one of :data:`~orgsphere.report.i18n.LANGS`) as one HTML document."""
    t = words(lang)  # (an unknown language is an InputError)
    label = labels(t)
    decimal = "," if lang == "nl" else "."
    org = results.organisation
    sphere = results["sphere"]
    whole = sphere.filter(scope="organisation", period=ALL, channel=ALL).to_pylist()
    whole_row = whole[0] if whole else {"R": None}  # (no interactions: no row for the whole organisation)
    total = (whole_row.get("internal") or 0) + (whole_row.get("external") or 0)
    units = results.units()
    visible = units.filter(pc.invert(units["suppressed"]))
    n_complement = sum(units["complementary"].to_pylist()) if "complementary" in units.column_names else 0
    ranked = sorted(_rows(visible), key=lambda r: (r["R"] is None, -(r["R"] or 0.0), r["name"] or ""))
    # line and staff meet different outsiders: fit them apart where the org chart says which is which
    fits = [(k, f) for k in ("line", "staff") if (f := results.fit("R", kind=k)) is not None and f.slope is not None]
    overall = results.fit("R")
    if not fits and overall is not None:
        fits = [("all", overall)]
    number = lambda v, d=0: _number(v, lang, d)  # noqa: E731
    # the headline the data supports first, then each kind's fit with what its verdict says
    findings = headline_sentences(results, t, number)
    head = results.headline()
    findings += [fit_sentence(f, t, number) for _, f in fits if f is not head.fit]
    if len(fits) > 1 and overall is not None and overall.slope is not None and not head.split:
        findings.append(t.gettext(
            "Line and staff units are fitted apart: they meet different outsiders, and one line through both would "
            "mostly measure the difference between them (all units together: slope %(slope)s)."
        , slope=_number(overall.slope, lang, 2)))  # fmt: skip
    zero_units = max((f.n_zero for _, f in fits), default=0)
    levels = [r for r in _rows(sphere.filter(scope="level", period=ALL, channel=ALL)) if not r["suppressed"]]
    deepest = max((r["depth"] for r in levels), default=0)
    if deepest > 1:  # the deepest level repeats the units' table above
        levels = [r for r in levels if r["depth"] < deepest]
    levels.sort(key=lambda r: (r["depth"], -(r["R"] or 0.0)))
    trend_rows = sphere.filter(scope="organisation")
    months = sorted({p for p in trend_rows["period"].to_pylist() if p not in (ALL, UNDATED)})
    channels = [ALL] + sorted({c for c in trend_rows["channel"].to_pylist() if c != ALL})
    by_key = {(r["period"], r["channel"]): r["R"] for r in _rows(trend_rows)}
    series = {
        label["channel"].get(str(c), str(c)): [by_key.get((m, c)) for m in months] for c in channels
    }
    context = {
        "lang": lang,
        "label": label,
        "n": lambda v, d=0: _number(v, lang, d),
        "org": org,
        "unit_counts": unit_counts(org, lang),
        "tables_js": tables_script(),
        "org_name": org.get("root") if org.get("roots") == 1 else t.gettext("the organisation"),
        "whole": whole_row,
        "external_share": _percent(whole_row.get("external") or 0, total, lang),
        "customer_share": _percent(whole_row.get("customer") or 0, total, lang),
        "findings": [Markup(f) for f in findings],
        "zero_units": zero_units,
        "scaling_svg": Markup(scaling_chart(visible, fits, t, decimal)),
        "trend_svg": Markup(trend_chart(months, series)) if len(months) > 1 else None,
        "ranked": ranked,
        "n_suppressed": units.num_rows - visible.num_rows - n_complement,
        "n_complement": n_complement,
        "levels": levels,
        "months": months,
        "boundary": [r for r in results["boundary"].arrow.to_pylist() if not r["suppressed"]],
        "domains": results["domains"].arrow.to_pylist(),
        "statement": results.statement,
        "stated": statement_context(results.statement, t),
        "declared_by": lambda how: declared_by_words(how, t),
        "k": results.min_group_size,
        "null_samples": next((s["value"] for s in results.statement.settings if s["name"] == "null_samples"), ""),
        "health": health_context(results, t, lambda v, d=0: _number(v, lang, d)),
        "los": distance_context(results, t, lambda v, d=0: _number(v, lang, d)),
        "rel": relations_context(results, t, lambda v, d=0: _number(v, lang, d)),
        "roles": roles_context(results, t, lambda v, d=0: _number(v, lang, d)),
        "act": actions_context(results, t, lambda v, d=0: _number(v, lang, d)),
        "chg": changes_context(results, t, lambda v, d=0: _number(v, lang, d), decimal),
        "sci": science_context(results, t, lambda v, d=0: _number(v, lang, d), decimal),
    }
    return _environment(lang).get_template("report.html.j2").render(**context)
