"""Staff roles from the work items in the store: every item classified (by the method the evidence chose:
the lexicon, or a model trained on the organisation's own labelled items, alone or with the lexicon), a role
profile per staff unit and period against its intended role, who asks for the work, and flags where the
position looks unhealthy."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..engine import TableSource
from ..markers import ALL
from ..text.role_choice import NO_LABELS, RoleMethod, classifier, evaluate_labelled
from ..text.role_model import read_labelled
from ..text.role_rules import ROLES, UNKNOWN, RoleCall, load_role_lexicon
from .lookups import Memberships, sorted_rows
from .periods import week_of

__all__ = ["classified_items", "classify_staff_work", "staff_item_texts", "role_profiles", "role_flags", "FlagRules",
           "PROFILE_SCHEMA"]

PROFILE_SCHEMA = pa.schema([
    ("period", pa.string()), ("unit", pa.string()), ("intended_role", pa.string()), ("items", pa.int64()),
    *[(role, pa.int64()) for role in (*ROLES, UNKNOWN)], ("main_role", pa.string()), ("main_share", pa.float64()),
    ("requesting_units", pa.int64()), ("top_requester", pa.string()), ("top_requester_share", pa.float64()),
    # how the items were classified, why, and how well that does on the labelled items (RoleMethod)
    ("method", pa.string()), ("method_reason", pa.string()), ("method_labelled", pa.int64()),
    ("method_accuracy", pa.float64()), ("method_macro_f1", pa.float64()), ("method_baseline_role", pa.string()),
    ("method_baseline_accuracy", pa.float64()), ("method_baseline_macro_f1", pa.float64()),
    ("method_labelled_roles", pa.string()),
])  # fmt: skip



Classify = Callable[[Sequence[str | None], Sequence[str | None]], list[RoleCall]]


@dataclass(frozen=True)
class FlagRules:
    """Thresholds of the flags (settings ``role_*``)."""

    mismatch_share: float = 0.8  # another role this dominant over the intended one
    regulating_share: float = 0.5  # this much regulating work ...
    min_advice: float = 0.05  # ... with less advice than this
    requester_share: float = 0.6  # one line unit asking this much of all work
    min_items: int = 20  # fewer items in the period: no flags


def classified_items(store: TableSource, classify: Classify,
                     members: Memberships | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Work items of staff units with their role, confidence and deciding words (``classify``: titles and
    categories to role calls, e.g. :func:`orgsphere.text.role_choice.classifier`), and the requester's unit when
    the item was opened."""
    members = members or Memberships.of(store)
    w, units = store.table("work_items"), store.table("units")
    staff = units.filter(units.kind == "staff").select("unit_id")
    items = w.semi_join(staff, w.assignee_unit == staff.unit_id)
    items = items.select("item_id", "opened", "assignee_unit", "category", "title", "requester")
    rows = [(r["item_id"], None if r["opened"] is None else r["opened"].strftime("%Y-%m"), r["assignee_unit"],
             r["category"], r["title"], members.unit_on(r["requester"], r["opened"]),
             None if r["opened"] is None else week_of(r["opened"].date()))
            for r in sorted_rows(items, ["opened", "item_id"])]  # fmt: skip
    calls = classify([r[4] for r in rows], [r[3] for r in rows])
    return [{"item": r[0], "period": r[1], "week": r[6], "unit": r[2], "category": r[3], "title": r[4],
             "requester_unit": r[5], "role": c.role, "confidence": c.confidence, "words": ", ".join(c.words)}
            for r, c in zip(rows, calls, strict=True)]  # fmt: skip


def classify_staff_work(store: TableSource, role_lexicon: Path | None, role_training: Path | None, seed: int,
                        members: Memberships | None = None) -> tuple[list[dict[str, Any]], RoleMethod]:  # fmt: skip
    """The staff units' work items classified (:func:`classified_items`) by the method the evidence chooses:
    on the organisation's labelled items (``role_training``) the best of lexicon and model, without them the
    lexicon (settings ``role_lexicon``, ``role_training``, ``seed``); and that method."""
    lexicon = load_role_lexicon(role_lexicon)
    labelled = read_labelled(role_training) if role_training else None
    method = evaluate_labelled(labelled, lexicon, seed=seed).choice if labelled else NO_LABELS
    return classified_items(store, classifier(method.method, lexicon, labelled, seed), members), method


def staff_item_texts(store: TableSource) -> list[tuple[str, str | None]]:
    """The title and category of every work item of a staff unit that has a title (kept with keep_texts)."""
    w, units = store.table("work_items"), store.table("units")
    staff = units.filter(units.kind == "staff").select("unit_id")
    items = w.semi_join(staff, w.assignee_unit == staff.unit_id).filter(w.title.notnull())
    return [(r["title"], r["category"]) for r in sorted_rows(items.select("item_id", "title", "category"), ["item_id"])]


def role_profiles(items: list[dict[str, Any]], intended: dict[str, str | None],
                  method: RoleMethod = NO_LABELS) -> pa.Table:  # fmt: skip
    """Per period (and 'all') and staff unit: items per role, the main role and its share (of the items with
    a known role), the units that ask for the work, and ``method``: how the items were classified."""
    how = {("method" if k == "method" else f"method_{k}"): v for k, v in method.to_dict().items()}
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    askers: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for it in items:
        for period in {it["period"] or ALL, ALL}:
            counts[(period, it["unit"])][it["role"]] += 1
            if it["requester_unit"] and it["requester_unit"] != it["unit"]:
                askers[(period, it["unit"])][it["requester_unit"]] += 1
    rows = []
    for (period, unit), c in sorted(counts.items()):
        known = sum(c[r] for r in ROLES)
        main = max(ROLES, key=lambda r: (c[r], -ROLES.index(r))) if known else None
        ask = askers[(period, unit)]
        top = ask.most_common(1)[0] if ask else (None, 0)
        rows.append({"period": period, "unit": unit, "intended_role": intended.get(unit),
                     "items": sum(c.values()), **{r: c[r] for r in (*ROLES, UNKNOWN)}, "main_role": main,
                     "main_share": c[main] / known if main else None, "requesting_units": len(ask),
                     "top_requester": top[0],
                     "top_requester_share": top[1] / sum(ask.values()) if ask else None, **how})  # fmt: skip
    return pa.Table.from_pylist(rows, schema=PROFILE_SCHEMA)


def role_flags(profiles: pa.Table, rules: FlagRules, far_from_customer: set[str], only_supplier: set[str]) -> pa.Table:
    """Flags per staff unit over the whole period, each with the figures behind it: ``mismatch`` (another
    role dominates the intended one), ``regulating_without_advice``, ``one_requester`` and ``only_tickets``
    (out of sight of the customer and nothing but supplier relations with the line)."""
    out = []
    for p in profiles.to_pylist():
        if p["period"] != ALL or p["items"] < rules.min_items:
            continue
        known = sum(p[r] for r in ROLES)
        share = {r: p[r] / known if known else 0.0 for r in ROLES}
        main, intended = p["main_role"], p["intended_role"]
        if intended in ROLES and main and main != intended and share[main] >= rules.mismatch_share:
            out.append({"unit": p["unit"], "flag": "mismatch", "role": main, "share": share[main], "other": intended,
                        "other_share": share[intended]})  # fmt: skip
        if share["regulating"] >= rules.regulating_share and share["advisory"] < rules.min_advice:
            out.append({"unit": p["unit"], "flag": "regulating_without_advice", "role": "regulating",
                        "share": share["regulating"], "other": "advisory",
                        "other_share": share["advisory"]})  # fmt: skip
        if p["top_requester_share"] is not None and p["top_requester_share"] >= rules.requester_share \
                and p["requesting_units"] > 0:
            out.append({"unit": p["unit"], "flag": "one_requester", "role": None, "share": p["top_requester_share"],
                        "other": p["top_requester"], "other_share": None})  # fmt: skip
    for unit in sorted(far_from_customer & only_supplier):
        out.append({"unit": unit, "flag": "only_tickets", "role": None, "share": None, "other": None,
                    "other_share": None})  # fmt: skip
    schema = pa.schema([("unit", pa.string()), ("flag", pa.string()), ("role", pa.string()), ("share", pa.float64()),
                        ("other", pa.string()), ("other_share", pa.float64())])  # fmt: skip
    return pa.Table.from_pylist(out, schema=schema)
