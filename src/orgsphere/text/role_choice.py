"""Which way of classifying staff roles to believe, from the evidence: on the organisation's labelled items the
lexicon, the model and the model with the lexicon are scored (the model cross-validated) against the majority
baseline (always answering the most common role), and the method used is the best one that beats it. Without
labelled items the lexicon is used, and its accuracy on this organisation is unknown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .role_model import LabelledItem, RoleModel, Scores, cross_validate, scores
from .role_rules import ROLES, UNKNOWN, RoleCall, RoleLexicon

__all__ = ["METHODS", "REASONS", "NO_LABELS", "RoleMethod", "RoleEvaluation", "beats", "choose", "evaluate_labelled",
           "classifier", "LEXICON_ON_REAL_TEXT"]  # fmt: skip

METHODS = ("lexicon", "model", "model + lexicon")
NONE = "none"  # no method beats the baseline: every item stays unknown
# the verdict codes: why the method was chosen (the CLI and the report word each one)
REASONS = ("no_labels", "lexicon_best", "model_best", "combined_best", "nothing_beats_baseline")
_REASON_OF = {"lexicon": "lexicon_best", "model": "model_best", "model + lexicon": "combined_best"}

# The built-in lexicon on real text it was not written against: the 97 Dutch citizen service requests of
# maartensukel/example-textual-classification-citizen-reports (waste and roads: supporting; nuisance, a request
# for enforcement: regulating), text only. Measured by `python benchmarks/bench_roles.py`; a test re-measures it.
LEXICON_ON_REAL_TEXT: dict[str, Any] = {
    "items": 97, "accuracy": 0.041, "macro_f1": 0.049, "baseline_accuracy": 0.794, "baseline_macro_f1": 0.443,
    "unknown_share": 0.959,
}  # fmt: skip


@dataclass(frozen=True)
class RoleMethod:
    """How the work items were classified (``method``: one of METHODS, or "none"), why (``reason``: one of
    REASONS), and how well that did on the organisation's labelled items (None without them)."""

    method: str
    reason: str
    labelled: int = 0
    accuracy: float | None = None
    macro_f1: float | None = None
    baseline_role: str | None = None
    baseline_accuracy: float | None = None
    baseline_macro_f1: float | None = None
    labelled_roles: str | None = None  # the roles the labelled items hold, comma-separated: all a model can answer

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


NO_LABELS = RoleMethod("lexicon", "no_labels")  # no labelled items: the lexicon, of unknown accuracy here


@dataclass(frozen=True)
class RoleEvaluation:
    """Every method's scores on the labelled items, the majority baseline's, and the choice."""

    counts: dict[str, int]  # labelled items per role
    baseline_role: str
    baseline: Scores
    methods: dict[str, Scores]  # lexicon always; the model ones where a model could be cross-validated
    choice: RoleMethod

    def to_dict(self) -> dict[str, Any]:
        return {"items": sum(self.counts.values()), "counts": self.counts,
                "baseline": {"role": self.baseline_role, **self.baseline.to_dict()},
                "methods": {m: s.to_dict() for m, s in self.methods.items()},
                "choice": self.choice.to_dict()}  # fmt: skip


def beats(a: Scores, b: Scores) -> bool:
    """``a`` is better than ``b`` on both macro-F1 and accuracy."""
    return a.macro_f1 > b.macro_f1 and a.accuracy > b.accuracy


def choose(methods: dict[str, Scores], baseline: Scores, baseline_role: str,
           labelled_roles: Sequence[str] = ()) -> RoleMethod:  # fmt: skip
    """The method to use: of those that beat the baseline (and, for the model with the lexicon, the model
    alone), the one with the highest macro-F1; "none" when none does. ``labelled_roles``: the roles the labelled
    items hold (a model trained on them answers no other)."""
    known = ",".join(r for r in ROLES if r in labelled_roles) or None
    good = [m for m in METHODS if m in methods and beats(methods[m], baseline)]
    if "model + lexicon" in good and "model" in methods and not beats(methods["model + lexicon"], methods["model"]):
        good.remove("model + lexicon")
    if not good:
        return RoleMethod(NONE, "nothing_beats_baseline", baseline.n, None, None, baseline_role, baseline.accuracy,
                          baseline.macro_f1, known)  # fmt: skip
    best = max(good, key=lambda m: (methods[m].macro_f1, methods[m].accuracy, -METHODS.index(m)))
    return RoleMethod(best, _REASON_OF[best], baseline.n, methods[best].accuracy, methods[best].macro_f1,
                      baseline_role, baseline.accuracy, baseline.macro_f1, known)


def evaluate_labelled(items: Sequence[LabelledItem], lexicon: RoleLexicon, folds: int = 5,
                      seed: int = 0) -> RoleEvaluation:  # fmt: skip
    """Score every method on ``items`` (the model cross-validated) and the majority baseline, and choose."""
    counts = Counter(i.role for i in items)
    majority = max(ROLES, key=lambda r: (counts[r], -ROLES.index(r)))
    truth = [i.role for i in items]
    baseline = scores(truth, [majority] * len(truth))
    methods = cross_validate(items, lexicon, folds, seed)
    return RoleEvaluation({r: counts[r] for r in ROLES}, majority, baseline, methods,
                          choose(methods, baseline, majority, [r for r in ROLES if counts[r]]))  # fmt: skip


def classifier(method: str, lexicon: RoleLexicon, labelled: Sequence[LabelledItem] | None,
               seed: int = 0) -> Callable[[Sequence[str | None], Sequence[str | None]], list[RoleCall]]:  # fmt: skip
    """Titles and categories -> role calls, by ``method`` (a model is trained on ``labelled`` where needed)."""
    if method in ("model", "model + lexicon") and labelled:
        return RoleModel(lexicon, seed=seed, use_lexicon=method == "model + lexicon").fit(labelled).classify
    if method == NONE:
        return lambda titles, categories: [RoleCall(UNKNOWN, 0.0, ()) for _ in titles]
    return lambda titles, categories: [lexicon.classify(t, c) for t, c in zip(titles, categories, strict=True)]
