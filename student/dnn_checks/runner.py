"""Running one property: hypothesis under a fixed profile, or a list of fixed cases.

A property is ``test(student, **example)``: it calls the student's functions through
``student.call`` (or ``student.record``) and raises :class:`~dnn_checks.compare.Failed` when
the maths does not hold. The runner turns anything that goes wrong (a ``StudentFailure``, a
``Failed``, any exception while reading the result) into a failed :class:`Outcome` whose message
starts with the failing input, shrunk by hypothesis to the smallest when asked. The examples are
drawn once per process (seeded by the property's key) and replayed for every student. A
timeout or a crashed worker stops at once; a shrink stops after ``SHRINK_ATTEMPTS`` more
examples or ``SHRINK_CALLS`` more calls. A property that could try no example at all (every
one set aside by ``hypothesis.assume``, or none drawn) fails. What a failure keeps for the
diagnosis is bounded: at most ``KEPT_CALLS`` calls, outputs of at most ``KEPT_ELEMENTS`` numbers.
"""

from __future__ import annotations

import contextlib
import copy
import re
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import UnsatisfiedAssumption
from hypothesis.internal.conjecture import providers

from dnn_checks.calls import Call
from dnn_checks.compare import Failed
from dnn_checks.expected import EXPECTED
from dnn_checks.results import MESSAGE_CHARS, NOT_DEFINED, NOT_IMPLEMENTED, Failure, Needs
from dnn_checks.strategies import named
from dnn_checks.student import (
    BadValue,
    ChangedArgument,
    MissingFunction,
    Student,
    StudentCrash,
    StudentError,
    StudentFailure,
    StudentTimeout,
)
from dnn_checks.values import describe

#: The grading profile: the same examples on every run and machine, nothing written to disk.
PROFILE = settings(
    derandomize=True, database=None, deadline=None, max_examples=6, verbosity=Verbosity.quiet,
    suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.generate, Phase.shrink),
    report_multiple_bugs=False, print_blob=False,
)
#: Examples tried, and student calls made, after the first failure to shrink it (bounds a wrong function's time).
SHRINK_ATTEMPTS = 20
SHRINK_CALLS = 120
#: What a failed Outcome keeps of the calls it made, for the diagnosis: so many calls, outputs of so many numbers.
KEPT_CALLS = 32
KEPT_ELEMENTS = 1_000_000
#: The message of a property that could not try a single example.
NO_EXAMPLE = ("not one input could be tried (each was set aside as unsuitable), so this cannot be judged: "
              "it earns nothing")

Test = Callable[..., None]
#: A property's inputs: named strategies, or one strategy of dicts (for inputs drawn together).
Given = Mapping[str, st.SearchStrategy] | st.SearchStrategy
#: A traceback line that names a frame's function: '  File "<cell 3>", line 2, in relu'.
_FRAME = re.compile(r'^\s*File ".*", line \d+, in (\w+)$', re.MULTILINE)
#: The message of a NameError: the student function called a name that is not defined (yet).
_UNDEFINED = re.compile(r"name '(\w+)' is not defined")


@dataclass(frozen=True)
class Case:
    """A fixed input of a property (not drawn by hypothesis): its named ``inputs`` (``EXPECTED`` among them
    for a stored case) and the title its failure is shown under."""

    inputs: Mapping[str, Any]
    title: str = "on the input:"


@dataclass(frozen=True)
class Summary:
    """What a failed Outcome keeps of an output too large to keep: its description."""

    text: str


@dataclass(frozen=True)
class Outcome:
    """A property's verdict; ``fatal`` when the student's process timed out or died (stop calling it);
    ``needs`` when it failed because a student function is not defined or not implemented yet;
    ``failure`` says why it failed.

    ``calls`` are those of the failing input the message shows; ``seen``, those of the other
    failing inputs met (the example hypothesis found before shrinking it): the diagnosis uses all.
    """

    passed: bool
    message: str = ""
    calls: tuple[Call, ...] = ()
    fatal: bool = False
    needs: Needs | None = None
    seen: tuple[tuple[Call, ...], ...] = ()
    failure: Failure | None = None

    @property
    def shrinkable(self) -> bool:
        """Failed on what the student's code did (not a function missing or unfinished, not a dead process):
        a failure whose input hypothesis can shrink."""
        return not self.passed and not self.fatal and self.needs is None


@dataclass
class RecordingStudent:
    """A Student whose calls all get ``substitutes`` and are recorded (for the diagnosis)."""

    student: Student
    substitutes: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    made: int = 0

    def has(self, name: str) -> bool:
        return self.student.has(name)

    def call(self, name: str, *args: Any, opaque: Sequence[int] = (), **kwargs: Any) -> Any:
        """The output of ``name(*args, **kwargs)`` (see :meth:`record`)."""
        return self.record(name, *args, opaque=opaque, **kwargs).output

    def record(self, name: str, *args: Any, opaque: Sequence[int] = (), **kwargs: Any) -> Call:
        """The record of the call: its output, and the states of the arguments it was allowed to change."""
        self.made += 1
        try:
            call = self.student.record(name, *args, substitutes=self.substitutes, opaque=opaque, **kwargs)
        except ChangedArgument as exc:
            self.calls.append(exc.call)
            raise
        self.calls.append(call)
        return call

    def stands_for(self, *args: Any) -> None:
        """For the diagnosis: the last call's input was equal to ``args`` (trusted values in place of an
        opaque one, such as the reference's batch-norm cache in place of the student's)."""
        self.calls[-1] = replace(self.calls[-1], args=args)


class _Stop(BaseException):
    """Ends a hypothesis search at once (hypothesis lets BaseException through)."""


def as_strategy(given_: Given) -> st.SearchStrategy[dict[str, Any]]:
    """One strategy of input dicts, in the order of ``given_``."""
    return named(given_) if isinstance(given_, Mapping) else given_


def run_property(test: Test, student: Student, *, key: str, given_: st.SearchStrategy | None = None,
                 cases: Sequence[Case | Mapping[str, Any]] = (), max_examples: int | None = None,
                 substitutes: Mapping[str, Callable[..., Any]] | None = None, shrink: bool = True) -> Outcome:
    """Run ``test`` on the fixed ``cases``, then on hypothesis examples of ``given_``; seeded by ``key``.

    The examples are drawn once per process and replayed; only a failure runs hypothesis
    again, to ``shrink`` it (it meets the same examples first, so the verdict is the same).
    Fails when not one case or example could be tried.
    """
    recorder = RecordingStudent(student, dict(substitutes or {}))
    tried = 0
    for case in (c if isinstance(c, Case) else Case(c) for c in cases):
        try:
            failure = _attempt(test, recorder, case.inputs, case.title)
        except UnsatisfiedAssumption:
            continue
        tried += 1
        if failure:
            return failure
    search = None if given_ is None else _Search(given_, key, max_examples or PROFILE.max_examples)
    for example in search.examples() if search else ():
        try:
            failure = _attempt(test, recorder, example, "failing input:")
        except UnsatisfiedAssumption:
            continue
        tried += 1
        if failure:
            shrunk = search.shrink(test, recorder) if shrink and failure.shrinkable else None
            return replace(shrunk, seen=(failure.calls,)) if shrunk else failure
    return Outcome(True) if tried else Outcome(False, NO_EXAMPLE, failure="no_example")


def draw_examples(given_: st.SearchStrategy, *, key: str, max_examples: int | None = None) -> list[dict[str, Any]]:
    """The examples ``run_property`` replays for ``key`` (drawn once per process, then kept).

    A grading process draws them for every property before its first notebook (``Registry.warm``).
    """
    return _Search(given_, key, max_examples or PROFILE.max_examples).examples()


def keep_examples(given_: st.SearchStrategy, *, key: str, examples: list[dict[str, Any]]) -> None:
    """Replay ``examples`` for ``key`` in this process instead of drawing them: what ``draw_examples`` gave
    another process with the same hypothesis, numpy and checks (a grading process's stored examples)."""
    _drawn[(key, id(given_))] = (given_, examples)


#: Examples drawn so far: (key, id(strategy)) -> (strategy, examples); the strategy is kept so its id stays unique.
_drawn: dict[tuple[str, int], tuple[st.SearchStrategy, list[dict[str, Any]]]] = {}


@dataclass(frozen=True)
class _Search:
    strategy: st.SearchStrategy
    key: str
    max_examples: int

    def _run(self, attempt: Callable[[dict[str, Any]], None]) -> None:
        hypothesis_test = given(example=self.strategy)(attempt)
        profile = settings(PROFILE, max_examples=self.max_examples)
        with _no_local_constants():
            seed(zlib.crc32(self.key.encode()))(profile(hypothesis_test))()

    def examples(self) -> list[dict[str, Any]]:
        """The examples hypothesis generates when every one passes, in order (drawn once per process)."""
        entry = (self.key, id(self.strategy))
        if entry not in _drawn:
            examples: list[dict[str, Any]] = []
            try:
                self._run(lambda example: examples.append(copy.deepcopy(example)))
            except Exception:  # noqa: BLE001 - too few valid examples (filters): judge on those drawn
                pass
            _drawn[entry] = (self.strategy, examples)
        return _drawn[entry][1]

    def shrink(self, test: Test, recorder: RecordingStudent) -> Outcome | None:
        """The smallest failure: the last one hypothesis meets, since it replays the shrunk example last.

        Hypothesis's search is a function of what each attempt gives back to it (pass, fail, set aside, stop)
        and of the calls the attempt made (which the search's bound counts): a student whose function gives,
        step for step, what another's gave on a search already made follows that search, replayed from
        ``_SEARCHES`` without hypothesis's engine (most of a shrink's time); at the first step that differs,
        hypothesis searches anew (and that search is kept too). Same steps, same result: a pure cache.
        """
        tree = _SEARCHES.setdefault((self.key, id(self.strategy), tuple(sorted(recorder.substitutes))), _Step())
        replayed = _ShrinkState(test, recorder)
        node: _Step | None = tree
        while node is not None and node.example is not None:
            verdict, _ = replayed.step(node.example)
            if verdict[0] in ("fatal", "stop"):  # hypothesis stops there too, kept or not: no call after a timeout
                return replayed.smallest()
            node = node.next.get(verdict)
            if node is _END:
                return replayed.smallest()
        state, path = _ShrinkState(test, recorder), []

        def attempt(example: dict[str, Any]) -> None:
            kept = copy.deepcopy(example)
            verdict, raised = state.step(example)
            path.append((kept, verdict))
            if raised is not None:
                raise raised
        try:
            self._run(attempt)
        except (_Stop, Exception):  # the failure hypothesis re-raises (or a Flaky one) is already in ``found``
            pass
        _keep(tree, path)
        return state.smallest()


#: A step's verdict: what the attempt gave hypothesis, and how many student calls it made.
Verdict = tuple[str, int]


@dataclass
class _Step:
    """A node of a kept shrink search: the example hypothesis tries at this step, and the step after it by the
    verdict (``_END`` when hypothesis stopped there)."""

    example: dict[str, Any] | None = None
    next: dict[Verdict, _Step] = field(default_factory=dict)


_END = _Step()
#: The shrink searches made in this process, by property, strategy and substituted callees; at most
#: ``KEPT_STEPS`` steps in all (past that, all are dropped and kept anew).
_SEARCHES: dict[tuple[str, int, tuple[str, ...]], _Step] = {}
KEPT_STEPS = 5_000
_kept_steps = [0]


def _keep(tree: _Step, path: list[tuple[dict[str, Any], Verdict]]) -> None:
    """Add the steps of a search to its tree (the same verdicts so far give the same next example)."""
    if _kept_steps[0] + len(path) > KEPT_STEPS:
        _SEARCHES.clear()
        _kept_steps[0] = 0
        return
    node = tree
    for i, (example, verdict) in enumerate(path):
        if node is _END:
            return
        if node.example is None:
            node.example, _kept_steps[0] = example, _kept_steps[0] + 1
        node = node.next.setdefault(verdict, _END if i == len(path) - 1 else _Step())


@dataclass
class _ShrinkState:
    """What one shrink has met: the last failure (``found``), the attempts since the first one, its first call."""

    test: Test
    recorder: RecordingStudent
    found: list[Outcome] = field(default_factory=list)
    attempts: int = 0
    first_call: int = 0

    def step(self, example: dict[str, Any]) -> tuple[Verdict, BaseException | None]:
        """Try ``example`` within the shrink's bounds: the verdict, and what to raise to hypothesis."""
        self.attempts += 1 if self.found else 0
        if self.attempts > SHRINK_ATTEMPTS or (self.found and self.recorder.made > self.first_call + SHRINK_CALLS):
            return ("stop", 0), _Stop()
        before = self.recorder.made
        try:
            failure = _attempt(self.test, self.recorder, example, "smallest failing input:")
        except UnsatisfiedAssumption as exc:
            return ("set aside", self.recorder.made - before), exc
        made = self.recorder.made - before
        if not failure:
            return ("passed", made), None
        self.first_call = self.first_call or self.recorder.made
        self.found[:] = [failure]
        return ("fatal", made) if failure.fatal else ("failed", made), \
            _Stop() if failure.fatal else Failed(failure.message)

    def smallest(self) -> Outcome | None:
        return self.found[-1] if self.found else None


@contextlib.contextmanager
def _no_local_constants() -> Iterator[None]:
    """Hypothesis sometimes draws constants found in the source of "local" modules (any module
    outside site-packages), caching them in ./.hypothesis: the examples would then depend on
    what is installed where and imported when. Without them they depend only on the key.
    (A private hook of the exactly pinned hypothesis version.)"""
    saved = providers._get_local_constants
    providers._get_local_constants = _NO_CONSTANTS
    try:
        yield
    finally:
        providers._get_local_constants = saved


def _NO_CONSTANTS() -> providers.Constants:  # noqa: N802 - stands in for hypothesis's function
    return providers.Constants()


def _attempt(test: Test, recorder: RecordingStudent, example: Mapping[str, Any], title: str) -> Outcome | None:
    """None when ``test`` passes on ``example``; else a failed Outcome showing the example under ``title``.

    ``hypothesis.assume`` in a test skips the example (off the ReLU kink, for instance).
    """
    recorder.calls.clear()
    fatal, needs = False, None
    try:
        test(recorder, **copy.deepcopy(dict(example)))
        return None
    except UnsatisfiedAssumption:
        raise
    except (StudentTimeout, StudentCrash) as exc:
        message, fatal = str(exc), True
        failure: Failure = "timeout" if isinstance(exc, StudentTimeout) else "crashed"
    except (Failed, StudentFailure) as exc:
        message, needs = str(exc), _needs(exc, recorder)
        failure = _failure(exc, needs)
    except Exception as exc:  # noqa: BLE001 - a result the check cannot read is a failed property
        message, failure = f"the check could not use the result ({type(exc).__name__}: {exc})", "unusable"
    shown = format_example({k: v for k, v in example.items() if k != EXPECTED}, title)
    return Outcome(False, bounded(f"{shown}\n{message}"), kept(recorder.calls), fatal, needs, failure=failure)


def bounded(message: str) -> str:
    """``message``, cut to ``MESSAGE_CHARS`` with a visible marker."""
    marker = "\n… (truncated)"
    return message if len(message) <= MESSAGE_CHARS else message[:MESSAGE_CHARS - len(marker)] + marker


def kept(calls: Sequence[Call]) -> tuple[Call, ...]:
    """The calls a failed Outcome keeps: the last ``KEPT_CALLS``, outputs over ``KEPT_ELEMENTS`` numbers summarized."""
    return tuple(call if _elements(call.output) + _elements(call.changed) <= KEPT_ELEMENTS
                 else replace(call, output=Summary(describe(call.output)), changed={})
                 for call in calls[-KEPT_CALLS:])


def _elements(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return value.size
    if isinstance(value, Mapping):
        value = list(value.values())
    return sum(_elements(v) for v in value) if isinstance(value, (list, tuple)) else 1


def _failure(exc: Exception, needs: Needs | None) -> Failure:
    """Why a property failed, from what was raised (a function not there yet first)."""
    if needs is not None:
        return "missing" if needs.why == NOT_DEFINED else "not_implemented"
    for kind, failure in ((StudentError, "error"), (BadValue, "bad_value"), (ChangedArgument, "changed_argument")):
        if isinstance(exc, kind):
            return failure
    return "wrong"


def _needs(failure: Exception, student: RecordingStudent) -> Needs | None:
    """The student function ``failure`` shows is not there yet: a name not defined (checked for,
    or called inside the student's code: a NameError), or a stub that raises NotImplementedError
    (the innermost frame of the traceback that is one of the student's functions: a function
    calling an unimplemented one needs that one first)."""
    if isinstance(failure, MissingFunction):
        return Needs(failure.function, NOT_DEFINED)
    if not isinstance(failure, StudentError):
        return None
    undefined = _UNDEFINED.fullmatch(failure.message) if failure.exc_type == "NameError" else None
    if undefined:
        return Needs(undefined[1], NOT_DEFINED)
    if failure.exc_type != "NotImplementedError":
        return None
    frames = [name for name in _FRAME.findall(failure.tb) if student.has(name)]
    return Needs(frames[-1] if frames else failure.function, NOT_IMPLEMENTED)


def format_example(example: Mapping[str, Any], title: str) -> str:
    """``title`` and one ``name = value`` line per input: arrays with their shape and a few rows, the items of
    a tuple, list or dict one per line."""
    return "\n".join([title, *(f"    {name} = {_show(value, 4 + len(name) + 3)}" for name, value in example.items())])


def _show(value: Any, indent: int) -> str:
    """``value`` as a student reads it, its continuation lines indented by ``indent``."""
    if isinstance(value, np.random.Generator):
        return "numpy.random.default_rng(...)"
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=4, threshold=16, edgeitems=2, max_line_width=80,
                               prefix=" " * indent)
        return f"{text}  (shape {value.shape})" if value.ndim else text
    items = (value.items() if isinstance(value, Mapping) else enumerate(value)
             if isinstance(value, (tuple, list)) else None)
    if items is None:
        return repr(value)
    lines = [f"        [{key!r}] {_show(item, 8 + len(repr(key)) + 3)}" for key, item in items]
    return f"{type(value).__name__} of {len(lines)}:\n" + "\n".join(lines)
