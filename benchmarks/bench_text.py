"""Benchmark: the text classifiers over many short texts — the role lexicon on work items and the language
audit on sentences — against the cheapest classifier there is: fold the text (lower case, no diacritics)
and search it for one word, as a lexicon of a single word would.

    python benchmarks/bench_text.py              # 50,000 texts
    python benchmarks/bench_text.py --texts 200000 --json text.json

The texts are the labelled work items and sentences of tests/data, repeated. Prints texts per second and the
ratio to that baseline run in the same process. Never asserted in tests.
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from pathlib import Path

from measure import step, write_json  # benchmarks/measure.py (run these as scripts)

from orgsphere.text.audit import find_hits
from orgsphere.text.lexicon import fold, load_lexicon
from orgsphere.text.role_rules import load_role_lexicon

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=int, default=50_000)
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    items = list(csv.DictReader((DATA / "role_items.tsv").open(encoding="utf-8"), delimiter="\t"))
    sentences_file = (DATA / "internal_customer_sentences.tsv").open(encoding="utf-8")
    sentences = [r["sentence"] for r in csv.DictReader(sentences_file, delimiter="\t")]
    titles = [(items[k % len(items)]["title"], items[k % len(items)]["category"]) for k in range(args.texts)]
    texts = [sentences[k % len(sentences)] for k in range(args.texts)]
    roles, lexicon = load_role_lexicon(), load_lexicon()
    one_word = re.compile(r"(?<![a-z0-9])advie[a-z]*")

    def timed(label: str, work: object) -> float:
        t = time.perf_counter()
        work()  # type: ignore[operator]
        seconds = time.perf_counter() - t
        print(f"  {label:<30} {seconds:>7.2f} s  {args.texts / seconds:>10,.0f} texts/s", flush=True)
        return seconds

    print(f"{args.texts:,} texts")
    base_items = timed("baseline: one word, items", lambda: [one_word.search(fold(t)) for t, _ in titles])
    role_s = timed("role lexicon", lambda: [roles.classify(t, c) for t, c in titles])
    base_text = timed("baseline: one word, sentences", lambda: [one_word.search(fold(t)) for t in texts])
    audit_s = timed("language audit", lambda: [find_hits(t, lexicon) for t in texts])
    print(f"\nrole lexicon {role_s / base_items:.1f}x the one-word baseline; language audit {audit_s / base_text:.1f}x")
    write_json(args.json, "text", [step("baseline: one word, items", args.texts, base_items),
                                   step("role lexicon", args.texts, role_s, base_items),
                                   step("baseline: one word, sentences", args.texts, base_text),
                                   step("language audit", args.texts, audit_s, base_text)])  # fmt: skip


if __name__ == "__main__":
    main()
