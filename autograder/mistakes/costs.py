"""Wrong versions of the cross-entropy cost, of its L_p-regularized form and of its weighted form.

The L2 mistakes (``l2_*``) take the contract's ``p`` and ignore it: they are Part B's, made with p = 2.
"""

import math

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
def l2_lambd_over_m(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    return compute_cost(AL, Y) + lambd / Y.shape[1] * _squares(parameters)


@mistake("compute_cost_with_regularization", message="your L2 term is lambd / 2 * sum ||W||^2: you forgot "
                                                     "to divide by m")
def l2_without_m(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    return compute_cost(AL, Y) + lambd / 2 * _squares(parameters)


@mistake("compute_cost_with_regularization", message="your L2 term is lambd * m / 2 * ...: "
                                                     "it is lambd / (2 * m), write the parentheses")
def l2_lambd_over_2_times_m(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    return compute_cost(AL, Y) + lambd / 2 * Y.shape[1] * _squares(parameters)


@mistake("compute_cost_with_regularization", message="your L2 term sums the weights, not their squares: "
                                                     "use np.sum(np.square(W))")
def l2_not_squared(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    squares = sum(np.sum(parameters[f"W{l}"]) for l in range(1, num_layers(parameters) + 1))
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * float(squares)


@mistake("compute_cost_with_regularization", message="your L2 term uses the Frobenius norms, not their squares: "
                                                     "sum ||W_l||^2 = sum of np.square(W_l)")
def l2_norm_not_squared(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    norms = sum(np.linalg.norm(parameters[f"W{l}"]) for l in range(1, num_layers(parameters) + 1))
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * float(norms)


@mistake("compute_cost_with_regularization", message="your L2 term includes the biases: only the weights W "
                                                     "are penalized")
def l2_includes_biases(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * _squares(parameters, keys="Wb")


@mistake("compute_cost_with_regularization", message="your L2 term penalizes only W1: sum the squares of "
                                                     "every layer's W")
def l2_first_layer_only(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * float(np.sum(np.square(parameters["W1"])))


@mistake("compute_cost_with_regularization", message="your L2 term penalizes only the last layer's W: "
                                                     "sum the squares of every layer's W")
def l2_last_layer_only(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    WL = parameters[f"W{num_layers(parameters)}"]
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * float(np.sum(np.square(WL)))


@mistake("compute_cost_with_regularization", message="your cost is the L2 term alone: add the cross-entropy cost to it")
def l2_without_cross_entropy(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    return lambd / (2 * Y.shape[1]) * _squares(parameters)


@mistake("compute_cost_with_regularization", message="your L2 term is subtracted: the penalty is added to the cost")
def l2_subtracted(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    return compute_cost(AL, Y) - lambd / (2 * Y.shape[1]) * _squares(parameters)


@mistake("compute_cost_with_regularization", message="your cost ignores p: it adds the L2 term "
                                                     "lambd / (2m) * sum W^2 for every p, not lambd / (p m) * sum |W|^p")
def lp_ignores_p(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * _squares(parameters)


@mistake("compute_cost_with_regularization", message="your L_p term divides by 2m for every p: it is "
                                                     "lambd / (p m) * sum |W|^p")
def lp_divided_by_2m(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    return compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * _squares(parameters, power=p)


@mistake("compute_cost_with_regularization", message="your L_p term sums W ** p without the absolute value: negative "
                                                     "weights count negatively (or give NaN); use np.abs(W) ** p")
def lp_without_abs(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    powers = sum(np.sum(parameters[f"W{l}"] ** p) for l in range(1, num_layers(parameters) + 1))
    return compute_cost(AL, Y) + lambd / (p * Y.shape[1]) * float(powers)


@mistake("compute_cost_with_regularization", message="your L_p term takes the p-th root, (sum |W|^p)^(1/p), the "
                                                     "p-norm: the penalty is sum |W|^p itself")
def lp_p_norm(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    norms = sum(np.sum(np.abs(parameters[f"W{l}"]) ** p) ** (1 / p) for l in range(1, num_layers(parameters) + 1))
    return compute_cost(AL, Y) + lambd / (p * Y.shape[1]) * float(norms)


@mistake("compute_cost_weighted", message="your cost ignores sample_weight: multiply each example's loss by its "
                                          "weight w_i before averaging")
def weights_ignored(AL: Array, Y: Array, sample_weight: Array) -> float:
    return compute_cost(AL, Y)


@mistake("compute_cost_weighted", message="your cost divides by the sum of the weights: the lecture's weighted "
                                          "cost divides by m, the number of examples")
def divided_by_weight_sum(AL: Array, Y: Array, sample_weight: Array) -> float:
    return float(-np.sum(sample_weight * _log_terms(AL, Y)) / np.sum(sample_weight))


@mistake("compute_cost_weighted", message="your cost weights only the term Y * log(AL): the weight multiplies the "
                                          "whole loss of the example, (1 - Y) * log(1 - AL) too")
def weight_on_positive_term_only(AL: Array, Y: Array, sample_weight: Array) -> float:
    return float(-np.sum(sample_weight * Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1])


@mistake("compute_cost_weighted", message="your weighted cost is what you get when you forget to divide by m "
                                          "(a sum, not an average)")
def weighted_not_averaged(AL: Array, Y: Array, sample_weight: Array) -> float:
    return float(-np.sum(sample_weight * _log_terms(AL, Y)))


@mistake("compute_cost_weighted", message="your weighted cost has the wrong sign: J = -1/m * sum(w * (...))")
def weighted_without_minus(AL: Array, Y: Array, sample_weight: Array) -> float:
    return float(np.sum(sample_weight * _log_terms(AL, Y)) / Y.shape[1])


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("compute_cost")
def cost_with_dot_products(AL, Y):
    m = Y.shape[1]
    cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    return np.squeeze(cost)


@alternative("compute_cost_with_regularization")
def regularized_cost_with_norms(AL, Y, parameters, lambd, p=2):
    m = Y.shape[1]
    cross_entropy = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    L = len(parameters) // 2
    weights = [parameters["W" + str(l)].ravel() for l in range(1, L + 1)]
    penalty = sum(np.linalg.norm(w, ord=p) ** p for w in weights)
    return float(np.squeeze(cross_entropy)) + lambd / (p * m) * penalty


@alternative("compute_cost_with_regularization")
def cost_lp_with_einsum(AL, Y, parameters, lambd, p=2):
    m = Y.shape[1]
    cross_entropy = -np.einsum("ij,ij->", Y, np.log(AL)) - np.einsum("ij,ij->", 1 - Y, np.log(1 - AL))
    penalty = 0.0
    for key in sorted(parameters):
        if key.startswith("W"):
            penalty += (np.abs(parameters[key]) ** p).sum()
    return (cross_entropy + lambd * penalty / p) / m


@alternative("compute_cost_with_regularization")
def compute_cost_with_regularization_fsum(AL, Y, parameters, lambd, p=2):
    m = Y.shape[1]
    losses = [-(y * math.log(a) + (1 - y) * math.log(1 - a)) for a, y in zip(AL.ravel(), Y.ravel())]
    penalty = math.fsum(abs(w) ** p for key, W in parameters.items() if key.startswith("W") for w in W.ravel())
    return math.fsum(losses) / m + lambd * penalty / (p * m)


@alternative("compute_cost_with_regularization")
def compute_cost_with_regularization_power(AL, Y, parameters, lambd, p=2):
    cost = compute_cost(AL, Y)  # noqa: F821 - the namespace's (a helper module's) compute_cost
    weights = [value for key, value in parameters.items() if key[0] == "W"]
    return cost + lambd / p / Y.shape[1] * np.sum([np.power(np.abs(W), p).sum() for W in weights])


@alternative("compute_cost_weighted")
def weighted_cost_with_dot(AL, Y, sample_weight):
    m = Y.shape[1]
    cost = -(np.dot(sample_weight * Y, np.log(AL).T) + np.dot(sample_weight * (1 - Y), np.log(1 - AL).T)) / m
    return float(np.squeeze(cost))


@alternative("compute_cost_weighted")
def compute_cost_weighted_mean(AL, Y, sample_weight):
    losses = -np.where(Y == 1, np.log(AL), np.log(1 - AL))
    return np.mean(sample_weight * losses)


@alternative("compute_cost_weighted")
def compute_cost_weighted_loop(AL, Y, sample_weight):
    total = 0.0
    for a, y, w in zip(AL[0], Y[0], sample_weight[0]):
        total += w * (y * math.log(a) + (1 - y) * math.log(1 - a))
    return -total / len(Y[0])
