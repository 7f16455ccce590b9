"""Hidden checks of the costs, against the reference."""

from __future__ import annotations

from dnn_checks.checks.costs import COST_INPUTS, cost_inputs

from autograder.hidden.registry import matches_reference

matches_reference("compute_cost", COST_INPUTS)
matches_reference("compute_cost_with_regularization", cost_inputs(), weight=3)
