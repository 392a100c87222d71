"""The org chart as it is read: its units (a tree, line or staff) and the memberships of its people, checked
as a whole and then written to the store in place of the chart before (see orgchart.py, which reads the files).
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from ..errors import InputError
from ..privacy import normalise_identity
from ..schema import UNIT_KINDS
from ..store import Store
from .session import IngestSession

__all__ = ["Chart", "Member", "Unit", "STAFF_FUNCTIONS", "STAFF_ROLES"]

STAFF_FUNCTIONS = (
    "hr", "ict", "finance", "risk", "compliance", "facilities", "procurement", "legal", "communication", "other",
)  # fmt: skip
STAFF_ROLES = ("supporting", "regulating", "executing", "advisory")
KIND_WORDS = {"line": "line", "lijn": "line", "staff": "staff", "staf": "staff"}
CLOSE_NAME = 0.8  # difflib ratio from which a unit name off the tree is taken for a misspelling of a tree's unit
MAX_NAMED = 10  # units named in one note

@dataclass
class Unit:
    unit_id: str
    parent_id: str | None
    kind: str | None
    function: str | None
    intended_role: str | None
    where: str


@dataclass
class Member:
    person: str
    email: str | None
    unit_id: str
    valid_from: date | None
    valid_to: date | None
    title: str | None
    fte: float | None
    where: str


class Chart:
    def __init__(self, session: IngestSession, date_format: str = ""):
        self.session = session
        self.month_first = date_format == "month-first"  # valid_from / valid_to are read day-first otherwise
        self.units: dict[str, Unit] = {}
        self.members: list[Member] = []
        self.trees: list[str] = []  # the YAML files read
        self.made_parents: list[tuple[str, str]] = []  # parents named in a people file but described nowhere
        self.tree_units: set[str] = set()  # the units they name
        self.table_people: Counter[tuple[str, str]] = Counter()  # (people file, unit) -> people listed
        self.addresses: dict[str, tuple[str, str]] = {}  # a unit's address (normalised) -> (unit, where)

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
            self.units[unit_id] = Unit(unit_id, parent, kind, function, role, where)
            return None
        for name, new in (("parent", parent), ("kind", kind), ("function", function), ("intended_role", role)):
            old = getattr(known, name if name != "parent" else "parent_id")
            if new is not None and old is not None and new != old:
                return f"unit {unit_id!r} has {name} {old!r} at {known.where}, here {new!r}"
            if new is not None and old is None:
                setattr(known, name if name != "parent" else "parent_id", new)
        return None

    def address(self, where: str, unit_id: str, address: object) -> str | None:
        """Give ``unit_id`` an address that stands for the unit (a shared mailbox, a team or list address);
        returns a reason when it is not one address or belongs to another unit."""
        text = normalise_identity(address) if isinstance(address, str) else ""
        if "@" not in text or text.count("@") > 1 or any(c in text for c in " ;,<>\t"):
            return (f"addresses holds {str(address)[:60]!r}, not one email address; give a list of addresses, "
                    "e.g. addresses: [servicedesk@example.nl, ict-team@lists.example.nl]")  # fmt: skip
        known = self.addresses.setdefault(text, (unit_id, where))
        if known[0] != unit_id:
            return f"address {text} is already the address of unit {known[0]!r} ({known[1]}); give it to one unit"
        return None

    def check(self) -> None:
        """Complete and check the tree before anything is written."""
        # parents named but never described become units of their own
        for unit in list(self.units.values()):
            if unit.parent_id is not None and unit.parent_id not in self.units:
                self.units[unit.parent_id] = Unit(unit.parent_id, None, None, None, None, unit.where)
                self.made_parents.append((unit.parent_id, unit.where))
        self._check_cycles()
        self._inherit_kinds()

    def finish(self, store: Store) -> None:
        """Replace the org chart in the store (inside the ingest's transaction)."""
        people_by_person: dict[str, list[Member]] = {}
        for m in self.members:
            people_by_person.setdefault(m.person, []).append(m)
        pseudo = store.pseudonymiser()
        keep_titles = store.settings.keep_titles
        aliases: dict[str, str] = {}
        rows: dict[str, list[Any]] = {k: [] for k in ("person_id", "unit_id", "valid_from", "valid_to", "title", "fte")}
        for person, spells in people_by_person.items():
            pid = pseudo.one(person)
            spells.sort(key=lambda m: m.valid_from or date.min)
            previous: Member | None = None
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
                                       ("valid_to", m.valid_to), ("title", m.title if keep_titles else None),
                                       ("fte", m.fte)):  # fmt: skip
                        rows[key].append(value)
                    self.session.report.kept += 1
                    previous = m
        unit_addresses: dict[str, str] = {}
        for address, (unit_id, where) in self.addresses.items():
            hashed = pseudo.one(address)
            if hashed in aliases:  # (a person's own address cannot also stand for a unit)
                self.session.report.notes.append(
                    f"{where}: address {address} is also the email address of a person of the org chart; it "
                    f"stands for that person, not for unit {unit_id!r}; remove it from one of them")  # fmt: skip
                continue
            unit_addresses[hashed] = unit_id
        before = dict(store.raw.execute("SELECT unit_id, kind FROM units").fetchall())
        if before:  # a chart is replaced: say what changed
            people = {p for (p,) in store.raw.execute("SELECT DISTINCT person_id FROM people").fetchall()}
            after = {u.unit_id: u.kind for u in self.units.values()}
            self.session.report.notes.extend(_changes(before, people, after, set(rows["person_id"])))
        for table in ("units", "people", "aliases", "unit_addresses"):
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
        store.append(
            "unit_addresses",
            pa.table({"address": list(unit_addresses), "unit_id": list(unit_addresses.values())},
                     schema=pa.schema([("address", pa.string()), ("unit_id", pa.string())])),  # fmt: skip
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
        for closest, n, file, name in strays[:MAX_NAMED]:
            unit = self.units[name]
            place = "at the top of the chart" if unit.parent_id is None else f"under {unit.parent_id!r}"
            kind = f"kind {unit.kind}" if unit.kind else "without kind (line or staff)"
            made = f"a unit of its own, {place}, {kind}"
            said = f"{file}: unit {name!r} ({n} {'person' if n == 1 else 'people'}) is not in the units tree of {tree}"
            if closest is not None:
                said += (f"; did you mean {closest!r}? It was created as {made}; correct the name in {file}, or add "
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
        def resolve(unit: Unit) -> None:
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
