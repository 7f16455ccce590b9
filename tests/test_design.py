"""DESIGN.md says what is on disk and what adding a graded function takes: these tests keep it true.

- "The layout on disk": every file its table names exists, every module on disk in a folder it
  lists is named there (``<concept>`` standing for every concept of the table).
- "Adding a graded function": every row of the table has what the checklist lists, in the files the
  checklist names, and nothing else by hand (the stored values and helper modules are generated).
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import nbformat
import pytest
from dnn_checks.graded import TABLE, Graded, concepts
from dnn_checks.registry import VISIBLE

import reference
from autograder.hidden import HIDDEN
from autograder.mistakes import alternatives_of, mistakes_of

ROOT = Path(__file__).resolve().parents[1]
DESIGN = (ROOT / "DESIGN.md").read_text(encoding="utf-8")
CONCEPT = "<concept>"


def layout() -> dict[str, list[str]]:
    """{folder: [the names its row of the layout table gives, backticked]}."""
    section = DESIGN.split("### The layout on disk", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.+) \|$", section, flags=re.MULTILINE)
    return {folder: re.findall(r"`([^`]+)`", names) for folder, names in rows}


def named_files(folder: str, names: list[str]) -> set[Path]:
    """The files ``names`` stand for: ``<concept>`` expanded to every concept of the table that has one."""
    files = set()
    for name in names:
        if not re.fullmatch(r"[\w/<>]+\.(py|json)", name):
            continue  # prose in backticks: a function or a value, not a file
        for concept in concepts() if CONCEPT in name else [None]:
            files.add(ROOT / folder / (name.replace(CONCEPT, concept) if concept else name))
    return files


def test_every_file_the_layout_names_exists() -> None:
    missing = []
    for folder, names in layout().items():
        for path in named_files(folder, names):
            optional = path.suffix == ".json"  # a concept without stored values has no file
            if not path.exists() and not optional:
                missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"DESIGN.md names files that are not there: {sorted(missing)}"


def test_every_module_on_disk_is_in_the_layout() -> None:
    unnamed = []
    for folder, names in layout().items():
        named = named_files(folder, names)
        subfolders = {Path(name).parent for name in names if "/" in name} | {Path(".")}
        for sub in subfolders:
            for path in sorted((ROOT / folder / sub).glob("*")):
                if path.suffix in (".py", ".json") and path.name != "__init__.py" and path not in named:
                    unnamed.append(str(path.relative_to(ROOT)))
    assert not unnamed, f"modules missing from DESIGN.md's layout table: {unnamed}"


def _notebook_functions(assignment: str) -> set[str]:
    """The functions defined in the source notebook's code cells."""
    notebook = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    defined = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue  # a cell with IPython magics defines no graded function
            defined |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return defined


def _module(function: object) -> str:
    """The name of the module that defines ``function`` (through a ``functools.partial``)."""
    return Path(inspect.getfile(getattr(function, "func", function))).stem


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.name)
def test_every_graded_function_has_what_the_checklist_lists(row: Graded) -> None:
    function = getattr(reference, row.name)
    assert row.name in reference.__all__
    assert _module(function) == row.concept, "1. the reference, in reference/<concept>.py"
    assert (ROOT / "student" / "dnn_checks" / "checks" / f"{row.concept}.py").exists()
    assert VISIBLE.properties(row.name), "2. a visible check"
    assert (ROOT / "autograder" / "hidden" / f"{row.concept}.py").exists()
    assert HIDDEN.properties(row.name), "3. a hidden check"
    mistakes, alternatives = mistakes_of(row.name), alternatives_of(row.name)
    assert len(mistakes) >= 3 and alternatives, "4. three mistakes and a correct alternative"
    assert {_module(m.wrong) for m in mistakes} == {row.concept}
    assert {_module(a.implementation) for a in alternatives} == {row.concept}
    parameters = list(inspect.signature(function).parameters.values())
    assert [p.name for p in parameters[:len(row.arguments)]] == list(row.arguments), "5. the table's signature"
    assert all(p.default is not p.empty for p in parameters[len(row.arguments):]), "extras of the reference's own"
    assert row.name in _notebook_functions(row.assignment), "6. the notebook's solution cell"
