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


#: Kolmogorov-Smirnov bound in units of 1/sqrt(N): P(sqrt(N) D > 4) < 2 exp(-32), about 3e-14.
KS_BOUND = 4.0


def uniform_distance(u: np.ndarray) -> float:
    """The Kolmogorov-Smirnov distance of a sample in [0, 1] from U(0, 1): max |F_N(x) - x|."""
    u, n = np.sort(np.asarray(u, dtype=np.float64).ravel()), np.size(u)
    return float(max(np.max(np.arange(1, n + 1) / n - u), np.max(u - np.arange(n) / n)))


def check_uniform(u: np.ndarray, *, where: str, hint: str) -> None:
    """Raise Failed (saying ``hint``) unless ``u``, positions in [0, 1], looks like independent U(0, 1) draws."""
    n = np.size(u)
    if n < MIN_SAMPLE:
        raise ValueError(f"a sample of {n} draws is too small to judge (at least {MIN_SAMPLE})")
    distance = uniform_distance(u)
    if distance > KS_BOUND / np.sqrt(n):
        thirds = np.histogram(u, bins=3, range=(0.0, 1.0))[0] / n
        raise Failed(f"{where} are not spread evenly: the first, middle and last third of the range hold "
                     f"{thirds[0]:.0%}, {thirds[1]:.0%} and {thirds[2]:.0%} of them (about 33% each): {hint}")


def check_equally_likely(values: list, options: list, *, where: str) -> None:
    """Raise Failed unless each of ``options`` is a share 1/k of ``values`` within Z_BOUND binomial standard errors."""
    n, p = len(values), 1.0 / len(options)
    for option in options:
        share = sum(value == option and type(value) is type(option) for value in values) / n
        if abs(share - p) > Z_BOUND * np.sqrt(p * (1 - p) / n):
            raise Failed(f"{where}: {option!r} is {share:.1%} of the {n} values, not about {p:.1%}: each of "
                         f"the {len(options)} values should be equally likely")
