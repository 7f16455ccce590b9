"""Hidden checks of Part B's initializers (statistics, structure, seeding) and of input normalization."""

from __future__ import annotations

import numpy as np
from dnn_checks import network_inputs, strategies
from dnn_checks.checks.initialization import SCALES, check_seeding, check_statistics, check_structure
from dnn_checks.compare import check_close
from dnn_checks.runner import RecordingStudent
from hypothesis import strategies as st

import reference
from autograder.hidden.activations import matches_reference
from autograder.hidden.registry import HIDDEN

matches_reference("initialize_parameters_zeros", {"layer_dims": strategies.layer_dims(max_units=6)})
for _function in SCALES:
    check_statistics(HIDDEN, _function, weight=3)
    check_structure(HIDDEN, _function)
    check_seeding(HIDDEN, _function)

matches_reference("normalize_inputs", network_inputs.train_and_test(), weight=3)
SCALED = st.tuples(network_inputs.train_and_test(), st.sampled_from([1e-3, 1e3]), st.sampled_from([0.0, 50.0])).map(
    lambda d: {key: d[1] * X + d[2] for key, X in d[0].items()})


@HIDDEN.property("normalize_inputs", "matches the reference for features of other scales and offsets", given=SCALED)
def _(student: RecordingStudent, X_train: np.ndarray, X_test: np.ndarray) -> None:
    check_close(reference.normalize_inputs(X_train, X_test), student.call("normalize_inputs", X_train, X_test),
                where="the result of normalize_inputs")
