"""The one table of graded functions: the assignment that teaches each, its concept, its points, its callees.

Everything else derives from :data:`TABLE`: the registries' point sums (visible and hidden),
each assignment's helper module (the earlier assignments' functions), the release checks,
the benchmarks and the tests' parametrization. ``concept`` names the module that holds the
function in ``reference/``, ``dnn_checks/checks/``, ``autograder/hidden/`` and
``autograder/mistakes/`` alike. Adding a graded function: ``DESIGN.md``, "Adding a graded function".
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The course's assignments, in teaching order (``source/<assignment>/<assignment>.ipynb``).
ASSIGNMENTS = ("a1_deep_network", "a2_practical_aspects", "a3_optimization", "a4_batch_norm", "a5_composing_networks")


@dataclass(frozen=True)
class Graded:
    """One student function of the contract.

    ``visible`` and ``hidden`` are the points of its visible and hidden checks (a grade cell is
    worth the sum over the functions its test cell names); ``calls`` lists the graded functions
    it may call, directly or not (a check can run it with correct versions of them, so that a
    mistake costs its own points once); ``mutable`` names the arguments it may change in place
    (the contract's exceptions: the update functions' states, batch norm's ``bn_param``);
    ``signature`` is the contract's, ``"(dZ, linear_cache) -> (dA_prev, dW, db)"``: the names of
    its arguments, in order, and of what it returns (a tuple's items, or one value), which the
    checks' messages use.
    """

    name: str
    assignment: str
    concept: str
    visible: float
    hidden: float
    calls: tuple[str, ...] = ()
    mutable: tuple[str, ...] = ()
    signature: str = field(kw_only=True)

    @property
    def points(self) -> float:
        return self.visible + self.hidden

    @property
    def arguments(self) -> tuple[str, ...]:
        """The names of its arguments, in the contract's order: ``("dZ", "linear_cache")``."""
        return _names(self.signature.split("->")[0])

    @property
    def returns(self) -> tuple[str, ...]:
        """The names of what it returns: a tuple's items ``("dA_prev", "dW", "db")``, or one ``("dZ",)``."""
        return _names(self.signature.split("->")[1])


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.strip().strip("()").split(",") if name.strip())


_A1, _A2, _A3, _A4, _A5 = ASSIGNMENTS
_FORWARD_ACTIVATIONS = ("sigmoid", "relu", "tanh", "softmax")
_BACKWARD_ACTIVATIONS = ("sigmoid_backward", "relu_backward", "tanh_backward")
_LAYER_FORWARD = ("linear_forward", *_FORWARD_ACTIVATIONS)
_LAYER_BACKWARD = ("linear_backward", *_BACKWARD_ACTIVATIONS)


def _activations() -> tuple[Graded, ...]:
    return (*(Graded(name, _A1, "activations", 1, 2, signature="(Z) -> (A, cache)") for name in _FORWARD_ACTIVATIONS),
            *(Graded(name, _A1, "activations", 1, 2, signature="(dA, cache) -> dZ") for name in _BACKWARD_ACTIVATIONS))


TABLE: tuple[Graded, ...] = (
    # Part A: a deep network, step by step
    *_activations(),
    Graded("initialize_parameters_deep", _A1, "initializers", 1, 2,
           signature="(layer_dims, seed) -> parameters"),
    Graded("linear_forward", _A1, "layers", 1, 2,
           signature="(A_prev, W, b) -> (Z, cache)"),
    Graded("linear_activation_forward", _A1, "layers", 1, 2, calls=_LAYER_FORWARD,
           signature="(A_prev, W, b, activation) -> (A, cache)"),
    Graded("L_model_forward", _A1, "layers", 2, 3, calls=("linear_activation_forward", *_LAYER_FORWARD),
           signature="(X, parameters) -> (AL, caches)"),
    Graded("compute_cost", _A1, "costs", 1, 2,
           signature="(AL, Y) -> cost"),
    Graded("linear_backward", _A1, "layers", 1, 3,
           signature="(dZ, linear_cache) -> (dA_prev, dW, db)"),
    Graded("linear_activation_backward", _A1, "layers", 1, 3, calls=_LAYER_BACKWARD,
           signature="(dA, cache, activation) -> (dA_prev, dW, db)"),
    Graded("L_model_backward", _A1, "layers", 2, 4, calls=("linear_activation_backward", *_LAYER_BACKWARD),
           signature="(AL, Y, caches) -> grads"),
    Graded("update_parameters", _A1, "optimizers", 1, 2, mutable=("parameters",),
           signature="(parameters, grads, learning_rate) -> parameters"),
    Graded("gradient_check_n", _A1, "gradcheck", 1, 2,
           calls=("L_model_forward", "compute_cost", "linear_activation_forward", *_LAYER_FORWARD),
           signature="(parameters, gradients, X, Y, epsilon) -> difference"),
    # Part B: initialization, scaling and regularization
    Graded("initialize_parameters_zeros", _A2, "initializers", 1, 1,
           signature="(layer_dims) -> parameters"),
    Graded("initialize_parameters_random", _A2, "initializers", 1, 1,
           signature="(layer_dims, seed) -> parameters"),
    Graded("initialize_parameters_he", _A2, "initializers", 1, 2,
           signature="(layer_dims, seed) -> parameters"),
    Graded("initialize_parameters_xavier", _A2, "initializers", 1, 2,
           signature="(layer_dims, seed) -> parameters"),
    Graded("normalize_inputs", _A2, "scaling", 1, 2,
           signature="(X_train, X_test) -> (X_train_norm, X_test_norm)"),
    Graded("compute_cost_with_regularization", _A2, "costs", 1, 2, calls=("compute_cost",),
           signature="(AL, Y, parameters, lambd, p) -> cost"),
    Graded("L_model_backward_with_regularization", _A2, "regularization", 1, 3,
           calls=("L_model_backward", "linear_activation_backward", *_LAYER_BACKWARD),
           signature="(AL, Y, caches, lambd, p) -> grads"),
    Graded("dropout_forward", _A2, "regularization", 1, 2,
           signature="(A, keep_prob, rng) -> (A_drop, D)"),
    Graded("dropout_backward", _A2, "regularization", 1, 2,
           signature="(dA, D, keep_prob) -> dA_prev"),
    # Part C: optimization
    Graded("update_parameters_with_gd", _A3, "optimizers", 1, 1, mutable=("parameters",),
           signature="(parameters, grads, learning_rate) -> parameters"),
    Graded("random_mini_batches", _A3, "optimizers", 1, 3,
           signature="(X, Y, mini_batch_size, seed) -> mini_batches"),
    Graded("initialize_velocity", _A3, "optimizers", 1, 1,
           signature="(parameters) -> v"),
    Graded("update_parameters_with_momentum", _A3, "optimizers", 1, 2, mutable=("parameters", "v"),
           signature="(parameters, grads, v, beta, learning_rate) -> (parameters, v)"),
    Graded("initialize_rmsprop", _A3, "optimizers", 1, 1,
           signature="(parameters) -> s"),
    Graded("update_parameters_with_rmsprop", _A3, "optimizers", 1, 2, mutable=("parameters", "s"),
           signature="(parameters, grads, s, beta, learning_rate, epsilon) -> (parameters, s)"),
    Graded("initialize_adam", _A3, "optimizers", 1, 1, calls=("initialize_velocity", "initialize_rmsprop"),
           signature="(parameters) -> (v, s)"),
    Graded("update_parameters_with_adam", _A3, "optimizers", 2, 3, mutable=("parameters", "v", "s"),
           signature="(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon) "
                     "-> (parameters, v, s, v_corrected, s_corrected)"),
    Graded("update_lr", _A3, "optimizers", 1, 1,
           signature="(learning_rate0, epoch_num, decay_rate) -> learning_rate"),
    Graded("schedule_lr_decay", _A3, "optimizers", 1, 1,
           signature="(learning_rate0, epoch_num, decay_rate, time_interval) -> learning_rate"),
    Graded("exponential_lr_decay", _A3, "optimizers", 1, 1,
           signature="(learning_rate0, epoch_num, k) -> learning_rate"),
    # Part D: batch normalization
    Graded("batchnorm_forward", _A4, "batchnorm", 2, 4, mutable=("bn_param",),
           signature="(Z, gamma, beta, bn_param) -> (out, cache)"),
    Graded("batchnorm_backward", _A4, "batchnorm", 2, 4,
           signature="(dout, cache) -> (dZ, dgamma, dbeta)"),
    # Part E: composing networks
    Graded("concat_forward", _A5, "composition", 1, 1,
           signature="(A1, A2) -> (A, cache)"),
    Graded("concat_backward", _A5, "composition", 1, 2,
           signature="(dA, cache) -> (dA1, dA2)"),
    Graded("scale_forward", _A5, "composition", 1, 1,
           signature="(A, alpha) -> (A_scaled, cache)"),
    Graded("scale_backward", _A5, "composition", 1, 2,
           signature="(dA, cache) -> dA_prev"),
    # Part E in assignments 2 and 3: example weights, early stopping, augmentation, hyper-parameter search
    Graded("compute_cost_weighted", _A2, "costs", 1, 2,
           signature="(AL, Y, sample_weight) -> cost"),
    Graded("L_model_backward_weighted", _A2, "layers", 1, 3, calls=("linear_activation_backward", *_LAYER_BACKWARD),
           signature="(AL, Y, caches, sample_weight) -> grads"),
    Graded("early_stopping", _A2, "regularization", 1, 2,
           signature="(dev_costs, patience) -> (best_epoch, stop_epoch)"),
    Graded("augment_shift", _A2, "data", 1, 2,
           signature="(X, Y, shifts, image_shape) -> (X_aug, Y_aug)"),
    Graded("sample_hyperparameters", _A3, "hyperparameters", 1, 2,
           signature="(space, n, rng) -> samples"),
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
