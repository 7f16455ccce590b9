"""The trusted side of the worker: a fork server per grader, a session per submission.

    with WorkerFactory() as factory:                 # starts the sandboxed fork server
        with factory.session({"dnn_helpers.py": b"..."}) as session:
            run = session.run_cell(source, timeout=30)  # CellRun(ok, output, error, crashed)
            namespace = session.functions()          # {name: RemoteFunction}
            Student(namespace).call("relu", Z)       # runs in the worker

Messages (``autograder.sandbox.wire``), grader -> worker: ``setup {files}``, ``cell {source}``,
``call {name, args, kwargs, substitutes, opaque}``, ``callback_result {value}`` /
``callback_error {error}``; worker -> grader: ``hello {scratch}``, ``cell_done {ok, output,
error, functions}``, ``callback {name, args, kwargs}`` (a substitute called by student code),
``result {value, mutated}``, ``raised {exc_type, message, tb}``, ``bad_value {message}``,
``missing``. Anything else, or a malformed frame, is a protocol error: the worker is killed
and the failure reported like a crash.

A crash or a timeout kills the worker. The next use starts a fresh one and replays the cells
that had succeeded, at most ``Limits.restarts`` times per session; after that every cell
and call fails at once with the reason.
"""

from __future__ import annotations

import contextlib
import functools
import os
import select
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from dnn_checks.student import BadValue, MissingFunction, Returned, StudentCrash, StudentError, StudentTimeout
from dnn_checks.values import UnsupportedValue, after_call, to_base

from autograder.sandbox import bubblewrap, wire
from autograder.sandbox.bubblewrap import Limits

__all__ = ["CellRun", "Limits", "RemoteFunction", "SandboxUnavailable", "WorkerFactory", "WorkerSession"]

_CREDS = struct.calcsize("iII")
#: The fields (and their types) of every reply the worker may send.
_REPLIES = {"cell_done": {"ok": bool, "output": str, "error": (str, type(None)), "functions": list},
            "result": {"value": object, "mutated": dict}, "raised": {"exc_type": str, "message": str, "tb": str},
            "bad_value": {"message": str}, "missing": {}}
_UNKNOWN_END = "died (a crash, os._exit, or a CPU or memory limit)"
_SIGNALS = {"SIGSEGV": "died with a segmentation fault", "SIGBUS": "died with a bus error", "SIGABRT": "aborted",
            "SIGXCPU": "was stopped when its CPU time limit ran out", "SIGXFSZ": "passed the file size limit",
            "SIGFPE": "died with a fatal arithmetic error", "SIGKILL": "was killed (out of memory, or a limit)"}
_PEER_CLOSED = "the peer closed the connection"
_CELL_REPLIES = frozenset({"cell_done"})
_CALL_REPLIES = frozenset({"result", "raised", "bad_value", "missing"})


class SandboxUnavailable(RuntimeError):
    """bubblewrap cannot run here; ``str(self)`` says why."""


@dataclass(frozen=True)
class CellRun:
    """What running one cell in the worker gave: ``error`` is the student traceback or the crash reason;
    ``crashed`` when the worker did not survive the cell, ``timed_out`` when that was a time limit."""

    ok: bool
    output: str
    error: str | None
    crashed: bool = False
    timed_out: bool = False


class _Dead(Exception):
    """The worker is gone; ``timeout`` tells a time limit from a crash."""

    def __init__(self, reason: str, *, timeout: bool = False) -> None:
        super().__init__(reason)
        self.timeout = timeout


class WorkerFactory:
    """One sandboxed fork server; ``session()`` forks a fresh worker for each submission.

    ``mode`` is ``"nested"`` (each worker in its own namespaces: sessions may overlap),
    ``"flat"`` (bwrap only: one session at a time, everything it started swept after each
    worker) or ``"insecure"`` (no sandbox: plain processes with the same limits).
    """

    def __init__(self, *, insecure: bool = False, limits: Limits = Limits()) -> None:
        reason = None if insecure else bubblewrap.check_available()
        if reason:
            raise SandboxUnavailable(reason)
        self.mode = "insecure" if insecure else "nested" if bubblewrap.nested_available() else "flat"
        self.insecure, self.limits, self._live = insecure, limits, 0
        self._runtime = tempfile.TemporaryDirectory(prefix="autograder-runtime-")
        bubblewrap.write_runtime(Path(self._runtime.name))
        self._lock = threading.Lock()
        self._start_server()
        self._check_started()

    def _check_started(self) -> None:
        """Fail loudly, with the server's log, when even an empty cell cannot run (a broken setup)."""
        with self.session() as probe:
            run = probe.run_cell("pass", timeout=self.limits.start_seconds)
        if not run.ok:
            log = self.server_log()
            self.close()
            raise RuntimeError(f"the sandboxed worker does not work here: {run.error}\n{log}")

    def _start_server(self) -> None:
        """Start the fork server and wait for its ``hello`` (it has imported numpy and matplotlib)."""
        self._control, theirs = socket.socketpair()
        self._control.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self._log = tempfile.TemporaryFile()
        command = bubblewrap.server_command(Path(self._runtime.name), theirs.fileno(), self.limits,
                                         insecure=self.insecure, nested=self.mode == "nested")
        self._server = subprocess.Popen(command, env=bubblewrap.environment(), pass_fds=[theirs.fileno()],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
                                        start_new_session=True)
        theirs.close()
        try:
            pidfd, self._server_pid, _ = _receive_hello(self._control, self.limits.start_seconds)
        except (OSError, EOFError, wire.ProtocolError, struct.error) as exc:
            raise RuntimeError(f"the worker fork server did not start ({exc}): {self.server_log()}") from None
        os.close(pidfd)
        self._control.settimeout(None)

    def session(self, files: Mapping[str, bytes] | Path = {}) -> WorkerSession:
        """A session on a fresh worker whose scratch dir holds ``files`` (or a directory's files)."""
        if self.mode == "flat" and self._live:
            raise RuntimeError("without nested namespaces, a WorkerFactory runs one session at a time")
        self._live += 1
        return WorkerSession(self, _read_files(files))

    def _session_closed(self) -> None:
        self._live -= 1

    def spawn(self) -> _Worker:
        """A fresh forked worker (restarting the fork server if it died: a flat worker can kill it)."""
        with self._lock:
            if self._server is None:
                raise RuntimeError("the worker factory is closed")
            try:
                mine = self._fork()
            except OSError:
                self._stop_server()
                self._start_server()
                try:
                    mine = self._fork()
                except OSError as exc:
                    raise RuntimeError(f"the worker fork server is gone: {exc}; {self.server_log()}") from None
        sweep = functools.partial(bubblewrap.sweep, self._server_pid) if self.mode == "flat" else None
        return _Worker(mine, self.limits.start_seconds, group=self.mode != "nested", sweep=sweep)

    def _fork(self) -> socket.socket:
        """Ask the server for a child; our end of its socket (OSError when the server is gone)."""
        if self._server.poll() is not None:
            raise OSError("the fork server has exited")
        mine, theirs = socket.socketpair()
        mine.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        try:
            socket.send_fds(self._control, [b"s"], [theirs.fileno()])
        except OSError:
            mine.close()
            raise
        finally:
            theirs.close()
        return mine

    def server_log(self) -> str:
        self._log.seek(0)
        return self._log.read()[-2000:].decode(errors="replace")

    def _stop_server(self) -> None:
        self._control.close()
        try:
            self._server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self._server.pid, signal.SIGKILL)
            self._server.wait()
        self._log.close()

    def close(self) -> None:
        """Stop the fork server (every worker still running dies with it) and remove the runtime dir."""
        with self._lock:
            if self._server is not None:
                self._stop_server()
                self._server = None
        self._runtime.cleanup()

    def __enter__(self) -> WorkerFactory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Worker:
    """One forked child: its socket, its pidfd, and the request/reply loop with a deadline.

    ``group``: kill its whole process group too (no pid namespace of its own); ``sweep``:
    kill everything else below the fork server afterwards (flat mode).
    """

    def __init__(self, sock: socket.socket, timeout: float, *, group: bool,
                 sweep: Callable[[], None] | None) -> None:
        self.sock, self.group, self.sweep, self.pidfd, self.scratch = sock, group, sweep, None, None
        try:
            self.pidfd, self.pid, hello = _receive_hello(sock, timeout)
        except (OSError, EOFError, wire.ProtocolError, struct.error) as exc:
            self.kill()
            raise _Dead(f"the worker did not start: {exc}") from None
        self.scratch = hello["scratch"] if isinstance(hello.get("scratch"), str) else None

    def request(self, message: dict, timeout: float, expect: frozenset[str],
                callbacks: Mapping[str, Callable[..., Any]] = {}) -> dict:
        """Send ``message`` and return the reply (its op in ``expect``), serving callbacks.

        _Dead on a crash, a timeout, a malformed frame or an unexpected reply.
        """
        data = wire.frame(message)
        try:
            return self._exchange(data, time.monotonic() + timeout, expect, callbacks)
        except TimeoutError:
            self.kill()
            raise _Dead(f"it ran for more than {timeout:g} s and was stopped", timeout=True) from None
        except (OSError, EOFError) as exc:
            self.kill()
            how = str(exc) if isinstance(exc, EOFError) and str(exc) != _PEER_CLOSED else _UNKNOWN_END
            raise _Dead(f"the process running it {how}") from None
        except (wire.ProtocolError, KeyError, TypeError) as exc:
            self.kill()
            raise _Dead(f"the worker broke the protocol ({exc})") from None

    def _exchange(self, data: bytes, deadline: float, expect: frozenset[str],
                  callbacks: Mapping[str, Callable[..., Any]]) -> dict:
        self.sock.sendall(data)
        while True:
            self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
            reply = wire.recv(self.sock)
            if reply.get("op") in expect:
                return _checked(reply)
            if reply.get("op") == "exited":
                raise EOFError(_ending(reply))
            wire.send(self.sock, _callback(reply, callbacks))

    def kill(self) -> None:
        """SIGKILL the child (pid 1 of its namespace: everything in it dies), free its resources."""
        if self.pidfd is not None:
            alive = not select.select([self.pidfd], [], [], 0)[0]  # so its pid is not reused yet
            with contextlib.suppress(ProcessLookupError):
                if self.group and alive:
                    os.killpg(self.pid, signal.SIGKILL)
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            if self.group:  # the sweep or the scratch removal that follows needs it gone
                select.select([self.pidfd], [], [], 2.0)  # readable once the process has exited
            os.close(self.pidfd)
            self.pidfd = None
        self.sock.close()
        if self.sweep:
            self.sweep()
        elif self.group and self.scratch:
            bubblewrap.remove_scratch(self.scratch)


def _ending(message: dict) -> str:
    """How the worker ended, in words, from its parent's ``exited`` message."""
    number = message.get("signal", message.get("code"))
    if type(number) is not int or set(message) - {"op", "signal", "code"}:
        return _UNKNOWN_END
    if "code" in message:
        return f"exited with status {number} (os._exit)"
    name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else f"signal {number}"
    return f"{_SIGNALS.get(name, 'was killed')} ({name})"


def _checked(reply: dict) -> dict:
    """``reply`` if it has exactly the fields of its kind, with the right types; else ProtocolError."""
    fields = _REPLIES[reply["op"]]
    if set(reply) != {"op", *fields} or not all(isinstance(reply[k], t) for k, t in fields.items()):
        raise wire.ProtocolError(f"a malformed {reply['op']!r} reply")
    if reply["op"] == "cell_done" and not all(type(n) is str for n in reply["functions"]):
        raise wire.ProtocolError("function names that are not strings")
    if reply["op"] == "result" and set(reply["mutated"]) != {"args", "kwargs"}:
        raise wire.ProtocolError("a malformed 'mutated' field")
    return reply


def _receive_hello(sock: socket.socket, timeout: float) -> tuple[int, int, dict]:
    """The first frame and a pidfd for its sender, from the pid the kernel put in its SCM_CREDENTIALS."""
    sock.settimeout(timeout)
    head, ancillary, _, _ = sock.recvmsg(8, socket.CMSG_SPACE(_CREDS))
    if not head:
        raise EOFError("the peer closed the connection before its hello")
    pids = [struct.unpack("iII", data[:_CREDS])[0] for level, kind, data in ancillary
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS]
    if not pids:
        raise wire.ProtocolError("the hello frame carried no credentials")
    head = bytes(head) + bytes(wire.read_exact(sock, 8 - len(head)))
    hello = wire.unpack(wire.read_exact(sock, wire.frame_size(head)))
    return os.pidfd_open(pids[0]), pids[0], hello


def _callback(message: dict, callbacks: Mapping[str, Callable[..., Any]]) -> dict:
    """Run a trusted substitute for the student code; its failure becomes an error message."""
    if message.get("op") != "callback":
        raise wire.ProtocolError(f"unexpected message {message.get('op')!r}")
    function = callbacks[message["name"]]
    args, kwargs = message["args"], message["kwargs"]
    if type(args) is not tuple or type(kwargs) is not dict:
        raise wire.ProtocolError("callback arguments are not a tuple and a dict")
    try:
        return {"op": "callback_result", "value": to_base(function(*args, **kwargs))}
    except Exception as exc:  # noqa: BLE001 - reported inside the student code
        return {"op": "callback_error", "error": f"{type(exc).__name__}: {exc}"}


class WorkerSession:
    """One submission's worker: cells run in order, functions are called through proxies."""

    def __init__(self, factory: WorkerFactory, files: dict[str, bytes]) -> None:
        self._factory, self._files, self.limits = factory, files, factory.limits
        self._worker: _Worker | None = None
        self._history: list[tuple[str, float]] = []
        self._names: list[str] = []
        self._restarts, self._reason, self._closed = 0, None, False
        try:
            self._start()
        except _Dead as exc:
            self._lost(exc)

    def _start(self) -> None:
        worker = self._factory.spawn()
        files = {name: np.frombuffer(data, dtype=np.uint8) for name, data in self._files.items()}
        try:
            wire.send(worker.sock, {"op": "setup", "files": files})
        except OSError as exc:
            worker.kill()
            raise _Dead(f"the worker did not start: {exc}") from None
        self._worker = worker

    def _live(self) -> _Worker:
        """The worker, restarted with the successful cells replayed if it died; _Dead when out of restarts."""
        if self._worker is not None:
            return self._worker
        if self._restarts >= self.limits.restarts:
            raise _Dead(f"not run: the worker was restarted {self._restarts} times already (last: {self._reason})")
        self._restarts += 1
        try:
            self._start()
            for source, timeout in self._history:
                self._cell(source, timeout)
        except _Dead as exc:
            self._lost(exc)
            raise
        return self._worker

    def _lost(self, exc: _Dead) -> None:
        self._worker, self._reason = None, str(exc)

    def run_cell(self, source: str, *, timeout: float) -> CellRun:
        """Run one cell's source after the cells run so far."""
        try:
            self._live()
            reply = self._cell(source, timeout)
        except _Dead as exc:
            self._lost(exc)
            return CellRun(ok=False, output="", error=f"The cell did not finish: {exc}.", crashed=True,
                           timed_out=exc.timeout)
        if reply["ok"]:
            self._history.append((source, timeout))
        return CellRun(ok=reply["ok"], output=reply["output"], error=reply["error"], crashed=False)

    def _cell(self, source: str, timeout: float) -> dict:
        reply = self._worker.request({"op": "cell", "source": source}, timeout, _CELL_REPLIES)
        self._names = reply["functions"]
        return reply

    def functions(self) -> dict[str, RemoteFunction]:
        """Proxies for the callables the cells run so far have defined."""
        return {name: RemoteFunction(self, name) for name in self._names}

    def call(self, name: str, args: tuple, kwargs: dict, *, substitutes: Mapping[str, Callable[..., Any]],
             opaque: Sequence[int], timeout: float) -> Returned:
        """See :meth:`RemoteFunction.remote_call`."""
        message = {"op": "call", "name": name, "args": _plain(tuple(args)), "kwargs": _plain(dict(kwargs)),
                   "substitutes": sorted(substitutes), "opaque": [int(i) for i in opaque]}
        try:
            reply = self._live().request(message, timeout, _CALL_REPLIES, substitutes)
        except _Dead as exc:
            self._lost(exc)
            failure = StudentTimeout if exc.timeout else StudentCrash
            raise failure(f"{name}: {exc}") from None
        return _outcome(name, reply, args, kwargs)

    def close(self) -> None:
        """Kill the worker and everything it started; the session can no longer be used."""
        if self._worker is not None:
            self._worker.kill()
            self._worker = None
        if not self._closed:
            self._closed, self._restarts = True, self.limits.restarts
            self._reason = "the session was closed"
            self._factory._session_closed()

    def __enter__(self) -> WorkerSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RemoteFunction:
    """A student function living in the session's worker (``dnn_checks.student.RemoteFunction``)."""

    def __init__(self, session: WorkerSession, name: str) -> None:
        self.session, self.name = session, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.remote_call(args, kwargs, substitutes={}, opaque=()).output

    def remote_call(self, args: tuple, kwargs: dict, *, substitutes: Mapping[str, Callable[..., Any]],
                    opaque: Sequence[int], timeout: float | None = None) -> Returned:
        """Call it in the worker: its base-value output and the states of the arguments it changed (observed)."""
        return self.session.call(self.name, args, kwargs, substitutes=substitutes, opaque=opaque,
                                 timeout=timeout or self.session.limits.call_seconds)

    def __repr__(self) -> str:
        return f"<student function {self.name} (sandboxed)>"


def _outcome(name: str, reply: dict, args: tuple, kwargs: dict) -> Returned:
    """The call's output and changed arguments as base values, or the StudentFailure the reply stands for."""
    op = reply.get("op")
    if op == "missing":
        raise MissingFunction(name)
    if op == "raised":
        raise StudentError(name, reply["exc_type"], reply["message"], reply["tb"])
    if op == "bad_value":
        raise BadValue(f"{name}: {reply['message']}")
    try:
        value = to_base(reply["value"], where=f"the result of {name}")
        return Returned(value, _changed(name, reply["mutated"], args, kwargs))
    except (UnsupportedValue, KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise BadValue(f"{name}: {exc}") from None


def _changed(name: str, mutated: dict, args: tuple, kwargs: dict) -> dict[int | str, Any]:
    """The worker's post-call states of the arguments it reports changed, by position or keyword: observed,
    never applied to the caller's objects."""
    changed: dict[int | str, Any] = {}
    for key, state in mutated["args"].items():
        index = int(key)
        if not 0 <= index < len(args):
            raise IndexError(f"the worker reported a change to argument {index + 1} of {len(args)}")
        changed[index] = after_call(state, where=f"{name}'s argument {index + 1}")
    for key, state in mutated["kwargs"].items():
        if key not in kwargs:
            raise KeyError(f"the worker reported a change to an argument {key!r} it was not given")
        changed[key] = after_call(state, where=f"{name}'s argument {key}")
    return changed


def _plain(value: Any) -> Any:
    """Arguments as wire values: named tuples become tuples, numpy scalars numbers, array subclasses arrays."""
    if isinstance(value, np.random.Generator):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return np.asarray(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value) if type(value) in (list, tuple) else tuple(map(_plain, value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _read_files(files: Mapping[str, bytes] | Path) -> dict[str, bytes]:
    if isinstance(files, Path):
        return {p.name: p.read_bytes() for p in sorted(files.iterdir()) if p.is_file()}
    return {str(name): bytes(data) for name, data in files.items()}

