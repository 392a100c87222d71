"""The report's staff-roles section: per staff unit the share of its work in each role against the role the
org chart intends, the flags of unhealthy positions in words, and example items per role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..markers import ALL
from ..results import Results
from ..text.role_choice import LEXICON_ON_REAL_TEXT
from ..text.role_rules import ROLES, UNKNOWN
from .i18n import Words, labels

__all__ = ["roles_context", "flag_words", "method_words"]


def flag_words(f: dict[str, Any], t: Words, n: Callable[..., str], names: dict[str, str]) -> str:
    """One flag as a sentence with its figures."""
    roles = labels(t)["role"]

    def pct(v: float) -> str:
        return n(100 * v) + "%"

    if f["flag"] == "mismatch":
        return t.gettext("meant to be %(intended)s (%(other)s of the work), but %(share)s is %(role)s",
                         role=roles[f["role"]], share=pct(f["share"]), intended=roles[f["other"]],
                         other=pct(f["other_share"] or 0))  # fmt: skip
    if f["flag"] == "regulating_without_advice":
        return t.gettext("%(share)s regulating and %(other)s advice: checks without counsel", share=pct(f["share"]),
                         other=pct(f["other_share"] or 0))
    if f["flag"] == "one_requester":
        return t.gettext("%(share)s of the requests come from %(unit)s alone", share=pct(f["share"]),
                         unit=names.get(f["other"], f["other"]))
    return t.gettext("out of sight of the customer, and only supplier relations with the line")


def method_words(m: dict[str, Any], t: Words, n: Callable[..., str]) -> dict[str, str]:
    """How the items were classified (``m``: a profile row's method columns) as a label, the short accuracy
    shown beside each profile, and the sentence that says why this method, each from its verdict code."""
    def dec(v: float | None) -> str:
        return n(v, 2) if v is not None else "–"

    def pct(v: float | None) -> str:
        return n(100 * (v or 0)) + "%"

    label = {"lexicon": t.gettext("lexicon"), "model": t.gettext("model"),
             "model + lexicon": t.gettext("model + lexicon"), "none": t.gettext("none")}[m["method"]]  # fmt: skip
    figures = {"items": n(m["method_labelled"] or 0), "f1": dec(m["method_macro_f1"]),
               "accuracy": pct(m["method_accuracy"]), "baseline_f1": dec(m["method_baseline_macro_f1"]),
               "baseline": pct(m["method_baseline_accuracy"]),
               "role": labels(t)["role"].get(m["method_baseline_role"] or "", "")}  # fmt: skip
    if m["method_reason"] == "no_labels":
        real = LEXICON_ON_REAL_TEXT
        return {"label": label, "score": t.gettext("accuracy here unknown"), "why": t.gettext(
            "Classified by the lexicon. How accurate that is for this organisation is unknown: no labelled items "
            "were given (setting role_training; orgsphere roles label proposes which to label). On %(items)s real "
            "Dutch service requests it was not written for, the lexicon got %(accuracy)s right, against %(baseline)s "
            "for always answering the most common role (macro-F1 %(f1)s against %(baseline_f1)s), and could not "
            "tell %(unknown)s of them. Read the profiles below as a first look, not as a measurement.",
            items=n(real["items"]), accuracy=pct(real["accuracy"]), baseline=pct(real["baseline_accuracy"]),
            f1=dec(real["macro_f1"]), baseline_f1=dec(real["baseline_macro_f1"]),
            unknown=pct(real["unknown_share"]))}  # fmt: skip
    score = t.gettext("macro-F1 %(f1)s (always %(role)s: %(baseline_f1)s)", **figures)
    why = {
        "lexicon_best": t.gettext(
            "Classified by the lexicon: on your %(items)s labelled items it scores a macro-F1 of %(f1)s (%(accuracy)s "
            "right), better than a model trained on them and than always answering %(role)s (macro-F1 "
            "%(baseline_f1)s, %(baseline)s right).", **figures),
        "model_best": t.gettext(
            "Classified by a model trained on your %(items)s labelled items: cross-validated it scores a macro-F1 of "
            "%(f1)s (%(accuracy)s right), against %(baseline_f1)s (%(baseline)s right) for always answering "
            "%(role)s. The lexicon did worse, and adding it to the model did not make the model better.", **figures),
        "combined_best": t.gettext(
            "Classified by a model trained on your %(items)s labelled items, with the lexicon where the model is "
            "unsure: cross-validated it scores a macro-F1 of %(f1)s (%(accuracy)s right), better than the model "
            "alone and than always answering %(role)s (macro-F1 %(baseline_f1)s, %(baseline)s right).", **figures),
        "nothing_beats_baseline": t.gettext(
            "No method tells the roles apart on your %(items)s labelled items better than always answering %(role)s "
            "(macro-F1 %(baseline_f1)s, %(baseline)s right): the lexicon and the model both do worse, so every "
            "item is shown as unknown. Label more items (orgsphere roles label).", **figures),
    }[m["method_reason"]]
    known = [r for r in (m.get("method_labelled_roles") or "").split(",") if r]
    if known and len(known) < len(ROLES):
        roles = labels(t)["role"]
        why += " " + t.ngettext(
            "Your labelled items hold only the role %(known)s, so the scores say nothing of %(missing)s, and a model "
            "trained on them never answers those: label items of every role (orgsphere roles label).",
            "Your labelled items hold only the roles %(known)s, so the scores say nothing of %(missing)s, and a model "
            "trained on them never answers those: label items of every role (orgsphere roles label).", len(known),
            known=", ".join(roles[r] for r in known), missing=", ".join(roles[r] for r in ROLES if r not in known),
        )  # fmt: skip
    return {"label": label, "score": score, "why": why}


def roles_context(results: Results, t: Words, n: Callable[..., str]) -> dict[str, Any]:
    table = results["roles"].arrow
    if "main_role" not in table.column_names:
        return {"rows": []}
    names = results.unit_names()
    flags: dict[str, list[str]] = {}
    for f in results["role_flags"].arrow.to_pylist() if "unit" in results["role_flags"].arrow.column_names else []:
        flags.setdefault(f["unit"], []).append(flag_words(f, t, n, names))
    rows = []
    method: dict[str, str] | None = None
    for r in table.to_pylist():
        if r["period"] != ALL or r["suppressed"] or not r["items"]:
            continue
        method = method or (method_words(r, t, n) if r.get("method") else None)
        bars = [(role, 100.0 * r[role] / r["items"]) for role in (*ROLES, UNKNOWN)]
        rows.append({"unit": r["unit"], "name": names.get(r["unit"]) or r["unit"], "intended": r["intended_role"],
                     "n_items": r["items"], "bars": bars, "main": r["main_role"], "main_share": r["main_share"],
                     "flags": flags.get(r["unit"], []), "method": method})  # fmt: skip
    suggested = {s["unit"]: s["signature_role"] for s in results["signatures"].arrow.to_pylist()
                 if "signature_role" in s and not s.get("suppressed")}  # fmt: skip
    for r in rows:
        r["signature"] = suggested.get(r["unit"])
        r["disagree"] = bool(r["signature"] and r["main"] and r["signature"] != r["main"])
    rows.sort(key=lambda r: (not r["flags"], r["name"]))
    examples: dict[str, list[dict[str, Any]]] = {}
    role_examples = results["role_examples"].arrow
    for e in role_examples.to_pylist() if "role" in role_examples.column_names else []:
        if e["role"] in ROLES:
            examples.setdefault(e["role"], []).append({**e, "name": names.get(e["unit"]) or e["unit"]})
    return {"rows": rows, "method": method, "flagged": sum(bool(r["flags"]) for r in rows),
            "disagree": sum(r["disagree"] for r in rows),
            "examples": [(role, examples[role][:4]) for role in ROLES if role in examples]}
