"""``autograder demo``: the whole kit on a class of example students, in one command.

In a new folder (``--dir``, or a fresh one under the system's temporary directory; an earlier
demo's folder resumes it: the submissions graded before are not graded again) it copies
the course (``nbgrader_config.py``, ``source/``, ``release/``), then for every assignment:
releases it and proves the release sound (``autograder.staff.release``); generates a class of
example submissions (``autograder.staff.classgen``: correct, with catalogued mistakes, hostile,
broken) into ``submitted/``; grades it with the grading command's pipeline (gradebook,
feedback, stored results, JSON); writes the staff report and the exports. It prints what it
did and where to look. The infinite-loop student costs a whole cell time limit, so only the
first assignment's class has one.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from dnn_checks.graded import ASSIGNMENTS

from autograder.build.helpers_module import ROOT
from autograder.course import CourseError
from autograder.grading.batch import grade_assignment
from autograder.grading.results import StudentResult
from autograder.mistakes import CATALOG
from autograder.staff import class_report, classgen, exports
from autograder.staff.release import release, summary

#: What the demo copies from the kit's own course.
COURSE_FILES = ("nbgrader_config.py", "source", "release")
DEFAULT_STUDENTS = 14
SLOW_TRICK = ("hostile", "infinite-loop")
CATALOG_BY_ID = {m.id: m for m in CATALOG}


class Step(NamedTuple):
    """What the demo did for one assignment, and how long each part took (seconds)."""

    assignment: str
    sound: bool
    students: int
    mean: float
    max_score: float
    flagged: int
    seconds: dict[str, float]


def make_course(folder: Path | None, *, source: Path = ROOT) -> Path:
    """A copy of the kit's course in ``folder`` (empty or absent), or in a new temporary folder; an earlier
    demo's folder is used as it is (the demo resumes: what was graded and has not changed is not graded again)."""
    root = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="autograder-demo-"))
    if root.exists() and any(root.iterdir()):
        if not all((root / name).exists() for name in COURSE_FILES):
            raise CourseError(f"{root} is not empty and holds no earlier demo: give the demo a new folder (--dir), "
                              "an earlier demo's folder, or none")
        return root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        copy = shutil.copytree if (source / name).is_dir() else shutil.copy
        copy(source / name, root / name)
    for junk in root.rglob(".hypothesis"):
        shutil.rmtree(junk)
    return root.resolve()


def make_students(root: Path, assignment: str, *, size: int, first: bool) -> list[classgen.Student]:
    """The assignment's example class in ``submitted/``, described in ``class/<assignment>.json``."""
    special = classgen.SPECIAL if first else tuple(s for s in classgen.SPECIAL if s != SLOW_TRICK)
    notebook = f"{assignment}.ipynb"
    students = classgen.make_class(root / "source" / assignment / notebook, root / "release" / assignment / notebook,
                                   size=size, special=special, gradebook=root / "gradebook.db")
    classgen.submit_class(root, assignment, students)
    (root / "class").mkdir(exist_ok=True)
    (root / "class" / f"{assignment}.json").write_text(classgen.manifest(students))
    return students


def run_assignment(root: Path, assignment: str, *, size: int, first: bool, insecure: bool, jobs: int | None,
                   say: Callable[[str], None]) -> Step:
    """Release, make the class, grade, report and export one assignment, saying each step."""
    clock = _Clock()
    made = release(course_dir=root, assignment=assignment, insecure=insecure, jobs=jobs)
    say(f"  release  {clock.lap('release'):5.0f} s  {summary(made)}")
    students = make_students(root, assignment, size=size, first=first)
    say(f"  class             {_composition(students)} -> submitted/*/{assignment}/, class/{assignment}.json")
    batch = grade_assignment(course_dir=root, assignment=assignment, jobs=jobs, insecure=insecure,
                             json_path=root / "grades" / f"{assignment}.json")
    results = {o.student: o.result for o in batch.outcomes}
    flagged = sum(bool(class_report.flags(r)) for r in results.values())
    top = max((r.max_score for r in results.values()), default=0.0)
    mean = sum(r.score for r in results.values()) / max(len(results), 1)
    say(f"  grade    {clock.lap('grade'):5.0f} s  {len(results)} students, mean {mean:.1f} / {top:g}, "
        f"{flagged} to look at -> feedback/, grades/{assignment}.json, gradebook.db")
    named, injected = diagnosed(students, results)
    say(f"  diagnosis         {named} of the {injected} mistakes put in the class were named by the hidden checks")
    class_report.write(root, assignment)
    exports.write_csv(root, assignment, root / "exports" / f"{assignment}.csv")
    exports.write_gradescope(root, assignment, root / "exports" / "gradescope" / assignment)
    say(f"  report   {clock.lap('report'):5.0f} s  reports/{assignment}.html, exports/{assignment}.csv, "
        f"exports/gradescope/{assignment}/<student>/results.json")
    return Step(assignment, not made.problems, len(results), mean, top, flagged, clock.laps)


def diagnosed(students: list[classgen.Student], results: dict[str, StudentResult]) -> tuple[int, int]:
    """How many of the catalogued mistakes put in the class the grader's diagnosis named, and how many there were."""
    injected = [(s.name, CATALOG_BY_ID[m]) for s in students if s.kind == "mistakes" for m in s.what.split(", ")]
    named = [(student, m) for student, m in injected if student in results and class_report.names(results[student], m)]
    return len(named), len(injected)


class _Clock:
    def __init__(self) -> None:
        self.start, self.laps = time.perf_counter(), {}

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        self.laps[name], self.start = now - self.start, now
        return self.laps[name]


def _composition(students: list[classgen.Student]) -> str:
    kinds = {kind: sum(s.kind == kind for s in students) for kind in ("correct", "mistakes", "hostile", "broken")}
    return f"{len(students)} students: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items())


def demo(*, folder: Path | None = None, students: int = DEFAULT_STUDENTS, assignments: Sequence[str] = ASSIGNMENTS,
         insecure: bool = False, jobs: int | None = None,
         say: Callable[[str], None] = print) -> tuple[Path, list[Step]]:
    """Run the demo; return the course folder and what was done for each assignment."""
    began = time.perf_counter()
    root = make_course(folder)
    say(f"Demo course: {root}")
    steps = []
    for number, assignment in enumerate(assignments, start=1):
        say(f"[{number}/{len(assignments)}] {assignment}")
        steps.append(run_assignment(root, assignment, size=students, first=number == 1, insecure=insecure,
                                    jobs=jobs, say=say))
    say(where_to_look(root, steps, time.perf_counter() - began))
    return root, steps


def where_to_look(root: Path, steps: list[Step], seconds: float) -> str:
    """The closing message: what to open first, and the commands that work on the demo course."""
    first = steps[0].assignment if steps else "ASSIGNMENT"
    unsound = [s.assignment for s in steps if not s.sound]
    lines = [f"\nDone in {seconds:.0f} s." + (f" UNSOUND releases: {', '.join(unsound)} (see above)." if unsound else
                                               " Every release is sound."),
             "Where to look:",
             f"  {root}/reports/{first}.html   the staff report (open it in a browser)",
             f"  {root}/feedback/<student>/{first}/{first}.html   what each student sees",
             f"  {root}/class/{first}.json   what each example submission holds (compare with the report)",
             f"  {root}/exports/   per-cell CSV and Gradescope results.json",
             f"Try: cd {root} && autograder grade {first}   (a rerun regrades nothing unchanged)",
             f"     cd {root} && nbgrader export   (the gradebook has every score)"]
    return "\n".join(lines)
