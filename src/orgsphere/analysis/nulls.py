"""Null models: what each unit's counts would be if contacts were made at random, given who is how active.

Random mixing alone makes the share of cross-unit contacts fall with unit size (a unit of N people meets
itself in proportion to N), so a log-log fit over units "finds" a scaling law that is only arithmetic.
Two null models give every unit its expected intra, inter, external and customer counts, from which its
expected R (external / internal) and B (boundary / intra: contacts crossing the unit's surface against
those inside it) follow:

- **random mixing** (closed form): every interaction end pairs with a random other end, in proportion to
  activity. A unit with S ends out of T (P of them outside parties) expects S(S−1)/(2(T−1)) contacts
  inside, S(U−S)/(T−1) with other units (U unit ends) and S·P/(T−1) with the outside.
- **degree-preserving rewiring** (sampled, seeded, repeated): the directed interaction graph is rewired
  at random keeping every sender's and every receiver's number of interactions (the configuration model
  that repeated edge swaps on the multigraph converge to: receivers shuffled over senders). A unit's
  counts under it follow exact hypergeometric laws of the unit-level margins (its out- and in-ends, those
  of the parties), drawn here per unit without materialising any interaction; the small dependence
  between units (of order a·b/M²) is ignored. Each unit gets its expected ratios (from the mean counts) and a
  95% band over the samples.

Both need only the unit margins (:func:`~orgsphere.analysis.margins.unit_margins`: at most two rows per unit
and channel), computed inside the engine; nothing here touches the interactions.

Excess inwardness of a unit = its observed intra-unit contacts / those random mixing expects: 1 is what
chance gives, 3 means three times as turned inward. ``inward_p`` is the share of rewired samples with at
least the observed intra count (a one-sided p-value: small means more inward than chance).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..rows import rows_where

__all__ = ["Margins", "margins", "random_mixing", "rewired", "null_table", "NULL_MODELS"]

NULL_MODELS = ("mixing", "rewired")


@dataclass(frozen=True)
class Margins:
    """Unit-level margins of one channel, and the observed counts per unit."""

    units: list[str]
    out: np.ndarray  # a: interactions each unit sends
    into: np.ndarray  # b: interactions each unit receives
    party_out: int  # A_P: sent by outside parties (to units)
    party_in: int  # B_P: received by outside parties
    customer_out: int
    customer_in: int
    total: int  # M: interactions in the pool
    intra: np.ndarray
    inter: np.ndarray
    external: np.ndarray
    customer: np.ndarray


def margins(table: pa.Table, channel: str = "all") -> Margins:
    """The margins of one channel from a :func:`~orgsphere.analysis.margins.unit_margins` table."""
    t = rows_where(table, channel=channel)

    def col(name: str) -> np.ndarray:
        return np.asarray(pc.fill_null(t[name], 0).to_numpy(zero_copy_only=False), dtype=np.int64)

    out, into, intra = col("out"), col("into"), col("intra")
    to_party, from_party = col("to_party"), col("from_party")
    return Margins(
        units=t["unit"].to_pylist(),
        out=out, into=into,
        party_out=int(from_party.sum()), party_in=int(to_party.sum()),
        customer_out=int(col("from_customer").sum()), customer_in=int(col("to_customer").sum()),
        total=int(out.sum() + from_party.sum()),
        intra=intra,
        inter=(out - intra - to_party) + (into - intra - from_party),
        external=to_party + from_party,
        customer=col("to_customer") + col("from_customer"),
    )  # fmt: skip


def _ratios(intra: np.ndarray, inter: np.ndarray, external: np.ndarray, customer: np.ndarray) -> dict[str, np.ndarray]:
    """R, R_customer and B from counts; a ratio over zero is NaN for R (no internal contact at all) and
    +inf for B when contacts cross the boundary but none stays inside."""
    internal = intra + inter
    boundary = inter + external
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "R": np.where(internal > 0, external / np.where(internal > 0, internal, 1), np.nan),
            "R_customer": np.where(internal > 0, customer / np.where(internal > 0, internal, 1), np.nan),
            "B": np.where(intra > 0, boundary / np.where(intra > 0, intra, 1), np.where(boundary > 0, np.inf, np.nan)),
        }


def random_mixing(m: Margins) -> dict[str, np.ndarray]:
    """Expected counts and ratios per unit when every end pairs with a random other end."""
    s = (m.out + m.into).astype(float)
    ends = 2.0 * m.total
    unit_ends = float(s.sum())
    party_ends = float(m.party_out + m.party_in)
    customer_ends = float(m.customer_out + m.customer_in)
    d = max(ends - 1.0, 1.0)
    counts = {
        "intra": s * np.maximum(s - 1.0, 0.0) / (2.0 * d),
        "inter": s * (unit_ends - s) / d,
        "external": s * party_ends / d,
        "customer": s * customer_ends / d,
    }
    return {**counts, **_ratios(**counts)}


def rewired(m: Margins, samples: int, seed: int) -> dict[str, np.ndarray]:
    """Counts and ratios per unit in ``samples`` degree-preserving rewirings: arrays of shape (samples, units)."""
    rng = np.random.default_rng(seed)
    shape = (samples, len(m.units))
    a = np.broadcast_to(m.out, shape)
    b = np.broadcast_to(m.into, shape)
    total = m.total

    def draw(good: np.ndarray | int, bad: np.ndarray | int, n: np.ndarray) -> np.ndarray:
        good = np.broadcast_to(np.asarray(good, dtype=np.int64), shape)
        bad = np.broadcast_to(np.asarray(bad, dtype=np.int64), shape)
        return rng.hypergeometric(good, np.maximum(bad, 0), np.minimum(n, good + np.maximum(bad, 0)))

    # the unit's sent interactions, over receivers: itself, outside parties (customers among them), other units
    intra = draw(b, total - b, a)
    to_party = draw(m.party_in, total - b - m.party_in, a - intra)
    to_customer = draw(m.customer_in, m.party_in - m.customer_in, to_party)
    # its received interactions not already paired with its own, over senders other than itself
    rest = b - intra
    from_party = draw(m.party_out, total - a - m.party_out, rest)
    from_customer = draw(m.customer_out, m.party_out - m.customer_out, from_party)
    counts = {
        "intra": intra,
        "inter": (a - intra - to_party) + (rest - from_party),
        "external": to_party + from_party,
        "customer": to_customer + from_customer,
    }
    return {**counts, **_ratios(**{k: v.astype(float) for k, v in counts.items()})}


def _band(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2.5% and 97.5% over the samples (axis 0) per unit, ignoring undefined samples (NaN where all are)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: a unit with no internal contact
        # order statistics, not interpolation: a band may reach +inf (samples with nothing inside)
        low = np.nanpercentile(samples, 2.5, axis=0, method="lower")
        high = np.nanpercentile(samples, 97.5, axis=0, method="higher")
    return low, high


def null_table(m: Margins, samples: int, seed: int) -> pa.Table:
    """Per unit: observed counts and ratios, their expectations under both null models, the rewired 95%
    bands, excess inwardness and its one-sided p-value."""
    observed = _ratios(m.intra.astype(float), m.inter.astype(float), m.external.astype(float),
                       m.customer.astype(float))  # fmt: skip
    mix = random_mixing(m)
    columns: dict[str, object] = {
        "unit": m.units, "intra": m.intra, "inter": m.inter, "external": m.external, "customer": m.customer,
        **observed,
        "intra_mixing": mix["intra"], "R_mixing": mix["R"], "R_customer_mixing": mix["R_customer"],
        "B_mixing": mix["B"],
    }  # fmt: skip
    if samples > 0 and m.units:
        rw = rewired(m, samples, seed)
        expected = _ratios(*(rw[c].mean(axis=0) for c in ("intra", "inter", "external", "customer")))
        for name in ("R", "R_customer", "B"):  # expected ratio = ratio of expected counts, as for mixing
            columns[f"{name}_rewired"] = expected[name]
            columns[f"{name}_rewired_low"], columns[f"{name}_rewired_high"] = _band(rw[name])
        columns["intra_rewired"] = rw["intra"].mean(axis=0)
        columns["inward_p"] = (np.sum(rw["intra"] >= m.intra[None, :], axis=0) + 1) / (samples + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        columns["excess_inwardness"] = np.where(mix["intra"] > 0, m.intra / np.where(mix["intra"] > 0, mix["intra"], 1),
                                                np.nan)  # fmt: skip
    return pa.table({k: pa.array(v, from_pandas=True) if isinstance(v, np.ndarray) else pa.array(v)
                     for k, v in columns.items()})  # fmt: skip
