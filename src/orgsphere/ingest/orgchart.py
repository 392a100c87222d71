"""The org chart: units (a tree, line or staff) and the people in them, from CSV / XLSX and / or a YAML tree.

An org chart ingest replaces the org chart in the store as a whole (it is the chart of record); the files
given together form one chart: a YAML tree of units, a CSV or XLSX of people, or both. The summary says what
the files disagree on (a unit of the people file that the tree does not have: still created, but named, with
the tree's closest name) and what changed against the chart before (units and people added and removed,
units whose line / staff kind is no longer declared). A person's job title is stored only where the
setting ``keep_titles`` is on (a title can single a person out); nothing in the analyses needs it.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from ..errors import InputError
from ..schema import UNIT_KINDS
from ..store import Store
from .columns import find_columns
from .limits import ReadLimits
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Progress, open_tabular

__all__ = ["ingest_orgchart", "STAFF_FUNCTIONS", "STAFF_ROLES"]

STAFF_FUNCTIONS = (
    "hr", "ict", "finance", "risk", "compliance", "facilities", "procurement", "legal", "communication", "other",
)  # fmt: skip
STAFF_ROLES = ("supporting", "regulating", "executing", "advisory")
KIND_WORDS = {"line": "line", "lijn": "line", "staff": "staff", "staf": "staff"}
CLOSE_NAME = 0.8  # difflib ratio from which a unit name off the tree is taken for a misspelling of a tree's unit
MAX_NAMED = 10  # units named in one note

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


@dataclass
class _Unit:
    unit_id: str
    parent_id: str | None
    kind: str | None
    function: str | None
    intended_role: str | None
    where: str


@dataclass
class _Member:
    person: str
    email: str | None
    unit_id: str
    valid_from: date | None
    valid_to: date | None
    title: str | None
    fte: float | None
    where: str


class _Chart:
    def __init__(self, session: IngestSession, date_format: str = ""):
        self.session = session
        self.month_first = date_format == "month-first"  # valid_from / valid_to are read day-first otherwise
        self.units: dict[str, _Unit] = {}
        self.members: list[_Member] = []
        self.trees: list[str] = []  # the YAML files read
        self.made_parents: list[tuple[str, str]] = []  # parents named in a people file but described nowhere
        self.tree_units: set[str] = set()  # the units they name
        self.table_people: Counter[tuple[str, str]] = Counter()  # (people file, unit) -> people listed

    # -- units --------------------------------------------------------------------------------------------
    def unit(self, where: str, unit_id: str, parent: str | None, kind: str | None, function: str | None,
             role: str | None) -> str | None:  # fmt: skip
        """Add or confirm a unit; returns a reason when it contradicts an earlier definition."""
        if kind is not None:
            kind = KIND_WORDS.get(kind.strip().lower())
            if kind is None:
                return f"kind must be one of {', '.join(UNIT_KINDS)} (or lijn, staf)"
        if function is not None:
            function = function.strip().lower()
            if function not in STAFF_FUNCTIONS:
                return f"function {function!r} is not one of {', '.join(STAFF_FUNCTIONS)}"
        if role is not None:
            role = role.strip().lower()
            if role not in STAFF_ROLES:
                return f"intended_role {role!r} is not one of {', '.join(STAFF_ROLES)}"
        if parent == unit_id:
            return f"unit {unit_id!r} names itself as its parent"
        known = self.units.get(unit_id)
        if known is None:
            self.units[unit_id] = _Unit(unit_id, parent, kind, function, role, where)
            return None
        for name, new in (("parent", parent), ("kind", kind), ("function", function), ("intended_role", role)):
            old = getattr(known, name if name != "parent" else "parent_id")
            if new is not None and old is not None and new != old:
                return f"unit {unit_id!r} has {name} {old!r} at {known.where}, here {new!r}"
            if new is not None and old is None:
                setattr(known, name if name != "parent" else "parent_id", new)
        return None

    def check(self) -> None:
        """Complete and check the tree before anything is written."""
        # parents named but never described become units of their own
        for unit in list(self.units.values()):
            if unit.parent_id is not None and unit.parent_id not in self.units:
                self.units[unit.parent_id] = _Unit(unit.parent_id, None, None, None, None, unit.where)
                self.made_parents.append((unit.parent_id, unit.where))
        self._check_cycles()
        self._inherit_kinds()

    def finish(self, store: Store) -> None:
        """Replace the org chart in the store (inside the ingest's transaction)."""
        people_by_person: dict[str, list[_Member]] = {}
        for m in self.members:
            people_by_person.setdefault(m.person, []).append(m)
        pseudo = store.pseudonymiser()
        keep_titles = store.settings.keep_titles
        aliases: dict[str, str] = {}
        rows: dict[str, list[Any]] = {k: [] for k in ("person_id", "unit_id", "valid_from", "valid_to", "title", "fte")}
        for person, spells in people_by_person.items():
            pid = pseudo.one(person)
            spells.sort(key=lambda m: m.valid_from or date.min)
            previous: _Member | None = None
            for m in spells:
                if previous is not None and (previous.valid_to is None or m.valid_from is None
                                             or m.valid_from <= previous.valid_to):  # fmt: skip
                    self.session.reject(
                        m.where,
                        f"person is already in unit {previous.unit_id!r} for an overlapping period "
                        f"({previous.where}); give valid_from / valid_to so the periods do not overlap",
                    )
                    continue
                for ident in filter(None, (person, m.email)):
                    alias = pseudo.one(ident)
                    if aliases.setdefault(alias, pid) != pid:
                        self.session.reject(m.where, "email address belongs to another person of the org chart")
                        break
                else:
                    for key, value in (("person_id", pid), ("unit_id", m.unit_id), ("valid_from", m.valid_from),
                                       ("valid_to", m.valid_to), ("title", m.title if keep_titles else None), ("fte", m.fte)):  # fmt: skip
                        rows[key].append(value)
                    self.session.report.kept += 1
                    previous = m
        before = dict(store.raw.execute("SELECT unit_id, kind FROM units").fetchall())
        if before:  # a chart is replaced: say what changed
            people = {p for (p,) in store.raw.execute("SELECT DISTINCT person_id FROM people").fetchall()}
            after = {u.unit_id: u.kind for u in self.units.values()}
            self.session.report.notes.extend(_changes(before, people, after, set(rows["person_id"])))
        for table in ("units", "people", "aliases"):
            store.raw.execute(f"DELETE FROM {table}")
        units = list(self.units.values())
        store.append(
            "units",
            pa.table(
                {
                    "unit_id": [u.unit_id for u in units],
                    "name": [u.unit_id for u in units],
                    "parent_id": [u.parent_id for u in units],
                    "kind": [u.kind for u in units],
                    "function": [u.function for u in units],
                    "intended_role": [u.intended_role for u in units],
                },
                schema=pa.schema([(n, pa.string()) for n in
                                  ("unit_id", "name", "parent_id", "kind", "function", "intended_role")]),  # fmt: skip
            ),
        )
        store.append(
            "people",
            pa.table(rows, schema=pa.schema([("person_id", pa.string()), ("unit_id", pa.string()),
                                             ("valid_from", pa.date32()), ("valid_to", pa.date32()),
                                             ("title", pa.string()), ("fte", pa.float64())])),  # fmt: skip
        )
        store.append(
            "aliases",
            pa.table({"alias": list(aliases), "person_id": list(aliases.values())},
                     schema=pa.schema([("alias", pa.string()), ("person_id", pa.string())])),  # fmt: skip
        )
        if not self.members:
            self.session.report.notes.append("the org chart names no people; interactions cannot be matched yet")

    def off_tree(self) -> None:
        """Note each unit a people file names that the YAML tree does not have (after :meth:`check`, so where
        it ended up and its kind are known): a misspelt name would otherwise make a unit of its own unseen.
        Likely misspellings (close to a name of the tree) come first, then the units with the most people."""
        if not self.trees:
            return
        tree, by_lower = " and ".join(self.trees), {u.lower(): u for u in sorted(self.tree_units)}
        strays: list[tuple[str | None, int, str, str]] = []  # (closest name of the tree, people, file, unit)
        for (file, name), n in self.table_people.items():
            if name not in self.tree_units:
                close = difflib.get_close_matches(name.lower(), by_lower, n=1, cutoff=CLOSE_NAME)
                strays.append((by_lower[close[0]] if close else None, n, file, name))
        strays.sort(key=lambda stray: (stray[0] is None, -stray[1], stray[2], stray[3]))
        for close, n, file, name in strays[:MAX_NAMED]:
            unit = self.units[name]
            place = "at the top of the chart" if unit.parent_id is None else f"under {unit.parent_id!r}"
            kind = f"kind {unit.kind}" if unit.kind else "without kind (line or staff)"
            made = f"a unit of its own, {place}, {kind}"
            said = f"{file}: unit {name!r} ({n} {'person' if n == 1 else 'people'}) is not in the units tree of {tree}"
            if close is not None:
                said += (f"; did you mean {close!r}? It was created as {made}; correct the name in {file}, or add "
                         f"the unit to {tree}")
            else:
                said += f"; it was created as {made}; add it to {tree} if it belongs there"
            self.session.report.notes.append(said)
        for name, where in self.made_parents[:MAX_NAMED]:
            close = difflib.get_close_matches(name.lower(), by_lower, n=1, cutoff=CLOSE_NAME)
            guess = f"did you mean {by_lower[close[0]]!r}? " if close else ""
            self.session.report.notes.append(
                f"{where}: parent {name!r} is not in the units tree of {tree}; {guess}It was created as a unit of "
                "its own, at the top of the chart, without kind; correct the parent, or add the unit to the tree")
        if len(strays) > MAX_NAMED:
            rest = strays[MAX_NAMED:]
            self.session.report.notes.append(
                f"{len(rest)} more units of the people files are not in the units tree of {tree} "
                f"({sum(stray[1] for stray in rest):,} people); they were created as units of their own too"
            )

    def _check_cycles(self) -> None:
        for start in self.units.values():
            seen = [start.unit_id]
            parent = start.parent_id
            while parent is not None:
                if parent in seen:
                    loop = " -> ".join([*seen[seen.index(parent):], parent])
                    raise InputError(
                        f"{start.where}: the units form a loop ({loop}); a unit cannot be its own ancestor. "
                        "Fix the parent of one of them."
                    )
                seen.append(parent)
                parent = self.units[parent].parent_id

    def _inherit_kinds(self) -> None:
        """A unit without kind or function takes its parent's (an ICT team inside ICT is staff, function ict)."""
        def resolve(unit: _Unit) -> None:
            if unit.parent_id is None or (unit.kind is not None and unit.function is not None):
                return
            parent = self.units[unit.parent_id]
            resolve(parent)
            if unit.kind is None:
                unit.kind = parent.kind
            if unit.function is None and unit.kind == "staff" and parent.kind == "staff":
                unit.function = parent.function

        for unit in self.units.values():
            resolve(unit)


def _named(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMED])
    return shown + (f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else "")


def _changes(units_before: dict[str, str | None], people_before: set[str], units_after: dict[str, str | None],
             people_after: set[str]) -> list[str]:  # fmt: skip
    """What replacing the chart changes: units and people added and removed, and the units that keep their
    name but lose their kind (a people file ingested again without the units tree that declared it)."""
    added = sorted(set(units_after) - set(units_before))
    removed = sorted(set(units_before) - set(units_after))
    notes = [
        f"org chart replaced: {len(added)} units added{f' ({_named(added)})' if added else ''}, {len(removed)} "
        f"removed{f' ({_named(removed)})' if removed else ''}; {len(people_after - people_before):,} people added, "
        f"{len(people_before - people_after):,} removed"
    ]
    lost = sorted(u for u, kind in units_before.items() if kind is not None and u in units_after
                  and units_after[u] is None)  # fmt: skip
    if lost:
        notes.append(f"kind lost for {len(lost)} units (line/staff no longer declared): {_named(lost)}; ingest the "
                     "units YAML again with the people file (orgsphere ingest orgchart units.yaml people.csv), or "
                     "give the people file a kind column")
    return notes


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
    order = "month-first, as date_format says" if month_first else "day-first (date_format = month-first for 01/31/2025)"
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


def _member(chart: _Chart, where: str, rec: dict[str, Any]) -> _Member | None:
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
    member = _Member(person, _text(rec.get("email")), unit, valid_from, valid_to, _text(rec.get("title")), fte, where)
    chart.members.append(member)
    return member


def _read_table(chart: _Chart, path: Path, progress: Progress | None, mapping: Mapping[str, str] | None) -> None:
    table_file = open_tabular(path, "org chart", ReadLimits.of(chart.session.store.settings))
    cols = find_columns(path, table_file.columns, PEOPLE_FIELDS, required=("person", "unit"), mapping=mapping,
                        what="org chart")  # fmt: skip
    for chunk in table_file.chunks(progress):
        for line, reason in chunk.invalid:
            chart.session.report.rows += 1
            chart.session.reject(f"{path.name} line {line}", reason)
        data = {field: chunk.table.column(col).to_pylist() for field, col in cols.items()}
        for i in range(chunk.table.num_rows):
            member = _member(chart, f"{path.name} {chunk.locator(i)}", {f: v[i] for f, v in data.items()})
            if member is not None:
                chart.table_people[(path.name, member.unit_id)] += 1


def _read_yaml(chart: _Chart, path: Path) -> None:
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
        unknown = set(node) - {"name", "kind", "function", "intended_role", "units", "children", "people"}
        if unknown:
            raise InputError(
                f"{path}: {trail} ({node['name']}): unknown keys {', '.join(sorted(map(str, unknown)))}; "
                "a unit has name, kind, function, intended_role, units and people."
            )
        name = str(node["name"]).strip()
        where = f"{path.name} unit {name!r}"
        problem = chart.unit(where, name, parent, _text(node.get("kind")), _text(node.get("function")),
                             _text(node.get("intended_role")))  # fmt: skip
        if problem:
            raise InputError(f"{path}: {trail}: {problem}.")
        chart.tree_units.add(name)
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
        chart = _Chart(session, store.settings.date_format)
        for path in paths:
            if path.suffix.lower() in {".yaml", ".yml"}:
                _read_yaml(chart, Path(path))
            else:
                _read_table(chart, Path(path), progress, mapping)
        if not chart.units:
            raise InputError(f"{paths[0]}: no units found; the org chart needs at least one unit.")
        chart.check()
        chart.off_tree()
        session.on_commit(lambda: chart.finish(store))

    return run_ingest(store, [Path(p) for p in paths], "orgchart", read)
