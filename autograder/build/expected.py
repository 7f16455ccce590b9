"""Writes the visible checks' expected values (``dnn_checks/expected/<concept>.json``) from the reference.

``python -m autograder.build.expected`` rewrites the files; a test proves that the stored
values are what the reference computes today. The inputs come from the recipes registered by
the visible checks (``dnn_checks.properties.stored_values``, ``Registry.store``), drawn from a
generator seeded by the function's name, so a rebuild changes nothing unless the reference or
a recipe changes; the expected outputs are what each recipe's ``observe`` gives on the reference.

Each case also holds, as data, what the catalogued mistakes of the function give there (``"mistakes"``:
message -> output, where it differs from the expected output beyond the checks' tolerance), so that
the visible checks can name a mistake in a student's Jupyter: never the mistakes' code, never an input
the student has not seen. Mistakes of functions that draw random numbers (compared by fingerprints) are
left out, and so are outputs that overflow (inf, NaN).
"""

from __future__ import annotations

import copy
import json
import warnings
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from dnn_checks import expected
from dnn_checks.compare import mismatch
from dnn_checks.graded import FUNCTIONS, concepts, graded
from dnn_checks.registry import VISIBLE, Stored
from dnn_checks.runner import RecordingStudent
from dnn_checks.student import Student

import reference
from autograder.mistakes import mistakes_of

FOLDER = Path(expected.__file__).parent


def build() -> dict[str, dict[str, list[dict[str, Any]]]]:
    """{concept: {function: [{"inputs": ..., "expected": ...}]}}, encoded for JSON, in the table's order."""
    correct = {name: getattr(reference, name) for name in FUNCTIONS}
    stored = VISIBLE.stored()
    files: dict[str, dict[str, list[dict[str, Any]]]] = {concept: {} for concept in concepts()}
    for function in (f for f in FUNCTIONS if f in stored):
        cases = stored[function].cases(np.random.default_rng(zlib.crc32(function.encode())), correct)
        files[graded(function).concept][function] = [
            {"inputs": expected.encode(inputs(case)), "expected": expected.encode(case[expected.EXPECTED]),
             "mistakes": expected.encode(mistaken(function, stored[function], case, correct))}
            for case in cases]
    return {concept: functions for concept, functions in files.items() if functions}


def inputs(case: dict[str, Any]) -> dict[str, Any]:
    """A stored case's inputs, without its expected output."""
    return {k: v for k, v in case.items() if k != expected.EXPECTED}


def mistaken(function: str, stored: Stored, case: dict[str, Any], correct: dict[str, Any]) -> dict[str, Any]:
    """What each catalogued mistake of ``function`` gives on ``case`` (what the stored case compares), by its
    message, where that differs from the expected output."""
    found: dict[str, Any] = {}
    for mistake in mistakes_of(function):
        if mistake.fingerprint is not None or mistake.message in found:
            continue
        wrong = RecordingStudent(Student({**correct, function: mistake.wrong}))
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                output = stored.observe(wrong, **copy.deepcopy(inputs(case)))
        except Exception:  # noqa: BLE001 - a mistake that cannot run here names nothing here
            continue
        if mismatch(case[expected.EXPECTED], output, where=function) and _finite(output):
            found[mistake.message] = output
    return found


def _finite(value: Any) -> bool:
    """Whether a base value holds no inf or NaN (a mistake's overflow names nothing a student can act on)."""
    try:
        json.dumps(expected.encode(value), allow_nan=False)
    except ValueError:
        return False
    return True


def dumps(stored: dict[str, list[dict[str, Any]]]) -> str:
    """JSON with one line per case, so that a change shows as a small diff."""
    blocks = [f"{json.dumps(function)}: [\n" + ",\n".join(json.dumps(case) for case in cases) + "\n]"
              for function, cases in stored.items()]
    return "{\n" + ",\n".join(blocks) + "\n}\n"


def main() -> None:
    for concept, stored in build().items():
        path = FOLDER / expected.file_name(concept)
        path.write_text(dumps(stored), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
