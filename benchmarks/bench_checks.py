"""Time all checks (visible and hidden) of each notebook's functions, cold and warm, on one core.

    python benchmarks/bench_checks.py [--repeat 3] [--remote] [--assignment a1_deep_network ...]

Every notebook of ``dnn_checks.graded.ASSIGNMENTS``, graded as the grader grades
(``autograder.hidden.grading()``: correct callees for the visible checks too, the stored values
also on new inputs). Cold: the first run in a process, when hypothesis draws every property's
examples (a student's first test cell in Jupyter; a grading process before its first notebook).
Warm: later runs, which replay the drawn examples (every further notebook of a class). Three
namespaces: the reference (all pass), the correct alternatives of ``autograder.mistakes`` (each
written as a notebook's cell, calling the notebook's other functions), and "partly wrong" (every
function its first catalogued mistake: every check shrinks a failure and is diagnosed, the worst
case). With ``--remote`` the functions live in a worker (``autograder.sandbox.remote``, unconfined:
a sandboxed worker cannot import the reference the cells start from) and wall time counts the
calls' round trips. The target: all checks of one notebook in at most 2 s of one core (judged on
this process's CPU time; wall time, which adds a shared machine's load and a worker's calls, is
printed beside it).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dnn_checks import run_checks  # noqa: E402
from dnn_checks.graded import ASSIGNMENTS, TABLE, taught_in  # noqa: E402

import reference  # noqa: E402
from autograder.hidden import grading, run_hidden_checks  # noqa: E402
from autograder.mistakes import alternatives_of, mistakes_of  # noqa: E402
from autograder.sandbox.remote import WorkerFactory  # noqa: E402
from autograder.staff.classgen import inlinable, mistake_source  # noqa: E402

FUNCTIONS = [g.name for g in TABLE]


def grade_all(functions: list[str], namespace: dict) -> float:
    with contextlib.redirect_stdout(io.StringIO()), grading():
        return sum(run_checks(f, namespace=namespace) + run_hidden_checks(f, namespace=namespace) for f in functions)


def timed(run: Callable[[], float]) -> tuple[float, float, float]:
    """(CPU seconds of this process, wall seconds, points)."""
    cpu, wall = time.process_time(), time.perf_counter()
    points = run()
    return time.process_time() - cpu, time.perf_counter() - wall, points


def alternatives_cell() -> str:
    """One cell defining the first alternative of every function (and what it needs)."""
    return "\n\n".join(alternatives_of(f)[0].cell() for f in FUNCTIONS)


def wrong_cell() -> str:
    """One cell defining, over the alternatives, the first inlinable catalogued mistake of every function
    (batch norm's forward stays right: the backward's mistakes read the reference's cache)."""
    return "\n\n".join([alternatives_cell(), *(mistake_source(inlinable(f)[0]) for f in FUNCTIONS
                                               if f != "batchnorm_forward" and inlinable(f))])


def namespaces() -> dict[str, dict]:
    """The reference, the alternatives run as a notebook's cell after it, every function's first mistake."""
    correct = {name: getattr(reference, name) for name in FUNCTIONS}
    alternatives = dict(correct)
    exec(alternatives_cell(), alternatives)  # noqa: S102 - our own catalog
    wrong = {**correct, **{f: mistakes_of(f)[0].wrong for f in FUNCTIONS if f != "batchnorm_forward"}}
    return {"reference": correct, "alternatives": alternatives, "partly wrong": wrong}


@contextlib.contextmanager
def remote_namespaces() -> Iterator[dict[str, dict]]:
    """The alternatives and the partly wrong functions defined in workers, as proxies."""
    imports = f"from reference import {', '.join(FUNCTIONS)}"
    with WorkerFactory(insecure=True) as factory, factory.session() as right, factory.session() as wrong:
        for session, cell in ((right, alternatives_cell()), (wrong, wrong_cell())):
            assert session.run_cell(imports, timeout=60).ok and session.run_cell(cell, timeout=60).ok
        yield {"alternatives": right.functions(), "partly wrong": wrong.functions()}


def report(notebooks: dict[str, list[str]], spaces: dict[str, dict], repeat: int) -> None:
    for notebook, functions in notebooks.items():
        cpu, wall, points = timed(lambda: grade_all(functions, next(iter(spaces.values()))))
        print(f"{notebook}, {len(functions)} functions; cold: {cpu:.2f} s CPU, {wall:.2f} s wall, {points:g} points")
        for label, namespace in spaces.items():
            runs = [timed(lambda: grade_all(functions, namespace)) for _ in range(repeat)]
            best = min(r[0] for r in runs)
            print(f"  warm, {label:12s}: best of {repeat} {best:.2f} s CPU, {min(r[1] for r in runs):.2f} s wall, "
                  f"{runs[0][2]:g} points{'' if best <= 2.0 else '  (over the 2 s target)'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--remote", action="store_true", help="call the functions in workers, as grading does")
    parser.add_argument("--assignment", action="append", choices=ASSIGNMENTS, help="only these notebooks")
    args = parser.parse_args()
    notebooks = {a: list(taught_in(a)) for a in args.assignment or ASSIGNMENTS}
    if args.remote:
        with remote_namespaces() as spaces:
            report(notebooks, spaces, args.repeat)
        return
    report(notebooks, namespaces(), args.repeat)


if __name__ == "__main__":
    main()
