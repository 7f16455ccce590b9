"""Hidden checks of input normalization, against the reference."""

from __future__ import annotations

from dnn_checks import network_inputs
from dnn_checks.properties import matches
from hypothesis import strategies as st

import reference
from autograder.hidden.registry import HIDDEN, matches_reference

SCALED = st.tuples(network_inputs.train_and_test(), st.sampled_from([1e-3, 1e3]), st.sampled_from([0.0, 50.0])).map(
    lambda d: {key: d[1] * X + d[2] for key, X in d[0].items()})

matches_reference("normalize_inputs", network_inputs.train_and_test(), weight=3)
matches(HIDDEN, "normalize_inputs", "matches the reference for features of other scales and offsets", SCALED,
        reference.normalize_inputs, weight=1)
