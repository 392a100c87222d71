"""Interactions placed in the org chart: each person end with the unit its membership gives at the
interaction's time (an undated interaction: the current membership), each party end with its kind. The
sphere's neighbours (machinery, signatures, margins, relations) start from here; the sphere counts themselves
(sphere.py) classify the ends in one pass of their own (ends.py).
"""

from __future__ import annotations

import ibis
from ibis import _

from ..engine import TableSource
from ..markers import UNDATED
from ..schema import UNIT
from .periods import Period, period_label

__all__ = ["placed_interactions"]


def placed_interactions(store: TableSource, period: Period = "month") -> ibis.Table:
    """Interactions with the unit of each person end and the kind of each party end (``n``: the interactions
    each row stands for, which every count adds up); ``period``: months or ISO weeks."""
    i = store.table("interactions")
    people = store.table("people")
    parties = store.table("parties").select("party_id", "kind")
    # an undated interaction falls on the eve of the end of time: only open-ended memberships hold it.
    # (Written as one BETWEEN over coalesced bounds: DuckDB turns OR-ed join conditions into a slow loop.)
    day = i.ts.date().fill_null(ibis.date(9999, 12, 30))

    def member(end: str) -> ibis.Table:
        p = people.select(
            **{f"{end}_pid": people.person_id, f"{end}_unit": people.unit_id,
               f"{end}_vf": people.valid_from, f"{end}_vt": people.valid_to}
        )  # fmt: skip
        vf, vt = p[f"{end}_vf"], p[f"{end}_vt"]
        return p, [
            i[end] == p[f"{end}_pid"],
            day.between(vf.fill_null(ibis.date(1, 1, 1)), vt.fill_null(ibis.date(9999, 12, 31))),
        ]

    src_p, src_on = member("src")
    dst_p, dst_on = member("dst")
    src_k = parties.select(src_party=parties.party_id, src_party_kind=parties.kind)
    dst_k = parties.select(dst_party=parties.party_id, dst_party_kind=parties.kind)
    joined = (
        i.left_join(src_p, src_on)
        .left_join(dst_p, [i.dst == dst_p.dst_pid] + dst_on[1:])
        .left_join(src_k, i.src == src_k.src_party)
        .left_join(dst_k, i.dst == dst_k.dst_party)
    )
    return joined.select(
        period=ibis.ifelse(i.ts.isnull(), UNDATED, period_label(i.ts, period)),
        ts=i.ts,
        thread_id=i.thread_id,
        topic=i.topic,
        channel=i.channel,
        n=i.n,
        src=i.src,
        dst=i.dst,
        src_kind=i.src_kind,
        dst_kind=i.dst_kind,
        src_unit=ibis.ifelse(_.src_kind == UNIT, _.src, _.src_unit),
        dst_unit=ibis.ifelse(_.dst_kind == UNIT, _.dst, _.dst_unit),
        src_party_kind=_.src_party_kind,
        dst_party_kind=_.dst_party_kind,
    )
