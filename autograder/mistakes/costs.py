"""Wrong versions of the cross-entropy cost and of its L2-regularized form."""

import numpy as np

from autograder.mistakes._catalog import Catalog
from reference._types import Array, Params
from reference.costs import compute_cost
from reference.layers import num_layers

catalog = Catalog()
mistake = catalog.mistake


def _log_terms(AL: Array, Y: Array) -> Array:
    """Y log AL + (1 - Y) log(1 - AL), elementwise."""
    return Y * np.log(AL) + (1 - Y) * np.log(1 - AL)


@mistake("compute_cost", message="your cost has the wrong sign: you forgot the minus in J = -1/m * sum(...)")
def cost_without_minus(AL: Array, Y: Array) -> float:
    return float(np.sum(_log_terms(AL, Y)) / Y.shape[1])


@mistake("compute_cost", message="your cost is what you get when you forget to divide by m (a sum, not an average)")
def cost_not_averaged(AL: Array, Y: Array) -> float:
    return float(-np.sum(_log_terms(AL, Y)))


@mistake("compute_cost", message="your cost is an array of one value per example: sum over all examples "
                                 "(you summed over axis 0)")
def cost_summed_over_axis_0(AL: Array, Y: Array) -> Array:
    return -np.sum(_log_terms(AL, Y), axis=0) / Y.shape[1]


@mistake("compute_cost", message="your cost has shape (1, 1) (np.dot of Y with log(AL).T): return a number, "
                                 "for example with np.squeeze or float(...)")
def cost_shape_1_1(AL: Array, Y: Array) -> Array:
    return -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / Y.shape[1]


@mistake("compute_cost", message="your cost misses the term (1 - Y) * log(1 - AL), the loss of the examples labelled 0")
def cost_without_negative_term(AL: Array, Y: Array) -> float:
    return float(-np.sum(Y * np.log(AL)) / Y.shape[1])


@mistake("compute_cost", message="your cost misses the term Y * log(AL), the loss of the examples labelled 1")
def cost_without_positive_term(AL: Array, Y: Array) -> float:
    return float(-np.sum((1 - Y) * np.log(1 - AL)) / Y.shape[1])


@mistake("compute_cost", message="your cost uses log(AL) in both terms: the second term is (1 - Y) * log(1 - AL)")
def cost_log_AL_twice(AL: Array, Y: Array) -> float:
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(AL)) / Y.shape[1])


@mistake("compute_cost", message="your cost uses log base 10: the cross-entropy uses the natural log, np.log")
def cost_log10(AL: Array, Y: Array) -> float:
    return float(-np.sum(Y * np.log10(AL) + (1 - Y) * np.log10(1 - AL)) / Y.shape[1])


@mistake("compute_cost", message="your cost divides by the number of rows of Y: m is the number of "
                                 "examples, Y.shape[1]")
def cost_m_from_rows(AL: Array, Y: Array) -> float:
    return float(-np.sum(_log_terms(AL, Y)) / Y.shape[0])


def _squares(parameters: Params, power: float = 2.0, keys: str = "W") -> float:
    """sum over layers of sum(|P_l| ** power) for P in ``keys`` ("W" or "Wb")."""
    return float(sum(np.sum(np.abs(parameters[f"{k}{l}"]) ** power)
                     for l in range(1, num_layers(parameters) + 1) for k in keys))


@mistake("compute_cost_with_regularization", message="your L2 term is lambd / m * sum ||W||^2: "
                                                     "it is lambd / (2m) * sum ||W||^2, you forgot the 2")
def l2_lambd_over_m(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    return compute_cost(AL, Y) + lambd / Y.shape[1] * _squares(parameters)


@mistake("compute_cost_with_regularization", message="your L2 term is lambd / 2 * sum ||W||^2: you forgot "
                                                     "to divide by m")
def l2_without_m(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    return compute_cost(AL, Y) + lambd / 2 * _squares(parameters)


@mistake("compute_cost_with_regularization", message="your L2 term is lambd * m / 2 * ...: "
                                                     "it is lambd / (2 * m), write the parentheses")
def l2_lambd_over_2_times_m(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    return compute_cost(AL, Y) + lambd / 2 * Y.shape[1] * _squares(parameters)


@mistake("compute_cost_with_regularization", message="your L2 term sums the weights, not their squares: "
                                                     "use np.sum(np.square(W))")
def l2_not_squared(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    squares = sum(np.sum(parameters[f"W{l}"]) for l in range(1, num_layers(parameters) + 1))
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * float(squares)


@mistake("compute_cost_with_regularization", message="your L2 term uses the Frobenius norms, not their squares: "
                                                     "sum ||W_l||^2 = sum of np.square(W_l)")
def l2_norm_not_squared(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    norms = sum(np.linalg.norm(parameters[f"W{l}"]) for l in range(1, num_layers(parameters) + 1))
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * float(norms)


@mistake("compute_cost_with_regularization", message="your L2 term includes the biases: only the weights W "
                                                     "are penalized")
def l2_includes_biases(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * _squares(parameters, keys="Wb")


@mistake("compute_cost_with_regularization", message="your L2 term penalizes only W1: sum the squares of "
                                                     "every layer's W")
def l2_first_layer_only(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * float(np.sum(np.square(parameters["W1"])))


@mistake("compute_cost_with_regularization", message="your L2 term penalizes only the last layer's W: "
                                                     "sum the squares of every layer's W")
def l2_last_layer_only(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    WL = parameters[f"W{num_layers(parameters)}"]
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * float(np.sum(np.square(WL)))


@mistake("compute_cost_with_regularization", message="your cost is the L2 term alone: add the cross-entropy cost to it")
def l2_without_cross_entropy(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    return lambd / (2 * Y.shape[1]) * _squares(parameters)


@mistake("compute_cost_with_regularization", message="your L2 term is subtracted: the penalty is added to the cost")
def l2_subtracted(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    return compute_cost(AL, Y) - lambd / (2 * Y.shape[1]) * _squares(parameters)


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("compute_cost")
def cost_with_dot_products(AL, Y):
    m = Y.shape[1]
    cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    return np.squeeze(cost)


@alternative("compute_cost_with_regularization")
def regularized_cost_with_norms(AL, Y, parameters, lambd):
    m = Y.shape[1]
    cross_entropy = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    L = len(parameters) // 2
    penalty = sum(np.linalg.norm(parameters["W" + str(l)]) ** 2 for l in range(1, L + 1))
    return float(np.squeeze(cross_entropy)) + lambd / (2 * m) * penalty
