"""Cost of the sandboxed worker: session start (fork vs cold start) and call round trips.

    python benchmarks/bench_worker.py [--insecure] [--repeat N]

A *forked* session is what grading pays per submission: a child of the warm fork server.
A *cold* session starts a new fork server (bwrap, Python, numpy, matplotlib) for one session.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from dnn_checks.student import Student

from autograder.sandbox.remote import WorkerFactory

CELL = "import numpy as np\ndef relu(Z):\n    return np.maximum(Z, 0), Z\ndef echo(x):\n    return x"


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` runs of ``action``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float]) -> None:
    print(f"{label:<42} median {statistics.median(times) * 1e3:8.2f} ms   min {min(times) * 1e3:8.2f} ms")


def forked_session(factory: WorkerFactory) -> None:
    with factory.session({"dnn_helpers.py": b"X = 1\n"}) as session:
        assert session.run_cell(CELL, timeout=30).ok


def cold_session(insecure: bool) -> None:
    with WorkerFactory(insecure=insecure) as factory:
        forked_session(factory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--insecure", action="store_true", help="no bubblewrap (plain processes)")
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()
    with WorkerFactory(insecure=options.insecure) as factory:
        print(f"worker mode: {factory.mode}")
        report("session start + one cell (forked)", timed(lambda: forked_session(factory), options.repeat))
        report("session start + one cell (cold server)", timed(lambda: cold_session(options.insecure), 3))
        with factory.session() as session:
            session.run_cell(CELL, timeout=30)
            student = Student(session.functions())
            for shape in [(1, 3), (256, 256)]:
                Z = np.random.default_rng(0).standard_normal(shape)
                report(f"call echo({shape[0]}x{shape[1]})", timed(lambda: student.call("echo", Z), options.repeat * 5))
                report(f"call relu({shape[0]}x{shape[1]}) with a handle",
                       timed(lambda: student.call("relu", Z, opaque=[1]), options.repeat * 5))
            bn = {"running_mean": np.zeros((256, 1)), "mode": "train"}
            report("call echo(dict, unchanged)", timed(lambda: student.call("echo", bn), options.repeat * 5))


if __name__ == "__main__":
    main()
