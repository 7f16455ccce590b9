"""Resumability: one result file per graded submission, written atomically.

``<course>/.autograder/results/<assignment>/<student>.json`` holds the submission's content
hash, the grader version and the result (``StudentResult.as_dict``). A submission whose
content and grader version both match its file is not graded again; anything else (no file,
a half-written or corrupt one, a changed notebook, changed checks) is graded. The version is a hash of the
code that decides grades (``autograder``, ``dnn_checks``, ``reference``) and of the
assignment's source and helper files, so editing a check regrades everyone. What the machine keeps for
the kit outside any course (drawn examples, matplotlib's font list) is under :func:`kit_cache`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder.course import Submission

if TYPE_CHECKING:  # the results import the checks (a second of CPU), not needed to decide what to grade
    from autograder.grading.results import StudentResult

#: The packages whose code decides a grade.
GRADING_PACKAGES = ("autograder", "dnn_checks", "reference")
#: Files of those packages that count (code and stored expected values).
GRADING_SUFFIXES = {".py", ".json", ".npz", ".npy"}


def kit_cache() -> Path:
    """What this machine keeps for the kit between runs, outside any course: ``$XDG_CACHE_HOME/dnn-course-kit``
    (the checks' drawn examples, matplotlib's font list)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dnn-course-kit"


def results_dir(root: Path, assignment: str) -> Path:
    return root / ".autograder" / "results" / assignment


def grader_version(root: Path, assignment: str) -> str:
    """A hash of the grading packages' files and of ``source/<assignment>/``."""
    files = [f for package in GRADING_PACKAGES for f in _package_files(package)]
    files += sorted(p for p in (root / "source" / assignment).rglob("*") if p.is_file())
    return _digest((str(p.name), p.read_bytes()) for p in files)


def _package_files(package: str) -> list[Path]:
    spec = importlib.util.find_spec(package)
    folders = list(spec.submodule_search_locations or []) if spec else []
    return sorted(p for folder in folders for p in Path(folder).rglob("*")
                  if p.suffix in GRADING_SUFFIXES and "__pycache__" not in p.parts)


def content_hash(submission: Submission) -> str:
    """A hash of the submitted notebooks (names and bytes) and of nbgrader's timestamp."""
    parts = [(name, path.read_bytes()) for name, path in sorted(submission.notebooks.items())]
    stamp = submission.timestamp.isoformat() if submission.timestamp else ""
    return _digest([*parts, ("timestamp", stamp.encode())])


def _digest(parts: Iterable[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    for name, data in parts:
        h.update(name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def load(root: Path, assignment: str, student: str, *, version: str, content: str) -> StudentResult | None:
    """The stored result if it was made by ``version`` from ``content``, else None."""
    stored = _read(results_dir(root, assignment) / f"{student}.json")
    if stored is None or (stored.get("version"), stored.get("content")) != (version, content):
        return None
    return _result(stored)


def load_all(root: Path, assignment: str) -> dict[str, StudentResult]:
    """The stored result of every graded student of ``assignment``, by student, whatever made it
    (a half-written or unreadable file is left out: the next grading run replaces it)."""
    found = {path.stem: _result(_read(path)) for path in sorted(results_dir(root, assignment).glob("*.json"))}
    return {student: result for student, result in found.items() if result is not None}


def _read(path: Path) -> dict[str, Any] | None:
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) else None


def _result(stored: dict[str, Any] | None) -> StudentResult | None:
    from autograder.grading.results import StudentResult

    if stored is None:
        return None
    try:
        return StudentResult.from_dict(stored["result"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def save(root: Path, assignment: str, student: str, result: StudentResult, *, version: str, content: str) -> None:
    """Write the student's result file (atomically), compact: indented JSON is written by Python's slow encoder,
    not its C one (40 ms per notebook of the grading command's own process)."""
    data = json.dumps({"version": version, "content": content, "result": result.as_dict()}, separators=(",", ":"))
    write_atomic(results_dir(root, assignment) / f"{student}.json", data)


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new one, never a part of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes it 0600: feedback pages and reports are read by others
        with os.fdopen(fd, "wb" if isinstance(text, bytes) else "w") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
