"""Grade a generated class with `autograder grade` and with `nbgrader autograde`, on this machine, in one run.

    python benchmarks/bench_grading.py [--assignment a1_deep_network] [--students 100]
                                       [--nbgrader-students 10] [--jobs N]

The class is made from the course's own notebooks (``autograder.staff.classgen``, the demo's generator,
without hostile or broken students): a third correct, two thirds with catalogued mistakes.
`autograder grade` grades all of them;
`nbgrader autograde`, which runs every cell of every notebook as a TA using it would (the
training and plotting cells included), grades the first ``--nbgrader-students`` of them
(it grades one notebook after another, so its rate does not depend on the class size).
Reported: notebooks per second of each, their ratio, seconds per notebook, and whether
the two give the same score to every cell of the students both graded.
Targets: at least 10x faster than nbgrader autograde, the same grades, under 1 s per notebook on 2 cores.

Measured (a1_deep_network, 100 students of autograder.staff.classgen, --jobs 2, on the shared 2-core machine at
load average 3.5-4.4): autograder 146 s (1.46 s and 0.86 CPU-s per notebook); nbgrader autograde 26.9 s
(18.5 CPU-s) per notebook over 10 of them: 18x faster in wall time, 22x in CPU time, the same score in every cell.
On the idle machine (load average 0.2 before, 1.4 during; --students 60 --nbgrader-students 4): autograder
39 s (0.65 s and 0.82 CPU-s per notebook); nbgrader autograde 9.9 s per notebook: 15x faster, the same grades.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.course import copy_assignment
from autograder.grading.gradebook import auto_scores
from autograder.staff.classgen import make_class, submit_class

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, its processes included) of ``command``, which must succeed."""
    began, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    return time.perf_counter() - began, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def our_scores(path: Path, notebook: str, students: list[str]) -> dict[str, dict[str, float]]:
    data = json.loads(path.read_text())["students"]
    return {s: {gid: c["score"] for gid, c in data[s]["notebooks"][notebook]["cells"].items()
                if c["status"] != "manual"} for s in students}


def run(assignment: str, size: int, nb_size: int, jobs: int, work: Path) -> dict[str, object]:
    """Grade the class both ways; the rates, the CPU time per notebook and the differences."""
    students = make_class(REPO / "source" / assignment / f"{assignment}.ipynb",
                          REPO / "release" / assignment / f"{assignment}.ipynb", size=size, special=())
    ours = copy_assignment(REPO, work / "ours", assignment)
    theirs = copy_assignment(REPO, work / "nbgrader", assignment)
    submit_class(ours, assignment, students)
    submit_class(theirs, assignment, students[:nb_size])
    ours_s, ours_cpu = timed([str(BIN / "autograder"), "grade", assignment, "--jobs", str(jobs),
                              "--json", str(ours / "grades.json")], ours)
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"], cwd=theirs,
                   check=True, capture_output=True, env=_env())
    theirs_s, theirs_cpu = timed([str(BIN / "nbgrader"), "autograde", assignment, "--force"], theirs)
    names = [s.name for s in students[:nb_size]]
    differences = compare(our_scores(ours / "grades.json", assignment, names),
                          auto_scores(theirs, assignment, assignment, names))
    return {"assignment": assignment, "students": size, "jobs": jobs, "load_average": os.getloadavg()[0],
            "autograder_seconds": ours_s, "autograder_notebooks_per_second": size / ours_s,
            "autograder_seconds_per_notebook": ours_s / size, "autograder_cpu_seconds_per_notebook": ours_cpu / size,
            "nbgrader_students": nb_size, "nbgrader_seconds": theirs_s,
            "nbgrader_notebooks_per_second": nb_size / theirs_s,
            "nbgrader_cpu_seconds_per_notebook": theirs_cpu / nb_size,
            "speedup": (size / ours_s) / (nb_size / theirs_s),
            "cpu_speedup": (theirs_cpu / nb_size) / (ours_cpu / size),
            "same_grades": not differences, "differences": differences}


def compare(mine: dict[str, dict[str, float]], theirs: dict[str, dict[str, float]]) -> dict[str, dict]:
    """``{student: {cell: (ours, nbgrader's)}}`` for every cell scored differently."""
    differ = {s: {g: (mine[s].get(g), theirs[s].get(g)) for g in set(mine[s]) | set(theirs[s])
                  if mine[s].get(g) != theirs[s].get(g)} for s in mine}
    return {s: d for s, d in differ.items() if d}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="a1_deep_network")
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--nbgrader-students", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as work:
        result = run(args.assignment, args.students, min(args.nbgrader_students, args.students), args.jobs, Path(work))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
