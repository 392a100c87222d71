"""The sphere model simulator: −1/d in the ball, flat alternatives, interventions that do what they say."""

from __future__ import annotations

import pytest

from orgsphere.errors import InputError
from orgsphere.science import spheremodel as sm

# Tolerance: over 2,000 to 64,000 people the fitted slope lies within 0.04 of −1/d. The contact radius is
# finite, so small balls have a relatively thicker skin; the gap closes as the ball grows.
TOLERANCE = 0.04
SIZES = (2000, 4000, 8000, 16000, 32000, 64000)


@pytest.mark.parametrize("d", [2, 3, 4])
def test_ball_reproduces_minus_one_over_d(d: int) -> None:
    fit, shots = sm.exponent("ball", sizes=SIZES, seeds=(0, 1, 2), d=d, bootstrap_samples=500)
    assert len(shots) == len(SIZES) * 3
    assert abs(fit.slope + 1 / d) <= TOLERANCE, (d, fit.slope)
    assert sm.dimension_from_slope(fit.slope) == pytest.approx(d, rel=0.15)


@pytest.mark.parametrize("shape", ["tree", "network"])
def test_alternatives_do_not_follow_the_sphere_law(shape: str) -> None:
    fit, _ = sm.exponent(shape, sizes=(500, 1000, 2000, 4000, 8000), seeds=(0, 1), bootstrap_samples=500)
    assert abs(fit.slope) < 0.05 and not fit.sphere_in_interval


def test_growth_makes_the_ball_turn_inward() -> None:
    shots = sm.grow(500, 8000, 5, d=3)
    assert [s.persons for s in shots] == [500, 1000, 2000, 4000, 8000]
    assert all(a.R > b.R for a, b in zip(shots, shots[1:], strict=False))


def test_rotating_staff_to_the_front_raises_outwardness_and_line_of_sight() -> None:
    before, after = sm.what_if("rotate", n=3000, share=0.3, seed=1)
    assert after.persons == before.persons
    assert after.customer_facing > before.customer_facing and after.R > before.R
    assert after.line_of_sight > before.line_of_sight


def test_staff_in_customer_teams_gain_line_of_sight_not_customer_contact() -> None:
    before, after = sm.what_if("embed", n=3000, share=0.3, seed=1)
    assert after.customer_facing == before.customer_facing and after.external == before.external
    assert after.line_of_sight > before.line_of_sight + 0.1


def test_flattening_a_level_brings_the_front_closer() -> None:
    before, after = sm.what_if("flatten", n=2000, level=1)
    assert after.line_of_sight > before.line_of_sight
    with pytest.raises(InputError, match="not a management level"):
        sm.what_if("flatten", n=2000, level=9)


def test_wrong_input_says_what_is_allowed() -> None:
    with pytest.raises(InputError, match="ball, tree, network"):
        sm.simulate("cube", 100)
    with pytest.raises(InputError, match="rotate, embed, flatten"):
        sm.what_if("outsource")
    with pytest.raises(InputError, match="between 0 and 1"):
        sm.what_if("rotate", share=1.5)
