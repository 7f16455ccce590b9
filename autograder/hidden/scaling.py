"""Hidden checks of input normalization, against the reference."""

from __future__ import annotations

import numpy as np
from dnn_checks import network_inputs
from dnn_checks.compare import check_close
from dnn_checks.runner import RecordingStudent
from hypothesis import strategies as st

import reference
from autograder.hidden.activations import matches_reference
from autograder.hidden.registry import HIDDEN

matches_reference("normalize_inputs", network_inputs.train_and_test(), weight=3)


SCALED = st.tuples(network_inputs.train_and_test(), st.sampled_from([1e-3, 1e3]), st.sampled_from([0.0, 50.0])).map(
    lambda d: {key: d[1] * X + d[2] for key, X in d[0].items()})


@HIDDEN.property("normalize_inputs", "matches the reference for features of other scales and offsets", given=SCALED)
def _(student: RecordingStudent, X_train: np.ndarray, X_test: np.ndarray) -> None:
    check_close(reference.normalize_inputs(X_train, X_test), student.call("normalize_inputs", X_train, X_test),
                where="the result of normalize_inputs")
