"""Attacks on what the grader spends for a student: each gains nothing over a blank submission, at a bounded cost.

Every attack family of ``attacks.py`` (each rewrites every graded function of a1) is graded once,
in this process, as a grading process grades it; the tests read its score, its seconds and the
peak memory growth of this process. The bounds are generous: without them the attacks cost
gigabytes or minutes (``benchmarks/bench_attacks.py``). Then a grading process that dies.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import attacks
import pytest
import tiny_course as tc
from processes import cmdline

from autograder.sandbox import bubblewrap
from autograder.sandbox.bubblewrap import BWRAP, Limits, check_available
from autograder.sandbox.budget import Budget
from autograder.sandbox.remote import WorkerFactory
from autograder.staff.feedback import cell_text

UNAVAILABLE = check_available()
pytestmark = [pytest.mark.sandbox,
              pytest.mark.skipif(UNAVAILABLE is not None,
                                 reason=f"needs bubblewrap (apt-get install bubblewrap): {UNAVAILABLE}")]
LIMITS = Limits(call_seconds=3, restarts=5, replay_seconds=9)
#: A submission's wall time where time is the attack, elsewhere (long enough not to stop the grading),
#: and what grading may add after it is spent.
BUDGET, LONG_BUDGET, SLACK = 12.0, 60.0, 10.0
SHORT = ("slow calls", "slow cells")
#: Seconds of slow cells before the crashes of that family: replays may add LIMITS.replay_seconds, not 5 times as much.
SLOW_CELLS = 2 * attacks.CELL_FAMILIES["slow cells, then crashes"][1]
FAMILIES = [*attacks.FAMILIES, *attacks.CELL_FAMILIES]
#: Peak memory growth (MB) of the grading process allowed for one attack (a 2 GB and an 858 MB one before the bounds).
PEAK_MB = 200
#: Gates (shape, purity, determinism) still pay a garbage result today: issue 9 part 2, on another branch.


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], attacks.Graded]]:
    """The graded attack family (or "blank"), graded at most once."""
    root = attacks.course(tmp_path_factory.mktemp("course"))
    done: dict[str, attacks.Graded] = {}
    with WorkerFactory(limits=LIMITS) as factory:
        def grade(family: str) -> attacks.Graded:
            if family not in done:
                nb = attacks.blank() if family == "blank" else attacks.attacked(family)
                budget = Budget(BUDGET if family in SHORT else LONG_BUDGET, replay_seconds=LIMITS.replay_seconds)
                done[family] = attacks.grade(factory, root, family.replace(" ", "-").replace(",", ""), nb,
                                             budget=budget)
            return done[family]
        yield grade


def feedback_of(result: attacks.Graded) -> dict[str, str]:
    """Each grade cell's feedback, as the student reads it."""
    notebook = result.result.notebooks[attacks.ASSIGNMENT]
    return {grade_id: cell_text(cell, notebook) for grade_id, cell in notebook.cells.items()}


def test_every_function_the_grader_calls_back_is_attacked() -> None:
    assert attacks.callees() <= set(attacks.BIG_CALLS)


@pytest.mark.parametrize("family", FAMILIES)
def test_an_attack_gains_nothing_over_a_blank_submission(graded: Callable[[str], attacks.Graded], family: str) -> None:
    assert graded(family).score == graded("blank").score == 0.0


@pytest.mark.parametrize("family", FAMILIES)
def test_an_attack_costs_the_grading_process_little_memory(graded: Callable[[str], attacks.Graded],
                                                           family: str) -> None:
    assert graded(family).peak_mb < PEAK_MB


@pytest.mark.parametrize("family", FAMILIES)
def test_an_attack_costs_at_most_its_budget(graded: Callable[[str], attacks.Graded], family: str) -> None:
    assert graded(family).seconds < (BUDGET if family in SHORT else LONG_BUDGET) + SLACK


def test_a_callback_out_of_bounds_is_the_students_failure(graded: Callable[[str], attacks.Graded]) -> None:
    feedback = feedback_of(graded("oversized callbacks"))["test_linear_activation_backward"]
    assert "it called linear_backward with an array of shape (16384, 1), larger than its own inputs imply" in feedback


def test_an_output_far_too_large_is_refused_unread(graded: Callable[[str], attacks.Graded]) -> None:
    feedback = feedback_of(graded("oversized outputs"))["test_sigmoid"]
    assert "far more than its inputs imply" in feedback and "the grader refused it" in feedback


def test_the_budget_stops_slow_cells_and_says_so_once_a_cell(graded: Callable[[str], attacks.Graded]) -> None:
    feedback = list(feedback_of(graded("slow cells")).values())
    said = [text for text in feedback if "time budget" in text]
    assert said and set(said) == {f"Not run: the submission's time budget of {BUDGET:g} s ran out before this cell."}


def test_replays_after_crashes_cost_at_most_their_allowance(graded: Callable[[str], attacks.Graded]) -> None:
    result = graded("slow cells, then crashes")
    assert result.seconds < SLOW_CELLS + LIMITS.replay_seconds + SLACK  # not SLOW_CELLS * (1 + LIMITS.restarts)
    assert result.seconds < LONG_BUDGET
    assert any("running the cells before this one again would take" in text for text in feedback_of(result).values())


def test_the_memory_limit_caps_the_grading_process() -> None:
    code = ("import numpy as np, resource\nfrom autograder.grading import grader_process\n"
            "grader_process.start_in_pool(True, None)\n"
            "print(resource.getrlimit(resource.RLIMIT_AS)[0] == grader_process.limits(None).grader_memory)\n"
            "try:\n    np.ones(grader_process.limits(None).grader_memory // 8)\nexcept MemoryError:\n"
            "    print('MemoryError')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.stdout.split() == ["True", "MemoryError"], run.stderr


def _grading_process(cli: int) -> int | None:
    """The pool's grading process below the ``cli`` process while it grades a submission (its fork server
    has forked a worker), else None."""
    for pid in bubblewrap.descendants(cli):
        if bubblewrap.parent(pid) == cli and b"spawn_main" in cmdline(pid):
            below = [p for p in bubblewrap.descendants(pid) if b"worker.py" in cmdline(p)
                     and not cmdline(p).startswith(BWRAP.encode())]
            if len(below) > 1:
                return pid
    return None


def _grading_s0(cli: int) -> int:
    """The grading process once it has graded for 3 s in a row (s0 sleeps 2 minutes in its first cell; the
    sandbox's start-up probe is a short session)."""
    deadline, since, last = time.monotonic() + 120, time.monotonic(), None
    while time.monotonic() < deadline:
        pid = _grading_process(cli)
        since, last = (since, last) if pid == last else (time.monotonic(), pid)
        if pid is not None and time.monotonic() - since > 3:
            return pid
        time.sleep(0.2)
    raise AssertionError("no grading process started grading")


@pytest.mark.slow
def test_a_dying_grading_process_costs_only_its_submission(tmp_path: Path) -> None:
    root = tc.make_course(tmp_path)
    slow = tc.student_version(tc.source_a1(), {"double": "import time\ntime.sleep(120)\n" + tc.SOLUTIONS["double"]})
    tc.submit(root, "s0", "a1", slow)
    for name in ("s1", "s2", "s3"):
        tc.submit(root, name, "a1", tc.source_a1())
    command = [sys.executable, "-m", "autograder.cli", "grade", "a1", "--jobs", "1", "--json", str(root / "grades.json")]
    with (tmp_path / "stderr.txt").open("w") as stderr:
        cli = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=stderr)
    os.kill(_grading_s0(cli.pid), signal.SIGKILL)
    assert cli.wait(timeout=300) == 0, (tmp_path / "stderr.txt").read_text()
    students = json.loads((root / "grades.json").read_text())["students"]
    assert {name: s["score"] for name, s in students.items()} == {"s0": 0.0, "s1": 5.0, "s2": 5.0, "s3": 5.0}
    assert "the grading process died while grading this submission (killed by SIGKILL" in students["s0"]["error"]


@pytest.mark.slow
def test_the_budget_is_set_from_the_command_line(tmp_path: Path) -> None:
    root = tc.make_course(tmp_path)
    tc.submit(root, "s0", "a1", tc.student_version(tc.source_a1(), {"double": "import time\ntime.sleep(60)\n"}))
    run = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", "a1", "--budget", "4",
                          "--json", str(root / "grades.json")], cwd=root, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    cells = json.loads((root / "grades.json").read_text())["students"]["s0"]["notebooks"]["a1"]["cells"]
    assert {cells[gid]["feedback"] for gid in ("test_double", "test_square")} == {
        "Not run: the submission's time budget of 4 s ran out before this cell."}
