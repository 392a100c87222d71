"""The learned view of staff roles: a model trained on an organisation's own labelled work items (character
n-grams of the folded title and category, so Dutch compounds and inflections share features; logistic
regression), with cross-validated precision and recall per role, and the lexicon wherever the model is
unsure."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from .lexicon import fold
from .role_rules import ROLES, UNKNOWN, RoleCall, RoleLexicon

__all__ = ["LabelledItem", "read_labelled", "RoleModel", "Scores", "scores", "cross_validate"]

LABEL_COLUMNS = ("role", "title")  # required; category and lang optional


@dataclass(frozen=True)
class LabelledItem:
    role: str
    title: str
    category: str | None = None


def read_labelled(path: Path, skip_blank: bool = False) -> list[LabelledItem]:
    """Labelled work items from a CSV or TSV with columns role, title and optionally category (other columns are
    ignored); ``skip_blank``: rows with no role yet (a proposal not filled in) are left out, not refused, and one
    role is enough (the items are added to others)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the labelled items ({exc.strerror}).") from None
    dialect = "excel-tab" if "\t" in text.splitlines()[0] else "excel"
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    missing = [c for c in LABEL_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{path}: no column {', '.join(missing)}; expected columns role, title and optionally "
                         "category (CSV or TSV with a header row).")  # fmt: skip
    items = []
    for line, row in enumerate(reader, start=2):
        role = (row["role"] or "").strip().lower()
        if skip_blank and not role:
            continue
        if role not in ROLES:
            raise InputError(f"{path}, line {line}: role {row['role']!r} is not one of {', '.join(ROLES)}.")
        items.append(LabelledItem(role, row["title"] or "", (row.get("category") or "").strip() or None))
    if skip_blank and not items:
        raise InputError(f"{path}: no row has a role yet; fill in the role column ({', '.join(ROLES)}).")
    if not skip_blank and len({i.role for i in items}) < 2:
        raise InputError(f"{path}: the labelled items need at least two roles to learn from.")
    return items


def _text(title: str | None, category: str | None) -> str:
    return fold(f"{category or ''} | {title or ''}")


class RoleModel:
    """Logistic regression on character n-grams; with ``use_lexicon``, where its probability is below
    ``min_probability`` the lexicon decides (and may say unknown)."""

    def __init__(self, lexicon: RoleLexicon, min_probability: float = 0.6, seed: int = 0, use_lexicon: bool = True):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.lexicon, self.min_probability, self.use_lexicon = lexicon, min_probability, use_lexicon
        self.pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1),
            LogisticRegression(max_iter=2000, C=10.0, random_state=seed),
        )

    def fit(self, items: Sequence[LabelledItem]) -> RoleModel:
        self.pipeline.fit([_text(i.title, i.category) for i in items], [i.role for i in items])
        return self

    def probabilities(self, titles: Sequence[str | None], categories: Sequence[str | None]) -> np.ndarray:
        """Each item's probability of each role (columns in the order of ``classes_``)."""
        return np.asarray(self.pipeline.predict_proba([_text(t, c) for t, c in zip(titles, categories, strict=True)]))

    @property
    def classes_(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    def classify(self, titles: Sequence[str | None], categories: Sequence[str | None]) -> list[RoleCall]:
        probabilities = self.probabilities(titles, categories)
        classes = self.classes_
        out = []
        for title, category, p in zip(titles, categories, probabilities, strict=True):
            best = int(np.argmax(p))
            if p[best] >= self.min_probability or not self.use_lexicon:
                out.append(RoleCall(classes[best], float(p[best]), ("model",)))
            else:
                out.append(self.lexicon.classify(title, category))
        return out


@dataclass(frozen=True)
class Scores:
    precision: dict[str, float | None]
    recall: dict[str, float | None]
    unknown: int  # items called unknown
    n: int
    accuracy: float = 0.0  # share of the items called right (unknown is wrong)
    macro_f1: float = 0.0  # F1 averaged over the roles the items really have (each role counts the same)

    def to_dict(self) -> dict[str, object]:
        return {"accuracy": self.accuracy, "macro_f1": self.macro_f1, "unknown": self.unknown, "n": self.n,
                "precision": self.precision, "recall": self.recall}  # fmt: skip


def scores(truth: Sequence[str], called: Sequence[str]) -> Scores:
    """Precision and recall per role; an item called unknown counts against recall, not precision."""
    precision: dict[str, float | None] = {}
    recall: dict[str, float | None] = {}
    for role in ROLES:
        tp = sum(t == role and c == role for t, c in zip(truth, called, strict=True))
        said = sum(c == role for c in called)
        real = sum(t == role for t in truth)
        precision[role] = tp / said if said else None
        recall[role] = tp / real if real else None
    from sklearn.metrics import f1_score

    present = [r for r in ROLES if recall[r] is not None]  # macro-F1 over the roles the items really have
    macro = float(f1_score(truth, called, labels=present, average="macro", zero_division=0)) if present else 0.0
    right = sum(t == c for t, c in zip(truth, called, strict=True))
    return Scores(precision, recall, sum(c == UNKNOWN for c in called), len(truth),
                  right / len(truth) if truth else 0.0, macro)  # fmt: skip


def cross_validate(items: Sequence[LabelledItem], lexicon: RoleLexicon, folds: int = 5,
                   seed: int = 0) -> dict[str, Scores]:  # fmt: skip
    """The lexicon alone, the model alone and the model with the lexicon where it is unsure, each item
    called by a model that did not see it (stratified folds; no more folds than the rarest role has items, and
    the lexicon alone when a role has fewer than two)."""
    from sklearn.model_selection import StratifiedKFold

    truth = [i.role for i in items]
    lexicon_calls = [lexicon.classify(i.title, i.category).role for i in items]
    folds = min(folds, *(truth.count(r) for r in set(truth)))
    if folds < 2 or len(set(truth)) < 2:
        return {"lexicon": scores(truth, lexicon_calls)}
    model_only = [""] * len(items)
    combined = [""] * len(items)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(items)), truth):
        model = RoleModel(lexicon, seed=seed).fit([items[k] for k in train])
        calls = model.classify([items[k].title for k in test], [items[k].category for k in test])
        raw = model.pipeline.predict([_text(items[k].title, items[k].category) for k in test])
        for k, call, guess in zip(test, calls, raw, strict=True):
            combined[k], model_only[k] = call.role, str(guess)
    return {"lexicon": scores(truth, lexicon_calls), "model": scores(truth, model_only),
            "model + lexicon": scores(truth, combined)}  # fmt: skip
