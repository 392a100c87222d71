"""Generate the demo organisation: org chart, parties and twelve months of email, meeting and chat metadata.

The generator follows Iske's sphere picture on purpose, so that a first-time user sees a finding: each
unit's people sit in a ball, and only those within a thin shell at its surface meet customers; larger units
therefore turn inward. Staff units meet suppliers and regulators but hardly any customer. The files look
like real exports (a YAML tree of units, an HR list of people, a CRM list of customers, a message log with
a few broken rows), and the demo reads them through the same ingest as any user's data.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from .demo_documents import write_documents
from .demo_requests import write_requests
from .demo_units import DEMO_UNITS, DOMAIN, ORG_NAME, DemoUnit
from .demo_work import (
    CHANGE,
    PARTNERS,
    broadcasts,
    conversation_ids,
    joint_meetings,
    subjects,
    write_events,
    write_tickets,
)

__all__ = ["DemoFiles", "make_demo", "DEMO_YEAR"]

DEMO_YEAR = 2025
FIRST = ("Anna", "Bram", "Chantal", "Daan", "Eva", "Floor", "Gijs", "Hanna", "Ilse", "Jan", "Kees", "Lotte", "Mark",
         "Noor", "Omar", "Pieter", "Roos", "Sanne", "Thijs", "Umut", "Vera", "Wouter", "Yara", "Zeynep", "Lucas",
         "Sophie", "Milan", "Fatima", "Ruben", "Esther")  # fmt: skip
LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
        "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf",
        "van der Meer", "Kok", "Jacobs", "Yilmaz", "El Amrani", "Haddou", "Kaya", "Verhoeven", "Willems",
        "Maas")  # fmt: skip
RETAIL_MAIL = ("mailbox.example", "post.example", "webmail.example")
SUPPLIER_DOMAINS = ("cloudvendor.example", "officesupply.example", "recruitfirm.example", "lawfirm.example",
                    "catering.example", "softwarehouse.example", "datacentre.example")  # fmt: skip
REGULATOR_DOMAINS = ("toezicht.example", "markets-authority.example")
OTHER_DOMAINS = ("newsletter.example", "conference.example", "press.example", "university.example")
CHANNELS = np.array(["email", "meeting", "chat"])
RETAIL_CUSTOMERS, BUSINESS_CUSTOMERS = 6000, 240


@dataclass(frozen=True)
class DemoFiles:
    folder: Path
    units: Path
    people: Path
    parties: Path
    interactions: Path
    tickets: Path
    requests: Path
    documents: Path
    config: Path
    events: Path


def _emails(rng: np.random.Generator, n: int) -> list[str]:
    seen: set[str] = set()
    out = []
    for _ in range(n):
        first, last = FIRST[rng.integers(len(FIRST))], LAST[rng.integers(len(LAST))]
        base = f"{first}.{last}".lower().replace(" ", "")
        address, k = f"{base}@{DOMAIN}", 2
        while address in seen:
            address, k = f"{base}{k}@{DOMAIN}", k + 1
        seen.add(address)
        out.append(address)
    return out


def _front_line(rng: np.random.Generator, unit: DemoUnit) -> np.ndarray:
    """Who of the unit sits within ``shell`` of the surface of a ball holding its members (one per unit cube)."""
    radius = unit.size ** (1 / 3)
    r = radius * rng.random(unit.size) ** (1 / 3)
    return r >= radius - unit.shell


def close_to(staff: DemoUnit, units: tuple[DemoUnit, ...]) -> set[str]:
    """The three line units an advisory or executing staff unit works with most (fixed by its name)."""
    line = [u.name for u in units if u.kind == "line"]
    start = sum(map(ord, staff.name)) % len(line)
    return {line[(start + k) % len(line)] for k in range(3)}


def _affinity(units: tuple[DemoUnit, ...]) -> np.ndarray:
    """How likely a cross-unit contact from unit i goes to unit j (rows sum to 1)."""
    n = len(units)
    w = np.ones((n, n))
    for i, a in enumerate(units):
        for j, b in enumerate(units):
            if a.division == b.division:
                w[i, j] *= 6
            if a.kind != b.kind:
                if b.name in ("ICT Service Desk", "HR Shared Services", "Management Reporting"):
                    w[i, j] *= 3  # the line sends its requests here
                if a.name in ("ICT Service Desk", "HR Shared Services"):
                    w[i, j] *= 0.5  # and these answer, seldom start
            w[i, j] *= b.size  # every person equally likely to be contacted
            # advisers and project teams work with a few line units, not with all of them
            for staff, line in ((a, b), (b, a)):
                if staff.kind == "staff" and line.kind == "line" and staff.intended_role in ("advisory", "executing"):
                    w[i, j] *= 6.0 if line.name in close_to(staff, units) else 0.15
        w[i, i] = 0
    return w / w.sum(axis=1, keepdims=True)


def _month_times(rng: np.random.Generator, month: int, n: int) -> np.ndarray:
    start = np.datetime64(f"{DEMO_YEAR}-{month:02d}-01T00:00:00")
    end = np.datetime64(f"{DEMO_YEAR + (month == 12)}-{month % 12 + 1:02d}-01T00:00:00")
    days = int((end - start) / np.timedelta64(1, "D"))
    day = rng.integers(0, days, n)
    minute = rng.integers(8 * 60, 18 * 60, n)
    return start + day.astype("timedelta64[D]") + minute.astype("timedelta64[m]")


def make_demo(folder: str | Path, seed: int = 7, scale: float = 1.0) -> DemoFiles:
    """Write the demo organisation's source files to ``folder`` and return their paths.

    ``scale`` multiplies every unit's size (1.0 gives about 1,000 persons).
    """
    rng = np.random.default_rng(seed)
    change = np.random.default_rng(seed + 1)  # HR's change draws apart, so the rest of the demo stays as it was
    out = Path(folder)
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    units = tuple(
        DemoUnit(**{**u.__dict__, "size": max(2, round(u.size * scale)) if u.size >= 5 else u.size})
        for u in DEMO_UNITS
    )
    sizes = np.array([u.size for u in units])
    n_people = int(sizes.sum())
    unit_of = np.repeat(np.arange(len(units)), sizes)
    members = [np.flatnonzero(unit_of == i) for i in range(len(units))]
    emails = np.array(_emails(rng, n_people), dtype=object)
    front = np.concatenate([_front_line(rng, u) for u in units])
    activity = rng.lognormal(0.0, 0.25, n_people)

    # people.csv, with some moves inside a division during the year
    movers = rng.choice(n_people, size=max(4, n_people // 40), replace=False)
    move_month = {int(p): int(rng.integers(3, 11)) for p in movers}
    move_to: dict[int, int] = {}
    for p in movers:
        peers = [j for j, u in enumerate(units) if u.division == units[unit_of[p]].division and j != unit_of[p]]
        if peers:
            move_to[int(p)] = int(rng.choice(peers))
    people_path = data / "people.csv"
    with people_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["employee_id", "email", "unit", "title", "fte", "valid_from", "valid_to"])
        for p in range(n_people):
            unit = units[unit_of[p]]
            title = ("Adviseur" if unit.kind == "line" else "Specialist") if rng.random() < 0.8 else "Teamleider"
            fte = rng.choice(["1.0", "0.9", "0.8", "0.6"], p=[0.6, 0.2, 0.15, 0.05])
            if p in move_to:
                moved = date(DEMO_YEAR, move_month[p], 1)
                w.writerow([f"M{p + 1:05d}", emails[p], unit.name, title, fte, "2020-01-01",
                            (moved - timedelta(days=1)).isoformat()])  # fmt: skip
                w.writerow([f"M{p + 1:05d}", emails[p], units[move_to[p]].name, title, fte, moved.isoformat(), ""])
            else:
                w.writerow([f"M{p + 1:05d}", emails[p], unit.name, title, fte, "2020-01-01", ""])

    # units.yaml: the tree
    divisions: dict[str, list[DemoUnit]] = {}
    for u in units:
        divisions.setdefault(u.division, []).append(u)
    tops: list[dict[str, object]] = []
    tree = {"name": ORG_NAME, "units": tops}
    for division, its in divisions.items():
        kind = its[0].kind
        node: dict[str, object] = {"name": division, "kind": kind}
        if kind == "staff":
            node["function"] = its[0].function
        node["units"] = [
            {k: v for k, v in (("name", u.name), ("intended_role", u.intended_role)) if v} for u in its
        ]
        tops.append(node)
    units_path = data / "units.yaml"
    units_path.write_text(
        f"# Org chart of {ORG_NAME} (fictional), as a tree of units.\n" + yaml.safe_dump(tree, sort_keys=False),
        encoding="utf-8",
    )

    # parties.csv: the CRM's customers (addresses and company domains) and the regulators
    retail = np.array([f"klant{k:05d}@{RETAIL_MAIL[k % 3]}" for k in range(RETAIL_CUSTOMERS)], dtype=object)
    business = np.array([f"bedrijf{k:03d}.example" for k in range(BUSINESS_CUSTOMERS)], dtype=object)
    parties_path = data / "parties.csv"
    with parties_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["address", "domain", "kind", "name"])
        for k, address in enumerate(retail):
            if k % 10:  # one in ten retail customers is not (yet) in the CRM: they count as 'other'
                w.writerow([address, "", "customer", ""])
        for k, dom in enumerate(business):
            w.writerow(["", dom, "customer", f"Bedrijf {k:03d} BV"])
        for dom in REGULATOR_DOMAINS:
            w.writerow(["", dom, "regulator", dom.split(".")[0].title()])

    # interactions, month by month
    affinity = _affinity(units)
    advisory = [i for i, u in enumerate(units) if u.kind == "staff" and u.intended_role == "advisory"]
    # project work comes in bursts: executing staff units have busy and quiet months
    burst = np.ones((len(units), 12))
    for i, u in enumerate(units):
        if u.kind == "staff" and u.intended_role == "executing":
            burst[i] = rng.choice([0.3, 0.6, 1.6, 2.4], size=12)
    season = {7: 0.7, 8: 0.65, 12: 0.85}
    frames: list[dict[str, np.ndarray]] = []
    business_units = {i for i, u in enumerate(units) if u.division == "Business Banking"}
    for month in range(1, 13):
        s = season.get(month, 1.0)
        here = unit_of.copy()
        for p, to in move_to.items():
            if month >= move_month[p]:
                here[p] = to
        members = [np.flatnonzero(here == i) for i in range(len(units))]
        # internal
        # more colleagues, more to talk about: the internal rate grows slowly with the unit (the sphere's volume)
        n_int = rng.poisson(activity * 55 * s * (sizes[here] / 20.0) ** 0.12 * burst[here, month - 1])
        src = np.repeat(np.arange(n_people), n_int)
        intra = rng.random(src.size) < np.where(np.array([units[u].kind for u in here[src]]) == "line", 0.64, 0.55)
        dst = np.empty(src.size, dtype=np.int64)
        for i in range(len(units)):
            mine = here[src] == i
            pool = members[i]
            k_intra = np.flatnonzero(mine & intra)
            if len(pool) > 1 and k_intra.size:
                pick = pool[rng.integers(0, len(pool), k_intra.size)]
                clash = pick == src[k_intra]
                pick[clash] = pool[(np.searchsorted(pool, pick[clash]) + 1) % len(pool)]
                dst[k_intra] = pick
            else:
                intra[k_intra] = False
            k_inter = np.flatnonzero(mine & ~intra)
            if k_inter.size:
                targets = rng.choice(len(units), size=k_inter.size, p=affinity[i])
                for t in np.unique(targets):
                    sel = k_inter[targets == t]
                    pool_t = members[t] if members[t].size else members[i]
                    dst[sel] = pool_t[rng.integers(0, len(pool_t), sel.size)]
        channel = rng.choice(CHANNELS, size=src.size, p=[0.55, 0.25, 0.20])
        # advice is given in meetings: more of the cross-unit contact of advisory units is a meeting
        advisers = np.isin(here[src], advisory) | np.isin(here[dst], advisory)
        talk = ~intra & advisers & (rng.random(src.size) < 0.45)
        channel[talk] = "meeting"
        minutes = np.where(channel == "meeting", rng.choice([30, 45, 60, 90], size=src.size), 1)
        frames.append({"ts": _month_times(rng, month, src.size), "sender": emails[src], "recipient": emails[dst],
                       "channel": channel, "minutes": minutes})  # fmt: skip
        # external
        for kind, rate_of, domains in (
            ("customer", lambda u, p: u.customer_rate * (1.0 if front[p] else 0.04), None),
            ("supplier", lambda u, p: u.supplier_rate, SUPPLIER_DOMAINS),
            ("regulator", lambda u, p: u.regulator_rate, REGULATOR_DOMAINS),
            ("other", lambda u, p: u.other_rate, OTHER_DOMAINS),
        ):
            rates = np.array([rate_of(units[here[p]], p) for p in range(n_people)]) * activity * s
            n_ext = rng.poisson(rates)
            who = np.repeat(np.arange(n_people), n_ext)
            if who.size == 0:
                continue
            if kind == "customer":
                is_business = np.isin(here[who], list(business_units))
                outside = np.where(
                    is_business,
                    np.array([f"contact@{d}" for d in business[rng.integers(0, BUSINESS_CUSTOMERS, who.size)]],
                             dtype=object),
                    retail[(who * 37 + rng.integers(0, 60, who.size)) % RETAIL_CUSTOMERS],
                )  # fmt: skip
            else:
                assert domains is not None  # every kind but customer has its domains
                doms = np.array(domains, dtype=object)[rng.integers(0, len(domains), who.size)]
                outside = np.array([f"info@{d}" for d in doms], dtype=object)
            inbound = rng.random(who.size) < 0.45
            ch = rng.choice(np.array(["email", "meeting"]), size=who.size, p=[0.7, 0.3])
            frames.append({
                "ts": _month_times(rng, month, who.size),
                "sender": np.where(inbound, outside, emails[who]),
                "recipient": np.where(inbound, emails[who], outside),
                "channel": ch,
                "minutes": np.where(ch == "meeting", rng.choice([30, 60], size=who.size), 1),
            })  # fmt: skip

        index = {u.name: i for i, u in enumerate(units)}
        joint = joint_meetings(rng, members[index[PARTNERS[0]]], members[index[PARTNERS[1]]], emails, business,
                               _month_times(rng, month, 14), str(month))  # fmt: skip
        if joint:
            frames.append(joint)
        if np.datetime64(f"{DEMO_YEAR}-{month:02d}-01") >= CHANGE:  # HR's business partners join the line's meetings
            line = np.concatenate([m for u, m in zip(units, members, strict=True) if u.kind == "line"])
            hr = joint_meetings(change, line, members[index["HR Business Partners"]], emails, business,
                                _month_times(change, month, 30), f"hr-{month}")  # fmt: skip
            frames.append(hr)
        rules = broadcasts(rng, units, members, emails, month, _month_times)
        if rules:
            frames.append(rules)

    ts = np.concatenate([f["ts"] for f in frames])
    thread = np.concatenate([f.get("thread", np.full(len(f["ts"]), None, dtype=object)) for f in frames])
    loose = thread == None  # noqa: E711 (elementwise)
    thread[loose] = conversation_ids(ts[loose], np.concatenate([f["sender"] for f in frames])[loose],
                                     np.concatenate([f["recipient"] for f in frames])[loose],
                                     np.concatenate([f["channel"] for f in frames])[loose])  # fmt: skip
    order = np.argsort(ts, kind="stable")
    ts_text = np.datetime_as_string(ts[order], unit="s").astype(object)
    sender = np.concatenate([f["sender"] for f in frames])[order]
    recipient = np.concatenate([f["recipient"] for f in frames])[order]
    # a real export carries some mess: mail of people who have left, and a few broken dates
    former = np.flatnonzero(rng.random(len(ts)) < 0.0004)
    sender[former] = [f"oud.medewerker{k % 17}@{DOMAIN}" for k in range(former.size)]
    broken = rng.choice(len(ts), size=12, replace=False)
    ts_text[broken] = "31-02-2025 25:61"
    table = pa.table({
        "timestamp": pa.array(ts_text, pa.string()),
        "sender": pa.array(sender, pa.string()),
        "recipient": pa.array(recipient, pa.string()),
        "channel": pa.array(np.concatenate([f["channel"] for f in frames])[order].astype(str)),
        "minutes": pa.array(np.concatenate([f["minutes"] for f in frames])[order].astype(np.int64)),
        "conversation_id": pa.array(thread[order], pa.string()),
        "subject": pa.array(subjects(rng, sender, recipient, units, {e: int(u) for e, u in zip(emails, unit_of,
                                                                                               strict=True)},
                                     ts[order]), pa.string()),
    })  # fmt: skip
    interactions_path = data / "interactions.parquet"
    pq.write_table(table, interactions_path, row_group_size=250_000)

    config = out / "orgsphere.toml"
    config.write_text(
        "# Settings of the demo organisation (see `orgsphere settings` for all of them).\n"
        f'store = "orgsphere.duckdb"\n'
        f'key_file = "demo-pseudonym.key"\n'
        f'internal_domains = ["{DOMAIN}"]\n'
        f"supplier_domains = [{', '.join(repr(d).replace(chr(39), chr(34)) for d in SUPPLIER_DOMAINS)}]\n"
        "min_group_size = 5\n"
        "# subjects are read only to recognise satisfaction surveys, SLA reports and requirements packages\n"
        "read_subjects = true\n"
        "# the short descriptions of work requests are kept: the report shows examples per staff role\n"
        "keep_texts = true\n",
        encoding="utf-8",
    )
    tickets_path = write_tickets(data / "tickets.csv", rng, units, unit_of, emails, DEMO_YEAR)
    requests_path = write_requests(data / "werkverzoeken.csv", rng, units, unit_of, emails, DEMO_YEAR)
    documents = write_documents(data / "documents")
    events = write_events(data / "events.csv")
    return DemoFiles(out, units_path, people_path, parties_path, interactions_path, tickets_path, requests_path,
                     documents, config, events)

