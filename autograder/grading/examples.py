"""The hypothesis examples a grading process replays, kept on disk from one process to the next.

Drawing the examples of an assignment's properties costs seconds of CPU when a grading process
starts, and a single submission from a cold start waits for it. They are the same in every run
(the grading profile derandomizes, seeding each property by its key), so the first process to
draw them writes them to ``$XDG_CACHE_HOME/dnn-course-kit/examples/<assignment>-<digest>.wire``
and the next ones replay them. The digest covers hypothesis's and numpy's versions, the grader's
code and the assignment's source (``store.grader_version``): a change to any of them draws
anew. The file is in the wire format (``autograder.sandbox.wire``: JSON and ``.npy``, never
unpickled); one that does not decode, or lacks a property, is drawn again and rewritten.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import hypothesis
import numpy as np
from dnn_checks.registry import Registry
from dnn_checks.runner import draw_examples, keep_examples

from autograder.grading import store
from autograder.sandbox import wire

Examples = dict[str, list[dict[str, Any]]]


def cache_file(root: Path, assignment: str) -> Path:
    """Where the examples of ``assignment``'s checks are kept for this hypothesis, numpy and grader."""
    versions = f"hypothesis {hypothesis.__version__}, numpy {np.__version__}, {store.grader_version(root, assignment)}"
    digest = hashlib.sha256(versions.encode()).hexdigest()[:32]
    return store.kit_cache() / "examples" / f"{assignment}-{digest}.wire"


def warm(registries: tuple[Registry, ...], functions: tuple[str, ...], path: Path) -> int:
    """Make the examples of every property of ``functions`` ready in this process: replayed from ``path``
    when it holds them all, else drawn and written there; return how many."""
    searches = [search for registry in registries for search in registry.searches(functions)]
    kept = _read(path)
    if kept is not None and kept.keys() == {key for key, _, _ in searches}:
        for key, given, _ in searches:
            keep_examples(given, key=key, examples=kept[key])
        return sum(map(len, kept.values()))
    drawn = {key: draw_examples(given, key=key, max_examples=most) for key, given, most in searches}
    try:
        store.write_atomic(path, wire.pack({"examples": drawn}))
    except (OSError, TypeError):  # a read-only home, or a value the wire does not carry: drawn each time
        pass
    return sum(map(len, drawn.values()))


def _read(path: Path) -> Examples | None:
    try:
        examples = wire.unpack(path.read_bytes())["examples"]
    except (OSError, KeyError, wire.ProtocolError):
        return None
    lists = type(examples) is dict and all(type(e) is list for e in examples.values())
    return examples if lists and all(type(x) is dict for e in examples.values() for x in e) else None
