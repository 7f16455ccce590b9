"""Grade a generated class with `autograder grade` and with `nbgrader autograde`, on this machine, in one run.

    python benchmarks/bench_grading.py [--assignment a1_deep_network] [--students 60]
                                       [--nbgrader-students 4] [--profile-students 12] [--jobs N]

The class is made from the course's own notebooks (``autograder.staff.classgen``, the demo's generator,
without hostile or broken students): a third correct, two thirds with catalogued mistakes. In one run:

1. **cold start**: `autograder grade --student S` of one student of the class in a new course copy (a
   new gradebook), as Gradescope runs it: seconds from the command to its results, with an empty
   examples cache (nothing cached), then with the one that run filled (``autograder.grading.examples``);
2. **profile**: the first ``--profile-students`` graded one after another in this process, as one
   grading process grades them (``grading_phases``): where each notebook's time goes, phase by phase,
   and the checks' own CPU time (the test cells less their calls' round trips);
3. **the class**: `autograder grade --jobs N` of every student, ``--class-runs`` times (regraded with ``--force``;
   the median run counts, the others are listed), and `nbgrader autograde` (which runs
   every cell, the training and plotting cells included, one notebook after another, so its rate does
   not depend on the class size) of the first ``--nbgrader-students``; whether both give every cell
   the same score.

Reported as JSON: seconds per notebook, the ratios to nbgrader and to the checks' CPU time, the load.
Targets (issue 14): at most 0.4 s per notebook with ``--jobs 2`` on 2 cores, the same grades as
nbgrader; a single submission's cold start under 10 s.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grading_phases import profile, table  # noqa: E402

from autograder.course import copy_assignment  # noqa: E402
from autograder.grading.gradebook import auto_scores  # noqa: E402
from autograder.staff.classgen import Student, make_class, submit_class  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path, **env: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, its processes included) of ``command``, which must succeed."""
    began, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**_env(), **env})
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


def cold_start(assignment: str, student: Student, work: Path) -> dict[str, float]:
    """Seconds of `autograder grade --student` of one submission in a new course copy (no gradebook yet): with
    nothing cached (a new, empty examples cache), then with the examples cache that run filled (as on a
    grading machine, or a Gradescope image, after its first grading)."""
    seconds = {}
    for run in ("nothing_cached", "examples_cached"):
        course = copy_assignment(REPO, work / run, assignment)
        submit_class(course, assignment, [student])
        seconds[run] = timed([str(BIN / "autograder"), "grade", assignment, "--student", student.name], course,
                             XDG_CACHE_HOME=str(work / "cache"))[0]
    return seconds


def phases(assignment: str, students: list[Student], work: Path) -> dict[str, object]:
    """Each phase's mean milliseconds per notebook over ``students`` graded in this process (the first,
    which draws the examples, apart), and the seconds its sandbox took to start."""
    course = copy_assignment(REPO, work / "profile", assignment)
    submit_class(course, assignment, students)
    started, notebooks = profile(course, assignment, [s.name for s in students])
    return {"sandbox_start_seconds": started, "first_notebook_seconds": notebooks[0].wall,
            "phases": table(notebooks[1:])}


def run(assignment: str, size: int, nb_size: int, jobs: int, profiled: int, work: Path,
        class_runs: int = 3) -> dict[str, object]:
    """Cold start, phases, then the class both ways: the rates, the CPU time per notebook and the differences."""
    load_before = os.getloadavg()[0]
    students = make_class(REPO / "source" / assignment / f"{assignment}.ipynb",
                          REPO / "release" / assignment / f"{assignment}.ipynb", size=size, special=())
    cold = cold_start(assignment, students[0], work)
    profiled_phases = phases(assignment, students[:profiled], work)
    checks_cpu = next(row["cpu_ms"] for row in profiled_phases["phases"] if row["phase"].startswith("the checks")) / 1e3
    ours = copy_assignment(REPO, work / "ours", assignment)
    theirs = copy_assignment(REPO, work / "nbgrader", assignment)
    submit_class(ours, assignment, students)
    submit_class(theirs, assignment, students[:nb_size])
    grade = [str(BIN / "autograder"), "grade", assignment, "--jobs", str(jobs), "--json", str(ours / "grades.json")]
    runs = [timed(grade + (["--force"] if i else []), ours) for i in range(class_runs)]
    ours_s, ours_cpu = sorted(runs)[len(runs) // 2]  # the median run (the machine's noise is +-15% run to run)
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"], cwd=theirs,
                   check=True, capture_output=True, env=_env())
    theirs_s, theirs_cpu = timed([str(BIN / "nbgrader"), "autograde", assignment, "--force"], theirs)
    names = [s.name for s in students[:nb_size]]
    differences = compare(our_scores(ours / "grades.json", assignment, names),
                          auto_scores(theirs, assignment, assignment, names))
    per_notebook = ours_s / size
    return {"assignment": assignment, "students": size, "jobs": jobs,
            "load_average_before": load_before, "load_average_after": os.getloadavg()[0],
            "cold_start_seconds": cold, **profiled_phases, "checks_cpu_seconds_per_notebook": checks_cpu,
            "autograder_seconds": ours_s, "autograder_seconds_per_notebook": per_notebook,
            "autograder_seconds_per_notebook_runs": [round(s / size, 3) for s, _ in runs],
            "autograder_cpu_seconds_per_notebook": ours_cpu / size,
            "nbgrader_students": nb_size, "nbgrader_seconds_per_notebook": theirs_s / nb_size,
            "nbgrader_cpu_seconds_per_notebook": theirs_cpu / nb_size,
            "speedup": (theirs_s / nb_size) / per_notebook,
            "cpu_speedup": (theirs_cpu / nb_size) / (ours_cpu / size),
            "seconds_per_notebook_over_checks_cpu": per_notebook / checks_cpu,
            "same_grades": not differences, "differences": differences}


def compare(mine: dict[str, dict[str, float]], theirs: dict[str, dict[str, float]]) -> dict[str, dict]:
    """``{student: {cell: (ours, nbgrader's)}}`` for every cell scored differently."""
    differ = {s: {g: (mine[s].get(g), theirs[s].get(g)) for g in set(mine[s]) | set(theirs[s])
                  if mine[s].get(g) != theirs[s].get(g)} for s in mine}
    return {s: d for s, d in differ.items() if d}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="a1_deep_network")
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--nbgrader-students", type=int, default=4)
    parser.add_argument("--profile-students", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--class-runs", type=int, default=3,
                        help="times the class is graded (the first time, then regraded with --force); the median counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as work:
        result = run(args.assignment, args.students, min(args.nbgrader_students, args.students), args.jobs,
                     min(args.profile_students, args.students), Path(work), args.class_runs)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
