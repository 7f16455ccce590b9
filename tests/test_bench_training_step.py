"""The training-step benchmark measures what it says: its torch step is the reference step,
its floor has the step's products, and its table has a row per size (tiny sizes, no timing)."""

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


def test_the_table_has_a_row_per_size():
    rows = [bench.measure(dims, m, repeats=1) for dims, m in [([5, 4, 1], 3), ([6, 2, 3, 1], 4)]]
    table = bench.markdown(rows).splitlines()
    assert len(table) == 4 and table[2].startswith("| 5-4-1 | 3 |") and table[3].startswith("| 6-2-3-1 | 4 |")
    assert all(r.step_ms > 0 and r.floor_ms > 0 and r.peak_mib >= 0 for r in rows)
    assert np.isfinite([r.step_ms / r.floor_ms for r in rows]).all()
