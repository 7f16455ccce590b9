"""Part A checks: the reference and correct variants earn full marks, wrong versions lose points."""

import numpy as np
import pytest
from dnn_checks import collecting, run_checks
from dnn_checks.graded import ASSIGNMENTS, TABLE, graded
from dnn_checks.registry import VISIBLE

import reference
from autograder.hidden import HIDDEN, run_hidden_checks

PART_A = [g.name for g in TABLE if g.assignment == ASSIGNMENTS[0]]

#: Correct implementations written differently from the reference, as a student's notebook would hold them.
VARIANTS = '''
import numpy as np

def sigmoid(Z):
    return 0.5 * (1 + np.tanh(Z / 2)), Z

def relu(Z):
    return Z * (Z > 0), Z

def tanh(Z):
    e = np.exp(-2 * np.abs(Z))
    return np.sign(Z) * (1 - e) / (1 + e), Z

def softmax(Z):
    shifted = Z - np.max(Z, axis=0, keepdims=True)
    return np.exp(shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))), Z

def relu_backward(dA, cache):
    dZ = np.array(dA, copy=True)
    dZ[cache <= 0] = 0
    return dZ

def sigmoid_backward(dA, cache):
    s = sigmoid(cache)[0]
    return dA * s * (1 - s)

def tanh_backward(dA, cache):
    return dA / np.cosh(cache) ** 2

def initialize_parameters_deep(layer_dims, seed=3):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * np.sqrt(2 / layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters

def linear_forward(A_prev, W, b):
    return np.einsum("ij,jk->ik", W, A_prev) + b, (A_prev, W, b)

def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = {"sigmoid": sigmoid, "relu": relu, "tanh": tanh, "softmax": softmax}[activation](Z)
    return A, (linear_cache, activation_cache)

def L_model_forward(X, parameters):
    caches, A, L = [], X, len(parameters) // 2
    l = 1
    while l < L:
        A, cache = linear_activation_forward(A, parameters["W%d" % l], parameters["b%d" % l], "relu")
        caches.append(cache)
        l += 1
    AL, cache = linear_activation_forward(A, parameters["W%d" % L], parameters["b%d" % L], "sigmoid")
    return AL, caches + [cache]

def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    return np.squeeze(cost)

def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.einsum("ik,jk->ij", dZ, A_prev) / m, np.mean(dZ, axis=1, keepdims=True)

def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    else:
        dZ = tanh_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)

def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(L)):
        dA, grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_activation_backward(
            dA, caches[l], "sigmoid" if l == L - 1 else "relu")
        grads["dA" + str(l)] = dA
    return grads

def update_parameters(parameters, grads, learning_rate):
    for key in list(parameters):
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters

def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    keys = [k for l in range(1, len(parameters) // 2 + 1) for k in ("W%d" % l, "b%d" % l)]
    approx, exact = [], []
    for key in keys:
        for index in np.ndindex(parameters[key].shape):
            costs = []
            for sign in (1, -1):
                shifted = {k: v.copy() for k, v in parameters.items()}
                shifted[key][index] += sign * epsilon
                costs.append(compute_cost(L_model_forward(X, shifted)[0], Y))
            approx.append((costs[0] - costs[1]) / (2 * epsilon))
            exact.append(gradients["d" + key][index])
    approx, exact = np.array(approx), np.array(exact)
    return np.linalg.norm(exact - approx) / (np.linalg.norm(exact) + np.linalg.norm(approx))
'''


def variants() -> dict:
    namespace: dict = {}
    exec(VARIANTS, namespace)  # noqa: S102 - the test's own code, defined as a notebook would define it
    return namespace


def reference_namespace() -> dict:
    return {name: getattr(reference, name) for name in PART_A}


def grade(function: str, namespace: dict) -> tuple[float, float, list]:
    with collecting() as results:
        visible = run_checks(function, namespace=namespace)
        hidden = run_hidden_checks(function, namespace=namespace)
    return visible, hidden, results


def test_every_part_a_function_has_visible_and_hidden_checks():
    for function in PART_A:
        assert VISIBLE.properties(function) and HIDDEN.properties(function)
        assert graded(function).visible > 0 and graded(function).hidden > 0


@pytest.mark.parametrize("function", PART_A)
def test_the_reference_earns_full_marks(function, capsys):
    visible, hidden, results = grade(function, reference_namespace())
    failures = [p for r in results for p in r.properties if not p.passed]
    assert failures == [] and (visible, hidden) == (graded(function).visible, graded(function).hidden)


@pytest.mark.parametrize("function", PART_A)
def test_correct_variants_written_differently_earn_full_marks(function, capsys):
    visible, hidden, results = grade(function, variants())
    failures = [(p.name, p.message) for r in results for p in r.properties if not p.passed]
    assert failures == [] and (visible, hidden) == (graded(function).visible, graded(function).hidden)


WRONG = {
    "relu_backward": "def relu_backward(dA, cache):\n    return np.where(cache < 0, 0.0, dA)\n",
    "linear_backward": ("def linear_backward(dZ, cache):\n    A_prev, W, b = cache\n"
                        "    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)\n"),
    "compute_cost": "def compute_cost(AL, Y):\n    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))\n",
    "initialize_parameters_deep": (
        "def initialize_parameters_deep(layer_dims, seed=3):\n    np.random.seed(seed)\n"
        "    return {k: v for l in range(1, len(layer_dims)) for k, v in (\n"
        "        ('W%d' % l, np.random.randn(layer_dims[l], layer_dims[l - 1]) * np.sqrt(1 / layer_dims[l - 1])),\n"
        "        ('b%d' % l, np.zeros((layer_dims[l], 1))))}\n"),
    "update_parameters": ("def update_parameters(parameters, grads, learning_rate):\n"
                          "    return {k: v + learning_rate * grads['d' + k] for k, v in parameters.items()}\n"),
    "softmax": "def softmax(Z):\n    return np.exp(Z) / np.sum(np.exp(Z), axis=0), Z\n",
}


@pytest.mark.parametrize("function", list(WRONG))
def test_wrong_versions_lose_visible_and_hidden_points(function, capsys):
    namespace = variants()
    exec(WRONG[function], namespace)  # noqa: S102
    visible, hidden, _ = grade(function, namespace)
    assert visible < graded(function).visible and hidden < graded(function).hidden
    assert "✘" in capsys.readouterr().out


def test_a_mistake_in_a_called_function_costs_points_only_there(capsys):
    namespace = variants()
    exec(WRONG["linear_backward"], namespace)  # noqa: S102 - L_model_backward calls it through linear_activation_backward
    _, hidden, results = grade("L_model_backward", namespace)
    assert hidden == graded("L_model_backward").hidden
    assert any(p.from_callee for r in results for p in r.properties)
    assert "passes with correct versions of the functions it calls" in capsys.readouterr().out
    assert run_hidden_checks("linear_activation_backward", namespace=namespace) == graded("linear_activation_backward").hidden
    assert run_hidden_checks("linear_backward", namespace=namespace) < graded("linear_backward").hidden


def test_the_diagnosis_names_a_catalogued_mistake(capsys):
    namespace = variants()
    exec(WRONG["linear_backward"], namespace)  # noqa: S102
    _, _, results = grade("linear_backward", namespace)
    diagnoses = [p.diagnosis for r in results if r.kind == "hidden" for p in r.properties if p.diagnosis]
    print(diagnoses)
    assert diagnoses and all("divide by m" in d for d in diagnoses)


def test_he_initialization_with_the_global_seed_earns_full_marks(capsys):
    namespace = variants()
    exec("def initialize_parameters_deep(layer_dims, seed=3):\n    np.random.seed(seed)\n"  # noqa: S102
         "    parameters = {}\n    for l in range(1, len(layer_dims)):\n"
         "        parameters['W' + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * (2 / layer_dims[l - 1]) ** 0.5\n"
         "        parameters['b' + str(l)] = np.zeros((layer_dims[l], 1))\n    return parameters\n", namespace)
    visible, hidden, _ = grade("initialize_parameters_deep", namespace)
    assert (visible, hidden) == (graded("initialize_parameters_deep").visible, graded("initialize_parameters_deep").hidden)


def test_a_function_that_reads_a_notebook_global_instead_of_its_argument_loses_points(capsys):
    namespace = variants()
    namespace["A_prev"] = np.ones((3, 2))  # a notebook variable the student's function wrongly uses
    exec("def linear_forward(A, W, b):\n    return W @ A_prev + b, (A, W, b)\n", namespace)  # noqa: S102
    visible, hidden, _ = grade("linear_forward", namespace)
    assert visible < graded("linear_forward").visible and hidden < graded("linear_forward").hidden


def test_drawing_the_examples_ahead_changes_no_result(capsys):
    namespace = variants()
    exec(WRONG["linear_backward"], namespace)  # noqa: S102
    _, _, before = grade("linear_backward", namespace)
    assert VISIBLE.warm() > 0 and HIDDEN.warm() > 0
    _, _, after = grade("linear_backward", namespace)
    assert [r.to_json() for r in before] == [r.to_json() for r in after]
