"""The ``autograder`` command: a thin argparse layer over keyword-only library functions.

    autograder grade ASSIGNMENT [--student ID ...] [--jobs N] [--json PATH] [--force]
                     [--course DIR] [--insecure] [--dask ADDRESS]
    autograder release ASSIGNMENT [--course DIR] [--insecure]

Each sub-command is a ``add_<name>(subparsers)`` that sets ``func`` to its runner; the
runners import their pipeline lazily, so that ``--help`` is fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

#: Exit codes: 0 graded (each submission graded or reported with its reason); 2 nothing could be graded.
EXIT_OK, EXIT_CANNOT_GRADE = 0, 2
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
    grade.set_defaults(func=run_grade)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def run_grade(args: argparse.Namespace) -> int:
    from rich.console import Console

    from autograder.batch import grade_assignment, summary
    from autograder.course import CourseError

    try:
        batch = grade_assignment(course_dir=args.course, assignment=args.assignment, students=args.student,
                                 jobs=args.jobs, json_path=args.json, force=args.force,
                                 insecure=args.insecure, dask=args.dask)
    except CourseError as exc:
        print(f"autograder grade: {exc}", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    Console().print(summary(batch))
    return EXIT_OK


def add_release(subparsers: argparse._SubParsersAction) -> None:
    """``release``: nbgrader's release of an assignment, proven sound (``autograder.release``)."""
    release = subparsers.add_parser("release", help="release an assignment and prove the release sound",
                                    description="Regenerate dnn_helpers.py, run nbgrader generate_assignment, then "
                                                "check that the source earns full marks, the release zero, and that "
                                                "nothing secret leaked into release/ASSIGNMENT/.")
    release.add_argument("assignment", metavar="ASSIGNMENT")
    _course_options(release)
    release.set_defaults(func=run_release)


def _course_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--course", type=Path, default=None, metavar="DIR",
                         help="the course directory (default: the current directory)")
    command.add_argument("--insecure", action="store_true",
                         help="grade without the sandbox where it is unavailable (trusted notebooks only)")


def run_release(args: argparse.Namespace) -> int:
    from autograder.course import CourseError
    from autograder.release import ReleaseError, release, summary

    try:
        made = release(course_dir=args.course, assignment=args.assignment, insecure=args.insecure)
    except (CourseError, ReleaseError) as exc:
        print(f"autograder release: {exc}", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    print(summary(made))
    return EXIT_OK if not made.problems else EXIT_UNSOUND


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="autograder", description="Grade the course's notebooks safely.")
    subparsers = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_grade(subparsers)
    add_release(subparsers)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
