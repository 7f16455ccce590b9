"""How a check calls a student's function: the narrow interface between checks and student code.

A check never touches a student function directly. It asks a :class:`Student` to call one
by name. The same check then runs in two places:

- in the student's own Jupyter kernel (visible checks): the namespace is the notebook's
  ``globals()`` and the functions are plain Python functions, called in process;
- in the trusted grading process: the namespace holds :class:`RemoteFunction` proxies
  whose calls run in a sandboxed worker that executed the submission (``autograder``
  implements them), and only base values (:mod:`dnn_checks.values`) come back.

Either way a call

- hands the function **copies** of the arguments: the check's own objects never change;
- **observes** what the function changed in place, and applies nothing: the record
  (:class:`~dnn_checks.calls.Call`, from :meth:`Student.record`) holds the state after the call
  of every changed argument; an argument the table allows to change (``graded(f).mutable``: the
  update functions' states, batch norm's ``bn_param``) or a ``numpy.random.Generator`` may change,
  any other change is the failure :class:`ChangedArgument` ("changes its argument X");
- returns base values (``to_base``), with the outputs listed in ``opaque`` returned as a
  :class:`~dnn_checks.values.Handle` that stands for the student's own object (a batch-norm
  cache goes back to the student's ``batchnorm_backward`` untouched);
- can run with ``substitutes``: names the student function looks up as globals
  (``linear_activation_backward`` inside ``L_model_backward``) are bound, for that call
  only, to trusted callables, so each function is judged on its own;
- raises a :class:`StudentFailure` subclass, never anything else, when the student code
  fails: the check turns it into a failed property with the reason.
"""

from __future__ import annotations

import contextlib
import io
import signal
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol, runtime_checkable

import numpy as np

from dnn_checks.calls import Call, Key, observe
from dnn_checks.graded import FUNCTIONS
from dnn_checks.values import Handle, UnsupportedValue, after_call, to_base


class StudentFailure(Exception):
    """The student's code could not produce a value; ``str(self)`` is the reason for feedback."""


class StudentError(StudentFailure):
    """The student function raised. ``exc_type`` is its class name, ``tb`` the student-side traceback text,
    ``line`` where in the student's code it raised (``line 3 of cell In [5], in relu:`` and the code line)."""

    def __init__(self, function: str, exc_type: str, message: str, tb: str = "", line: str = "") -> None:
        super().__init__(f"{function} raised {exc_type}: {message}" + (f"\n{line}" if line else ""))
        self.function, self.exc_type, self.message, self.tb = function, exc_type, message, tb


class StudentTimeout(StudentFailure):
    """The call ran past its time limit (the worker was stopped)."""


class _OutOfTime(BaseException):
    """Raised inside a local call by the alarm of :func:`time_limit` (a BaseException: ``except Exception``
    in the student's code does not catch it)."""


#: How long a local call (a student's Jupyter) may run before it is stopped, in seconds (the grader's limit).
CALL_SECONDS = 10.0


class StudentCrash(StudentFailure):
    """The process running the student's code died (segfault, exit, memory limit)."""


class BadValue(StudentFailure):
    """The student function returned something that is not a base value."""


class MissingFunction(StudentFailure):
    """The name is not defined, or not a function, at this point of the notebook."""

    def __init__(self, function: str) -> None:
        super().__init__(f"`{function}` is not defined (did you run its cell, or rename it?)")
        self.function = function


class ChangedArgument(StudentFailure):
    """The function changed, in place, an argument it must leave as it is; ``call`` is its record."""

    def __init__(self, call: Call, keys: Sequence[Key]) -> None:
        names = [call.argument(key) for key in keys]
        them = "them" if len(names) > 1 else "it"
        allowed = FUNCTIONS[call.function].mutable if call.function in FUNCTIONS else ()
        super().__init__(
            f"{call.function} changes its argument{'s' * (len(names) > 1)} {' and '.join(names)} in place: "
            f"it must leave {them} as it got {them} (compute new arrays, or work on a copy)"
            + (f"; only {' and '.join(allowed)} may change" if allowed else ""))
        self.call, self.arguments = call, tuple(names)


class Returned(NamedTuple):
    """What a remote call gives back: its output (base values) and the states of the arguments it changed."""

    output: Any
    changed: dict[Key, Any]


@runtime_checkable
class RemoteFunction(Protocol):
    """A student function living in another process (implemented by the grader)."""

    name: str

    def remote_call(self, args: tuple, kwargs: dict, *, substitutes: Mapping[str, Callable[..., Any]],
                    opaque: Sequence[int]) -> Returned:
        """Call it, with the semantics described in this module's docstring."""


class Student:
    """The student's functions as seen from a check: ``Student(globals()).call("relu", Z)``."""

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self._namespace = namespace
        self._handles: list[Any] = []

    def has(self, name: str) -> bool:
        return callable(self._namespace.get(name))

    def call(self, name: str, *args: Any, substitutes: Mapping[str, Callable[..., Any]] | None = None,
             opaque: Sequence[int] = (), **kwargs: Any) -> Any:
        """``name(*args, **kwargs)`` as base values; ``opaque`` indexes outputs of a returned tuple."""
        return self.record(name, *args, substitutes=substitutes, opaque=opaque, **kwargs).output

    def record(self, name: str, *args: Any, substitutes: Mapping[str, Callable[..., Any]] | None = None,
               opaque: Sequence[int] = (), **kwargs: Any) -> Call:
        """The record of ``name(*args, **kwargs)``: output and changed arguments as base values.

        ChangedArgument (its ``call`` is the record) when it changed an argument it must not.
        """
        function = self._namespace.get(name)
        if not callable(function):
            raise MissingFunction(name)
        substitutes = dict(substitutes or {})
        if callable(getattr(function, "remote_call", None)):  # a RemoteFunction (isinstance on a Protocol is slow)
            returned = function.remote_call(args, kwargs, substitutes=substitutes, opaque=tuple(opaque))
            call = Call(name, args, kwargs, returned.output, returned.changed)
        else:
            call = self._local(name, function, args, kwargs, substitutes, tuple(opaque))
        forbidden = [key for key in call.changed if not _may_change(call, key)]
        if forbidden:
            raise ChangedArgument(call, forbidden)
        return call

    def _local(self, name: str, function: Callable[..., Any], args: tuple, kwargs: dict,
               substitutes: Mapping[str, Callable[..., Any]], opaque: tuple[int, ...]) -> Call:
        stopped = f"{name} ran for more than {CALL_SECONDS:g} s on a small input and was stopped: does it loop forever?"
        with bound(self._namespace, substitutes), _quiet(), time_limit(CALL_SECONDS, stopped):
            try:
                made = observe(name, function, args, kwargs, self._handles)
            except Exception as exc:  # noqa: BLE001 - any student exception is a failed property
                raise StudentError(name, type(exc).__name__, str(exc), traceback.format_exc(limit=-3),
                                   student_line(exc)) from None
        try:
            changed = {key: after_call(value, where=f"{name}'s argument {made.argument(key)}")
                       for key, value in made.changed.items()}
            return Call(name, args, kwargs, self._base_result(name, made.output, opaque), changed)
        except UnsupportedValue as exc:
            raise BadValue(str(exc)) from None

    def _base_result(self, name: str, result: Any, opaque: tuple[int, ...]) -> Any:
        """Convert a local result, the ``opaque`` items of a returned tuple kept behind Handles."""
        if not opaque:
            return to_base(result, where=f"the result of {name}")
        if not isinstance(result, tuple):
            raise UnsupportedValue(f"{name} should return a tuple, not a {type(result).__name__}")
        return tuple(self._handle(item) if i in opaque else to_base(item, where=f"the result of {name}[{i}]")
                     for i, item in enumerate(result))

    def _handle(self, value: Any) -> Handle:
        self._handles.append(value)
        return Handle(len(self._handles) - 1)


@contextlib.contextmanager
def time_limit(seconds: float, message: str) -> Iterator[None]:
    """Stop the code inside after ``seconds`` (a SIGALRM timer), raising ``StudentTimeout(message)``.

    Only in the main thread (where Jupyter runs cells) and when no other limit is running (then that one holds).
    """
    if threading.current_thread() is not threading.main_thread() or signal.getitimer(signal.ITIMER_REAL)[0]:
        yield
        return

    def ring(signum: int, frame: Any) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OutOfTime:
        raise StudentTimeout(message) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def student_line(exc: BaseException) -> str:
    """Where the student's own code raised ``exc``: the innermost frame in a notebook cell (else outside the
    installed libraries), as ``line 3 of cell In [5], in relu:`` and the code line; "" when none is found."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not _library(f.filename)]
    cells = [f for f in frames if _cell_name(f.filename)]
    if not (cells or frames):
        return ""
    frame = (cells or frames)[-1]
    place = _cell_name(frame.filename) or Path(frame.filename).name
    return f"  at line {frame.lineno} of {place}, in {frame.name}:" + (f"\n    {frame.line}" if frame.line else "")


def _library(filename: str) -> bool:
    """Whether ``filename`` is Python's own, an installed package's, or this package's."""
    path = Path(filename)
    return (filename.startswith("<frozen") or "site-packages" in path.parts or "dist-packages" in path.parts
            or path.is_relative_to(_PACKAGE) or path.is_relative_to(_STDLIB))


_PACKAGE = Path(__file__).resolve().parent
_STDLIB = Path(traceback.__file__).resolve().parent


def _cell_name(filename: str) -> str:
    """``cell In [5]`` for the file IPython compiled a notebook cell's code under, else ""."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
        count = shell.compile._filename_map.get(filename) if shell is not None else None
    except (ImportError, AttributeError):
        return ""
    return f"cell In [{count}]" if count else ""


def _may_change(call: Call, key: Key) -> bool:
    """A generator may be drawn from; the table's ``mutable`` arguments may be updated."""
    given = call.kwargs[key] if isinstance(key, str) else call.args[key]
    allowed = FUNCTIONS[call.function].mutable if call.function in FUNCTIONS else ()
    return isinstance(given, np.random.Generator) or call.argument(key) in allowed


@contextlib.contextmanager
def bound(namespace: Any, substitutes: Mapping[str, Callable[..., Any]]) -> Iterator[None]:
    """Bind ``substitutes`` in ``namespace`` for the duration of a call, then restore it.

    Used here for local calls and by the grader's worker for remote ones.
    """
    missing = object()
    saved = {name: namespace.get(name, missing) for name in substitutes}
    namespace.update(substitutes)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Student prints and numpy warnings go nowhere: a test cell must write nothing to stderr."""
    with warnings.catch_warnings(), np.errstate(all="ignore"), \
            contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield
