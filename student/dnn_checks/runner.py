"""Running one property: hypothesis under a fixed profile, or a list of stored cases.

A property is ``test(student, **example)``: it calls the student's functions through
``student.call`` and raises :class:`~dnn_checks.compare.Failed` when the maths does not
hold. The runner turns anything that goes wrong (a ``StudentFailure``, a ``Failed``, any
exception while reading the result) into a failed :class:`Outcome` whose message starts
with the smallest failing input that hypothesis found. A timeout or a crashed worker stops
the search at once; so does a shrink that runs past ``SHRINK_BUDGET`` more calls.
"""

from __future__ import annotations

import copy
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st

from dnn_checks.compare import Failed
from dnn_checks.student import Student, StudentCrash, StudentFailure, StudentTimeout

#: The grading profile: the same examples on every run and machine, nothing written to disk.
PROFILE = settings(
    derandomize=True, database=None, deadline=None, max_examples=8, verbosity=Verbosity.quiet,
    suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.generate, Phase.shrink),
    report_multiple_bugs=False, print_blob=False,
)
#: Calls allowed after the first failure, to shrink it.
SHRINK_BUDGET = 60

Test = Callable[..., None]
#: A property's inputs: named strategies, or one strategy of dicts (for inputs drawn together).
Given = Mapping[str, st.SearchStrategy] | st.SearchStrategy
#: The name of a stored case's answer: not shown among its inputs.
EXPECTED = "expected"


@dataclass(frozen=True)
class Call:
    """One call of a student function: arguments as they were before the call, and the result."""

    function: str
    args: tuple
    output: Any


@dataclass(frozen=True)
class Outcome:
    """A property's verdict; ``fatal`` when the student's process timed out or died (stop calling it)."""

    passed: bool
    message: str = ""
    calls: tuple[Call, ...] = ()
    fatal: bool = False


@dataclass
class RecordingStudent:
    """A Student whose calls all get ``substitutes`` and are recorded (for the diagnosis)."""

    student: Student
    substitutes: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    count: int = 0

    def has(self, name: str) -> bool:
        return self.student.has(name)

    def call(self, name: str, *args: Any, opaque: Sequence[int] = (), **kwargs: Any) -> Any:
        before = copy.deepcopy(args)
        self.count += 1
        result = self.student.call(name, *args, substitutes=self.substitutes, opaque=opaque, **kwargs)
        self.calls.append(Call(name, before, result))
        return result


class _Stop(BaseException):
    """Ends a hypothesis search at once (hypothesis lets BaseException through)."""


def run_property(test: Test, student: Student, *, key: str, given_: Given | None = None,
                 cases: Sequence[Mapping[str, Any]] = (), max_examples: int | None = None,
                 substitutes: Mapping[str, Callable[..., Any]] | None = None) -> Outcome:
    """Run ``test`` on the stored ``cases``, then on hypothesis examples of ``given_``; seeded by ``key``."""
    recorder = RecordingStudent(student, dict(substitutes or {}))
    for case in cases:
        failure = _attempt(test, recorder, case)
        if failure:
            return failure
    if given_ is None:
        return Outcome(True)
    return _search(test, recorder, given_, key, max_examples)


def _search(test: Test, recorder: RecordingStudent, given_: Given, key: str,
            max_examples: int | None) -> Outcome:
    """The last failure hypothesis meets is the smallest: it replays the shrunk example last."""
    found: list[Outcome] = []
    budget: list[int] = []

    def attempt(example: dict[str, Any]) -> None:
        if budget and recorder.count > budget[0]:
            raise _Stop
        failure = _attempt(test, recorder, example)
        if failure:
            found.append(failure)
            budget.append(recorder.count + SHRINK_BUDGET)
            raise _Stop if failure.fatal else Failed(failure.message)

    strategy = given_
    if isinstance(given_, Mapping):  # hypothesis may reorder a fixed dict's keys: restore the arguments' order
        strategy = st.fixed_dictionaries(dict(given_)).map(lambda drawn: {key: drawn[key] for key in given_})
    hypothesis_test = given(example=strategy)(attempt)
    profile = settings(PROFILE, max_examples=max_examples or PROFILE.max_examples)
    try:
        seed(zlib.crc32(key.encode()))(profile(hypothesis_test))()
    except (_Stop, Exception):  # the failure hypothesis re-raises (or a Flaky one) is already in ``found``
        pass
    return found[-1] if found else Outcome(True)


def _attempt(test: Test, recorder: RecordingStudent, example: Mapping[str, Any]) -> Outcome | None:
    """None when ``test`` passes on ``example``; else a failed Outcome showing the example."""
    shown = format_example({k: v for k, v in example.items() if k != EXPECTED},
                           "on the stored input:" if EXPECTED in example else "smallest failing input:")
    recorder.calls.clear()
    fatal = False
    try:
        test(recorder, **copy.deepcopy(dict(example)))
        return None
    except (StudentTimeout, StudentCrash) as exc:
        message, fatal = str(exc), True
    except (Failed, StudentFailure) as exc:
        message = str(exc)
    except Exception as exc:  # noqa: BLE001 - a result the check cannot read is a failed property
        message = f"the check could not use the result ({type(exc).__name__}: {exc})"
    return Outcome(False, f"{shown}\n{message}", tuple(recorder.calls), fatal)


def format_example(example: Mapping[str, Any], title: str) -> str:
    """``title`` and one ``name = value`` line per input, in numpy's repr."""
    with np.printoptions(precision=6, threshold=60, edgeitems=3, linewidth=88):
        lines = [f"    {name} = {_show(value)}".replace("\n", "\n" + " " * (7 + len(name)))
                 for name, value in example.items()]
    return "\n".join([title, *lines])


def _show(value: Any) -> str:
    if isinstance(value, np.random.Generator):
        return "numpy.random.default_rng(...)"
    return repr(value)
