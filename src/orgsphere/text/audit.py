"""The language audit: internal-customer language in documents and ticket texts, hit by hit in context."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .lexicon import Lexicon, fold

__all__ = ["Hit", "find_hits", "sentences", "guess_lang", "count_terms"]

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


def find_hits(text: str, lexicon: Lexicon, lang: str | None = None) -> list[Hit]:
    """Every term of ``lexicon`` in ``text``; a term marked internal only in a sentence with internal context.
    One hit per term per place: overlapping alternatives of one term count once."""
    lang = lang or guess_lang(text)
    folded = fold(text)
    hits = []
    for offset, sentence in sentences(folded):
        internal = lexicon.context.search(sentence) is not None
        for term in lexicon.terms:
            if term.internal and not internal:
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
                                term.suggest.get(lang) or next(iter(term.suggest.values()), "")))  # fmt: skip
    return hits


def count_terms(hits: Iterable[Hit]) -> dict[str, int]:
    out: dict[str, int] = {}
    for h in hits:
        out[h.term] = out.get(h.term, 0) + 1
    return out
