"""The lexicon of internal-customer language: loading the TOML file(s) and turning each term into patterns
that find its inflections, hyphenations and compounds in text compared without case or diacritics."""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["Term", "Lexicon", "load_lexicon", "fold", "phrase_pattern", "NOTHING"]

ENDINGS = "(?:'s|e|en|ten|s|es|er|ers|n)?"  # Dutch and English inflections of a stem (pakket-ten)
SEPARATOR = r"(?:,?[\s\-]*)"  # apart, hyphenated, glued into a compound, or across a comma
NOTHING = re.compile(r"(?!x)x")  # matches no text
SHORT = 3  # acronyms (sla, kto, dvo) and short words: no compound tail, or 'slapen' would be 'sla'


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch == "\u2019":
        return "'"
    if ch == "\u00ad":
        return "-"
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return (base or ch).lower()[:1] or ch


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one (so offsets into the text stay valid)."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text))


def phrase_pattern(words: list[str]) -> str:
    """A regular expression for a phrase of stems: inflections, and written apart, hyphenated or glued."""
    parts = []
    for k, word in enumerate(words):
        w = re.escape(fold(word))
        last = k == len(words) - 1
        if last and len(word) <= SHORT:
            parts.append(rf"{w}(?:'?s)?(?:-[a-z]+)?(?![a-z])")
        elif last:
            parts.append(rf"{w}[a-z]*")  # the last word may go on as a compound
        else:
            parts.append(w + ENDINGS)
    return r"(?<![a-z0-9])" + SEPARATOR.join(parts)


@dataclass(frozen=True)
class Term:
    id: str
    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (its first stem, the pattern): the stem must be in the text
    internal: bool  # needs internal context: in its sentence or paragraph, or the text's owner a staff unit
    suggest: dict[str, str]  # lang -> a partner wording


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[Term, ...]
    context: re.Pattern[str]  # a word of internal context, in the sentence of the term
    paragraph: re.Pattern[str] = NOTHING  # a word of internal context that holds for the sentences around it


# The English word for personnel ("our staff are friendly") names no staff department: the Dutch stem "staf"
# must not find it in the sentences around a term (it still finds "stafafdeling" and "staffunctie").
_PERSONNEL = r"(?!staff(?:s|ing)?(?![a-z])(?!\s+(?:department|function|unit)))"


def _markers(words: list[str], exclude: str = "") -> re.Pattern[str]:
    """Any of ``words`` (folded) at the start of a word; 'intern' is no prefix of 'internationaal'; nothing
    that ``exclude`` (a lookahead) refuses."""
    if not words:
        return NOTHING
    markers = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?!internation){exclude}(?:{markers})")


def _read(path: Path | None) -> dict[str, Any]:
    try:
        if path is None:
            return tomllib.loads(resources.files("orgsphere.text").joinpath("lexicon.toml").read_text("utf-8"))
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the lexicon ({exc.strerror}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not a valid TOML lexicon ({exc}); see the built-in lexicon.toml for the "
                         "format.") from None  # fmt: skip


def load_lexicon(*extra: Path) -> Lexicon:
    """The built-in lexicon, with the terms and context words of ``extra`` files added (a term with an id
    already known replaces it). A word of ``[paragraph_context]`` also counts in the sentence of the term."""
    terms: dict[str, Term] = {}
    context: list[str] = []
    paragraph: list[str] = []
    for path in (None, *extra):
        data = _read(path)
        where = path or "lexicon.toml"
        for lang_words in dict(data.get("context", {})).values():
            context += [fold(w) for w in lang_words]
        for lang_words in dict(data.get("paragraph_context", {})).values():
            paragraph += [fold(w) for w in lang_words]
        for k, raw in enumerate(data.get("term", [])):
            if not isinstance(raw, dict) or not raw.get("id") or not isinstance(raw.get("any"), list):
                raise InputError(f"{where}: term {k + 1} needs an id and a list 'any' of word lists, e.g. "
                                 'id = "internal_customer", any = [["interne", "klant"]].')  # fmt: skip
            alternatives = raw["any"]
            if not all(isinstance(a, list) and a and all(isinstance(w, str) and w for w in a) for a in alternatives):
                raise InputError(f"{where}: term {raw['id']!r}: every entry of 'any' must be a list of words.")
            terms[raw["id"]] = Term(
                raw["id"], tuple((fold(a[0]), re.compile(phrase_pattern(a))) for a in alternatives),
                bool(raw.get("internal", False)),
                {lang: raw[f"suggest_{lang}"] for lang in ("nl", "en") if raw.get(f"suggest_{lang}")},
            )  # fmt: skip
    return Lexicon(tuple(terms.values()), _markers(context + paragraph), _markers(paragraph, _PERSONNEL))
