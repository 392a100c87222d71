"""The machinery of the internal customer in the traffic itself: mail subjects, meeting titles and ticket
categories that announce a satisfaction survey, an SLA report or a requirements package.

Only read where the user enables it (setting ``read_subjects``), and even then only the kind of machinery
recognised is stored with the interaction (``topic``), never the subject or title. Between colleagues the
traffic itself is the internal context, so the terms count here without the context words the document
audit asks for.
"""

from __future__ import annotations

import pyarrow as pa

from .audit import find_hits
from .lexicon import Lexicon, Term, load_lexicon

__all__ = ["TOPICS", "TopicReader"]

# lexicon term -> topic of the traffic
TOPICS = {"satisfaction_survey": "satisfaction_survey", "sla": "sla", "requirements_package": "requirements_package"}


class TopicReader:
    """Recognises the machinery topic of subjects and titles."""

    def __init__(self, lexicon: Lexicon | None = None):
        lexicon = lexicon or load_lexicon()
        terms = tuple(Term(t.id, t.patterns, False, t.suggest) for t in lexicon.terms if t.id in TOPICS)
        self._lexicon = Lexicon(terms, lexicon.context, lexicon.paragraph)
        self._seen: dict[str, str | None] = {}  # subjects repeat (Re:, Fw:, recurring meetings)

    def topic(self, text: str | None) -> str | None:
        if not text:
            return None
        if text not in self._seen:
            hits = find_hits(text, self._lexicon, "nl")
            self._seen[text] = TOPICS[hits[0].term] if hits else None
            if len(self._seen) > 200_000:
                self._seen.clear()
        return self._seen[text]

    def array(self, texts: pa.Array) -> pa.Array:
        return pa.array([self.topic(t) for t in texts.cast(pa.string()).to_pylist()], pa.string())
