"""Benchmark: the text classifiers over many short texts — the role lexicon on work items and the language
audit on sentences — against the cheapest classifier there is: fold the text (lower case, no diacritics)
and search it for one word, as a lexicon of a single word would.

    python benchmarks/bench_text.py              # 50,000 texts
    python benchmarks/bench_text.py --texts 200000 --json text.json

The texts are the labelled work items and sentences of tests/data, repeated. Prints texts per second and the
ratio to that baseline run in the same command; each step runs in a fresh process. Never asserted in tests.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path
from typing import Any

from measure import fresh, step, write_json  # benchmarks/measure.py (run these as scripts)

from orgsphere.text.audit import find_hits
from orgsphere.text.lexicon import fold, load_lexicon
from orgsphere.text.role_rules import load_role_lexicon

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


ONE_WORD = re.compile(r"(?<![a-z0-9])advie[a-z]*")


def texts_of(n: int) -> tuple[list[tuple[str, str]], list[str]]:
    """``n`` work items (title, category) and ``n`` sentences: the labelled ones of tests/data, repeated."""
    items = list(csv.DictReader((DATA / "role_items.tsv").open(encoding="utf-8"), delimiter="\t"))
    with (DATA / "internal_customer_sentences.tsv").open(encoding="utf-8") as fh:
        sentences = [r["sentence"] for r in csv.DictReader(fh, delimiter="\t")]
    titles = [(items[k % len(items)]["title"], items[k % len(items)]["category"]) for k in range(n)]
    return titles, [sentences[k % len(sentences)] for k in range(n)]


def with_lexicons(n: int) -> tuple[list[tuple[str, str]], list[str], Any, Any]:
    return (*texts_of(n), load_role_lexicon(), load_lexicon())


# each step runs in a fresh process (measure.fresh), on the texts and lexicons its setup made there
def one_word_items(data: tuple[Any, ...]) -> int:
    return sum(ONE_WORD.search(fold(t)) is not None for t, _ in data[0])


def role_lexicon(data: tuple[Any, ...]) -> int:
    return sum(data[2].classify(t, c) is not None for t, c in data[0])


def one_word_sentences(data: tuple[Any, ...]) -> int:
    return sum(ONE_WORD.search(fold(t)) is not None for t in data[1])


def language_audit(data: tuple[Any, ...]) -> int:
    return sum(len(find_hits(t, data[3])) for t in data[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=int, default=50_000)
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    print(f"{args.texts:,} texts, each step in a fresh process")
    runs: dict[str, tuple[float, float]] = {}
    for label, func in (("baseline: one word, items", one_word_items), ("role lexicon", role_lexicon),
                        ("baseline: one word, sentences", one_word_sentences), ("language audit", language_audit)):
        _, seconds, peak = fresh(func, args.texts, setup=with_lexicons)
        runs[label] = seconds, peak
        print(f"  {label:<30} {seconds:>7.2f} s  {args.texts / seconds:>10,.0f} texts/s  peak {peak:6,.0f} MiB",
              flush=True)  # fmt: skip
    base_items, base_text = runs["baseline: one word, items"][0], runs["baseline: one word, sentences"][0]
    role_s, audit_s = runs["role lexicon"][0], runs["language audit"][0]
    print(f"\nrole lexicon {role_s / base_items:.1f}x the one-word baseline; language audit {audit_s / base_text:.1f}x")
    baselines = {"role lexicon": base_items, "language audit": base_text}
    write_json(args.json, "text", [step(label, args.texts, seconds, baselines.get(label), peak)
                                   for label, (seconds, peak) in runs.items()])


if __name__ == "__main__":
    main()
