"""The one table of graded functions: the assignment that teaches each, its concept, its points, its callees.

Everything else derives from :data:`TABLE`: the registries' point sums (visible and hidden),
each assignment's helper module (the earlier assignments' functions), the release checks,
the benchmarks and the tests' parametrization. ``concept`` names the module that holds the
function in ``reference/``, ``dnn_checks/checks/``, ``autograder/hidden/`` and
``autograder/mistakes/`` alike. Adding a graded function: ``DESIGN.md``, "Adding a graded function".
"""

from __future__ import annotations

from dataclasses import dataclass

#: The course's assignments, in teaching order (``source/<assignment>/<assignment>.ipynb``).
ASSIGNMENTS = ("a1_deep_network", "a2_practical_aspects", "a3_optimization", "a4_batch_norm", "a5_composing_networks")


@dataclass(frozen=True)
class Graded:
    """One student function of the contract.

    ``visible`` and ``hidden`` are the points of its visible and hidden checks (a grade cell is
    worth the sum over the functions its test cell names); ``calls`` lists the graded functions
    it may call, directly or not (a check can run it with correct versions of them, so that a
    mistake costs its own points once); ``mutable`` names the arguments it may change in place
    (the contract's exceptions: the update functions' states, batch norm's ``bn_param``).
    """

    name: str
    assignment: str
    concept: str
    visible: float
    hidden: float
    calls: tuple[str, ...] = ()
    mutable: tuple[str, ...] = ()

    @property
    def points(self) -> float:
        return self.visible + self.hidden


_A1, _A2, _A3, _A4, _A5 = ASSIGNMENTS
_FORWARD_ACTIVATIONS = ("sigmoid", "relu", "tanh", "softmax")
_BACKWARD_ACTIVATIONS = ("sigmoid_backward", "relu_backward", "tanh_backward")
_LAYER_FORWARD = ("linear_forward", *_FORWARD_ACTIVATIONS)
_LAYER_BACKWARD = ("linear_backward", *_BACKWARD_ACTIVATIONS)


def _activations() -> tuple[Graded, ...]:
    return tuple(Graded(name, _A1, "activations", 1, 2) for name in (*_FORWARD_ACTIVATIONS, *_BACKWARD_ACTIVATIONS))


TABLE: tuple[Graded, ...] = (
    # Part A: a deep network, step by step
    *_activations(),
    Graded("initialize_parameters_deep", _A1, "initializers", 1, 2),
    Graded("linear_forward", _A1, "layers", 1, 2),
    Graded("linear_activation_forward", _A1, "layers", 1, 2, calls=_LAYER_FORWARD),
    Graded("L_model_forward", _A1, "layers", 2, 3, calls=("linear_activation_forward", *_LAYER_FORWARD)),
    Graded("compute_cost", _A1, "costs", 1, 2),
    Graded("linear_backward", _A1, "layers", 1, 3),
    Graded("linear_activation_backward", _A1, "layers", 1, 3, calls=_LAYER_BACKWARD),
    Graded("L_model_backward", _A1, "layers", 2, 4, calls=("linear_activation_backward", *_LAYER_BACKWARD)),
    Graded("update_parameters", _A1, "optimizers", 1, 2, mutable=("parameters",)),
    Graded("gradient_check_n", _A1, "gradcheck", 1, 2,
           calls=("L_model_forward", "compute_cost", "linear_activation_forward", *_LAYER_FORWARD)),
    # Part B: initialization, scaling and regularization
    Graded("initialize_parameters_zeros", _A2, "initializers", 1, 1),
    Graded("initialize_parameters_random", _A2, "initializers", 1, 1),
    Graded("initialize_parameters_he", _A2, "initializers", 1, 2),
    Graded("initialize_parameters_xavier", _A2, "initializers", 1, 2),
    Graded("normalize_inputs", _A2, "scaling", 1, 2),
    Graded("compute_cost_with_regularization", _A2, "costs", 1, 2, calls=("compute_cost",)),
    Graded("L_model_backward_with_regularization", _A2, "regularization", 1, 3,
           calls=("L_model_backward", "linear_activation_backward", *_LAYER_BACKWARD)),
    Graded("dropout_forward", _A2, "regularization", 1, 2),
    Graded("dropout_backward", _A2, "regularization", 1, 2),
    # Part C: optimization
    Graded("update_parameters_with_gd", _A3, "optimizers", 1, 1, mutable=("parameters",)),
    Graded("random_mini_batches", _A3, "optimizers", 1, 3),
    Graded("initialize_velocity", _A3, "optimizers", 1, 1),
    Graded("update_parameters_with_momentum", _A3, "optimizers", 1, 2, mutable=("parameters", "v")),
    Graded("initialize_rmsprop", _A3, "optimizers", 1, 1),
    Graded("update_parameters_with_rmsprop", _A3, "optimizers", 1, 2, mutable=("parameters", "s")),
    Graded("initialize_adam", _A3, "optimizers", 1, 1, calls=("initialize_velocity", "initialize_rmsprop")),
    Graded("update_parameters_with_adam", _A3, "optimizers", 2, 3, mutable=("parameters", "v", "s")),
    Graded("update_lr", _A3, "optimizers", 1, 1),
    Graded("schedule_lr_decay", _A3, "optimizers", 1, 1),
    Graded("exponential_lr_decay", _A3, "optimizers", 1, 1),
    # Part D: batch normalization
    Graded("batchnorm_forward", _A4, "batchnorm", 2, 4, mutable=("bn_param",)),
    Graded("batchnorm_backward", _A4, "batchnorm", 2, 4),
    # Part E: composing networks
    Graded("concat_forward", _A5, "composition", 1, 1),
    Graded("concat_backward", _A5, "composition", 1, 2),
    Graded("scale_forward", _A5, "composition", 1, 1),
    Graded("scale_backward", _A5, "composition", 1, 2),
    # Part E in assignments 2 and 3: example weights, early stopping, augmentation, hyper-parameter search
    Graded("compute_cost_weighted", _A2, "costs", 1, 2),
    Graded("L_model_backward_weighted", _A2, "layers", 1, 3, calls=("linear_activation_backward", *_LAYER_BACKWARD)),
    Graded("early_stopping", _A2, "regularization", 1, 2),
    Graded("augment_shift", _A2, "data", 1, 2),
    Graded("sample_hyperparameters", _A3, "hyperparameters", 1, 2),
)
#: The table by function name.
FUNCTIONS: dict[str, Graded] = {graded.name: graded for graded in TABLE}


def graded(function: str) -> Graded:
    """The table's row of ``function``; KeyError names an unknown one."""
    try:
        return FUNCTIONS[function]
    except KeyError:
        raise KeyError(f"{function!r} is not a graded function of the course") from None


def taught_in(assignment: str) -> tuple[str, ...]:
    """The functions ``assignment`` teaches, in the table's order."""
    if assignment not in ASSIGNMENTS:
        raise KeyError(f"{assignment!r} is not an assignment of the course")
    return tuple(g.name for g in TABLE if g.assignment == assignment)


def taught_before(assignment: str) -> tuple[str, ...]:
    """The functions the assignments before ``assignment`` teach (its helper module's)."""
    return tuple(name for earlier in ASSIGNMENTS[:ASSIGNMENTS.index(assignment)] for name in taught_in(earlier))


def concepts() -> tuple[str, ...]:
    """Every concept, in the table's order."""
    return tuple(dict.fromkeys(g.concept for g in TABLE))
