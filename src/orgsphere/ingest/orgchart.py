"""The org chart: units (a tree, line or staff) and the people in them, from CSV / XLSX and / or a YAML tree.

An org chart ingest replaces the org chart in the store as a whole (it is the chart of record); the files
given together form one chart: a YAML tree of units, a CSV or XLSX of people, or both. The summary says what
the files disagree on (a unit of the people file that the tree does not have: still created, but named, with
the tree's closest name) and what changed against the chart before (units and people added and removed,
units whose line / staff kind is no longer declared). A person's job title is stored only where the
setting ``keep_titles`` is on (a title can single a person out); nothing in the analyses needs it.
"""


from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from ..errors import InputError
from ..store import Store
from .chart import Chart, Member
from .columns import find_columns
from .limits import ReadLimits
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Progress, open_tabular

__all__ = ["ingest_orgchart", "DEFINITIONS", "DEFINITIONS_META"]

DEFINITIONS = "orgsphere_definitions"  # the column of an org chart derived by orgsphere organisations
DEFINITIONS_META = "organisations"  # where the store keeps its value

PEOPLE_FIELDS = {
    "person": ("person_id", "employee", "employee_id", "employee_number", "personnel_number", "medewerker"),
    "unit": ("unit_id", "department", "team", "org_unit", "afdeling", "dept"),
    "parent": ("parent_unit", "parent_id", "parent_department", "parent_unit_id"),
    "kind": ("unit_kind", "line_staff", "type", "soort"),
    "function": ("staff_function", "functie_afdeling"),
    "email": ("mail", "e_mail", "email_address", "address"),
    "valid_from": ("from", "start", "start_date", "begin"),
    "valid_to": ("to", "end", "end_date", "until"),
    "title": ("job_title", "functie", "position"),
    "fte": ("fte_share", "deeltijdfactor"),
    "intended_role": ("role", "staff_role"),
}



def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class _BadValue(ValueError):
    """A field of a person record that cannot be read: the reason names the field, ``value`` is what it held
    (only its kind is stored with the reject)."""

    def __init__(self, reason: str, value: object):
        super().__init__(reason)
        self.value = value


def _date(value: Any, field: str, month_first: bool = False) -> date | None:
    """A date of the org chart: ISO, or a spreadsheet's local date, day-first unless date_format says
    month-first (a membership date has too few values per file to decide it from them)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text is None:
        return None
    local = ("%m-%d-%Y", "%m/%d/%Y") if month_first else ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", *local, "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    order = (
        "month-first, as date_format says" if month_first else "day-first (date_format = month-first for 01/31/2025)"
    )
    raise _BadValue(f"{field} is not a date; expected YYYY-MM-DD or a local date, {order}", text)


def _fte(value: Any) -> float | None:
    text = _text(value)
    if text is None:
        return None
    try:
        fte = float(text.replace(",", "."))
    except ValueError:
        raise _BadValue("fte is not a number; expected e.g. 0.8", text) from None
    if not 0 < fte <= 1.5:
        raise _BadValue(f"fte {fte} is outside 0..1.5", text)
    return fte


def _member(chart: Chart, where: str, rec: dict[str, Any]) -> Member | None:
    """Validate one person record (from a table row or a YAML people entry) and add it to the chart; returns
    it, or None when it was rejected."""
    session = chart.session
    session.report.rows += 1
    person, unit = _text(rec.get("person")), _text(rec.get("unit"))
    if person is None:
        session.reject(where, "person is empty; every row needs the person's id or email")
        return None
    if unit is None:
        session.reject(where, "unit is empty; every person needs a unit")
        return None
    try:
        valid_from = _date(rec.get("valid_from"), "valid_from", chart.month_first)
        valid_to = _date(rec.get("valid_to"), "valid_to", chart.month_first)
        fte = _fte(rec.get("fte"))
    except _BadValue as exc:
        session.reject(where, str(exc), exc.value)
        return None
    if valid_from and valid_to and valid_to < valid_from:
        session.reject(where, f"valid_to {valid_to} is before valid_from {valid_from}")
        return None
    problem = chart.unit(where, unit, _text(rec.get("parent")), _text(rec.get("kind")),
                         _text(rec.get("function")), _text(rec.get("intended_role")))  # fmt: skip
    if problem:
        session.reject(where, problem, unit)
        return None
    member = Member(person, _text(rec.get("email")), unit, valid_from, valid_to, _text(rec.get("title")), fte, where)
    chart.members.append(member)
    return member


def _read_table(chart: Chart, path: Path, progress: Progress | None, mapping: Mapping[str, str] | None,
                definitions: set[str]) -> None:  # fmt: skip
    """The people of one file; the values of its ``orgsphere_definitions`` column (an org chart derived from a
    corpus of many organisations) go to ``definitions``."""
    table_file = open_tabular(path, "org chart", ReadLimits.of(chart.session.store.settings))
    cols = find_columns(path, table_file.columns, PEOPLE_FIELDS, required=("person", "unit"), mapping=mapping,
                        what="org chart")  # fmt: skip
    for chunk in table_file.chunks(progress):
        if DEFINITIONS in chunk.table.column_names:
            definitions.update(v for v in chunk.table.column(DEFINITIONS).cast(pa.string()).to_pylist() if v)
        for line, reason in chunk.invalid:
            chart.session.report.rows += 1
            chart.session.reject(f"{path.name} line {line}", reason)
        data = {field: chunk.table.column(col).to_pylist() for field, col in cols.items()}
        for i in range(chunk.table.num_rows):
            member = _member(chart, f"{path.name} {chunk.locator(i)}", {f: v[i] for f, v in data.items()})
            if member is not None:
                chart.table_people[(path.name, member.unit_id)] += 1


def _read_yaml(chart: Chart, path: Path) -> None:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid YAML ({exc}).") from None
    if doc is None:
        raise InputError(f"{path}: the file is empty; expected a tree of units (name, kind, units, people).")
    roots = doc.get("units", [doc]) if isinstance(doc, dict) and "name" not in doc else doc
    if isinstance(roots, dict):
        roots = [roots]
    if not isinstance(roots, list):
        raise InputError(f"{path}: expected a unit (a mapping with name) or a list of units at the top.")

    def walk(node: Any, parent: str | None, trail: str) -> None:
        if not isinstance(node, dict) or _text(node.get("name")) is None:
            raise InputError(f"{path}: {trail}: expected a unit with a name, found {str(node)[:60]!r}.")
        unknown = set(node) - {"name", "kind", "function", "intended_role", "units", "children", "people",
                               "addresses"}  # fmt: skip
        if unknown:
            raise InputError(
                f"{path}: {trail} ({node['name']}): unknown keys {', '.join(sorted(map(str, unknown)))}; "
                "a unit has name, kind, function, intended_role, addresses, units and people."
            )
        name = str(node["name"]).strip()
        where = f"{path.name} unit {name!r}"
        problem = chart.unit(where, name, parent, _text(node.get("kind")), _text(node.get("function")),
                             _text(node.get("intended_role")))  # fmt: skip
        if problem:
            raise InputError(f"{path}: {trail}: {problem}.")
        chart.tree_units.add(name)
        addresses = node.get("addresses") or []
        for address in [addresses] if isinstance(addresses, str) else addresses:
            problem = chart.address(where, name, address)
            if problem:
                raise InputError(f"{path}: {trail} ({name}): {problem}.")
        for j, person in enumerate(node.get("people") or []):
            rec = dict(person) if isinstance(person, dict) else {"person": person}
            rec["unit"] = name
            _member(chart, f"{where} person {j + 1}", rec)
        for i, child in enumerate(node.get("units") or node.get("children") or []):
            walk(child, name, f"{trail} > {i + 1}")

    chart.trees.append(path.name)
    for i, root in enumerate(roots):
        walk(root, None, f"unit {i + 1}")


def ingest_orgchart(store: Store, paths: list[Path], progress: Progress | None = None,
                    mapping: Mapping[str, str] | None = None) -> IngestReport:  # fmt: skip
    """Replace the org chart with the one in ``paths`` (YAML tree of units and/or CSV / XLSX of people);
    ``mapping`` names the people file's columns (person, unit, ...) where they have other names."""
    if not paths:
        raise InputError("no org chart file given; pass a CSV, XLSX or YAML file.")

    def read(session: IngestSession) -> None:
        chart = Chart(session, store.settings.date_format)
        definitions: set[str] = set()
        for path in paths:
            if path.suffix.lower() in {".yaml", ".yml"}:
                _read_yaml(chart, Path(path))
            else:
                _read_table(chart, Path(path), progress, mapping, definitions)
        if len(definitions) > 1:
            raise InputError(f"{paths[0]}: org charts derived with different definitions (orgsphere organisations "
                             "with other org_staff, org_self_copies or org_min_size); derive one from the whole "
                             "corpus.")  # fmt: skip
        # a new org chart replaces the definitions of the one before (none, for an org chart not derived)
        session.on_commit(lambda: store.set_meta(DEFINITIONS_META, next(iter(definitions), None)))
        if not chart.units:
            raise InputError(f"{paths[0]}: no units found; the org chart needs at least one unit.")
        chart.check()
        chart.off_tree()
        session.on_commit(lambda: chart.finish(store))

    return run_ingest(store, [Path(p) for p in paths], "orgchart", read)
