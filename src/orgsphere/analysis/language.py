"""The language audit over what the store holds: its documents and, where their texts were kept, its tickets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

from ..engine import TableSource
from ..text.audit import find_hits
from ..text.lexicon import Lexicon
from .lookups import sorted_rows, unit_column

__all__ = ["language_table", "store_texts", "Text", "LANGUAGE_SCHEMA"]

LANGUAGE_SCHEMA = pa.schema([("source", pa.string()), ("name", pa.string()), ("unit", pa.string()),
                             ("lang", pa.string()), ("term", pa.string()), ("hits", pa.int64()),
                             ("suggest_en", pa.string()), ("suggest_nl", pa.string())])  # fmt: skip


@dataclass(frozen=True)
class Text:
    source: str  # document | tickets
    name: str  # the document's path, or the ticket's hashed number
    unit: str | None
    lang: str | None  # None: guessed from the text
    text: str
    staff: bool = False  # the text belongs to a staff unit: its own internal context (see text.audit)


def store_texts(store: TableSource) -> Iterator[Text]:
    """The store's documents, then the title and description of every ticket that kept them; each says whether
    its unit (the document's owner, the ticket's assignee) is a staff unit."""
    staff = {unit for unit, kind in unit_column(store, "kind").items() if kind == "staff"}
    for r in sorted_rows(store.table("documents").select("path", "lang", "text", "unit_id"), ["path"]):
        yield Text("document", r["path"], r["unit_id"], r["lang"], r["text"] or "", r["unit_id"] in staff)
    w = store.table("work_items")
    w = w.filter(w.title.notnull() | w.text.notnull()).select("item_id", "opened", "assignee_unit", "title", "text")
    for r in sorted_rows(w, ["opened", "item_id"]):
        body = ". ".join(t for t in (r["title"], r["text"]) if t)
        yield Text("tickets", r["item_id"], r["assignee_unit"], None, body, r["assignee_unit"] in staff)


def language_table(store: TableSource, lexicon: Lexicon) -> pa.Table:
    """Hits per document and term, and per unit and term over the ticket texts (source 'tickets'), with the
    term's partner wording. A document or unit read without a hit has one row with no term and 0 hits, so
    what was read shows."""
    found: dict[tuple[str, str, str | None, str | None], Counter[str]] = {}
    for t in store_texts(store):
        key = (t.source, t.name if t.source == "document" else "tickets", t.unit, t.lang)
        found.setdefault(key, Counter()).update(h.term for h in find_hits(t.text, lexicon, t.lang, t.staff))
    suggest = {t.id: t.suggest for t in lexicon.terms}
    rows = []
    for (source, name, unit, lang), counts in found.items():
        base = {"source": source, "name": name, "unit": unit, "lang": lang}
        rows += [{**base, "term": term, "hits": n, "suggest_en": suggest[term].get("en"),
                  "suggest_nl": suggest[term].get("nl")} for term, n in sorted(counts.items())] or [
            {**base, "term": None, "hits": 0}]  # fmt: skip
    return pa.Table.from_pylist(rows, schema=LANGUAGE_SCHEMA)
