"""Wrong versions of gradient_check_n (central differences over every W and b)."""

from collections.abc import Callable

import numpy as np

from autograder.mistakes._catalog import Catalog
from reference._types import Array, Params
from reference.costs import compute_cost
from reference.gradcheck import dictionary_to_vector, parameter_keys, vector_to_dictionary
from reference.layers import L_model_forward

catalog = Catalog()
Difference = Callable[[Callable[[Array], float], Array, float], Array]


def _differences(kind: str) -> Difference:
    """The numerical gradient of J at theta, by the named (possibly wrong) finite difference."""
    def gradient(J: Callable[[Array], float], theta: Array, epsilon: float) -> Array:
        approx = np.empty_like(theta)
        for i in range(theta.size):
            step = np.zeros_like(theta)
            step[i] = epsilon
            plus, minus, zero = J(theta + step), J(theta - step), J(theta)
            approx[i] = {"central": (plus - minus) / (2 * epsilon), "forward": (plus - zero) / epsilon,
                         "backward": (zero - minus) / epsilon, "no 2": (plus - minus) / epsilon,
                         "shared theta": (plus - zero) / (2 * epsilon)}[kind]
        return approx
    return gradient


RATIOS = {
    "lecture": lambda g, a: np.linalg.norm(g - a) / (np.linalg.norm(g) + np.linalg.norm(a)),
    "||g||": lambda g, a: np.linalg.norm(g - a) / np.linalg.norm(g),
    "||g_approx||": lambda g, a: np.linalg.norm(g - a) / np.linalg.norm(a),
    "||g + g_approx||": lambda g, a: np.linalg.norm(g - a) / np.linalg.norm(g + a),
    "no denominator": lambda g, a: np.linalg.norm(g - a),
    "squared": lambda g, a: np.sum(np.square(g - a)) / (np.linalg.norm(g) + np.linalg.norm(a)),
}


def _check(parameters: Params, gradients: Params, X: Array, Y: Array, epsilon: float, kind: str, ratio: str) -> float:
    keys = parameter_keys(parameters)
    theta = dictionary_to_vector(parameters, keys)
    grad = dictionary_to_vector(gradients, [f"d{key}" for key in keys])
    def J(t: Array) -> float:
        return compute_cost(L_model_forward(X, vector_to_dictionary(t, parameters, keys))[0], Y)
    return float(RATIOS[ratio](grad, _differences(kind)(J, theta, epsilon)))


VARIANTS = {
    "forward_differences": ("forward", "your numerical gradient uses forward differences (J(theta + eps) - J(theta)) / "
                            "eps: use central differences, (J(theta + eps) - J(theta - eps)) / (2 eps)", "lecture"),
    "backward_differences": ("backward", "your numerical gradient uses backward differences (J(theta) - "
                                         "J(theta - eps)) "
                             "/ eps: use central differences, (J(theta + eps) - J(theta - eps)) / (2 eps)", "lecture"),
    "without_the_2": ("no 2", "your numerical gradient divides by epsilon: central differences divide by 2 * epsilon",
                      "lecture"),
    "shared_theta": ("shared theta", "your J_minus is J(theta): theta_plus and theta_minus share theta's memory, "
                     "so the + epsilon was undone before J_minus; make copies (np.copy(theta))", "lecture"),
    "divided_by_norm_of_g": ("central", "your difference is divided by ||grad|| only: divide by "
                             "||grad|| + ||gradapprox||", "||g||"),
    "divided_by_norm_of_approx": ("central", "your difference is divided by ||gradapprox|| only: divide by "
                                  "||grad|| + ||gradapprox||", "||g_approx||"),
    "divided_by_norm_of_sum": ("central", "your difference is divided by ||grad + gradapprox||: divide by "
                               "||grad|| + ||gradapprox||, the sum of the two norms", "||g + g_approx||"),
    "without_denominator": ("central", "your difference is ||grad - gradapprox|| alone: divide it by "
                            "||grad|| + ||gradapprox||", "no denominator"),
    "squared_numerator": ("central", "your numerator is the squared norm: use np.linalg.norm(grad - gradapprox)",
                          "squared"),
}


def _variant(kind: str, ratio: str) -> Callable[..., float]:
    def wrong(parameters: Params, gradients: Params, X: Array, Y: Array, epsilon: float = 1e-7) -> float:
        return _check(parameters, gradients, X, Y, epsilon, kind, ratio)
    return wrong


for _name, (_kind, _message, _ratio) in VARIANTS.items():
    catalog.add("gradient_check_n", _name, _message, _variant(_kind, _ratio))


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("gradient_check_n")
def gradient_check_entry_by_entry(parameters, gradients, X, Y, epsilon=1e-7):
    keys = [k for l in range(1, len(parameters) // 2 + 1) for k in ("W%d" % l, "b%d" % l)]
    approx, exact = [], []
    for key in keys:
        for index in np.ndindex(parameters[key].shape):
            costs = []
            for sign in (1, -1):
                shifted = {k: v.copy() for k, v in parameters.items()}
                shifted[key][index] += sign * epsilon
                costs.append(compute_cost(L_model_forward(X, shifted)[0], Y))  # noqa: F821
            approx.append((costs[0] - costs[1]) / (2 * epsilon))
            exact.append(gradients["d" + key][index])
    approx, exact = np.array(approx), np.array(exact)
    return np.linalg.norm(exact - approx) / (np.linalg.norm(exact) + np.linalg.norm(approx))
