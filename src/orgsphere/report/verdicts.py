"""The report's words for a fit's verdict: one sentence per verdict (:data:`~orgsphere.fits.VERDICTS`), and the
headline the data supports (:meth:`~orgsphere.results.Results.headline`), in the report and ``orgsphere
analyse`` alike. Words come from the verdict code, never composed beside it."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..fits import MIN_POINTS_FOR_FIT, ScalingFit
from ..results import HEADLINE_MIN_POINTS, Results
from .i18n import Words, words

__all__ = ["verdict_sentences", "fit_sentence", "headline_sentences", "headline_text", "definitions_sentence",
           "organisations_sentence", "no_slope_words"]

Number = Callable[..., str]


def verdict_sentences(t: Words) -> dict[str, str]:
    """What each verdict says about a slope and its 95% interval, in one sentence."""
    _ = t.gettext
    return {
        "thin": _("There are too few points, or their sizes differ by less than a factor 2, for a slope: the data "
                  "cannot tell."),
        "null": _("That is no more than chance arithmetic: random mixing gives the same slope, so it is no evidence "
                  "of a sphere law."),
        "undecided": _("The interval holds both the sphere law's −1/3 and 0: the data cannot tell whether outwardness "
                       "falls with size as the sphere law says or does not change at all. More units, or more months "
                       "of data, would tell."),
        "sphere": _("The sphere law's −1/3 lies inside the interval and 0 does not: consistent with the sphere law."),
        "steeper": _("The whole interval lies below −1/3: outwardness falls faster with size than the sphere law "
                     "predicts."),
        "flatter": _("The interval lies between −1/3 and 0: outwardness falls with size, but more slowly than the "
                     "sphere law predicts."),
        "flat": _("0 lies inside the interval and −1/3 does not: outwardness does not measurably change with size."),
        "rising": _("The whole interval lies above 0: outwardness rises with size, the opposite of the sphere law."),
    }  # fmt: skip


def _unit_count(t: Words, kind: str, n: int) -> str:
    """"N units" of a kind (all, line or staff) in the plural form that ``n`` takes."""
    if kind == "line":
        return t.ngettext("%(n)s line unit", "%(n)s line units", n, n=n)
    if kind == "staff":
        return t.ngettext("%(n)s staff unit", "%(n)s staff units", n, n=n)
    return t.ngettext("%(n)s unit", "%(n)s units", n, n=n)


def no_slope_words(fit: ScalingFit, t: Words) -> str:
    """Why a fit has no slope, in ``t``'s language, from its ``thin`` code; the library's note where the code
    does not say."""
    if fit.thin == "zero":
        return t.gettext("no point is above zero here")
    if fit.thin == "few":
        return t.gettext("too few points above zero (%(n)s; at least %(need)s are needed)", n=fit.n_units,
                         need=MIN_POINTS_FOR_FIT)  # fmt: skip
    if fit.thin == "same_size":
        return t.gettext("all points have the same size, so no slope can be drawn")
    return fit.note


def fit_sentence(fit: ScalingFit, t: Words, n: Number) -> str:
    """R's slope across units of one kind with its interval, then what its verdict says."""
    if fit.slope is None:
        return t.gettext("No fit: %(note)s.", note=no_slope_words(fit, t))
    sentence = t.gettext(
        "Across %(units)s, R goes with unit size as N<sup>%(slope)s</sup> (95%% interval %(lo)s to %(hi)s); the "
        "sphere model predicts −0.33.", units=_unit_count(t, fit.kind, fit.n_units), slope=n(fit.slope, 2),
        lo=n(fit.ci_low, 2), hi=n(fit.ci_high, 2),
    )  # fmt: skip
    return f"{sentence} {verdict_sentences(t)[fit.verdict]}"


def organisations_sentence(fit: ScalingFit, t: Words, n: Number) -> str:
    """B's slope across organisations with its interval, then what its verdict says."""
    if fit.slope is None:
        return t.gettext("No fit: %(note)s.", note=no_slope_words(fit, t))
    sentence = t.ngettext(
        "Across %(n)s organisation, B (contacts across its boundary per contact inside it) goes with organisation "
        "size as N<sup>%(slope)s</sup> (95%% interval %(lo)s to %(hi)s); the sphere model predicts −0.33.",
        "Across %(n)s organisations, B (contacts across an organisation's boundary per contact inside it) goes with "
        "organisation size as N<sup>%(slope)s</sup> (95%% interval %(lo)s to %(hi)s); the sphere model predicts "
        "−0.33.", fit.n_units, n=fit.n_units, slope=n(fit.slope, 2), lo=n(fit.ci_low, 2), hi=n(fit.ci_high, 2),
    )  # fmt: skip
    return f"{sentence} {verdict_sentences(t)[fit.verdict]}"


def definitions_sentence(definitions: dict[str, object] | None, t: Words) -> str:
    """Who counted as staff of an organisation and which organisations were fitted, in one sentence."""
    if not definitions:
        return t.gettext("The definitions the organisations were derived with are not recorded in this store (an "
                         "org chart derived by an older orgsphere): derive and ingest it again to state them.")
    staff = (t.gettext("every address of its domains that sent or received mail")
             if definitions.get("org_staff") == "active" else t.gettext("only the addresses of its domains that sent "
                                                                         "mail"))  # fmt: skip
    copies = (t.gettext("self-addressed copies count as activity") if definitions.get("org_self_copies")
              else t.gettext("self-addressed copies do not count"))  # fmt: skip
    small = int(str(definitions.get("small_organisations") or 0))
    return t.ngettext(
        "Staff of an organisation: %(staff)s; %(copies)s; organisations with fewer than %(min)s staff are left out "
        "of the fit (%(small)s organisation).",
        "Staff of an organisation: %(staff)s; %(copies)s; organisations with fewer than %(min)s staff are left out "
        "of the fit (%(small)s organisations).", small, staff=staff, copies=copies,
        min=definitions.get("org_min_size"), small=small,
    )  # fmt: skip


def headline_sentences(results: Results, t: Words, n: Number) -> list[str]:
    """The headline (the fit :meth:`~orgsphere.results.Results.headline` chooses, or plainly that the data cannot
    tell and what would), and, where line and staff agree with the sphere law but all units together do not,
    why both can be true. Of many organisations: B across organisations, and the definitions it was made with."""
    head = results.headline()
    if head.across == "organisations":
        if head.fit is None:
            first = t.gettext("The data cannot tell yet how B goes with organisation size: no fit across "
                              "%(min)s organisations or more whose sizes differ by at least a factor 2. More "
                              "organisations would tell.", min=HEADLINE_MIN_POINTS)  # fmt: skip
        else:
            first = organisations_sentence(head.fit, t, n)
        return [first, definitions_sentence(head.definitions, t)]
    every = results.fit("R")
    if head.fit is None and every is not None and every.thin == "zero":  # no outside contact at all: say that
        out = [t.gettext("No unit has any contact with the outside here (R = 0 everywhere), so the data cannot tell "
                         "how outwardness goes with unit size. Interactions with customers, suppliers or other "
                         "outside parties would: declare them, or ingest a source that holds them.")]  # fmt: skip
    elif head.fit is None:
        out = [t.gettext("The data cannot tell yet how outwardness goes with unit size: no fit of R across units has "
                         "%(min)s units or more whose sizes differ by at least a factor 2. More units, or more months "
                         "of data, would tell.", min=HEADLINE_MIN_POINTS)]  # fmt: skip
    else:
        out = [fit_sentence(head.fit, t, n)]
    if head.split:
        out.append(t.gettext("Line and staff units each follow the sphere law, and all units together do not: they are "
                             "two populations at different levels of outwardness, and one line through both measures "
                             "the difference between them, not how size works within either."))  # fmt: skip
    return out


def headline_text(results: Results, lang: str = "en") -> str:
    """The headline as plain text (for the command line): the report's sentences, exponents written N^x."""
    t = words(lang)

    def n(value: float | None, digits: int = 0) -> str:
        if value is None:
            return "–"
        text = f"{0.0 if round(value, digits) == 0 else value:,.{digits}f}"
        if lang == "nl":
            text = text.replace(",", "_").replace(".", ",").replace("_", ".")
        return text.replace("-", "−")

    text = " ".join(headline_sentences(results, t, n))
    return re.sub(r"</?sup>", lambda m: "" if m.group(0) == "</sup>" else "^", text)
