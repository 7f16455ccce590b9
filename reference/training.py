"""Training loop over the core pieces: mini-batches, an optimizer, decay, L2, dropout,
batch norm and early stopping on the dev cost; prediction and accuracy.

The passes are ``reference.network``'s, composed of the core's layer, dropout and
batch-norm functions (for a plain network they match ``L_model_forward`` and
``L_model_backward_with_regularization``, and stay finite where a sigmoid saturates).
Costs are per epoch: the train cost is the mean of the mini-batch costs (weighted by batch
size, dropout active, L2 term included); the dev cost is the plain cross-entropy of the
network in test mode (no dropout, batch norm with running statistics).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from reference._types import Array, Params
from reference.network import (
    BnParams,
    initialize_bn_params,
    initialize_network,
    network_backward,
    network_cost,
    network_forward,
)
from reference.optimizers import (
    exponential_lr_decay,
    initialize_adam,
    initialize_rmsprop,
    initialize_velocity,
    random_mini_batches,
    schedule_lr_decay,
    update_lr,
    update_parameters_with_adam,
    update_parameters_with_gd,
    update_parameters_with_momentum,
    update_parameters_with_rmsprop,
)

Decay = Callable[[float, int], float]
DECAYS: dict[str, Callable[..., float]] = {
    "inverse": update_lr, "scheduled": schedule_lr_decay, "exponential": exponential_lr_decay,
}
OPTIMIZER_STATE: dict[str, Callable[[Params], tuple[Params, ...]]] = {
    "gd": lambda p: (), "momentum": lambda p: (initialize_velocity(p),),
    "rmsprop": lambda p: (initialize_rmsprop(p),), "adam": initialize_adam,
}


class TrainingResult(NamedTuple):
    """``parameters`` and ``bn_params`` are the best on dev when early stopping, else the last;
    ``costs``/``dev_costs`` one per epoch; ``best_epoch`` (from 0) has the lowest dev cost
    (the last epoch without a dev set); ``steps`` counts the updates."""

    parameters: Params
    costs: list[float]
    dev_costs: list[float]
    best_epoch: int
    bn_params: BnParams
    steps: int
    stopped_early: bool


class Setup(NamedTuple):
    """What one gradient step needs besides the batch and the learning rate."""

    output: str
    lambd: float
    keep_prob: float
    rng: np.random.Generator
    optimizer: str
    beta1: float
    beta2: float


class State(NamedTuple):
    """Where training stands: parameters, optimizer state (v and/or s), steps taken, BN statistics."""

    parameters: Params
    moments: tuple[Params, ...]
    t: int
    bn_params: BnParams


def learning_rate_schedule(decay: Decay | tuple | None) -> Decay:
    """A callable (lr0, epoch) -> lr: ``decay`` itself, or ("inverse" | "scheduled" |
    "exponential", rate, *more) with the core's decay functions, or constant for None."""
    if decay is None:
        return lambda learning_rate0, epoch: learning_rate0
    if callable(decay):
        return decay
    name, *args = decay
    return lambda learning_rate0, epoch: DECAYS[name](learning_rate0, epoch, *args)


def optimizer_step(optimizer: str, parameters: Params, grads: Params, state: tuple[Params, ...],
                   t: int, learning_rate: float, beta1: float, beta2: float) -> tuple[Params, tuple]:
    """One update with the core's function; momentum uses beta1, RMSprop beta2, Adam both."""
    if optimizer == "gd":
        return update_parameters_with_gd(parameters, grads, learning_rate), state
    if optimizer == "momentum":
        parameters, v = update_parameters_with_momentum(parameters, grads, *state, beta1, learning_rate)
        return parameters, (v,)
    if optimizer == "rmsprop":
        parameters, s = update_parameters_with_rmsprop(parameters, grads, *state, beta2, learning_rate)
        return parameters, (s,)
    parameters, v, s, _, _ = update_parameters_with_adam(
        parameters, grads, *state, t, learning_rate, beta1, beta2)
    return parameters, (v, s)


def forward_backward(X: Array, Y: Array, parameters: Params, bn_params: BnParams,
                     setup: Setup) -> tuple[float, Params]:
    """Cost (with the L2 term) and gradients on one batch, dropout and batch norm in training mode."""
    AL, caches = network_forward(X, parameters, bn_params=bn_params, keep_prob=setup.keep_prob,
                                 rng=setup.rng, output_activation=setup.output)
    grads = network_backward(AL, Y, caches, lambd=setup.lambd)
    cost = network_cost(AL, Y, parameters, lambd=setup.lambd, output_activation=setup.output)
    return cost, grads


def evaluate_cost(X: Array, Y: Array, parameters: Params, bn_params: BnParams,
                  output: str = "sigmoid") -> float:
    """Cross-entropy of the network in test mode (no dropout, running batch-norm statistics)."""
    AL, _ = network_forward(X, parameters, bn_params=bn_params, training=False,
                            output_activation=output)
    return network_cost(AL, Y, parameters, output_activation=output)


def predict(X: Array, parameters: Params, *, bn_params: BnParams | None = None,
            output: str = "sigmoid") -> Array:
    """Predictions shaped like the labels: sigmoid -> (1, m) of 0/1 (AL > 0.5);
    softmax -> one-hot (C, m) of the most probable class.   X: (n0, m)"""
    AL, _ = network_forward(X, parameters, bn_params=bn_params, training=False,
                            output_activation=output)
    if output == "softmax":
        return (AL == AL.max(axis=0, keepdims=True)).astype(np.float64)
    return (AL > 0.5).astype(np.float64)


def accuracy(X: Array, Y: Array, parameters: Params, *, bn_params: BnParams | None = None,
             output: str = "sigmoid") -> float:
    """Fraction of the m columns whose prediction equals the label column.   X: (n0, m), Y: (nL, m)"""
    Y_hat = predict(X, parameters, bn_params=bn_params, output=output)
    if output == "softmax":
        return float(np.mean(Y_hat.argmax(axis=0) == Y.argmax(axis=0)))
    return float(np.mean(Y_hat == Y))


def run_epoch(batches: list[tuple[Array, Array]], state: State, learning_rate: float,
              setup: Setup) -> tuple[State, float]:
    """One step per mini-batch; returns the new state and the batch-size-weighted mean cost."""
    parameters, moments, t, bn_params = state
    total = 0.0
    for X_batch, Y_batch in batches:
        cost, grads = forward_backward(X_batch, Y_batch, parameters, bn_params, setup)
        t += 1
        parameters, moments = optimizer_step(setup.optimizer, parameters, grads, moments, t,
                                             learning_rate, setup.beta1, setup.beta2)
        total += cost * X_batch.shape[1]
    return State(parameters, moments, t, bn_params), total / sum(X.shape[1] for X, _ in batches)


def snapshot(state: State) -> State:
    """A copy of the parameters and BN statistics that later steps cannot change."""
    parameters = {name: p.copy() for name, p in state.parameters.items()}
    return state._replace(parameters=parameters, bn_params=copy.deepcopy(state.bn_params))


class History(NamedTuple):
    """Costs so far, and the state at the epoch of the lowest dev cost."""

    costs: list[float]
    dev_costs: list[float]
    best: State
    best_epoch: int


def record(history: History, state: State, cost: float, dev_cost: float | None) -> History:
    """Append this epoch's costs; keep a snapshot when the dev cost is the lowest so far."""
    costs, dev_costs = history.costs + [cost], history.dev_costs
    if dev_cost is None:
        return history._replace(costs=costs, best_epoch=len(costs) - 1)
    dev_costs = dev_costs + [dev_cost]
    if dev_cost <= min(dev_costs):
        return History(costs, dev_costs, snapshot(state), len(costs) - 1)
    return history._replace(costs=costs, dev_costs=dev_costs)


def initial_state(layer_dims: Sequence[int], optimizer: str, batch_norm: bool, seed: int) -> State:
    """He-initialized parameters (+ gamma, beta), zero optimizer moments, t = 0, empty BN statistics."""
    parameters = initialize_network(layer_dims, batch_norm=batch_norm, seed=seed)
    bn_params = initialize_bn_params(parameters) if batch_norm else []
    return State(parameters, OPTIMIZER_STATE[optimizer](parameters), 0, bn_params)


def check_options(optimizer: str, output: str, patience: int | None, X_dev: Array | None) -> None:
    """Raise ValueError for an unknown optimizer or output, or early stopping without a dev set."""
    if optimizer not in OPTIMIZER_STATE:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZER_STATE)}, not {optimizer!r}")
    if output not in ("sigmoid", "softmax"):
        raise ValueError(f'output must be "sigmoid" or "softmax", not {output!r}')
    if patience is not None and X_dev is None:
        raise ValueError("early stopping (patience) needs a dev set (X_dev, Y_dev)")


def train_model(X: Array, Y: Array, layer_dims: Sequence[int], *, optimizer: str = "gd",
                learning_rate: float = 0.01, num_epochs: int = 100,
                mini_batch_size: int | None = 64, decay: Decay | tuple | None = None,
                lambd: float = 0.0, keep_prob: float = 1.0, batch_norm: bool = False,
                X_dev: Array | None = None, Y_dev: Array | None = None,
                patience: int | None = None, seed: int = 0, output: str = "sigmoid",
                beta1: float = 0.9, beta2: float = 0.999) -> TrainingResult:
    """Train a ReLU network with a sigmoid or softmax output.   X: (n0, m), Y: (nL, m)

    mini_batch_size None means full batch; the batches are reshuffled every epoch (seed + epoch).
    patience: stop after that many epochs without a new lowest dev cost and keep the best.
    """
    check_options(optimizer, output, patience, X_dev)
    state = initial_state(layer_dims, optimizer, batch_norm, seed)
    setup = Setup(output, lambd, keep_prob, np.random.default_rng(seed), optimizer, beta1, beta2)
    schedule, history = learning_rate_schedule(decay), History([], [], state, 0)
    for epoch in range(num_epochs):
        batches = random_mini_batches(X, Y, mini_batch_size, seed + epoch) if mini_batch_size else [(X, Y)]
        state, cost = run_epoch(batches, state, schedule(learning_rate, epoch), setup)
        dev = None if X_dev is None else evaluate_cost(X_dev, Y_dev, state.parameters, state.bn_params, output)
        history = record(history, state, cost, dev)
        if patience is not None and epoch - history.best_epoch >= patience:
            break
    kept = history.best if patience is not None else state
    return TrainingResult(kept.parameters, history.costs, history.dev_costs, history.best_epoch,
                          kept.bn_params, state.t, len(history.costs) < num_epochs)
