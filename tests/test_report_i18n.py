"""The report's gettext catalogues: every message the code and the template use is in both catalogues, the
Dutch is complete (translated, not fuzzy, the same python-format placeholders), and the catalogues load and
choose plural forms. Fails when a message is added to the code without running ``pybabel update``, or is left
untranslated."""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from orgsphere.errors import InputError
from orgsphere.report.i18n import DOMAIN, LANGS, catalogue_text, labels, translations, words

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "src" / "orgsphere" / "report"


def _placeholders(text: str) -> list[str]:
    """The named python-format placeholders of a message; every other % must be written %%."""
    names = sorted(re.findall(r"%\((\w+)\)s", text))
    assert re.sub(r"%\(\w+\)s|%%", "", text).count("%") == 0, f"a lone % in {text!r} (write %%)"
    return names


def _used() -> dict[Any, list[str]]:
    """The msgids extracted from the report's code and template as pybabel would (babel.cfg), with where."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[Any, list[str]] = {}
    for filename, lineno, message, _, _ in extract_from_dir(str(REPORT), method_map, options_map):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def _catalogue(lang: str) -> Catalog:
    return read_po(io.StringIO(catalogue_text(lang)), locale=lang, domain=DOMAIN)


def _texts(m: Message) -> tuple[str, list[str]]:
    """A message's English (the plural form where it has one) and its translations (one per plural form)."""
    source = m.id[-1] if isinstance(m.id, (list, tuple)) else m.id
    forms = list(m.string) if isinstance(m.string, (list, tuple)) else [m.string]
    return str(source), [str(s or "") for s in forms]


@pytest.fixture(scope="module")
def used() -> dict[Any, list[str]]:
    found = _used()
    assert len(found) > 200  # (extraction found the code's messages at all)
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_of_the_report_is_in_the_catalogue(lang: str, used: dict[Any, list[str]]) -> None:
    catalogue = _catalogue(lang)
    ids = {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalogue if m.id}
    for message, where in used.items():
        key = message[0] if isinstance(message, tuple) else message
        assert key in ids, f"{lang}: {message!r} ({', '.join(where)}) is missing; run pybabel update"
        if isinstance(message, tuple):  # a plural message in the code is a plural message in the catalogue
            assert tuple(ids[key].id) == message[:2], (lang, message)
        else:
            assert isinstance(ids[key].id, str), (lang, message)
    stale = set(ids) - {m[0] if isinstance(m, tuple) else m for m in used}
    assert not stale, f"{lang}: messages the report no longer uses: {sorted(stale)}"


def test_the_dutch_is_complete_and_keeps_the_placeholders() -> None:
    catalogue = _catalogue("nl")
    assert catalogue.num_plurals == 2
    for m in catalogue:
        if not m.id:
            continue
        assert not m.fuzzy, f"fuzzy: {m.id!r}"
        source, forms = _texts(m)
        assert forms and all(s.strip() for s in forms), f"untranslated: {m.id!r}"
        if isinstance(m.id, tuple):
            assert _placeholders(m.id[0]) == _placeholders(m.id[1]), m.id
        for s in forms:
            assert _placeholders(s) == _placeholders(source), f"placeholders differ: {m.id!r} -> {s!r}"
            assert s.count("<sup>") == source.count("<sup>"), m.id
        if "%" in source:
            assert "python-format" in m.flags, m.id


def test_the_english_catalogue_adds_no_other_words() -> None:
    """English is the source language: an English msgstr, where there is one, keeps the placeholders."""
    for m in _catalogue("en"):
        source, forms = _texts(m)
        for s in forms:
            assert not m.id or not s or _placeholders(s) == _placeholders(source), m.id


def test_catalogues_load_and_choose_the_plural_form() -> None:
    en, nl = words("en"), words("nl")
    assert translations("nl") is translations("nl") and words("nl") is nl  # compiled once per language
    assert en.ngettext("%(n)s unit", "%(n)s units", 1, n=1) == "1 unit"
    assert en.ngettext("%(n)s unit", "%(n)s units", 3, n=3) == "3 units"
    assert nl.ngettext("%(n)s unit", "%(n)s units", 1, n=1) == "1 afdeling"
    assert nl.ngettext("%(n)s unit", "%(n)s units", 0, n=0) == "0 afdelingen"
    assert nl.gettext("Summary") == "Samenvatting" and en.gettext("Summary") == "Summary"
    assert nl.gettext("95%% interval of the slope") == "95%-interval van de helling"  # (%% is a literal %)
    assert labels(nl)["band"]["d1"] == "1 stap" and labels(en)["kind"]["regulator"] == "regulator"
    with pytest.raises(InputError, match="report language 'fr'"):
        translations("fr")


def test_no_compiled_catalogue_and_the_po_files_are_package_data() -> None:
    assert not list((REPORT / "locale").rglob("*.mo"))  # compiled in memory at run time
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = pyproject["tool"]["setuptools"]["package-data"]["orgsphere"]
    assert "report/locale/*/LC_MESSAGES/*.po" in shipped
    assert any(d.startswith("babel") for d in pyproject["project"]["dependencies"])
    for lang in LANGS:
        assert (REPORT / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()


def test_a_message_missing_from_the_catalogue_is_caught(tmp_path: Path) -> None:
    """The check above would fail on a new message in the template that nobody added to the catalogues."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "x.html.j2").write_text('<p>{{ _("A sentence nobody translated") }}</p>\n')
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = [m for _, _, m, _, _ in extract_from_dir(str(tmp_path), method_map, options_map)]
    assert found == ["A sentence nobody translated"]
    assert found[0] not in {m.id for m in _catalogue("nl")}
