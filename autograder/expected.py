"""Writes the visible checks' expected values (``dnn_checks/expected/*.json``) from the reference.

``python -m autograder.expected`` rewrites the files; ``tests/test_checks_framework.py``
proves that the stored values are what the reference computes today. Inputs come from a
generator seeded by the function's name, so a rebuild changes nothing unless the
reference or the cases change.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import reference
from dnn_checks import expected
from dnn_checks.values import to_base

Cases = Callable[[np.random.Generator], list[dict[str, Any]]]
FILE = Path(expected.__file__).with_name("part_a.json")


def _relu(rng: np.random.Generator) -> list[dict[str, Any]]:
    return [{"Z": rng.standard_normal((3, 4))}, {"Z": np.array([[0.0, -1.5, 2.0]])}]


def _relu_backward(rng: np.random.Generator) -> list[dict[str, Any]]:
    Z = rng.standard_normal((4, 3))
    Z[0, 0] = 0.0
    return [{"dA": rng.standard_normal((4, 3)), "cache": Z}]


PART_A: dict[str, Cases] = {
    "relu": _relu,
    "relu_backward": _relu_backward,
}


def build(table: dict[str, Cases]) -> dict[str, list[dict[str, Any]]]:
    """{function: [{"inputs": ..., "expected": ...}]}, encoded for JSON."""
    stored = {}
    for function, make in table.items():
        cases = make(np.random.default_rng(zlib.crc32(function.encode())))
        stored[function] = [{"inputs": expected.encode(inputs),
                             "expected": expected.encode(to_base(getattr(reference, function)(*inputs.values())))}
                            for inputs in cases]
    return stored


def dumps(stored: dict[str, list[dict[str, Any]]]) -> str:
    """JSON with one line per case, so that a change shows as a small diff."""
    blocks = [f"{json.dumps(function)}: [\n" + ",\n".join(json.dumps(case) for case in cases) + "\n]"
              for function, cases in stored.items()]
    return "{\n" + ",\n".join(blocks) + "\n}\n"


def main() -> None:
    FILE.write_text(dumps(build(PART_A)), encoding="utf-8")
    print(f"wrote {FILE}")


if __name__ == "__main__":
    main()
