"""What a catalogued mistake and a correct alternative are, and how an output is compared with a wrong variant's."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Relative tolerance under which two outputs count as the same: far above float64 round-off,
#: far below the effect of a small epsilon misplaced (1e-8 next to sqrt(s) ~ 0.1).
RTOL = 1e-10
#: Looser tolerances where correct results carry more round-off (finite differences of a cost).
RTOL_OF = {"gradient_check_n": 1e-5}
#: Relative tolerance for the floats of two fingerprints (statistics of random outputs).
FINGERPRINT_RTOL = 0.1
#: What a notebook cell holding an alternative imports first (the names the alternatives use).
CELL_IMPORTS = "import copy\nimport math\n\nimport numpy as np\n"

Fingerprint = Callable[[tuple, dict, Any], Any]
"""``fingerprint(args, kwargs, output)``: the statistics of a random output that a mistake changes."""


@dataclass(frozen=True)
class Mistake:
    """A known-wrong version of the graded function ``function``.

    ``wrong`` has the contract's signature; ``message`` says in plain words what the student's
    output looks like; ``fingerprint`` (random functions only) maps an input and an output to
    the statistics compared instead of the raw values.
    """

    id: str
    function: str
    message: str
    wrong: Callable[..., Any] = field(repr=False)
    fingerprint: Fingerprint | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Alternative:
    """A correct version of ``function`` written differently from the reference (other numpy calls, loops,
    in-place updates, other generators and seedings, other cache layouts), as a student's notebook holds it:
    its global names (``np``, the other graded functions) are the notebook's.

    ``needs`` are alternatives of other functions that must be the student's too (a batch-norm backward
    reads its own forward's cache).
    """

    id: str
    function: str
    implementation: Callable[..., Any] = field(repr=False)
    needs: tuple[Alternative, ...] = ()

    def cell(self) -> str:
        """The source of a notebook cell that defines it (and what it needs) under the graded functions' names."""
        return "\n\n".join([CELL_IMPORTS, *(needed.definition() for needed in self.needs), self.definition()])

    def definition(self) -> str:
        """``def <function>(...)``: its own source, renamed, without decorators."""
        tree = ast.parse(textwrap.dedent(inspect.getsource(self.implementation)))
        definition = tree.body[0]
        assert isinstance(definition, ast.FunctionDef)
        definition.name, definition.decorator_list = self.function, []
        return ast.unparse(definition) + "\n"

    def define(self, namespace: dict[str, Any]) -> dict[str, Any]:
        """``namespace`` (a notebook's: the other functions) with this alternative's cell run in it."""
        exec(compile(self.cell(), f"<alternative {self.id}>", "exec"), namespace)  # noqa: S102 - our own catalog
        return namespace


class Catalog:
    """The mistakes and alternatives of one module, collected with ``@catalog.mistake(function, message=...)``
    and ``@catalog.alternative(function)``."""

    def __init__(self, *, fingerprints: Mapping[str, Fingerprint] | None = None) -> None:
        self.mistakes: list[Mistake] = []
        self.alternatives: list[Alternative] = []
        self._fingerprints = dict(fingerprints or {})

    def mistake(self, *functions: str, message: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated wrong variant for each named graded function; id = 'function.variant'."""
        def register(wrong: Callable[..., Any]) -> Callable[..., Any]:
            for function in functions:
                self.add(function, wrong.__name__, message, wrong)
            return wrong
        return register

    def add(self, function: str, variant: str, message: str, wrong: Callable[..., Any]) -> None:
        """Register ``wrong`` as the mistake 'function.variant'."""
        fingerprint = self._fingerprints.get(function)
        self.mistakes.append(Mistake(f"{function}.{variant}", function, message, wrong, fingerprint))

    def alternative(self, function: str, *,
                    needs: Sequence[Callable[..., Any]] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated correct version of ``function``; id = 'function/name'. ``needs``: other
        decorated alternatives it must be defined with."""
        def register(implementation: Callable[..., Any]) -> Callable[..., Any]:
            needed = tuple(a for wanted in needs for a in self.alternatives if a.implementation is wanted)
            self.alternatives.append(Alternative(f"{function}/{implementation.__name__}", function, implementation,
                                                 needed))
            return implementation
        return register


def same(a: Any, b: Any, *, rtol: float = RTOL) -> bool:
    """Whether two base values are equal: same structure, keys, shapes; floats within ``rtol``.

    Python ints, bools and strings compare exactly; numbers and arrays as arrays, with an
    absolute tolerance scaled to their finite entries; NaN matches NaN (a wrong variant reproduces them).
    """
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return (isinstance(a, Mapping) and isinstance(b, Mapping) and a.keys() == b.keys()
                and all(same(a[k], b[k], rtol=rtol) for k in a))
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b)
                and all(same(x, y, rtol=rtol) for x, y in zip(a, b)))
    if _exact(a) or _exact(b):
        return type(a) is type(b) and a == b
    return _same_array(a, b, rtol)


def _exact(value: Any) -> bool:
    return value is None or type(value) in (bool, int, str)


def _same_array(a: Any, b: Any, rtol: float) -> bool:
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if x.shape != y.shape:
        return False
    if x.size == 0:
        return True
    finite = np.abs(np.concatenate([x.ravel(), y.ravel()]))
    scale = max(float(finite[np.isfinite(finite)].max(initial=0.0)), 1e-300)
    return bool(np.allclose(x, y, rtol=rtol, atol=1e-3 * rtol * scale, equal_nan=True))


def ints(values: Sequence[Any]) -> tuple[int, ...]:
    """Plain Python ints (for exact comparison in fingerprints)."""
    return tuple(int(v) for v in values)
