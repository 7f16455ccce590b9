"""Visible checks of random search's sampler: each kind's range and distribution, the generator as its randomness.

Each distribution property draws 1000 settings and judges them with :mod:`dnn_checks.statistics`
(false failure far below 1e-9): a constant, or values that ignore the kind, fail.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import strategies as st

from dnn_checks.compare import Failed, check_equal
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent
from dnn_checks.statistics import check_equally_likely, check_uniform
from dnn_checks.values import describe

Space = dict[str, tuple]
#: Settings drawn for a distribution property (statistics.MIN_SAMPLE).
N = 1000


def samples(student: RecordingStudent, space: Space, n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    """The student's n settings: a list of n dicts with exactly the names of ``space``."""
    drawn = student.call("sample_hyperparameters", space, n, rng)
    if not isinstance(drawn, list) or len(drawn) != n:
        raise Failed(f"sample_hyperparameters(space, {n}, rng) should return a list of {n} dicts, got {describe(drawn)}")
    for i, setting in enumerate(drawn):
        if not isinstance(setting, dict) or set(setting) != set(space):
            raise Failed(f"setting {i} should be a dict with exactly the names {sorted(space)}, got {describe(setting)}"
                         + (f" with the names {sorted(setting)}" if isinstance(setting, dict) else ""))
    return drawn


def values_of(drawn: list[dict[str, Any]], name: str, spec: tuple) -> list[Any]:
    """The values of ``name``, each in its kind's domain: one of the options, or a Python number (an int for
    "int") between low and high, both included."""
    kind, *bounds = spec
    values = [setting[name] for setting in drawn]
    for i, value in enumerate(values):
        if kind == "choice":
            if not any(value == option and type(value) is type(option) for option in bounds[0]):
                raise Failed(f"setting {i}: {name!r} should be one of the options {bounds[0]}, got {describe(value)}")
        elif type(value) not in ((int,) if kind == "int" else (int, float)) or not bounds[0] <= value <= bounds[1]:
            raise Failed(f"setting {i}: {name!r} should be {'an integer' if kind == 'int' else 'a number'} between "
                         f"{bounds[0]} and {bounds[1]} (both included), got {describe(value)}")
    return values


def check_law(values: list[Any], name: str, spec: tuple) -> None:
    """The values of ``name`` follow its kind's distribution (:mod:`dnn_checks.statistics`)."""
    kind, *bounds = spec
    if kind == "choice":
        check_equally_likely(values, list(bounds[0]), where=f"the 'choice' values of {name!r}")
    elif kind == "int":
        check_equally_likely(values, list(range(bounds[0], bounds[1] + 1)),
                             where=f"the 'int' values of {name!r} (from {bounds[0]} to {bounds[1]}, both included)")
    elif kind == "log":
        low, high = np.log10(bounds[0]), np.log10(bounds[1])
        check_uniform((np.log10(values) - low) / (high - low), where=f"the exponents log10 of the 'log' values of "
                      f"{name!r}", hint="draw the exponent uniformly, 10 ** rng.uniform(np.log10(low), np.log10(high)), "
                                        "so that every decade gets as many values")
    else:
        check_uniform((np.asarray(values) - bounds[0]) / (bounds[1] - bounds[0]),
                      where=f"the 'uniform' values of {name!r}", hint="draw them with rng.uniform(low, high)")


def check_space(student: RecordingStudent, space: Space, rng: np.random.Generator, *, judged: Space | None = None,
                n: int = N, laws: bool = True) -> None:
    """n settings of ``space`` from ``rng``, with every name of ``space``: the values of the ``judged`` names (default:
    all) in their kind's domain; with ``laws``, drawn with its distribution."""
    drawn = samples(student, space, n, rng)
    for name, spec in (space if judged is None else judged).items():
        values = values_of(drawn, name, spec)
        if laws:
            check_law(values, name, spec)


def spaces(entries: dict[str, list[tuple]], rest: Space) -> st.SearchStrategy[dict[str, Any]]:
    """{"space", "rng"}: each name of ``entries`` with one of its specs (the names a property judges), then ``rest``
    (names it only needs to find in every setting); a Generator in a drawn state."""
    named = st.fixed_dictionaries({name: st.sampled_from(specs) for name, specs in entries.items()})
    return st.tuples(named, st.integers(0, 2**32 - 1)).map(
        lambda drawn: {"space": {**drawn[0], **rest}, "rng": np.random.default_rng(drawn[1])})


LOG = {"learning_rate": [("log", 1e-4, 1e-1), ("log", 1e-3, 1.0), ("log", 0.5, 50.0)]}
UNIFORM = {"keep_prob": [("uniform", 0.5, 1.0), ("uniform", -2.0, 3.0)]}
INT = {"units": [("int", 8, 11), ("int", 1, 3), ("int", -2, 2)]}
CHOICE = {"optimizer": [("choice", ["gd", "momentum", "adam"]), ("choice", [32, 64, 128, 256]),
                        ("choice", ["relu", "tanh"])]}
#: Every kind at once.
FULL: Space = {"learning_rate": ("log", 1e-4, 1.0), "beta": ("uniform", 0.85, 0.99), "units": ("int", 16, 128),
               "activation": ("choice", ["relu", "tanh"])}


def distribution(registry: Registry, name: str, entries: dict[str, list[tuple]], rest: Space, *,
                 weight: float = 1.0) -> None:
    """``name``: in N settings of a space drawn by ``spaces(entries, rest)``, the names of ``entries`` follow their
    kind's law."""
    @registry.property("sample_hyperparameters", name, role="value", given=spaces(entries, rest), max_examples=2, weight=weight)
    def _(student: RecordingStudent, space: Space, rng: np.random.Generator) -> None:
        check_space(student, space, rng, judged={key: space[key] for key in entries})


def draws_from_rng(registry: Registry, given: st.SearchStrategy[dict[str, Any]], n: int) -> None:
    """"draws from rng": generators in one state give the same list, in a later state another one."""
    @registry.property("sample_hyperparameters", "draws only from rng: the same generator state gives the same "
                       "settings, a later state other settings", role="gate", given=given,
                       max_examples=2)
    def _(student: RecordingStudent, space: Space, rng: np.random.Generator) -> None:
        later = copy.deepcopy(rng)
        later.random()
        first, again, other = (samples(student, space, n, generator)
                               for generator in (copy.deepcopy(rng), copy.deepcopy(rng), later))
        check_equal(first, again, where="the settings drawn from a generator in the same state as the first call's")
        if first == other:
            raise Failed("generators in different states gave the same settings: draw every value from the rng "
                         "argument, not from np.random or a generator of your own")


distribution(VISIBLE, "'log': 10 ** uniform(log10 low, log10 high), as many values in every decade", LOG,
             {"layers": ("int", 1, 4)})
distribution(VISIBLE, "'uniform': uniform between low and high", UNIFORM, {"optimizer": ("choice", ["gd", "adam"])})
distribution(VISIBLE, "'int': every integer from low to high (both included) equally likely", INT,
             {"learning_rate": ("log", 1e-3, 1e-1)})
distribution(VISIBLE, "'choice': one of the options, each equally likely", CHOICE, {"beta": ("uniform", 0.8, 0.999)})
draws_from_rng(VISIBLE, st.integers(0, 2**32 - 1).map(lambda seed: {"space": FULL,
                                                                     "rng": np.random.default_rng(seed)}), 20)
