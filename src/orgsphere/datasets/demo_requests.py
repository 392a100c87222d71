"""The demo's work requests to staff units beyond the service desks: what the line asks of HR Business
Partners, Compliance, Risk, ICT Application Development, Recruitment, Management Reporting, Treasury and Legal,
written so that each staff role shows, and some positions are not what the org chart intends (HR Business
Partners mean to advise but mostly answer standard questions; Credit Risk only checks; Treasury works for one
line unit)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .demo_units import DemoUnit

__all__ = ["write_requests"]

TITLES = {
    "supporting": ("Vraag over de verlofregeling", "Werkgeversverklaring nodig", "Maandrapportage kosten per team",
                   "Overzicht openstaande posten", "Wijziging contracturen verwerken", "Standaardrapport productie",
                   "Vraag over reiskostenvergoeding", "Kopie arbeidscontract gevraagd"),
    "regulating": ("Beoordeling kredietaanvraag zakelijke klant", "Controle op naleving van het kredietbeleid",
                   "Goedkeuring uitzondering op limiet", "Toetsing nieuw product aan regelgeving",
                   "Controle klantdossier op volledigheid", "Akkoord op afwijking van het beleid"),
    "executing": ("Project: implementatie nieuwe beoordelingssystematiek", "Uitrol nieuwe functionaliteit in de app",
                  "Werving van drie nieuwe adviseurs", "Bouwen van koppeling met het CRM",
                  "Uitvoeren van de liquiditeitsplanning", "Migratie van het rapportageplatform"),
    "advisory": ("Advies over de inrichting van het nieuwe team", "Meedenken over de strategie voor zakelijke klanten",
                 "Second opinion op de businesscase", "Advies over de juridische risico's van het nieuwe product",
                 "Sparren over de aanpak van het verloop"),
}
# unit -> (items per year, share per role, the line unit asking most and its share, or None)
REQUESTS: dict[str, tuple[int, dict[str, float], tuple[str, float] | None]] = {
    "HR Business Partners": (90, {"supporting": 0.88, "advisory": 0.12}, None),
    "Compliance Advisory": (60, {"advisory": 0.7, "regulating": 0.2, "supporting": 0.1}, None),
    "Compliance Monitoring": (80, {"regulating": 0.7, "advisory": 0.2, "supporting": 0.1}, None),
    "Credit Risk": (110, {"regulating": 0.96, "supporting": 0.04}, None),
    "ICT Application Development": (120, {"executing": 0.75, "advisory": 0.15, "supporting": 0.1}, None),
    "Recruitment": (70, {"executing": 0.8, "supporting": 0.2}, None),
    "Management Reporting": (100, {"supporting": 0.9, "advisory": 0.1}, None),
    "Treasury": (50, {"executing": 0.7, "advisory": 0.3}, ("Payments Operations", 0.8)),
    "Legal Affairs": (60, {"advisory": 0.6, "regulating": 0.3, "supporting": 0.1}, None),
}


def write_requests(path: Path, rng: np.random.Generator, units: tuple[DemoUnit, ...], unit_of: np.ndarray,
                   emails: np.ndarray, year: int) -> Path:  # fmt: skip
    """A work-request export (the ticket format, with short descriptions) to the staff units above."""
    index = {u.name: i for i, u in enumerate(units)}
    line_people = np.flatnonzero(np.array([units[u].kind == "line" for u in unit_of]))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["number", "requested_by", "assignment_group", "opened_at", "category", "short_description"])
        number = 50000
        for unit, (n, mix, favourite) in REQUESTS.items():
            if unit not in index:
                continue
            roles = list(mix)
            for role in rng.choice(roles, size=n, p=[mix[r] for r in roles]):
                number += 1
                if favourite and rng.random() < favourite[1]:
                    pool = np.flatnonzero(unit_of == index[favourite[0]])
                else:
                    pool = line_people
                requester = emails[pool[rng.integers(0, pool.size)]]
                opened = np.datetime64(f"{year}-01-01T08:00") + np.timedelta64(int(rng.integers(0, 360 * 24 * 60)), "m")
                w.writerow([f"REQ{number:07d}", requester, unit, str(opened), "Verzoek",
                            TITLES[role][int(rng.integers(0, len(TITLES[role])))]])  # fmt: skip
    return path
