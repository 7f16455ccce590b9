"""Time all checks (visible and hidden) of a notebook's functions, cold and warm, on one core.

    python benchmarks/bench_checks.py [--part a] [--repeat 3]

Cold: the first run in a process, when hypothesis draws every property's examples (a
student's first test cell in Jupyter; a grading process before its first notebook).
Warm: later runs, which replay the drawn examples (every further notebook of a class).
Three namespaces: the reference (all pass), and correct-but-different and partly wrong
functions from the Part A tests (failures are shrunk, which costs more).
The target: all checks of one notebook in at most 2 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
from collections.abc import Callable

import reference
from autograder.hidden import run_hidden_checks
from dnn_checks import run_checks
from tests.test_checks_part_a import PART_A, WRONG, variants


def grade_all(functions: list[str], namespace: dict) -> float:
    with contextlib.redirect_stdout(io.StringIO()):
        return sum(run_checks(f, namespace=namespace) + run_hidden_checks(f, namespace=namespace) for f in functions)


def timed(run: Callable[[], float]) -> tuple[float, float]:
    start = time.process_time()
    points = run()
    return time.process_time() - start, points


def wrong_namespace() -> dict:
    namespace = variants()
    for source in WRONG.values():
        exec(source, namespace)  # noqa: S102 - the benchmark's own wrong versions
    return namespace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    namespaces = {"reference": {f: getattr(reference, f) for f in PART_A}, "variants": variants(),
                  "partly wrong": wrong_namespace()}
    seconds, points = timed(lambda: grade_all(PART_A, namespaces["reference"]))
    print(f"Part A, {len(PART_A)} functions; cold (first run, reference): {seconds:.2f} s CPU, {points:g} points")
    for label, namespace in namespaces.items():
        runs = [timed(lambda: grade_all(PART_A, namespace)) for _ in range(args.repeat)]
        best = min(s for s, _ in runs)
        print(f"  warm, {label:12s}: best of {args.repeat} {best:.2f} s CPU, {runs[0][1]:g} points"
              f"{'' if best <= 2.0 else '  (over the 2 s target)'}")


if __name__ == "__main__":
    main()
