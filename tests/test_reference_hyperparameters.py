"""Random search spaces: each kind's range and distribution, the generator as the only randomness."""

import copy

import numpy as np
import pytest
from dnn_checks.statistics import uniform_distance
from hypothesis import given
from hypothesis import strategies as st

from reference import sample_hyperparameters

SPACE = {"learning_rate": ("log", 1e-4, 1e-1), "keep_prob": ("uniform", 0.5, 1.0), "units": ("int", 8, 11),
         "optimizer": ("choice", ["gd", "momentum", "adam"])}
N = 4000
#: Kolmogorov-Smirnov: P(sqrt(N) * D > 4) < 2 exp(-32) ~ 3e-14; frequencies: 8 binomial standard errors.
KS_BOUND, Z_BOUND = 4.0 / np.sqrt(N), 8.0


@pytest.fixture(scope="module")
def samples() -> list[dict]:
    return sample_hyperparameters(SPACE, N, np.random.default_rng(0))


def test_each_sample_has_every_name(samples) -> None:
    assert len(samples) == N and all(set(s) == set(SPACE) for s in samples)


def test_log_values_are_uniform_in_the_exponent(samples) -> None:
    rates = np.array([s["learning_rate"] for s in samples])
    assert ((1e-4 <= rates) & (rates <= 1e-1)).all()
    assert uniform_distance((np.log10(rates) + 4) / 3) < KS_BOUND


def test_uniform_values_are_uniform(samples) -> None:
    keep = np.array([s["keep_prob"] for s in samples])
    assert ((0.5 <= keep) & (keep <= 1.0)).all()
    assert uniform_distance((keep - 0.5) / 0.5) < KS_BOUND


@pytest.mark.parametrize(("name", "values"), [("units", [8, 9, 10, 11]), ("optimizer", ["gd", "momentum", "adam"])])
def test_ints_and_choices_are_equally_likely_both_ends_included(samples, name, values) -> None:
    drawn = [s[name] for s in samples]
    assert {type(v) for v in drawn} == {type(values[0])} and set(drawn) == set(values)
    p = 1 / len(values)
    for value in values:
        assert abs(drawn.count(value) / N - p) < Z_BOUND * np.sqrt(p * (1 - p) / N)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 5))
def test_the_same_generator_state_gives_the_same_list_and_only_it_is_used(seed, n) -> None:
    rng = np.random.default_rng(seed)
    twin = copy.deepcopy(rng)
    np.random.seed(0)
    first = sample_hyperparameters(SPACE, n, rng)
    np.random.seed(1)
    assert sample_hyperparameters(SPACE, n, twin) == first
    assert rng.bit_generator.state == twin.bit_generator.state


def test_a_choice_is_the_option_itself_and_an_unknown_kind_is_refused() -> None:
    option = {"a": 1}
    assert sample_hyperparameters({"x": ("choice", [option])}, 2, np.random.default_rng(1)) == [{"x": option}] * 2
    assert sample_hyperparameters({"x": ("choice", [option])}, 1, np.random.default_rng(1))[0]["x"] is option
    with pytest.raises(ValueError, match="unknown kind 'normal'"):
        sample_hyperparameters({"x": ("normal", 0, 1)}, 1, np.random.default_rng(1))
