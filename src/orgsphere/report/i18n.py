"""The words of the report: gettext catalogues, one ``.po`` file per language, read with Babel at run time.

The English text is the msgid (the source language); ``locale/<lang>/LC_MESSAGES/orgsphere.po`` holds the
translations. No compiled ``.mo`` file is kept: the ``.po`` is compiled in memory on first use, once per
language. The template uses the language's :class:`~babel.support.Translations` through Jinja2's i18n
extension (``_``, ``ngettext``; newstyle gettext), the report's Python code the same object through
:class:`Words`. Every message is a python-format string: placeholders ``%(name)s``, a literal ``%`` written
``%%``. Words chosen by a value at run time (a kind of outside party, a distance band, a role, ...) are written
out in :func:`labels`, so that extraction (``pybabel extract -F babel.cfg``) finds them."""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from ..errors import InputError

__all__ = ["LANGS", "DOMAIN", "Words", "catalogue_text", "translations", "words", "labels"]

LANGS = ("en", "nl")
DOMAIN = "orgsphere"


def catalogue_text(lang: str) -> str:
    """The text of the ``.po`` file of ``lang`` as shipped in the package."""
    return (files("orgsphere.report") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po").read_text(encoding="utf-8")


@cache
def translations(lang: str) -> Translations:
    """The translations of ``lang``, compiled in memory from its ``.po`` file (fuzzy entries left out, so an
    unreviewed translation falls back to the English)."""
    if lang not in LANGS:
        raise InputError(f"report language {lang!r} is not one of {', '.join(LANGS)}; use --lang en or --lang nl.")
    catalog = read_po(io.StringIO(catalogue_text(lang)), locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


class Words:
    """The catalogue of one language as the report's Python code uses it. Every message is a python-format
    string (placeholders ``%(name)s``, a literal ``%`` written ``%%``), filled with keyword arguments, the way
    Jinja2's i18n extension fills them in the template (``newstyle`` gettext)."""

    def __init__(self, translations: Translations) -> None:
        self.translations = translations

    def gettext(self, message: str, /, **values: object) -> str:
        """``message`` in this language with ``values`` filled in."""
        return self.translations.gettext(message) % values

    def ngettext(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """The form of ``singular``/``plural`` that ``count`` takes in this language, with ``values`` filled in."""
        return self.translations.ngettext(singular, plural, count) % values


@cache
def words(lang: str) -> Words:
    """The catalogue of ``lang`` for Python code (see :class:`Words`)."""
    return Words(translations(lang))


def labels(t: Words) -> dict[str, dict[str, str]]:
    """Words picked by a value of the data, per kind of value: ``labels(t)["band"]["d1"]`` is "1 hop"."""
    _ = t.gettext
    return {
        "which": {"all": _("units"), "line": _("line units"), "staff": _("staff units")},
        "unit_kind": {"line": _("line"), "staff": _("staff")},
        "kind": {"customer": _("customer"), "supplier": _("supplier"), "regulator": _("regulator"),
                 "partner": _("partner"), "other": _("other")},  # fmt: skip
        "band": {"d0": _("0: direct"), "d1": _("1 hop"), "d2": _("2 hops"), "d3": _("3 hops"),
                 "d4_plus": _("4+ hops"), "unreachable": _("no path")},  # fmt: skip
        "verdict": {"partner": _("partner"), "supplier": _("supplier"), "mixed": _("mixed"),
                    "too_little": _("too little data")},  # fmt: skip
        "role": {"supporting": _("supporting"), "regulating": _("regulating"), "executing": _("executing"),
                 "advisory": _("advisory"), "unknown": _("unknown")},  # fmt: skip
        "level": {"error": _("error"), "warning": _("warning"), "info": _("note")},
        "channel": {"all": _("all channels"), "email": _("email"), "email-list": _("mailing lists"),
                    "meeting": _("meetings"), "meeting-broadcast": _("large meetings"), "chat": _("chat"),
                    "chat-broadcast": _("chat to many"), "ticket": _("tickets"), "other": _("other")},  # fmt: skip
        "intervention": {"rotate": _("rotate staff to the front line"), "embed": _("place staff in customer teams"),
                         "flatten": _("flatten a management level")},  # fmt: skip
        "measure": {"R": _("outwardness R"), "customer_facing": _("share with customer contact"),
                    "line_of_sight": _("share within one hop of a customer contact")},  # fmt: skip
        "topic": {"satisfaction_survey": _("satisfaction surveys"), "sla": _("SLA"),
                  "requirements_package": _("requirements packages")},  # fmt: skip
        "section": {"data-check": _("Can the data carry this report?"), "relations": _("Partners or suppliers?"),
                    "line-of-sight": _("Line of sight to the customer"),
                    "staff-roles": _("Staff roles: what each staff unit really does"),
                    "internal-customer": _("The internal customer in traffic and words"),
                    "changes": _("What changed")},  # fmt: skip
        "term": {"internal_customer": _("“internal customer”"), "internal_supplier": _("“internal supplier”"),
                 "customer_decides": _("“the customer decides”"), "you_ask_we_deliver": _("“you ask, we deliver”"),
                 "requirements_package": _("“requirements package”"), "sla": _("SLA"),
                 "satisfaction_survey": _("internal satisfaction survey")},  # fmt: skip
    }
