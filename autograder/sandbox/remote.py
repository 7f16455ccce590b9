"""The trusted side of the worker: a fork server per grader, a session per submission.

    with WorkerFactory() as factory:                 # starts the sandboxed fork server
        with factory.session({"dnn_helpers.py": b"..."}) as session:
            run = session.run_cell(source, timeout=30)  # CellRun(ok, output, error, crashed)
            namespace = session.functions()          # {name: RemoteFunction}
            Student(namespace).call("relu", Z)       # runs in the worker

Messages (``autograder.sandbox.wire``), grader -> worker: ``setup {files}``, ``cell {source}``,
``call {name, args, kwargs, substitutes, opaque}``, ``callback_result {value}`` /
``callback_error {error}``; worker -> grader: ``hello {scratch}``, ``cell_done {ok, output,
error, exc_type, functions}``, ``callback {name, args, kwargs}`` (a substitute called by student code),
``result {value, mutated}``, ``raised {exc_type, message, tb}``, ``bad_value {message}``,
``missing``. Anything else, or a malformed frame, is a protocol error: the worker is killed
and the failure reported like a crash.

A crash or a timeout kills the worker. The next use starts a fresh one and replays the cells
that had succeeded, at most ``Limits.restarts`` times per session; after that every cell
and call fails at once with the reason.

What the grader does for one submission is bounded:

- time: every cell and call (with the callbacks it makes, and the retries a check makes)
  ends by its own limit and by the submission's :class:`~autograder.sandbox.budget.Budget`
  (``Limits.submission_seconds``), shared by the sessions of the submission; a replay also
  draws on ``Limits.replay_seconds``, and is not tried when the cells' first run took longer
  than what is left of that. Once the budget is spent, nothing more runs (``budget_spent``);
- sizes: a call's reply and callbacks are decoded with the limits its own inputs imply
  (:mod:`autograder.sandbox.sizes`); a larger frame kills the worker unread and the call
  fails with ``BadValue``; a callback whose arrays are larger than the inputs imply is not
  run (the student code gets an error) and the call fails with ``BadValue`` whatever it returns.
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
from dnn_checks.student import (
    BadValue,
    MissingFunction,
    Returned,
    StudentCrash,
    StudentError,
    StudentFailure,
    StudentTimeout,
)
from dnn_checks.values import UnsupportedValue, after_call, to_base

from autograder.sandbox import bubblewrap, wire
from autograder.sandbox.bubblewrap import Limits
from autograder.sandbox.budget import Budget, Limit
from autograder.sandbox.sizes import Sizes

__all__ = ["CellRun", "Limits", "RemoteFunction", "SandboxUnavailable", "WorkerFactory", "WorkerSession"]

_CREDS = struct.calcsize("iII")
#: The fields (and their types) of every reply the worker may send.
_REPLIES = {"cell_done": {"ok": bool, "output": str, "error": (str, type(None)), "exc_type": (str, type(None)),
                          "functions": list},
            "result": {"value": object, "mutated": dict}, "raised": {"exc_type": str, "message": str, "tb": str},
            "bad_value": {"message": str}, "missing": {}}
_UNKNOWN_END = "died (a crash, os._exit, or a CPU or memory limit)"
_SIGNALS = {"SIGSEGV": "died with a segmentation fault", "SIGBUS": "died with a bus error", "SIGABRT": "aborted",
            "SIGXCPU": "was stopped when its CPU time limit ran out", "SIGXFSZ": "passed the file size limit",
            "SIGFPE": "died with a fatal arithmetic error", "SIGKILL": "was killed (out of memory, or a limit)"}
_PEER_CLOSED = "the peer closed the connection"
_CELL_REPLIES = frozenset({"cell_done"})
_CALL_REPLIES = frozenset({"result", "raised", "bad_value", "missing"})
#: A cell's reply holds text and names only (its output is capped at ``Limits.output_chars``).
_CELL_LIMITS = wire.WireLimits(message_bytes=16 << 20, array_elements=0, total_elements=0)


class SandboxUnavailable(RuntimeError):
    """bubblewrap cannot run here; ``str(self)`` says why."""


@dataclass(frozen=True)
class CellRun:
    """What running one cell in the worker gave: ``error`` is the student traceback or the crash reason,
    ``exc_type`` the name of the exception's class when the cell raised; ``crashed`` when the worker did
    not survive the cell, ``timed_out`` when that was a time limit."""

    ok: bool
    output: str
    error: str | None
    crashed: bool = False
    timed_out: bool = False
    exc_type: str | None = None


class _Dead(Exception):
    """The worker is gone (or nothing more may run); ``failure`` is what it costs the call:
    StudentTimeout for a time limit, BadValue for a reply too large, StudentCrash otherwise."""

    def __init__(self, reason: str, *, failure: type[StudentFailure] = StudentCrash) -> None:
        super().__init__(reason)
        self.failure = failure


class WorkerFactory:
    """One sandboxed fork server; ``session()`` forks a fresh worker for each submission.

    ``mode`` is ``"nested"`` (each worker in its own namespaces: sessions may overlap),
    ``"flat"`` (bwrap only: one session at a time, everything it started swept after each
    worker) or ``"insecure"`` (no sandbox: plain processes with the same limits).
    """

    def __init__(self, *, insecure: bool = False, limits: Limits = Limits(),
                 preload: Sequence[str] = bubblewrap.PRELOAD, probed: str | None = None) -> None:
        """``probed``: the sandbox's mode (``"nested"`` or ``"flat"``) as another process of this machine just
        found it (``bubblewrap.mode``), so as not to probe again (a second of CPU); None: probe."""
        if insecure:
            self.mode = "insecure"
        elif probed in ("nested", "flat"):
            self.mode = probed
        else:
            reason = bubblewrap.check_available()
            if reason:
                raise SandboxUnavailable(reason)
            self.mode = bubblewrap.mode()
        self.insecure, self.limits, self.preload, self._live = insecure, limits, tuple(preload), 0
        self._runtime = tempfile.TemporaryDirectory(prefix="autograder-runtime-")
        bubblewrap.write_runtime(Path(self._runtime.name))
        self._lock = threading.Lock()
        self._booting, self._boot_error = True, None
        self._start_server()

    def _check_started(self) -> None:
        """Fail loudly, with the server's log, when even an empty cell cannot run (a broken setup)."""
        with self.session() as probe:
            run = probe.run_cell("pass", timeout=self.limits.start_seconds)
        if not run.ok:
            log = self.server_log()
            self.close()
            raise RuntimeError(f"the sandboxed worker does not work here: {run.error}\n{log}")

    def _ready(self) -> None:
        """Before the first session: wait for the fork server's ``hello``, then prove a cell runs. The server
        boots meanwhile (numpy, matplotlib, scikit-learn), while its creator prepares its own work; a server
        that did not boot fails this and every later session with the reason."""
        if self._booting and self._server is not None:
            self._booting = False
            try:
                self._await_server()
                self._check_started()
            except RuntimeError as exc:
                self._boot_error = str(exc)
        if self._boot_error or self._server is None:
            raise RuntimeError(self._boot_error or "the worker factory is closed")

    def _start_server(self) -> None:
        """Start the fork server (:meth:`_await_server` waits for it)."""
        self._control, theirs = socket.socketpair()
        self._control.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self._log = tempfile.TemporaryFile()
        command = bubblewrap.server_command(Path(self._runtime.name), theirs.fileno(), self.limits,
                                         insecure=self.insecure, nested=self.mode == "nested", preload=self.preload)
        self._server = subprocess.Popen(command, env=bubblewrap.environment(), pass_fds=[theirs.fileno()],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
                                        start_new_session=True)
        theirs.close()

    def _await_server(self) -> None:
        """Wait for the server's ``hello``: it has imported what every submission imports."""
        try:
            pidfd, self._server_pid, _ = _receive_hello(self._control, self.limits.start_seconds)
        except (OSError, EOFError, wire.ProtocolError, struct.error) as exc:
            raise RuntimeError(f"the worker fork server did not start ({exc}): {self.server_log()}") from None
        os.close(pidfd)
        self._control.settimeout(None)

    def session(self, files: Mapping[str, bytes] | Path = {}, *, budget: Budget | None = None) -> WorkerSession:
        """A session on a fresh worker whose scratch dir holds ``files`` (or a directory's files),
        drawing on ``budget`` (shared by a submission's sessions; by default one of its own)."""
        self._ready()
        if self.mode == "flat" and self._live:
            raise RuntimeError("without nested namespaces, a WorkerFactory runs one session at a time")
        self._live += 1
        return WorkerSession(self, _read_files(files), budget or self.budget())

    def budget(self) -> Budget:
        """A fresh budget for one submission, starting now."""
        return Budget(self.limits.submission_seconds, replay_seconds=self.limits.replay_seconds)

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
                    self._await_server()
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

    def request(self, message: dict, limit: Limit, expect: frozenset[str], *,
                callbacks: _Callbacks | None = None, limits: wire.WireLimits = _CELL_LIMITS) -> dict:
        """Send ``message`` and return the reply (its op in ``expect``), serving ``callbacks``,
        within ``limit`` (callbacks included), decoding with ``limits``.

        _Dead on a crash, a timeout, a malformed or too large frame or an unexpected reply.
        """
        data = wire.frame(message)
        try:
            return self._exchange(data, time.monotonic() + limit.seconds, expect, callbacks, limits)
        except TimeoutError:
            self.kill()
            raise _Dead(limit.why, failure=StudentTimeout) from None
        except (OSError, EOFError) as exc:
            self.kill()
            how = str(exc) if isinstance(exc, EOFError) and str(exc) != _PEER_CLOSED else _UNKNOWN_END
            raise _Dead(f"the process running it {how}") from None
        except wire.TooLarge as exc:
            self.kill()
            raise _Dead(_too_large(exc), failure=BadValue) from None
        except (wire.ProtocolError, KeyError, TypeError) as exc:
            self.kill()
            raise _Dead(f"the worker broke the protocol ({exc})") from None

    def _exchange(self, data: bytes, deadline: float, expect: frozenset[str], callbacks: _Callbacks | None,
                  limits: wire.WireLimits) -> dict:
        self.sock.sendall(data)
        while True:
            self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
            reply = wire.recv(self.sock, limits)
            if reply.get("op") in expect:
                return _checked(reply)
            if reply.get("op") == "exited":
                raise EOFError(_ending(reply))
            if callbacks is None or reply.get("op") != "callback":
                raise wire.ProtocolError(f"unexpected message {reply.get('op')!r}")
            if time.monotonic() >= deadline:
                raise TimeoutError
            wire.send(self.sock, callbacks.run(reply))

    def kill(self) -> None:
        """SIGKILL the child (pid 1 of its namespace: everything in it dies), free its resources (once)."""
        if self.sock.fileno() == -1:
            return
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


def _too_large(exc: wire.TooLarge) -> str:
    """A reply over the call's size limits, in the student's terms."""
    if exc.unit == "bytes":
        size = f"{exc.size / 2**20:.1f} MB, far more than its inputs imply (at most {exc.limit / 2**20:.1f} MB)"
    else:
        size = f"{exc.what} of {exc.size:,} {exc.unit}, far more than its inputs imply (at most {exc.limit:,})"
    return f"it sent back {size}: the grader refused it"


@dataclass
class _Callbacks:
    """The trusted substitutes of one call, run only on arguments of the sizes its inputs imply.

    ``refused`` says why a callback was not run: the call then fails, whatever it returns.
    """

    functions: Mapping[str, Callable[..., Any]]
    sizes: Sizes
    refused: str | None = None

    def run(self, message: dict) -> dict:
        """The reply to a ``callback`` message: the substitute's value, or its failure as an error."""
        name, args, kwargs = message["name"], message["args"], message["kwargs"]
        function = self.functions[name]
        if type(args) is not tuple or type(kwargs) is not dict:
            raise wire.ProtocolError("callback arguments are not a tuple and a dict")
        why = self.sizes.refusal((args, kwargs))
        if why:
            self.refused = self.refused or f"it called {name} with {why}: the grader did not run it"
            return {"op": "callback_error", "error": f"not run on {why}"}
        try:
            return {"op": "callback_result", "value": to_base(function(*args, **kwargs))}
        except Exception as exc:  # noqa: BLE001 - reported inside the student code
            return {"op": "callback_error", "error": f"{type(exc).__name__}: {exc}"}


class WorkerSession:
    """One submission's worker: cells run in order, functions are called through proxies, within ``budget``."""

    def __init__(self, factory: WorkerFactory, files: dict[str, bytes], budget: Budget) -> None:
        self._factory, self._files, self.limits, self._budget = factory, files, factory.limits, budget
        self._worker: _Worker | None = None
        self._history: list[tuple[str, float, float]] = []  # source, time limit, seconds it took
        self._names: list[str] = []
        self._restarts, self._reason, self._gone, self._closed = 0, None, None, False
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
        """The worker, restarted with the successful cells replayed if it died; _Dead when it may not be,
        or when the submission's budget is spent."""
        if self._budget.left() <= 0:
            raise _Dead(f"not run: {self._budget} had run out", failure=StudentTimeout)
        if self._worker is not None:
            return self._worker
        self._gone = self._gone or self._why_not_restarted()
        if self._gone:
            raise _Dead(self._gone)
        self._restarts += 1
        began = time.monotonic()
        try:
            self._start()
            for source, timeout, _ in self._history:
                self._cell(source, self._limit(timeout, replay=True))
        except _Dead as exc:
            self._lost(exc)
            raise
        finally:
            self._budget.replayed(time.monotonic() - began)
        return self._worker

    def _why_not_restarted(self) -> str | None:
        """Why the worker may not be restarted: out of restarts, or a replay longer than the time left for it."""
        if self._restarts >= self.limits.restarts:
            return f"not run: the worker was restarted {self._restarts} times already (last: {self._reason})"
        cost, left = sum(seconds for _, _, seconds in self._history), self._budget.replay_left()
        if cost > left:
            return (f"not run: the worker stopped ({self._reason}), and running the cells before this one again "
                    f"would take {round(cost, 1):g} s, more than the {round(left, 1):g} s left for that")
        return None

    def _lost(self, exc: _Dead) -> None:
        if self._worker is not None:
            self._worker.kill()
        self._worker, self._reason = None, str(exc)

    def _limit(self, timeout: float, *, replay: bool = False) -> Limit:
        """The time of the next request (its own ``timeout``, or less when the budget says so)."""
        limit = self._budget.limit(timeout, replay=replay)
        if limit.seconds <= 0:
            raise _Dead(limit.why, failure=StudentTimeout)
        return limit

    def budget_spent(self) -> str | None:
        """Why nothing more may run for this submission (its time budget ran out), or None."""
        return f"{self._budget} ran out" if self._budget.left() <= 0 else None

    def run_cell(self, source: str, *, timeout: float) -> CellRun:
        """Run one cell's source after the cells run so far."""
        try:
            self._live()
            began = time.monotonic()
            reply = self._cell(source, self._limit(timeout))
        except _Dead as exc:
            self._lost(exc)
            return CellRun(ok=False, output="", error=f"The cell did not finish: {exc}.", crashed=True,
                           timed_out=exc.failure is StudentTimeout)
        if reply["ok"]:
            self._history.append((source, timeout, time.monotonic() - began))
        return CellRun(ok=reply["ok"], output=reply["output"], error=reply["error"], crashed=False,
                       exc_type=reply["exc_type"])

    def _cell(self, source: str, limit: Limit) -> dict:
        reply = self._worker.request({"op": "cell", "source": source}, limit, _CELL_REPLIES)
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
        sizes = Sizes.of((message["args"], message["kwargs"]))
        callbacks = _Callbacks(substitutes, sizes)
        try:
            reply = self._live().request(message, self._limit(timeout), _CALL_REPLIES, callbacks=callbacks,
                                         limits=sizes.wire_limits())
        except _Dead as exc:
            self._lost(exc)
            raise exc.failure(f"{name}: {exc}") from None
        if callbacks.refused:
            raise BadValue(f"{name}: {callbacks.refused}")
        return _outcome(name, reply, args, kwargs)

    def close(self) -> None:
        """Kill the worker and everything it started; the session can no longer be used."""
        if self._worker is not None:
            self._worker.kill()
            self._worker = None
        if not self._closed:
            self._closed, self._gone = True, "not run: the session was closed"
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

