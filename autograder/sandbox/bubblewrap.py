"""How the worker's fork server is started: inside bubblewrap, or (``--insecure``) bare.

The sandbox (``bwrap``) shows, read-only, only ``/usr`` (with the ``/lib``, ``/bin`` links),
the Python installation and the virtualenv (``sys.base_prefix``, ``sys.prefix``), and a
runtime directory holding ``worker.py``, ``wire.py``, the student package ``dnn_checks`` and
matplotlib's font list (``autograder.sandbox.fonts``); plus a
private ``/proc``, a minimal ``/dev`` and a tmpfs ``/tmp``. It does not show the course
directory, the repository, ``/root``, ``/home``, or other submissions. The ``reference`` and
``autograder`` packages and the editable-install hooks are covered wherever they lie inside
a shown tree. It unshares network, pid, ipc, uts and cgroup namespaces, dies with the
grader, runs in a new session with a scrubbed environment.

As root, bwrap runs without a user namespace and grants the server only CAP_SETUID and
CAP_SETGID, which it uses at once to become uid/gid 65534 with no capabilities: a real
unprivileged host uid, so RLIMIT_NPROC counts. As another user, bwrap maps that user to
uid 65534 in a user namespace. Each child then isolates itself further when it can
(:func:`nested_available`, ``worker.py``).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from autograder.sandbox import fonts

BWRAP = "/usr/bin/bwrap"
#: Where the runtime directory appears inside the sandbox.
RUNTIME = "/opt/grader"
_SECRET_PACKAGES = ("reference", "autograder")
_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission's worker, and of the grader's work for it (bytes, seconds).

    ``submission_seconds``: the wall time of everything run for one submission (cells, calls,
    retries, replays; ``autograder.sandbox.budget``), of which at most ``replay_seconds`` for
    replaying cells after the worker died (``restarts`` times at most); ``grader_memory``: the
    address space of the grading process itself (``autograder.grading.grader_process``).
    """

    cpu_seconds: int = 300
    address_space: int = 2 << 30
    processes: int = 64
    file_size: int = 64 << 20
    open_files: int = 256
    output_chars: int = 20_000
    scratch_bytes: int = 256 << 20
    call_seconds: float = 10.0
    start_seconds: float = 60.0
    restarts: int = 3
    submission_seconds: float = 180.0
    replay_seconds: float = 30.0
    grader_memory: int = 4 << 30


#: The modules a fork server imports for its workers besides numpy, matplotlib and IPython, unless told otherwise:
#: scikit-learn's datasets, which the course's notebooks load the digits with.
PRELOAD: tuple[str, ...] = ("sklearn.datasets",)


def check_available() -> str | None:
    """Why the sandbox cannot run here, or None when it can."""
    return None if nested_available() else _probe(os.getuid() == 0, "basic")


def mode() -> str:
    """``"nested"`` or ``"flat"`` where the sandbox runs (:func:`check_available` is None): see :func:`nested_available`."""
    return "nested" if nested_available() else "flat"


def nested_available() -> bool:
    """Whether each worker can also get its own user, pid, mount, ipc and network namespaces.

    Where unprivileged user namespaces are refused inside the sandbox (Ubuntu's AppArmor
    restriction, for one), workers run *flat*: one at a time per fork server, swept after use.
    """
    return _probe(os.getuid() == 0, "nested") is None


@functools.cache
def _probe(as_root: bool, level: str) -> str | None:
    if not os.access(BWRAP, os.X_OK):
        return f"{BWRAP} is missing: install bubblewrap (apt-get install bubblewrap)"
    with tempfile.TemporaryDirectory(prefix="autograder-probe-") as runtime:
        write_runtime(Path(runtime))
        probe = [*_bwrap_options(as_root), "--ro-bind", runtime, RUNTIME,
                 sys.executable, "-s", "-B", f"{RUNTIME}/worker.py", "probe", level]
        try:
            result = subprocess.run(probe, capture_output=True, text=True, timeout=60, env=_ENV)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap could not start: {exc}"
    if result.returncode != 0:
        return f"the sandbox failed (are user namespaces disabled?): {result.stderr.strip()[-300:]}"
    return None


def runtime_files() -> dict[str, bytes]:
    """The files the worker runs from: relative path -> contents (with matplotlib's font list when it has been
    made, :mod:`autograder.sandbox.fonts`)."""
    here = Path(__file__).parent
    # The whole student package: the notebooks' locked cells import it (`from dnn_checks import run_checks`).
    package = Path(importlib.util.find_spec("dnn_checks").origin).parent
    student = {f"dnn_checks/{p.relative_to(package)}": p.read_bytes() for p in sorted(package.rglob("*"))
               if p.is_file() and "__pycache__" not in p.parts}
    font_lists = {f"{fonts.RUNTIME_FOLDER}/{name}": data for name, data in fonts.font_lists().items()}
    return {"worker.py": (here / "worker.py").read_bytes(), "wire.py": (here / "wire.py").read_bytes(), **student,
            **font_lists}


def write_runtime(directory: Path) -> None:
    """Fill ``directory`` with :func:`runtime_files`, readable by the sandbox's uid."""
    directory.chmod(0o755)
    for name, data in runtime_files().items():
        path = directory / name
        path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o644)


def server_command(runtime: Path, control_fd: int, limits: Limits, *, insecure: bool, nested: bool,
                   preload: Sequence[str]) -> list[str]:
    """The argv that starts the fork server with its control socket on ``control_fd``, importing ``preload``."""
    config = json.dumps({"sandboxed": not insecure, "nested": nested, "limits": asdict(limits),
                         "preload": list(preload)})
    if insecure:
        return [sys.executable, "-s", "-B", str(runtime / "worker.py"), str(control_fd), config]
    return [*_bwrap_options(os.getuid() == 0), "--ro-bind", str(runtime), RUNTIME, "--chdir", "/tmp",
            sys.executable, "-s", "-B", f"{RUNTIME}/worker.py", str(control_fd), config]


def environment() -> dict[str, str]:
    """The scrubbed environment of the worker (bwrap gets it again with --clearenv/--setenv)."""
    return dict(_ENV)


def _bwrap_options(as_root: bool) -> list[str]:
    identity = ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"] if as_root else \
        ["--unshare-user", "--uid", "65534", "--gid", "65534"]
    env = [arg for key, value in _ENV.items() for arg in ("--setenv", key, value)]
    return [BWRAP, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            *identity, "--die-with-parent", "--new-session", "--clearenv", *env,
            "--ro-bind", "/usr", "/usr", *_usr_links(), "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--tmpfs", "/tmp",
            *_python_view(), "--perms", "0755", "--dir", "/opt"]


def _usr_links() -> list[str]:
    return [arg for name in ("bin", "sbin", "lib", "lib64", "lib32") if Path(f"/{name}").is_symlink()
            for arg in ("--symlink", os.readlink(f"/{name}"), f"/{name}")]


def _python_view() -> list[str]:
    """Read-only binds of the Python installation and the venv, with secrets covered."""
    trees = sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.prefix)} - {"/usr"})
    trees = [t for t in trees if not t.startswith("/usr/")]
    options: list[str] = []
    for tree in trees:
        options += [*_parents(tree), "--ro-bind", tree, tree]
    for tree in trees:
        options += _covers(Path(tree))
    return options


def _parents(path: str) -> list[str]:
    """Directories leading to ``path``, created world-traversable (bwrap makes them 0700 otherwise)."""
    parts = Path(path).parents
    return [arg for parent in reversed(parts) if str(parent) != "/"
            for arg in ("--perms", "0755", "--dir", str(parent))]


def _covers(tree: Path) -> list[str]:
    """Hide the secret packages and the editable-install hooks that lie inside ``tree``."""
    options: list[str] = []
    for name in _SECRET_PACKAGES:
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            if Path(os.path.realpath(location)).is_relative_to(tree):
                options += ["--tmpfs", os.path.realpath(location)]
    for hook in tree.glob("lib/python*/site-packages/__editable__*"):
        options += ["--ro-bind", "/dev/null", str(hook)]
    return options


def remove_scratch(path: str) -> None:
    """Remove an insecure worker's scratch dir (only ever one that the worker itself created)."""
    root = os.path.realpath(tempfile.gettempdir())
    real = os.path.realpath(path)
    if os.path.dirname(real) == root and os.path.basename(real).startswith("scratch-"):
        shutil.rmtree(real, ignore_errors=True)


def sweep(root: int) -> None:
    """SIGKILL every process below ``root`` (the flat fork server), until none is left."""
    for _ in range(100):
        below = descendants(root)
        if not below:
            return
        for pid in below:
            with contextlib.suppress(OSError):
                pidfd = os.pidfd_open(pid)
                if parent(pid) in below | {root}:  # still ours: the pid was not reused meanwhile
                    signal.pidfd_send_signal(pidfd, signal.SIGKILL)
                os.close(pidfd)
        time.sleep(0.01)


def descendants(root: int) -> set[int]:
    """The pids of every process below ``root``, read from /proc."""
    parents = {int(entry.name): parent(int(entry.name)) for entry in Path("/proc").iterdir() if entry.name.isdigit()}
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def parent(pid: int) -> int | None:
    """The parent pid of ``pid``, None when it is gone."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None
