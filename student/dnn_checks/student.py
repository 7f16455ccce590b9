"""How a check calls a student's function: the narrow interface between checks and student code.

A check never touches a student function directly. It asks a :class:`Student` to call one
by name. The same check then runs in two places:

- in the student's own Jupyter kernel (visible checks): the namespace is the notebook's
  ``globals()`` and the functions are plain Python functions, called in process;
- in the trusted grading process: the namespace holds :class:`RemoteFunction` proxies
  whose calls run in a sandboxed worker that executed the submission (``autograder``
  implements them), and only base values (:mod:`dnn_checks.values`) come back.

Either way a call

- returns base values only (``to_base``), with the outputs listed in ``opaque`` returned
  as :class:`~dnn_checks.values.Handle` (remote) or as the object itself (local): a
  batch-norm cache goes back to the student's own ``batchnorm_backward`` untouched;
- reflects in-place updates of its arguments back into the caller's objects (dicts,
  arrays, ``numpy.random.Generator`` states), as a direct call would;
- can run with ``substitutes``: names the student function looks up as globals
  (``linear_activation_backward`` inside ``L_model_backward``) are bound, for that call
  only, to trusted callables, so each function is judged on its own;
- raises a :class:`StudentFailure` subclass, never anything else, when the student code
  fails: the check turns it into a failed property with the reason.
"""

from __future__ import annotations

import contextlib
import io
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from dnn_checks.values import UnsupportedValue, to_base


class StudentFailure(Exception):
    """The student's code could not produce a value; ``str(self)`` is the reason for feedback."""


class StudentError(StudentFailure):
    """The student function raised. ``exc_type`` is its class name, ``tb`` the student-side traceback text."""

    def __init__(self, function: str, exc_type: str, message: str, tb: str = "") -> None:
        super().__init__(f"{function} raised {exc_type}: {message}")
        self.function, self.exc_type, self.message, self.tb = function, exc_type, message, tb


class StudentTimeout(StudentFailure):
    """The call ran past its time limit (the worker was stopped)."""


class StudentCrash(StudentFailure):
    """The process running the student's code died (segfault, exit, memory limit)."""


class BadValue(StudentFailure):
    """The student function returned something that is not a base value."""


class MissingFunction(StudentFailure):
    """The name is not defined, or not a function, at this point of the notebook."""

    def __init__(self, function: str) -> None:
        super().__init__(f"`{function}` is not defined (did you run its cell, or rename it?)")
        self.function = function


@runtime_checkable
class RemoteFunction(Protocol):
    """A student function living in another process (implemented by the grader)."""

    name: str

    def remote_call(self, args: tuple, kwargs: dict, *, substitutes: Mapping[str, Callable[..., Any]],
                    opaque: Sequence[int]) -> Any:
        """Call it, with the semantics described in this module's docstring."""


class Student:
    """The student's functions as seen from a check: ``Student(globals()).call("relu", Z)``."""

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self._namespace = namespace

    def has(self, name: str) -> bool:
        return callable(self._namespace.get(name))

    def call(self, name: str, *args: Any, substitutes: Mapping[str, Callable[..., Any]] | None = None,
             opaque: Sequence[int] = (), **kwargs: Any) -> Any:
        """``name(*args, **kwargs)`` as base values; ``opaque`` indexes outputs of a returned tuple."""
        function = self._namespace.get(name)
        if not callable(function):
            raise MissingFunction(name)
        substitutes = dict(substitutes or {})
        if isinstance(function, RemoteFunction):
            return function.remote_call(args, kwargs, substitutes=substitutes, opaque=tuple(opaque))
        with bound(self._namespace, substitutes), _quiet():
            try:
                result = function(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - any student exception is a failed property
                raise StudentError(name, type(exc).__name__, str(exc), traceback.format_exc(limit=-3)) from None
        return _base_result(name, result, tuple(opaque))


def _base_result(name: str, result: Any, opaque: tuple[int, ...]) -> Any:
    """Convert a local result, leaving the ``opaque`` items of a returned tuple as they are."""
    try:
        if not opaque:
            return to_base(result, where=f"the result of {name}")
        if not isinstance(result, tuple):
            raise UnsupportedValue(f"{name} should return a tuple, not a {type(result).__name__}")
        return tuple(item if i in opaque else to_base(item, where=f"the result of {name}[{i}]")
                     for i, item in enumerate(result))
    except UnsupportedValue as exc:
        raise BadValue(str(exc)) from None


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
