"""The grading command's JSON (CONTRACT.md section 4), exactly: only the contract's keys.

Each cell's ``status`` is the result's; its ``feedback`` and each ``error`` are rendered by
``autograder.staff.feedback``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograder.grading.results import NotebookResult, StudentResult
from autograder.grading.store import write_atomic
from autograder.staff import feedback


def contract_json(assignment: str, results: Mapping[str, StudentResult]) -> dict[str, Any]:
    """``{"assignment", "students": {student: {score, max_score, error, notebooks}}}`` from grading results."""
    return {"assignment": assignment,
            "students": {student: _student(results[student]) for student in sorted(results)}}


def _student(result: StudentResult) -> dict[str, Any]:
    texts = feedback.texts(result)
    notebooks = {name: _notebook(nb, texts[name]) for name, nb in result.notebooks.items()}
    return {**_scores(sum(nb["score"] for nb in notebooks.values()), result.max_score),
            "error": feedback.error(result), "notebooks": notebooks}


def _notebook(notebook: NotebookResult, texts: Mapping[str, str]) -> dict[str, Any]:
    cells = {gid: {**_scores(c.score, c.max_score), "status": c.status, "feedback": texts[gid]}
             for gid, c in notebook.cells.items()}
    return {**_scores(sum(c["score"] for c in cells.values()), notebook.max_score), "cells": cells}


def _scores(score: float, max_score: float) -> dict[str, float]:
    """``score`` within [0, max_score], both as floats."""
    return {"score": float(min(max(score, 0.0), max_score)), "max_score": float(max_score)}


def write(path: Path, assignment: str, results: Mapping[str, StudentResult]) -> None:
    """Write the JSON to ``path`` atomically."""
    write_atomic(Path(path), json.dumps(contract_json(assignment, results), indent=2))
