"""The traffic the machinery of the internal customer causes, per staff unit: satisfaction surveys, SLA reports
and requirements packages recognised in subjects, meeting titles and ticket categories (``topic``, stored
only where the user let orgsphere read them)."""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa

from ..engine import TableSource
from ..markers import ALL, UNDATED
from .periods import Period
from .placed import placed_interactions

__all__ = ["machinery_table", "MACHINERY_SCHEMA"]

MACHINERY_SCHEMA = pa.schema([("period", pa.string()), ("unit", pa.string()), ("topic", pa.string()),
                              ("sent", pa.int64()), ("received", pa.int64()),
                              ("counterparts", pa.int64())])  # fmt: skip


def machinery_table(store: TableSource, kinds: dict[str, str | None], per: Period = "month") -> pa.Table:
    """Per period (and 'all') and staff unit: interactions with each topic it sent and received, and the number
    of other units at the other end."""
    p = placed_interactions(store, per)
    t = p.filter(p.topic.notnull() & (p.src_unit.notnull() | p.dst_unit.notnull()))
    counts = t.group_by(["period", "src_unit", "dst_unit", "topic"]).aggregate(n=t.n.sum()).to_pyarrow().to_pylist()
    sent: dict[tuple[str, str, str], int] = defaultdict(int)
    received: dict[tuple[str, str, str], int] = defaultdict(int)
    others: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in counts:
        for period in (r["period"], ALL) if r["period"] != UNDATED else (r["period"],):
            for me, other, tally in ((r["src_unit"], r["dst_unit"], sent), (r["dst_unit"], r["src_unit"], received)):
                if me is not None and kinds.get(me) == "staff" and me != other:
                    tally[(period, me, r["topic"])] += r["n"]
                    if other is not None:
                        others[(period, me, r["topic"])].add(other)
    keys = sorted(set(sent) | set(received))
    return pa.Table.from_pylist([{"period": k[0], "unit": k[1], "topic": k[2], "sent": sent.get(k, 0),
                                  "received": received.get(k, 0), "counterparts": len(others.get(k, ()))}
                                 for k in keys], schema=MACHINERY_SCHEMA)  # fmt: skip


