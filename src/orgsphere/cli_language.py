"""CLI commands of the language audit: ingest documents, and audit-language."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import click

from .analysis.language import Text, store_texts
from .cli import cli, command, echo_json, ingest, json_option
from .ingest.document_formats import document_files, read_document
from .ingest.limits import ReadLimits
from .text.audit import find_hits, guess_lang
from .text.lexicon import load_lexicon
from .workspace import Workspace

__all__: list[str] = []


@command(ingest, "documents")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--unit", default=None, help="The unit the documents belong to (default: a folder on their path "
                                           "named like a unit of the org chart).")  # fmt: skip
@json_option
def ingest_documents_cmd(settings: Any, paths: tuple[Path, ...], unit: str | None, as_json: bool) -> None:
    """Ingest documents for the language audit: .txt, .md, .html, .docx, .pdf (folders are searched).

    Example: orgsphere ingest documents intranet/ICT "Dienstverleningsovereenkomst HR.docx" --unit "HR Shared Services"
    """
    with Workspace(settings) as ws:
        reports = ws.ingest_documents(*paths, unit=unit)
    if as_json:  # a list: one report per document file
        echo_json([report.to_dict() for report in reports])
        return
    for report in reports:
        click.echo(report.summary())


@command(cli, "audit-language")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="Write every hit (source, unit, line, term, words, sentence, suggestion) to this CSV file.")
@click.option("--show", default=20, show_default=True, help="Hits to print in context.")
def audit_language_cmd(settings: Any, paths: tuple[Path, ...], out: Path | None, show: int) -> None:
    """Find the language of the internal customer ("interne klant", "SLA", "u vraagt, wij draaien",
    "pakket van eisen", internal satisfaction surveys) in PATHS (.txt, .md, .html, .docx, .pdf; folders are
    searched), or, without PATHS, in the store's documents and kept ticket texts. Prints counts per document
    and per unit and each hit in context with a partner wording. Extend the terms with --lexicon FILE.

    Example: orgsphere audit-language beleid/ --out hits.csv
    """
    lexicon = load_lexicon(*([settings.lexicon] if settings.lexicon else []))
    if paths:
        texts = []
        for path in document_files(list(paths)):
            text = read_document(path, ReadLimits.of(settings))
            texts.append(Text("document", str(path), None, guess_lang(text), text))
    else:
        with Workspace(settings, read_only=True) as ws:
            texts = list(store_texts(ws.store))
        if not texts:
            raise click.UsageError("the store holds no documents or ticket texts; give PATHS, or ingest documents "
                                   "first (orgsphere ingest documents FOLDER), or tickets with keep_texts = true.")  # fmt: skip
    rows = []
    for t in texts:
        for h in find_hits(t.text, lexicon, t.lang):
            where = t.name if t.source == "document" else f"ticket {t.name}"
            rows.append({"source": where, "unit": t.unit or "", "line": h.line, "term": h.term, "words": h.match,
                         "sentence": h.sentence, "suggestion": h.suggestion})  # fmt: skip
    documents = sum(t.source == "document" for t in texts)
    click.echo(f"{documents:,} documents and {len(texts) - documents:,} ticket texts read; {len(rows):,} hits of "
               "internal-customer language")  # fmt: skip
    for title, key in (("per document", "source"), ("per unit", "unit")):
        # tickets are counted per unit, not one by one
        counts = Counter((r[key], r["term"]) for r in rows if r[key] and not (key == "source"
                                                                             and r[key].startswith("ticket ")))  # fmt: skip
        if counts:
            click.echo(f"\n{title}:")
            for (name, term), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1])):
                click.echo(f"  {n:>5,}  {term:<22} {name}")
    if rows and show:
        click.echo(f"\nin context (first {min(show, len(rows))}):")
        for r in rows[:show]:
            click.echo(f"  {r['source']}:{r['line']}  [{r['term']}] {r['sentence'][:160]}")
            click.echo(f"      → {r['suggestion']}")
    if out is not None:
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["source"])
            writer.writeheader()
            writer.writerows(rows)
        click.echo(f"\nhits written to {out}")
