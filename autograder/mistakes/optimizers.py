"""Wrong versions of the parameter updates and of the optimizer states' initialization."""

import copy
import math
from typing import Any

import numpy as np

from autograder.mistakes._catalog import Catalog, ints
from reference._types import Array, Params
from reference.optimizers import initialize_adam


def batches_fingerprint(args: tuple, kwargs: dict, output: Any) -> dict[str, Any]:
    """What one shuffle and consecutive cuts fix: the batch shapes, whether the columns of X
    appear once each (a permutation), whether each X column still has its own Y column, and
    whether the order changed."""
    X, Y = (np.asarray(a) for a in args[:2])
    where = {X[:, j].tobytes(): j for j in range(X.shape[1])}
    order = [where.get(np.asarray(bx)[:, k].tobytes(), -1) for bx, _ in output for k in range(np.shape(bx)[1])]
    Y_cols = [np.asarray(by)[:, k] for _, by in output for k in range(np.shape(by)[1])]
    return {"shapes": tuple((ints(np.shape(bx)), ints(np.shape(by))) for bx, by in output),
            "permutation": sorted(order) == list(range(X.shape[1])),
            "paired": len(Y_cols) == len(order)
            and all(j >= 0 and np.array_equal(y, Y[:, j]) for j, y in zip(order, Y_cols)),
            "shuffled": order != list(range(X.shape[1]))}


catalog = Catalog(fingerprints={"random_mini_batches": batches_fingerprint})
mistake = catalog.mistake
GD = ("update_parameters", "update_parameters_with_gd")
STATES = ("initialize_velocity", "initialize_rmsprop")
Step = tuple[Params, Params]


def _layers(parameters: Params) -> int:
    return len(parameters) // 2


@mistake(*GD, message="your update adds the gradient: gradient descent subtracts it, W = W - learning_rate * dW")
def gd_plus(parameters: Params, grads: Params, learning_rate: float) -> Params:
    return {name: p + learning_rate * grads[f"d{name}"] for name, p in parameters.items()}


@mistake(*GD, message="your update forgets the learning rate: W = W - learning_rate * dW")
def gd_without_learning_rate(parameters: Params, grads: Params, learning_rate: float) -> Params:
    return {name: p - grads[f"d{name}"] for name, p in parameters.items()}


@mistake(*GD, message="your update leaves the biases unchanged: b = b - learning_rate * db too")
def gd_only_weights(parameters: Params, grads: Params, learning_rate: float) -> Params:
    return {name: p - learning_rate * grads[f"d{name}"] if name[0] == "W" else p.copy()
            for name, p in parameters.items()}


@mistake(*GD, message="your update skips the last layer: parameters holds L layers, L = len(parameters) // 2, "
                      "for l in range(1, L + 1)")
def gd_skips_last_layer(parameters: Params, grads: Params, learning_rate: float) -> Params:
    L = _layers(parameters)
    return {name: p if name[1:] == str(L) else p - learning_rate * grads[f"d{name}"] for name, p in parameters.items()}


@mistake(*GD, message="your update divides by the learning rate: W = W - learning_rate * dW")
def gd_divides_by_learning_rate(parameters: Params, grads: Params, learning_rate: float) -> Params:
    return {name: p - grads[f"d{name}"] / learning_rate for name, p in parameters.items()}


def _state(parameters: Params, *, key: str = "d{}", fill: str = "zeros", skip_last: bool = False) -> Params:
    """{key.format(name): fill} with fill "zeros", "ones", "flat" (zeros of shape (n,)) or "copy" of the parameter."""
    L = _layers(parameters)
    fills = {"zeros": np.zeros_like, "ones": np.ones_like, "copy": np.copy, "flat": lambda p: np.zeros(p.shape[0])}
    return {key.format(name): fills[fill](p) for name, p in parameters.items()
            if not (skip_last and name[1:] == str(L))}


@mistake(*STATES, message='your keys are "W1", "b1", ...: the state keys are the gradient names "dW1", "db1", ...')
def state_keys_without_d(parameters: Params) -> Params:
    return _state(parameters, key="{}")


@mistake(*STATES, message="your state of b has shape (n,): use np.zeros_like(b), shape (n, 1)")
def state_flat_biases(parameters: Params) -> Params:
    return _state(parameters, fill="flat")


@mistake(*STATES, message="your state starts as a copy of the parameters: it starts at zero, np.zeros_like(W)")
def state_copies_parameters(parameters: Params) -> Params:
    return _state(parameters, fill="copy")


@mistake(*STATES, message="your state starts at one: it starts at zero, np.zeros_like(W)")
def state_ones(parameters: Params) -> Params:
    return _state(parameters, fill="ones")


@mistake(*STATES, message="your state misses the last layer: L = len(parameters) // 2, for l in range(1, L + 1)")
def state_skips_last_layer(parameters: Params) -> Params:
    return _state(parameters, skip_last=True)


@mistake("initialize_adam", message='your keys are "W1", "b1", ...: the keys of v and s are "dW1", "db1", ...')
def adam_state_keys_without_d(parameters: Params) -> Step:
    return _state(parameters, key="{}"), _state(parameters, key="{}")


@mistake("initialize_adam", message="your v and s of b have shape (n,): use np.zeros_like(b), shape (n, 1)")
def adam_state_flat_biases(parameters: Params) -> Step:
    return _state(parameters, fill="flat"), _state(parameters, fill="flat")


@mistake("initialize_adam", message="your v and s start as copies of the parameters: they start at zero")
def adam_state_copies_parameters(parameters: Params) -> Step:
    return _state(parameters, fill="copy"), _state(parameters, fill="copy")


@mistake("initialize_adam", message="your v and s miss the last layer: L = len(parameters) // 2, for l in "
                                    "range(1, L + 1)")
def adam_state_skips_last_layer(parameters: Params) -> Step:
    return _state(parameters, skip_last=True), _state(parameters, skip_last=True)


@mistake("initialize_adam", message="your s starts at one: v and s both start at zero")
def adam_s_ones(parameters: Params) -> Step:
    return initialize_adam(parameters)[0], _state(parameters, fill="ones")


def _momentum(parameters: Params, grads: Params, v: Params, learning_rate: float, keep: float, new: float, *,
              step: str = "v", old: bool = False) -> Step:
    """v' = keep * v + new * dW; W = W - learning_rate * (v' or dW or v if step is "v", "dW", "old v")."""
    v_new = {key: keep * v[key] + new * grads[key] for key in v}
    direction = {"v": v_new, "dW": grads, "old v": v}[step]
    parameters = {name: p - learning_rate * direction[f"d{name}"] for name, p in parameters.items()}
    return parameters, (v if old else v_new)


@mistake("update_parameters_with_momentum", message="your v is beta * v + dW: you forgot the (1 - beta) "
                                                    "in v = beta * v + (1 - beta) * dW")
def momentum_without_one_minus_beta(parameters: Params, grads: Params, v: Params, beta: float,
        learning_rate: float) -> Step:
    return _momentum(parameters, grads, v, learning_rate, beta, 1.0)


@mistake("update_parameters_with_momentum", message="your v is (1 - beta) * v + beta * dW: beta weighs the old "
                                                    "velocity, v = beta * v + (1 - beta) * dW")
def momentum_betas_swapped(parameters: Params, grads: Params, v: Params, beta: float,
        learning_rate: float) -> Step:
    return _momentum(parameters, grads, v, learning_rate, 1 - beta, beta)


@mistake("update_parameters_with_momentum", message="your parameters move along dW: with momentum they move along "
                                                    "the velocity, W = W - learning_rate * v")
def momentum_steps_along_gradient(parameters: Params, grads: Params, v: Params, beta: float,
        learning_rate: float) -> Step:
    return _momentum(parameters, grads, v, learning_rate, beta, 1 - beta, step="dW")


@mistake("update_parameters_with_momentum", message="your update adds the velocity: W = W - learning_rate * v")
def momentum_plus(parameters: Params, grads: Params, v: Params, beta: float,
        learning_rate: float) -> Step:
    return _momentum(parameters, grads, v, -learning_rate, beta, 1 - beta)


@mistake("update_parameters_with_momentum", message="your returned v is the old one: return the updated velocity")
def momentum_returns_old_v(parameters: Params, grads: Params, v: Params, beta: float,
        learning_rate: float) -> Step:
    return _momentum(parameters, grads, v, learning_rate, beta, 1 - beta, old=True)


@mistake("update_parameters_with_momentum", message="your parameters move along the old velocity: update v first, "
                                                    "then W = W - learning_rate * v with the new v")
def momentum_uses_old_v(parameters: Params, grads: Params, v: Params, beta: float,
        learning_rate: float) -> Step:
    return _momentum(parameters, grads, v, learning_rate, beta, 1 - beta, step="old v")


def _rmsprop(parameters: Params, grads: Params, s: Params, learning_rate: float, keep: float, new: float,
             epsilon: float, *, form: str = "lecture", old: bool = False) -> Step:
    """s' = keep * s + new * dW**2; W = W - learning_rate * step(dW, s' (or s if old)) for the named form."""
    s_new = {key: keep * s[key] + new * np.square(grads[key]) for key in s}
    used = s if old else s_new
    forms = {"lecture": lambda g, q: g / (np.sqrt(q) + epsilon), "inside": lambda g, q: g / np.sqrt(q + epsilon),
             "no sqrt": lambda g, q: g / (q + epsilon), "times": lambda g, q: g * (np.sqrt(q) + epsilon),
             "no epsilon": lambda g, q: g / np.sqrt(q)}
    parameters = {name: p - learning_rate * forms[form](grads[f"d{name}"], used[f"d{name}"])
                  for name, p in parameters.items()}
    return parameters, s_new


@mistake("update_parameters_with_rmsprop", message="your epsilon is inside the square root: "
                                                   "W = W - learning_rate * dW / (sqrt(s) + epsilon)")
def rmsprop_epsilon_inside_sqrt(parameters: Params, grads: Params, s: Params, beta: float, learning_rate: float,
                                epsilon: float = 1e-8) -> Step:
    return _rmsprop(parameters, grads, s, learning_rate, beta, 1 - beta, epsilon, form="inside")


@mistake("update_parameters_with_rmsprop", message="your update divides by s, not by its square root: "
                                                   "W = W - learning_rate * dW / (sqrt(s) + epsilon)")
def rmsprop_without_sqrt(parameters: Params, grads: Params, s: Params, beta: float, learning_rate: float,
                         epsilon: float = 1e-8) -> Step:
    return _rmsprop(parameters, grads, s, learning_rate, beta, 1 - beta, epsilon, form="no sqrt")


@mistake("update_parameters_with_rmsprop", message="your update multiplies by sqrt(s): it divides, "
                                                   "W = W - learning_rate * dW / (sqrt(s) + epsilon)")
def rmsprop_multiplies(parameters: Params, grads: Params, s: Params, beta: float, learning_rate: float,
                       epsilon: float = 1e-8) -> Step:
    return _rmsprop(parameters, grads, s, learning_rate, beta, 1 - beta, epsilon, form="times")


@mistake("update_parameters_with_rmsprop", message="your update leaves out epsilon: "
                                                   "W = W - learning_rate * dW / (sqrt(s) + epsilon)")
def rmsprop_without_epsilon(parameters: Params, grads: Params, s: Params, beta: float, learning_rate: float,
                            epsilon: float = 1e-8) -> Step:
    return _rmsprop(parameters, grads, s, learning_rate, beta, 1 - beta, epsilon, form="no epsilon")


@mistake("update_parameters_with_rmsprop", message="your s is beta * s + dW**2: you forgot the (1 - beta) "
                                                   "in s = beta * s + (1 - beta) * dW**2")
def rmsprop_without_one_minus_beta(parameters: Params, grads: Params, s: Params, beta: float, learning_rate: float,
                                   epsilon: float = 1e-8) -> Step:
    return _rmsprop(parameters, grads, s, learning_rate, beta, 1.0, epsilon)


@mistake("update_parameters_with_rmsprop", message="your s is (1 - beta) * s + beta * dW**2: beta weighs the old "
                                                   "s, s = beta * s + (1 - beta) * dW**2")
def rmsprop_betas_swapped(parameters: Params, grads: Params, s: Params, beta: float, learning_rate: float,
                          epsilon: float = 1e-8) -> Step:
    return _rmsprop(parameters, grads, s, learning_rate, 1 - beta, beta, epsilon)


@mistake("update_parameters_with_rmsprop", message="your update divides by the old s: update s first, then use it")
def rmsprop_uses_old_s(parameters: Params, grads: Params, s: Params, beta: float, learning_rate: float,
                       epsilon: float = 1e-8) -> Step:
    return _rmsprop(parameters, grads, s, learning_rate, beta, 1 - beta, epsilon, old=True)


AdamStep = tuple[Params, Params, Params, Params, Params]


def _adam(parameters: Params, grads: Params, v: Params, s: Params, t: int, learning_rate: float, beta1: float,
          beta2: float, epsilon: float, *, new1: float | None = None, new2: float | None = None,
          power: int | None = 0, corrections: tuple[float, float] | None = None, form: str = "lecture",
          return_corrected: bool = False) -> AdamStep:
    """Adam with the named deviations: new1/new2 replace (1 - beta1)/(1 - beta2) in the moving averages;
    the corrections divide by 1 - c ** (t + power) (c = beta1, beta2 or ``corrections``; power None: none)."""
    v = {k: beta1 * v[k] + (1 - beta1 if new1 is None else new1) * grads[k] for k in v}
    s = {k: beta2 * s[k] + (1 - beta2 if new2 is None else new2) * np.square(grads[k]) for k in s}
    c1, c2 = corrections or (beta1, beta2)
    f1, f2 = (1.0, 1.0) if power is None else (1 - c1 ** (t + power), 1 - c2 ** (t + power))
    v_c, s_c = {k: x / f1 for k, x in v.items()}, {k: x / f2 for k, x in s.items()}
    step = _ADAM_FORMS[form](t, learning_rate, beta1, beta2, epsilon)
    parameters = {name: p - step(v, s, v_c, s_c, f"d{name}") for name, p in parameters.items()}
    return (parameters, v_c, s_c, v_c, s_c) if return_corrected else (parameters, v, s, v_c, s_c)


_ADAM_FORMS = {
    "lecture": lambda t, lr, b1, b2, eps: lambda v, s, vc, sc, k: lr * vc[k] / (np.sqrt(sc[k]) + eps),
    "inside": lambda t, lr, b1, b2, eps: lambda v, s, vc, sc, k: lr * vc[k] / np.sqrt(sc[k] + eps),
    "no sqrt": lambda t, lr, b1, b2, eps: lambda v, s, vc, sc, k: lr * vc[k] / (sc[k] + eps),
    "plus": lambda t, lr, b1, b2, eps: lambda v, s, vc, sc, k: -lr * vc[k] / (np.sqrt(sc[k]) + eps),
    "efficient": lambda t, lr, b1, b2, eps: lambda v, s, vc, sc, k: (
        lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * v[k] / (np.sqrt(s[k]) + eps)),
}


def _adam_mistake(variant: str, message: str, **options: object) -> None:
    def wrong(parameters: Params, grads: Params, v: Params, s: Params, t: int, learning_rate: float = 0.01,
              beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> AdamStep:
        return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, **options)
    catalog.add("update_parameters_with_adam", variant, message, wrong)


_adam_mistake("without_bias_correction", "your update has no bias correction: v_corrected = v / (1 - beta1**t) and "
              "s_corrected = s / (1 - beta2**t), then W = W - learning_rate * v_corrected / "
              "(sqrt(s_corrected) + epsilon)",
              power=None)
_adam_mistake("t_starting_at_0", "your bias correction uses t - 1, as if t counted steps from 0: "
              "t counts from 1, so divide by 1 - beta1**t", power=-1)
_adam_mistake("t_plus_1", "your bias correction uses t + 1: t already counts from 1, divide by 1 - beta1**t", power=1)
_adam_mistake("epsilon_inside_sqrt", "your epsilon is inside the square root: "
              "W = W - learning_rate * v_corrected / (sqrt(s_corrected) + epsilon)", form="inside")
_adam_mistake("paper_efficient_form", "your update is the Adam paper's 'efficient' form, "
              "learning_rate * sqrt(1 - beta2**t) / (1 - beta1**t) * v / (sqrt(s) + epsilon), where epsilon is not "
              "rescaled: use the lecture's form with v_corrected and s_corrected", form="efficient")
_adam_mistake("returns_corrected_as_state", "your returned v and s are the bias-corrected ones: keep v and s "
              "uncorrected and return v_corrected and s_corrected separately", return_corrected=True)
_adam_mistake("v_without_one_minus_beta1", "your v is beta1 * v + dW: you forgot the (1 - beta1)", new1=1.0)
_adam_mistake("s_without_one_minus_beta2", "your s is beta2 * s + dW**2: you forgot the (1 - beta2)", new2=1.0)
_adam_mistake("without_sqrt", "your update divides by s_corrected, not by its square root: "
              "W = W - learning_rate * v_corrected / (sqrt(s_corrected) + epsilon)", form="no sqrt")
_adam_mistake("plus", "your update adds the step: W = W - learning_rate * v_corrected / (sqrt(s_corrected) + epsilon)",
              form="plus")


@mistake("update_parameters_with_adam", message="your beta1 and beta2 are swapped: beta1 averages dW (v), "
                                                "beta2 averages dW**2 (s)")
def betas_swapped(parameters: Params, grads: Params, v: Params, s: Params, t: int, learning_rate: float = 0.01,
                  beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> AdamStep:
    return _adam(parameters, grads, v, s, t, learning_rate, beta2, beta1, epsilon)


@mistake("update_parameters_with_adam", message="your bias corrections are swapped: v_corrected divides by "
                                                "1 - beta1**t, s_corrected by 1 - beta2**t")
def corrections_swapped(parameters: Params, grads: Params, v: Params, s: Params, t: int, learning_rate: float = 0.01,
                        beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> AdamStep:
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, corrections=(beta2, beta1))


@mistake("update_parameters_with_adam", message="your bias correction divides by 1 - beta: it is 1 - beta**t")
def correction_without_power(parameters: Params, grads: Params, v: Params, s: Params, t: int,
                             learning_rate: float = 0.01, beta1: float = 0.9, beta2: float = 0.999,
                             epsilon: float = 1e-8) -> AdamStep:
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, power=1 - t)


@mistake("update_lr", message="your learning rate is learning_rate0 / 1 + decay_rate * epoch_num, which Python reads "
                              "as learning_rate0 + decay_rate * epoch_num: put the denominator in parentheses")
def update_lr_missing_parentheses(learning_rate0: float, epoch_num: float, decay_rate: float) -> float:
    return learning_rate0 / 1 + decay_rate * epoch_num


@mistake("update_lr", message="your learning rate is learning_rate0 / (1 + decay_rate) * epoch_num: "
                              "epoch_num belongs in the denominator, learning_rate0 / (1 + decay_rate * epoch_num)")
def update_lr_epoch_in_numerator(learning_rate0: float, epoch_num: float, decay_rate: float) -> float:
    return learning_rate0 / (1 + decay_rate) * epoch_num


@mistake("update_lr", message="your learning rate grows: it is learning_rate0 divided by (1 + decay_rate * epoch_num)")
def update_lr_multiplies(learning_rate0: float, epoch_num: float, decay_rate: float) -> float:
    return learning_rate0 * (1 + decay_rate * epoch_num)


@mistake("update_lr", message="your decay is exponential, learning_rate0 * exp(-decay_rate * epoch_num): "
                              "this one is learning_rate0 / (1 + decay_rate * epoch_num)")
def update_lr_exponential(learning_rate0: float, epoch_num: float, decay_rate: float) -> float:
    return learning_rate0 * float(np.exp(-decay_rate * epoch_num))


@mistake("update_lr", message="your decay is decay_rate ** epoch_num * learning_rate0 (exponential decay): "
                              "this one is learning_rate0 / (1 + decay_rate * epoch_num)")
def update_lr_power(learning_rate0: float, epoch_num: float, decay_rate: float) -> float:
    return decay_rate ** epoch_num * learning_rate0


@mistake("schedule_lr_decay", message="your schedule decays at every epoch (epoch_num / time_interval without floor): "
                                      "the rate changes only every time_interval epochs, floor(epoch_num / "
                                      "time_interval)")
def schedule_without_floor(learning_rate0: float, epoch_num: float, decay_rate: float,
        time_interval: float = 1000) -> float:
    return learning_rate0 / (1 + decay_rate * epoch_num / time_interval)


@mistake("schedule_lr_decay", message="your schedule rounds epoch_num / time_interval to the nearest integer: "
                                      "take the floor, np.floor(epoch_num / time_interval)")
def schedule_rounds(learning_rate0: float, epoch_num: float, decay_rate: float,
        time_interval: float = 1000) -> float:
    return learning_rate0 / (1 + decay_rate * round(epoch_num / time_interval))


@mistake("schedule_lr_decay", message="your schedule takes the ceiling of epoch_num / time_interval: "
                                      "take the floor, np.floor(epoch_num / time_interval)")
def schedule_ceil(learning_rate0: float, epoch_num: float, decay_rate: float,
        time_interval: float = 1000) -> float:
    return learning_rate0 / (1 + decay_rate * math.ceil(epoch_num / time_interval))


@mistake("schedule_lr_decay", message="your schedule ignores time_interval: "
                                      "learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))")
def schedule_without_interval(learning_rate0: float, epoch_num: float, decay_rate: float,
                              time_interval: float = 1000) -> float:
    return learning_rate0 / (1 + decay_rate * epoch_num)


@mistake("schedule_lr_decay", message="your schedule multiplies epoch_num by time_interval: it divides, "
                                      "floor(epoch_num / time_interval)")
def schedule_times_interval(learning_rate0: float, epoch_num: float, decay_rate: float,
                            time_interval: float = 1000) -> float:
    return learning_rate0 / (1 + decay_rate * math.floor(epoch_num * time_interval))


@mistake("schedule_lr_decay", message="your learning rate is learning_rate0 / 1 + decay_rate * floor(...), which "
                                      "Python reads as a sum: put the denominator in parentheses")
def schedule_missing_parentheses(learning_rate0: float, epoch_num: float, decay_rate: float,
                                 time_interval: float = 1000) -> float:
    return learning_rate0 / 1 + decay_rate * math.floor(epoch_num / time_interval)


@mistake("exponential_lr_decay", message="your learning rate is k * epoch_num * learning_rate0: "
                                         "it is k ** epoch_num * learning_rate0, k to the power epoch_num")
def exponential_times_k(learning_rate0: float, epoch_num: float, k: float) -> float:
    return k * epoch_num * learning_rate0


@mistake("exponential_lr_decay", message="your learning rate is learning_rate0 * exp(-k * epoch_num): "
                                         "this decay is k ** epoch_num * learning_rate0")
def exponential_exp(learning_rate0: float, epoch_num: float, k: float) -> float:
    return learning_rate0 * float(np.exp(-k * epoch_num))


@mistake("exponential_lr_decay", message="your learning rate is epoch_num ** k * learning_rate0: "
                                         "the power is the other way round, k ** epoch_num")
def exponential_power_swapped(learning_rate0: float, epoch_num: float, k: float) -> float:
    return epoch_num ** k * learning_rate0


@mistake("exponential_lr_decay", message="your learning rate is (1 - k) ** epoch_num * learning_rate0: "
                                         "k is the factor kept at each epoch, k ** epoch_num * learning_rate0")
def exponential_one_minus_k(learning_rate0: float, epoch_num: float, k: float) -> float:
    return (1 - k) ** epoch_num * learning_rate0


Batches = list[tuple[Array, Array]]


def _cut(X: Array, Y: Array, size: int, *, last: str = "remainder") -> Batches:
    """Consecutive batches of ``size`` columns; the last one: "remainder", "dropped" or
    "overlapping" (the last ``size`` columns)."""
    m = X.shape[1]
    full = m // size
    batches = [(X[:, k * size:(k + 1) * size], Y[:, k * size:(k + 1) * size]) for k in range(full)]
    if m % size and last == "remainder":
        batches.append((X[:, full * size:], Y[:, full * size:]))
    if m % size and last == "overlapping":
        batches.append((X[:, -size:], Y[:, -size:]))
    return batches


@mistake("random_mini_batches", message="your last mini-batch is missing: when m is not a multiple of "
                                        "mini_batch_size, the remaining m % mini_batch_size examples form a last batch")
def batches_drop_the_last(X: Array, Y: Array, mini_batch_size: int = 64, seed: int = 0) -> Batches:
    p = np.random.RandomState(seed).permutation(X.shape[1])
    return _cut(X[:, p], Y[:, p], mini_batch_size, last="dropped")


@mistake("random_mini_batches", message="your last mini-batch is the last mini_batch_size columns, which overlap the "
                                        "previous batch: it holds only the remaining m % mini_batch_size examples")
def batches_last_overlaps(X: Array, Y: Array, mini_batch_size: int = 64, seed: int = 0) -> Batches:
    p = np.random.RandomState(seed).permutation(X.shape[1])
    return _cut(X[:, p], Y[:, p], mini_batch_size, last="overlapping")


@mistake("random_mini_batches", message="your mini-batches are not shuffled: permute the columns once "
                                        "(np.random.permutation(m)) before cutting them")
def batches_not_shuffled(X: Array, Y: Array, mini_batch_size: int = 64, seed: int = 0) -> Batches:
    return _cut(X, Y, mini_batch_size)


@mistake("random_mini_batches", message="your X and Y are shuffled with different permutations, so examples lose "
                                        "their labels: draw one permutation and index both X and Y with it")
def batches_two_permutations(X: Array, Y: Array, mini_batch_size: int = 64, seed: int = 0) -> Batches:
    rng = np.random.RandomState(seed)
    p, q = rng.permutation(X.shape[1]), rng.permutation(X.shape[1])
    return _cut(X[:, p], Y[:, q], mini_batch_size)


@mistake("random_mini_batches", message="your Y is not shuffled with X, so examples lose their labels: "
                                        "index both X and Y with the same permutation")
def batches_Y_not_shuffled(X: Array, Y: Array, mini_batch_size: int = 64, seed: int = 0) -> Batches:
    p = np.random.RandomState(seed).permutation(X.shape[1])
    return _cut(X[:, p], Y, mini_batch_size)


@mistake("random_mini_batches", message="your shuffle draws columns with replacement, so some examples repeat and "
                                        "others are missing: use a permutation, np.random.permutation(m)")
def batches_with_replacement(X: Array, Y: Array, mini_batch_size: int = 64, seed: int = 0) -> Batches:
    p = np.random.RandomState(seed).randint(0, X.shape[1], X.shape[1])
    return _cut(X[:, p], Y[:, p], mini_batch_size)


@mistake("random_mini_batches", message="your mini-batches start every column (k, not k * mini_batch_size): "
                                        "batch k holds columns k * mini_batch_size to (k + 1) * mini_batch_size")
def batches_start_at_k(X: Array, Y: Array, mini_batch_size: int = 64, seed: int = 0) -> Batches:
    p = np.random.RandomState(seed).permutation(X.shape[1])
    Xs, Ys, m = X[:, p], Y[:, p], X.shape[1]
    return [(Xs[:, k:k + mini_batch_size], Ys[:, k:k + mini_batch_size]) for k in range(-(-m // mini_batch_size))]


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("update_parameters")
def update_in_place(parameters, grads, learning_rate):
    for key in list(parameters):
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters


@alternative("update_parameters_with_gd")
def gd_in_place_by_layer(parameters, grads, learning_rate):
    for l in range(1, len(parameters) // 2 + 1):
        parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return parameters


@alternative("random_mini_batches")
def batches_from_a_generator(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [(shuffled_X[:, k * mini_batch_size:min((k + 1) * mini_batch_size, m)],
             shuffled_Y[:, k * mini_batch_size:min((k + 1) * mini_batch_size, m)])
            for k in range(math.ceil(m / mini_batch_size))]


@alternative("random_mini_batches")
def batches_as_in_the_course(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation].reshape((Y.shape[0], m))
    mini_batches = []
    num_complete = math.floor(m / mini_batch_size)
    for k in range(num_complete):
        mini_batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                             shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
    if m % mini_batch_size != 0:
        mini_batches.append((shuffled_X[:, num_complete * mini_batch_size:],
                             shuffled_Y[:, num_complete * mini_batch_size:]))
    return mini_batches


@alternative("initialize_velocity")
def velocity_by_layer(parameters):
    L = len(parameters) // 2
    v = {}
    for l in range(L):
        v["dW" + str(l + 1)] = np.zeros(parameters["W" + str(l + 1)].shape)
        v["db" + str(l + 1)] = np.zeros(parameters["b" + str(l + 1)].shape)
    return v


@alternative("initialize_rmsprop")
def rmsprop_state_by_key(parameters):
    return {"d" + key: np.zeros_like(value, dtype=float) for key, value in parameters.items()}


@alternative("initialize_adam")
def adam_state_copied(parameters):
    v = {"d" + key: np.zeros_like(value, dtype=float) for key, value in parameters.items()}
    return v, copy.deepcopy(v)


@alternative("update_parameters_with_momentum")
def momentum_by_layer(parameters, grads, v, beta, learning_rate):
    for l in range(1, len(parameters) // 2 + 1):
        for p in ("W", "b"):
            v[f"d{p}{l}"] = beta * v[f"d{p}{l}"] + (1 - beta) * grads[f"d{p}{l}"]
            parameters[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * v[f"d{p}{l}"]
    return parameters, v


@alternative("update_parameters_with_rmsprop")
def rmsprop_in_place(parameters, grads, s, beta, learning_rate, epsilon=1e-8):
    for key in list(s):
        s[key] *= beta
        s[key] += (1 - beta) * np.square(grads[key])
        parameters[key[1:]] -= learning_rate * grads[key] / (np.sqrt(s[key]) + epsilon)
    return parameters, s


@alternative("update_parameters_with_adam")
def adam_into_new_dicts(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    v_corrected, s_corrected = {}, {}
    new_v, new_s, new_parameters = {}, {}, {}
    for key in v:
        new_v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
        new_s[key] = beta2 * s[key] + (1 - beta2) * np.power(grads[key], 2)
        v_corrected[key] = new_v[key] / (1 - np.power(beta1, t))
        s_corrected[key] = new_s[key] / (1 - np.power(beta2, t))
        new_parameters[key[1:]] = parameters[key[1:]] - learning_rate * v_corrected[key] / (
            np.sqrt(s_corrected[key]) + epsilon)
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@alternative("update_lr")
def update_lr_as_a_product(learning_rate0, epoch_num, decay_rate):
    return float(learning_rate0 * (1.0 / (1.0 + decay_rate * epoch_num)))


@alternative("schedule_lr_decay")
def schedule_with_floor_division(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * (epoch_num // time_interval))


@alternative("exponential_lr_decay")
def exponential_with_power(learning_rate0, epoch_num, k):
    return learning_rate0 * np.power(k, epoch_num)
