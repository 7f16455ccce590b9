"""The training-step benchmark measures what it says: its torch step is the reference step,
its floors have the step's products, and its table has a row per size (tiny sizes, no timing)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

PATH = Path(__file__).parents[1] / "benchmarks" / "bench_training_step.py"
SPEC = importlib.util.spec_from_file_location("bench_training_step", PATH)
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)


def test_torch_step_is_the_reference_step():
    pytest.importorskip("torch")
    problem = bench.make_problem([5, 4, 3, 1], 7)
    net = bench.torch_problem(problem)
    reference = bench.reference_step(problem)
    bench.torch_step(net)
    for tensor, (name, array) in zip(net.params, reference.items()):
        assert_allclose(tensor.detach().numpy(), array, rtol=1e-12, atol=1e-15, err_msg=name)


def test_the_floor_has_the_shapes_of_the_step_products():
    problem = bench.make_problem([5, 4, 3, 1], 7)
    _, caches = bench.L_model_forward(problem.X, problem.parameters)
    operands = bench.floor_operands(problem)
    assert [tuple(a.shape for a in layer) for layer in operands] == [
        (c.linear_cache.W.shape, c.linear_cache.A_prev.shape, c.activation_cache.shape) for c in caches]
    shapes = []
    bench.matmul_floor(operands, lambda a, b: shapes.append((a.shape, b.shape)))()
    assert shapes[:3] == [((4, 5), (5, 7)), ((4, 7), (7, 5)), ((5, 4), (4, 7))] and len(shapes) == 9


def test_the_layout_is_what_a_step_keeps():
    dims, m = [5, 4, 3, 1], 7
    problem = bench.make_problem(dims, m)
    AL, caches = bench.L_model_forward(problem.X, problem.parameters)
    grads = bench.L_model_backward(AL, problem.Y, caches)
    kept = [c.activation_cache for c in caches] + [c.linear_cache.A_prev for c in caches[1:]] + [AL]
    kept += list(grads.values()) + list(bench.update_parameters(problem.parameters, grads, 0.1).values())
    assert bench.layout_mib(dims, m) == sum(a.nbytes for a in kept) / 2**20


def test_the_table_has_a_row_per_size_and_the_median_of_the_runs():
    runs = [[bench.measure(dims, m, repeats=1) for dims, m in [([5, 4, 1], 3), ([6, 2, 3, 1], 4)]] for _ in range(3)]
    rows = [bench.median_row(list(rows)) for rows in zip(*runs)]
    table = bench.markdown(rows).splitlines()
    assert len(table) == 4 and table[2].startswith("| 5-4-1 | 3 |") and table[3].startswith("| 6-2-3-1 | 4 |")
    assert rows[0].step_ms == sorted(run[0].step_ms for run in runs)[1]
    assert all(r.step_ms > 0 and r.floor_ms > 0 and r.peak_mib >= 0 and r.faults >= 0 for r in rows)
    assert np.isfinite([r.step_ms / r.floor_ms for r in rows]).all()
    assert bench.spread(runs).splitlines()[1].startswith("6-2-3-1 x 4: step / floor ")
