"""Wrong versions of random search's sampler, recognized by what they do to each kind's values (a fingerprint)."""

from collections.abc import Mapping
from typing import Any

import math

import numpy as np
from dnn_checks.statistics import KS_BOUND, Z_BOUND, uniform_distance

from autograder.mistakes._catalog import Catalog
from reference.hyperparameters import Spec, draw_values, sample_hyperparameters

Space = Mapping[str, Spec]


def _positions(kind: str, bounds: list[Any], values: list[Any]) -> np.ndarray:
    """Where the values lie between low (0) and high (1): in the exponent for "log"."""
    values = np.asarray(values, dtype=np.float64)
    if kind == "log":
        with np.errstate(all="ignore"):
            return (np.log10(values) - np.log10(bounds[0])) / (np.log10(bounds[1]) - np.log10(bounds[0]))
    return (values - bounds[0]) / (bounds[1] - bounds[0])


def _equally_likely(values: list[Any], options: list[Any]) -> tuple[bool, bool]:
    """(every option drawn, each a share 1/k within Z_BOUND binomial standard errors)."""
    n, p = len(values), 1 / len(options)
    shares = [sum(v == o and type(v) is type(o) for v in values) / n for o in options]
    return all(shares), all(abs(share - p) <= Z_BOUND * np.sqrt(p * (1 - p) / n) for share in shares)


def fingerprint(args: tuple, kwargs: dict, output: Any) -> dict[str, Any]:
    """Per name, what a mistake changes: the values vary or not; numbers below low, above high, spread evenly
    (Kolmogorov-Smirnov); integers and options each drawn, equally often."""
    space = kwargs.get("space", args[0])
    found: dict[str, Any] = {"n": len(output)}
    for name, (kind, *bounds) in space.items():
        values = [setting[name] for setting in output]
        varies = len({repr(v) for v in values}) > 1
        if kind in ("log", "uniform"):
            u = _positions(kind, bounds, values)
            inside = u[(u >= 0) & (u <= 1)]
            found[name] = (varies, bool((u < 0).any()), bool((u > 1).any()),
                           bool(inside.size == u.size and uniform_distance(u) <= KS_BOUND / np.sqrt(u.size)))
        else:
            options = list(range(bounds[0], bounds[1] + 1)) if kind == "int" else list(bounds[0])
            found[name] = (varies, *_equally_likely(values, options))
    return found


catalog = Catalog(fingerprints={"sample_hyperparameters": fingerprint})
mistake = catalog.mistake


def _with(space: Space, n: int, rng: np.random.Generator, kind: str, wrong: Any) -> list[dict[str, Any]]:
    """The correct draws, but those of the names of ``kind`` by ``wrong(bounds, n, rng)``."""
    columns = [(name, wrong(spec[1:], n, rng) if spec[0] == kind else draw_values(spec, n, rng))
               for name, spec in space.items()]
    return [{name: values[i] for name, values in columns} for i in range(n)]


@mistake("sample_hyperparameters", message="your 'log' values are uniform between low and high: most land in the top "
                                           "decade; draw the exponent uniformly, 10 ** rng.uniform(log10(low), "
                                           "log10(high))")
def log_drawn_linearly(space: Space, n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    return _with(space, n, rng, "log", lambda bounds, n, rng: rng.uniform(bounds[0], bounds[1], n).tolist())


@mistake("sample_hyperparameters", message="your 'log' values are 10 ** uniform(low, high): low and high are the "
                                           "values, not their exponents; use 10 ** rng.uniform(np.log10(low), "
                                           "np.log10(high))")
def log_of_the_bounds_forgotten(space: Space, n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    return _with(space, n, rng, "log", lambda bounds, n, rng: (10.0 ** rng.uniform(bounds[0], bounds[1], n)).tolist())


@mistake("sample_hyperparameters", message="your 'log' values mix two bases, 10 ** uniform(ln low, ln high): use "
                                           "np.log10 with 10 ** (or np.log with np.exp)")
def log_bases_mixed(space: Space, n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    return _with(space, n, rng, "log",
                 lambda bounds, n, rng: (10.0 ** rng.uniform(np.log(bounds[0]), np.log(bounds[1]), n)).tolist())


@mistake("sample_hyperparameters", message="your 'int' values never reach high: rng.integers(low, high) excludes "
                                           "high; use rng.integers(low, high + 1) (or endpoint=True)")
def int_without_high(space: Space, n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    return _with(space, n, rng, "int", lambda bounds, n, rng: rng.integers(bounds[0], bounds[1], n).tolist())


@mistake("sample_hyperparameters", message="your 'choice' never picks the last option: "
                                           "rng.integers(len(options)) draws every index")
def choice_without_the_last_option(space: Space, n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    return _with(space, n, rng, "choice", lambda bounds, n, rng: [bounds[0][k] for k in rng.integers(
        max(len(bounds[0]) - 1, 1), size=n)])


@mistake("sample_hyperparameters", message="your 'uniform' values are low + rng.random() * high: scale by the width, "
                                           "low + rng.random() * (high - low), or use rng.uniform(low, high)")
def uniform_scaled_by_high(space: Space, n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    return _with(space, n, rng, "uniform", lambda bounds, n, rng: (bounds[0] + rng.random(n) * bounds[1]).tolist())


@mistake("sample_hyperparameters", message="your n settings are all the same: draw new values for each of the n "
                                           "settings")
def one_setting_repeated(space: Space, n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    return sample_hyperparameters(space, 1, rng) * n


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("sample_hyperparameters")
def sample_hyperparameters_if_chain(space, n, rng):
    settings = []
    for _ in range(n):
        setting = {}
        for name, spec in space.items():
            if spec[0] == "log":
                setting[name] = 10 ** rng.uniform(np.log10(spec[1]), np.log10(spec[2]))
            elif spec[0] == "uniform":
                setting[name] = rng.uniform(spec[1], spec[2])
            elif spec[0] == "int":
                setting[name] = int(rng.integers(spec[1], spec[2] + 1))
            else:
                setting[name] = spec[1][rng.integers(len(spec[1]))]
        settings.append(setting)
    return settings


@alternative("sample_hyperparameters")
def sample_hyperparameters_natural_log(space, n, rng):
    def draw(kind, *bounds):
        if kind == "log":
            return float(np.exp(rng.uniform(math.log(bounds[0]), math.log(bounds[1]))))
        if kind == "uniform":
            return bounds[0] + (bounds[1] - bounds[0]) * rng.random()
        if kind == "int":
            return int(rng.integers(bounds[0], bounds[1], endpoint=True))
        return bounds[0][int(rng.choice(len(bounds[0])))]
    return [{name: draw(*spec) for name, spec in space.items()} for _ in range(n)]


@alternative("sample_hyperparameters")
def sample_hyperparameters_by_name(space, n, rng):
    columns = {}
    for name, (kind, *bounds) in space.items():
        if kind == "log":
            columns[name] = np.power(10.0, rng.uniform(np.log10(bounds[0]), np.log10(bounds[1]), size=n))
        elif kind == "uniform":
            columns[name] = rng.uniform(*bounds, size=n)
        elif kind == "int":
            columns[name] = rng.integers(bounds[0], bounds[1] + 1, size=n)
        else:
            columns[name] = [bounds[0][i] for i in rng.integers(0, len(bounds[0]), size=n)]
    return [{name: values[i] for name, values in columns.items()} for i in range(n)]


@alternative("sample_hyperparameters")
def sample_hyperparameters_with_choice(space, n, rng):
    settings = [{} for _ in range(n)]
    for name, (kind, *bounds) in space.items():
        for setting in settings:
            if kind == "choice":
                setting[name] = rng.choice(bounds[0]) if all(type(o) is str for o in bounds[0]) else \
                    bounds[0][rng.integers(len(bounds[0]))]
            elif kind == "int":
                setting[name] = int(rng.integers(bounds[0], bounds[1] + 1))
            elif kind == "log":
                setting[name] = float(10 ** rng.uniform(np.log10(bounds[0]), np.log10(bounds[1])))
            else:
                setting[name] = float(rng.uniform(bounds[0], bounds[1]))
    return settings
