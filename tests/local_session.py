"""An in-process stand-in for a worker session, for tests of the grading walk (no sandbox).

A cell that calls ``os._exit`` is reported as a crash instead of being run; as the real
session does, the next cell then runs in a fresh namespace after the cells that succeeded.
"""

from __future__ import annotations

import inspect
import sys
import tempfile
from pathlib import Path
from typing import Any, NamedTuple


class LocalRun(NamedTuple):
    ok: bool
    output: str
    error: str
    crashed: bool
    timed_out: bool = False
    exc_type: str | None = None


class LocalSession:
    """Runs cells with ``exec`` in one namespace; ``files`` are importable while a cell runs; no time budget."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self._dir = tempfile.TemporaryDirectory()
        for name, data in files.items():
            (Path(self._dir.name) / name).write_bytes(data)
        self.namespace: dict[str, Any] = {"__name__": "__main__"}
        self.history: list[str] = []
        self.dead = False

    def run_cell(self, source: str, *, timeout: float) -> LocalRun:
        if "os._exit" in source:
            self.dead = True
            return LocalRun(False, "", "the worker process exited", True)
        if self.dead:
            self.namespace, self.dead = {"__name__": "__main__"}, False
            for old in self.history:
                self._run(old)
        run = self._run(source)
        if run.ok:
            self.history.append(source)
        return run

    def _run(self, source: str) -> LocalRun:
        sys.path.insert(0, self._dir.name)
        try:
            exec(compile(source, "<cell>", "exec"), self.namespace)  # noqa: S102 - test double
            return LocalRun(True, "", "", False)
        except Exception as exc:  # noqa: BLE001
            return LocalRun(False, "", f"{type(exc).__name__}: {exc}", False, exc_type=type(exc).__name__)
        finally:
            sys.path.remove(self._dir.name)
            sys.modules.pop("helpers", None)

    def functions(self) -> dict[str, Any]:
        return {k: v for k, v in self.namespace.items() if inspect.isfunction(v)}

    def budget_spent(self) -> str | None:
        return None

    def close(self) -> None:
        self._dir.cleanup()
