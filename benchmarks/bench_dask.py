"""Grade one generated class with `autograder grade --dask` on local clusters of 1, 2 and 4 workers.

    python benchmarks/bench_dask.py [--assignment a1_deep_network] [--students 24] [--workers 1 2 4]

Each cluster is started as the README says (`dask scheduler`, then `dask worker --nworkers N
--nthreads 1`), its workers in a scratch folder of their own: they get the course files from the
tasks (cached under their hash), not from the course's folder. The class is the demo's generator's
(a third correct, two thirds with catalogued mistakes). Each run grades every submission again
(`--force`). Reported per cluster: wall seconds of the grading command (connecting, shipping and
grading), notebooks per second, and the load average while it ran.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.course import copy_assignment
from autograder.staff.classgen import make_class, submit_class

REPO = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")


def make_course(folder: Path, assignment: str, students: int) -> Path:
    root = copy_assignment(REPO, folder / "course", assignment)
    notebook = f"{assignment}.ipynb"
    submit_class(root, assignment, make_class(root / "source" / assignment / notebook,
                                              root / "release" / assignment / notebook, size=students, special=()))
    return root


def grade_on_cluster(root: Path, assignment: str, workers: int, scratch: Path) -> float:
    """Wall seconds of `autograder grade --dask --force` on a fresh cluster of ``workers`` one-thread workers."""
    scratch.mkdir()
    address_file = scratch / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": scratch}
    scheduler = subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", address_file], **quiet)
    worker = subprocess.Popen([DASK, "worker", "--scheduler-file", address_file, "--nworkers", str(workers),
                               "--nthreads", "1", "--no-dashboard", "--local-directory", scratch / "dask"],
                              env={**os.environ, "AUTOGRADER_CACHE": str(scratch / "cache")}, **quiet)
    try:
        while not address_file.is_file():
            time.sleep(0.2)
        address = json.loads(address_file.read_text())["address"]
        _wait_for_workers(address, workers)
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "autograder.cli", "grade", assignment, "--dask", address, "--force"],
                       cwd=root, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - began
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=60)


def _wait_for_workers(address: str, workers: int) -> None:
    from distributed import Client

    with Client(address) as client:
        client.wait_for_workers(workers, timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="a1_deep_network")
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as folder:
        root = make_course(Path(folder), args.assignment, args.students)
        print(f"{args.assignment}, {args.students} notebooks, {os.cpu_count()} cores")
        print(f"{'workers':>8} {'seconds':>8} {'notebooks/s':>12} {'load':>6}")
        for workers in args.workers:
            seconds = grade_on_cluster(root, args.assignment, workers, Path(folder) / f"cluster-{workers}")
            print(f"{workers:>8} {seconds:>8.1f} {args.students / seconds:>12.2f} {os.getloadavg()[0]:>6.1f}")


if __name__ == "__main__":
    main()
