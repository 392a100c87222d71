"""Benchmark: the role lexicon on real text it was not written against — the 97 Dutch citizen service requests
in ../shared/data/real/dutch-service-requests (maartensukel/example-textual-classification-citizen-reports),
their categories mapped to staff roles — against always answering the most common role, and the model
(character n-grams, logistic regression) cross-validated on the same items.

    python benchmarks/bench_roles.py
    python benchmarks/bench_roles.py --json roles.json

The mapping: a request to collect waste or repair a road or street furniture asks for a standard service
(supporting); a report of nuisance (by people, businesses, animals, in public space) asks the municipality to
enforce its rules (regulating). Only the text is classified; the category is the answer. Prints accuracy,
macro-F1 and the share called unknown per method, the baseline, and the method the evidence chooses.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from orgsphere.text.role_choice import evaluate_labelled
from orgsphere.text.role_model import LabelledItem
from orgsphere.text.role_rules import load_role_lexicon

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real" / "dutch-service-requests"
ROLE_OF = {  # the request's category -> the role of the work it asks for
    "Afval": "supporting",
    "Wegen, verkeer, straatmeubilair": "supporting",
    "Overlast in de openbare ruimte": "regulating",
    "Overlast van en door personen of groepen": "regulating",
    "Overlast Bedrijven en Horeca": "regulating",
    "Overlast van dieren": "regulating",
}


def load_requests(folder: Path = DATA) -> list[LabelledItem]:
    """The requests as labelled items: the text as title (no category: the category is the answer)."""
    with (folder / "requests.csv").open(encoding="utf-8", newline="") as f:
        return [LabelledItem(ROLE_OF[r["Label"]], r["Tekst"]) for r in csv.DictReader(f)]


def measure(folder: Path = DATA, folds: int = 5) -> dict[str, object]:
    """The evaluation as a dict, with the share of items each method calls unknown."""
    result = evaluate_labelled(load_requests(folder), load_role_lexicon(), folds).to_dict()
    for scores in result["methods"].values():
        scores["unknown_share"] = scores["unknown"] / scores["n"]
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="the dutch-service-requests folder")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args()
    result = measure(args.data, args.folds)
    base = result["baseline"]
    print(f"{result['items']} requests: " + ", ".join(f"{n} {r}" for r, n in result["counts"].items() if n))
    print(f"{'':<22}{'accuracy':>9}{'macro-F1':>9}{'unknown':>9}")
    print(f"{'always ' + base['role']:<22}{base['accuracy']:>9.3f}{base['macro_f1']:>9.3f}{0:>9.3f}")
    for name, s in result["methods"].items():
        print(f"{name:<22}{s['accuracy']:>9.3f}{s['macro_f1']:>9.3f}{s['unknown_share']:>9.3f}")
    print(f"chosen: {result['choice']['method']} ({result['choice']['reason']})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
