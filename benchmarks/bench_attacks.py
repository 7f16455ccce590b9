"""What each attack family costs the grading process, next to an honest submission's cost, in one run.

    python benchmarks/bench_attacks.py [--assignment a1_deep_network] [--budget SECONDS] [--family NAME ...]

The families are the attack tests' (``tests/attacks.py``): each rewrites every graded function
(or every solution cell) of the assignment's notebook. This process plays the grading process:
it starts one sandboxed worker factory with the default limits (``--budget`` changes the
submission's wall time), grades an honest submission (the source's solutions), a blank one
(the release), then one submission of each family (its slow cells 15 s each: two 15-second
cells then crashes; more slow cells than the budget holds), one after another (after an unreported
warm-up: a grading process draws the checks' examples on its first submission), and last an
honest submission whose functions take 1 s a call (not an attack: what the budget is for),
and prints a table:
score, seconds, and the growth of this process's peak resident memory while grading it
(``VmHWM``, reset before each submission).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import tempfile
from pathlib import Path

from autograder.sandbox.bubblewrap import Limits
from autograder.sandbox.remote import WorkerFactory

REPO = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("attacks", REPO / "tests" / "attacks.py")
attacks = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(attacks)
FAMILIES = [*attacks.FAMILIES, *attacks.CELL_FAMILIES, *attacks.SLOW_HONEST]
#: The slow cells' seconds here: two 15-second cells then crashes; every cell 15 s (more than the budget in all).
CELL_SECONDS = 15.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default=attacks.ASSIGNMENT)
    parser.add_argument("--budget", type=float, default=Limits.submission_seconds, help="seconds per submission")
    parser.add_argument("--family", action="append", choices=FAMILIES, help="only these families (repeatable)")
    options = parser.parse_args()
    submissions = {"honest": attacks.honest(options.assignment), "blank": attacks.blank(options.assignment)}
    submissions |= {family: attacks.attacked(family, assignment=options.assignment,
                                             seconds=CELL_SECONDS if family in attacks.CELL_FAMILIES else None)
                    for family in options.family or FAMILIES}
    print(f"{options.assignment}, budget {options.budget:g} s, load average {os.getloadavg()[0]:.1f}\n")
    print("| submission | score | seconds | peak RSS growth (MB) |\n|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder, WorkerFactory(limits=Limits(submission_seconds=options.budget)) as factory:
        root = attacks.course(Path(folder), options.assignment)
        attacks.grade(factory, root, "warm-up", submissions["honest"], assignment=options.assignment)
        for name, nb in submissions.items():
            graded = attacks.grade(factory, root, name.replace(" ", "-").replace(",", ""), nb,
                                   assignment=options.assignment)
            print(f"| {name} | {graded.score:g} | {graded.seconds:.1f} | {graded.peak_mb:.0f} |", flush=True)


if __name__ == "__main__":
    main()
