"""How the demo's people work together beyond single messages: conversations (a message answering the last one
of the same two people within a week continues its thread), tickets from the line to the service desks, and
meetings with business customers that Corporate Clients and Compliance Advisory hold together.

These give the demo one relation of each kind the report looks for: the line and the ICT Service Desk as
internal customer and supplier (tickets one way), and Corporate Clients with Compliance Advisory as partners
(both start, both in front of the same customers).

On 1 July (:data:`CHANGE`) HR changes as the essays ask: HR Shared Services drops its SLA reports, its
satisfaction surveys and its ticket desk for the line, and HR Business Partners join the line's meetings with
customers. Strategic Procurement stays as it was: the comparison. ``data/events.csv`` says so.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .demo_units import DemoUnit

__all__ = ["conversation_ids", "joint_meetings", "broadcasts", "write_tickets", "subjects", "write_events", "PARTNERS",
           "DESKS", "CHANGE", "CHANGED", "COMPARISON"]

REPLY_WINDOW = np.timedelta64(7, "D")
CHANGE = np.datetime64("2025-07-01")  # HR becomes a partner of the line (the demo year is 2025)
CHANGED = ("HR Shared Services", "HR Business Partners")
COMPARISON = "Strategic Procurement"  # unchanged: the comparison group
HR_DESK = "HR Shared Services"
PARTNERS = ("Corporate Clients", "Compliance Advisory")
# service desks and how many tickets a line person files with each per month (staff a quarter of that)
DESKS = {"ICT Service Desk": 1.2, "HR Shared Services": 0.35, "Facility Services": 0.3}
CATEGORIES = {"ICT Service Desk": ("Incident", "Service request", "Access request"),
              "HR Shared Services": ("Payroll", "Leave", "Contract change"),
              "Facility Services": ("Workplace", "Building", "Catering")}  # fmt: skip


def conversation_ids(ts: np.ndarray, sender: np.ndarray, recipient: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """A thread id per message: a message to someone whose last message to the sender (in the same pair's
    history, within a week) it follows continues that thread; every other message, and every meeting, starts
    one."""
    # the addresses as integer codes in the order of the addresses (sorting numbers, not strings)
    codes, _ = pd.factorize(np.concatenate([sender, recipient]), sort=True)
    s, r = codes[: len(sender)], codes[len(sender):]
    a, b = np.minimum(s, r), np.maximum(s, r)
    order = np.lexsort((ts, b, a))
    sa, sb, st, ss, sc = a[order], b[order], ts[order], s[order], channel[order]
    same_pair = np.r_[False, (sa[1:] == sa[:-1]) & (sb[1:] == sb[:-1])]
    answers = np.r_[False, ss[1:] != ss[:-1]]
    recent = np.r_[False, (st[1:] - st[:-1]) <= REPLY_WINDOW]
    meeting = sc == "meeting"
    prev_meeting = np.r_[True, meeting[:-1]]
    reply = same_pair & answers & recent & ~meeting & ~prev_meeting
    number = np.cumsum(~reply)
    out = np.empty(len(ts), dtype=object)
    out[order] = [f"conv-{k}" for k in number.tolist()]
    return out


def joint_meetings(rng: np.random.Generator, first: np.ndarray, second: np.ndarray, emails: np.ndarray,
                   customers: np.ndarray, times: np.ndarray, tag: str) -> dict[str, np.ndarray]:  # fmt: skip
    """Meetings with a business customer organised in turn by someone of ``first`` and of ``second`` (person
    indices), each with a colleague of the other; one row organiser -> colleague and one organiser -> customer
    per meeting."""
    n = len(times)
    if n == 0 or not first.size or not second.size:
        return {}
    turn = np.arange(n) % 2 == 0
    organiser = np.where(turn, first[rng.integers(0, first.size, n)], second[rng.integers(0, second.size, n)])
    colleague = np.where(turn, second[rng.integers(0, second.size, n)], first[rng.integers(0, first.size, n)])
    customer = np.array([f"contact@{d}" for d in customers[rng.integers(0, customers.size, n)]], dtype=object)
    thread = np.array([f"joint-{tag}-{k}" for k in range(n)], dtype=object)
    return {
        "ts": np.r_[times, times], "sender": np.r_[emails[organiser], emails[organiser]],
        "recipient": np.r_[emails[colleague], customer], "channel": np.array(["meeting"] * (2 * n)),
        "minutes": np.full(2 * n, 60), "thread": np.r_[thread, thread],
    }  # fmt: skip


def write_tickets(path: Path, rng: np.random.Generator, units: tuple[DemoUnit, ...], unit_of: np.ndarray,
                  emails: np.ndarray, year: int) -> Path:  # fmt: skip
    """A ServiceNow-like incident export: the line asks, the desks deliver."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["number", "caller_id", "assignment_group", "opened_at", "closed_at", "category", "priority"])
        number = 10000
        for person, unit in enumerate(unit_of):
            kind = units[unit].kind
            for desk, rate in DESKS.items():
                if units[unit].name == desk:
                    continue
                for month in range(1, 13):
                    for _ in range(rng.poisson(rate if kind == "line" else rate / 4)):
                        number += 1
                        opened = np.datetime64(f"{year}-{month:02d}-01T08:00") + np.timedelta64(
                            int(rng.integers(0, 27 * 24 * 60)), "m")  # fmt: skip
                        closed = opened + np.timedelta64(int(rng.integers(30, 5 * 24 * 60)), "m")
                        row = [f"INC{number:07d}", emails[person], desk, str(opened), str(closed),
                               rng.choice(CATEGORIES[desk]), rng.choice(["3 - Moderate", "4 - Low", "2 - High"])]
                        if desk == HR_DESK and kind == "line" and opened >= CHANGE:
                            continue  # from July the line no longer files tickets with HR (drawn all the same)
                        w.writerow(row)
    return path


SUBJECTS = ("Overleg", "Vraag", "Afstemming", "Planning", "Update", "Voorstel", "Agenda", "Notulen")
MACHINERY = {  # (from desk to the line, share of its messages): the machinery of the internal customer
    "ICT Service Desk": ("Klanttevredenheidsonderzoek ICT Service Desk - uw mening telt", "SLA-rapportage ICT"),
    "HR Shared Services": ("KTO HR Shared Services", "DVO-rapportage HR"),
    "Facility Services": ("Klanttevredenheid Facilitair: uw mening", "SLA Facilitair: maandrapport"),
}


def subjects(rng: np.random.Generator, sender: np.ndarray, recipient: np.ndarray, units: tuple[DemoUnit, ...],
             unit_of_email: dict[str, int], ts: np.ndarray) -> np.ndarray:  # fmt: skip
    """A subject per message: everyday words, and from the service desks to the line now and then a
    satisfaction survey or an SLA report; from the line to HR and Facilities now and then a requirements
    package. From :data:`CHANGE` on, HR sends no survey or SLA report and gets no requirements package."""
    out = np.array(SUBJECTS, dtype=object)[rng.integers(0, len(SUBJECTS), len(sender))]
    out = np.char.add(out.astype(str), np.char.add(" ", rng.integers(1, 99, len(sender)).astype(str))).astype(object)
    everyday = out.copy()
    # each distinct address looked up once (factorised by hashing: sorting a million strings takes a second)
    inverse, names = pd.factorize(sender)
    from_unit = np.array([unit_of_email.get(e, -1) for e in names])[inverse]
    inverse, names = pd.factorize(recipient)
    to_unit = np.array([unit_of_email.get(e, -1) for e in names])[inverse]
    is_line = np.array([u.kind == "line" for u in units] + [False])
    index = {u.name: i for i, u in enumerate(units)}
    for desk, texts in MACHINERY.items():
        pick = (from_unit == index[desk]) & is_line[to_unit] & (rng.random(len(sender)) < 0.12)
        out[pick] = np.array(texts, dtype=object)[rng.integers(0, len(texts), int(pick.sum()))]
    for desk in ("HR Shared Services", "Facility Services"):
        pick = is_line[from_unit] & (to_unit == index[desk]) & (rng.random(len(sender)) < 0.04)
        out[pick] = "Pakket van eisen " + desk
    hr = ((from_unit == index[HR_DESK]) | (to_unit == index[HR_DESK])) & (ts >= CHANGE)
    out[hr] = everyday[hr]  # HR's machinery stops on 1 July
    return out


def write_events(path: Path) -> Path:
    """The demo's events file: HR's change on 1 July, for the units it changed."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "label", "units"])
        w.writerow([str(CHANGE), "HR as partner of the line: no SLA or ticket desk for line managers; business "
                    "partners join the line's customer meetings", ";".join(CHANGED)])  # fmt: skip
    return path


def broadcasts(rng: np.random.Generator, units: tuple[DemoUnit, ...], members: list[np.ndarray], emails: np.ndarray,
               month: int, month_times: Callable[[np.random.Generator, int, int], np.ndarray],
               ) -> dict[str, np.ndarray]:  # fmt: skip
    """Each regulating staff unit sends its rules to the line: twice a month one of its people writes to forty
    people of line units at once."""
    line = np.concatenate([m for u, m in zip(units, members, strict=True) if u.kind == "line"])
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("ts", "sender", "recipient", "channel", "minutes", "thread")}
    for i, u in enumerate(units):
        if u.kind != "staff" or u.intended_role != "regulating" or not members[i].size:
            continue
        for k, when in enumerate(month_times(rng, month, 2)):
            to = rng.choice(line, size=min(40, line.size), replace=False)
            parts["ts"].append(np.full(to.size, when))
            parts["sender"].append(np.full(to.size, emails[members[i][rng.integers(0, members[i].size)]], dtype=object))
            parts["recipient"].append(emails[to])
            parts["channel"].append(np.full(to.size, "email"))
            parts["minutes"].append(np.ones(to.size, dtype=np.int64))
            parts["thread"].append(np.full(to.size, f"rules-{i}-{month}-{k}", dtype=object))
    return {k: np.concatenate(v) for k, v in parts.items()} if parts["ts"] else {}
