"""Time one training step of the reference L-layer network against its matrix-product floor.

A step is ``L_model_forward``, ``compute_cost``, ``L_model_backward`` and
``update_parameters`` (float64). Its floor is the matrix products the step cannot avoid,
timed in the same run with the same BLAS threads: per layer ``W @ A_prev``,
``dZ @ A_prev.T`` and ``W.T @ dZ`` (``dA0`` included, as ``L_model_backward`` returns it).
When torch is importable the same step runs in PyTorch on the CPU (float64, autograd, with
``X.requires_grad`` so it computes ``dA0`` too). The timings of the three are interleaved,
repeat by repeat, so that load from other processes hits them alike; medians are reported.
Peak memory is the highest extra allocation during one step (tracemalloc, numpy only).

    python benchmarks/bench_training_step.py [--threads N] [--repeats R] [--cpu-time]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from reference.costs import compute_cost
from reference.initializers import initialize_parameters_deep
from reference.layers import L_model_backward, L_model_forward
from reference.optimizers import update_parameters

CONFIGS = [([64, 256, 128, 1], 256), ([64, 256, 128, 1], 4096),
           ([784, 512, 256, 1], 256), ([784, 512, 256, 1], 4096)]
LEARNING_RATE = 0.01


class Problem(NamedTuple):
    X: np.ndarray
    Y: np.ndarray
    parameters: dict[str, np.ndarray]


class Row(NamedTuple):
    network: str
    batch: int
    step_ms: float
    floor_ms: float
    torch_ms: float | None
    peak_mib: float


def make_problem(layer_dims: list[int], m: int, seed: int = 0) -> Problem:
    """Standard-normal X (n0, m), random 0/1 labels (1, m), He-initialized parameters."""
    rng = np.random.default_rng(seed)
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    return Problem(rng.standard_normal((layer_dims[0], m)), Y, initialize_parameters_deep(layer_dims, seed))


def reference_step(problem: Problem) -> dict[str, np.ndarray]:
    """One gradient-descent step of the reference network; returns the updated parameters."""
    AL, caches = L_model_forward(problem.X, problem.parameters)
    compute_cost(AL, problem.Y)
    grads = L_model_backward(AL, problem.Y, caches)
    return update_parameters(problem.parameters, grads, LEARNING_RATE)


def matmul_floor(problem: Problem) -> Callable[[], None]:
    """The step's matrix products alone, on arrays of the step's shapes."""
    rng = np.random.default_rng(1)
    L, m = len(problem.parameters) // 2, problem.X.shape[1]
    Ws = [problem.parameters[f"W{l}"] for l in range(1, L + 1)]
    As = [problem.X] + [rng.standard_normal((W.shape[0], m)) for W in Ws[:-1]]
    dZs = [rng.standard_normal((W.shape[0], m)) for W in Ws]

    def products() -> None:
        for W, A_prev, dZ in zip(Ws, As, dZs):
            W @ A_prev
            dZ @ A_prev.T
            W.T @ dZ

    return products


class TorchProblem(NamedTuple):
    X: "torch.Tensor"
    Y: "torch.Tensor"
    params: list  # W1, b1, ..., WL, bL as leaf tensors that require gradients


def torch_problem(problem: Problem) -> TorchProblem | None:
    """The problem as float64 torch tensors (X requires a gradient, like dA0), or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    params = [torch.from_numpy(p.copy()).requires_grad_(True) for p in problem.parameters.values()]
    return TorchProblem(torch.from_numpy(problem.X).requires_grad_(True), torch.from_numpy(problem.Y), params)


def torch_step(net: TorchProblem) -> None:
    """The reference step in PyTorch: ReLU layers, sigmoid output, mean BCE, autograd, gradient descent."""
    import torch

    A = net.X
    for l in range(0, len(net.params) - 2, 2):
        A = torch.relu(torch.addmm(net.params[l + 1], net.params[l], A))
    AL = torch.sigmoid(torch.addmm(net.params[-1], net.params[-2], A))
    torch.nn.functional.binary_cross_entropy(AL, net.Y).backward()
    with torch.no_grad():
        for p in net.params:
            p -= LEARNING_RATE * p.grad
            p.grad = None
    net.X.grad = None


def interleaved_medians(functions: list[Callable[[], None]], repeats: int,
                        clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """Median seconds per call of each function, timed in turn within every repeat (after a warm-up)."""
    times: list[list[float]] = [[] for _ in functions]
    for function in functions:
        function()
    for _ in range(repeats):
        for function, record in zip(functions, times):
            start = clock()
            function()
            record.append(clock() - start)
    return [statistics.median(record) for record in times]


def peak_extra_mib(function: Callable[[], None]) -> float:
    """The highest memory allocated during one call, above what was allocated before it."""
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def measure(layer_dims: list[int], m: int, repeats: int,
            clock: Callable[[], float] = time.perf_counter) -> Row:
    """Time the reference step, its floor and (if installed) torch's step on one problem
    (the reference step starts from the same parameters every time: the same work)."""
    problem = make_problem(layer_dims, m)
    functions = [lambda: reference_step(problem), matmul_floor(problem)]
    net = torch_problem(problem)
    if net is not None:
        functions.append(lambda: torch_step(net))
    step_s, floor_s, *torch_s = interleaved_medians(functions, repeats, clock)
    return Row("-".join(map(str, layer_dims)), m, 1e3 * step_s, 1e3 * floor_s,
               1e3 * torch_s[0] if torch_s else None, peak_extra_mib(functions[0]))


def markdown(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    lines = ["| network | batch | step (ms) | matmul floor (ms) | step / floor | torch (ms) "
             "| step / torch | peak extra memory (MiB) |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        torch_ms = "n/a" if r.torch_ms is None else f"{r.torch_ms:.2f}"
        vs_torch = "n/a" if r.torch_ms is None else f"{r.step_ms / r.torch_ms:.2f}"
        lines.append(f"| {r.network} | {r.batch} | {r.step_ms:.2f} | {r.floor_ms:.2f} "
                     f"| {r.step_ms / r.floor_ms:.2f} | {torch_ms} | {vs_torch} | {r.peak_mib:.1f} |")
    return "\n".join(lines)


def blas_threads() -> int:
    """The thread count of numpy's BLAS (the first BLAS pool threadpoolctl sees)."""
    return next(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS (and torch) threads; default: as found")
    parser.add_argument("--repeats", type=int, default=15, help="timed calls of each function per size")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time with the process's CPU time, not wall time: steadier on a busy "
                             "machine, comparable across functions only with --threads 1")
    args = parser.parse_args()
    clock = time.process_time if args.cpu_time else time.perf_counter
    threads = args.threads or blas_threads()
    with threadpool_limits(limits=threads, user_api="blas"):
        try:
            import torch
            torch.set_num_threads(threads)
            print(f"torch {torch.__version__}, {threads} thread(s)")
        except ImportError:
            print("torch is not installed (pip install '.[bench]'): no PyTorch comparison")
        print(f"numpy {np.__version__}, BLAS threads: {blas_threads()}, repeats: {args.repeats}, "
              f"clock: {'CPU' if args.cpu_time else 'wall'} time, "
              f"load average before: {os.getloadavg()[0]:.1f}\n")
        print(markdown([measure(dims, m, args.repeats, clock) for dims, m in CONFIGS]))
        print(f"\nload average after: {os.getloadavg()[0]:.1f} (other processes on these cores add noise)")


if __name__ == "__main__":
    main()
