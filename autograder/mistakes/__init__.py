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

A small failing input (a shrunk one) is often explained by several mistakes. A check that met
several failing inputs (each failed property's shrunk and unshrunk examples), and has the
student's outputs on the stored inputs too, asks :func:`diagnose_check`, which keeps the
mistakes that give the student's output on all of them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
from dnn_checks.values import to_base

import reference
from autograder.mistakes import (
    activations,
    batchnorm,
    composition,
    costs,
    data,
    gradcheck,
    hyperparameters,
    initializers,
    layers,
    optimizers,
    regularization,
    scaling,
)
from autograder.mistakes._catalog import FINGERPRINT_RTOL, RTOL, RTOL_OF, Call, Mistake, same

__all__ = ["CATALOG", "FINGERPRINT_RTOL", "RTOL", "Call", "Mistake", "Observation", "diagnose", "diagnose_check",
           "explain", "mistakes_of", "same"]

_MODULES = (activations, layers, costs, initializers, scaling, regularization, optimizers, batchnorm, gradcheck,
            composition, data, hyperparameters)
CATALOG: tuple[Mistake, ...] = tuple(m for module in _MODULES for m in module.catalog.mistakes)
_FAILED = object()
#: An input and the student's output on it: ``(call, output)``.
Observation = tuple[Call | Callable[[Callable[..., Any]], Any], Any]


def mistakes_of(function: str) -> tuple[Mistake, ...]:
    """The catalogued mistakes of one contract function (empty for an unknown name)."""
    return tuple(m for m in CATALOG if m.function == function)


def diagnose(function: str, call: Call | Callable[[Callable[..., Any]], Any], student_output: Any, *,
             correct: Callable[..., Any] | None = None) -> list[Mistake]:
    """The catalogued mistakes of ``function`` whose output on ``call``'s input is the student's.

    ``correct`` is the right implementation (default: the reference's ``function``); a mistake
    indistinguishable from it on this input is never reported.
    """
    return _verdict(function, (call, student_output), correct).named


class _Verdict(NamedTuple):
    """On one input: the mistakes whose output is the student's (``fits``); those of them that differ
    from the correct output there (``named``: a mistake harmless on this input is never named)."""

    fits: list[Mistake]
    named: list[Mistake]


def _verdict(function: str, observation: Observation, correct: Callable[..., Any] | None = None) -> _Verdict:
    call, student = observation
    expected = _run(call, correct or getattr(reference, function))
    compared = [(m, *_compare(m, call, student, expected)) for m in mistakes_of(function)]
    return _Verdict([m for m, fits, _ in compared if fits], [m for m, fits, differs in compared if fits and differs])


def diagnose_check(function: str, properties: Sequence[Sequence[Observation]],
                   evidence: Sequence[Observation] = ()) -> list[list[Mistake]]:
    """For each failed property of a check, given the observations on the failing inputs it met: the
    mistakes that fit every observation of the check (``evidence`` too: other inputs) and are named on
    one of the property's; else those that fit every observation of the property; else the shortest list
    named on one of its inputs (the first)."""
    verdicts = [[_verdict(function, observation) for observation in observations] for observations in properties]
    seen = [v for property_verdicts in verdicts for v in property_verdicts]
    everywhere = _fitting(seen + [_verdict(function, observation) for observation in evidence])
    return [_explaining(everywhere, property_verdicts) for property_verdicts in verdicts]


def _fitting(verdicts: Sequence[_Verdict]) -> list[Mistake]:
    return [m for m in verdicts[0].fits if all(m in v.fits for v in verdicts[1:])] if verdicts else []


def _explaining(everywhere: list[Mistake], verdicts: Sequence[_Verdict]) -> list[Mistake]:
    named = [m for v in verdicts for m in v.named]
    for candidates in (everywhere, _fitting(verdicts)):
        found = [m for m in candidates if m in named]
        if found:
            return found
    return min((v.named for v in verdicts if v.named), key=len, default=[])


def explain(function: str, properties: Sequence[Sequence[tuple[tuple, Any]]],
            evidence: Sequence[tuple[tuple, Any]] = ()) -> list[str | None]:
    """The registry's ``Diagnose``: for each failed property, given ``(args, output)`` of the student's
    calls ``function(*args)`` on the failing inputs it met (and on other inputs, ``evidence``), the message
    of the mistakes that explain them (:func:`diagnose_check`), or None. Outputs the student keeps opaque
    (batch-norm caches) are left out."""
    project = _PROJECTIONS.get(function)

    def observation(args: tuple, output: Any) -> Observation:
        return (Call(*args), output) if project is None else (_projected(Call(*args), project), project(output))
    observed = [[observation(*call) for call in calls] for calls in properties]
    found = diagnose_check(function, observed, [observation(*call) for call in evidence])
    return [_message(mistakes) for mistakes in found]


def _message(found: Sequence[Mistake]) -> str | None:
    messages = list(dict.fromkeys(m.message for m in found))
    if len(messages) < 2:
        return messages[0] if messages else None
    return "one of these: " + "; or ".join(messages)


#: What of an output the recorded call can compare: these forwards' caches are the student's own.
_PROJECTIONS: dict[str, Callable[[Any], Any]] = {
    name: lambda output: output[0] for name in ("batchnorm_forward", "concat_forward", "scale_forward")}


def _projected(call: Call, project: Callable[[Any], Any]) -> Callable[[Callable[..., Any]], Any]:
    return lambda implementation: project(call(implementation))


def _compare(mistake: Mistake, call: Call | Callable[[Callable[..., Any]], Any], student: Any,
             expected: Any) -> tuple[bool, bool]:
    """(the mistake's output is the student's, it differs from ``expected``): values, or fingerprints."""
    wrong = _run(call, mistake.wrong)
    if wrong is _FAILED:
        return False, False
    if mistake.fingerprint is None:
        rtol = RTOL_OF.get(mistake.function, RTOL)
        return same(student, wrong, rtol=rtol), not same(wrong, expected, rtol=rtol)
    if not isinstance(call, Call):
        raise TypeError(f"diagnosing {mistake.function} needs its input: pass a Call")
    fingerprints = [_fingerprint(mistake, call, output) for output in (student, wrong, expected)]
    if any(fp is _FAILED for fp in fingerprints[:2]):
        return False, False
    student_fp, wrong_fp, expected_fp = fingerprints
    return (same(student_fp, wrong_fp, rtol=FINGERPRINT_RTOL),
            not same(wrong_fp, expected_fp, rtol=FINGERPRINT_RTOL))


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
