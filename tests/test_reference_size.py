"""The core of ``reference`` stays small enough to read whole: functions of at most 25 lines."""

import ast
from pathlib import Path

import pytest

import reference

CORE = ["activations", "batchnorm", "costs", "gradcheck", "hyperparameters", "initializers", "layers", "optimizers",
        "regularization", "scaling"]
MAX_FUNCTION_LINES = 25


@pytest.mark.parametrize("module", CORE)
def test_functions_are_short(module) -> None:
    path = Path(reference.__file__).parent / f"{module}.py"
    tree = ast.parse(path.read_text())
    long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []
