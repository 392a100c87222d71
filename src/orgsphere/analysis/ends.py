"""Both ends of every interaction, placed and classified in one pass: what the sphere metrics count.

Each end is looked up once in a table of every person membership, unit and outside party (one join per end,
with the membership's validity), which gives it integer codes: its unit, the unit's ancestor at every depth,
the person. Each end is then classified by where the other end is:

- ``rel`` >= 0: the other end is a placed person (or a unit) whose unit shares the ancestor at depth ``rel``
  with this end's unit; ``depth + 1``: the same unit. (Ancestors nest, so "inside the group at depth d" is
  ``rel >= d``.)
- ``NO_COMMON``: a placed person in another tree; ``CUSTOMER`` / ``PARTY``: an outside party, a customer or
  not; ``NOWHERE``: an unplaced person (no membership on that day) or a unit the org chart no longer has.

Months are integers (``year * 100 + month``, ``UNDATED_MONTH`` for an undated interaction) and units and persons
integer codes, so the aggregations over hundreds of millions of ends hash integers, not strings; the sphere
metrics keep them so to the end and label their result once.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import pyarrow as pa

from ..engine import TableSource, engine_of, local_table, materialise
from ..schema import PARTY, PERSON, UNIT
from .lookups import FIRST, LAST, UNDATED_DAY
from .periods import Period, period_code

__all__ = ["classified_interactions", "channel_bits", "took_column", "channels_of", "unit_codes", "NO_COMMON",
           "CUSTOMER", "PARTY_END", "NOWHERE", "UNDATED_MONTH", "EVERY_MONTH", "EVERY_CHANNEL"]  # fmt: skip

NO_COMMON, CUSTOMER, PARTY_END, NOWHERE = -1, -2, -3, -4
UNDATED_MONTH, EVERY_MONTH, EVERY_CHANNEL = 0, -1, -1


def unit_codes(ancestors: pa.Table) -> pa.Table:
    """``unit_id``, ``code`` (int32) and ``c0`` .. ``cD``: the code of the unit's ancestor at each depth."""
    code = {u: i for i, u in enumerate(ancestors["unit_id"].to_pylist())}
    columns = {"unit_id": ancestors["unit_id"], "code": pa.array(range(len(code)), pa.int32())}
    for name in ancestors.column_names[1:]:  # g0 .. gD
        columns[f"c{name[1:]}"] = pa.array([code.get(g) for g in ancestors[name].to_pylist()], pa.int32())
    return pa.table(columns)


def _end_lookup(store: TableSource, codes: ibis.Table, depth: int, party_kinds: Sequence[str]) -> ibis.Table:
    """(kind, id, vf, vt, unit, c0..cD, person, party, pk): every end an interaction can name, and its codes
    (``pk``: a party's kind as its index in ``party_kinds``, -1 for any other kind)."""
    levels = [f"c{d}" for d in range(depth + 1)]
    null_levels = {c: ibis.null("int32") for c in levels}
    first, last = ibis.date(FIRST.year, FIRST.month, FIRST.day), ibis.date(LAST.year, LAST.month, LAST.day)
    people = store.table("people")
    p = people.left_join(codes, people.unit_id == codes.unit_id)
    persons = p.select(
        kind=ibis.literal(PERSON), id=p.person_id, vf=p.valid_from.fill_null(first), vt=p.valid_to.fill_null(last),
        unit=p.code, **{c: p[c] for c in levels},
        person=ibis.dense_rank().over(order_by=p.person_id).cast("int32"), party=ibis.null("int8"),
        pk=ibis.null("int8"),
    )  # fmt: skip
    units = codes.select(kind=ibis.literal(UNIT), id=codes.unit_id, vf=first, vt=last, unit=codes.code,
                         **{c: codes[c] for c in levels}, person=ibis.null("int32"), party=ibis.null("int8"),
                         pk=ibis.null("int8"))  # fmt: skip
    parties = store.table("parties")
    outside = parties.select(
        kind=ibis.literal(PARTY), id=parties.party_id, vf=first, vt=last, unit=ibis.null("int32"), **null_levels,
        person=ibis.null("int32"),
        party=ibis.ifelse(parties.kind == "customer", CUSTOMER, PARTY_END).cast("int8"),
        pk=(ibis.cases(*((parties.kind == k, i) for i, k in enumerate(party_kinds)), else_=-1) if party_kinds
            else ibis.literal(-1)).cast("int8"),
    )  # fmt: skip
    types = {c: t.copy(nullable=True) for c, t in persons.schema().items()}  # the parts differ in nullability
    return materialise(ibis.union(*(part.cast(types) for part in (persons, units, outside))))


@ibis.udf.scalar.builtin(name="hash", signature=(("string",), "uint64"))
def _hash(value: str) -> int:  # type: ignore[empty-body]
    """DuckDB's 64-bit hash of a value (as the function itself: ibis's own hash() adds two casts per row)."""


def _by_hash(store: TableSource, lookup: ibis.Table) -> bool:
    """Whether the ends may be matched on a 64-bit hash of their id rather than on the id (20 characters):
    on DuckDB, a third of the time of the two lookups of 10^8 ends (the strings compared in the join cost
    more than hashing them). Exact only when every end id of the interactions is in the lookup (so an id
    can only meet its own hash, the hashes of the lookup being distinct, checked by the caller): a
    published snapshot records that (``ends_known``, checked as it was written); a store does not, and
    is matched on the ids."""
    return store.ends_known and engine_of(lookup) == "duckdb"


def channels_of(store: TableSource) -> list[str]:
    """The channels the interactions carry, in name order (their codes); with no interactions at all one
    channel no row carries, so the queries stay whole."""
    channels = store.table("interactions").select("channel").distinct().to_pyarrow()["channel"].to_pylist()
    return sorted(channels) or ["all"]


def channel_bits(channels: list[str]) -> list[tuple[str, str, int]]:
    """(channel, column, bit): each channel a bit in one of the columns ``bits_0``, ``bits_1`` .. (62 a column)."""
    return [(c, f"bits_{k // 62}", 1 << (k % 62)) for k, c in enumerate(channels)]


def took_column(column: str) -> str:
    """The column beside ``bits_k`` with the same bits for the channels a person took part in (sent in, or
    was at an end of an interaction of a two-way channel): ``took_k``."""
    return "took_" + column.removeprefix("bits_")


def classified_interactions(store: TableSource, codes: pa.Table, depth: int, channels: list[str],
                            party_kinds: Sequence[str] = (), period: Period = "month") -> ibis.Table:  # fmt: skip
    """Rows (period, ch, s_unit, s_person, s_rel, d_unit, d_person, d_rel, unplaced, n), one per
    interaction row (``n``: the interactions it stands for, which every count adds up): ``s_rel`` the class
    of the receiver as the sender sees it, ``d_rel`` of the sender as the
    receiver sees it; ``ch`` is the channel's index in ``channels`` (its bit: :func:`channel_bits`);
    ``*_person`` is set for a placed person end only; ``unplaced`` is 1 for an
    interaction that has a person with no membership on its day. With ``party_kinds``, also ``s_pk`` and
    ``d_pk``: an outside party end's kind as its index there (-1 another kind), null for other ends.
    ``period``: months, or ISO weeks (:mod:`~orgsphere.analysis.periods`)."""
    i = store.table("interactions")
    lookup = _end_lookup(store, local_table(i, codes), depth, party_kinds)
    day = i.ts.date().fill_null(ibis.date(UNDATED_DAY.year, UNDATED_DAY.month, UNDATED_DAY.day))
    # an id names one person, unit or party (pseudonyms, org-chart ids and party ids do not meet), so the
    # join matches on it alone, a third cheaper than on (id, kind); should two kinds ever share an id, on both
    hashed = _by_hash(store, lookup)
    kinds = lookup.select("kind", "id").distinct()
    tallies = {"n": kinds.count(), "ids": kinds.id.nunique()}
    if hashed:
        tallies["hashes"] = _hash(kinds.id).nunique()
    shared = kinds.aggregate(**tallies).to_pyarrow().to_pylist()[0]
    by_kind = shared["n"] != shared["ids"]
    hashed = hashed and not by_kind and shared["hashes"] == shared["ids"]
    if hashed:
        lookup = lookup.mutate(h=_hash(lookup.id))
    s = lookup.view().rename({f"s_{c}": c for c in lookup.columns})
    d = lookup.view().rename({f"d_{c}": c for c in lookup.columns})

    def key(end: str, e: ibis.Table) -> list[ibis.Value]:
        if hashed:
            return [_hash(i[end]) == e[f"{end[0]}_h"]]
        return [i[end] == e[f"{end[0]}_id"]] + ([i[f"{end}_kind"] == e[f"{end[0]}_kind"]] if by_kind else [])

    t = i.left_join(s, [*key("src", s), day.between(s.s_vf, s.s_vt)])
    t = t.left_join(d, [*key("dst", d), day.between(d.d_vf, d.d_vt)])
    t = t.select(
        period=ibis.ifelse(i.ts.isnull(), UNDATED_MONTH, period_code(i.ts, period)).cast("int32"),
        ch=ibis.cases(*((i.channel == c, k) for k, c in enumerate(channels)), else_=-1).cast("int16"),
        src_kind=i.src_kind, dst_kind=i.dst_kind, n=i.n,
        **{c: s[c] for c in s.columns if c not in ("s_kind", "s_id", "s_vf", "s_vt", "s_h")},
        **{c: d[c] for c in d.columns if c not in ("d_kind", "d_id", "d_vf", "d_vt", "d_h")},
    )  # fmt: skip
    common = ibis.cases(
        (t.s_unit == t.d_unit, depth + 1),
        *((t[f"s_c{k}"] == t[f"d_c{k}"], k) for k in range(depth, -1, -1)),
        else_=NO_COMMON,
    )

    def rel(other: str) -> ibis.Value:
        return ibis.cases(
            (t[f"{other}_party"].notnull(), t[f"{other}_party"].cast("int32")),
            (t[f"{other}_unit"].notnull(), common),
            else_=NOWHERE,
        ).cast("int8")

    unplaced = ((t.src_kind == PERSON) & t.s_unit.isnull()) | ((t.dst_kind == PERSON) & t.d_unit.isnull())
    kinds = ("s_pk", "d_pk") if party_kinds else ()
    return t.select("period", "ch", "s_unit", "s_person", *kinds, s_rel=rel("d"), d_unit="d_unit",
                    d_person="d_person", d_rel=rel("s"), unplaced=ibis.ifelse(unplaced, 1, 0).cast("int8"),
                    n="n")  # fmt: skip
