#!/usr/bin/env bash
# The Gradescope zip, end to end, on a clean OS image: what Gradescope does with it, done here.
#
#   scripts/gradescope-e2e.sh [--dir DIR] [--assignment NAME] [--ca-bundle FILE] [RELEASE ...]
#                                                             (RELEASE: bookworm, jammy; both by default)
#
# For each release: a minimal root filesystem with apt and python3 (mmdebstrap; the tarball is cached in DIR), the zip built
# by `autograder gradescope` unpacked at /autograder/source, setup.sh run there once as root, then, for each of three
# submissions (the released notebook with the source's solutions; the same with a forgotten 1/m in linear_backward;
# a text file), run_autograder copied to /autograder/run_autograder and run, and results.json checked. The container
# is bubblewrap as root on this machine: its own pid, ipc and uts namespaces, /proc, /dev, read-only /sys, this
# machine's resolv.conf and network, every capability (like a privileged container). Last, the correct submission
# again with only Docker's default capabilities (no CAP_SYS_ADMIN: no namespaces, so no sandbox), to show what
# students get if Gradescope's container is that strict: a refusal that names the sandbox.
# Where the network's proxy re-signs TLS (a CA bundle in PIP_CERT here, or --ca-bundle), pip in the container is
# given that bundle too (PIP_CERT): Gradescope's network needs nothing of the kind.
#
# Needs root, bubblewrap, the network (the Debian/Ubuntu mirrors and PyPI) and the kit's .venv (./run-tests.sh makes
# it). Not part of the test suite or CI: it downloads a system and ~150 MB of wheels, and takes minutes.
# In DIR/RELEASE: rootfs/, setup.log, one .log and .json (results.json) per submission, times.txt, summary.txt;
# the zip and the submissions in DIR. It exits 1 when an expectation fails.
set -euo pipefail
cd "$(dirname "$0")/.."
KIT=$PWD
DIR=/var/tmp/gradescope-e2e
ASSIGNMENT=a1_deep_network
CA=${PIP_CERT:-}
RELEASES=()
while [ $# -gt 0 ]; do
    case $1 in
        --dir) DIR=$2; shift 2 ;;
        --assignment) ASSIGNMENT=$2; shift 2 ;;
        --ca-bundle) CA=$2; shift 2 ;;
        bookworm|jammy) RELEASES+=("$1"); shift ;;
        *) echo "usage: $0 [--dir DIR] [--assignment NAME] [--ca-bundle FILE] [bookworm] [jammy]" >&2; exit 2 ;;
    esac
done
[ ${#RELEASES[@]} -gt 0 ] || RELEASES=(bookworm jammy)
[ "$(id -u)" = 0 ] || { echo "run it as root (it builds root filesystems and runs setup.sh as root in them)" >&2; exit 2; }
PY=$KIT/.venv/bin/python
[ -x "$PY" ] || { echo "no $PY: run ./run-tests.sh (or python3 -m venv .venv && .venv/bin/pip install -e '.[test]')" >&2; exit 2; }
mkdir -p "$DIR"
DIR=$(realpath "$DIR")
command -v mmdebstrap >/dev/null && command -v bwrap >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap bubblewrap >/dev/null; }

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# base RELEASE: DIR/RELEASE-base.tar, a minimal system with apt and python3 (Gradescope's images have both: its harness
# runs on python3)
base() {
    local tar=$DIR/$1-base.tar
    [ -s "$tar" ] && return
    case $1 in
        bookworm) mmdebstrap --format=tar --variant=minbase --include=apt,python3 bookworm "$tar.part" \
                      "deb http://deb.debian.org/debian bookworm main" \
                      "deb http://deb.debian.org/debian bookworm-updates main" \
                      "deb http://deb.debian.org/debian-security bookworm-security main" ;;
        jammy)
            local keyring=/usr/share/keyrings/ubuntu-archive-keyring.gpg
            if [ ! -s "$keyring" ]; then  # Debian has no ubuntu-keyring package: take it from Ubuntu's archive
                curl -fsS -o "$DIR/ubuntu-keyring.deb" \
                    http://archive.ubuntu.com/ubuntu/pool/main/u/ubuntu-keyring/ubuntu-keyring_2021.03.26_all.deb
                dpkg-deb -x "$DIR/ubuntu-keyring.deb" "$DIR/ubuntu-keyring"
                keyring=$DIR/ubuntu-keyring$keyring
            fi
            mmdebstrap --format=tar --variant=minbase --include=apt,python3 --components=main,universe --keyring="$keyring" jammy "$tar.part" \
                "deb http://archive.ubuntu.com/ubuntu jammy main universe" \
                "deb http://archive.ubuntu.com/ubuntu jammy-updates main universe" \
                "deb http://security.ubuntu.com/ubuntu jammy-security main universe" ;;
    esac
    mv "$tar.part" "$tar"
}

# box ROOTFS COMMAND...: run COMMAND as root in ROOTFS, a container of its own, with the capabilities CAPS
CAPS=(--cap-add ALL)
DOCKER_CAPS=(--cap-drop ALL)
for cap in CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT \
           KILL AUDIT_WRITE; do
    DOCKER_CAPS+=(--cap-add "CAP_$cap")
done
box() {
    local root=$1; shift
    local ca=()
    [ -z "$CA" ] || ca=(--ro-bind "$CA" /etc/e2e-proxy-ca.crt --setenv PIP_CERT /etc/e2e-proxy-ca.crt)
    bwrap --bind "$root" / --dev /dev --proc /proc --ro-bind /sys /sys --ro-bind /etc/resolv.conf /etc/resolv.conf \
        --unshare-pid --unshare-ipc --unshare-uts --hostname gradescope "${CAPS[@]}" --die-with-parent \
        --clearenv --setenv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --setenv HOME /root --setenv LANG C.UTF-8 "${ca[@]}" --chdir / "$@"
}

echo "== the zip and the submissions ($ASSIGNMENT), in $DIR"
rm -rf "$DIR/submissions" && mkdir -p "$DIR/submissions"
"$KIT/.venv/bin/autograder" gradescope "$ASSIGNMENT" -o "$DIR/autograder.zip" --course "$KIT"
"$PY" - "$KIT" "$ASSIGNMENT" "$DIR/submissions" <<'EOF'
import sys
from pathlib import Path

import nbformat

from autograder.staff.classgen import inlinable, mistake_source, solved

kit, assignment, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
read = lambda folder: nbformat.read(kit / folder / assignment / f"{assignment}.ipynb", as_version=4)
correct = solved(read("source"), read("release"))
(out / "correct").mkdir()
nbformat.write(correct, out / "correct" / f"{assignment}.ipynb")
mistake = next(m for m in inlinable("linear_backward") if m.id == "linear_backward.dW_without_1_over_m")
cell = next(c for c in correct.cells if c.cell_type == "code" and "def linear_backward(" in c.source)
cell.source += f"\n\n\n{mistake_source(mistake)}\n"
(out / "mistake").mkdir()
nbformat.write(correct, out / "mistake" / "my answers.ipynb")  # any file name: the one notebook is the assignment's
(out / "not-a-notebook").mkdir()
(out / "not-a-notebook" / "answers.txt").write_text("def relu(Z): return max(Z, 0)\n")
(out / "docker-caps").symlink_to("correct")
EOF

failed=0
for release in "${RELEASES[@]}"; do
    out=$DIR/$release
    root=$out/rootfs
    echo "== $release: a clean root filesystem in $root"
    base "$release"
    rm -rf "$out" && mkdir -p "$root"
    tar -C "$root" -xf "$DIR/$release-base.tar"
    mkdir -p "$root/autograder/source"
    (cd "$root/autograder/source" && "$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall()' "$DIR/autograder.zip")
    chmod 755 "$root/autograder/source/setup.sh" "$root/autograder/source/run_autograder"  # as Gradescope keeps them
    echo "== $release: setup.sh (log: $out/setup.log)"
    CAPS=(--cap-add ALL)
    start=$(now)
    if box "$root" bash -c 'cd /autograder/source && bash ./setup.sh' >"$out/setup.log" 2>&1; then
        echo "setup.sh: ok in $(since "$start") s; its last line: $(tail -n 1 "$out/setup.log")" | tee "$out/times.txt"
    else
        echo "setup.sh FAILED after $(since "$start") s:"; tail -n 20 "$out/setup.log"; failed=1; continue
    fi
    for submission in correct mistake not-a-notebook docker-caps; do
        if [ $submission = docker-caps ]; then CAPS=("${DOCKER_CAPS[@]}"); else CAPS=(--cap-add ALL); fi
        rm -rf "$root/autograder/submission" "$root/autograder/results"
        mkdir -p "$root/autograder/submission" "$root/autograder/results"
        cp "$DIR/submissions/$submission"/* "$root/autograder/submission/"
        cp "$root/autograder/source/run_autograder" "$root/autograder/run_autograder"
        start=$(now)
        if box "$root" bash -c 'cd /autograder && ./run_autograder' >"$out/$submission.log" 2>&1; then
            echo "run_autograder ($submission): ok in $(since "$start") s" | tee -a "$out/times.txt"
        else
            echo "run_autograder ($submission) FAILED after $(since "$start") s:"; tail -n 20 "$out/$submission.log"; failed=1
        fi
        cp "$root/autograder/results/results.json" "$out/$submission.json" 2>/dev/null || echo "no results.json" >&2
    done
    "$PY" - "$out" "$ASSIGNMENT" <<'EOF' | tee "$out/summary.txt" || failed=1
import json
import sys
from pathlib import Path

out, assignment = Path(sys.argv[1]), sys.argv[2]
ok = True
def expect(what: str, holds: bool) -> None:
    global ok
    ok &= holds
    print(f"  {'ok  ' if holds else 'FAIL'} {what}")
def load(name: str) -> dict:
    path = out / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {"tests": [], "extra_data": {}, "score": None}

setup = (out / "setup.log").read_text()
expect("setup.sh's sandbox check: sandbox ok", setup.rstrip().endswith("sandbox ok"))
for name in ("correct", "mistake"):
    data = load(name)
    total = sum(t["max_score"] for t in data["tests"])
    failed = [t["name"] for t in data["tests"] if t["status"] != "passed"]
    print(f"{name}: score {data['score']} of {total}, {len(data['tests'])} tests, failed: {failed or 'none'}; "
          f"sandbox: {data['extra_data'].get('sandbox')}")
    expect(f"{name}: graded in the sandbox, not insecure", data["extra_data"].get("sandbox") in ("nested", "flat"))
    if name == "correct":
        expect("correct: every test passed, full marks", data["tests"] != [] and not failed and data["score"] == total)
    else:
        tags = sorted({tag for t in data["tests"] for tag in t["tags"]})
        print(f"  tags: {tags}")
        expect("mistake: loses points", data["tests"] != [] and data["score"] is not None and data["score"] < total)
        expect("mistake: only linear_backward's tests fail", failed != [] and all("linear_backward" in n for n in failed))
        expect("mistake: named by the catalog", "linear_backward.dW_without_1_over_m" in tags)
for name, why in (("not-a-notebook", "holds no notebook"), ("docker-caps", "could not start the sandbox")):
    data = load(name)
    print(f"{name}: score {data['score']}, {len(data['tests'])} tests; {data.get('output')!r}")
    expect(f"{name}: refused with the reason", data["tests"] == [] and data["extra_data"].get("refused") is True
           and why in data.get("output", ""))
sys.exit(0 if ok else 1)
EOF
done
[ $failed = 0 ] && echo "== all expectations held (${RELEASES[*]})" || echo "== some expectation FAILED: see $DIR"
exit $failed
