"""The ``orgsphere roles`` group: how well the lexicon and a model tell the staff roles apart on labelled items."""

from __future__ import annotations

from pathlib import Path

import click

from ..settings import Settings
from ..text.role_rules import ROLES
from ..workspace import evaluate_roles
from .common import command

__all__ = ["roles"]


@click.group()
def roles() -> None:
    """Staff roles: supporting, regulating, executing, advisory."""


@command("evaluate", own=(), group=roles)
@click.argument("labelled", type=click.Path(path_type=Path))
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds for the model.")
def roles_evaluate_cmd(settings: Settings, labelled: Path, folds: int) -> None:
    """Precision and recall per role on LABELLED work items (CSV or TSV: role, title, optionally category):
    the lexicon alone, a model trained on the items (cross-validated: each item called by a model that did
    not see it), and the model with the lexicon where it is unsure.

    Example: orgsphere roles evaluate tests/data/role_items.tsv
    """
    items, results = evaluate_roles(labelled, settings, folds)
    click.echo(f"{len(items):,} labelled items: " + ", ".join(f"{sum(i.role == r for i in items)} {r}" for r in ROLES))
    click.echo(f"\n{'':<16}" + "".join(f"{r:>22}" for r in ROLES) + f"{'unknown':>9}")
    click.echo(f"{'':<16}" + "".join(f"{'precision  recall':>22}" for _ in ROLES))
    for name, s in results.items():
        cells = "".join(f"{_fmt(s.precision[r]):>11}{_fmt(s.recall[r]):>11}" for r in ROLES)
        click.echo(f"{name:<16}{cells}{s.unknown:>9}")


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
