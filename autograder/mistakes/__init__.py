"""The catalog of known-wrong variants of the contract's functions, and the diagnosis of a student's output.

A check whose property failed on some input asks which catalogued mistakes explain the
student's output on that same input::

    from autograder.mistakes import Call, diagnose
    for mistake in diagnose("linear_backward", Call(dZ, cache), student_output):
        print(mistake.message)          # "your dW is what you get when you forget to divide by m"

``call`` is a :class:`Call` (the arguments, deep-copied for every run) or any callable
``call(implementation) -> output`` that runs an implementation on the failing input and returns
what the check compared (for ``batchnorm_forward``: ``(out, bn_param after the call)``). A
mistake matches when its output equals the student's within ``RTOL`` (``RTOL_OF``) and differs from the
reference's (on inputs where a mistake is harmless, it is never named). Mistakes of functions
that draw random numbers carry a ``fingerprint(args, kwargs, output)`` (the statistics the
mistake changes: the scale of He's weights, the kept fraction of a dropout mask, the sizes of
the mini-batches): those compare fingerprints within ``FINGERPRINT_RTOL`` and need a ``Call``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import reference
from autograder.mistakes import (
    activations,
    batchnorm,
    costs,
    gradcheck,
    initializers,
    layers,
    optimizers,
    regularization,
    scaling,
)
from autograder.mistakes._catalog import FINGERPRINT_RTOL, RTOL, RTOL_OF, Call, Mistake, same
from dnn_checks.values import to_base

__all__ = ["CATALOG", "FINGERPRINT_RTOL", "RTOL", "Call", "Mistake", "diagnose", "explain", "mistakes_of", "same"]

_MODULES = (activations, layers, costs, initializers, scaling, regularization, optimizers, batchnorm, gradcheck)
CATALOG: tuple[Mistake, ...] = tuple(m for module in _MODULES for m in module.catalog.mistakes)
_FAILED = object()


def mistakes_of(function: str) -> tuple[Mistake, ...]:
    """The catalogued mistakes of one contract function (empty for an unknown name)."""
    return tuple(m for m in CATALOG if m.function == function)


def diagnose(function: str, call: Call | Callable[[Callable[..., Any]], Any], student_output: Any, *,
             correct: Callable[..., Any] | None = None) -> list[Mistake]:
    """The catalogued mistakes of ``function`` whose output on ``call``'s input is the student's.

    ``correct`` is the right implementation (default: the reference's ``function``); a mistake
    indistinguishable from it on this input is never reported.
    """
    expected = _run(call, correct or getattr(reference, function))
    return [m for m in mistakes_of(function) if _explains(m, call, student_output, expected)]


def explain(function: str, args: tuple, output: Any) -> str | None:
    """The registry's ``Diagnose``: the message of the mistakes that explain ``output`` of
    ``function(*args)``, or None. Outputs the student keeps opaque (batch-norm caches) are left out."""
    project = _PROJECTIONS.get(function)
    call: Call | Callable[[Callable[..., Any]], Any] = Call(*args)
    if project is not None:
        call, output = _projected(Call(*args), project), project(output)
    found = diagnose(function, call, output)
    if not found:
        return None
    return found[0].message if len(found) == 1 else "one of these: " + "; or ".join(m.message for m in found)


#: What of an output the recorded call can compare: batchnorm_forward's cache is the student's own.
_PROJECTIONS: dict[str, Callable[[Any], Any]] = {"batchnorm_forward": lambda output: output[0]}


def _projected(call: Call, project: Callable[[Any], Any]) -> Callable[[Callable[..., Any]], Any]:
    return lambda implementation: project(call(implementation))


def _explains(mistake: Mistake, call: Call | Callable[[Callable[..., Any]], Any], student: Any, expected: Any) -> bool:
    wrong = _run(call, mistake.wrong)
    if wrong is _FAILED:
        return False
    if mistake.fingerprint is None:
        rtol = RTOL_OF.get(mistake.function, RTOL)
        return same(student, wrong, rtol=rtol) and not same(wrong, expected, rtol=rtol)
    if not isinstance(call, Call):
        raise TypeError(f"diagnosing {mistake.function} needs its input: pass a Call")
    fingerprints = [_fingerprint(mistake, call, output) for output in (student, wrong, expected)]
    if any(fp is _FAILED for fp in fingerprints[:2]):
        return False
    student_fp, wrong_fp, expected_fp = fingerprints
    return same(student_fp, wrong_fp, rtol=FINGERPRINT_RTOL) and not same(wrong_fp, expected_fp, rtol=FINGERPRINT_RTOL)


def _run(call: Call | Callable[[Callable[..., Any]], Any], implementation: Callable[..., Any]) -> Any:
    """``call(implementation)`` as base values, quietly; ``_FAILED`` if it raises or returns something odd."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return to_base(call(implementation))
    except Exception:  # noqa: BLE001 - a wrong variant that cannot run (or returns odd values) explains nothing
        return _FAILED


def _fingerprint(mistake: Mistake, call: Call, output: Any) -> Any:
    if output is _FAILED:
        return _FAILED
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return mistake.fingerprint(call.args, call.kwargs, output)
    except Exception:  # noqa: BLE001 - a malformed student output has no fingerprint
        return _FAILED
