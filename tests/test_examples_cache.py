"""The examples cache: a grading process replays the very examples another drew; a file that is off is drawn anew."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import draw_examples

from autograder.grading import examples

FUNCTIONS = ("relu", "relu_backward")


def _snapshot() -> list[tuple[str, Any]]:
    return [(key, _canonical(draw_examples(given, key=key, max_examples=most)))
            for key, given, most in VISIBLE.searches(FUNCTIONS)]


def _canonical(value: Any) -> Any:
    """A value as types, dtypes, shapes, memory layout and bytes: equal only when replaying it is the same."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.flags.c_contiguous, value.tobytes())
    if isinstance(value, np.random.Generator):
        return ("generator", repr(value.bit_generator.state))
    if isinstance(value, dict):
        return ("dict", tuple((k, _canonical(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_canonical(v) for v in value))
    return (type(value).__name__, repr(value))


def test_the_examples_replayed_are_those_drawn(tmp_path: Path) -> None:
    path = tmp_path / "examples.wire"
    drawn = examples.warm((VISIBLE,), FUNCTIONS, path)
    before = _snapshot()
    assert drawn > 0 and path.is_file()
    assert examples.warm((VISIBLE,), FUNCTIONS, path) == drawn
    assert _snapshot() == before


def test_a_file_that_does_not_decode_or_lacks_a_property_is_drawn_again(tmp_path: Path) -> None:
    path = tmp_path / "examples.wire"
    drawn = examples.warm((VISIBLE,), FUNCTIONS, path)
    for broken in (b"\x00\x00\x00\x05[1,2]", b""):
        path.write_bytes(broken)
        assert examples.warm((VISIBLE,), FUNCTIONS, path) == drawn
        assert path.read_bytes() != broken
    examples.warm((VISIBLE,), FUNCTIONS[:1], path)  # holds relu's properties only
    assert examples.warm((VISIBLE,), FUNCTIONS, path) == drawn


def test_the_cache_is_keyed_by_the_versions_and_the_grader(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    root = Path(__file__).resolve().parents[1]
    path = examples.cache_file(root, "a1_deep_network")
    assert path.parent == tmp_path / "dnn-course-kit" / "examples"
    monkeypatch.setattr(examples.hypothesis, "__version__", "0.0.0")
    assert examples.cache_file(root, "a1_deep_network") != path
