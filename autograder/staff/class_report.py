"""``autograder report``: one self-contained HTML page on an assignment's grades, for the course staff.

It reads the typed results the grading command stored (``autograder.grading.store``: one file
per student, with every cell's status, notes and check results) and shows: the distribution of
total scores, each exercise's pass rate (full marks among the notebooks that could be graded), the five most
frequent mistakes the hidden checks diagnosed with an example each, the item analysis (the share of students
who pass each check; the students grouped by the checks they fail, with the diagnoses most of each group
share), the grading time of each submission, and the
submissions to look at (not submitted, unreadable, timed out, crashed, raised an error,
returned an object that is no value at all). Plots are inline SVG (matplotlib); the page loads
nothing from the network.
"""

from __future__ import annotations

import io
import os
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from dnn_checks.results import CheckResult, PropertyResult

from autograder.grading import store
from autograder.grading.results import CellResult, Note, StudentResult
from autograder.staff.feedback import notebook_error

if TYPE_CHECKING:
    from autograder.mistakes import Mistake

#: The flag a notebook's note raises.
NOTEBOOK_FLAGS = {"not_submitted": "not submitted", "unreadable": "unreadable", "wrong_assignment": "unreadable",
                  "grader_failed": "grader failed", "process_died": "crash"}
#: The flag a cell's note raises (a cell that raised NotImplementedError is an unfinished exercise: no flag).
NOTE_FLAGS = {"cell_timeout": "timeout", "cell_crashed": "crash", "cell_raised": "error", "test_failed": "grader failed",
              "budget_spent": "timeout"}
#: The flag a failed property raises, and what happened: a call ran out of time, took the worker down,
#: or returned an object that is no value at all (a forged one), not a number, an array or a container.
FAILURE_FLAGS = {"timeout": ("timeout", "ran for longer than its time limit"),
                 "crashed": ("crash", "took the worker down"),
                 "bad_value": ("bad value", "returned something that is not a number, an array or a container")}
#: Longest detail of a flag.
DETAIL_CHARS = 200
COLORS = {"bar": "#3b6ea8", "full": "#2a9d6f", "part": "#e0a030", "none": "#c8553d", "grid": "#dddddd"}
STYLE = Path(__file__).parent / "templates" / "report.css"


class Flag(NamedTuple):
    """Something a TA should look at: ``kind`` (e.g. ``"timeout"``) and where and what, in a line."""

    kind: str
    detail: str


class Row(NamedTuple):
    """One student's line of the report."""

    student: str
    score: float
    max_score: float
    seconds: float
    flags: list[Flag]
    notebooks: list[str]


def flags(result: StudentResult) -> list[Flag]:
    """Why a submission needs a look: notebooks not graded, then each cell's timeouts, crashes and errors."""
    found = []
    for name, notebook in result.notebooks.items():
        if notebook.notes:
            found.append(Flag(NOTEBOOK_FLAGS.get(notebook.notes[0].kind, "unreadable"),
                              notebook_error(notebook, name) or ""))
            continue
        found += [flag for gid, cell in notebook.cells.items() for flag in _cell_flags(gid, cell)]
    return list(dict.fromkeys(found))


def _cell_flags(grade_id: str, cell: CellResult) -> list[Flag]:
    """At most one flag of each kind per cell: the notes on the cells before it, then the failed checks."""
    found: dict[str, Flag] = {}
    for note in cell.notes:
        if note.kind in NOTE_FLAGS:
            found.setdefault(NOTE_FLAGS[note.kind], Flag(NOTE_FLAGS[note.kind], f"{grade_id}: {_gist(note)}"))
    for check in cell.checks:
        for prop in check.properties:
            if not prop.passed and prop.failure in FAILURE_FLAGS:
                kind, what = FAILURE_FLAGS[prop.failure]
                found.setdefault(kind, Flag(kind, f"{grade_id}: {check.function} {what}"))
    return list(found.values())


def _gist(note: Note) -> str:
    """A note in a line: "cell X raised <the exception line>", "cell X stopped the worker: <why>"."""
    lines = [line.strip() for line in note.detail.splitlines() if line.strip()] or [""]
    if note.kind == "cell_raised":
        line = f"cell {note.cell} raised {lines[-1].rstrip(':')}"
    elif note.kind == "test_failed":
        line = f"test cell {note.cell} could not run: {lines[-1]}"
    else:
        line = f"cell {note.cell} stopped the worker: {lines[0]}"
    return line if len(line) <= DETAIL_CHARS else line[:DETAIL_CHARS - 3] + "..."


def rows(results: Mapping[str, StudentResult]) -> list[Row]:
    return [Row(student, r.score, r.max_score, r.seconds, flags(r), list(r.notebooks))
            for student, r in sorted(results.items())]


class Exercise(NamedTuple):
    """A graded cell across the class: full marks and mean score among the notebooks that were graded."""

    notebook: str
    grade_id: str
    max_score: float
    graded: int
    full: int
    mean: float


def exercises(results: Mapping[str, StudentResult]) -> list[Exercise]:
    """Every autograded cell, in notebook order, with its pass rate over the gradable notebooks."""
    cells: dict[tuple[str, str], list[CellResult]] = {}
    for result in results.values():
        for name, notebook in result.notebooks.items():
            for gid, cell in notebook.cells.items():
                if not notebook.notes and cell.status != "manual":
                    cells.setdefault((name, gid), []).append(cell)
    return [Exercise(name, gid, graded[0].max_score, len(graded), sum(c.score >= c.max_score for c in graded),
                     statistics.fmean(c.score for c in graded)) for (name, gid), graded in cells.items()]


class Diagnosis(NamedTuple):
    """A diagnosed mistake: the students whose checks it names, and one failing example (a student's, its message)."""

    function: str
    message: str
    students: list[str]
    example: tuple[str, str]


def _diagnosed(result: StudentResult) -> Iterable[tuple[str, PropertyResult]]:
    """``(function, property)`` of every property of the student's checks that carries a diagnosis."""
    return [(check.function, prop) for notebook in result.notebooks.values() for cell in notebook.cells.values()
            for check in cell.checks for prop in check.properties if prop.diagnosis]


def named_mistakes(function: str, diagnosis: str | None) -> list[Mistake]:
    """The catalogued mistakes of ``function`` that a property's ``diagnosis`` names (it quotes their messages)."""
    from autograder.mistakes import mistakes_of

    return [m for m in mistakes_of(function) if diagnosis and m.message in diagnosis]


def names(result: StudentResult, mistake: Mistake) -> bool:
    """Whether the hidden checks' diagnosis of ``mistake.function`` in ``result`` names ``mistake``."""
    return any(mistake in named_mistakes(function, prop.diagnosis) for function, prop in _diagnosed(result)
               if function == mistake.function)


def diagnoses(results: Mapping[str, StudentResult]) -> list[Diagnosis]:
    """The mistakes the hidden checks named, most frequent first, each counted once per student."""
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for student, result in sorted(results.items()):
        for function, prop in _diagnosed(result):
            seen.setdefault((function, prop.diagnosis or ""), {}).setdefault(student, prop.message)
    found = [Diagnosis(function, message, sorted(who), next(iter(who.items()))) for (function, message), who in seen.items()]
    return sorted(found, key=lambda d: (-len(d.students), d.function, d.message))


# --- item analysis --------------------------------------------------------------------------

class CheckRate(NamedTuple):
    """One check (a function's visible or hidden check) across the class: how many graded notebooks passed it."""

    function: str
    kind: str
    graded: int
    passed: int


def _checks(result: StudentResult) -> list[CheckResult]:
    """The checks of the notebooks that were graded, in notebook order."""
    return [check for notebook in result.notebooks.values() if not notebook.notes
            for cell in notebook.cells.values() for check in cell.checks]


def check_rates(results: Mapping[str, StudentResult]) -> list[CheckRate]:
    """Every check that ran, in notebook order, with the number of students who passed it."""
    runs: dict[tuple[str, str], list[bool]] = {}
    for result in results.values():
        for check in _checks(result):
            runs.setdefault((check.function, check.kind), []).append(check.passed)
    return [CheckRate(function, kind, len(passed), sum(passed)) for (function, kind), passed in runs.items()]


class Group(NamedTuple):
    """Students with the same failure signature: the checks they fail (``function (kind)``), the diagnoses
    shared by most of them, and who they are."""

    signature: tuple[str, ...]
    diagnoses: list[str]
    students: list[str]


def groups(results: Mapping[str, StudentResult]) -> list[Group]:
    """The students of graded submissions that fail some check, grouped by which checks fail; largest first."""
    members: dict[tuple[str, ...], list[str]] = {}
    for student, result in sorted(results.items()):
        failed = tuple(dict.fromkeys(f"{c.function} ({c.kind})" for c in _checks(result) if not c.passed))
        if failed:
            members.setdefault(failed, []).append(student)
    found = [Group(signature, _shared(results, who), who) for signature, who in members.items()]
    return sorted(found, key=lambda g: (-len(g.students), g.signature))


def _shared(results: Mapping[str, StudentResult], students: list[str]) -> list[str]:
    """The diagnoses named for at least half of ``students``, most frequent first."""
    counts = Counter(diagnosis for student in students
                     for diagnosis in {f"{function}: {prop.diagnosis}" for function, prop in _diagnosed(results[student])})
    return [diagnosis for diagnosis, n in counts.most_common() if 2 * n >= len(students)]


# --- plots ---------------------------------------------------------------------------------

def _svg(figure: Any) -> str:
    """A matplotlib figure as an inline ``<svg>`` element (text kept as text, no date, fixed ids)."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "report"}):  # the same grades, the same page
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(width, height), dpi=100)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_axisbelow(True)
    return figure, axes


def score_plot(table: list[Row]) -> str:
    """Histogram of the total scores, in percent of the maximum (10 bins)."""
    figure, axes = _figure(6, 3)
    percents = [100 * r.score / r.max_score if r.max_score else 0.0 for r in table]
    axes.hist(percents, bins=[i * 10 for i in range(11)], color=COLORS["bar"], edgecolor="white")
    axes.set_xlabel("total score (% of the maximum)")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="y", color=COLORS["grid"])
    axes.set_xlim(0, 100)
    return _svg(figure)


def pass_rate_plot(rates: list[Exercise]) -> str:
    """One horizontal bar per exercise: the share of graded notebooks with full marks."""
    figure, axes = _figure(6, 0.8 + 0.28 * len(rates))
    shares = [100 * e.full / e.graded if e.graded else 0.0 for e in rates]
    colors = [COLORS["full"] if s >= 80 else COLORS["part"] if s >= 50 else COLORS["none"] for s in shares]
    labels = [e.grade_id.removeprefix("test_") for e in rates]
    axes.barh(range(len(rates)), shares, color=colors)
    axes.set_yticks(range(len(rates)), labels, fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("students with full marks (% of the graded notebooks)")
    axes.grid(axis="x", color=COLORS["grid"])
    return _svg(figure)


def time_plot(table: list[Row]) -> str:
    """The grading time of each submission, longest first; flagged ones in red (names up to 60 students)."""
    ordered = sorted(table, key=lambda r: -r.seconds)
    figure, axes = _figure(6, 0.8 + 0.22 * min(len(ordered), 60))
    colors = [COLORS["none"] if r.flags else COLORS["bar"] for r in ordered]
    axes.barh(range(len(ordered)), [r.seconds for r in ordered], color=colors)
    if len(ordered) <= 60:
        axes.set_yticks(range(len(ordered)), [r.student for r in ordered], fontsize=8)
    else:
        axes.set_yticks([])
    axes.invert_yaxis()
    axes.set_xlabel("seconds (red: a submission to look at)")
    axes.grid(axis="x", color=COLORS["grid"])
    return _svg(figure)


# --- the page ------------------------------------------------------------------------------

def page(assignment: str, results: Mapping[str, StudentResult], *, feedback_base: str = "") -> str:
    """The whole report as one HTML document."""
    table = rows(results)
    if not table:
        return _document(assignment, "<p>No graded submission yet: run <code>autograder grade "
                                     f"{escape(assignment)}</code> first.</p>")
    rates = exercises(results)
    body = "\n".join([
        _cards(table),
        _section("Total scores", score_plot(table)),
        _section("Pass rate per exercise", pass_rate_plot(rates) + _rates_table(rates)) if rates else "",
        _section("Most frequent diagnosed mistakes", _mistakes_table(diagnoses(results))),
        _section("Item analysis: students who pass each check", _checks_table(check_rates(results))),
        _section("Students grouped by the checks they fail", _groups_table(groups(results))),
        _section("Submissions to look at", _flags_table(table, assignment, feedback_base)),
        _section("Grading time per submission", time_plot(table)),
        _section("Every student", _students_table(table, assignment, feedback_base)),
    ])
    return _document(assignment, body)


def _document(assignment: str, body: str) -> str:
    title = f"{escape(assignment)}: grading report"
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<style>{STYLE.read_text()}</style></head>\n<body><main><h1>{title}</h1>\n{body}\n</main></body></html>\n")


def _section(title: str, content: str) -> str:
    return f'<section><h2>{escape(title)}</h2>\n{content}\n</section>'


def _cards(table: list[Row]) -> str:
    """The numbers at the top: students, submitted, mean and median score, flagged, grading time."""
    submitted = [r for r in table if not any(f.kind == "not submitted" for f in r.flags)]
    percents = [100 * r.score / r.max_score for r in submitted if r.max_score] or [0.0]
    cards = (("students", f"{len(table)}"), ("submitted", f"{len(submitted)}"),
             ("mean score", f"{statistics.fmean(percents):.0f}%"),
             ("median score", f"{statistics.median(percents):.0f}%"),
             ("to look at", f"{sum(bool(r.flags) for r in table)}"),
             ("grading time", f"{sum(r.seconds for r in table):.0f} s"))
    items = "".join(f'<div class="card"><div class="value">{value}</div><div class="label">{label}</div></div>'
                    for label, value in cards)
    return f'<div class="cards">{items}</div>'


def _rates_table(rates: list[Exercise]) -> str:
    body = "".join(f"<tr><td>{escape(e.grade_id)}</td><td>{escape(e.notebook)}</td>"
                   f"<td class=num>{e.full}/{e.graded}</td>"
                   f"<td class=num>{e.mean:.2f} / {e.max_score:g}</td></tr>" for e in rates)
    return ('<details><summary>as a table</summary><table><thead><tr><th>cell</th><th>notebook</th>'
            f"<th>full marks</th><th>mean score</th></tr></thead><tbody>{body}</tbody></table></details>")


def _mistakes_table(found: list[Diagnosis], limit: int = 5) -> str:
    if not found:
        return "<p>The hidden checks diagnosed no catalogued mistake.</p>"
    body = "".join(f"<tr><td class=num>{len(d.students)}</td><td><code>{escape(d.function)}</code></td>"
                   f"<td>{escape(d.message)}</td><td class=who>{escape(_names(d.students))}</td>"
                   f"<td><details><summary>{escape(d.example[0])}</summary><pre>{escape(d.example[1])}</pre>"
                   "</details></td></tr>" for d in found[:limit])
    more = f"<p>and {len(found) - limit} more.</p>" if len(found) > limit else ""
    return _table(("students", "function", "diagnosis", "who", "example"), body) + more


def _table(headers: Sequence[str], body: str) -> str:
    """A table of ``headers`` over the rows ``body`` (``<tr>`` elements)."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _checks_table(rates: list[CheckRate]) -> str:
    if not rates:
        return "<p>No check ran.</p>"
    body = "".join(f"<tr><td><code>{escape(r.function)}</code></td><td>{escape(r.kind)}</td>"
                   f"<td class=num>{r.passed}/{r.graded}</td><td class=num>{100 * r.passed / r.graded:.0f}%</td></tr>"
                   for r in rates)
    return _table(("function", "check", "passed", "share"), body)


def _groups_table(found: list[Group]) -> str:
    if not found:
        return "<p>Every graded submission passes every check.</p>"
    body = "".join(f"<tr><td class=num>{len(g.students)}</td><td>{escape(', '.join(g.signature))}</td>"
                   f"<td>{'<br>'.join(escape(d) for d in g.diagnoses) or 'no diagnosis'}</td>"
                   f"<td class=who>{escape(', '.join(g.students))}</td></tr>" for g in found)
    return _table(("students", "checks failed", "diagnosis", "who"), body)


def _names(students: list[str], shown: int = 4) -> str:
    return ", ".join(students[:shown]) + (f" and {len(students) - shown} more" if len(students) > shown else "")


def _flags_table(table: list[Row], assignment: str, base: str) -> str:
    flagged = [r for r in table if r.flags]
    if not flagged:
        return "<p>Every submission ran to the end: no timeout, crash, error or missing notebook.</p>"
    body = "".join(f"<tr><td>{_student_link(r, assignment, base)}</td><td>{_badges(r.flags)}</td>"
                   f"<td><ul>{''.join(f'<li>{escape(line)}</li>' for line in _grouped(r.flags))}</ul></td></tr>"
                   for r in flagged)
    return f"<table><thead><tr><th>student</th><th>flags</th><th>details</th></tr></thead><tbody>{body}</tbody></table>"


def _grouped(found: list[Flag], shown: int = 3) -> list[str]:
    """One line per kind of flag: its first details, and how many more cells have it."""
    by_kind: dict[str, list[str]] = {}
    for flag in found:
        by_kind.setdefault(flag.kind, []).append(flag.detail)
    return [line for details in by_kind.values() for line in details[:shown]]  \
        + [f"... and {len(d) - shown} more cells like these" for d in by_kind.values() if len(d) > shown]


def _badges(found: list[Flag]) -> str:
    kinds = Counter(f.kind for f in found)
    return " ".join(f'<span class="badge {kind.replace(" ", "-")}">{escape(kind)}'
                    + (f" &times;{n}" if n > 1 else "") + "</span>" for kind, n in kinds.items())


def _student_link(row: Row, assignment: str, base: str) -> str:
    if not base or not row.notebooks:
        return escape(row.student)
    return f'<a href="{escape(base)}/{escape(row.student)}/{escape(assignment)}/{escape(row.notebooks[0])}.html">' \
           f"{escape(row.student)}</a>"


def _students_table(table: list[Row], assignment: str, base: str) -> str:
    body = "".join(f"<tr><td>{_student_link(r, assignment, base)}</td>"
                   f"<td class=num>{r.score:.1f} / {r.max_score:g}</td>"
                   f"<td class=num>{r.seconds:.1f} s</td><td>{_badges(r.flags)}</td></tr>" for r in table)
    return ("<table><thead><tr><th>student</th><th>score</th><th>grading time</th><th>flags</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")


def write(root: Path, assignment: str, path: Path | None = None) -> Path:
    """Write the report (default ``<root>/reports/<assignment>.html``), linking each student to the feedback."""
    path = path or root / "reports" / f"{assignment}.html"
    feedback = root / "feedback"
    base = Path(os.path.relpath(feedback.resolve(), path.parent.resolve())).as_posix()
    store.write_atomic(path, page(assignment, store.load_all(root, assignment), feedback_base=base))
    return path
