"""What to do first: the rules of orgsphere.action_rules on planted results (each rule fires where it should and
not where it should not, with the figures of its table), the ranking, what the data cannot judge, and the
report's opening section on the demo (test_report_cli) in both languages."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from orgsphere.action_rules import MAX_ACTIONS, SIGHT_LOW, SUPPLIER_SHARE, Action, actions_of
from orgsphere.health import Finding, Health
from orgsphere.markers import ALL
from orgsphere.report.actions import actions_context
from orgsphere.report.i18n import words
from orgsphere.result_tables import RESULT_TABLES
from orgsphere.results import Results, ResultTable

UNITS = {"L1": ("line", 40), "L2": ("line", 30), "S1": ("staff", 10), "S2": ("staff", 20), "S3": ("staff", 5)}
TOTAL = sum(p for _, p in UNITS.values())


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows) if rows else pa.table({})


def _results(relations: list[dict[str, Any]] = (), distance: list[dict[str, Any]] = (),  # type: ignore[assignment]
             flags: list[dict[str, Any]] = (), profiles: list[dict[str, Any]] = (),  # type: ignore[assignment]
             machinery: list[dict[str, Any]] = (), language: list[dict[str, Any]] = (),  # type: ignore[assignment]
             health: Health | None = None) -> Results:  # fmt: skip
    sphere = [{"scope": "unit", "group_id": u, "name": f"Unit {u}", "kind": k, "period": ALL, "channel": ALL,
               "persons": p, "suppressed": False} for u, (k, p) in UNITS.items()]  # fmt: skip
    subtrees = [{"group_id": u, "name": f"Unit {u}"} for u in UNITS]
    given = {"sphere": sphere, "subtrees": subtrees, "relations": list(relations), "distance": list(distance),
             "role_flags": list(flags), "roles": list(profiles), "machinery": list(machinery),
             "language": list(language)}  # fmt: skip
    tables = {spec.name: ResultTable(spec.name, _table(given.get(spec.name, [])), "") for spec in RESULT_TABLES}
    return Results(tables, [], None, {"persons": TOTAL}, None, 5, health)  # type: ignore[arg-type]


def _relation(line: str, staff: str, verdict: str, volume: int, suppressed: bool = False) -> dict[str, Any]:
    return {"period": ALL, "unit_a": line, "unit_b": staff, "kind_a": "line", "kind_b": "staff",
            "verdict": verdict, "volume": volume, "suppressed": suppressed}  # fmt: skip


def _months(unit: str, near: int, persons: int, months: int = 3, d0: int = 1) -> list[dict[str, Any]]:
    """``months`` months of ``persons`` people of which ``near`` are within one hop (``d0`` of them direct)."""
    return [{"unit": unit, "period": f"2025-0{m + 1}", "channel": ALL, "target": "customer", "persons": persons,
             "d0": min(d0, near), "d1": near - min(d0, near), "suppressed": False} for m in range(months)]


def test_a_staff_unit_mostly_in_supplier_relations_is_found_with_its_share() -> None:
    results = _results(relations=[
        _relation("L1", "S1", "supplier", 60), _relation("L2", "S1", "supplier", 30),
        _relation("L1", "S1", "mixed", 10),
        _relation("L1", "S2", "supplier", 40), _relation("L2", "S2", "partner", 60),  # 40%: under the rule's half
        _relation("L1", "S3", "supplier", 99, suppressed=True),  # hidden: never a finding
        _relation("L2", "S3", "too_little", 3),  # not judged
    ])  # fmt: skip
    found = actions_of(results)
    (suppliers,) = [a for a in found.found if a.code == "suppliers"]
    assert [(u["unit"], u["value"]) for u in suppliers.units] == [("S1", pytest.approx(0.9))]
    assert 0.4 < SUPPLIER_SHARE <= 0.9
    assert suppliers.figures == {"staff_units": 2, "suppliers": 1, "relations": 5, "partners": 1,
                                 "supplier_relations": 3}  # fmt: skip
    assert suppliers.weight == pytest.approx(10 * 0.9 / TOTAL) and suppliers.evidence == "relations"
    text = actions_context(results, words("en"), lambda v, d=0: f"{v:.{d}f}", found)["findings"][0]["see"]
    assert "1 of the 2 staff units in contact with the line works with it mainly as a supplier" in text
    assert "Unit S1 (90%)" in text and "Unit S2" not in text and "1 of the 5 relations" in text


def test_units_out_of_sight_are_those_under_a_third_within_one_hop() -> None:
    results = _results(distance=[*_months("S2", near=2, persons=10), *_months("L1", near=9, persons=10),
                                 *_months("S1", near=3, persons=10), *_months("S3", near=4, persons=10)])
    (away,) = actions_of(results).found
    assert away.code == "out_of_sight" and SIGHT_LOW == pytest.approx(1 / 3)
    assert [(u["unit"], u["value"]) for u in away.units] == [("S2", pytest.approx(0.2)), ("S1", pytest.approx(0.3))]
    assert away.figures["away"] == 3 * 8 + 3 * 7 and away.figures["person_months"] == 120
    assert away.weight == pytest.approx(45 / 120)


def test_nobody_meeting_a_customer_is_not_judged_as_everyone_out_of_sight() -> None:
    results = _results(distance=_months("S1", near=0, persons=10, d0=0) + _months("L1", near=0, persons=10, d0=0))
    found = actions_of(results)
    assert not found.found and set(found.untold) == {"suppliers", "out_of_sight", "roles", "internal_customer"}
    context = actions_context(results, words("en"), lambda v, d=0: str(v), found)
    assert context["findings"] == [] and any("no one in the data meets a customer" in u for u in context["untold"])


def test_flagged_roles_and_internal_customer_machinery_are_found() -> None:
    profiles = [{"period": ALL, "unit": u, "main_role": "supporting", "suppressed": False} for u in ("S1", "S2")]
    flags = [{"unit": "S2", "flag": "mismatch", "role": "supporting", "share": 0.9, "other": "advisory",
              "other_share": 0.1}]  # fmt: skip
    machinery = [{"period": ALL, "unit": "S1", "topic": "sla", "sent": 30, "received": 2, "suppressed": False},
                 {"period": "2025-01", "unit": "S1", "topic": "sla", "sent": 30, "received": 0, "suppressed": False},
                 {"period": ALL, "unit": "S3", "topic": "sla", "sent": 9, "received": 0, "suppressed": True}]
    language = [{"source": "document", "name": "sla.docx", "unit": None, "term": "sla", "hits": 4},
                {"source": "tickets", "name": "tickets", "unit": "S2", "term": "internal_customer", "hits": 2},
                {"source": "document", "name": "plan.txt", "unit": None, "term": None, "hits": 0}]
    found = actions_of(_results(flags=flags, profiles=profiles, machinery=machinery, language=language))
    by_code = {a.code: a for a in found.found}
    assert set(by_code) == {"roles", "internal_customer"} and found.untold == ["suppliers", "out_of_sight"]
    assert [u["unit"] for u in by_code["roles"].units] == ["S2"] and by_code["roles"].figures["staff_units"] == 2
    machine = by_code["internal_customer"]
    assert machine.figures["interactions"] == 32 and machine.figures["documents"] == 1  # whole period, shown rows
    assert (machine.figures["document_hits"], machine.figures["ticket_hits"]) == (4, 2)
    assert [u["unit"] for u in machine.units] == ["S1", "S2"] and machine.weight == pytest.approx(30 / TOTAL)


def test_data_errors_lead_warnings_close_and_no_more_than_the_maximum() -> None:
    error = Finding("error", "no-customer-contact", "no customer")
    warning = Finding("warning", "undated", "undated rows")
    relations = [_relation("L1", "S1", "supplier", 10)]
    first = actions_of(_results(relations=relations, health=Health([error, warning], [])))
    assert [a.code for a in first.found] == ["data", "suppliers"] and first.found[0].figures["errors"] == 1
    last = actions_of(_results(relations=relations, health=Health([warning], [])))
    assert [a.code for a in last.found] == ["suppliers", "data"]
    assert MAX_ACTIONS == 7 and isinstance(first.found[0], Action)


def test_the_findings_speak_dutch_in_the_dutch_report() -> None:
    results = _results(relations=[_relation("L1", "S1", "supplier", 60), _relation("L2", "S1", "mixed", 10)],
                       distance=_months("S2", near=1, persons=10) + _months("L1", near=9, persons=10))
    context = actions_context(results, words("nl"), lambda v, d=0: f"{v:.{d}f}")
    by_code = {f["code"]: f for f in context["findings"]}
    suppliers, away = by_code["suppliers"], by_code["out_of_sight"]
    assert suppliers["title"] == "Stafafdelingen werken als leverancier van een interne klant"
    assert "1 van de 1 stafafdelingen met contact met de lijn werkt voor de lijn vooral als leverancier" in \
        suppliers["see"] and "Unit S1 (86%)" in suppliers["see"]  # fmt: skip
    assert "ondersteunend" not in away["why"] and "ene echte klant" in away["why"]
    assert context["untold"] and all("staff" not in u for u in context["untold"])
