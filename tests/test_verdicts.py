"""Honest verdicts (issue 24): the word of a fit is a pure function of its 95% interval and the span of sizes;
the headline is a fit the data supports, in the report and ``orgsphere analyse`` alike; Rent's p and a ball
dimension only where they mean something; one observed slope per question, whatever the null model; and each
fit re-derived with statsmodels (OLS) and scipy (Theil–Sen)."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import orgsphere
from orgsphere.analysis.fit import fit_power
from orgsphere.fits import (
    MIN_POINTS,
    MIN_SIZE_SPAN,
    SPHERE_SLOPE,
    VERDICTS,
    RentFit,
    ScalingFit,
    rent_dimension,
    slope_dimension,
    verdict_of,
)
from orgsphere.report.html import render_report
from orgsphere.report.i18n import words
from orgsphere.report.verdicts import headline_text, verdict_sentences
from orgsphere.results import HEADLINE_MIN_POINTS, Results

from .conftest import run_cli
from .test_json_output import _organisation


def _expected(lo: float, hi: float, span: float, differs: bool | None) -> str:
    """The verdict as the issue words it, written apart from the code: where −1/3 and 0 fall."""
    if span < MIN_SIZE_SPAN:
        return "thin"
    if differs is False:
        return "null"
    where = {value: "inside" if lo <= value <= hi else ("below" if value < lo else "above")
             for value in (SPHERE_SLOPE, 0.0)}  # fmt: skip
    return {("inside", "inside"): "undecided", ("inside", "below"): "sphere", ("inside", "above"): "sphere",
            ("above", "inside"): "flat", ("below", "inside"): "flat", ("above", "above"): "steeper",
            ("below", "above"): "flatter", ("below", "below"): "rising"}[(where[SPHERE_SLOPE], where[0.0])]  # fmt: skip


def test_the_word_is_a_function_of_the_interval_and_the_span_exhaustively() -> None:
    ends = [-2.0, -1.0, -0.5, SPHERE_SLOPE, -0.2, -0.1, 0.0, 0.1, 0.5, 2.0]
    seen = set()
    for lo, hi in itertools.combinations_with_replacement(ends, 2):
        for span in (1.0, 1.5, 1.999, MIN_SIZE_SPAN, 2.5, 100.0):
            for differs in (None, True, False):
                word = verdict_of(lo, hi, span, differs)
                assert word == _expected(lo, hi, span, differs), (lo, hi, span, differs)
                seen.add(word)
    assert seen == set(VERDICTS)
    assert verdict_of(None, None, 10.0) == verdict_of(-0.5, -0.4, None) == "thin"


def test_a_rising_slope_is_rising_and_sizes_that_hardly_differ_are_thin() -> None:
    n = np.array([3, 5, 8, 13, 20, 30, 50, 80, 120, 200.0])
    assert fit_power(n, n**0.5, samples=400, seed=1).verdict == "rising"
    assert fit_power(n, n ** -(1 / 3) * np.exp(np.sin(n) * 0.05), samples=400, seed=1).verdict == "sphere"
    narrow = fit_power(np.array([756, 756, 757, 757, 757.0]), np.array([1, 2, 3, 1, 2.0]), samples=400, seed=1)
    assert narrow.slope is not None and narrow.thin == "narrow" and narrow.verdict == "thin"
    assert "factor 1.00" in narrow.note and narrow.size_span == pytest.approx(757 / 756)


def test_rents_boundary_fit_is_judged_against_two_thirds() -> None:
    """T ~ g^p says what B = T / intra ~ g^(p - 1) says: the sphere at p = 2/3, flat at p = 1, rising above."""
    g = np.array([3, 5, 8, 13, 20, 30, 50, 80, 120, 200.0])
    wobble = np.exp(np.sin(g) * 0.02)
    words = {p: fit_power(g, g**p * wobble, samples=400, seed=1, measure="boundary").verdict
             for p in (2 / 3, 1.0, 1.4, 0.3)}  # fmt: skip
    assert words == {2 / 3: "sphere", 1.0: "flat", 1.4: "rising", 0.3: "steeper"}
    fit = fit_power(g, g ** (2 / 3) * wobble, samples=400, seed=1, measure="boundary")
    assert fit.sphere_in_interval and fit.p_sphere is not None and fit.p_sphere > 0.05


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(slope=st.floats(-1.0, 1.0), noise=st.floats(0.0, 2.0), points=st.integers(5, 40),
       low=st.floats(1.0, 500.0), ratio=st.floats(1.0, 200.0), seed=st.integers(0, 10_000))  # fmt: skip
def test_planted_slopes_get_the_word_of_their_interval(slope: float, noise: float, points: int, low: float,
                                                       ratio: float, seed: int) -> None:  # fmt: skip
    rng = np.random.default_rng(seed)
    n = np.exp(rng.uniform(np.log(low), np.log(low * ratio), points))
    fit = fit_power(n, n**slope * np.exp(rng.normal(0.0, noise, points)), samples=200, seed=seed)
    if fit.slope is None:
        assert fit.verdict == "thin" and fit.thin in ("same_size",)
        return
    assert fit.ci_low is not None and fit.ci_high is not None and fit.size_span is not None
    assert fit.verdict == _expected(fit.ci_low, fit.ci_high, fit.size_span, None)
    if fit.size_span < MIN_SIZE_SPAN:
        assert fit.thin == "narrow" and fit.verdict == "thin"


def test_the_observed_fit_does_not_depend_on_the_null_model() -> None:
    rng = np.random.default_rng(3)
    n = np.exp(rng.uniform(0, 5, 40))
    r = n ** (-1 / 3) * np.exp(rng.normal(0, 0.2, 40))
    dropping = np.where(np.arange(40) % 4 == 0, 0.0, n**-1.0)  # a null model with no expected value at 10 points
    bare = fit_power(n, r, samples=300, seed=5)
    beside = fit_power(n, r, samples=300, seed=5, null_value=dropping, null_model="rewired")
    for field in ("n_units", "slope", "intercept", "ci_low", "ci_high", "robust_slope", "p_sphere", "p_zero"):
        assert getattr(beside, field) == getattr(bare, field), field
    assert beside.null_points == 30 and "10 units without an expected value under rewired" in beside.note
    assert beside.null_slope == pytest.approx(-1.0) and beside.differs_from_null


def test_each_fit_rederived_with_statsmodels_and_scipy() -> None:
    rng = np.random.default_rng(11)
    n = np.exp(rng.uniform(0, 6, 200))
    r = 2.0 * n ** (-1 / 3) * np.exp(rng.normal(0, 0.3, 200))
    fit = fit_power(n, r, samples=4000, seed=2)
    ols = sm.OLS(np.log(r), sm.add_constant(np.log(n))).fit()
    assert fit.slope == pytest.approx(ols.params[1], abs=1e-9)
    assert fit.intercept == pytest.approx(ols.params[0], abs=1e-9)
    assert fit.r2 == pytest.approx(ols.rsquared, abs=1e-9)
    lo, hi = ols.conf_int(0.05)[1]
    width = hi - lo  # well-behaved data: the bootstrap interval is close to the OLS one
    assert fit.ci_low == pytest.approx(lo, abs=0.15 * width) and fit.ci_high == pytest.approx(hi, abs=0.15 * width)
    robust, _, r_lo, r_hi = stats.theilslopes(np.log(r), np.log(n), alpha=0.95)
    assert (fit.robust_slope, fit.robust_low, fit.robust_high) == pytest.approx((robust, r_lo, r_hi), abs=1e-9)


def _rent(p: float, lo: float, hi: float, span: float = 50.0, n: int = 40) -> RentFit:
    fit = ScalingFit(measure="boundary", channel="all", kind="all", n_units=n, n_zero=0, slope=p, intercept=0.0,
                     ci_low=lo, ci_high=hi, r2=0.9, note="", scope="subtrees", size_span=span)  # fmt: skip
    return RentFit(fit, None, None, [])


def test_rent_outside_its_range_gives_no_dimension() -> None:
    assert _rent(1.75, 1.5, 1.9).range == "outside" and rent_dimension(_rent(1.75, 1.5, 1.9)) is None
    assert _rent(-18.5, -30, -5, span=1.002).range == "thin"
    assert _rent(-0.2, -0.4, 0.1).range == "outside"
    assert rent_dimension(_rent(0.94, 0.88, 1.01)) is None  # the interval reaches p = 1: d unbounded
    assert rent_dimension(_rent(0.5, -0.1, 0.7)) is None  # the interval reaches below d = 1
    d = rent_dimension(_rent(2 / 3, 0.6, 0.75))
    assert d is not None and (d.d, d.low, d.high) == pytest.approx((3.0, 2.5, 4.0))
    # a law over a handful of subtrees is no law: thin, whatever its interval, and no dimension
    few = _rent(2 / 3, 0.6, 0.75, n=MIN_POINTS - 1)
    assert few.range == "thin" and rent_dimension(few) is None and _rent(2 / 3, 0.6, 0.75, n=MIN_POINTS).range == \
        "in_range"  # fmt: skip
    assert slope_dimension(_fit("all", -0.5, -0.25, n_units=MIN_POINTS - 1)) is None


def _fit(kind: str, lo: float, hi: float, n_units: int = 30) -> ScalingFit:
    return ScalingFit(measure="R", channel="all", kind=kind, n_units=n_units, n_zero=0, slope=(lo + hi) / 2,
                      intercept=0.0, ci_low=lo, ci_high=hi, r2=0.5, note="", null_model="mixing", size_span=10.0,
                      null_slope=0.0, diff_low=lo - 1.0, diff_high=hi - 1.0)  # fmt: skip


def _results(*fits: ScalingFit) -> Results:
    return Results({}, list(fits), None, {}, None, 5)  # type: ignore[arg-type]


def test_slope_dimension_only_where_the_interval_places_it() -> None:
    d = slope_dimension(_fit("all", -0.5, -0.25))
    assert d is not None and (d.d, d.low, d.high) == pytest.approx((8 / 3, 2.0, 4.0))
    assert slope_dimension(_fit("all", -0.5, 0.1)) is None and slope_dimension(_fit("all", -1.5, -0.5)) is None


def test_the_headline_is_the_narrowest_fit_with_enough_points() -> None:
    few = _fit("line", -0.9, 2.5, n_units=5)  # five units: never the headline, whatever its interval
    head = _results(_fit("all", -0.6, 0.4), few, _fit("staff", -0.5, -0.2)).headline()
    assert head.fit is not None and head.fit.kind == "staff" and head.word == "sphere" and head.can_tell
    alone = _results(few).headline()
    assert alone.fit is None and alone.word == "thin" and not alone.can_tell
    assert f"{HEADLINE_MIN_POINTS} units or more" in headline_text(_results(few))
    undecided = _results(_fit("all", -0.6, 0.4), few).headline()
    assert undecided.word == "undecided" and "cannot tell" in headline_text(_results(_fit("all", -0.6, 0.4)))
    split = _results(_fit("all", 0.1, 0.3), _fit("line", -0.5, -0.2), _fit("staff", -0.45, -0.25))
    assert split.headline().split and "two populations" in headline_text(split)
    assert "niveau" in headline_text(split, "nl")
    # no outside contact at all (as in email-eu-core): the headline names that, not the number of units
    zero = ScalingFit(measure="R", channel="all", kind="all", n_units=0, n_zero=34, slope=None, intercept=None,
                      ci_low=None, ci_high=None, r2=None, note="no unit has R above zero here", thin="zero",
                      null_model="mixing")
    text = headline_text(_results(zero))
    assert text.startswith("No unit has any contact with the outside here (R = 0 everywhere)")
    assert "units or more" not in text and "buitenwereld" in headline_text(_results(zero), "nl")


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Results]:
    tmp = tmp_path_factory.mktemp("verdicts")
    org, edges = _organisation(tmp)
    with orgsphere.open(tmp / "s.duckdb", key_file=tmp / "k", customer_domains="customer.example",
                        min_group_size=1, bootstrap_samples=200, null_samples=50) as ws:  # fmt: skip
        ws.ingest_orgchart(org)
        ws.ingest_edges(edges)
        return tmp, ws.analyse()


def test_one_observed_slope_per_question_in_the_fits_table(acme: tuple[Path, Results]) -> None:
    rows = acme[1]["fits"].arrow.to_pylist()
    by_question: dict[tuple[Any, ...], set[Any]] = {}
    for r in rows:
        key = (r["measure"], r["scope"], r["kind"], r["channel"])
        by_question.setdefault(key, set()).add((r["n_units"], r["slope"], r["ci_low"], r["ci_high"]))
    assert any(len([r for r in rows if (r["measure"], r["scope"], r["kind"], r["channel"]) == k]) > 1
               for k in by_question)  # (some question has more than one null model beside it)
    assert all(len(observed) == 1 for observed in by_question.values()), by_question


def test_report_and_cli_lead_with_the_same_headline(acme: tuple[Path, Results],
                                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    tmp, results = acme
    page = render_report(results)
    lead = re.search(r'<p class="finding">(.*?)</p>', page, re.S)
    assert lead is not None
    plain = re.sub(r"</?sup>", lambda m: "" if m.group(0) == "</sup>" else "^", lead.group(1))
    code, out, _ = run_cli(["analyse", "--store", str(tmp / "s.duckdb"), "--key-file", str(tmp / "k"),
                            "--setting", "customer_domains=customer.example", "--setting", "min_group_size=1",
                            "--setting", "bootstrap_samples=200", "--setting", "null_samples=50"], capsys)  # fmt: skip
    assert code == 0, out
    head = results.headline()
    assert f"Headline ({head.word}): {headline_text(results)}" in out
    assert headline_text(results).startswith(plain.replace("&#39;", "'"))


def test_every_fit_the_report_words_carries_its_own_verdict(acme: tuple[Path, Results]) -> None:
    """Level fits, the months fit and the fits held against chance: each sentence names the interval it reads and
    ends in the sentence of that fit's own verdict (here thin, rising and undecided, planted beside Acme's own)."""
    base = acme[1]
    planted = [replace(_fit("all", 0.1, 0.5, n_units=12), scope="level 1"),  # rising
               replace(_fit("all", -0.6, 0.2, n_units=7), scope="level 2"),  # undecided
               replace(_fit("all", -0.5, -0.2, n_units=9), scope="months", size_span=1.1)]  # thin: sizes alike
    fits = [f for f in base.fits if f.scope not in ("months",) and not f.scope.startswith("level ")] + planted
    results = Results(dict(base.items()), fits, base.rent, base.organisation, base.statement, base.min_group_size,
                      base.health)  # fmt: skip
    page = render_report(results)
    said = verdict_sentences(words("en"))  # (the sentences are markup: the apostrophes stay as they are)
    for fit, word in zip(planted[:2], ("rising", "undecided"), strict=True):
        sentence = re.search(rf"Across the {fit.n_units} subtrees of level {fit.scope.split()[1]}, R goes[^<]*"
                             r"<sup>[^<]*</sup>[^<]*", page)  # fmt: skip
        assert fit.verdict == word and sentence is not None and sentence.group(0).endswith(said[word])
    assert re.search(r"Over 9 months, as the organisation's active headcount changed[^<]*<sup>[^<]*</sup>[^<]*"
                     + re.escape(said["thin"]), page)  # fmt: skip
    fit = results.fit("R")
    assert fit is not None and fit.verdict == "sphere"
    own = f"The slope's own 95% interval runs from {fit.ci_low:.2f} to {fit.ci_high:.2f}.".replace("-", "−")
    assert f"{own} {said['sphere']}" in page
