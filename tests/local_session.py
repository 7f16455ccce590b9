"""An in-process stand-in for a worker session, for tests of the grading walk (no sandbox).

A cell that calls ``os._exit`` is reported as a crash instead of being run.
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


class LocalSession:
    """Runs cells with ``exec`` in one namespace; ``files`` are importable while a cell runs."""

    started = 0

    def __init__(self, files: dict[str, bytes]) -> None:
        LocalSession.started += 1
        self._dir = tempfile.TemporaryDirectory()
        for name, data in files.items():
            (Path(self._dir.name) / name).write_bytes(data)
        self.namespace: dict[str, Any] = {"__name__": "__main__"}

    def run_cell(self, source: str, *, timeout: float) -> LocalRun:
        if "os._exit" in source:
            return LocalRun(False, "", "the worker process exited", True)
        sys.path.insert(0, self._dir.name)
        try:
            exec(compile(source, "<cell>", "exec"), self.namespace)  # noqa: S102 - test double
            return LocalRun(True, "", "", False)
        except Exception as exc:  # noqa: BLE001
            return LocalRun(False, "", f"{type(exc).__name__}: {exc}", False)
        finally:
            sys.path.remove(self._dir.name)
            sys.modules.pop("helpers", None)

    def functions(self) -> dict[str, Any]:
        return {k: v for k, v in self.namespace.items() if inspect.isfunction(v)}

    def close(self) -> None:
        self._dir.cleanup()
