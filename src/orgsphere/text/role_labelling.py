"""Labelling work items where it teaches the role model most: propose the items the current model is least sure
of (uncertainty sampling; with no model yet, a sample spread over what the lexicon calls them), take the filled
in file back, and show the learning curve (cross-validated macro-F1 by number of labelled items)."""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .lexicon import fold
from .role_model import LabelledItem, RoleModel, cross_validate, scores
from .role_rules import ROLES, RoleLexicon

__all__ = ["Proposal", "CurvePoint", "propose", "write_proposals", "write_labelled", "merge_labelled",
           "learning_curve"]  # fmt: skip

PROPOSAL_COLUMNS = ("role", "title", "category", "suggested", "certainty")


@dataclass(frozen=True)
class Proposal:
    """A work item to label: its text, the role the current method calls it, and how sure the model is (None
    when there is no model yet)."""

    title: str
    category: str | None
    suggested: str
    certainty: float | None


@dataclass(frozen=True)
class CurvePoint:
    """The model's cross-validated macro-F1 on the first ``items`` labelled items (and the majority
    baseline's)."""

    items: int
    macro_f1: float
    baseline_macro_f1: float


def _key(title: str | None, category: str | None) -> tuple[str, str]:
    return fold(title or "").strip(), fold(category or "").strip()


def propose(candidates: Sequence[tuple[str, str | None]], labelled: Sequence[LabelledItem], lexicon: RoleLexicon,
            n: int = 40, seed: int = 0) -> list[Proposal]:  # fmt: skip
    """Up to ``n`` of ``candidates`` (title, category; those already labelled and repeats left out) whose labels
    would teach most: with labelled items of two roles or more, those the model trained on them is least sure
    of; else a seeded sample taking in turn from each role the lexicon calls them (and unknown)."""
    seen = {_key(i.title, i.category) for i in labelled}
    fresh: dict[tuple[str, str], tuple[str, str | None]] = {}
    for title, category in candidates:
        key = _key(title, category)
        if key[0] and key not in seen and key not in fresh:
            fresh[key] = (title, category)
    items = list(fresh.values())
    if len({i.role for i in labelled}) >= 2:
        model = RoleModel(lexicon, seed=seed, use_lexicon=False).fit(labelled)
        p = model.probabilities([t for t, _ in items], [c for _, c in items])
        order = sorted(range(len(items)), key=lambda k: (float(p[k].max()), k))[:n]
        return [Proposal(items[k][0], items[k][1], model.classes_[int(p[k].argmax())], float(p[k].max()))
                for k in order]  # fmt: skip
    rng = random.Random(seed)
    groups: dict[str, list[tuple[str, str | None]]] = {}
    for title, category in items:
        groups.setdefault(lexicon.classify(title, category).role, []).append((title, category))
    for group in groups.values():
        rng.shuffle(group)
    out: list[Proposal] = []
    while len(out) < n and any(groups.values()):
        for role in sorted(groups):
            if groups[role] and len(out) < n:
                title, category = groups[role].pop()
                out.append(Proposal(title, category, role, None))
    return out


def write_proposals(path: Path, proposals: Sequence[Proposal]) -> None:
    """The proposals as a CSV to fill in: an empty role column first, then the text and the suggestion."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(PROPOSAL_COLUMNS)
        for p in proposals:
            writer.writerow(["", p.title, p.category or "", p.suggested,
                             "" if p.certainty is None else f"{p.certainty:.3f}"])  # fmt: skip


def write_labelled(path: Path, items: Sequence[LabelledItem]) -> None:
    """Labelled items as the CSV :func:`~orgsphere.text.role_model.read_labelled` reads."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("role", "title", "category"))
        writer.writerows((i.role, i.title, i.category or "") for i in items)


def merge_labelled(old: Sequence[LabelledItem], new: Sequence[LabelledItem]) -> list[LabelledItem]:
    """``old`` with ``new`` added; a new label of an item already labelled replaces the old one."""
    merged = {_key(i.title, i.category): i for i in old}
    merged |= {_key(i.title, i.category): i for i in new}
    return list(merged.values())


def learning_curve(items: Sequence[LabelledItem], lexicon: RoleLexicon, folds: int = 5,
                   seed: int = 0) -> list[CurvePoint]:  # fmt: skip
    """The model's cross-validated macro-F1 on growing random samples of ``items`` (20, 40, 80, ... and all),
    each with the majority baseline's (a role with one item in a sample is left out of it: it cannot be
    cross-validated; a sample with fewer than two roles left is no point of the curve)."""
    order = list(items)
    random.Random(seed).shuffle(order)
    sizes = [m for m in (20 * 2**k for k in range(20)) if m < len(order)] + [len(order)]
    out = []
    for m in sizes:
        counts = {r: sum(i.role == r for i in order[:m]) for r in ROLES}
        sample = [i for i in order[:m] if counts[i.role] >= 2]
        if sum(c >= 2 for c in counts.values()) < 2:
            continue
        model = cross_validate(sample, lexicon, folds, seed).get("model")
        if model is None:
            continue
        majority = max(ROLES, key=lambda r: (counts[r], -ROLES.index(r)))
        baseline = scores([i.role for i in sample], [majority] * len(sample))
        out.append(CurvePoint(m, model.macro_f1, baseline.macro_f1))
    return out
