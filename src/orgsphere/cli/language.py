"""The ``orgsphere audit-language`` command: internal-customer language in documents and ticket texts."""

from __future__ import annotations

from pathlib import Path

import click

from ..settings import Settings
from ..workspace import audit_language
from .common import command, echo_json, json_option

__all__ = ["COMMANDS"]


@command("audit-language")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="Write every hit (source, unit, line, term, context, words, sentence, suggestion) to this CSV "
                   "file.")  # fmt: skip
@click.option("--show", default=20, show_default=True, help="Hits to print in context.")
@json_option
def audit_language_cmd(settings: Settings, paths: tuple[Path, ...], out: Path | None, show: int,
                       as_json: bool) -> None:  # fmt: skip
    """Find the language of the internal customer ("interne klant", "SLA", "u vraagt, wij draaien",
    "pakket van eisen", internal satisfaction surveys) in PATHS (.txt, .md, .html, .docx, .pdf; folders are
    searched), or, without PATHS, in the store's documents and kept ticket texts. Prints counts per document
    and per unit and each hit in context with a partner wording. A word also used about real customers (SLA,
    "de klant bepaalt", satisfaction) counts with internal context in its sentence, its paragraph, or as the
    text of a staff unit; each hit says which (sentence, paragraph, owner). Extend the terms with
    --setting lexicon=FILE.

    Example: orgsphere audit-language beleid/ --out hits.csv
    """
    audit = audit_language(settings, paths)
    if not paths and not audit.texts:
        raise click.UsageError("the store holds no documents or ticket texts; give PATHS, or ingest documents "
                               "first (orgsphere ingest documents FOLDER), or tickets with keep_texts = true.")
    if out is not None:
        audit.write_csv(out)
    if as_json:
        echo_json(audit.to_dict())
        return
    rows = audit.rows
    click.echo(f"{audit.documents:,} documents and {audit.tickets:,} ticket texts read; {len(rows):,} hits of "
               "internal-customer language")  # fmt: skip
    for title, key in (("per document", "source"), ("per unit", "unit")):  # tickets are counted per unit
        counts = audit.counts(key)
        if counts:
            click.echo(f"\n{title}:")
            for name, term, n in counts:
                click.echo(f"  {n:>5,}  {term:<22} {name}")
    if rows and show:
        click.echo(f"\nin context (first {min(show, len(rows))}):")
        for r in rows[:show]:
            why = f", {r['context']} context" if r["context"] else ""
            click.echo(f"  {r['source']}:{r['line']}  [{r['term']}{why}] {r['sentence'][:160]}")
            click.echo(f"      → {r['suggestion']}")
    if out is not None:
        click.echo(f"\nhits written to {out}")


COMMANDS = [audit_language_cmd]
