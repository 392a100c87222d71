"""The ``orgsphere roles`` group: how well the lexicon and a model tell the staff roles apart on labelled items,
which of them the evidence chooses, and labelling the items that teach the model most."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from ..settings import Settings
from ..text.role_choice import RoleEvaluation, RoleMethod
from ..text.role_rules import ROLES
from ..workspace import add_role_labels, evaluate_roles, propose_role_labels
from .common import STORE, command, echo_json, json_option

__all__ = ["roles", "method_line"]


@click.group()
def roles() -> None:
    """Staff roles: supporting, regulating, executing, advisory."""


def method_line(m: RoleMethod) -> str:
    """Why the method was chosen, in one sentence (from its verdict code, as the report words it)."""
    base = f"always answering {m.baseline_role!r} scores macro-F1 {_fmt(m.baseline_macro_f1)}, " \
           f"accuracy {_fmt(m.baseline_accuracy)}"  # fmt: skip
    return {
        "no_labels": "lexicon: no labelled items, so its accuracy on this organisation is unknown.",
        "lexicon_best": f"lexicon: it beats the baseline and the model ({base}).",
        "model_best": f"model: it beats the baseline, and the lexicon does not add to it ({base}).",
        "combined_best": f"model + lexicon: it beats the baseline and the model alone ({base}).",
        "nothing_beats_baseline": f"none: no method beats the baseline ({base}); every item stays unknown.",
    }[m.reason]


@command("evaluate", own=(), group=roles)
@click.argument("labelled", type=click.Path(path_type=Path))
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds for the model.")
@json_option
def roles_evaluate_cmd(settings: Settings, labelled: Path, folds: int, as_json: bool) -> None:
    """Accuracy, macro-F1, and precision and recall per role on LABELLED work items (CSV or TSV: role, title,
    optionally category) of the lexicon alone, a model trained on the items (cross-validated: each item called
    by a model that did not see it) and the model with the lexicon where it is unsure, against always answering
    the most common role; and the method the report will use with these items as role_training.

    Example: orgsphere roles evaluate tests/data/role_items.tsv
    """
    result = evaluate_roles(labelled, settings, folds)
    if as_json:
        echo_json(result.to_dict())
        return
    _print_evaluation(result)


def _print_evaluation(e: RoleEvaluation) -> None:
    n = sum(e.counts.values())
    click.echo(f"{n:,} labelled items: " + ", ".join(f"{e.counts[r]} {r}" for r in ROLES))
    click.echo(f"\n{'':<20}{'accuracy':>9}{'macro-F1':>9}{'unknown':>9}")
    for name, s in [(f"always {e.baseline_role}", e.baseline), *e.methods.items()]:
        click.echo(f"{name:<20}{_fmt(s.accuracy):>9}{_fmt(s.macro_f1):>9}{s.unknown:>9}")
    click.echo(f"\nused: {method_line(e.choice)}")
    click.echo(f"\n{'':<16}" + "".join(f"{r:>22}" for r in ROLES))
    click.echo(f"{'':<16}" + "".join(f"{'precision  recall':>22}" for _ in ROLES))
    for name, s in e.methods.items():
        click.echo(f"{name:<16}" + "".join(f"{_fmt(s.precision[r]):>11}{_fmt(s.recall[r]):>11}" for r in ROLES))


@command("label", own=STORE, group=roles)
@click.argument("out", type=click.Path(path_type=Path), default="role_labels.csv")
@click.option("--items", "n", default=40, show_default=True, help="How many items to propose.")
@click.option("--add", "filled", type=click.Path(path_type=Path), help="Add this filled-in file to the labelled "
              "items (rows without a role are skipped) and show the learning curve.")
@click.option("--into", type=click.Path(path_type=Path), help="The labelled items to add to (default: the "
              "setting role_training).")
@json_option
def roles_label_cmd(settings: Settings, out: Path, n: int, filled: Path | None, into: Path | None,
                    as_json: bool) -> None:  # fmt: skip
    """Propose the store's staff work items whose labels would teach the role model most (those it is least
    sure of; with no labelled items yet, a sample spread over the lexicon's calls) as a CSV to OUT: fill in
    the role column. Then add it with --add OUT: it joins the labelled items (setting role_training, or
    --into) and the learning curve shows the model's cross-validated macro-F1 by number of labelled items.

    Example: orgsphere roles label todo.csv ; orgsphere roles label --add todo.csv --into labelled.csv
    """
    if filled is None:
        proposals = propose_role_labels(settings, out, n)
        if as_json:
            echo_json({"out": out, "proposals": [asdict(p) for p in proposals]})
            return
        how = "the model is least sure of" if proposals and proposals[0].certainty is not None \
            else "spread over the lexicon's calls (no model yet)"  # fmt: skip
        click.echo(f"{len(proposals)} items to label ({how}) in {out}: fill in the role column "
                   f"({', '.join(ROLES)}), then: orgsphere roles label --add {out}")  # fmt: skip
        return
    added, items, curve = add_role_labels(filled, settings, into)
    if as_json:
        echo_json({"added": added, "items": len(items), "curve": [asdict(p) for p in curve]})
        return
    click.echo(f"{added} labelled items added; {len(items)} in all.")
    if curve:
        click.echo(f"\n{'items':>8}{'macro-F1':>10}{'baseline':>10}")
        for p in curve:
            click.echo(f"{p.items:>8}{p.macro_f1:>10.3f}{p.baseline_macro_f1:>10.3f}")
    else:
        click.echo("No learning curve yet: it needs at least two items of each of two roles.")


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
