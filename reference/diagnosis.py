"""Bias and variance from the train and dev errors, as the lecture reads them.

avoidable bias = train error - baseline (human-level or Bayes) error,
variance = dev error - train error; each is "high" when it exceeds ``tolerance``.
"""

from __future__ import annotations

from typing import NamedTuple

BIAS_ADVICE = "high bias: train a bigger network, train longer, or try another architecture"
VARIANCE_ADVICE = ("high variance: get more data, regularize (L2, dropout, augmentation), "
                   "or try another architecture")
FINE_ADVICE = "low bias and low variance: the model fits; keep it"


class Diagnosis(NamedTuple):
    """The verdict: which problems, their sizes (error fractions) and what to try first."""

    high_bias: bool
    high_variance: bool
    avoidable_bias: float
    variance: float
    advice: str


def diagnose_bias_variance(train_error: float, dev_error: float, baseline_error: float = 0.0,
                           *, tolerance: float = 0.02) -> Diagnosis:
    """Errors are fractions in [0, 1]; high bias = train - baseline > tolerance,
    high variance = dev - train > tolerance. Bias is named first: fix it before variance.
    """
    for name, value in (("train_error", train_error), ("dev_error", dev_error),
                        ("baseline_error", baseline_error)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be a fraction in [0, 1], got {value}")
    avoidable_bias = float(train_error - baseline_error)
    variance = float(dev_error - train_error)
    high_bias, high_variance = avoidable_bias > tolerance, variance > tolerance
    advice = [text for flag, text in ((high_bias, BIAS_ADVICE), (high_variance, VARIANCE_ADVICE))
              if flag]
    return Diagnosis(high_bias, high_variance, avoidable_bias, variance,
                     "; then ".join(advice) or FINE_ADVICE)
