"""The data's health in one look: what was kept and rejected, and what in the data looks wrong.

A manager believes the report, so the signs that the data cannot carry it are looked for before anyone
reads a figure: no org chart, nothing kept, no customer contact, declared customers that never occur, the
outside domains with most traffic that nobody declared, org-chart persons never seen, persons with extreme
volume (a shared mailbox, a bot), a high share of broadcasts or undated rows, dates before 1990 or in the
future, months with (almost) no data.
Each finding has a level (error: the analysis would mislead; warning: read with care; info), its figures,
and the fix. ``orgsphere check`` prints them, exits non-zero on an error, and ``--json`` gives the same.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .settings import Settings
from .store import Store

__all__ = ["Finding", "Health", "check_health", "LEVELS", "CHECK_EXIT_CODE"]

LEVELS = ("error", "warning", "info")
CHECK_EXIT_CODE = 4  # orgsphere check found an error in the data
EXTREME_VOLUME = 10  # a person with this many times the median person's interactions stands out
MIN_EXTREME = 200  # ... and at least this many
THIN_MONTH = 0.1  # a month with less than this share of the median month's interactions
SHOWN = 10


@dataclass
class Finding:
    level: str  # error, warning or info
    code: str  # a stable name, e.g. "no-customer-contact"
    message: str
    fix: str = ""
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class Health:
    """The findings, errors first, and per source what was kept and rejected, with its top reasons."""

    findings: list[Finding]
    sources: list[dict[str, Any]]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def exit_code(self) -> int:
        return CHECK_EXIT_CODE if self.errors else 0

    def line(self) -> str:
        """One line: the count of errors and warnings and the first error (after every ingest)."""
        first = self.errors[0].message if self.errors else (self.warnings[0].message if self.warnings else "")
        first = first if len(first) <= 100 else first[:99] + "…"
        head = f"data check: {len(self.errors)} errors, {len(self.warnings)} warnings"
        return f"{head}{': ' + first if first else ''} (orgsphere check)"

    def text(self) -> str:
        out = []
        for s in self.sources:
            out.append(f"{s['kind']:<12} {s['kept']:>10,} kept {s['rejected']:>9,} rejected  {s['source']}")
            out.extend(f"{'':<14}rejected {r['count']:,}x: {r['reason']}" for r in s["reasons"])
        out.append("")
        for f in self.findings:
            out.append(f"{f.level.upper():<8} {f.message}")
            if f.fix:
                out.append(f"{'':<9}fix: {f.fix}")
        out.append(self.line())
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {"errors": len(self.errors), "warnings": len(self.warnings), "exit_code": self.exit_code,
                "findings": [asdict(f) for f in self.findings], "sources": self.sources}  # fmt: skip


def _one(store: Store, sql: str, params: list[Any] | None = None) -> Any:
    row = store.raw.execute(sql, params or []).fetchone()
    return row[0] if row else None


def _rows(store: Store, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return store.raw.execute(sql, params or []).fetchall()


def _sources(store: Store) -> list[dict[str, Any]]:
    reasons: dict[str, list[dict[str, Any]]] = {}
    for source, reason, n in _rows(store, "SELECT source, reason, count(*) FROM rejects GROUP BY 1, 2 ORDER BY 3 DESC"):
        reasons.setdefault(source, [])
        if len(reasons[source]) < 5:
            reasons[source].append({"reason": reason, "count": int(n)})
    logged = _rows(store, "SELECT source, kind, rows, kept, rejects FROM ingest_log ORDER BY finished")
    out = [{"source": s, "kind": k, "rows": int(r or 0), "kept": int(kept or 0), "rejected": int(rej or 0),
            "recorded": True, "reasons": reasons.pop(s, [])} for s, k, r, kept, rej in logged]  # fmt: skip
    for source, top in reasons.items():  # rejects of an ingest that failed (not recorded)
        n = int(_one(store, "SELECT count(*) FROM rejects WHERE source = ?", [source]))
        out.append({"source": source, "kind": "failed", "rows": n, "kept": 0, "rejected": n, "recorded": False,
                    "reasons": top})  # fmt: skip
    return out


def check_health(store: Store, settings: Settings) -> Health:
    """Every check over the store; see the module's docstring."""
    findings: list[Finding] = []
    sources = _sources(store)
    add = findings.append
    for s in sources:
        if not s["recorded"]:
            add(Finding("error", "failed-ingest", f"{s['source']}: its last ingest failed ({s['rejected']:,} rows "
                        "rejected, nothing kept)", "see orgsphere rejects, fix the cause and ingest it again",
                        {"source": s["source"], "rejected": s["rejected"]}))  # fmt: skip
        elif s["rows"] and s["rejected"] / s["rows"] > 0.1:
            add(Finding("warning", "many-rejects", f"{s['source']}: {s['rejected']:,} of {s['rows']:,} rows "
                        f"rejected ({s['rejected'] / s['rows']:.0%})", "see the reasons (orgsphere rejects)",
                        {"source": s["source"], "rows": s["rows"], "rejected": s["rejected"]}))  # fmt: skip
    if not _one(store, "SELECT count(*) FROM units"):
        add(Finding("error", "no-orgchart", "the store has no org chart",
                    "orgsphere ingest orgchart units.yaml people.csv"))  # fmt: skip
    total = int(_one(store, "SELECT sum(n) FROM interactions") or 0)  # interactions, not rows
    if total == 0:
        add(Finding("error", "no-interactions", "the store holds no interactions: nothing to analyse",
                    "ingest interactions: orgsphere ingest edges | mail | calendar | slack | tickets | crm | viva"))
        return Health(_ordered(findings), sources)
    _customers(store, settings, total, add)
    _undeclared(store, add)
    _people(store, total, add)
    _channels_and_time(store, total, add)
    _events(store, settings, add)
    return Health(_ordered(findings), sources)


def _events(store: Store, settings: Settings, add: Any) -> None:
    """Events (orgsphere ingest events) whose effect the interactions cannot show: outside the dated
    interactions, or with fewer than ``effect_min_segment`` weeks of them on one side. (Information: they
    do not touch the report's figures, and orgsphere changes says too_few_weeks for them.)"""
    gap = settings.effect_min_segment
    rows = _rows(store, f"""
        WITH span AS (SELECT min(ts)::DATE AS first, max(ts)::DATE AS last FROM interactions WHERE ts IS NOT NULL)
        SELECT e.label, e.day, e.day < span.first OR e.day > span.last,
               e.day < span.first + INTERVAL {int(gap)} WEEK OR e.day > span.last - INTERVAL {int(gap)} WEEK
        FROM events e, span ORDER BY e.day, e.label""")  # fmt: skip
    outside = [f"{label} ({day:%Y-%m-%d})" for label, day, out, _ in rows if out]
    near = [f"{label} ({day:%Y-%m-%d})" for label, day, out, edge in rows if edge and not out]
    if outside:
        add(Finding("info", "events-outside-data", f"{len(outside)} events lie outside the dated interactions: "
                    f"{', '.join(outside[:SHOWN])}", "check the events' dates, or ingest the interactions of "
                    "their weeks; orgsphere changes can say nothing about them", {"events": outside}))  # fmt: skip
    if near:
        add(Finding("info", "events-near-the-edge", f"{len(near)} events have fewer than {gap} weeks of "
                    f"interactions before or after them: {', '.join(near[:SHOWN])}", "their effect will read "
                    "too_few_weeks until more weeks are ingested (or effect_min_segment is lowered)",
                    {"events": near}))  # fmt: skip


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: LEVELS.index(f.level))


ENDS_SQL = """
WITH ends AS (SELECT src AS party, n FROM interactions WHERE src_kind = 'party'
              UNION ALL SELECT dst, n FROM interactions WHERE dst_kind = 'party')
"""


def _customers(store: Store, settings: Settings, total: int, add: Any) -> None:
    declared = int(_one(store, "SELECT count(*) FROM parties WHERE kind = 'customer'") or 0)
    outside = int(_one(store, "SELECT sum(n) FROM interactions WHERE src_kind = 'party' OR dst_kind = 'party'") or 0)
    # (two uncorrelated IN lists: the correlated EXISTS over both ends took 7.5 s of the check's 7.6 s on the demo)
    customer = int(_one(store, "WITH c AS (SELECT party_id FROM parties WHERE kind = 'customer') SELECT sum(n) FROM "
                               "interactions WHERE src IN (SELECT party_id FROM c) OR dst IN (SELECT party_id FROM c)"
                    ) or 0)  # fmt: skip
    if outside == 0:
        add(Finding("error", "no-outside-contact", f"none of the {total:,} interactions has an outside end: every "
                    "unit's outwardness is 0", "ingest sources with mail to and from outside (or declare "
                    "internal_domains so outside addresses are told apart), and declare customers",
                    {"interactions": total}))  # fmt: skip
    if customer == 0:
        why = "no customer is declared" if declared == 0 and not settings.customer_domains else \
            "the declared customers never occur in the interactions"
        candidates = "; the undeclared domains below are candidates" if outside else ""
        add(Finding("error", "no-customer-contact", f"no interaction with a customer: {why}; every distance to "
                    "the customer and every customer share would be empty", "declare customers: orgsphere ingest "
                    "parties customers.csv (address or domain, kind customer), or customer_domains in "
                    f"orgsphere.toml{candidates}", {"declared_customers": declared}))
    else:
        add(Finding("info", "customer-contact", f"{customer:,} of {total:,} interactions ({customer / total:.1%}) "
                    "have a customer at one end", figures={"customer": customer, "interactions": total}))
    unused = _rows(store, ENDS_SQL + "SELECT p.kind, coalesce(p.domain, '(by id)') AS d, count(*) AS n FROM parties p "
                   "WHERE p.kind <> 'other' AND p.party_id NOT IN (SELECT party FROM ends) GROUP BY 1, 2 "
                   "ORDER BY n DESC, 1, 2")  # fmt: skip
    if unused:
        n_unused = sum(n for _, _, n in unused)
        shown = ", ".join(f"{d} ({n:,} {k})" for k, d, n in unused[:SHOWN])
        add(Finding("warning", "declared-never-seen", f"{n_unused:,} declared parties never occur in the "
                    f"interactions: {shown}{' ...' if len(unused) > SHOWN else ''}", "check the spelling of "
                    "their domains and addresses, and that the mail of that party was exported",
                    {"parties": n_unused}))  # fmt: skip
    seen = {d for (d,) in _rows(store, ENDS_SQL + "SELECT DISTINCT p.domain FROM parties p JOIN ends e ON "
                                "e.party = p.party_id WHERE p.domain IS NOT NULL")}  # fmt: skip
    for kind in ("customer", "supplier", "regulator", "partner"):
        missing = [d for d in getattr(settings, f"{kind}_domains") if not any(
            s == d or s.endswith("." + d) for s in seen)]  # fmt: skip
        if missing:
            add(Finding("warning", "domain-never-seen", f"{kind}_domains never occur: {', '.join(missing)}",
                        f"check the spelling in {kind}_domains", {"domains": missing}))  # fmt: skip


def _undeclared(store: Store, add: Any) -> None:
    top = _rows(store, ENDS_SQL + "SELECT p.domain, sum(e.n) AS n FROM ends e JOIN parties p ON p.party_id = e.party "
                "WHERE p.kind = 'other' AND p.domain IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?", [SHOWN])
    if top:
        shown = ", ".join(f"{d} ({n:,})" for d, n in top)
        add(Finding("info", "undeclared-domains", f"outside domains with most traffic that nobody declared: {shown}",
                    "declare the customers and suppliers among them (parties file or *_domains settings)",
                    {"domains": [{"domain": d, "interactions": int(n)} for d, n in top]}))  # fmt: skip


def _people(store: Store, total: int, add: Any) -> None:
    people = int(_one(store, "SELECT count(DISTINCT person_id) FROM people") or 0)
    volumes = _rows(store, """
        WITH ends AS (SELECT src AS person, n FROM interactions WHERE src_kind = 'person'
                      UNION ALL SELECT dst, n FROM interactions WHERE dst_kind = 'person')
        SELECT person, sum(n) AS n FROM ends GROUP BY 1""")  # fmt: skip
    seen = len(volumes)
    if people and seen < people:
        never = people - seen
        level = "warning" if never / people > 0.2 else "info"
        add(Finding(level, "persons-never-seen", f"{never:,} of {people:,} org-chart persons ({never / people:.0%}) "
                    "occur in no interaction", "check that every mailbox or calendar was exported, and that the "
                    "org chart's ids or emails match the sources'", {"never_seen": never, "people": people}))
    if not volumes:
        return
    counts = sorted(n for _, n in volumes)
    median = counts[len(counts) // 2]
    limit = max(EXTREME_VOLUME * median, MIN_EXTREME)
    heavy = [(p, n) for p, n in volumes if n > limit]
    if heavy:
        units = _rows(store, "SELECT u.name, count(DISTINCT p.person_id) FROM people p JOIN units u USING (unit_id) "
                      "WHERE p.person_id IN (SELECT unnest(?)) GROUP BY 1 ORDER BY 2 DESC, 1", [[p for p, _ in heavy]])
        share = sum(n for _, n in heavy) / (2 * total)
        add(Finding("warning", "extreme-volume", f"{len(heavy):,} persons have more than {EXTREME_VOLUME}x the "
                    f"median person's {median:,} interactions (together {share:.0%} of all ends), in "
                    f"{'; '.join(name for name, _ in units[:SHOWN])}: shared mailboxes or bots?",
                    "a shared mailbox or a bot is no person: add its address to automated_senders, or leave it "
                    "out of the org chart", {"persons": len(heavy), "median": median, "share_of_ends": share}))


def _channels_and_time(store: Store, total: int, add: Any) -> None:
    broadcast = int(_one(store, "SELECT sum(n) FROM interactions WHERE channel LIKE '%-broadcast' OR "
                                "channel = 'email-list'") or 0)  # fmt: skip
    if broadcast:
        level = "warning" if broadcast / total > 0.5 else "info"
        add(Finding(level, "broadcast-share", f"{broadcast / total:.0%} of the interactions are broadcasts or list "
                    "mail", "read the channel figures apart; broadcast_size sets where a meeting becomes a broadcast",
                    {"broadcast": broadcast, "interactions": total}))  # fmt: skip
    undated = int(_one(store, "SELECT sum(n) FROM interactions WHERE ts IS NULL") or 0)
    if undated / total > 0.1:
        add(Finding("warning", "undated", f"{undated / total:.0%} of the interactions have no time: they count in "
                    "the whole period only, in no month", "map the time column (--map ts=COLUMN) or set date_format",
                    {"undated": undated, "interactions": total}))  # fmt: skip
    odd = _rows(store, "SELECT coalesce(sum(n), 0), min(ts), max(ts) FROM interactions "
                "WHERE ts < TIMESTAMP '1990-01-01' OR ts > now()::TIMESTAMP + INTERVAL 1 DAY")[0]  # fmt: skip
    if odd[0]:
        add(Finding("warning", "implausible-dates", f"{odd[0]:,} interactions are dated before 1990 or in the future "
                    f"({odd[1]:%Y-%m-%d} to {odd[2]:%Y-%m-%d}): seconds from the start of a recording read as "
                    "epoch seconds, or a wrong date column?", "map the right time column (--map ts=COLUMN) or set "
                    "date_format; times relative to a start are no dates", {"interactions": int(odd[0]),
                    "first": odd[1], "last": odd[2]}))  # fmt: skip
    months = _rows(store, """
        WITH m AS (SELECT date_trunc('month', ts) AS month, sum(n) AS n FROM interactions WHERE ts IS NOT NULL
                   GROUP BY 1),
             span AS (SELECT range AS month FROM range((SELECT min(month) FROM m), (SELECT max(month) FROM m)
                      + INTERVAL 1 MONTH, INTERVAL 1 MONTH))
        SELECT strftime(span.month, '%Y-%m'), coalesce(m.n, 0) FROM span LEFT JOIN m USING (month) ORDER BY 1""")
    if len(months) >= 3:
        counts = sorted(n for _, n in months)
        median = counts[len(counts) // 2]
        thin = [(m, n) for m, n in months if n < THIN_MONTH * median]
        if thin:
            add(Finding("warning", "thin-months", f"{len(thin)} of {len(months)} months have less than "
                        f"{THIN_MONTH:.0%} of the median month's {median:,} interactions: "
                        f"{', '.join(m for m, _ in thin[:SHOWN])}", "a missing export? Ingest it, or read those "
                        "months' figures as missing",
                        {"months": [{"month": m, "interactions": int(n)} for m, n in thin]}))
