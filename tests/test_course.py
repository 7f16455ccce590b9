"""The course layout: finding the course, its assignments, helper files and submissions."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
import tiny_course as tc

from autograder import course
from autograder.course import CourseError


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tc.make_course(tmp_path)


def test_course_from_argument_or_cwd(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert course.find_course(root) == root.resolve()
    monkeypatch.chdir(root)
    assert course.find_course() == root.resolve()


def test_not_a_course_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="no source/ folder"):
        course.find_course(tmp_path)


def test_assignments_and_their_notebooks(root: Path) -> None:
    assert course.assignments(root) == ["a1", "a2"]
    assert course.source_notebooks(root, "a1") == {"a1": root / "source" / "a1" / "a1.ipynb"}


def test_unknown_assignment_lists_the_known_ones(root: Path) -> None:
    with pytest.raises(CourseError, match=r"no assignment 'a9'.*a1, a2"):
        course.source_notebooks(root, "a9")


def test_helper_files_come_from_the_release_when_there_is_one(root: Path) -> None:
    assert course.helper_files(root, "a1") == {"helpers.py": b"def power(x, n):\n    return x ** n\n"}
    (root / "release" / "a1").mkdir(parents=True)
    (root / "release" / "a1" / "helpers.py").write_bytes(b"released")
    (root / "release" / "a1" / "a1.ipynb").write_text("{}")
    assert course.helper_files(root, "a1") == {"helpers.py": b"released"}


def test_submission_with_timestamp(root: Path) -> None:
    tc.submit(root, "alice", "a1", tc.source_a2(), name="scratch")
    tc.submit(root, "alice", "a1", tc.source_a1(), timestamp=datetime.datetime(2026, 3, 4, 5, 6, 7))
    (root / "submitted" / "bob" / "a2").mkdir(parents=True)
    sub = course.submission(root, "alice", "a1")
    assert sorted(sub.notebooks) == ["a1", "scratch"]
    assert sub.timestamp == datetime.datetime(2026, 3, 4, 5, 6, 7)
    assert course.students(root) == ["alice", "bob"]
    assert course.submission(root, "bob", "a1").notebooks == {}


def test_timestamp_in_another_zone_is_converted_to_utc(root: Path) -> None:
    folder = root / "submitted" / "alice" / "a1"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-03-04 12:00:00.000000 Europe/Berlin")
    assert course.read_timestamp(folder) == datetime.datetime(2026, 3, 4, 11, 0, 0)
    (folder / "timestamp.txt").write_text("not a time")
    assert course.read_timestamp(folder) is None


def test_nbgrader_config_is_read(root: Path) -> None:
    assert course.nbgrader_config(root).CourseDirectory.course_id == "tiny"
    os.remove(root / "nbgrader_config.py")
    assert course.nbgrader_config(root) == {}


@pytest.mark.parametrize("text", ["2026-03-04 12:00:00.000000 Europe/Berlin", "2026-03-04 12:00:00.000000 UTC",
                                  "2026-03-04 12:00:00 3600", "2026-03-04 12:00:00", "2026-03-04T12:00:00+02:00",
                                  "2026-03-04 12:00:00.5 America/New_York", "2026-03-04"])
def test_timestamps_are_read_as_nbgrader_reads_them(text: str) -> None:
    from nbgrader.utils import parse_utc

    assert course.parse_utc(text) == parse_utc(text)
