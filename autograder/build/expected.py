"""Writes the visible checks' expected values (``dnn_checks/expected/<concept>.json``) from the reference.

``python -m autograder.build.expected`` rewrites the files; a test proves that the stored
values are what the reference computes today. The inputs come from the recipes registered by
the visible checks (``dnn_checks.properties.stored_values``, ``Registry.store``), drawn from a
generator seeded by the function's name, so a rebuild changes nothing unless the reference or
a recipe changes; the expected outputs are what each recipe's ``observe`` gives on the reference.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from dnn_checks import expected
from dnn_checks.graded import FUNCTIONS, concepts, graded
from dnn_checks.registry import VISIBLE

import reference

FOLDER = Path(expected.__file__).parent


def build() -> dict[str, dict[str, list[dict[str, Any]]]]:
    """{concept: {function: [{"inputs": ..., "expected": ...}]}}, encoded for JSON, in the table's order."""
    correct = {name: getattr(reference, name) for name in FUNCTIONS}
    stored = VISIBLE.stored()
    files: dict[str, dict[str, list[dict[str, Any]]]] = {concept: {} for concept in concepts()}
    for function in (f for f in FUNCTIONS if f in stored):
        cases = stored[function].cases(np.random.default_rng(zlib.crc32(function.encode())), correct)
        files[graded(function).concept][function] = [
            {"inputs": expected.encode({k: v for k, v in case.items() if k != expected.EXPECTED}),
             "expected": expected.encode(case[expected.EXPECTED])} for case in cases]
    return {concept: functions for concept, functions in files.items() if functions}


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
