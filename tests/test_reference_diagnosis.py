"""The bias/variance diagnosis on the lecture's four cases and its edge cases."""

import pytest

from reference.diagnosis import (
    BIAS_ADVICE,
    FINE_ADVICE,
    VARIANCE_ADVICE,
    diagnose_bias_variance,
)


@pytest.mark.parametrize(
    "train, dev, high_bias, high_variance",
    [(0.01, 0.11, False, True), (0.15, 0.16, True, False),
     (0.15, 0.30, True, True), (0.005, 0.01, False, False)],
)
def test_lecture_cases_with_human_level_near_zero(train, dev, high_bias, high_variance):
    d = diagnose_bias_variance(train, dev)
    assert (d.high_bias, d.high_variance) == (high_bias, high_variance)
    assert d.avoidable_bias == pytest.approx(train)
    assert d.variance == pytest.approx(dev - train)


def test_a_high_baseline_turns_the_same_errors_into_variance():
    """With 15% Bayes error, 15% train / 30% dev is no bias problem, only variance."""
    d = diagnose_bias_variance(0.15, 0.30, baseline_error=0.15)
    assert (d.high_bias, d.high_variance) == (False, True)
    assert d.avoidable_bias == pytest.approx(0.0)


def test_advice_names_bias_first_then_variance():
    assert diagnose_bias_variance(0.15, 0.30).advice == f"{BIAS_ADVICE}; then {VARIANCE_ADVICE}"
    assert diagnose_bias_variance(0.01, 0.11).advice == VARIANCE_ADVICE
    assert diagnose_bias_variance(0.15, 0.16).advice == BIAS_ADVICE
    assert diagnose_bias_variance(0.01, 0.02).advice == FINE_ADVICE


def test_tolerance_is_the_threshold():
    assert not diagnose_bias_variance(0.05, 0.10, tolerance=0.05).high_variance
    assert diagnose_bias_variance(0.05, 0.10, tolerance=0.04).high_variance
    assert diagnose_bias_variance(0.05, 0.06, tolerance=0.04).high_bias


@pytest.mark.parametrize("train, dev, base", [(-0.1, 0.1, 0.0), (0.1, 1.5, 0.0), (0.1, 0.1, 2.0)])
def test_errors_must_be_fractions(train, dev, base):
    with pytest.raises(ValueError):
        diagnose_bias_variance(train, dev, base)
