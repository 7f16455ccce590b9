"""The sandbox as a TA's own account runs it: grading as an unprivileged user, bubblewrap unprivileged.

What the machine needs: unprivileged user namespaces (``/proc/sys/user/max_user_namespaces`` above 0;
on Debian also ``kernel.unprivileged_userns_clone = 1``; on Ubuntu 24.04 an AppArmor profile that lets
``bwrap`` create them, or workers run one at a time, flat). The test creates a system user, grades the
tiny course as that user, and removes the user.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiny_course as tc

SETPRIV = shutil.which("setpriv")


def _closed_to_others(path: Path) -> str | None:
    """The first of ``path`` and its parents that other users may not enter, or None."""
    return next((str(p) for p in (path, *path.parents) if not p.stat().st_mode & 0o001), None)


#: Where another user is stopped on the way to the kit or its venv (a clone in ``mktemp -d`` is 0700).
KIT_CLOSED = _closed_to_others(Path(__file__).resolve().parents[1]) or _closed_to_others(Path(sys.prefix).resolve())
pytestmark = [pytest.mark.sandbox, pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0, reason="creates a user: run as root (as CI does)"),
              pytest.mark.skipif(not (SETPRIV and shutil.which("useradd")),
                                 reason="needs setpriv and useradd (util-linux, passwd)"),
              pytest.mark.skipif(KIT_CLOSED is not None,
                                 reason=f"another user cannot reach the kit: {KIT_CLOSED} is closed to others")]


@pytest.fixture
def user() -> Iterator[pwd.struct_passwd]:
    name = f"ag{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    try:
        yield pwd.getpwnam(name)
    finally:
        subprocess.run(["userdel", name], check=True)


def reachable_python() -> list[str]:
    """A mount namespace in which another user can run this Python: where it is installed under ``/root``
    (mode 700, as pyenv does for root), an open ``/root`` holding only the installation; else nothing."""
    prefix = Path(sys.base_prefix).resolve()
    if not prefix.is_relative_to("/root"):
        return []
    parents = [arg for parent in reversed(prefix.parents) if parent.is_relative_to("/root") and parent != Path("/root")
               for arg in ("--perms", "0755", "--dir", str(parent))]
    return ["bwrap", "--dev-bind", "/", "/", "--perms", "0755", "--tmpfs", "/root", *parents,
            "--ro-bind", str(prefix), str(prefix), "--"]


def as_user(account: pwd.struct_passwd, *command: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd), "MPLCONFIGDIR": str(cwd / ".matplotlib"), "LANG": "C.UTF-8"}
    return subprocess.run([*reachable_python(), SETPRIV, f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
                           "--clear-groups", "--", *command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def test_an_unprivileged_user_grades_in_the_sandbox(user: pwd.struct_passwd) -> None:
    folder = Path(tempfile.mkdtemp(prefix="autograder-unprivileged-"))
    try:
        root = tc.make_course(folder / "course")
        tc.submit(root, "alice", "a1", tc.source_a1())
        tc.submit(root, "bob", "a1", tc.student_version(tc.source_a1(), {"double": "import os\nos._exit(3)\n"}))
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid)
        probe = as_user(user, sys.executable, "-c", "from autograder.sandbox.bubblewrap import check_available as c; "
                                                    "import os; print(os.getuid(), c())", cwd=root)
        assert probe.stdout.split() == [str(user.pw_uid), "None"], probe.stderr
        run = as_user(user, sys.executable, "-m", "autograder.cli", "grade", "a1", "--json", "grades.json", cwd=root)
        assert run.returncode == 0, run.stderr
        students = json.loads((root / "grades.json").read_text())["students"]
        assert {s: r["score"] for s, r in students.items()} == {"alice": 5.0, "bob": 3.0}
        assert students["bob"]["notebooks"]["a1"]["cells"]["test_double"]["status"] == "crashed"
        assert (root / "gradebook.db").stat().st_uid == user.pw_uid
    finally:
        shutil.rmtree(folder)
