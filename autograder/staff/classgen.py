"""A class of example submissions for an assignment: correct, with catalogued mistakes, hostile, broken.

Every submission starts from the released notebook, as a student's does, with the solution
cells filled in from the source notebook; then, by kind:

- ``correct``: handed in as it is;
- ``mistakes``: one to three solution cells end with a wrong variant from the mistake catalog
  (``autograder.mistakes``), its source inlined under the contract name (with the helper
  definitions it uses), so the grader's diagnosis has something known to find;
- ``hostile``: the first solution cell also forges equality, loops forever, eats memory,
  calls ``os._exit`` or tries to read the course's gradebook;
- ``broken``: the notebook is not valid JSON, or is handed in under another name.

:data:`SPECIAL` lists the hostile and broken students; :func:`make_class` puts as many of them
in a class as fit in half of it and makes the rest correct or with mistakes (two in three).
"""

from __future__ import annotations

import ast
import datetime
import inspect
import json
import random
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbformat import NotebookNode

from autograder.build.helpers_module import OWN_PACKAGES, _Collector, _definitions, _import_lines, _imports
from autograder.mistakes import Mistake, mistakes_of

#: Functions whose cache layout is the implementer's own: a wrong backward comes with the reference's forward.
PAIRED = {"batchnorm_backward": ("batchnorm_forward",), "concat_backward": ("concat_forward",),
          "scale_backward": ("scale_forward",)}
#: The prefix of the correct function a wrong variant calls under its own name.
CORRECT = "_correct_"
FORGED = '''

class Forged:
    """Equal to everything, whatever is asked of it."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __getattr__(self, name): return self
    def __call__(self, *args, **kwargs): return self
    def __iter__(self): return iter((self, self))
    def __len__(self): return 2
    def __getitem__(self, key): return self
'''
#: What each hostile student adds to its first solution cell (``{functions}``: the cell's, ``{gradebook}``: a path).
HOSTILE = {
    "forged-equality": FORGED + "\n{functions} = [lambda *args, **kwargs: Forged()] * {count}\n",
    "os-exit": "\nimport os\nos._exit(0)\n",
    "memory-bomb": "\nhog = []\nwhile True:\n    hog.append(bytearray(100 * 2 ** 20))\n",
    "reads-gradebook": "\nprint(open({gradebook!r}, 'rb').read()[:64])\n",
    "infinite-loop": "\nwhile True:\n    pass\n",
}
#: The hostile and broken students of a class, in the order a class takes them (the slow infinite loop last).
SPECIAL = (*(("hostile", trick) for trick in HOSTILE if trick != "infinite-loop"),
           ("broken", "invalid-json"), ("broken", "missing-notebook"), ("hostile", "infinite-loop"))
WHAT = {
    "forged-equality": "returns an object equal to everything instead of arrays",
    "infinite-loop": "a solution cell loops forever",
    "memory-bomb": "a solution cell allocates memory until it runs out",
    "os-exit": "a solution cell calls os._exit(0)",
    "reads-gradebook": "a solution cell tries to read the course's gradebook.db",
    "invalid-json": "the notebook file is cut in half (not valid JSON)",
    "missing-notebook": "the notebook was handed in as Untitled.ipynb",
}


class Student(NamedTuple):
    """A generated submission: ``files`` maps a file name to its bytes; ``what`` says what it is."""

    name: str
    kind: str
    what: str
    files: dict[str, bytes]


def solved(source: NotebookNode, release: NotebookNode) -> NotebookNode:
    """The released notebook with every solution cell filled in from the source notebook."""
    answers = {_gid(c): c.source for c in source.cells if _meta(c).get("solution")}
    nb = nbformat.from_dict(release)
    for cell in nb.cells:
        if _gid(cell) in answers:
            cell.source = answers[_gid(cell)]
    return nb


def mistake_source(mistake: Mistake) -> str:
    """The wrong variant's source named as the contract function, after the definitions and imports it uses."""
    module = mistake.wrong.__module__
    node = ast.parse(textwrap.dedent(inspect.getsource(mistake.wrong))).body[0]
    node.decorator_list, node.name = [], mistake.function
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    collector, imports = _Collector(), _imports(module)
    for name in sorted(used & (_definitions(module).keys() | imports.keys())):
        collector.add(module, name)
    for partner in PAIRED.get(mistake.function, ()):
        collector.add("reference", partner)
    aliases = [f"{local} = {imported}" for local, (origin, imported, _) in sorted(imports.items())
               if local != imported and imported in collector.blocks
               and origin and origin.split(".")[0] in OWN_PACKAGES]
    if mistake.function in used:  # the variant calls the correct function of its own name: keep that one apart
        aliases.append(f"{CORRECT}{mistake.function} = {mistake.function}")
        for name in ast.walk(node):
            if isinstance(name, ast.Name) and name.id == mistake.function:
                name.id = CORRECT + mistake.function
    parts = ["\n".join(_import_lines(collector.imports)), *collector.blocks.values(), "\n".join(aliases),
             ast.unparse(node)]
    return "\n\n".join(part for part in parts if part)


def inlinable(function: str) -> tuple[Mistake, ...]:
    """The catalogued mistakes of ``function`` that are top-level functions (partials and closures have no source)."""
    return tuple(m for m in mistakes_of(function)
                 if inspect.isfunction(m.wrong) and m.wrong.__qualname__ == m.wrong.__name__)


def solution_cells(nb: NotebookNode) -> list[NotebookNode]:
    """The code solution cells, each with the contract functions it defines."""
    return [c for c in nb.cells if c.cell_type == "code" and _meta(c).get("solution") and defined(c.source)]


def defined(source: str) -> list[str]:
    """The functions a cell defines at its top level."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]


def with_mistakes(nb: NotebookNode, rng: random.Random) -> tuple[NotebookNode, list[str]]:
    """``nb`` with one to three solution cells ending in a catalogued wrong variant; the mistakes' ids."""
    cells = [c for c in solution_cells(nb) if any(inlinable(f) for f in defined(c.source))]
    done = []
    for cell in rng.sample(cells, k=min(len(cells), rng.randint(1, 3))):
        function = rng.choice([f for f in defined(cell.source) if inlinable(f)])
        mistake = rng.choice(inlinable(function))
        cell.source += f"\n\n\n# (a common mistake: {mistake.id})\n{mistake_source(mistake)}\n"
        done.append(mistake.id)
    return nb, done


def hostile(nb: NotebookNode, trick: str, *, gradebook: Path) -> NotebookNode:
    """``nb`` whose first solution cell also plays ``trick`` (a key of :data:`HOSTILE`)."""
    cell = solution_cells(nb)[0]
    functions = defined(cell.source)
    cell.source += HOSTILE[trick].format(functions=", ".join(functions) + ",", count=len(functions),
                                         gradebook=str(gradebook))
    return nb


def make_class(source_path: Path, release_path: Path, *, size: int, seed: int = 0,
               special: Sequence[tuple[str, str]] = SPECIAL, gradebook: Path = Path("gradebook.db")) -> list[Student]:
    """``size`` students: ``special`` ones up to half the class, then two in three with mistakes, the rest correct.

    The same arguments give the same class.
    """
    source, release = (nbformat.read(p, as_version=4) for p in (source_path, release_path))
    rng, name = random.Random(seed), release_path.name
    special = tuple(special)[:size // 2]
    students = [_special(kind, trick, solved(source, release), name, gradebook) for kind, trick in special]
    for number in range(1, size - len(special) + 1):
        nb = solved(source, release)
        if number % 3 == 0:
            students.append(Student(f"correct-{number:02d}", "correct", "every answer right", _files(name, nb)))
            continue
        nb, done = with_mistakes(nb, rng)
        students.append(Student(f"mistakes-{number:02d}", "mistakes", ", ".join(done), _files(name, nb)))
    return students


def _special(kind: str, trick: str, nb: NotebookNode, name: str, gradebook: Path) -> Student:
    student = f"{kind}-{trick}"
    if kind == "hostile":
        return Student(student, kind, WHAT[trick], _files(name, hostile(nb, trick, gradebook=gradebook)))
    text = nbformat.writes(nb).encode()
    files = {name: text[:len(text) // 2]} if trick == "invalid-json" else {"Untitled.ipynb": text}
    return Student(student, kind, WHAT[trick], files)


def _files(name: str, nb: NotebookNode) -> dict[str, bytes]:
    return {name: nbformat.writes(nb).encode()}


def submit_class(root: Path, assignment: str, students: list[Student], *,
                 when: datetime.datetime = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)) -> None:
    """Write each student's files and nbgrader's ``timestamp.txt`` into ``submitted/<student>/<assignment>/``."""
    for student in students:
        folder = root / "submitted" / student.name / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, data in student.files.items():
            (folder / file_name).write_bytes(data)
        (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))


def manifest(students: list[Student]) -> str:
    """The class as JSON: each student's kind and what was done to the submission."""
    return json.dumps({s.name: {"kind": s.kind, "what": s.what} for s in students}, indent=1)


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _gid(cell: NotebookNode) -> str | None:
    return _meta(cell).get("grade_id")

