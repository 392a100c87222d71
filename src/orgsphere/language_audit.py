"""The language audit of ``orgsphere audit-language``: every hit of internal-customer language ("interne klant",
"SLA", "u vraagt, wij draaien") in documents on disk or in the store's documents and kept ticket texts, with the
counts per document and per unit and a CSV of the hits."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .analysis.language import Text, store_texts
from .analysis.lookups import TableSource
from .ingest.document_formats import document_files, read_document
from .ingest.limits import ReadLimits
from .settings import Settings
from .text.audit import find_hits, guess_lang
from .text.lexicon import load_lexicon

__all__ = ["LanguageAudit", "audit_texts", "document_texts", "store_texts_of", "HIT_COLUMNS"]

HIT_COLUMNS = ("source", "unit", "line", "term", "context", "words", "sentence", "suggestion")


@dataclass(frozen=True)
class LanguageAudit:
    """The texts read (documents and ticket texts) and one row per hit: source, unit, line, term, context (what
    made the internal context of a term that needs it: sentence, paragraph or owner; empty for a term that needs
    none), words, sentence and suggestion (a partner wording)."""

    documents: int
    tickets: int
    rows: list[dict[str, Any]]

    @property
    def texts(self) -> int:
        """How many texts were read."""
        return self.documents + self.tickets

    def counts(self, key: str) -> list[tuple[str, str, int]]:
        """Hits per ``key`` ("source": per document, tickets left out; "unit": per unit) and term: (name, term,
        hits), by name and most hits first."""
        counts = Counter((r[key], r["term"]) for r in self.rows
                         if r[key] and not (key == "source" and r[key].startswith("ticket ")))  # fmt: skip
        return [(name, term, n) for (name, term), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1]))]

    def to_dict(self) -> dict[str, Any]:
        """The audit as plain data (``--json``): texts read, every hit, and the counts per document and unit."""
        return {"documents": self.documents, "tickets": self.tickets, "hits": self.rows,
                "per_document": [{"source": n, "term": t, "hits": k} for n, t, k in self.counts("source")],
                "per_unit": [{"unit": n, "term": t, "hits": k} for n, t, k in self.counts("unit")]}  # fmt: skip

    def write_csv(self, out: Path) -> Path:
        """Write every hit to the CSV file ``out``."""
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=HIT_COLUMNS)
            writer.writeheader()
            writer.writerows(self.rows)
        return out


def document_texts(paths: Sequence[Path], settings: Settings) -> list[Text]:
    """The texts of the documents at ``paths`` (.txt, .md, .html, .docx, .pdf; folders are searched)."""
    limits = ReadLimits.of(settings)
    texts = []
    for path in document_files(list(paths)):
        text = read_document(path, limits)
        texts.append(Text("document", str(path), None, guess_lang(text), text))
    return texts


def store_texts_of(store: TableSource) -> list[Text]:
    """The store's documents and kept ticket texts."""
    return list(store_texts(store))


def audit_texts(texts: Iterable[Text], settings: Settings) -> LanguageAudit:
    """Every hit of the lexicon (the built-in one plus the setting lexicon) in ``texts``; a text of a staff unit
    is its own internal context."""
    lexicon = load_lexicon(*([settings.lexicon] if settings.lexicon else []))
    rows = []
    documents = tickets = 0
    for t in texts:
        documents += t.source == "document"
        tickets += t.source != "document"
        for h in find_hits(t.text, lexicon, t.lang, t.staff):
            where = t.name if t.source == "document" else f"ticket {t.name}"
            rows.append({"source": where, "unit": t.unit or "", "line": h.line, "term": h.term,
                         "context": h.context or "", "words": h.match, "sentence": h.sentence,
                         "suggestion": h.suggestion})  # fmt: skip
    return LanguageAudit(documents, tickets, rows)
