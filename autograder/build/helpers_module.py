"""Generate each assignment's ``dnn_helpers.py``, the helper module released with it.

    python -m autograder.build.helpers_module          # (re)write source/<assignment>/dnn_helpers.py
    python -m autograder.build.helpers_module --check  # exit 1 if one is out of date

A module holds the source of the names that ``helper_names`` lists for its assignment (data
loaders, plots, and the reference versions of the EARLIER assignments' functions), every
top-level definition they use, found through the AST and written before its user, and the
imports of third-party names they need. Nothing is imported from ``reference`` at run time,
so the module works where only the student package is installed. A function that the
assignment or a later one teaches (``dnn_checks.graded``) never appears in it: generation fails instead.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib
import inspect
import sys
from collections.abc import Iterable
from pathlib import Path

from dnn_checks.graded import ASSIGNMENTS, taught_before, taught_in

ROOT = Path(__file__).resolve().parents[2]
OWN_PACKAGES = ("reference", "autograder")


DATA = tuple(f"reference.data:{name}" for name in (
    "make_circle", "make_xor", "make_gaussians", "make_spiral", "split_columns",
    "load_digits_binary", "load_digits_multiclass",
))
PLOTS = tuple(f"reference.plots:{name}" for name in (
    "plot_decision_boundary", "plot_curves", "plot_contours", "show_digits",
))
# More names for one assignment ("module:name"), for what its notebook needs beyond the defaults.
EXTRA: dict[str, tuple[str, ...]] = {
    "a1_deep_network": ("reference.diagrams:draw_network", "reference.diagrams:show_weights"),
    "a5_composing_networks": ("reference.diagrams:draw_blocks",),
}


def helper_names(assignment: str) -> tuple[str, ...]:
    """"module:name" items of the assignment's module: data, plots, earlier functions, extras."""
    functions = tuple(f"reference:{name}" for name in taught_before(assignment))
    return DATA + PLOTS + functions + EXTRA.get(assignment, ())


def taught_from(assignment: str) -> tuple[str, ...]:
    """The functions this assignment and the later ones teach: never in its helper module."""
    return tuple(name for later in ASSIGNMENTS[ASSIGNMENTS.index(assignment):] for name in taught_in(later))


@functools.cache
def _module_tree(module_name: str) -> tuple[list[str], ast.Module]:
    """The source lines and the AST of an importable module."""
    source = inspect.getsource(importlib.import_module(module_name))
    return source.splitlines(), ast.parse(source)


def _definitions(module_name: str) -> dict[str, ast.stmt]:
    """Top-level functions, classes and assignments of the module, by the name they bind."""
    found: dict[str, ast.stmt] = {}
    for node in _module_tree(module_name)[1].body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            found[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found.update((t.id, node) for t in targets if isinstance(t, ast.Name))
    return found


def _imports(module_name: str) -> dict[str, tuple[str | None, str, str]]:
    """Names bound by the module's top-level imports -> (from-module or None, imported name, alias)."""
    bound: dict[str, tuple[str | None, str, str]] = {}
    for node in _module_tree(module_name)[1].body:
        if isinstance(node, ast.Import | ast.ImportFrom) and getattr(node, "module", "") != "__future__":
            origin = node.module if isinstance(node, ast.ImportFrom) else None
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                bound[local] = (origin, alias.name, local)
    return bound


class _Collector:
    """Definitions in dependency order (dependencies first) and the third-party imports they need."""

    def __init__(self) -> None:
        self.blocks: dict[str, str] = {}
        self.origins: dict[str, str] = {}
        self.imports: set[tuple[str | None, str, str]] = set()

    def add(self, module_name: str, name: str) -> None:
        """Add ``module_name.name``, after everything it uses; an imported name is followed to its source."""
        definitions, imports = _definitions(module_name), _imports(module_name)
        if name in definitions:
            self._add_definition(module_name, name, definitions[name])
        elif imports[name][0] is not None and imports[name][0].split(".")[0] in OWN_PACKAGES:
            self.add(imports[name][0], imports[name][1])
        else:
            self.imports.add(imports[name])

    def _add_definition(self, module_name: str, name: str, node: ast.stmt) -> None:
        if self.origins.setdefault(name, module_name) != module_name:
            raise ValueError(f"{name} is defined in both {self.origins[name]} and {module_name}")
        if name in self.blocks:
            return
        self.blocks[name] = ""  # visited; filled in below, once its dependencies are in
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - {name}
        for other in sorted(used & (_definitions(module_name).keys() | _imports(module_name).keys())):
            self.add(module_name, other)
        del self.blocks[name]
        self.blocks[name] = _segment(module_name, node)


def _segment(module_name: str, node: ast.stmt) -> str:
    """The exact source lines of a top-level statement, decorators and comments included."""
    lines = _module_tree(module_name)[0]
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[first - 1:node.end_lineno])


def _import_lines(imports: Iterable[tuple[str | None, str, str]]) -> list[str]:
    """``import x as y`` lines, then one ``from m import a, b`` line per module, sorted."""
    plain = sorted(f"import {name}" + (f" as {local}" if local != name else "")
                   for origin, name, local in imports if origin is None)
    grouped: dict[str, list[str]] = {}
    for origin, name, local in imports:
        if origin is not None:
            grouped.setdefault(origin, []).append(name if local == name else f"{name} as {local}")
    return plain + [f"from {origin} import {', '.join(sorted(names))}" for origin, names in sorted(grouped.items())]


def render(assignment: str) -> str:
    """The text of ``source/<assignment>/dnn_helpers.py``."""
    collector = _Collector()
    for item in helper_names(assignment):
        module_name, name = item.split(":")
        collector.add(module_name, name)
    leaked = sorted(collector.blocks.keys() & set(taught_from(assignment)))
    if leaked:
        raise ValueError(f"dnn_helpers.py of {assignment} would define what it or a later "
                         f"assignment teaches: {leaked}")
    header = (f'"""Helpers for {assignment}: data, plots and the reference versions of earlier '
              "assignments' functions.\n\nGenerated by `python -m autograder.build.helpers_module`; "
              'do not edit by hand.\n"""\n\nfrom __future__ import annotations\n')
    body = "\n\n\n".join(collector.blocks.values())
    return f"{header}\n" + "\n".join(_import_lines(collector.imports)) + f"\n\n\n{body}\n"


def helpers_path(assignment: str, root: Path = ROOT) -> Path:
    return root / "source" / assignment / "dnn_helpers.py"


def main(argv: list[str] | None = None) -> int:
    """Write every assignment's module, or with --check list the stale ones and return 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report modules that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for assignment in ASSIGNMENTS:
        path, text = helpers_path(assignment), render(assignment)
        if args.check:
            stale += [] if path.exists() and path.read_text() == text else [str(path)]
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    for path in stale:
        print(f"out of date: {path} (run python -m autograder.build.helpers_module)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
