"""Gradescope: the autograder zip its "Configure Autograder" page takes, and the ``results.json`` it reads.

``autograder gradescope ASSIGNMENT -o autograder.zip`` writes::

    setup.sh          (Gradescope runs it once, as root, on its Ubuntu image) installs bubblewrap and a
                      Python 3.11+ with apt-get, a venv at /autograder/venv, and the kit from kit/ with the
                      exact versions of constraints.txt; draws the checks' examples and makes matplotlib's
                      font list into the image's cache, and checks that the sandbox starts
    run_autograder    grades /autograder/submission/*.ipynb: python -m autograder.staff.gradescope /autograder
    constraints.txt   every package of the machine that built the zip, pinned (the grades it tested)
    settings.json     {"assignment", "hidden_visibility", "insecure", "grader_version"}
    kit/              the kit's source (pyproject.toml, autograder/, reference/, student/)
    course/           nbgrader_config.py, source/<every assignment>/ (to name a notebook handed in for
                      another assignment), release/<assignment>/ (the helper files)

:func:`run` is what ``run_autograder`` calls: it copies ``course/`` to a scratch folder, puts the
submitted notebook there as ``submitted/student/<assignment>/<notebook>.ipynb`` (a single notebook
handed in under another file name is graded as the assignment's notebook), grades it with the
grading command's pipeline, and writes ``results/results.json``. A submission of which no notebook
could be graded as a whole (none handed in, not a notebook, a notebook of another assignment) is
refused: no test, a message saying what to hand in.

:func:`results_json` follows Gradescope's autograder specification: one test per kind of check of
each autograded cell (the visible checks, then the hidden ones), each with its score, status,
feedback (HTML, the checks' reports only: never test code), visibility (the hidden checks' as the
instructor chose: ``after_due_date`` or ``hidden``), the catalog's names of the mistakes the hidden
checks diagnosed (``tags``), the seconds its test cell ran, and what replays it (``extra_data``:
the grader's version and hypothesis's; the examples are derandomized, seeded by each property's name).
:func:`run` adds, to a graded submission's ``extra_data``, the mode it was graded in: ``nested``, ``flat`` (the
sandbox) or ``insecure``.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Mapping
from html import escape
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from dnn_checks.results import Kind
from packaging.specifiers import SpecifierSet

from autograder import course
from autograder.build.helpers_module import ROOT
from autograder.grading import store
from autograder.grading.results import CellResult, StudentResult
from autograder.staff.class_report import named_mistakes
from autograder.staff.feedback import KINDS, capped, cell_text, error, notebook_error

#: Who the visible checks' output is shown to, and the choices for the hidden checks'.
VISIBLE = "visible"
HiddenVisibility = Literal["after_due_date", "hidden"]
#: The student's folder in the scratch course.
STUDENT = "student"
#: What the kit's source is made of (relative to the repository), and what of it is left out.
KIT = ("pyproject.toml", "README.md", "autograder", "reference", "student")
JUNK = {"__pycache__", ".hypothesis", ".ipynb_checkpoints"}
#: Pythons setup.sh may install: Ubuntu 22.04's python3.11 (3.11.0), Debian 12's 3.11.2, Ubuntu 24.04's 3.12, ...
PYTHONS = ("3.11.0", "3.11.2", "3.12.0", "3.13.0", "3.14.0")
#: Gradescope runs setup.sh once, as root, when it builds the autograder's image (Ubuntu 22.04 or later).
SETUP = """#!/usr/bin/env bash
# Installs bubblewrap (the sandbox), a Python 3.11+, and the kit with the versions it was tested with.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends bubblewrap
if python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    apt-get install -y --no-install-recommends python3-venv
    PYTHON=python3
else
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PYTHON=python3.11
fi
"$PYTHON" -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet --constraint /autograder/source/constraints.txt /autograder/source/kit
/autograder/venv/bin/python -c 'from autograder.staff.gradescope import setup; print(setup())'
"""
#: Gradescope runs run_autograder for every submission (AUTOGRADER_PYTHON and AUTOGRADER_HOME: for a test).
RUN = """#!/usr/bin/env bash
exec "${AUTOGRADER_PYTHON:-/autograder/venv/bin/python}" -m autograder.staff.gradescope "${AUTOGRADER_HOME:-/autograder}"
"""


# --- results.json ---------------------------------------------------------------------------

def results_json(result: StudentResult, kinds: Mapping[tuple[str, str], str], *, version: str,
                 hidden: HiddenVisibility = "after_due_date", seconds: float | None = None) -> dict[str, Any]:
    """Gradescope's ``results.json`` for one graded submission (``kinds``: ``assignment.cell_kinds``)."""
    if all(notebook.notes for notebook in result.notebooks.values()):
        return refusal(error(result) or "nothing could be graded", list(result.notebooks),
                       seconds=seconds or result.seconds)
    parts = [(name, number, gid, cell, kind) for number, (name, gid, cell) in enumerate(_autograded(result, kinds), 1)
             for kind in _kinds(cell)]
    outputs = capped({(name, gid, kind): cell_text(cell, result.notebooks[name], (kind,))
                      for name, _, gid, cell, kind in parts})
    tests = [_test(f"{name}: {gid}" if len(result.notebooks) > 1 else gid, number, cell, kind,
                   outputs[name, gid, kind], hidden=hidden, version=version)
             for name, number, gid, cell, kind in parts]
    errors = [why for name, nb in result.notebooks.items() if (why := notebook_error(nb, name))]
    return {"score": round(sum(t["score"] for t in tests), 9), "execution_time": round(seconds or result.seconds, 3),
            "output": "\n".join(errors) or "Graded by the course's autograder.", "output_format": "text",
            "visibility": VISIBLE, "stdout_visibility": "hidden", "extra_data": _replay(version), "tests": tests}


def sandbox_down(why: str, *, seconds: float = 0.0) -> dict[str, Any]:
    """A submission not graded because the sandbox cannot start in this container: no test; for the student,
    that it is not their work's fault and whom to tell; ``why`` for the instructor, in ``extra_data``."""
    return _not_graded("the autograder could not start the sandbox it runs notebooks in on this Gradescope server. "
                       "This is a problem of the course's autograder, not of your work: please tell your instructor, "
                       "and submit again once they have fixed it.", seconds, sandbox=f"unavailable: {why}")


def refusal(why: str, notebooks: list[str], *, seconds: float = 0.0) -> dict[str, Any]:
    """A submission that is not graded: no test; ``why``, and the notebooks to hand in, for the student to read."""
    return _not_graded(f"{why.rstrip('.')}. This assignment takes {_names(notebooks)}.", seconds)


def _not_graded(why: str, seconds: float, **extra: str) -> dict[str, Any]:
    """``results.json`` without a test, saying ``why`` to the student; ``extra`` for the instructor."""
    return {"score": 0.0, "execution_time": round(seconds, 3), "output": f"Your submission was not graded: {why}",
            "output_format": "text", "visibility": VISIBLE, "stdout_visibility": "hidden",
            "extra_data": {"refused": True, **extra}, "tests": []}


def _autograded(result: StudentResult, kinds: Mapping[tuple[str, str], str]) -> list[tuple[str, str, CellResult]]:
    return [(name, gid, cell) for name, notebook in result.notebooks.items()
            for gid, cell in notebook.cells.items() if kinds.get((name, gid), "autograded") == "autograded"]


def _kinds(cell: CellResult) -> list[Kind]:
    """The kinds of checks the cell's test ran, visible first (one test each); ``visible`` alone when none ran."""
    found = {check.kind for check in cell.checks}
    return [kind for kind in KINDS if kind in found] or ["visible"]


def _split(cell: CellResult, kind: Kind) -> tuple[float, float]:
    """``(score, max_score)`` of one kind of the cell's checks: the visible part earns what its checks earned
    (within the cell's score), the hidden part the rest; a cell with one kind keeps its own numbers."""
    if len(_kinds(cell)) == 1:
        return cell.score, cell.max_score
    visible = [c for c in cell.checks if c.kind == "visible"]
    visible_max = min(sum(c.max_points for c in visible), cell.max_score)
    visible_score = min(sum(c.points for c in visible), visible_max, cell.score)
    if kind == "visible":
        return visible_score, visible_max
    return cell.score - visible_score, cell.max_score - visible_max


def _test(name: str, number: int, cell: CellResult, kind: Kind, output: str, *, hidden: HiddenVisibility,
          version: str) -> dict[str, Any]:
    score, max_score = _split(cell, kind)
    split = len(_kinds(cell)) > 1
    label = f"{name} ({kind} checks)" if split else name
    tags = sorted({m.id for check in cell.checks if check.kind == kind for prop in check.properties
                   if not prop.passed for m in named_mistakes(check.function, prop.diagnosis)})
    return {"name": label, "number": f"{number}.{_kinds(cell).index(kind) + 1}" if split else str(number),
            "score": round(score, 9), "max_score": round(max_score, 9),
            "status": "passed" if score >= max_score else "failed",
            "output": f"<pre>{escape(output)}</pre>", "output_format": "html",
            "visibility": hidden if kind == "hidden" else VISIBLE, "tags": tags,
            "execution_time": round(cell.seconds, 3),
            "extra_data": {**_replay(version), "grade_id": cell.grade_id, "cell_status": cell.status}}


def _replay(version: str) -> dict[str, str]:
    """What replays a grade: the grader's version, and hypothesis's (its examples are seeded by each property)."""
    return {"grader_version": version, "hypothesis_version": metadata.version("hypothesis"),
            "hypothesis_seed": "derandomized: each property's examples are seeded by crc32 of its name"}


# --- the zip --------------------------------------------------------------------------------

def build(root: Path, assignment: str, output: Path, *, hidden: HiddenVisibility = "after_due_date",
          insecure: bool = False) -> Path:
    """Write the autograder zip of ``assignment`` of the course at ``root`` to ``output``."""
    sources = course.source_notebooks(root, assignment)
    settings = {"assignment": assignment, "notebooks": sorted(sources), "hidden_visibility": hidden,
                "insecure": insecure, "grader_version": store.grader_version(root, assignment)}
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for script, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            _add(archive, script, text.encode(), executable=True)
        _add(archive, "constraints.txt", constraints().encode())
        _add(archive, "settings.json", json.dumps(settings, indent=1).encode())
        for path in _kit_files():
            _add(archive, f"kit/{path.relative_to(ROOT).as_posix()}", path.read_bytes())
        for content, name in _course_files(root, assignment):
            _add(archive, f"course/{name}", content)
    return output


def constraints() -> str:
    """``name==version`` of every package installed here from an index (not the kit): what setup.sh installs."""
    found = {d.metadata["Name"].lower(): (d.version, d.metadata["Requires-Python"]) for d in metadata.distributions()
             if d.metadata["Name"] and not d.read_text("direct_url.json")}
    return "".join(pin(name, version, requires) for name, (version, requires) in sorted(found.items()))


def pin(name: str, version: str, requires_python: str | None) -> str:
    """The constraint line(s) of one package: ``name==version``, only for the Pythons it installs on where that
    excludes one setup.sh may use (soupsieve 4.1.4 needs 3.11.5; Debian 12 has 3.11.2): there pip chooses."""
    line = f"{name}=={version}"
    specifiers = SpecifierSet(requires_python or "")
    if all(specifiers.contains(python, prereleases=True) for python in PYTHONS):
        return line + "\n"
    marker = " and ".join(f'python_full_version {s.operator} "{s.version}"' for s in specifiers)
    return f"# {line} needs Python {specifiers}: on another Python, pip chooses\n{line}; {marker}\n"


def _kit_files() -> list[Path]:
    files = [ROOT / name for name in KIT if (ROOT / name).is_file()]
    files += [p for name in KIT if (ROOT / name).is_dir() for p in sorted((ROOT / name).rglob("*"))
              if p.is_file() and not JUNK & set(p.parts) and p.suffix not in (".pyc", ".db")
              and ".egg-info" not in str(p)]
    return files


def _course_files(root: Path, assignment: str) -> Iterable[tuple[bytes, str]]:
    """``(content, path in the course)``: the config, every assignment's source, the assignment's helper files."""
    yield (root / "nbgrader_config.py").read_bytes(), "nbgrader_config.py"
    for other in course.assignments(root):
        for path in sorted((root / "source" / other).rglob("*")):
            if path.is_file() and not JUNK & set(path.parts):
                yield path.read_bytes(), path.relative_to(root).as_posix()
    for name, content in course.helper_files(root, assignment).items():
        yield content, f"release/{assignment}/{name}"


def _add(archive: zipfile.ZipFile, name: str, data: bytes, *, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))  # the same course, the same zip
    info.external_attr = (0o755 if executable else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


# --- inside Gradescope ----------------------------------------------------------------------

def run(home: Path) -> dict[str, Any]:
    """Grade ``home/submission/*.ipynb`` with the zip unpacked in ``home/source``; write and return
    ``home/results/results.json``."""
    from autograder.course import CourseError
    from autograder.grading.batch import grade_assignment
    from autograder.sandbox.bubblewrap import check_available, mode

    began = time.perf_counter()
    settings = _settings(home)
    assignment = settings["assignment"]
    down = None if settings["insecure"] else check_available()
    if down:
        return _write(home, sandbox_down(down, seconds=time.perf_counter() - began))
    with tempfile.TemporaryDirectory(prefix="autograder-") as scratch:
        root = Path(shutil.copytree(home / "source" / "course", Path(scratch) / "course"))
        handed_in = sorted(p for p in (home / "submission").rglob("*.ipynb") if not JUNK & set(p.parts))
        try:
            if not handed_in:
                raise CourseError("it holds no notebook (.ipynb)")
            folder = root / "submitted" / STUDENT / assignment
            renamed = place(handed_in, folder, settings["notebooks"])
            batch = grade_assignment(course_dir=root, assignment=assignment, students=[STUDENT], jobs=1,
                                     insecure=settings["insecure"], gradebook=False)
            result = batch.outcomes[0].result
            from autograder.grading.assignment import cell_kinds  # nbformat: imported by grading, not before it

            data = results_json(result, cell_kinds(root, assignment), version=batch.version,
                                hidden=settings["hidden_visibility"], seconds=time.perf_counter() - began)
            if data["tests"]:  # graded: by what (a refusal says why, nothing more)
                data["extra_data"]["sandbox"] = "insecure" if settings["insecure"] else mode()
            if renamed:
                data["output"] = f"{renamed}\n{data['output']}"
        except CourseError as exc:
            data = refusal(str(exc), settings["notebooks"], seconds=time.perf_counter() - began)
    return _write(home, data)


def _settings(home: Path) -> dict[str, Any]:
    """The zip's ``settings.json``, unpacked in ``home/source``."""
    return json.loads((home / "source" / "settings.json").read_text())


def _write(home: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Write ``data`` as ``home/results/results.json``; return it."""
    (home / "results").mkdir(parents=True, exist_ok=True)
    store.write_atomic(home / "results" / "results.json", json.dumps(data, indent=1))
    return data


def setup(home: Path = Path("/autograder")) -> str:
    """setup.sh's last step: the examples of the assignment's checks drawn once, and matplotlib's font list made
    once (``autograder.sandbox.fonts``), into this image's caches (every submission's container starts from the
    image: none makes them again); then :func:`sandbox_check`."""
    from autograder.grading.cells import warm_checks
    from autograder.sandbox import bubblewrap, fonts

    warm_checks(home / "source" / "course", _settings(home)["assignment"])
    fonts.prime(bubblewrap.environment())
    return sandbox_check(home)


def sandbox_check(home: Path = Path("/autograder")) -> str:
    """setup.sh's last line: "sandbox ok", or a warning that every submission will be refused (the zip was not built
    with ``--insecure`` and the sandbox cannot start in this image)."""
    from autograder.sandbox.bubblewrap import check_available

    if _settings(home)["insecure"]:
        return "sandbox not used: the zip was built with --insecure"
    why = check_available()
    return (f"WARNING: the sandbox cannot start in this image ({why}). Every submission will be refused, asking "
            "the student to tell you. Grade a test submission before students do; rebuild the zip with --insecure "
            "only if you trust every submission.") if why else "sandbox ok"


def place(handed_in: list[Path], folder: Path, notebooks: list[str]) -> str | None:
    """Copy the submitted notebooks into ``folder``; one notebook under another name becomes the assignment's,
    and the line returned tells the student so (None when every notebook kept its name): the grader's messages
    name the notebook by the assignment's name."""
    folder.mkdir(parents=True, exist_ok=True)
    names = {path: path.stem for path in handed_in}
    if len(notebooks) == 1 and len(handed_in) == 1:
        names[handed_in[0]] = notebooks[0]
    for path, name in names.items():
        shutil.copyfile(path, folder / f"{name}.ipynb")
    renamed = [f"Your notebook {path.name} is read as {name}.ipynb, the assignment's notebook."
               for path, name in names.items() if path.name != f"{name}.ipynb"]
    return renamed[0] if renamed else None


def _names(notebooks: list[str]) -> str:
    return " and ".join(f"{name}.ipynb" for name in notebooks)


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder.staff.gradescope [HOME]`` (HOME: /autograder): run_autograder's entry point."""
    args = sys.argv[1:] if argv is None else argv
    data = run(Path(args[0] if args else "/autograder"))
    print(f"score {data['score']:g}; {len(data['tests'])} tests; {data['output']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
