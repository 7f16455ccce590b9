"""The hostile corpus: one test per attack or fault. Each is contained, says why, and spares the next student.

Every test runs the attack in a fresh session, checks what the grader saw, then checks that
a new session (the next student) still works and that no process of the attack survives.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from dnn_checks.student import BadValue, Student, StudentCrash, StudentError, StudentTimeout

from autograder.sandbox import bubblewrap
from autograder.sandbox.bubblewrap import BWRAP, Limits, check_available
from autograder.sandbox.remote import CellRun, WorkerFactory
from processes import cmdline

UNAVAILABLE = check_available()
LIMITS = Limits(call_seconds=3, cpu_seconds=30, restarts=1)
pytestmark = [pytest.mark.sandbox,
              pytest.mark.skipif(UNAVAILABLE is not None,
                                 reason=f"needs bubblewrap (apt-get install bubblewrap): {UNAVAILABLE}")]


def _workers(factory: WorkerFactory) -> set[int]:
    """The processes forked by the fork server (the one below bwrap running worker.py)."""
    servers = [pid for pid in bubblewrap.descendants(factory._server.pid)
               if cmdline(pid).startswith(sys.executable.encode())
               and cmdline(bubblewrap.parent(pid) or 0).startswith(BWRAP.encode())]
    return set().union(*(bubblewrap.descendants(pid) for pid in servers))


@pytest.fixture(scope="module", params=["nested", "flat"])
def factory(request: pytest.FixtureRequest) -> Iterator[WorkerFactory]:
    """The sandbox as it runs here, and as it runs where workers cannot nest namespaces."""
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "flat":
            patch.setattr(bubblewrap, "nested_available", lambda: False)
        made = WorkerFactory(limits=LIMITS)
    assert made.mode == request.param
    with made:
        yield made


def died(factory: WorkerFactory, reason: str) -> str:
    """The crash reason the grader can give: only nested workers report how they ended."""
    return reason if factory.mode == "nested" else "died (a crash"


#: For what does not depend on how workers are isolated (the same bwrap view, the same value checks).
NESTED_ONLY = pytest.mark.parametrize("factory", ["nested"], indirect=True)


def run(factory: WorkerFactory, cell: str, *, timeout: float = 5, files: dict | None = None) -> CellRun:
    """Run ``cell`` in a fresh session, then prove the fault was contained."""
    with factory.session(files or {}) as session:
        result = session.run_cell(cell, timeout=timeout)
    assert_contained(factory)
    return result


def assert_contained(factory: WorkerFactory) -> None:
    """No process of the closed session survives, and the next student's session works."""
    deadline = time.monotonic() + 5
    while _workers(factory) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _workers(factory)
    with factory.session({"data.txt": b"fine"}) as session:
        after = session.run_cell("import numpy as np\nprint(open('data.txt').read(), np.ones(3).sum())", timeout=10)
    assert after.ok and after.output == "fine 3.0\n", after


def call(factory: WorkerFactory, cell: str, name: str, *args: object) -> object:
    """Define ``name`` in a fresh session and call it through a proxy."""
    with factory.session() as session:
        assert session.run_cell(cell, timeout=5).ok
        try:
            return Student(session.functions()).call(name, *args)
        finally:
            session.close()
            assert_contained(factory)


def test_infinite_loop_in_a_cell(factory: WorkerFactory) -> None:
    result = run(factory, "while True:\n    pass", timeout=1)
    assert result.crashed and "ran for more than 1 s" in result.error


def test_infinite_loop_in_a_call(factory: WorkerFactory) -> None:
    with pytest.raises(StudentTimeout, match="ran for more than 3 s"):
        call(factory, "def spin():\n    while True:\n        pass", "spin")


@NESTED_ONLY
def test_memory_bomb_is_a_memory_error(factory: WorkerFactory) -> None:
    result = run(factory, "import numpy as np\nblocks = [np.empty(1 << 27) for _ in range(64)]")
    assert not result.ok and not result.crashed and "MemoryError" in result.error


def test_fork_bomb_hits_the_process_limit(factory: WorkerFactory) -> None:
    result = run(factory, "import os\nwhile True:\n    os.fork()", timeout=5)
    assert not result.ok and ("BlockingIOError" in (result.error or "") or result.crashed)


def test_segfault_is_a_crash(factory: WorkerFactory) -> None:
    result = run(factory, "import ctypes\nctypes.string_at(0)")
    assert result.crashed and died(factory, "segmentation fault (SIGSEGV)") in result.error


@pytest.mark.parametrize(("exit_call", "reason"), [("os._exit(0)", "exited with status 0"), ("os.abort()", "SIGABRT"),
                                                   ("os.kill(os.getpid(), 9)", "SIGKILL")])
def test_os_exit_in_a_cell_is_a_crash(factory: WorkerFactory, exit_call: str, reason: str) -> None:
    result = run(factory, f"import os\n{exit_call}")
    assert result.crashed and died(factory, reason) in result.error


def test_os_exit_in_a_call_is_a_crash(factory: WorkerFactory) -> None:
    with pytest.raises(StudentCrash, match=re.escape(died(factory, "exited with status 7"))):
        call(factory, "import os\ndef leave():\n    os._exit(7)", "leave")


@NESTED_ONLY
def test_sys_exit_in_a_cell_fails_only_that_cell(factory: WorkerFactory) -> None:
    result = run(factory, "import sys\nsys.exit(3)")
    assert not result.ok and not result.crashed and "SystemExit: 3" in result.error


@NESTED_ONLY
def test_sys_exit_in_a_call_is_a_student_error(factory: WorkerFactory) -> None:
    with pytest.raises(StudentError, match="SystemExit"):
        call(factory, "import sys\ndef leave():\n    sys.exit(1)", "leave")


@NESTED_ONLY
def test_unbounded_recursion_is_a_recursion_error(factory: WorkerFactory) -> None:
    result = run(factory, "def f(n):\n    return f(n + 1)\nf(0)")
    assert not result.crashed and "RecursionError" in result.error


def test_unbounded_recursion_without_a_limit_is_stopped(factory: WorkerFactory) -> None:
    result = run(factory, "import sys\nsys.setrecursionlimit(10**9)\ndef f(n):\n    return f(n + 1)\nf(0)", timeout=3)
    assert result.crashed


@NESTED_ONLY
def test_output_flood_is_truncated(factory: WorkerFactory) -> None:
    started = time.monotonic()
    result = run(factory, "import os, sys\nsys.stdout.write('x' * (300 << 20))\nos.write(1, b'y' * (1 << 20))\n"
                          "for i in range(100000):\n    print(i)")
    assert result.ok and "more characters of output cut" in result.output
    assert len(result.output) < LIMITS.output_chars + 100
    assert time.monotonic() - started < 10


@NESTED_ONLY
def test_deleting_files_touches_only_the_own_scratch(factory: WorkerFactory) -> None:
    result = run(factory, "import os, shutil, numpy\nshutil.rmtree('/usr/bin', ignore_errors=True)\n"
                          "shutil.rmtree(os.path.dirname(numpy.__file__), ignore_errors=True)\n"
                          "shutil.rmtree('/opt/grader', ignore_errors=True)\nos.remove('data.txt')\n"
                          "print(os.path.exists('/usr/bin/env'), os.path.exists('/opt/grader/worker.py'))",
                 files={"data.txt": b"mine"}, timeout=20)
    assert result.ok and result.output == "True True\n"


#: The repository (a clean clone may stand anywhere); the grader's venv may live inside it.
REPO = Path(__file__).resolve().parents[1]
SECRETS = [f"{REPO}/reference/__init__.py", f"{REPO}/gradebook.db", f"{REPO}/source", f"{REPO}/submitted",
           str(Path(__file__).resolve()), "/root/.bashrc", "/root/.gitconfig", "/home", "/etc/passwd",
           "../../etc/shadow",
           "/work/shared/CONTRACT.md", "/proc/1/environ"]


@NESTED_ONLY
@pytest.mark.parametrize("path", SECRETS)
def test_secrets_cannot_be_read(factory: WorkerFactory, path: str) -> None:
    result = run(factory, f"data = open({path!r}, 'rb').read()")
    assert not result.ok and ("FileNotFoundError" in result.error or "PermissionError" in result.error
                              or "IsADirectoryError" in result.error), result.error


@NESTED_ONLY
def test_the_repository_is_not_listed(factory: WorkerFactory) -> None:
    """Of the repository, at most the path down to the interpreter's venv is visible, nothing else."""
    venv = Path(sys.prefix).resolve()
    visible = [venv.relative_to(REPO).parts[0]] if venv.is_relative_to(REPO) else []
    result = run(factory, f"import os\nprint(*os.listdir({str(REPO)!r}) if os.path.exists({str(REPO)!r}) else [])")
    assert result.ok and set(result.output.split()) <= set(visible), (result.output, result.error)


@NESTED_ONLY
def test_the_environment_is_scrubbed(factory: WorkerFactory) -> None:
    os.environ["AUTOGRADER_TEST_SECRET"] = "hunter2"
    result = run(factory, "import os\nprint(sorted(os.environ))")
    assert result.ok and "AUTOGRADER_TEST_SECRET" not in result.output and "OPENBLAS_NUM_THREADS" in result.output


@NESTED_ONLY
def test_no_network(factory: WorkerFactory) -> None:
    result = run(factory, "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=2)")
    assert not result.ok and "OSError" in result.error


@NESTED_ONLY
@pytest.mark.parametrize("module", ["reference", "autograder", "autograder.hidden"])
def test_grader_packages_cannot_be_imported(factory: WorkerFactory, module: str) -> None:
    result = run(factory, f"import {module}")
    assert not result.ok and "ModuleNotFoundError" in result.error


@NESTED_ONLY
@pytest.mark.parametrize("path", ["/usr/lib/planted.py", "/opt/grader/wire.py", f"{sys.prefix}/planted.pth"])
def test_nothing_outside_scratch_is_writable(factory: WorkerFactory, path: str) -> None:
    result = run(factory, f"open({path!r}, 'w').write('x')")
    refused = ("Read-only", "PermissionError", "FileNotFoundError")  # the last where the path is not in view
    assert not result.ok and any(word in result.error for word in refused), result.error
    assert not os.path.exists(path) or path.startswith("/opt/grader")


PEEK = """import os
found = []
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    for what in ('root/tmp/scratch/secret.txt', 'cwd/secret.txt', 'environ', 'mem', 'fd/900'):
        try:
            found.append((what, open(f'/proc/{pid}/{what}', 'rb').read(10)))
        except OSError:
            pass
    try:
        os.kill(int(pid), 0)
        if int(pid) > 2:  # 1 and 2 in our own pid namespace: our init and ourselves
            found.append(('signal', pid))
    except OSError:
        pass
print(sorted(os.listdir('/tmp')), sorted(os.listdir('.')), found)
"""


@NESTED_ONLY
def test_concurrent_sessions_cannot_see_or_touch_each_other(factory: WorkerFactory) -> None:
    with factory.session() as first, factory.session() as second:
        assert first.run_cell("open('/tmp/planted', 'w').write('x'); open('secret.txt', 'w').write('x')", timeout=5).ok
        seen = second.run_cell(PEEK, timeout=5)
        assert first.run_cell("print(open('secret.txt').read())", timeout=5).output == "x\n"
    # /tmp holds the scratch dir, and the mount point of a Python that lives under /tmp (bound back in, read-only)
    kit = {os.path.realpath(p).split("/")[2] for p in (sys.prefix, sys.base_prefix)
           if os.path.realpath(p).startswith("/tmp/")}
    assert seen.output == f"{sorted({'scratch', *kit})} [] []\n", seen.output
    assert_contained(factory)


@NESTED_ONLY
def test_concurrent_sessions_share_no_socket_namespace(factory: WorkerFactory) -> None:
    with factory.session() as first, factory.session() as second:
        assert first.run_cell("import socket\nserver = socket.socket(socket.AF_UNIX)\nserver.bind('\\0grades')\n"
                              "server.listen()", timeout=5).ok
        reached = second.run_cell("import socket\nsocket.socket(socket.AF_UNIX).connect('\\0grades')", timeout=5)
    assert "ConnectionRefusedError" in reached.error
    assert_contained(factory)


@NESTED_ONLY
def test_an_object_that_equals_everything_is_refused(factory: WorkerFactory) -> None:
    with pytest.raises(BadValue, match="not a numpy array"):
        call(factory, "class Yes:\n    def __eq__(self, other):\n        return True\ndef forge():\n    return Yes()",
             "forge")


@NESTED_ONLY
def test_an_ndarray_subclass_arrives_as_a_plain_array(factory: WorkerFactory) -> None:
    result = call(factory, "import numpy as np\nclass Liar(np.ndarray):\n    def __eq__(self, other):\n"
                           "        return np.ones(np.shape(other), bool)\ndef forge():\n"
                           "    return np.zeros(3).view(Liar)", "forge")
    assert type(result) is np.ndarray and not (result == np.ones(3)).any()


@NESTED_ONLY
@pytest.mark.parametrize("value", ["np.array([1, None], dtype=object)", "np.zeros(60_000_000, np.uint8)",
                                   "np.array(['a'])", "(lambda: 1)"])
def test_non_base_values_are_refused(factory: WorkerFactory, value: str) -> None:
    with pytest.raises(BadValue):
        call(factory, f"import numpy as np\ndef forge():\n    return {value}", "forge")


@pytest.mark.parametrize("garbage", ["b'\\x00' * 8 + b'garbage'", "b'\\xff' * 16",
                                     "struct.pack('>Q', 12) + struct.pack('>I', 8) + b'{\"v\":1}'"])
def test_a_bogus_frame_on_the_protocol_fd_is_a_crash(factory: WorkerFactory, garbage: str) -> None:
    result = run(factory, f"import os, struct\nfor fd in range(3, 1024):\n    try:\n        os.write(fd, {garbage})\n"
                          "    except OSError:\n        pass")
    assert result.crashed and "protocol" in result.error


def test_a_forged_reply_forges_only_the_own_result(factory: WorkerFactory) -> None:
    forge = ("import os, struct, sys\nsys.path.insert(0, '/opt/grader')\nimport wire\n"
             "payload = wire.pack({'op': 'cell_done', 'ok': True, 'output': 'forged', 'error': None,\n"
             "                     'exc_type': None,\n"
             "                     'functions': ['relu']})\n"
             "os.write(900, struct.pack('>Q', len(payload)) + payload)\n")
    with factory.session() as session:
        forged = session.run_cell(forge, timeout=5)
        assert forged.output == "forged"
        with pytest.raises((StudentCrash, StudentError)):
            Student(session.functions()).call("relu", np.ones(2))
    assert_contained(factory)


def test_a_forged_giant_reply_is_refused_unread(factory: WorkerFactory) -> None:
    before = Path("/proc/self/status").read_text()
    result = run(factory, "import os, struct, time\nos.write(900, struct.pack('>Q', 400 << 20) + bytes(1 << 20))\n"
                          "time.sleep(30)")
    assert result.crashed and "sent back 400.0 MB" in result.error and "refused" in result.error
    assert _rss_kb() - _rss_kb(before) < 100_000


def _rss_kb(status: str | None = None) -> int:
    status = status or Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])


@pytest.mark.parametrize("victim", ["os.getppid()", "1", "-1", "0"])
def test_signals_reach_only_the_own_processes(factory: WorkerFactory, victim: str) -> None:
    """Flat workers can kill the fork server (same uid and pid namespace): it is restarted."""
    result = run(factory, f"import os, signal\nos.kill({victim}, signal.SIGKILL)\nprint('survived')")
    assert result.crashed or result.ok or "ProcessLookupError" in result.error or "PermissionError" in result.error
    assert factory._server.poll() is None


def test_the_grader_survives_the_whole_corpus(factory: WorkerFactory) -> None:
    assert factory._server.poll() is None
    with factory.session() as session:
        assert session.run_cell("def ok():\n    return 1", timeout=5).ok
        assert Student(session.functions()).call("ok") == 1


def test_a_session_restart_after_a_timeout_replays_the_good_cells(factory: WorkerFactory) -> None:
    with factory.session() as session:
        assert session.run_cell("def double(x):\n    return 2 * x", timeout=5).ok
        assert session.run_cell("while True:\n    pass", timeout=1).crashed
        assert Student(session.functions()).call("double", 4) == 8



@pytest.fixture(scope="module")
def tight() -> Iterator[WorkerFactory]:
    """A factory with small limits, to see each limit bite."""
    with WorkerFactory(limits=Limits(cpu_seconds=1, file_size=1 << 20, open_files=64, processes=8)) as made:
        yield made


def test_the_cpu_limit_stops_a_busy_cell(tight: WorkerFactory) -> None:
    started = time.monotonic()
    with tight.session() as session:
        result = session.run_cell("while True:\n    pass", timeout=30)
    assert result.crashed and "CPU time limit ran out (SIGXCPU)" in result.error and time.monotonic() - started < 15


@pytest.mark.parametrize(("cell", "error"), [
    ("open('big', 'wb').write(b'x' * (2 << 20))", "File too large"),
    ("files = [open('f', 'w') for _ in range(100)]", "Too many open files"),
    ("import subprocess\nprocs = [subprocess.Popen(['sleep', '30']) for _ in range(20)]", "BlockingIOError"),
])
def test_file_size_open_files_and_process_limits(tight: WorkerFactory, cell: str, error: str) -> None:
    with tight.session() as session:
        result = session.run_cell(cell, timeout=10)
    assert not result.ok and not result.crashed and error in result.error, result.error


def test_check_available_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.setattr(bubblewrap, "BWRAP", "/nonexistent/bwrap")
    bubblewrap._probe.cache_clear()
    try:
        assert "apt-get install bubblewrap" in bubblewrap.check_available()
    finally:
        monkeypatch.undo()
        bubblewrap._probe.cache_clear()


def test_grader_packages_and_editable_hooks_inside_a_shown_tree_are_covered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    from types import SimpleNamespace


    site = tmp_path / "lib" / "python3.11" / "site-packages"
    (site / "reference").mkdir(parents=True)
    (site / "__editable__.kit.pth").write_text("import finder")
    found = importlib.util.find_spec

    def fake(name: str) -> object:
        if name != "reference":
            return found(name)
        return SimpleNamespace(submodule_search_locations=[str(site / "reference")])

    monkeypatch.setattr(bubblewrap.importlib.util, "find_spec", fake)
    options = bubblewrap._covers(tmp_path)
    assert ["--tmpfs", str(site / "reference")] == options[:2]
    assert ["--ro-bind", "/dev/null", str(site / "__editable__.kit.pth")] == options[2:]


@NESTED_ONLY
def test_monkeypatching_numpy_or_ipython_stays_in_the_worker(factory: WorkerFactory) -> None:
    cell = ("import numpy as np\nnp.allclose = lambda *a, **k: True\n"
            "np.testing.assert_allclose = lambda *a, **k: None\n"
            "try:\n    get_ipython().input_transformers_cleanup.append(lambda lines: ['points = 100\\n'])\n"
            "except AttributeError:\n    pass\n"
            "def relu(Z):\n    return Z * 0 + 7")
    result = call(factory, cell, "relu", np.ones(3))
    assert not np.allclose(result, np.ones(3))
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(result, np.ones(3))


def test_a_kit_installed_under_tmp_reads_its_files_late_in_the_sandbox(tmp_path_factory) -> None:
    """Each worker mounts a private tmpfs on /tmp: a venv that lives under /tmp (a kit cloned there) is bound in
    again, read-only, so that a file it reads after the worker started (a dataset, a module's file) is there."""
    import shutil
    import subprocess
    import tempfile

    venv = os.path.realpath(sys.prefix)
    if not venv.startswith("/tmp/"):  # make one: a copy of ours, hard-linked where the file system allows it
        copy = Path(tempfile.mkdtemp(prefix="kit-under-tmp-", dir="/tmp")) / "venv"
        try:
            shutil.copytree(venv, copy, symlinks=True, copy_function=os.link)
        except OSError:
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(venv, copy, symlinks=True)
        venv = str(copy)
    script = """
import numpy
from autograder.sandbox.remote import WorkerFactory
with WorkerFactory() as factory, factory.session() as session:
    run = session.run_cell("import numpy, sys\\nprint(sys.prefix, len(open(numpy.__file__).read()) > 0)", timeout=60)
    print(run.ok, run.output.strip(), run.error)
"""
    try:
        done = subprocess.run([f"{venv}/bin/python", "-c", script], capture_output=True, text=True, timeout=300,
                              cwd=tmp_path_factory.mktemp("cwd"))
    finally:
        if venv != os.path.realpath(sys.prefix):
            shutil.rmtree(Path(venv).parent, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[:3] == ["True", venv, "True"], done.stdout
