"""Time each source notebook top to bottom in a fresh kernel (hidden checks included) against 2 minutes.

Each notebook runs on a scratch copy of its folder, as the tests run it (one BLAS thread:
the machine is shared, and more threads only oversubscribe it); the table gives the wall
time of the whole run, kernel start included, and the slowest cells.

    python benchmarks/bench_notebooks.py [ASSIGNMENT ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from dnn_checks.graded import ASSIGNMENTS
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 120.0


def cell_seconds(cell: nbformat.NotebookNode) -> float:
    """Wall time of one executed cell, from nbclient's timing metadata."""
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    return (datetime.fromisoformat(end.rstrip("Z")) - datetime.fromisoformat(start.rstrip("Z"))).total_seconds()


def run(assignment: str) -> tuple[float, list[tuple[float, str]]]:
    """(total seconds, [(seconds, cell id)] slowest first) of one top-to-bottom run."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(shutil.copytree(ROOT / "source" / assignment, Path(scratch) / assignment))
        nb = nbformat.read(folder / f"{assignment}.ipynb", as_version=4)
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        started = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute(env=env)
        total = time.perf_counter() - started
    return total, sorted(((cell_seconds(c), c.id) for c in nb.cells if c.cell_type == "code"), reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=ASSIGNMENTS)
    args = parser.parse_args(argv)
    slow = []
    print(f"{'assignment':24s} {'seconds':>8s}  slowest cells")
    for assignment in args.assignments:
        total, cells = run(assignment)
        print(f"{assignment:24s} {total:8.1f}  " + ", ".join(f"{cid} {s:.1f}s" for s, cid in cells[:3]))
        slow += [assignment] if total > TARGET_SECONDS else []
    print(f"target: under {TARGET_SECONDS:.0f} s each; over it: {slow or 'none'}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
