"""The layout of an nbgrader course directory: assignments, source notebooks, submissions.

    <course>/nbgrader_config.py
    <course>/source/<assignment>/<notebook>.ipynb       instructor versions
    <course>/release/<assignment>/                      student versions and helper files
    <course>/submitted/<student>/<assignment>/*.ipynb   submissions (+ nbgrader's timestamp.txt)
"""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from traitlets.config import Config


class CourseError(Exception):
    """The course or the assignment cannot be found (or nbgrader cannot release it): nothing can be graded."""


class Submission(NamedTuple):
    """One student's folder for one assignment; ``notebooks`` maps a notebook name to its path."""

    student: str
    assignment: str
    folder: Path
    notebooks: dict[str, Path]
    timestamp: datetime.datetime | None


def find_course(course: Path | None = None) -> Path:
    """The course directory: ``course`` if given, else the current directory; it must hold ``source/``."""
    root = Path(course if course is not None else os.getcwd()).resolve()
    if not (root / "source").is_dir():
        where = f"--course {course}" if course is not None else f"the current directory ({root})"
        raise CourseError(f"{where} is not an nbgrader course: it has no source/ folder "
                          "(run from the course directory or pass --course DIR)")
    return root


def assignments(root: Path) -> list[str]:
    """The assignments of the course: the folders of ``source/`` that hold a notebook."""
    return sorted(p.name for p in (root / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def source_notebooks(root: Path, assignment: str) -> dict[str, Path]:
    """``{notebook name without .ipynb: path}`` of the assignment's instructor versions."""
    if assignment not in assignments(root):
        known = ", ".join(assignments(root)) or "none"
        raise CourseError(f"no assignment {assignment!r} in {root / 'source'} (assignments: {known})")
    return _notebooks_in(root / "source" / assignment)


def helper_files(root: Path, assignment: str) -> dict[str, bytes]:
    """The non-notebook files released with the assignment (the helper module), by name.

    Read from ``release/<assignment>/``, or from ``source/<assignment>/`` before a release.
    """
    released = root / "release" / assignment
    folder = released if released.is_dir() else root / "source" / assignment
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix != ".ipynb" and not p.name.startswith(".")}


def students(root: Path) -> list[str]:
    """Every student with a folder in ``submitted/``."""
    submitted = root / "submitted"
    return sorted(p.name for p in submitted.iterdir() if p.is_dir()) if submitted.is_dir() else []


def submission(root: Path, student: str, assignment: str) -> Submission:
    """The student's submission folder of the assignment (its notebooks may be none)."""
    folder = root / "submitted" / student / assignment
    notebooks = _notebooks_in(folder) if folder.is_dir() else {}
    return Submission(student, assignment, folder, notebooks, read_timestamp(folder))


def read_timestamp(folder: Path) -> datetime.datetime | None:
    """nbgrader's ``timestamp.txt`` of a submission as a naive UTC datetime (None if absent or unreadable)."""
    path = folder / "timestamp.txt"
    try:
        return parse_utc(path.read_text().strip())
    except (OSError, ValueError, OverflowError):
        return None


def parse_utc(text: str) -> datetime.datetime:
    """``nbgrader.utils.parse_utc`` of a string, which it equals (a test compares them): a time, with an optional
    zone name or offset in seconds after a second space, as a naive UTC datetime. Not imported from nbgrader:
    its package imports its Jupyter server extensions first, seconds before a single submission could start.
    """
    import dateutil.parser
    import dateutil.tz

    parts = text.split(" ")
    if len(parts) == 3:
        try:
            zone: int | datetime.tzinfo | None = int(parts[2])
        except ValueError:
            zone = dateutil.tz.gettz(parts[2])
        stamp = dateutil.parser.parse(" ".join([*parts[:2], "TZ"]), tzinfos={"TZ": zone})
    else:
        stamp = dateutil.parser.parse(text)
    return (stamp - stamp.utcoffset()).replace(tzinfo=None) if stamp.tzinfo is not None else stamp


def nbgrader_config(root: Path) -> Config:
    """The course's ``nbgrader_config.py`` as a traitlets Config (empty when there is none)."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    if not (root / "nbgrader_config.py").is_file():
        return Config()
    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()


def copy_assignment(course: Path, root: Path, assignment: str) -> Path:
    """A new course at ``root`` holding only ``course``'s source and release of the assignment and its config."""
    for folder in ("source", "release"):
        shutil.copytree(course / folder / assignment, root / folder / assignment)
    shutil.copy(course / "nbgrader_config.py", root)
    return root


def _notebooks_in(folder: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(folder.glob("*.ipynb")) if p.is_file()}
