"""The explainable view of staff roles: a lexicon of words and ticket categories per role (a TOML file users
edit), scored per work item. Needs no labelled data; every item gets a role (or "unknown"), a confidence and
the words that decided it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import InputError
from .lexicon import fold, phrase_pattern

__all__ = ["ROLES", "UNKNOWN", "RoleLexicon", "RoleCall", "load_role_lexicon"]

ROLES = ("supporting", "regulating", "executing", "advisory")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class RoleCall:
    role: str  # one of ROLES, or UNKNOWN
    confidence: float  # the winning role's share of the score (0 when nothing matched)
    words: tuple[str, ...]  # what decided it: the words found, and the category as "category: ..."


@dataclass(frozen=True)
class RoleLexicon:
    words: dict[str, tuple[tuple[str, str, re.Pattern[str]], ...]]  # role -> (word, its first stem, pattern)
    categories: dict[str, str]  # folded category -> role
    word_weight: float
    category_weight: float
    min_share: float

    def classify(self, title: str | None, category: str | None = None) -> RoleCall:
        """The role of one work item from its title (or text) and category."""
        text = fold(title or "")
        score = dict.fromkeys(ROLES, 0.0)
        found: dict[str, list[str]] = {r: [] for r in ROLES}
        for role, patterns in self.words.items():
            spans: list[tuple[int, int]] = []
            for word, stem, pattern in patterns:
                if stem not in text:  # the pattern starts with this stem: a plain substring test rules most out
                    continue
                m = pattern.search(text)
                if m and not any(s < m.end() and m.start() < e for s, e in spans):  # a word inside another counts once
                    spans.append((m.start(), m.end()))
                    score[role] += self.word_weight
                    found[role].append(word)
        cat = fold(category or "").strip()
        if cat in self.categories:
            score[self.categories[cat]] += self.category_weight
            found[self.categories[cat]].append(f"category: {category}")
        total = sum(score.values())
        if total == 0:
            return RoleCall(UNKNOWN, 0.0, ())
        best = max(ROLES, key=lambda r: (score[r], -ROLES.index(r)))
        share = score[best] / total
        if share < self.min_share or list(score.values()).count(score[best]) > 1:
            return RoleCall(UNKNOWN, share, tuple(w for r in ROLES for w in found[r]))
        return RoleCall(best, share, tuple(found[best]))


def load_role_lexicon(path: Path | None = None) -> RoleLexicon:
    """The built-in role lexicon, or the user's file in its place."""
    where = path or "orgsphere/text/role_lexicon.toml"
    try:
        text = path.read_text(encoding="utf-8") if path else \
            resources.files("orgsphere.text").joinpath("role_lexicon.toml").read_text("utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise InputError(f"{where}: cannot read the role lexicon ({exc.strerror}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not a valid TOML role lexicon ({exc}).") from None
    roles = data.get("roles")
    if not isinstance(roles, dict) or not roles:
        raise InputError(f"{where}: no [roles.<role>] tables; see orgsphere/text/role_lexicon.toml for the format.")
    words: dict[str, tuple[tuple[str, str, re.Pattern[str]], ...]] = {}  # as RoleLexicon.words
    categories: dict[str, str] = {}
    for role, spec in roles.items():
        if role not in ROLES:
            raise InputError(f"{where}: unknown role {role!r}; the roles are {', '.join(ROLES)}.")
        if not isinstance(spec, dict) or not all(isinstance(w, str) and w.strip() for w in spec.get("words", [])):
            raise InputError(f"{where}: [roles.{role}] needs words = [\"...\"], a list of words or phrases.")
        words[role] = tuple((w, fold(w.split()[0]), re.compile(phrase_pattern(w.split())))
                            for w in spec.get("words", []))  # fmt: skip
        categories |= {fold(c).strip(): role for c in spec.get("categories", [])}
    try:
        return RoleLexicon(words, categories, float(data.get("word_weight", 2.0)),
                           float(data.get("category_weight", 1.0)), float(data.get("min_share", 0.5)))  # fmt: skip
    except (TypeError, ValueError):
        raise InputError(f"{where}: word_weight, category_weight and min_share must be numbers.") from None
