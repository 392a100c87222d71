"""The report's "What changed" section. The demo changes on 1 July (HR Shared Services drops its SLA reports,
surveys and ticket desk for the line; HR Business Partners join the line's customer meetings): the section tells
HR's change with intervals that exclude 0, against the placebo weeks' spread, and shows the unaffected staff
units (Strategic Procurement among them) not moving at the same date; the actions name it; the Dutch report
says it in Dutch. A store without events says so in one line, and one with too few weeks says the data cannot
tell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import orgsphere
from orgsphere.action_rules import actions_of
from orgsphere.markers import ALL
from orgsphere.report.actions import actions_context
from orgsphere.report.changes import changes_context
from orgsphere.report.html import render_report
from orgsphere.report.i18n import words
from orgsphere.result_tables import RESULT_TABLES
from orgsphere.results import Results, ResultTable

from .conftest import write
from .html_tree import Node, parse
from .test_json_output import _organisation

HR_DESK, COMPARISON = "HR Shared Services", "Strategic Procurement"


@pytest.fixture(scope="module")
def demo_results(demo: Path) -> Results:
    with orgsphere.open(config=demo / "orgsphere.toml", read_only=True) as ws:
        return ws.analyse()


def _section(html: str, name: str) -> Node:
    return next(s for s in parse(html).iter("section") if s.attrs.get("id") == name)


def _number(text: str) -> float:
    return float(text.replace("−", "-").replace("%", "").replace(",", ""))


def test_the_demo_tells_hr_changed_with_intervals_excluding_zero(demo: Path, demo_results: Results) -> None:
    effects = demo_results["effects"].arrow.to_pylist()
    machinery = next(r for r in effects if r["name"] == HR_DESK and r["measure"] == "machinery")
    assert machinery["verdict"] == "effect" and machinery["level_high"] < 0  # the SLA reports and surveys stopped
    tickets = [r for r in effects if r["measure"] == "ticket_share" and r["verdict"] == "effect"
               and r["name"].endswith(" | " + HR_DESK)]  # fmt: skip
    assert len(tickets) >= 5 and all(r["level_high"] < 0 for r in tickets)  # line relations of HR: fewer tickets
    section = _section((demo / "report.html").read_text(encoding="utf-8"), "changes")
    assert section.iter("h2").__next__().text == "What changed" and "2025-07-01" in section.text
    said = [li.text for li in section.iter("ul", "moved").__next__().iter("li")]
    assert any(s.startswith(f"{HR_DESK}, interactions about SLAs") and "placebo weeks" in s for s in said)
    assert any(s.startswith("Share of the contact through tickets fell in") and HR_DESK in s for s in said)
    rows = {(tr.iter("td").__next__().text, [td.text for td in tr.iter("td")][1]): [td.text for td in tr.iter("td")]
            for table in section.iter("table") if "comparison" not in table.classes for tr in table.iter("tr")
            if list(tr.iter("td"))}  # fmt: skip
    desk = rows[(HR_DESK, "interactions about SLAs, satisfaction surveys and requirements per week")]
    low, high = (_number(v) for v in desk[4].strip("[]").split(", "))
    assert low < high < 0 and _number(desk[3]) < low / 2  # change, its interval without 0
    p_low, p_high = (_number(v) for v in desk[5].strip("[]").split(", "))
    assert p_low < 0 < p_high and high < p_low  # the placebo weeks' spread, shown, and the change beyond it
    relation = [r for (name, measure), r in rows.items() if name.endswith(HR_DESK) and "tickets" in measure]
    assert len(relation) == len(tickets)  # every moved relation in the table, the rest counted
    assert "series without a change told" in section.text and len(list(section.iter("svg"))) >= 2  # weekly charts


def test_the_comparison_group_does_not_move_at_the_same_date(demo: Path, demo_results: Results) -> None:
    context = changes_context(demo_results, words("en"), lambda v, d=0: f"{v:.{d}f}", ".")
    (event,) = context["events"]
    procurement = [c for c in event["comparison"] if c["name"] == COMPARISON]
    assert {c["measure"] for c in procurement} >= {"ticket_share", "machinery"}
    assert all(c["verdict"] != "effect" for c in procurement)
    assert event["comparison_moved"] == 0  # no unaffected staff unit changed at HR's date
    section = _section((demo / "report.html").read_text(encoding="utf-8"), "changes")
    table = next(t for t in section.iter("table") if "comparison" in t.classes)
    shown = [tr for tr in table.iter("tr") if tr.attrs.get("data-unit") == COMPARISON]
    assert shown and all(tr.attrs["data-verdict"] != "effect" for tr in shown)
    assert "The comparison group: the units of the same kind the event did not name" in section.text


def test_the_actions_name_the_change_and_who_could_follow(demo: Path, demo_results: Results) -> None:
    (change,) = [a for a in actions_of(demo_results).found if a.code == "changes"]
    (event,) = change.figures["events"]
    assert event["moved"] >= 5 and event["day"] == "2025-07-01" and "ICT Service Desk" in event["still"]
    assert HR_DESK not in event["still"] and {u["name"] for u in change.units} == {HR_DESK, "HR Business Partners"}
    article = next(a for a in _section((demo / "report.html").read_text(encoding="utf-8"), "actions").iter("article")
                   if a.attrs.get("id") == "action-changes")  # fmt: skip
    assert "The change of 2025-07-01" in article.text and "worked" in article.text and "placebo weeks" in article.text
    assert "Extend it to the units that still work the way the changed ones did before: ICT Service Desk" \
        in article.text  # fmt: skip
    assert any(a.attrs.get("href") == "#changes" for a in article.iter("a"))


def test_the_dutch_report_says_what_changed_in_dutch(demo_results: Results) -> None:
    section = _section(render_report(demo_results, "nl"), "changes")
    assert section.iter("h2").__next__().text == "Wat er veranderde"
    assert "placeboweken" in section.text and "vergelijkingsgroep" in section.text
    assert "Aandeel van het contact via meldingen daalde in" in section.text


def _small(tmp_path: Path, events: str | None) -> Results:
    org, edges = _organisation(tmp_path)
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", customer_domains="customer.example",
                        bootstrap_samples=50, null_samples=20) as ws:  # fmt: skip
        ws.ingest_orgchart(org)
        ws.ingest_edges(edges)
        if events is not None:
            ws.ingest_events(write(tmp_path / "events.csv", events))
        return ws.analyse()


def test_without_events_the_section_says_how_to_add_them(tmp_path: Path) -> None:
    results = _small(tmp_path, None)
    section = _section(render_report(results), "changes")
    assert "No events in these data" in section.text and "orgsphere ingest events" in section.text
    assert not list(section.iter("table")) and not list(section.iter("svg"))
    assert all(a.code != "changes" for a in actions_of(results).found)
    dutch = _section(render_report(results, "nl"), "changes")
    assert "Geen gebeurtenissen in deze gegevens" in dutch.text


def test_with_too_few_weeks_the_data_cannot_tell(tmp_path: Path) -> None:
    results = _small(tmp_path, "date,label,units\n2025-03-01,B4 joins the front,B4\n")  # four months of data
    effects: list[dict[str, Any]] = results["effects"].arrow.to_pylist()
    assert effects and all(r["verdict"] == "too_few_weeks" for r in effects)
    section = _section(render_report(results), "changes")
    assert "B4 joins the front" in section.text and "the data cannot tell whether it changed anything" in section.text
    found = actions_of(results)
    assert all(a.code != "changes" for a in found.found) and "changes" in found.untold


def _event_results(units: str | None, verdicts: dict[tuple[str, str], str]) -> Results:
    """Results holding one event of 2025-07-01 (of ``units``, or of the whole organisation) and one effect row
    per (series, measure) with the given verdict: a fall of 0.2 from 0.3, interval [-0.3, -0.1], placebo weeks
    within ±0.05 for an effect; a fall of 0.01 with an interval holding 0 otherwise."""
    event = {"event": "e1", "day": "2025-07-01", "week": "2025-W27", "label": "a change", "units": units,
             "origin": "file"}  # fmt: skip
    effects = []
    for (series, measure), verdict in verdicts.items():
        moved = verdict == "effect"
        effects.append({**event, "subject": "organisation" if units is None else "unit", "group_id": series,
                        "name": f"Unit {series}", "measure": measure, "verdict": verdict, "before": 0.3,
                        "level": -0.2 if moved else -0.01, "level_low": -0.3 if moved else -0.05,
                        "level_high": -0.1 if moved else 0.04, "placebo_low": -0.05, "placebo_high": 0.05,
                        "placebos": 30, "placebo_p": 0.03 if moved else 0.6, "comparison": 0, "did_verdict": None,
                        "did_level": None, "did_level_low": None, "did_level_high": None})  # fmt: skip
    sphere = [{"scope": "unit", "group_id": u, "name": f"Unit {u}", "kind": "staff", "period": ALL, "channel": ALL,
               "persons": 10, "suppressed": False} for u in ("S1", "S2")]  # fmt: skip
    given = {"events": [event], "effects": effects, "sphere": sphere,
             "subtrees": [{"group_id": u, "name": f"Unit {u}"} for u in ("S1", "S2")]}  # fmt: skip
    tables = {spec.name: ResultTable(spec.name, pa.Table.from_pylist(given[spec.name]) if spec.name in given
                                     else pa.table({}), "") for spec in RESULT_TABLES}  # fmt: skip
    return Results(tables, [], None, {"persons": 20}, None, 5)  # type: ignore[arg-type]


def test_an_event_without_an_effect_is_said_to_have_none() -> None:
    results = _event_results("S1", {("S1", "R"): "no_effect", ("S1", "within_1"): "no_effect"})
    (event,) = changes_context(results, words("en"), lambda v, d=0: f"{v:.{d}f}", ".")["events"]
    assert event["moved"] == [] and event["counts"]["no_effect"] == 2 and event["charts"] == []
    (change,) = [a for a in actions_of(results).found if a.code == "changes"]
    assert change.figures["worked"] == 0 and change.weight == 0.5  # S1's 10 of the 20 people
    (words_of,) = [f for f in actions_context(results, words("en"), lambda v, d=0: f"{v:.{d}f}")["findings"]
                   if f["code"] == "changes"]  # fmt: skip
    assert words_of["title"] == "A change without an effect" and "shows no effect" in words_of["see"]


def test_an_event_of_the_whole_organisation_is_told_without_a_comparison_group() -> None:
    results = _event_results(None, {("organisation", "R"): "effect"})
    (event,) = changes_context(results, words("en"), lambda v, d=0: f"{v:.{d}f}", ".")["events"]
    assert event["whole"] and event["comparison"] == [] and event["units"] == "the whole organisation"
    (said,) = event["moved"]
    assert said.startswith("Unit organisation, outwardness R: -0.200 at the event (95% interval [-0.300, -0.100])")
    (change,) = [a for a in actions_of(results).found if a.code == "changes"]
    assert change.weight == 1.0 and change.figures["worked"] == 1  # everyone
