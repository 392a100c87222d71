"""The synthetic organisation of bench_scale.py, written as a warehouse snapshot (the Parquet layout orgsphere
publish writes): teams of lognormal sizes under departments and divisions, 2% of persons moving team mid-year,
2,150 outside parties (2,000 of them customers), and interactions over a year on four channels, in time order.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

CHUNK = 2_000_000
CHANNELS = ["email", "meeting", "chat", "ticket"]
START = np.datetime64("2025-01-01T00:00:00", "us").astype(np.int64)
YEAR_US = 365 * 86_400 * 1_000_000

def pseudonyms(n: int, rng: np.random.Generator) -> pa.Array:
    """n distinct 20-hex-digit identifiers, shaped like the store's HMAC pseudonyms."""
    values = rng.integers(0, 2**48, n, dtype=np.int64)
    return pa.array([f"{v:012x}{i:08x}" for i, v in enumerate(values)], pa.string())  # distinct by the index


def write_org(location: str, persons: int, interactions: int, seed: int) -> dict[str, Any]:
    from orgsphere.warehouse import write_snapshot

    rng = np.random.default_rng(seed)
    sizes: list[int] = []
    while sum(sizes) < persons:
        sizes.append(int(max(3, rng.lognormal(2.5, 0.8))))
    sizes[-1] -= sum(sizes) - persons
    sizes = [s for s in sizes if s > 0]
    teams = len(sizes)
    unit_of = np.repeat(np.arange(teams), sizes)
    departments, divisions = (teams + 11) // 12, max(1, (teams + 119) // 120)
    unit_ids = ([f"T{t}" for t in range(teams)] + [f"D{d}" for d in range(departments)]
                + [f"V{v}" for v in range(divisions)] + ["F"])
    parents = ([f"D{t // 12}" for t in range(teams)] + [f"V{d // 10}" for d in range(departments)]
               + ["F"] * divisions + [None])
    staff = rng.random(teams) < 0.3
    kinds = ["staff" if s else "line" for s in staff] + [None] * (departments + divisions + 1)
    units = pa.table({"unit_id": unit_ids, "name": unit_ids, "parent_id": pa.array(parents, pa.string()),
                      "kind": kinds})

    ids = pseudonyms(persons + 2150, rng)
    person_ids, party_ids = ids.slice(0, persons), ids.slice(persons)
    movers = np.flatnonzero(rng.random(persons) < 0.02)
    moved_to = rng.integers(0, teams, movers.size)
    half = date(2025, 7, 1)
    stay = np.setdiff1d(np.arange(persons), movers)
    people = pa.table({
        "person_id": pa.concat_arrays([person_ids.take(pa.array(stay)), person_ids.take(pa.array(movers)),
                                       person_ids.take(pa.array(movers))]),
        "unit_id": pa.array([f"T{u}" for u in unit_of[stay]] + [f"T{u}" for u in unit_of[movers]]
                            + [f"T{u}" for u in moved_to]),
        "valid_from": pa.array([None] * (stay.size + movers.size) + [half] * movers.size, pa.date32()),
        "valid_to": pa.array(
            [None] * stay.size + [half - timedelta(days=1)] * movers.size + [None] * movers.size, pa.date32()
        ),
        "fte": pa.array(np.ones(stay.size + 2 * movers.size)),
    })  # fmt: skip
    party_kind = ["customer"] * 2000 + ["supplier"] * 50 + ["other"] * 100
    parties = pa.table({"party_id": party_ids, "kind": party_kind})

    members = np.argsort(unit_of, kind="stable")
    first = np.searchsorted(unit_of[members], np.arange(teams))
    size = np.bincount(unit_of, minlength=teams)
    ends = pa.concat_arrays([person_ids, party_ids])
    kinds_dict = pa.array(["person", "party"])
    channels = pa.array(CHANNELS)

    def batches():  # type: ignore[no-untyped-def]
        for done in range(0, interactions, CHUNK):  # in time order, as orgsphere publish writes them
            m = min(CHUNK, interactions - done)
            begin, end = done * YEAR_US // interactions, (done + m) * YEAR_US // interactions
            src = rng.integers(0, persons, m)
            draw = rng.random(m)
            same, colleague = draw < 0.55, (draw >= 0.55) & (draw < 0.88)
            dst = rng.integers(0, persons, m)
            u = unit_of[src[same]]
            dst[same] = members[first[u] + (rng.random(same.sum()) * size[u]).astype(np.int64)]
            outside = ~(same | colleague)
            dst[outside] = persons + rng.integers(0, 2150, outside.sum())
            flip = outside & (rng.random(m) < 0.4)
            s, d = np.where(flip, dst, src), np.where(flip, src, dst)
            yield pa.record_batch({
                "ts": pa.array(START + np.sort(rng.integers(begin, max(end, begin + 1), m)), pa.timestamp("us")),
                "src": pa.DictionaryArray.from_arrays(pa.array(s.astype(np.int32)), ends),
                "dst": pa.DictionaryArray.from_arrays(pa.array(d.astype(np.int32)), ends),
                "src_kind": pa.DictionaryArray.from_arrays(pa.array((s >= persons).astype(np.int8)), kinds_dict),
                "dst_kind": pa.DictionaryArray.from_arrays(pa.array((d >= persons).astype(np.int8)), kinds_dict),
                "channel": pa.DictionaryArray.from_arrays(pa.array(rng.integers(0, 4, m).astype(np.int8)), channels),
                "weight": pa.array(np.ones(m)),
                "thread_id": pa.nulls(m, pa.string()),
                "source_id": pa.DictionaryArray.from_arrays(pa.array(np.zeros(m, np.int8)), pa.array(["bench"])),
                "topic": pa.nulls(m, pa.string()),
            })  # fmt: skip

    meta = {"schema_version": "4", "key_fingerprint": "synthetic"}
    manifest = write_snapshot(location, {"units": units, "people": people, "parties": parties,
                                         "interactions": batches()}, meta)  # fmt: skip
    return {"teams": teams, "units": len(unit_ids), "counts": manifest["counts"]}
