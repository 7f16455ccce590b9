"""Hidden checks of random search's sampler: other spaces (wide and narrow ranges, one option, mixed types)."""

from __future__ import annotations

import numpy as np
from dnn_checks.checks.hyperparameters import FULL, check_space, distribution, draws_from_rng
from dnn_checks.runner import RecordingStudent
from hypothesis import strategies as st

from autograder.hidden.registry import HIDDEN

distribution(HIDDEN, "'log' over 8 decades and over less than one",
             {"learning_rate": [("log", 1e-6, 1e2), ("log", 2.0, 3.0)]}, {"decay": ("uniform", 0.0, 1.0)})
distribution(HIDDEN, "'uniform' over negative and tiny ranges",
             {"shift": [("uniform", -3.0, -1.0), ("uniform", 0.0, 1e-3)]}, {"units": ("int", 1, 2)})
distribution(HIDDEN, "'int' with negative and large bounds, and low = high",
             {"units": [("int", -3, 0), ("int", 100, 103), ("int", 5, 5)]}, {"rate": ("log", 1e-2, 1.0)})
distribution(HIDDEN, "'choice' with one option, with floats, with mixed types",
             {"setting": [("choice", ["adam"]), ("choice", [0.9, 0.99, 0.999]), ("choice", ["gd", 1, 2.5])]},
             {"keep_prob": ("uniform", 0.5, 1.0)})
draws_from_rng(HIDDEN, st.integers(0, 2**32 - 1).map(lambda seed: {"space": FULL, "rng": np.random.default_rng(seed)}),
               50)

SIZES = st.tuples(st.sampled_from([0, 1, 7]), st.integers(0, 2**32 - 1)).map(
    lambda drawn: {"n": drawn[0], "rng": np.random.default_rng(drawn[1])})


@HIDDEN.property("sample_hyperparameters", "a list of exactly n settings, n = 0, 1 or 7", role="gate", given=SIZES,
                 max_examples=3)
def _(student: RecordingStudent, n: int, rng: np.random.Generator) -> None:
    check_space(student, FULL, rng, n=n, laws=False)
