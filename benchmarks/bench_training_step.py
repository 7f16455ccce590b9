"""Time one training step of the reference L-layer network against its matrix-product floor.

A step is ``L_model_forward``, ``compute_cost``, ``L_model_backward`` and
``update_parameters`` (float64). Its floor is the matrix products the step cannot avoid,
timed in the same run with the same BLAS threads: per layer ``W @ A_prev``,
``dZ @ A_prev.T`` and ``W.T @ dZ`` (``dA0`` included, as ``L_model_backward`` returns it).
When torch is importable the same step runs in PyTorch on the CPU (float64, autograd, with
``X.requires_grad`` so it computes ``dA0`` too), and so do the floor's products (torch's
BLAS, MKL, against numpy's OpenBLAS). A step and its floor are timed interleaved, repeat by
repeat, so that load from other processes hits them alike; numpy's pair and torch's pair are
timed one after the other, never interleaved with each other: the threads of one library's pool
spin for a while after its last operation, and on two cores they would take a core from the
other's next operation (interleaved, numpy's step measured 1.6-1.9x its floor at two threads on
an idle machine, 1.2-1.6x alone). Medians are reported, and with ``--runs R`` the median of R
such runs. Peak memory is the highest extra allocation during one step
(tracemalloc, numpy only), next to what the contract's layout keeps alive at the end of a
step (the caches, the gradients and the new parameters); faults are the page faults of one step.

The floor's products reuse the memory they free, so they never fault. The step keeps its
caches and gradients to its end, and by default glibc gives that memory back to the kernel
when the step frees it, to fault it in again (zeroed) in the next step, or not, depending on
thresholds it adapts to the process's history. So that runs are repeatable, the benchmark
fixes those thresholds (freed memory stays in the process); ``--default-malloc`` leaves them.

    python benchmarks/bench_training_step.py [--threads N] [--repeats R] [--runs R] [--cpu-time] [--default-malloc]
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import resource
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
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


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
    torch_floor_ms: float | None
    faults: float
    peak_mib: float
    layout_mib: float


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


def floor_operands(problem: Problem) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(W, A_prev, dZ) per layer: the parameters, X, and random arrays of the step's other shapes."""
    rng = np.random.default_rng(1)
    L, m = len(problem.parameters) // 2, problem.X.shape[1]
    Ws = [problem.parameters[f"W{l}"] for l in range(1, L + 1)]
    As = [problem.X] + [rng.standard_normal((W.shape[0], m)) for W in Ws[:-1]]
    return [(W, A_prev, rng.standard_normal((W.shape[0], m))) for W, A_prev in zip(Ws, As)]


def matmul_floor(operands: list[tuple], matmul: Callable = np.matmul) -> Callable[[], None]:
    """The step's matrix products alone: W @ A_prev, dZ @ A_prev.T, W.T @ dZ for every layer."""
    def products() -> None:
        for W, A_prev, dZ in operands:
            matmul(W, A_prev)
            matmul(dZ, A_prev.T)
            matmul(W.T, dZ)

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


def torch_floor(operands: list[tuple]) -> Callable[[], None]:
    """The floor's products by torch's BLAS, on the same arrays."""
    import torch

    return matmul_floor([tuple(map(torch.from_numpy, arrays)) for arrays in operands], torch.mm)


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


def page_faults(function: Callable[[], None]) -> int:
    """The page faults of the process during one call (minor ones: memory the kernel maps in)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    function()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def layout_mib(layer_dims: list[int], m: int) -> float:
    """What a step keeps to its end, by the contract's layout: Z and A of every layer (the caches),
    dA{l-1}, dW{l}, db{l} (the gradients) and the new W{l}, b{l}; float64."""
    per_layer = [2 * n * m + n_prev * m + 2 * (n * n_prev + n) for n_prev, n in zip(layer_dims, layer_dims[1:])]
    return 8 * sum(per_layer) / 2**20


def measure(layer_dims: list[int], m: int, repeats: int,
            clock: Callable[[], float] = time.perf_counter) -> Row:
    """Time the reference step, its floor and (if installed) torch's step and floor on one problem
    (the reference step starts from the same parameters every time: the same work)."""
    problem = make_problem(layer_dims, m)
    operands = floor_operands(problem)

    def step() -> None:
        reference_step(problem)

    step_s, floor_s = interleaved_medians([step, matmul_floor(operands)], repeats, clock)
    net = torch_problem(problem)
    torch_s = [] if net is None else interleaved_medians([lambda: torch_step(net), torch_floor(operands)], repeats, clock)
    torch_ms = [1e3 * s for s in torch_s] or [None, None]
    return Row("-".join(map(str, layer_dims)), m, 1e3 * step_s, 1e3 * floor_s, *torch_ms,
               page_faults(step), peak_extra_mib(step), layout_mib(layer_dims, m))


def median_row(rows: list[Row]) -> Row:
    """The median of each measured field over rows of the same problem."""
    def median(values: list) -> float | None:
        return None if None in values else statistics.median(values)

    return Row(rows[0].network, rows[0].batch, *(median(list(field)) for field in list(zip(*rows))[2:]))


def markdown(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    def ms(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    def ratio(value: float, to: float | None) -> str:
        return "n/a" if to is None else f"{value / to:.2f}"

    lines = ["| network | batch | step (ms) | matmul floor (ms) | step / floor | torch step (ms) "
             "| torch floor (ms) | step / torch | page faults | peak extra (MiB) | layout (MiB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.network} | {r.batch} | {ms(r.step_ms)} | {ms(r.floor_ms)} | {ratio(r.step_ms, r.floor_ms)} "
                     f"| {ms(r.torch_ms)} | {ms(r.torch_floor_ms)} | {ratio(r.step_ms, r.torch_ms)} "
                     f"| {r.faults:.0f} | {r.peak_mib:.1f} | {r.layout_mib:.1f} |")
    return "\n".join(lines)


def spread(runs: list[list[Row]]) -> str:
    """The lowest and highest step / floor and step / torch of each problem over the runs."""
    def low_high(values: list[float]) -> str:
        return f"{min(values):.2f}-{max(values):.2f}"

    lines = []
    for rows in zip(*runs):
        text = f"{rows[0].network} x {rows[0].batch}: step / floor {low_high([r.step_ms / r.floor_ms for r in rows])}"
        if rows[0].torch_ms is not None:
            text += f", step / torch {low_high([r.step_ms / r.torch_ms for r in rows])}"
        lines.append(text)
    return "\n".join(lines)


def keep_freed_memory() -> bool:
    """Fix glibc's malloc thresholds so that freed memory stays in the process (no mmap for blocks
    under 32 MiB, no trimming under 1 GiB); False where the C library has no mallopt."""
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, 32 * 2**20)) and bool(mallopt(M_TRIM_THRESHOLD, 2**30))


def blas_threads() -> int:
    """The thread count of numpy's BLAS (the first BLAS pool threadpoolctl sees)."""
    return next(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS (and torch) threads; default: as found")
    parser.add_argument("--repeats", type=int, default=15, help="timed calls of each function per size")
    parser.add_argument("--runs", type=int, default=1, help="runs over all sizes; the table is their median")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time with the process's CPU time, not wall time: steadier on a busy "
                             "machine, comparable across functions only with --threads 1")
    parser.add_argument("--default-malloc", action="store_true",
                        help="leave glibc's malloc thresholds as they are (steps may fault memory in)")
    args = parser.parse_args()
    clock = time.process_time if args.cpu_time else time.perf_counter
    malloc = "glibc default" if args.default_malloc or not keep_freed_memory() else "freed memory kept"
    threads = args.threads or blas_threads()
    with threadpool_limits(limits=threads, user_api="blas"):
        try:
            import torch
            torch.set_num_threads(threads)
            print(f"torch {torch.__version__}, {threads} thread(s)")
        except ImportError:
            print("torch is not installed (pip install '.[bench]'): no PyTorch comparison")
        print(f"numpy {np.__version__}, BLAS threads: {blas_threads()}, repeats: {args.repeats}, runs: {args.runs}, "
              f"clock: {'CPU' if args.cpu_time else 'wall'} time, malloc: {malloc}, "
              f"load average before: {os.getloadavg()[0]:.1f}\n")
        runs = [[measure(dims, m, args.repeats, clock) for dims, m in CONFIGS] for _ in range(args.runs)]
        print(markdown([median_row(list(rows)) for rows in zip(*runs)]))
        if args.runs > 1:
            print(f"\nSpread over the {args.runs} runs:\n{spread(runs)}")
        print(f"\nload average after: {os.getloadavg()[0]:.1f} (other processes on these cores add noise)")


if __name__ == "__main__":
    main()
