"""The catalog of known-wrong variants of the graded functions, their correct alternatives, and the diagnosis.

A check whose property failed on some input asks which catalogued mistakes explain the
student's call there, a :class:`~dnn_checks.calls.Call` (its arguments, output and changed
arguments)::

    from autograder.mistakes import diagnose
    for mistake in diagnose(student_call):
        print(mistake.message)          # "your dW is what you get when you forget to divide by m"

Each mistake runs on the call's arguments as a student's function is run (:meth:`Call.replay`),
and what the checks compare (:func:`compared`: the output; for ``batchnorm_forward``, whose
cache is the implementer's own, ``(out, bn_param after the call)``) is matched. A mistake
matches when its output equals the student's within ``RTOL`` (``RTOL_OF``) and differs from the
reference's (on inputs where a mistake is harmless, it is never named). Mistakes of functions
that draw random numbers carry a ``fingerprint(args, kwargs, output)`` (the statistics the
mistake changes: the scale of He's weights, the kept fraction of a dropout mask, the sizes of
the mini-batches): those compare fingerprints within ``FINGERPRINT_RTOL``.

A small failing input (a shrunk one) is often explained by several mistakes. A check that met
several failing inputs (each failed property's shrunk and unshrunk examples), and has the
student's calls on the stored inputs too, asks :func:`diagnose_check`, which keeps the
mistakes that give the student's output on all of them.

``ALTERNATIVES`` are the correct versions written differently (``@catalog.alternative``), next to
the mistakes of each concept: every one must earn full marks.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
from dnn_checks.calls import Call
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
from autograder.mistakes._catalog import FINGERPRINT_RTOL, RTOL, RTOL_OF, Alternative, Mistake, same

__all__ = ["ALTERNATIVES", "CATALOG", "FAILED", "FINGERPRINT_RTOL", "RTOL", "RTOL_OF", "Alternative", "Call",
           "Mistake", "alternatives_of", "compared", "diagnose", "diagnose_check", "differs", "explain",
           "mistakes_of", "replayed", "same"]

_MODULES = (activations, layers, costs, initializers, scaling, regularization, optimizers, batchnorm, gradcheck,
            composition, data, hyperparameters)
CATALOG: tuple[Mistake, ...] = tuple(m for module in _MODULES for m in module.catalog.mistakes)
ALTERNATIVES: tuple[Alternative, ...] = tuple(a for module in _MODULES for a in module.catalog.alternatives)
#: What :func:`replayed` gives for an implementation that raises or returns something the checks cannot compare.
FAILED = None


def mistakes_of(function: str) -> tuple[Mistake, ...]:
    """The catalogued mistakes of one graded function (empty for an unknown name)."""
    return tuple(m for m in CATALOG if m.function == function)


def alternatives_of(function: str) -> tuple[Alternative, ...]:
    """The correct alternatives of one graded function."""
    return tuple(a for a in ALTERNATIVES if a.function == function)


def compared(call: Call) -> Any:
    """What the checks compare of a call, as base values: its output; for ``batchnorm_forward`` (its cache is
    the implementer's own) ``(out, bn_param after the call)``."""
    if call.function == "batchnorm_forward":
        return to_base(call.output[0]), to_base(call.after("bn_param"))
    if call.function in ("concat_forward", "scale_forward"):
        return to_base(call.output[0])
    return to_base(call.output)


def replayed(call: Call, implementation: Callable[..., Any]) -> Call | None:
    """``implementation`` run quietly on ``call``'s arguments, as a student's function is run (copies, changes
    observed), its output as base values; ``FAILED`` (None) if it raises or returns something odd."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            done = call.replay(implementation)
            compared(done)
            return done
    except Exception:  # noqa: BLE001 - a wrong variant that cannot run (or returns odd values) explains nothing
        return FAILED


def differs(mistake: Mistake, call: Call) -> bool:
    """Whether the mistake's output on ``call``'s arguments is told apart from the reference's."""
    wrong = replayed(call, mistake.wrong)
    return wrong is not FAILED and _compare(mistake, wrong, wrong, replayed(call, _correct(mistake.function)))[1]


def diagnose(observed: Call, *, correct: Callable[..., Any] | None = None) -> list[Mistake]:
    """The catalogued mistakes of ``observed.function`` whose output on its arguments is the student's.

    ``correct`` is the right implementation (default: the reference's); a mistake indistinguishable
    from it on this input is never reported.
    """
    return _verdict(observed, correct).named


class _Verdict(NamedTuple):
    """On one input: the mistakes whose output is the student's (``fits``); those of them that differ
    from the correct output there (``named``: a mistake harmless on this input is never named)."""

    fits: list[Mistake]
    named: list[Mistake]


def _verdict(observed: Call, correct: Callable[..., Any] | None = None) -> _Verdict:
    expected = replayed(observed, correct or _correct(observed.function))
    verdicts = [(m, *_compare(m, observed, replayed(observed, m.wrong), expected))
                for m in mistakes_of(observed.function)]
    return _Verdict([m for m, fits, _ in verdicts if fits], [m for m, fits, differ in verdicts if fits and differ])


def _correct(function: str) -> Callable[..., Any]:
    return getattr(reference, function)


def diagnose_check(function: str, properties: Sequence[Sequence[Call]],
                   evidence: Sequence[Call] = ()) -> list[list[Mistake]]:
    """For each failed property of a check, given the student's calls on the failing inputs it met: the
    mistakes that fit every call of the check (``evidence`` too: other inputs) and are named on one of
    the property's; else those that fit every call of the property; else the shortest list named on one
    of its inputs (the first)."""
    verdicts = [[_verdict(call) for call in calls if call.function == function] for calls in properties]
    seen = [v for property_verdicts in verdicts for v in property_verdicts]
    everywhere = _fitting(seen + [_verdict(call) for call in evidence if call.function == function])
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


def explain(function: str, properties: Sequence[Sequence[Call]], evidence: Sequence[Call] = ()) -> list[str | None]:
    """The registry's ``Diagnose``: for each failed property, given the student's calls of ``function`` on the
    failing inputs it met (and on other inputs, ``evidence``), the message of the mistakes that explain them
    (:func:`diagnose_check`), or None."""
    return [_message(mistakes) for mistakes in diagnose_check(function, properties, evidence)]


def _message(found: Sequence[Mistake]) -> str | None:
    messages = list(dict.fromkeys(m.message for m in found))
    if len(messages) < 2:
        return messages[0] if messages else None
    return "one of these: " + "; or ".join(messages)


def _compare(mistake: Mistake, student: Call, wrong: Call | None, expected: Call | None) -> tuple[bool, bool]:
    """(the mistake's output is the student's, it differs from ``expected``): values, or fingerprints."""
    if wrong is FAILED:
        return False, False
    outputs = [_quiet(compared, call) for call in (student, wrong, expected)]
    if mistake.fingerprint is not None:
        outputs = [_quiet(lambda c, out: mistake.fingerprint(c.args, c.kwargs, out), student, output)
                   if output is not FAILED else FAILED for output in outputs]
    if any(output is FAILED for output in outputs[:2]):
        return False, False
    rtol = FINGERPRINT_RTOL if mistake.fingerprint is not None else RTOL_OF.get(mistake.function, RTOL)
    student_out, wrong_out, expected_out = outputs
    return same(student_out, wrong_out, rtol=rtol), expected_out is FAILED or not same(wrong_out, expected_out,
                                                                                         rtol=rtol)


def _quiet(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)``, FAILED if it raises (a malformed student output has no fingerprint)."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return function(*args)
    except Exception:  # noqa: BLE001 - see the docstring
        return FAILED
