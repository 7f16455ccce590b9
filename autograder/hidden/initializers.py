"""Hidden checks of the initializers (statistics, structure, seeding), against the reference."""

from __future__ import annotations

from dnn_checks import strategies
from dnn_checks.checks.initializers import check_seeding, check_statistics, check_structure
from hypothesis import strategies as st

from autograder.hidden.registry import HIDDEN, matches_reference

STATISTICS_DIMS = [400, 100, 80]
SMALL = {"layer_dims": strategies.layer_dims(max_units=6), "seed": st.integers(0, 2**31 - 1)}

check_statistics(HIDDEN, "initialize_parameters_deep", given=None, name="for other layer sizes and seeds",
                 cases=lambda: [{"layer_dims": STATISTICS_DIMS, "seed": seed} for seed in (0, 11)])
check_structure(HIDDEN, "initialize_parameters_deep", SMALL)
check_seeding(HIDDEN, "initialize_parameters_deep")
matches_reference("initialize_parameters_zeros", {"layer_dims": strategies.layer_dims(max_units=6)})
for _function in ("initialize_parameters_random", "initialize_parameters_he", "initialize_parameters_xavier"):
    check_statistics(HIDDEN, _function, weight=3)
    check_structure(HIDDEN, _function)
    check_seeding(HIDDEN, _function)
