"""The mistake catalog: every variant is really wrong, named once, explained, and recognized."""

from __future__ import annotations

import collections
import functools

import numpy as np
import pytest
from dnn_checks.calls import Call
from dnn_checks.graded import FUNCTIONS, graded
from dnn_checks.student import Student

import reference
from autograder.hidden import HIDDEN
from autograder.mistakes import (
    CATALOG,
    FAILED,
    Mistake,
    diagnose,
    diagnose_check,
    differs,
    explain,
    mistakes_of,
    replayed,
)
from tests.mistake_inputs import CASES


def test_ids_are_unique_and_messages_say_something() -> None:
    ids = [m.id for m in CATALOG]
    assert len(ids) == len(set(ids))
    assert all(m.id.startswith(f"{m.function}.") for m in CATALOG)
    assert all(len(m.message.split()) >= 5 and "you" in m.message for m in CATALOG)


def test_the_catalog_covers_every_contract_function_and_is_large() -> None:
    counts = collections.Counter(m.function for m in CATALOG)
    assert set(counts) == set(FUNCTIONS)
    assert len(CATALOG) >= 150
    print("\n" + "\n".join(f"{f:40s} {n}" for f, n in sorted(counts.items())) + f"\n{'total':40s} {len(CATALOG)}")


@pytest.mark.parametrize("mistake", CATALOG, ids=lambda m: m.id)
def test_every_mistake_differs_from_the_reference(mistake: Mistake) -> None:
    assert all(replayed(call, mistake.wrong) is not FAILED for call in CASES[mistake.function]), mistake.id
    assert any(differs(mistake, call) for call in CASES[mistake.function]), f"{mistake.id} is not a mistake"


@pytest.mark.parametrize("mistake", CATALOG, ids=lambda m: m.id)
def test_diagnose_names_a_mistake_from_its_own_output(mistake: Mistake) -> None:
    call = next(c for c in CASES[mistake.function] if differs(mistake, c))
    assert mistake in diagnose(replayed(call, mistake.wrong))


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_the_reference_output_is_never_diagnosed(function: str) -> None:
    for call in CASES[function]:
        assert diagnose(replayed(call, getattr(reference, function))) == []


def test_mistakes_of_an_unknown_function_is_empty() -> None:
    assert mistakes_of("no_such_function") == ()


def _observed(wrong: object, *calls: Call) -> list[Call]:
    return [replayed(call, wrong) for call in calls]


def _relu_backward(*ids: str) -> list[Mistake]:
    return [next(m for m in CATALOG if m.id == f"relu_backward.relu_backward_{i}") for i in ids]


#: relu_backward inputs (dA, Z): one entry at Z = 0; two at Z = 0 and Z > 0; one for each sign of dA and Z.
TINY = Call("relu_backward", (np.ones((1, 1)), np.zeros((1, 1))))
SMALL = Call("relu_backward", (np.ones((1, 2)), np.array([[0.0, 1.0]])))
LARGER = Call("relu_backward", (np.array([[1.0, 2.0, 3.0, -4.0]]), np.array([[0.0, 1.0, -1.0, 2.0]])))


def test_a_check_keeps_the_mistakes_that_fit_every_input_it_met() -> None:
    """relu_backward masking only Z < 0: on dA = [[1]], Z = [[0]] four mistakes fit; a larger input tells."""
    (wrong,) = _relu_backward("mask_only_negative")
    assert len(diagnose(replayed(TINY, wrong.wrong))) == 4
    assert diagnose_check("relu_backward", [_observed(wrong.wrong, TINY, LARGER)]) == [[wrong]]
    assert diagnose_check("relu_backward", [_observed(wrong.wrong, TINY)], _observed(wrong.wrong, LARGER)) == [[wrong]]
    assert diagnose_check("relu_backward", [_observed(wrong.wrong, TINY), _observed(wrong.wrong, LARGER)]) == [
        [wrong], [wrong]]


def test_when_no_mistake_fits_every_input_the_most_telling_one_speaks() -> None:
    only_negative, inverted = _relu_backward("mask_only_negative", "inverted_mask")
    observed = _observed(only_negative.wrong, SMALL) + _observed(inverted.wrong, LARGER)
    assert len(diagnose(observed[0])) == 3
    assert diagnose_check("relu_backward", [observed]) == [[inverted]]


# The kill rate: every catalogued mistake, put in a student's namespace, loses points on its
# function's hidden check, and the feedback names it.

def _namespace(mistake: Mistake) -> dict[str, object]:
    """A student whose every function is correct except ``mistake.function``."""
    namespace = {name: getattr(reference, name) for name in FUNCTIONS}
    namespace[mistake.function] = mistake.wrong
    return namespace


@functools.cache
def _graded(mistake: Mistake) -> tuple[bool, bool, bool]:
    """(killed: the hidden check withheld points, diagnosed: a failed property's feedback names the mistake,
    exactly: every diagnosis the feedback gives names this mistake and no other)."""
    substitutes = {name: getattr(reference, name) for name in graded(mistake.function).calls}
    result = HIDDEN.run(mistake.function, Student(_namespace(mistake)), substitutes=substitutes, diagnose=explain)
    failed = [p for p in result.properties if not p.passed]
    named = any(mistake.message in (p.diagnosis or "") for p in failed)
    diagnoses = {p.diagnosis for p in failed if p.diagnosis}
    return result.points < result.max_points - 1e-9, named, diagnoses == {mistake.message}


#: Measured: every mistake is killed and named (264 of 264); asserted just below, so that one
#: new mistake whose diagnosis is ambiguous does not fail the suite while a regression does.
DIAGNOSIS_ACCURACY = 0.99
#: Measured: 259 of 264 (98.1%) are named alone (the rest are told apart by no input of their checks:
#: compute_cost's m from Y's rows is 1).
EXACT_DIAGNOSIS = 0.96


@pytest.mark.slow
@pytest.mark.parametrize("mistake", CATALOG, ids=lambda m: m.id)
def test_every_mistake_loses_points_on_its_hidden_check(mistake: Mistake) -> None:
    killed, _, _ = _graded(mistake)
    assert killed, f"{mistake.id} earns full marks on the hidden check of {mistake.function}"


@pytest.mark.slow
def test_kill_rate_and_diagnosis_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    graded = {m: _graded(m) for m in CATALOG}
    kill_rate = sum(killed for killed, _, _ in graded.values()) / len(graded)
    accuracy = sum(named for _, named, _ in graded.values()) / len(graded)
    exact = sum(alone for _, _, alone in graded.values()) / len(graded)
    missed = sorted(m.id for m, (_, named, _) in graded.items() if not named)
    ambiguous = sorted(m.id for m, (_, named, alone) in graded.items() if named and not alone)
    with capsys.disabled():
        print(f"\nkill rate {kill_rate:.1%} of {len(graded)}; diagnosis accuracy {accuracy:.1%}; not named: {missed}; "
              f"named alone {exact:.1%}; with others: {ambiguous}")
    assert kill_rate == 1.0
    assert accuracy >= DIAGNOSIS_ACCURACY
    assert exact >= EXACT_DIAGNOSIS


# Random functions are diagnosed from statistics: a student's own generator still gets named.

def _he_with_xavier_scale(layer_dims: list[int], seed: int = 3) -> dict:
    rng = np.random.default_rng(seed + 100)
    return {key: value for l in range(1, len(layer_dims)) for key, value in (
        (f"W{l}", rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * np.sqrt(1 / layer_dims[l - 1])),
        (f"b{l}", np.zeros((layer_dims[l], 1))))}


def _dropout_with_global_generator(A: np.ndarray, keep_prob: float, rng: np.random.Generator) -> tuple:
    D = np.random.rand(*A.shape) < keep_prob
    return A * D, D


def _batches_with_two_permutations(X: np.ndarray, Y: np.ndarray, mini_batch_size: int = 64, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    X, Y = X[:, rng.permutation(X.shape[1])], Y[:, rng.permutation(X.shape[1])]
    return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, X.shape[1], mini_batch_size)]


@pytest.mark.parametrize(("function", "student", "mistake"), [
    ("initialize_parameters_he", _he_with_xavier_scale, "initialize_parameters_he.he_with_sqrt_1_over_n"),
    ("dropout_forward", _dropout_with_global_generator, "dropout_forward.dropout_without_rescaling"),
    ("random_mini_batches", _batches_with_two_permutations, "random_mini_batches.batches_two_permutations"),
])
def test_a_random_function_with_its_own_generator_is_diagnosed(function: str, student: object, mistake: str) -> None:
    namespace = {name: getattr(reference, name) for name in FUNCTIONS}
    namespace[function] = student
    result = HIDDEN.run(function, Student(namespace), diagnose=explain)
    message = next(m.message for m in CATALOG if m.id == mistake)
    assert result.points < result.max_points
    assert any(message in (p.diagnosis or "") for p in result.properties if not p.passed)
