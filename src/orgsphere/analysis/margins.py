"""Unit margins: per unit and channel, how many interactions it sends and receives, and to and from whom.

Every count adds up the interactions each row stands for (``n``). For each unit u: ``out`` (interactions a
person of u sends), ``into`` (receives), ``intra`` (both ends in
u), ``to_party`` / ``to_customer`` (sent to an outside party / a customer) and ``from_party`` /
``from_customer`` (received from one). A person end is placed in the unit of their membership at the
interaction's date, as for the sphere metrics; interactions with an unplaced person are left out. The table
has at most two rows per unit and channel whatever the number of interactions: the null models work on it,
and it is computed in one aggregation pass inside the engine.
"""

from __future__ import annotations

import ibis
import pyarrow as pa

from ..engine import TableSource
from ..markers import ALL
from ..schema import PARTY, PERSON, UNIT
from .placed import placed_interactions

__all__ = ["unit_margins", "MARGIN_COUNTS"]

MARGIN_COUNTS = ("out", "into", "intra", "to_party", "to_customer", "from_party", "from_customer")


def unit_margins(store: TableSource) -> pa.Table:
    """Rows (channel, unit, out, into, intra, to_party, to_customer, from_party, from_customer); channel 'all'
    sums the channels."""
    p = placed_interactions(store)
    src_placed = p.src_kind.isin([PERSON, UNIT]) & p.src_unit.notnull()
    dst_placed = p.dst_kind.isin([PERSON, UNIT]) & p.dst_unit.notnull()
    src_party, dst_party = p.src_kind == PARTY, p.dst_kind == PARTY
    zero = ibis.literal(0, "int64")

    # interactions with an unplaced person, or between two parties, say nothing about any unit's margins
    t = p.filter((src_placed | src_party) & (dst_placed | dst_party) & ~(src_party & dst_party))

    t = t.select("channel", "src_unit", "dst_unit", "src_kind", "dst_kind", "src_party_kind", "dst_party_kind", "n")
    # one pass of the placement join, aggregated by sender's unit and by receiver's unit at once (GROUPING
    # SETS, which DuckDB and Spark SQL both have; ibis has no expression for it)
    sides = t.alias("placed").sql(f"""
        SELECT channel, grouping(src_unit) = 0 AS sent,
               CASE WHEN grouping(src_unit) = 0 THEN src_unit ELSE dst_unit END AS unit,
               CAST(sum(n) AS BIGINT) AS n,
               CAST(sum(CASE WHEN src_unit = dst_unit THEN n ELSE 0 END) AS BIGINT) AS intra,
               CAST(sum(CASE WHEN dst_kind = '{PARTY}' THEN n ELSE 0 END) AS BIGINT) AS to_party,
               CAST(sum(CASE WHEN dst_kind = '{PARTY}' AND dst_party_kind = 'customer' THEN n ELSE 0 END) AS BIGINT)
                   AS to_customer,
               CAST(sum(CASE WHEN src_kind = '{PARTY}' THEN n ELSE 0 END) AS BIGINT) AS from_party,
               CAST(sum(CASE WHEN src_kind = '{PARTY}' AND src_party_kind = 'customer' THEN n ELSE 0 END) AS BIGINT)
                   AS from_customer
        FROM placed
        GROUP BY GROUPING SETS ((channel, src_unit), (channel, dst_unit))
    """)  # fmt: skip
    sides = sides.filter(sides.unit.notnull())  # the parties' own groups
    sent = sides.sent
    per_channel = sides.group_by(["channel", "unit"]).aggregate(
        out=ibis.ifelse(sent, sides.n, zero).sum(),
        into=ibis.ifelse(sent, zero, sides.n).sum(),
        intra=ibis.ifelse(sent, sides.intra, zero).sum(),
        to_party=ibis.ifelse(sent, sides.to_party, zero).sum(),
        to_customer=ibis.ifelse(sent, sides.to_customer, zero).sum(),
        from_party=ibis.ifelse(sent, zero, sides.from_party).sum(),
        from_customer=ibis.ifelse(sent, zero, sides.from_customer).sum(),
    )
    per_channel = per_channel.cache()  # small: units x channels
    total = per_channel.group_by("unit").aggregate(**{c: per_channel[c].sum() for c in MARGIN_COUNTS})
    total = total.mutate(channel=ibis.literal(ALL)).select("channel", "unit", *MARGIN_COUNTS)
    table = ibis.union(per_channel.select("channel", "unit", *MARGIN_COUNTS), total)
    return table.order_by(["channel", "unit"]).to_pyarrow()
