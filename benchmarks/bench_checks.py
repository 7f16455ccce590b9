"""Time all checks (visible and hidden) of a notebook's functions, cold and warm, on one core.

    python benchmarks/bench_checks.py [--repeat 3] [--remote]

Cold: the first run in a process, when hypothesis draws every property's examples (a
student's first test cell in Jupyter; a grading process before its first notebook).
Warm: later runs, which replay the drawn examples (every further notebook of a class).
Three namespaces: the reference (all pass), and correct-but-different and partly wrong
functions from the Part A tests (failures are shrunk, which costs more).
With ``--remote`` the functions live in a worker (``autograder.sandbox.remote``, sandboxed when
bubblewrap is there) as in grading, and wall time counts the calls' round trips.
The target: all checks of one notebook in at most 2 s of one core (judged on this process's
CPU time; wall time, which adds a shared machine's load and a worker's calls, is printed beside it).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' correct and wrong functions

from dnn_checks import run_checks  # noqa: E402

import reference  # noqa: E402
from autograder.hidden import run_hidden_checks  # noqa: E402
from autograder.sandbox.bubblewrap import check_available  # noqa: E402
from autograder.sandbox.remote import WorkerFactory  # noqa: E402
from tests.test_checks_part_a import PART_A, VARIANTS, WRONG, variants  # noqa: E402


def grade_all(functions: list[str], namespace: dict) -> float:
    with contextlib.redirect_stdout(io.StringIO()):
        return sum(run_checks(f, namespace=namespace) + run_hidden_checks(f, namespace=namespace) for f in functions)


def timed(run: Callable[[], float]) -> tuple[float, float, float]:
    """(CPU seconds of this process, wall seconds, points)."""
    cpu, wall = time.process_time(), time.perf_counter()
    points = run()
    return time.process_time() - cpu, time.perf_counter() - wall, points


def wrong_namespace() -> dict:
    namespace = variants()
    for source in WRONG.values():
        exec(source, namespace)  # noqa: S102 - the benchmark's own wrong versions
    return namespace


@contextlib.contextmanager
def remote_namespaces() -> Iterator[dict[str, dict]]:
    """The variants and the partly wrong functions defined in workers, as proxies."""
    with WorkerFactory(insecure=bool(check_available())) as factory, \
            factory.session({}) as right, factory.session({}) as wrong:
        right.run_cell(VARIANTS, timeout=60)
        wrong.run_cell(VARIANTS + "\n" + "\n".join(WRONG.values()), timeout=60)
        yield {"variants": right.functions(), "partly wrong": wrong.functions()}


def report(namespaces: dict[str, dict], repeat: int) -> None:
    cpu, wall, points = timed(lambda: grade_all(PART_A, next(iter(namespaces.values()))))
    print(f"Part A, {len(PART_A)} functions; cold (first run): {cpu:.2f} s CPU, {wall:.2f} s wall, {points:g} points")
    for label, namespace in namespaces.items():
        runs = [timed(lambda: grade_all(PART_A, namespace)) for _ in range(repeat)]
        cpu, wall = min(r[0] for r in runs), min(r[1] for r in runs)
        print(f"  warm, {label:12s}: best of {repeat} {cpu:.2f} s CPU, {wall:.2f} s wall, {runs[0][2]:g} points"
              f"{'' if cpu <= 2.0 else '  (over the 2 s target)'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--remote", action="store_true", help="call the functions in workers, as grading does")
    args = parser.parse_args()
    if args.remote:
        with remote_namespaces() as namespaces:
            report(namespaces, args.repeat)
        return
    report({"reference": {f: getattr(reference, f) for f in PART_A}, "variants": variants(),
            "partly wrong": wrong_namespace()}, args.repeat)


if __name__ == "__main__":
    main()
