"""Time all checks (visible and hidden) of the notebooks of Parts B, C and D, on one core.

    python benchmarks/bench_checks_bcd.py [--repeat 3]

Per notebook (a2: Part B, a3: Part C, a4: Part D), cold (first run in the process: hypothesis
draws the examples) and warm (replayed), for three namespaces: the reference, the correct
alternatives of ``tests/alternatives_bcd.py``, and "partly wrong" (every function replaced
by its first catalogued mistake: every property shrinks a failure and is diagnosed, the
worst case). The target: at most 2 s of one core per notebook (CPU time of this process).
"""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' alternative implementations

from dnn_checks.graded import ASSIGNMENTS, FUNCTIONS, taught_in  # noqa: E402

import reference  # noqa: E402
from autograder.mistakes import mistakes_of  # noqa: E402
from benchmarks.bench_checks import grade_all, timed  # noqa: E402
from tests import alternatives_bcd  # noqa: E402

NOTEBOOKS = {assignment: list(taught_in(assignment)) for assignment in ASSIGNMENTS[1:]}


def namespaces() -> dict[str, dict]:
    """The reference, the alternatives run as a notebook cell after it, every function's first mistake."""
    correct = {name: getattr(reference, name) for name in reference.__all__}
    alternatives = dict(correct)
    exec(compile(inspect.getsource(alternatives_bcd), alternatives_bcd.__file__, "exec"), alternatives)  # noqa: S102
    wrong = dict(correct)
    wrong.update({f: mistakes_of(f)[0].wrong for f in FUNCTIONS if f != "batchnorm_backward"})
    wrong["batchnorm_forward"] = reference.batchnorm_forward  # the backward's mistakes read the reference's cache
    wrong["batchnorm_backward"] = mistakes_of("batchnorm_backward")[0].wrong
    return {"reference": correct, "alternatives": alternatives, "partly wrong": wrong}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    spaces = namespaces()
    for notebook, functions in NOTEBOOKS.items():
        cpu, wall, points = timed(lambda: grade_all(functions, spaces["reference"]))
        print(f"{notebook}, {len(functions)} functions; cold: {cpu:.2f} s CPU, {wall:.2f} s wall, {points:g} points")
        for label, namespace in spaces.items():
            runs = [timed(lambda: grade_all(functions, namespace)) for _ in range(repeat)]
            best = min(r[0] for r in runs)
            print(f"  warm, {label:12s}: best of {repeat} {best:.2f} s CPU, {min(r[1] for r in runs):.2f} s wall, "
                  f"{runs[0][2]:g} points{'' if best <= 2.0 else '  (over the 2 s target)'}")


if __name__ == "__main__":
    main()
