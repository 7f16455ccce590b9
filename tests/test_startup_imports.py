"""What the grading command and a grading process import before they start their children.

Both start other processes first (the grading processes; the sandbox's fork server) and import the checks
(hypothesis, 0.4 s) and nbgrader (1-2 s) after, where they are used: these tests keep it so. Each imports in a
new interpreter and lists the heavy packages it then holds.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("hypothesis", "nbgrader", "dnn_checks.registry", "dnn_checks.checks", "autograder.hidden", "reference")


def imported_after(statement: str) -> list[str]:
    """The HEAVY packages a new interpreter holds after running ``statement``."""
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


@pytest.mark.parametrize("statement", [
    "import autograder.cli",
    "from autograder.grading import batch, parallel, store, assignment",  # the command, up to its pool and after
    "from autograder.grading.results import StudentResult; from autograder.staff import feedback, gradescope",
    "from autograder.sandbox.remote import WorkerFactory",  # a grading process, up to its fork server
    "import dnn_checks.student, dnn_checks.results, dnn_checks.values, dnn_checks.calls",
])
def test_what_starts_other_processes_imports_no_checks_and_no_nbgrader(statement: str) -> None:
    assert imported_after(statement) == []


def test_the_public_names_come_with_the_visible_checks_they_report_on() -> None:
    statement = ("import dnn_checks\nassert {'run_checks', 'needs_working', 'CheckResult'} <= set(dir(dnn_checks))\n"
                 "from dnn_checks import needs_working\n"
                 "from dnn_checks.registry import VISIBLE\nassert len(VISIBLE.functions()) == 48")
    assert imported_after(statement) == ["dnn_checks.checks", "dnn_checks.registry", "hypothesis"]


def test_reading_the_visible_registry_first_registers_every_check() -> None:
    for first in ("from dnn_checks.registry import VISIBLE", "import dnn_checks.checks.costs",
                  "import autograder.hidden"):
        run = subprocess.run([sys.executable, "-c", f"{first}\nfrom dnn_checks.registry import VISIBLE\n"
                              "print(len(VISIBLE.functions()))"], capture_output=True, text=True, check=True)
        assert run.stdout.strip() == "48", first
