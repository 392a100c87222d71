"""Active persons of a unit per month and channel, and those of them who took part, from one row per person,
unit and month.

The one pass over the interactions (sphere.py) leaves, for each person end, a row (period, person, unit) with
the channels the person used that month as bits (ends.channel_bits), and beside them the channels the person
took part in (sent in, or was at an end of in a two-way channel; ends.took_column): a twelfth of rows per
person and month and channel would be, at a 10^6-person organisation about 12 million rows instead of 48.
From it:

- a person who stayed in one unit all along counts in that unit only, so the stayers are counted per unit
  (per month and channel, per month, per channel over all months, and over everything) and add up from
  units to the larger groups;
- the few who moved are spread out into (period, channel, person, unit, took) rows, to be counted distinct
  per group directly (``took``: whether the person took part in that unit, month and channel; a mover who
  sent mail in one unit and only received it after moving takes part in the first unit only).
"""

from __future__ import annotations

import functools
import operator

import ibis

from .ends import EVERY_CHANNEL, EVERY_MONTH, channel_bits, took_column

__all__ = ["stayers_and_movers"]


def stayers_and_movers(months: ibis.Table, channels: list[str]) -> tuple[ibis.Table, ibis.Table]:
    """``months``: (period, person, unit, bits_0.., took_0..). Returns the stayers' counts (unit, period,
    channel, persons, contributors: those who took part) and the movers' rows (period, channel, person, unit,
    took); the channel is its index in ``channels``, EVERY_CHANNEL for all channels, and EVERY_MONTH stands
    for all months."""
    bits = channel_bits(channels)
    words = sorted({column for _, column, _ in bits})
    columns = [*words, *(took_column(w) for w in words)]
    units_of = months.group_by("person").aggregate(lo=months.unit.min(), hi=months.unit.max())  # not a distinct count
    movers = units_of.filter(units_of.lo != units_of.hi).select("person").cache()

    stay = months.anti_join(movers, "person")
    # the channels over all months (in SQL: ibis has no bit_or for Spark)
    year = stay.alias("stay").sql(
        f"SELECT person, unit{''.join(f', bit_or({w}) AS {w}' for w in columns)} FROM stay GROUP BY person, unit"
    )
    year = year.mutate(period=ibis.literal(EVERY_MONTH, "int32"))

    def per_unit(t: ibis.Table) -> ibis.Table:
        def has(column: str, bit: int) -> ibis.Value:
            return (t[column] & bit) != 0

        flags = {}
        for k, (_, column, bit) in enumerate(bits):
            flags[f"n_{k}"] = ibis.ifelse(has(column, bit), 1, 0).sum()
            flags[f"c_{k}"] = ibis.ifelse(has(took_column(column), bit), 1, 0).sum()
        took_any = functools.reduce(operator.or_, (t[took_column(w)] != 0 for w in words))
        return t.group_by(["unit", "period"]).aggregate(n_all=t.count(), c_all=ibis.ifelse(took_any, 1, 0).sum(),
                                                        **flags)  # fmt: skip

    counts = ibis.union(per_unit(stay), per_unit(year.select(*stay.columns))).cache()  # units x months: small
    stayers = ibis.union(
        counts.select("unit", "period", channel=ibis.literal(EVERY_CHANNEL, "int16"), persons=counts.n_all,
                      contributors=counts.c_all),
        *(counts.select("unit", "period", channel=ibis.literal(k, "int16"), persons=counts[f"n_{k}"],
                        contributors=counts[f"c_{k}"])
          for k in range(len(bits))),
    )  # fmt: skip
    stayers = stayers.filter(stayers.persons > 0)

    moved = months.semi_join(movers, "person")
    moved = ibis.union(*(
        moved.filter((moved[column] & bit) != 0).select("period", channel=ibis.literal(k, "int16"), person="person",
                                                        unit="unit", took=(moved[took_column(column)] & bit) != 0)
        for k, (_, column, bit) in enumerate(bits)
    ))  # fmt: skip
    return stayers, moved
