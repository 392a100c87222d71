"""Line and staff: partners or supplier and internal customer? Measures and a verdict per pair of units.

For every pair of units of which at least one is staff, per month and over the whole period:

- ``a_to_b``, ``b_to_a``: interactions each way (persons of A with persons of B, and tickets to B as a unit);
- ``reciprocity``: the smaller direction over the larger (1 = as much back as forth);
- ``initiative_a``: of the threads, meetings and tickets between them, the share A started (a message is an
  initiative when it is the first of its thread, a reply otherwise; interactions without a thread id count
  for neither);
- ``tickets_a``, ``tickets_b``, ``ticket_share``: tickets each way, and their share of all the contact;
- ``joint_threads``: threads and meetings with a customer in which both units took part; ``shared_customers``:
  customers both units were in contact with; ``joint_work`` their sum.

A is the line unit of a line-staff pair; of two staff units, the one that starts more. The verdict follows
rules whose thresholds are settings (:data:`RULES`), and names the figures that decided it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa

from ..engine import TableSource
from ..markers import ALL, UNDATED
from ..schema import PARTY, PERSON, UNIT
from .periods import Period
from .placed import placed_interactions

__all__ = ["RelationRules", "relation_table", "verdict", "RELATION_SCHEMA", "VERDICTS"]

VERDICTS = ("partner", "supplier", "mixed", "too_little")


@dataclass(frozen=True)
class RelationRules:
    """The thresholds of the verdict (settings ``relation_*``)."""

    min_interactions: int = 30  # fewer in the period: too little data
    ticket_share: float = 0.25  # this much of the contact as tickets makes it run on requests
    one_sided: float = 0.8  # one side starting this share of the threads makes it one-way
    reciprocity: float = 0.5  # less answered than this, with one-sided initiative, is one-way
    joint_work: int = 3  # joint customer threads plus shared customers a partnership needs


RELATION_SCHEMA = pa.schema([
    ("period", pa.string()), ("unit_a", pa.string()), ("unit_b", pa.string()), ("kind_a", pa.string()),
    ("kind_b", pa.string()), ("a_to_b", pa.int64()), ("b_to_a", pa.int64()), ("volume", pa.int64()),
    ("reciprocity", pa.float64()), ("initiatives_a", pa.int64()), ("initiatives_b", pa.int64()),
    ("initiative_a", pa.float64()), ("tickets_a", pa.int64()), ("tickets_b", pa.int64()),
    ("ticket_share", pa.float64()), ("joint_threads", pa.int64()), ("shared_customers", pa.int64()),
    ("joint_work", pa.int64()), ("verdict", pa.string()), ("reasons", pa.string()),
])  # fmt: skip


def _by_period(t: ibis.Table, keys: list[str], metrics: Callable[[ibis.Table], dict[str, Any]]) -> ibis.Table:
    """Aggregate per period and over all dated periods ('all')."""
    monthly = t.group_by(["period", *keys]).aggregate(**metrics(t))
    dated = t.filter(t.period != UNDATED)
    whole = dated.group_by(keys).aggregate(**metrics(dated)).mutate(period=ibis.literal(ALL))
    return ibis.union(monthly, whole.select(monthly.columns))


def _directed(store: TableSource, per: Period = "month") -> tuple[ibis.Table, ibis.Table]:
    """Per period and ordered pair of units: interactions, initiatives and tickets; and the placed
    interactions themselves (with their period and thread), for the customer work."""
    placed = p = placed_interactions(store, per)
    starts = p.filter(p.thread_id.notnull()).group_by("thread_id").aggregate(first=p.ts.min())
    s = starts.view()
    p = p.left_join(s, p.thread_id == s.thread_id).select(p, first=s.first)
    ends = [PERSON, UNIT]
    cross = p.filter(p.src_kind.isin(ends) & p.dst_kind.isin(ends) & p.src_unit.notnull() & p.dst_unit.notnull()
                     & (p.src_unit != p.dst_unit))  # fmt: skip
    zero = ibis.literal(0, "int64")
    directed = _by_period(cross, ["src_unit", "dst_unit"], lambda t: {
        "n": t.n.sum(),
        "initiatives": ibis.ifelse(t.thread_id.notnull() & (t.ts == t["first"]), t.n, zero).sum(),
        "tickets": ibis.ifelse(t.channel == "ticket", t.n, zero).sum(),
    })  # fmt: skip
    return directed, placed  # (the customer work needs no thread starts: their join would cost it half its time)


def _pairs_with_staff(t: ibis.Table, keys: list[str], staff: list[str]) -> ibis.Table:
    """Rows of ``t`` (``keys`` + ``unit``) paired on ``keys`` with the rows of another unit, one of the two
    staff, as ``lo`` < ``hi``. Joining the staff side only keeps line-line pairs (most of the customer
    contact of a large organisation) out of the join."""
    s, o = t.filter(t.unit.isin(staff)).view(), t.view()
    pairs = s.join(o, [s[k] == o[k] for k in keys] + [s.unit != o.unit])
    pairs = pairs.select(*[s[k] for k in keys], lo=ibis.least(s.unit, o.unit), hi=ibis.greatest(s.unit, o.unit))
    return pairs.distinct()  # two staff units meet twice, once from each side


def _customer_work(p: ibis.Table, staff: list[str]) -> tuple[ibis.Table, ibis.Table]:
    """Per period and unordered pair of units (lo < hi), one of them staff: threads with a customer both took
    part in, and customers both met."""
    ends = []
    for me, other in (("src", "dst"), ("dst", "src")):
        t = p.filter((p[f"{me}_kind"] == PERSON) & p[f"{me}_unit"].notnull())
        ends.append(t.select("period", "thread_id", unit=t[f"{me}_unit"], party=t[other],
                             customer=(t[f"{other}_kind"] == PARTY)
                             & (t[f"{other}_party_kind"] == "customer")))  # fmt: skip
    end = ibis.union(*ends, distinct=False)
    with_customer = end.filter(end.customer & end.thread_id.notnull()).select("thread_id").distinct()
    in_threads = end.filter(end.thread_id.notnull()).select("period", "thread_id", "unit").distinct()
    w = with_customer.view()
    in_threads = in_threads.join(w, in_threads.thread_id == w.thread_id).select(in_threads)
    pairs = _pairs_with_staff(in_threads, ["period", "thread_id"], staff)
    joint = _by_period(pairs, ["lo", "hi"], lambda t: {"joint_threads": t.thread_id.nunique()})
    met = end.filter(end.customer).select("period", "unit", "party").distinct()
    both = _pairs_with_staff(met, ["period", "party"], staff)
    monthly = both.group_by(["period", "lo", "hi"]).aggregate(shared_customers=both.party.nunique())
    # over the whole period: customers both met at any time, not only in the same month
    yearly = _pairs_with_staff(met.filter(met.period != UNDATED).select("unit", "party").distinct(), ["party"], staff)
    over = yearly.group_by(["lo", "hi"]).aggregate(shared_customers=yearly.party.nunique())
    shared = ibis.union(monthly, over.mutate(period=ibis.literal(ALL)).select(monthly.columns))
    return joint, shared


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def verdict(r: dict[str, Any], rules: RelationRules) -> tuple[str, list[str]]:
    """The verdict of one relation and the codes of the figures that decided it, in order of weight."""
    if r["volume"] < rules.min_interactions:
        return "too_little", ["volume"]
    starter = max(r["initiative_a"] or 0.0, 1.0 - (r["initiative_a"] if r["initiative_a"] is not None else 1.0))
    one_sided = r["initiative_a"] is not None and starter >= rules.one_sided
    tickets = (r["ticket_share"] or 0.0) >= rules.ticket_share
    answered = (r["reciprocity"] or 0.0) >= rules.reciprocity
    joint = r["joint_work"] >= rules.joint_work
    if not joint and (tickets or (one_sided and not answered)):
        return "supplier", (["ticket_share"] if tickets else []) + (["initiative"] if one_sided else
                                                                     ["reciprocity"]) + ["joint_work"]  # fmt: skip
    if joint and not tickets and not one_sided:
        return "partner", ["joint_work", "initiative", "reciprocity"]
    pulls = ["joint_work"] + (["ticket_share"] if tickets else []) + (["initiative"] if one_sided else [])
    return "mixed", pulls + ([] if len(pulls) > 1 else ["reciprocity"])


def relation_table(store: TableSource, kinds: dict[str, str | None], rules: RelationRules,
                   per: Period = "month") -> pa.Table:
    """Every pair of units with at least one staff unit (``kinds``: unit -> line/staff/None) that had contact,
    per period (months, or ISO weeks: ``per``) and over all periods, with the measures and the verdict."""
    directed, placed = _directed(store, per)
    joint, shared = _customer_work(placed, sorted(u for u, k in kinds.items() if k == "staff") or [""])
    counts: dict[tuple[str, str, str], dict[str, int]] = {}
    for r in directed.to_pyarrow().to_pylist():
        counts[(r["period"], r["src_unit"], r["dst_unit"])] = r
    extra: dict[tuple[str, str, str], dict[str, int]] = {}
    for table in (joint, shared):
        for r in table.to_pyarrow().to_pylist():
            extra.setdefault((r["period"], r["lo"], r["hi"]), {}).update(
                {k: v for k, v in r.items() if k not in ("period", "lo", "hi")})
    rows = []
    seen = set()
    for period, src, dst in counts:
        lo, hi = sorted((src, dst))
        if (period, lo, hi) in seen or "staff" not in (kinds.get(lo), kinds.get(hi)):
            continue
        seen.add((period, lo, hi))
        lo_hi = counts.get((period, lo, hi), {})
        hi_lo = counts.get((period, hi, lo), {})
        a, b = lo, hi
        if kinds.get(hi) == "line" and kinds.get(lo) != "line":
            a, b = hi, lo
        elif kinds.get(lo) == kinds.get(hi) and hi_lo.get("initiatives", 0) > lo_hi.get("initiatives", 0):
            a, b = hi, lo
        ab, ba = (lo_hi, hi_lo) if a == lo else (hi_lo, lo_hi)
        n_ab, n_ba = ab.get("n", 0), ba.get("n", 0)
        i_a, i_b = ab.get("initiatives", 0), ba.get("initiatives", 0)
        t_a, t_b = ab.get("tickets", 0), ba.get("tickets", 0)
        work = extra.get((period, lo, hi), {})
        joint, shared = work.get("joint_threads") or 0, work.get("shared_customers") or 0
        row: dict[str, Any] = {
            "period": period, "unit_a": a, "unit_b": b, "kind_a": kinds.get(a), "kind_b": kinds.get(b),
            "a_to_b": n_ab, "b_to_a": n_ba, "volume": n_ab + n_ba,
            "reciprocity": _share(min(n_ab, n_ba), max(n_ab, n_ba)), "initiatives_a": i_a, "initiatives_b": i_b,
            "initiative_a": _share(i_a, i_a + i_b), "tickets_a": t_a, "tickets_b": t_b,
            "ticket_share": _share(t_a + t_b, n_ab + n_ba), "joint_threads": joint, "shared_customers": shared,
            "joint_work": joint + shared,
        }  # fmt: skip
        decided, reasons = verdict(row, rules)
        rows.append({**row, "verdict": decided, "reasons": ",".join(reasons)})
    rows.sort(key=lambda r: (r["period"], r["unit_a"], r["unit_b"]))
    return pa.Table.from_pylist(rows, schema=RELATION_SCHEMA).replace_schema_metadata(
        {b"keys": b"period,unit_a,unit_b,kind_a,kind_b"})
