"""Staff roles seen a second way, from the interactions alone: each role leaves a signature in how a staff
unit deals with the line.

- supporting: requests coming in (tickets) from the whole line, little conversation back;
- regulating: broadcasts to many (policies, rules), not much of a conversation, few meetings;
- executing: work with a few line units that comes in bursts (projects), not mainly in meetings;
- advisory: few counterparts, reciprocated, much of it in meetings.

Every feature is a share or a ratio over the whole period; each role's score is the share of its conditions
met, and nothing without its first (its mark: tickets, broadcasts, bursts, meetings), so the call can be
checked by hand. Where it differs from the role the work items show, the report
says so."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

import ibis
import pyarrow as pa

from ..engine import TableSource
from ..markers import ALL, UNDATED
from ..schema import PERSON
from .placed import placed_interactions

__all__ = ["signature_table", "SIGNATURE_RULES"]

BROADCAST = 5  # one message or meeting to at least this many people of other units at once

# role -> conditions on the features (feature, "≥" or "<", threshold); the first one is required
SIGNATURE_RULES: dict[str, tuple[tuple[str, str, float], ...]] = {
    "supporting": (("ticket_share", "≥", 0.2), ("reciprocity", "<", 0.5), ("focus", "<", 0.4)),
    "regulating": (("broadcast_share", "≥", 0.1), ("reciprocity", "<", 0.6), ("meeting_share", "<", 0.4)),
    "executing": (("burstiness", "≥", 0.3), ("focus", "≥", 0.4), ("meeting_share", "<", 0.4)),
    "advisory": (("meeting_share", "≥", 0.4), ("reciprocity", "≥", 0.6), ("focus", "≥", 0.4)),
}


def _features(store: TableSource, kinds: dict[str, str | None]) -> dict[str, dict[str, float]]:
    p = placed_interactions(store)
    cross = p.filter(p.src_unit.notnull() & p.dst_unit.notnull() & (p.src_unit != p.dst_unit)
                     & (p.period != UNDATED))  # fmt: skip
    monthly = cross.group_by(["period", "src_unit", "dst_unit", "channel"]).aggregate(n=cross.n.sum())
    # broadcasts: one sender, one moment, one thread, many people of other units
    sent = cross.filter(cross.src_kind == PERSON)
    fan = sent.group_by(["src", "src_unit", "ts", "thread_id"]).aggregate(k=sent.dst.nunique())
    fan = fan.group_by("src_unit").aggregate(reached=fan.k.sum(), wide=ibis.ifelse(fan.k >= BROADCAST, fan.k, 0).sum())
    staff = {u for u, k in kinds.items() if k == "staff"}
    lines = {u for u, k in kinds.items() if k == "line"}
    volume: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # unit -> feature counts
    per_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    partners: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in monthly.to_pyarrow().to_pylist():
        for me, other, sent in ((r["src_unit"], r["dst_unit"], True), (r["dst_unit"], r["src_unit"], False)):
            if me not in staff or other not in lines:
                continue
            v = volume[me]
            v["total"] += r["n"]
            v["out" if sent else "in"] += r["n"]
            v["meeting"] += r["n"] if r["channel"].startswith("meeting") else 0
            v["ticket"] += r["n"] if r["channel"] == "ticket" else 0
            per_month[me][r["period"]] += r["n"]
            partners[me][other] += r["n"]
    wide = {r["src_unit"]: r for r in fan.to_pyarrow().to_pylist()}
    out: dict[str, dict[str, float]] = {}
    for unit, v in volume.items():
        months = list(per_month[unit].values())
        mean = statistics.fmean(months) if months else 0.0
        w = wide.get(unit, {})
        conversation = v["total"] - v["ticket"]
        back, forth = v["out"], v["in"] - v["ticket"]
        out[unit] = {
            "interactions": float(v["total"]),
            "ticket_share": v["ticket"] / v["total"],
            "meeting_share": v["meeting"] / conversation if conversation else 0.0,
            "reciprocity": min(back, forth) / max(back, forth) if max(back, forth) else 0.0,
            "from_line": v["in"] / v["total"],
            # the share of its contact with its busiest eighth of the line units (at least one)
            "focus": sum(sorted(partners[unit].values(), reverse=True)[:max(1, len(lines) // 8)]) / v["total"],
            "burstiness": statistics.pstdev(months) / mean if len(months) > 1 and mean else 0.0,
            "broadcast_share": (w.get("wide") or 0) / (w.get("reached") or 1),
        }
    return out


def _holds(value: float, op: str, threshold: float) -> bool:
    return value >= threshold if op == "≥" else value < threshold


def signature_table(store: TableSource, kinds: dict[str, str | None]) -> pa.Table:
    """Per staff unit with contact with the line, over the whole period: the features, the score of each
    role (share of its conditions met) and the role of the best score (ties: none)."""
    rows: list[dict[str, Any]] = []
    for unit, f in sorted(_features(store, kinds).items()):
        score = {role: sum(_holds(f[k], op, t) for k, op, t in rules) / len(rules) if _holds(f[rules[0][0]],
                 rules[0][1], rules[0][2]) else 0.0 for role, rules in SIGNATURE_RULES.items()}  # fmt: skip
        best = max(score.values())
        winners = [r for r, s in score.items() if s == best]
        rows.append({"period": ALL, "unit": unit, **f, **{f"score_{r}": s for r, s in score.items()},
                     "signature_role": winners[0] if len(winners) == 1 and best > 0.5 else None})  # fmt: skip
    schema = pa.schema([("period", pa.string()), ("unit", pa.string()),
                        *[(k, pa.float64()) for k in ("interactions", "ticket_share", "meeting_share", "reciprocity",
                                                      "from_line", "focus", "burstiness", "broadcast_share")],
                        *[(f"score_{r}", pa.float64()) for r in SIGNATURE_RULES],
                        ("signature_role", pa.string())])  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema)
