"""Statistical checks of random outputs, with a false-failure probability far below 1e-9.

Each bound is ``Z_BOUND`` standard errors: for a sample of N independent draws, the mean of
N(0, 1) has standard error 1/sqrt(N), the sample variance sqrt(2/N), the sample kurtosis
sqrt(24/N) (normal approximations; N >= 1000 here). P(|z| > 8) is about 1.2e-15, so even
with the approximations' heavier tails and a dozen tests per run, a correct solution fails
with probability far below 1e-9.
"""

from __future__ import annotations

import numpy as np

from dnn_checks.compare import Failed

Z_BOUND = 8.0
#: Kurtosis tolerance at least this wide: the estimator's tail is skewed; a uniform has 1.8, a normal 3.
KURTOSIS_SLACK = 0.6
#: Smallest sample whose variance bound (8 sqrt(2/N) < 0.36) tells sqrt(2/n) from sqrt(1/n).
MIN_SAMPLE = 1000


def check_normal(sample: np.ndarray, std: float, *, where: str) -> None:
    """Raise Failed unless ``sample`` looks like independent N(0, std**2) draws (mean, variance, kurtosis)."""
    n = sample.size
    if n < MIN_SAMPLE:
        raise ValueError(f"a sample of {n} draws is too small to judge (at least {MIN_SAMPLE})")
    z = np.asarray(sample, dtype=np.float64).ravel() / std
    mean, var = float(z.mean()), float(z.var())
    if abs(mean) > Z_BOUND / np.sqrt(n):
        raise Failed(f"{where} should have mean 0; its {n} entries have mean {mean * std:.4g}")
    if abs(var - 1.0) > Z_BOUND * np.sqrt(2.0 / n):
        raise Failed(f"{where} should have standard deviation {std:.4g}; its {n} entries have "
                     f"standard deviation {np.sqrt(var) * std:.4g}")
    kurtosis = float(np.mean((z - mean) ** 4) / var**2)
    if abs(kurtosis - 3.0) > max(Z_BOUND * np.sqrt(24.0 / n), KURTOSIS_SLACK):
        raise Failed(f"{where} does not look normally distributed (kurtosis {kurtosis:.3g}, a normal "
                     "distribution has 3): use np.random.randn or a Generator's standard_normal")
