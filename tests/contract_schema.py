"""CONTRACT.md section 4, the grading command's JSON, as a JSON Schema: exactly these keys, nothing else."""

from __future__ import annotations

STATUSES = ["passed", "partial", "failed", "error", "timeout", "crashed", "not_run", "manual"]


def scores(**more: dict) -> dict:
    """An object of ``score`` and ``max_score`` (numbers) and the ``more`` properties, all required, nothing else."""
    properties = {"score": {"type": "number"}, "max_score": {"type": "number"}, **more}
    return {"type": "object", "properties": properties, "additionalProperties": False, "required": list(properties)}


CELL = scores(status={"enum": STATUSES}, feedback={"type": "string"})
NOTEBOOK = scores(cells={"type": "object", "additionalProperties": CELL})
STUDENT = scores(error={"type": ["string", "null"]}, notebooks={"type": "object", "additionalProperties": NOTEBOOK})
CONTRACT_SCHEMA = {"type": "object", "additionalProperties": False, "required": ["assignment", "students"],
                   "properties": {"assignment": {"type": "string"},
                                  "students": {"type": "object", "additionalProperties": STUDENT}}}
