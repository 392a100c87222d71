"""Unit-to-unit flows: how many interactions go from each group to each other group, per channel.

A group is the unit a person end is placed in (membership at the interaction's date, as for the sphere
metrics), or ``party:<kind>`` for an outside party of that kind. Interactions with an unplaced person and
party-to-party rows are left out, as in the sphere metrics. The table is small (at most units² rows per
channel) and is computed in one aggregation inside the engine; the null models and Rent's rule work on it,
never on the interactions themselves.
"""

from __future__ import annotations

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from ..schema import PARTY, PERSON, UNIT
from ..store import Store
from .sphere import ALL, placed_interactions

__all__ = ["unit_flows", "PARTY_PREFIX", "is_party"]

PARTY_PREFIX = "party:"


def _group(t: ibis.Table, end: str) -> ibis.Value:
    kind, unit, party_kind = t[f"{end}_kind"], t[f"{end}_unit"], t[f"{end}_party_kind"]
    return ibis.cases(
        (kind.isin([PERSON, UNIT]), unit),
        (kind == PARTY, ibis.literal(PARTY_PREFIX) + party_kind.fill_null("other")),
        else_=ibis.null("string"),
    )


def unit_flows(store: Store) -> pa.Table:
    """Rows (channel, src_group, dst_group, n), with channel 'all' summed over channels."""
    placed = placed_interactions(store)
    t = placed.select(channel=placed.channel, src_group=_group(placed, "src"), dst_group=_group(placed, "dst"))
    t = t.filter(t.src_group.notnull() & t.dst_group.notnull())
    t = t.filter(~(t.src_group.startswith(PARTY_PREFIX) & t.dst_group.startswith(PARTY_PREFIX)))
    per_channel = t.group_by(["channel", "src_group", "dst_group"]).aggregate(n=t.count()).to_pyarrow()
    total = per_channel.group_by(["src_group", "dst_group"]).aggregate([("n", "sum")]).rename_columns(
        ["src_group", "dst_group", "n"]
    )
    total = total.append_column("channel", pa.array([ALL] * total.num_rows, pa.string()))
    both = pa.concat_tables([per_channel.select(["channel", "src_group", "dst_group", "n"]),
                             total.select(["channel", "src_group", "dst_group", "n"]).cast(per_channel.schema)])  # fmt: skip
    return both.sort_by([("channel", "ascending"), ("src_group", "ascending"), ("dst_group", "ascending")])


def is_party(groups: pa.Array) -> pa.Array:
    return pc.starts_with(groups, PARTY_PREFIX)
