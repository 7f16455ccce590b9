"""The ``autograder`` command: a thin argparse layer over keyword-only library functions.

    autograder grade ASSIGNMENT [--student ID ...] [--jobs N] [--json PATH] [--force]
                     [--course DIR] [--insecure] [--dask ADDRESS] [--budget SECONDS]
    autograder release ASSIGNMENT [--course DIR] [--insecure]
    autograder report ASSIGNMENT [--output PATH] [--course DIR]
    autograder export [ASSIGNMENT] [--csv PATH] [--gradescope DIR] [--canvas PATH] [--course DIR]
    autograder gradescope ASSIGNMENT [-o ZIP] [--hidden-visibility after_due_date|hidden] [--course DIR] [--insecure]
    autograder demo [--dir DIR] [--students N] [--assignment NAME ...] [--jobs N] [--insecure]

Each sub-command is a ``add_<name>(subparsers)`` that sets ``func`` to its runner; the
runners import their pipeline lazily, so that ``--help`` is fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from autograder.sandbox.bubblewrap import Limits

#: Exit codes: 0 graded (each submission graded or reported with its reason); 2 nothing could be graded;
#: 130 interrupted (Ctrl-C): a rerun grades the rest.
EXIT_OK, EXIT_CANNOT_GRADE, EXIT_INTERRUPTED = 0, 2, 130
#: ``release`` exit code when the release was made but is not sound (the problems are listed).
EXIT_UNSOUND = 1


def add_grade(subparsers: argparse._SubParsersAction) -> None:
    """``grade``: CONTRACT.md section 4."""
    grade = subparsers.add_parser("grade", help="grade the submissions of an assignment",
                                  description="Grade submitted/<student>/ASSIGNMENT/ into the gradebook.")
    grade.add_argument("assignment", metavar="ASSIGNMENT")
    grade.add_argument("--student", action="extend", nargs="+", default=[], metavar="ID",
                       help="grade only these students")
    grade.add_argument("--jobs", type=_positive, default=None, metavar="N",
                       help="grading processes (default: the number of cores)")
    grade.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the grades as JSON")
    grade.add_argument("--force", action="store_true", help="regrade submissions already graded")
    grade.add_argument("--course", type=Path, default=None, metavar="DIR",
                       help="the course directory (default: the current directory)")
    grade.add_argument("--insecure", action="store_true",
                       help="grade without the sandbox where it is unavailable (trusted submissions only)")
    grade.add_argument("--dask", default=None, metavar="ADDRESS",
                       help="spread the submissions over the Dask cluster at ADDRESS")
    grade.add_argument("--budget", type=_positive, default=None, metavar="SECONDS",
                       help="wall time per submission: its cells, calls and replays together "
                            f"(default {Limits.submission_seconds:g})")
    grade.set_defaults(func=run_grade)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def run_grade(args: argparse.Namespace) -> int:
    from rich.console import Console

    from autograder.grading.batch import grade_assignment, summary

    try:
        batch = grade_assignment(course_dir=args.course, assignment=args.assignment, students=args.student,
                                 jobs=args.jobs, json_path=args.json, force=args.force,
                                 insecure=args.insecure, dask=args.dask, budget=args.budget)
    except KeyboardInterrupt:
        print("autograder grade: interrupted; the grades recorded so far are kept, "
              "run the command again to grade the rest", file=sys.stderr)
        return EXIT_INTERRUPTED
    Console().print(summary(batch))
    if (batch.root / "reports" / f"{args.assignment}.html").is_file():  # a report written before follows the grades
        from autograder.staff.class_report import write

        print(f"{write(batch.root, args.assignment)}: updated")
    return EXIT_OK


def add_release(subparsers: argparse._SubParsersAction) -> None:
    """``release``: nbgrader's release of an assignment, proven sound (``autograder.staff.release``)."""
    release = subparsers.add_parser("release", help="release an assignment and prove the release sound",
                                    description="Regenerate dnn_helpers.py, run nbgrader generate_assignment, then "
                                                "check that the source earns full marks, the release zero, and that "
                                                "nothing secret leaked into release/ASSIGNMENT/.")
    release.add_argument("assignment", metavar="ASSIGNMENT")
    _course_options(release)
    release.epilog = ("The gate: every catalogued mistake of the assignment's functions, planted in an otherwise "
                      "correct notebook, must lose points and be named.")
    release.set_defaults(func=run_release)


def _course_options(command: argparse.ArgumentParser, *,
                    insecure: str = "grade without the sandbox where it is unavailable (trusted notebooks only)") -> None:
    command.add_argument("--course", type=Path, default=None, metavar="DIR",
                         help="the course directory (default: the current directory)")
    command.add_argument("--insecure", action="store_true", help=insecure)


def run_release(args: argparse.Namespace) -> int:
    from autograder.staff.release import release, summary

    made = release(course_dir=args.course, assignment=args.assignment, insecure=args.insecure)
    print(summary(made))
    return EXIT_OK if not made.problems else EXIT_UNSOUND


def add_report(subparsers: argparse._SubParsersAction) -> None:
    """``report``: the staff's HTML page on an assignment's grades (``autograder.staff.class_report``)."""
    command = subparsers.add_parser("report", help="write the staff's HTML report of an assignment's grades",
                                    description="One self-contained HTML page: score distribution, pass rates, "
                                                "diagnosed mistakes, grading times, submissions to look at.")
    command.add_argument("assignment", metavar="ASSIGNMENT")
    command.add_argument("--output", type=Path, default=None, metavar="PATH",
                         help="where to write it (default: reports/ASSIGNMENT.html in the course)")
    command.add_argument("--course", type=Path, default=None, metavar="DIR",
                         help="the course directory (default: the current directory)")
    command.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    from autograder.staff.class_report import write

    print(write(_assignment_course(args), args.assignment, args.output))
    return EXIT_OK


def add_export(subparsers: argparse._SubParsersAction) -> None:
    """``export``: the stored grades per cell as CSV, or as Gradescope results (``autograder.staff.exports``)."""
    command = subparsers.add_parser("export", help="export grades: per cell (CSV), for Gradescope, or for Canvas",
                                    description="Export the grades stored by `autograder grade`.")
    command.add_argument("assignment", metavar="ASSIGNMENT", nargs="?", default=None,
                         help="the assignment (--csv and --gradescope need it; --canvas takes every assignment)")
    command.add_argument("--csv", type=Path, default=None, metavar="PATH", help="one row per student and graded cell")
    command.add_argument("--canvas", type=Path, default=None, metavar="PATH",
                         help="Canvas's gradebook CSV: one row per student, one column per assignment")
    command.add_argument("--gradescope", type=Path, default=None, metavar="DIR",
                         help="write DIR/<student>/results.json in Gradescope's autograder format")
    command.add_argument("--course", type=Path, default=None, metavar="DIR",
                         help="the course directory (default: the current directory)")
    command.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    from autograder.course import find_course
    from autograder.staff.exports import write_canvas, write_csv, write_gradescope

    if args.csv is None and args.gradescope is None and args.canvas is None:
        print("autograder export: give --csv PATH, --gradescope DIR, --canvas PATH, or several", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    if args.assignment is None and (args.csv or args.gradescope):
        print("autograder export: --csv and --gradescope export one assignment: name it", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    root = _assignment_course(args) if args.assignment else find_course(args.course)
    if args.csv is not None:
        print(f"{args.csv}: {write_csv(root, args.assignment, args.csv)} rows")
    if args.gradescope is not None:
        print(f"{args.gradescope}: {len(write_gradescope(root, args.assignment, args.gradescope))} results.json")
    if args.canvas is not None:
        print(f"{args.canvas}: {write_canvas(root, args.canvas)} students")
    return EXIT_OK


def add_gradescope(subparsers: argparse._SubParsersAction) -> None:
    """``gradescope``: the autograder zip for Gradescope's "Configure Autograder" page (``autograder.staff.gradescope``)."""
    command = subparsers.add_parser("gradescope", help="build the autograder zip for Gradescope",
                                    description="Write a zip with setup.sh, run_autograder, the kit and the course's "
                                                "source notebooks: upload it on Gradescope's Configure Autograder page.")
    command.add_argument("assignment", metavar="ASSIGNMENT")
    command.add_argument("-o", "--output", type=Path, default=Path("autograder.zip"), metavar="ZIP",
                         help="where to write it (default: autograder.zip)")
    command.add_argument("--hidden-visibility", choices=("after_due_date", "hidden"), default="after_due_date",
                         help="when students see the hidden checks' results (default: after_due_date)")
    _course_options(command, insecure="grade without the sandbox where Gradescope's container cannot start it")
    command.set_defaults(func=run_gradescope)


def run_gradescope(args: argparse.Namespace) -> int:
    from autograder.staff.gradescope import build

    path = build(_assignment_course(args), args.assignment, args.output, hidden=args.hidden_visibility,
                 insecure=args.insecure)
    print(f"{path}: upload it on Gradescope's Configure Autograder page")
    return EXIT_OK


def add_demo(subparsers: argparse._SubParsersAction) -> None:
    """``demo``: the kit end to end on example students (``autograder.staff.demo``)."""
    command = subparsers.add_parser("demo", help="release, grade and report a class of example students",
                                    description="Copy the course to a new folder, release every assignment (proven "
                                                "sound), generate example submissions (correct, with mistakes, "
                                                "hostile, broken), grade them, write feedback, reports and exports.")
    command.add_argument("--dir", type=Path, default=None, metavar="DIR",
                         help="a new or empty folder for the demo course, or an earlier demo's to resume it "
                              "(default: a new temporary folder)")
    command.add_argument("--students", type=_positive, default=None, metavar="N",
                         help="students per assignment (default: 14)")
    command.add_argument("--assignment", action="extend", nargs="+", default=[], metavar="NAME",
                         help="only these assignments (default: all four)")
    command.add_argument("--jobs", type=_positive, default=None, metavar="N",
                         help="grading processes (default: the number of cores)")
    command.add_argument("--insecure", action="store_true",
                         help="grade without the sandbox where it is unavailable (the hostile examples run unconfined)")
    command.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from dnn_checks.graded import ASSIGNMENTS

    from autograder.staff.demo import DEFAULT_STUDENTS, demo

    _, steps = demo(folder=args.dir, students=args.students or DEFAULT_STUDENTS,
                    assignments=args.assignment or ASSIGNMENTS, insecure=args.insecure, jobs=args.jobs)
    return EXIT_OK if all(step.sound for step in steps) else EXIT_UNSOUND


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="autograder", description="Grade the course's notebooks safely.")
    subparsers = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_grade(subparsers)
    add_release(subparsers)
    add_report(subparsers)
    add_export(subparsers)
    add_gradescope(subparsers)
    add_demo(subparsers)
    return top


def _assignment_course(args: argparse.Namespace) -> Path:
    """The course of ``--course`` (or the current directory), once its assignment is known to exist."""
    from autograder.course import find_course, source_notebooks

    root = find_course(args.course)
    source_notebooks(root, args.assignment)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; a course or assignment that cannot be found (``CourseError``) exits 2, saying why."""
    args = parser().parse_args(argv)
    from autograder.course import CourseError

    try:
        return args.func(args)
    except CourseError as exc:
        print(f"autograder {args.command}: {exc}", file=sys.stderr)
        return EXIT_CANNOT_GRADE


if __name__ == "__main__":
    sys.exit(main())
