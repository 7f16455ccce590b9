"""The program that runs a student's notebook code, inside the sandbox (never imported).

Run by path, ``python -s -B worker.py CONTROL_FD CONFIG_JSON`` (not ``-I``: it would ignore
PYTHONHASHSEED; the environment is scrubbed anyway), from a runtime directory that
holds only this file, ``wire.py`` and the student package ``dnn_checks`` (``autograder.sandbox.bubblewrap``):
it cannot import ``reference`` or ``autograder``, which the sandbox does not show anyway.

It starts as a *fork server*: it drops root (when started as root), pre-imports numpy,
matplotlib (Agg) and IPython's input transformer, says ``hello`` on the control socket, then
waits there. Each message carries one socket fd (``SCM_RIGHTS``); the server forks a child
that serves one submission over that socket and never serves another. A child:

1. starts its own session; when ``nested`` is set (inside bubblewrap) it enters new user,
   pid, mount, ipc and network namespaces (``_isolate``; no channel to a concurrent child):
   the grader kills the namespace's pid 1, which kills every process the student started,
   ``setsid`` or not; a private tmpfs on ``/tmp``
   holds the scratch dir, invisible to other children and gone with them; every capability
   is dropped. The
   server and every child are non-dumpable: no ptrace, no /proc/PID/mem, root, cwd or fd of
   one another (same uid, but not dumpable and no capability in each other's namespaces).
   ``/proc`` still lists the other children's pids and command lines (a new procfs cannot be
   mounted under bwrap's covered /proc); signals cannot reach them (other pid namespaces).
   Where user namespaces cannot nest (``nested`` false: *flat*), a child only starts its own
   session in a scratch dir under the sandbox's /tmp; it shares the uid and pid namespace of
   the server (which it could kill: the grader restarts it), so the grader runs one session
   at a time and sweeps every process below the server after each worker;
2. ``hello`` goes out with ``SCM_CREDENTIALS`` (the kernel translates the sender's pid into
   the grader's namespace, so the grader can kill it by pidfd); the worker sets its resource
   limits, receives the files the notebook may read and writes them into the scratch dir,
   its cwd and HOME;
3. serves ``cell`` and ``call`` messages (module docstring of ``autograder.sandbox.remote``).

The protocol socket is moved to a high fd and stdio points to ``/dev/null``, but the student
code runs in this process and *can* reach the socket. That is accepted: a forged message can
only forge this student's own cell outputs or return values, which the grader validates like
any other; a malformed one is a protocol error, treated as a crash of this submission.
IPython syntax is turned into Python by IPython's ``TransformerManager`` (magics and ``!``
become calls on ``get_ipython()``, see :class:`_IPython`); ``display`` is a no-op.
"""

import contextlib
import copy
import ctypes
import gc
import glob
import importlib
import io
import json
import linecache
import os
import re
import resource
import shutil
import signal
import socket
import struct
import sys
import tempfile
import traceback
import types
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import wire  # noqa: E402
from dnn_checks.student import bound  # noqa: E402
from dnn_checks.calls import changes  # noqa: E402
from dnn_checks.values import Handle, UnsupportedValue, after_call, resolve, to_base  # noqa: E402

_CLONE_NEWNS, _CLONE_NEWUSER, _CLONE_NEWPID, _CLONE_NEWIPC, _CLONE_NEWNET = \
    0x00020000, 0x10000000, 0x20000000, 0x08000000, 0x40000000
_MS_BIND, _MS_REC = 0x1000, 0x4000
_PR_SET_DUMPABLE, _PR_CAPBSET_DROP, _PR_SET_PDEATHSIG, _PR_SET_CHILD_SUBREAPER = 4, 24, 1, 36
_PROTOCOL_FD = 900
_UNPRIVILEGED = 65534


def main(argv: list[str]) -> None:
    """``worker.py CONTROL_FD CONFIG_JSON`` serves; ``worker.py probe basic|nested`` tries the sandbox.

    ``CONFIG_JSON``: ``{"sandboxed": bool, "nested": bool, "limits": {...}, "preload": [module, ...]}``. Without nested
    namespaces (``flat``) the server is a subreaper, so whatever a child leaves behind stays
    below the server, where the grader sweeps it; stale scratch dirs go before each fork.
    """
    if argv[1] == "probe":
        _probe(argv[2])
    control = socket.socket(fileno=int(argv[1]))
    config = json.loads(argv[2])
    if os.getuid() == 0 and config["sandboxed"]:
        _drop_root()
    _libc().prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)  # no ptrace, no /proc/PID/mem for the children
    _libc().prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    _preload(config["preload"])
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    _hello(control, "")
    _serve_forks(control, config)


def _serve_forks(control: socket.socket, config: dict) -> None:
    """Fork a child for every socket fd received on ``control``, until it closes."""
    flat_sandbox = config["sandboxed"] and not config["nested"]
    while True:
        try:
            _, fds, _, _ = socket.recv_fds(control, 16, 1)
        except OSError:
            return
        if not fds:
            return
        if flat_sandbox:
            for stale in glob.glob("/tmp/scratch-*"):
                shutil.rmtree(stale, ignore_errors=True)
        if os.fork() == 0:
            control.close()
            _child(socket.socket(fileno=fds[0]), config)
        os.close(fds[0])


def _probe(level: str) -> None:
    """Exit 0 when the sandbox works (``basic``) or a child could isolate itself (``nested``)."""
    if os.getuid() == 0:
        _drop_root()
    if level == "basic":
        sys.exit(0)
    _enter_namespaces()
    pid = os.fork()
    if pid == 0:
        try:
            _private_tmp(1 << 20)
        finally:
            os._exit(0 if os.path.isdir("/tmp/scratch") else 1)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))


def _drop_root() -> None:
    """Become uid/gid 65534 with no capabilities (bwrap ran us as root with CAP_SETUID)."""
    os.setgroups([])
    os.setresgid(_UNPRIVILEGED, _UNPRIVILEGED, _UNPRIVILEGED)
    os.setresuid(_UNPRIVILEGED, _UNPRIVILEGED, _UNPRIVILEGED)
    _clear_capabilities()


def _matplotlib_config() -> str:
    """A fresh config folder for matplotlib, holding the font list the runtime folder carries, if any (made
    outside the sandbox, ``autograder.sandbox.fonts``): matplotlib then does not scan the fonts again."""
    folder = tempfile.mkdtemp(prefix="mpl-")
    shipped = os.path.join(os.path.dirname(os.path.abspath(__file__)), "matplotlib")
    for name in sorted(os.listdir(shipped)) if os.path.isdir(shipped) else ():
        shutil.copyfile(os.path.join(shipped, name), os.path.join(folder, name))
    return folder


def _preload(modules: list[str]) -> None:
    """Import once, in the server, what every submission imports (each child then gets it for free): numpy,
    matplotlib, the visible checks (the notebooks' ``run_checks`` and ``needs_working``), IPython's input
    transformer, and ``modules`` (``sklearn.datasets``, 1.5-4 s to import, where the graded cells load the digits)."""
    if "MPLCONFIGDIR" not in os.environ:
        os.environ["MPLCONFIGDIR"] = _matplotlib_config()
    from dnn_checks import cell, plot_cell  # noqa: F401 - run_checks and needs_working, with the visible checks
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    for module in modules:
        importlib.import_module(module)
    from IPython.core.inputtransformer2 import TransformerManager

    TransformerManager().transform_cell("%matplotlib inline\n")
    gc.freeze()  # the children's collector leaves these objects alone: fewer copy-on-write faults


def _child(sock: socket.socket, config: dict) -> None:
    """Serve one submission; never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        scratch = _isolate(sock, config) if config["nested"] else _unisolated(sock)
        sock = _hide_socket(sock)
        _set_limits(config["limits"])
        _Session(sock, scratch, config["limits"]["output_chars"]).serve()
        code = 0
    finally:
        os._exit(code)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _unisolated(sock: socket.socket) -> str:
    scratch = tempfile.mkdtemp(prefix="scratch-")
    _hello(sock, scratch)
    return scratch


def _isolate(sock: socket.socket, config: dict) -> str:
    """Fork into fresh user/pid/mount namespaces; return (in the worker) its scratch dir.

    Three processes: the first waits outside the new pid namespace; the second is its pid 1,
    sends ``hello`` (so the grader's SIGKILL goes to pid 1 and ends the whole namespace),
    then waits for the third, the worker, and tells the grader how it ended (``exited``).
    Only the worker runs student code; pid 1 is non-dumpable and ignores its signals.
    """
    _enter_namespaces()
    if os.fork():
        sock.close()
        os.wait()
        os._exit(0)
    _private_tmp(config["limits"]["scratch_bytes"])
    _hello(sock, "/tmp/scratch")
    worker = os.fork()
    if worker:
        _report_end(sock, worker)
    return "/tmp/scratch"


def _private_tmp(size: int) -> None:
    """A fresh tmpfs on /tmp holding /tmp/scratch, then no capabilities and not dumpable.

    A Python installation or venv that lives under /tmp (a kit cloned there) is bound in again at its
    path, read-only as the sandbox shows it (with its covers): the tmpfs would hide it otherwise, and a
    file read late (scikit-learn's digits, a module imported in a cell) would be missing.
    """
    libc = _libc()
    kept = [(tree, os.open(tree, os.O_PATH | os.O_DIRECTORY)) for tree in _trees_under_tmp()]
    if libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, f"size={size},mode=0700".encode()) != 0:
        raise OSError(ctypes.get_errno(), "mounting the scratch tmpfs failed")
    for tree, fd in kept:
        os.makedirs(tree, mode=0o755, exist_ok=True)
        if libc.mount(f"/proc/self/fd/{fd}".encode(), tree.encode(), None, _MS_BIND | _MS_REC, None) != 0:
            raise OSError(ctypes.get_errno(), f"binding {tree} into the scratch tmpfs failed")
        os.close(fd)
    for cap in range(64):
        libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)
    _clear_capabilities()
    libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    os.mkdir("/tmp/scratch", 0o700)


def _trees_under_tmp() -> list[str]:
    """The Python installation and venv this worker runs from, where they lie under /tmp."""
    trees = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix)}
    return sorted(t for t in trees if t.startswith("/tmp/"))


def _report_end(sock: socket.socket, worker: int) -> None:
    """Wait for the worker, send ``exited {code}`` or ``exited {signal}``, exit (ending the namespace)."""
    _, status = os.waitpid(worker, 0)
    code = os.waitstatus_to_exitcode(status)
    with contextlib.suppress(OSError):
        wire.send(sock, {"op": "exited", "signal": -code} if code < 0 else {"op": "exited", "code": code})
    os._exit(0)


def _enter_namespaces() -> None:
    """unshare(2) user, pid, mount, ipc and network namespaces, mapping our uid and gid to themselves."""
    libc, uid, gid = _libc(), os.getuid(), os.getgid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWPID | _CLONE_NEWNS | _CLONE_NEWIPC | _CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare of user/pid/mount namespaces failed")
    libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)  # /proc/self/*_map belong to root otherwise
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as file:
            file.write(text)
    libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def _clear_capabilities() -> None:
    """capset(2) with empty effective, permitted and inheritable sets."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)()
    if _libc().capset(header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


def _hide_socket(sock: socket.socket) -> socket.socket:
    """Move the protocol socket to a high fd, point stdio at /dev/null, close other fds."""
    high = socket.socket(fileno=os.dup2(sock.fileno(), _PROTOCOL_FD))
    sock.close()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, _PROTOCOL_FD)
    os.closerange(_PROTOCOL_FD + 1, 1 << 16)
    return high


def _set_limits(limits: dict) -> None:
    for name, key in (("RLIMIT_CPU", "cpu_seconds"), ("RLIMIT_AS", "address_space"), ("RLIMIT_NPROC", "processes"),
                      ("RLIMIT_FSIZE", "file_size"), ("RLIMIT_NOFILE", "open_files"), ("RLIMIT_CORE", None)):
        value = limits[key] if key else 0
        hard = value + 5 if name == "RLIMIT_CPU" else value  # SIGXCPU first, SIGKILL 5 s later
        resource.setrlimit(getattr(resource, name), (value, hard))


def _hello(sock: socket.socket, scratch: str) -> None:
    """The first frame, with our credentials so the grader learns our pid in its namespace."""
    payload = wire.pack({"op": "hello", "scratch": scratch})
    creds = struct.pack("iII", os.getpid(), os.getuid(), os.getgid())
    sock.sendmsg([struct.pack(">Q", len(payload)) + payload],
                 [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, creds)])


class _IPython:
    """``get_ipython()`` in a student cell: timing magics run their code once, others do nothing.

    ``%time x = f()``, ``%%time``, ``%%timeit`` (options skipped), ``%%capture`` and ``%%prun``
    run their code, so what it defines exists as it would in Jupyter; ``%%writefile`` writes
    its file into the scratch dir; ``%matplotlib``, ``!pip``, ``x?`` and the rest are no-ops.
    """

    _RUNS = frozenset({"time", "timeit", "capture", "prun"})

    def __init__(self, run: types.FunctionType) -> None:
        self._run = run

    def run_line_magic(self, name: str, line: str, *args: object) -> None:
        if name in self._RUNS:
            self._run(re.sub(r"^(\s*-[A-Za-z]+(\s+\d+)?)*\s*", "", line))

    def run_cell_magic(self, name: str, line: str, body: str) -> None:
        if name in self._RUNS:
            self._run(body)
        elif name == "writefile" and line.split():
            with open(line.split()[-1], "a" if "-a" in line.split() else "w") as file:
                file.write(body)

    def __getattr__(self, name: str) -> types.FunctionType:
        return lambda *args, **kwargs: None


class _Capped(io.TextIOBase):
    """A text sink keeping the first ``limit`` characters and counting the rest."""

    def __init__(self, limit: int) -> None:
        self.limit, self.parts, self.kept, self.dropped = limit, [], 0, 0

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = max(self.limit - self.kept, 0)
        self.parts.append(text[:room])
        self.kept += min(len(text), room)
        self.dropped += max(len(text) - room, 0)
        return len(text)

    def text(self) -> str:
        cut = f"\n[... {self.dropped} more characters of output cut]" if self.dropped else ""
        return "".join(self.parts) + cut


class _Session:
    """One submission's namespace, handle table and message loop."""

    def __init__(self, sock: socket.socket, scratch: str, output_chars: int) -> None:
        from IPython.core.inputtransformer2 import TransformerManager

        self.sock, self.scratch, self.output_chars = sock, scratch, output_chars
        self.transformer = TransformerManager()
        module = types.ModuleType("__main__")
        shell = _IPython(self._run)
        module.__dict__.update(display=lambda *args, **kwargs: None, get_ipython=lambda: shell)
        sys.modules["__main__"] = module
        self.namespace, self.handles, self.cells = module.__dict__, {}, 0
        self.pid = os.getpid()

    def serve(self) -> None:
        self._setup(wire.recv(self.sock))
        while True:
            try:
                message = wire.recv(self.sock)
            except EOFError:
                return
            reply = getattr(self, f"_op_{message['op']}")(message)
            if os.getpid() != self.pid:
                os._exit(0)  # a process the student forked: only the worker itself answers
            wire.send(self.sock, reply)

    def _setup(self, message: dict) -> None:
        os.chdir(self.scratch)
        os.environ["HOME"] = self.scratch
        sys.path.insert(0, self.scratch)
        for name, data in message["files"].items():
            path = os.path.normpath(os.path.join(self.scratch, name))
            if not path.startswith(self.scratch + os.sep):
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as file:
                file.write(data.tobytes())

    def _op_cell(self, message: dict) -> dict:
        self.cells += 1
        sink = _Capped(self.output_chars)
        error = exc_type = None
        with _captured(sink):
            try:
                self._run(message["source"])
            except BaseException as exc:  # noqa: BLE001 - SystemExit included: the cell failed
                error, exc_type = _student_traceback(exc), type(exc).__name__
        _close_figures()
        return {"op": "cell_done", "ok": error is None, "output": sink.text(), "error": error, "exc_type": exc_type,
                "functions": self._functions()}

    def _run(self, source: str) -> None:
        """Run IPython cell source in the namespace, registered with linecache for tracebacks."""
        name = f"<cell {self.cells}>"
        source = self.transformer.transform_cell(source)
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
        exec(compile(source, name, "exec"), self.namespace)  # noqa: S102

    def _functions(self) -> list[str]:
        hidden = {"display", "get_ipython"}
        return sorted(name for name, value in self.namespace.items() if type(name) is str
                      and callable(value) and not name.startswith("__") and name not in hidden)

    def _op_call(self, message: dict) -> dict:
        function = self.namespace.get(message["name"])
        if not callable(function):
            return {"op": "missing"}
        try:
            args, kwargs = self._resolve(message["args"]), self._resolve(message["kwargs"])
        except KeyError as exc:
            return {"op": "bad_value", "message": f"unknown handle {exc}"}
        before = _snapshot(message["args"], message["kwargs"])
        try:
            with bound(self.namespace, self._stubs(message["substitutes"])), _captured(_Capped(0)):
                result = function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - any student exception is a failed property
            return {"op": "raised", "exc_type": type(exc).__name__, "message": _str(exc),
                    "tb": _student_traceback(exc)}
        try:
            return {"op": "result", "value": self._result(result, message["opaque"]),
                    "mutated": _mutated(before, (args, kwargs))}
        except UnsupportedValue as exc:
            return {"op": "bad_value", "message": str(exc)}

    def _resolve(self, value: object) -> object:
        """Replace every Handle in ``value`` by the object it stands for."""
        return resolve(value, self.handles)

    def _result(self, result: object, opaque: list[int]) -> object:
        if not opaque:
            return to_base(result)
        if not isinstance(result, tuple):
            raise UnsupportedValue(f"the result should be a tuple, not a {type(result).__name__}")
        items = []
        for i, item in enumerate(result):
            if i in opaque:
                self.handles[len(self.handles)] = item
                items.append(Handle(len(self.handles) - 1))
            else:
                items.append(to_base(item, where=f"the result[{i}]"))
        return tuple(items)

    def _stubs(self, names: list[str]) -> dict:
        return {name: self._stub(name) for name in names}

    def _stub(self, name: str) -> types.FunctionType:
        sock = self.sock

        def stub(*args: object, **kwargs: object) -> object:
            if os.getpid() != self.pid:
                raise RuntimeError(f"{name} (the reference version) cannot be called from a forked process")
            try:
                message = {"op": "callback", "name": name, "args": to_base(args), "kwargs": to_base(kwargs)}
            except UnsupportedValue as exc:
                raise TypeError(f"{name} (the reference version) got {exc}") from None
            wire.send(sock, message)
            reply = wire.recv(sock)
            if reply["op"] == "callback_result":
                return reply["value"]
            raise RuntimeError(f"{name} (the reference version) failed: {reply['error']}")

        stub.__name__ = name
        return stub


def _snapshot(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Copies of the arguments as they arrived (a Handle stays a Handle), to see what the call changed."""
    return copy.deepcopy((args, kwargs))


def _mutated(before: tuple[tuple, dict], after: tuple) -> dict:
    """Post-call states of the arguments that changed, those holding a Handle aside: {"args": {i: v}, "kwargs": {k: v}}.

    The grader observes them; it applies them to nothing.
    """
    (args0, kwargs0), (args, kwargs) = before, after
    return {"args": {str(i): after_call(v, where=f"argument {i + 1}") for i, v in changes(args0, args).items()},
            "kwargs": {k: after_call(v, where=f"argument {k}") for k, v in changes(kwargs0, kwargs).items()}}


@contextlib.contextmanager
def _captured(sink: _Capped):
    """stdout and stderr go to ``sink``; numpy and Python warnings stay quiet."""
    with warnings.catch_warnings(), np.errstate(all="ignore"), \
            contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        warnings.simplefilter("ignore")
        yield


def _close_figures() -> None:
    import matplotlib.pyplot as plt

    plt.close("all")


def _str(exc: BaseException) -> str:
    try:
        return str(exc)[:2000]
    except Exception:  # noqa: BLE001 - a hostile __str__
        return "<unprintable message>"


def _student_traceback(exc: BaseException) -> str:
    """The exception line and the student's own frames (cells), at most the last five."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<cell")]
    lines = traceback.format_list(frames[-5:])
    return ("".join(lines) + f"{type(exc).__name__}: {_str(exc)}")[:4000]


if __name__ == "__main__":
    main(sys.argv)
