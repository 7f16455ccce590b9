"""Per-student HTML feedback, where ``nbgrader generate_feedback`` puts it:
``feedback/<student>/<assignment>/<notebook>.html``.

It shows the scores and, per graded cell, the messages of the checks; never the test code
(hidden or visible) nor the reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from autograder.grading.store import write_atomic

STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
.cell{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.full{border-left:6px solid #2a7}.part{border-left:6px solid #e90}.none{border-left:6px solid #c33}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem;border-radius:4px}.error{color:#c33}"""


def write(root: Path, assignment: str, student: str, result: Mapping[str, Any]) -> list[Path]:
    """Write one HTML page per notebook of the result; return their paths."""
    folder = root / "feedback" / student / assignment
    paths = []
    for name, notebook in result["notebooks"].items():
        path = folder / f"{name}.html"
        write_atomic(path, page(assignment, student, name, notebook))
        paths.append(path)
    return paths


def page(assignment: str, student: str, name: str, notebook: Mapping[str, Any]) -> str:
    """The feedback page of one notebook."""
    where = assignment if name == assignment else f"{assignment} / {name}"
    title = f"{escape(where)}: feedback for {escape(student)}"
    error = f'<p class="error">{escape(notebook["error"])}</p>' if notebook["error"] else ""
    cells = "\n".join(_cell(gid, cell) for gid, cell in notebook["cells"].items())
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<style>{STYLE}</style></head>\n<body><h1>{title}</h1>\n"
            f"<p>Score: <b>{_points(notebook['score'])}</b> out of {_points(notebook['max_score'])}</p>{error}\n"
            f"{cells}\n</body></html>\n")


def _cell(grade_id: str, cell: Mapping[str, Any]) -> str:
    score, max_score = cell["score"], cell["max_score"]
    kind = "full" if score >= max_score > 0 else "part" if score > 0 else "none"
    return (f'<div class="cell {kind}"><h2>{escape(grade_id)}: {_points(score)} / {_points(max_score)}</h2>'
            f"<pre>{escape(cell['feedback'])}</pre></div>")


def _points(value: float) -> str:
    """Points as a reader wants them: 3, 0.56, 49.12 (the JSON and the gradebook keep every digit)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
