"""A class of example submissions made from the course's own notebooks (benchmarks, demos, tests).

A submission starts from the released notebook, as a student's does, with every solution
cell filled in from the source notebook. A correct student hands that in; a student with
mistakes also has one to three solution cells changed by a common mistake (a forgotten
``/ m``, ``keepdims=False``, the wrong He scale, ...) where the cell's code allows it, or
left unfinished (as released) where none applies.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbformat import NotebookNode

#: Common mistakes as text edits of a solution cell: (old, new, what the student did).
MISTAKES = (
    ("cache > 0", "cache >= 0", "relu_backward passes the gradient where Z == 0"),
    ("dZ, A_prev.T) / m", "dZ, A_prev.T)", "dW without the 1/m"),
    ("keepdims=True", "keepdims=False", "a sum without keepdims"),
    ("np.sqrt(2 / fan_in)", "np.sqrt(1 / fan_in)", "He initialization with sqrt(1/n)"),
    ("1 - t * t", "1 - t", "tanh' as 1 - tanh"),
    ("s * (1 - s)", "s * (1 + s)", "sigmoid' with the wrong sign"),
    ("axis=0", "axis=1", "a reduction over the wrong axis"),
    ("value - learning_rate", "value + learning_rate", "gradient ascent"),
    ("np.dot(W, A_prev) + b", "np.dot(W, A_prev) - b", "the bias subtracted"),
    ("np.sum(losses) / m", "np.sum(losses)", "the cost without the 1/m"),
    ("beta1 ** t", "beta1 ** (t - 1)", "Adam's bias correction off by one step"),
    ("np.sqrt(s_corrected[key]) + epsilon", "np.sqrt(s_corrected[key] + epsilon)", "epsilon inside the root"),
    ("ddof=0", "ddof=1", "the unbiased variance"),
    ("/ keep_prob", "", "dropout without the 1/keep_prob"),
)


class Student(NamedTuple):
    """A generated submission: ``mistakes`` says what was changed (empty for a correct one)."""

    name: str
    notebook: NotebookNode
    mistakes: tuple[str, ...]


def solved(source: NotebookNode, release: NotebookNode) -> NotebookNode:
    """The released notebook with every solution cell filled in from the source notebook."""
    answers = {_gid(c): c.source for c in source.cells if _meta(c).get("solution")}
    nb = nbformat.from_dict(release)
    for cell in nb.cells:
        if _gid(cell) in answers:
            cell.source = answers[_gid(cell)]
    return nb


def with_mistakes(source: NotebookNode, release: NotebookNode, rng: random.Random) -> Student:
    """A solved notebook with one to three solution cells made wrong (or left unfinished)."""
    nb, released = solved(source, release), {_gid(c): c.source for c in release.cells}
    cells = [c for c in nb.cells if _meta(c).get("solution") and c.cell_type == "code"]
    done: list[str] = []
    for cell in rng.sample(cells, k=min(len(cells), rng.randint(1, 3))):
        applicable = [m for m in MISTAKES if m[0] in cell.source]
        old, new, what = rng.choice(applicable) if applicable else ("", "", "left unfinished")
        cell.source = cell.source.replace(old, new) if applicable else released[_gid(cell)]
        done.append(f"{_gid(cell)}: {what}")
    return Student("", nb, tuple(done))


def make_class(source_path: Path, release_path: Path, *, size: int, seed: int = 0) -> list[Student]:
    """``size`` students, the even ones correct, the odd ones with mistakes; the same seed, the same class."""
    source, release = nbformat.read(source_path, as_version=4), nbformat.read(release_path, as_version=4)
    rng = random.Random(seed)
    return [Student(f"student{i:03d}", solved(source, release), ()) if i % 2 == 0
            else with_mistakes(source, release, rng)._replace(name=f"student{i:03d}") for i in range(size)]


def submit_class(root: Path, assignment: str, students: list[Student], *, notebook: str) -> None:
    """Write the class into ``root/submitted/<student>/<assignment>/<notebook>.ipynb`` with timestamps."""
    stamp = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    for student in students:
        folder = root / "submitted" / student.name / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(student.notebook, folder / f"{notebook}.ipynb")
        (folder / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _gid(cell: NotebookNode) -> str | None:
    return _meta(cell).get("grade_id")
