"""The language audit: internal-customer language in documents and ticket texts, hit by hit in context.

A term that needs internal context (``internal = true`` in the lexicon) is read as a person reads it: it counts
where the internal context stands in its own sentence (a word of the lexicon's ``[context]``), or in its
paragraph (a word of ``[paragraph_context]`` at most :data:`PARAGRAPH_WINDOW` sentences before or after it, with
no blank line between), or where the text itself belongs to a staff unit (a document ingested for a staff unit,
a ticket to one). Each hit says which of these decided it, the nearest first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .lexicon import Lexicon, fold

__all__ = ["Hit", "find_hits", "sentences", "guess_lang", "count_terms", "CONTEXTS", "PARAGRAPH_WINDOW"]

# what decided that a term needing internal context counts, the nearest first
CONTEXTS = ("sentence", "paragraph", "owner")
# a paragraph's sentences read together: up to this many before and after the sentence of the term, so a
# paragraph of ordinary length (up to 11 sentences) is read whole and a text without blank lines (a PDF's
# extraction) is not read as one paragraph
PARAGRAPH_WINDOW = 5
_BLANK = re.compile(r"\n[^\S\n]*\n")

_BREAK = re.compile(r"(?<=[.!?])\s+(?=\S)|\n\s*\n|\n(?=\s*(?:[-*•#]|\d+[.)])\s)")
_DUTCH = {"de", "het", "een", "van", "en", "wij", "is", "niet", "voor", "met", "op", "dat", "zijn", "we", "onze"}
_ENGLISH = {"the", "a", "of", "and", "we", "is", "not", "for", "with", "on", "that", "are", "our", "to", "in"}


@dataclass(frozen=True)
class Hit:
    term: str
    match: str  # the words as written
    sentence: str  # the sentence around them
    line: int  # 1-based line of the text where the match starts
    suggestion: str
    context: str | None = None  # what made the internal context (CONTEXTS); None: the term needs none


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence): split at sentence ends, blank lines and list items."""
    start = 0
    for m in _BREAK.finditer(text):
        if text[start:m.start()].strip():
            yield start, text[start:m.start()]
        start = m.end()
    if text[start:].strip():
        yield start, text[start:]


def guess_lang(text: str) -> str:
    """'nl' or 'en', from the common words of the text."""
    words = re.findall(r"[a-z]+", fold(text[:20000]))
    return "nl" if sum(w in _DUTCH for w in words) > sum(w in _ENGLISH for w in words) else "en"


def _paragraphs(text: str, parts: list[tuple[int, str]]) -> list[int]:
    """The paragraph number of each sentence: a blank line between two sentences starts a new paragraph."""
    numbers: list[int] = []
    n = end = 0
    for offset, sentence in parts:
        n += bool(numbers) and _BLANK.search(text, end, offset + 1) is not None
        numbers.append(n)
        end = offset + len(sentence)
    return numbers


def _contexts(text: str, lexicon: Lexicon, owner_internal: bool) -> list[tuple[int, str, str | None]]:
    """(offset, sentence, context) of every sentence of ``text`` (folded): the nearest internal context."""
    parts = list(sentences(text))
    paragraph = _paragraphs(text, parts)
    strong = [lexicon.paragraph.search(s) is not None for _, s in parts]
    out = []
    for k, (offset, sentence) in enumerate(parts):
        near = range(max(0, k - PARAGRAPH_WINDOW), min(len(parts), k + PARAGRAPH_WINDOW + 1))
        if strong[k] or lexicon.context.search(sentence) is not None:
            context: str | None = "sentence"
        elif any(strong[j] and paragraph[j] == paragraph[k] for j in near):
            context = "paragraph"
        else:
            context = "owner" if owner_internal else None
        out.append((offset, sentence, context))
    return out


def find_hits(text: str, lexicon: Lexicon, lang: str | None = None, owner_internal: bool = False) -> list[Hit]:
    """Every term of ``lexicon`` in ``text``; a term marked internal only with internal context in its sentence,
    its paragraph, or, with ``owner_internal`` (the text belongs to a staff unit), anywhere. One hit per term
    per place: overlapping alternatives of one term count once."""
    lang = lang or guess_lang(text)
    folded = fold(text)
    hits = []
    for offset, sentence, context in _contexts(folded, lexicon, owner_internal):
        for term in lexicon.terms:
            if term.internal and context is None:
                continue
            spans: list[tuple[int, int]] = []
            for stem, pattern in term.patterns:
                if stem not in sentence:  # a plain substring test rules most patterns out
                    continue
                for m in pattern.finditer(sentence):
                    if not any(s < m.end() and m.start() < e for s, e in spans):
                        spans.append((m.start(), m.end()))
            for s, e in sorted(spans):
                at = offset + s
                original = text[offset:offset + len(sentence)]
                hits.append(Hit(term.id, text[at:offset + e], " ".join(original.split()), text.count("\n", 0, at) + 1,
                                term.suggest.get(lang) or next(iter(term.suggest.values()), ""),
                                context if term.internal else None))  # fmt: skip
    return hits


def count_terms(hits: Iterable[Hit]) -> dict[str, int]:
    out: dict[str, int] = {}
    for h in hits:
        out[h.term] = out.get(h.term, 0) + 1
    return out
