"""matplotlib's font list, made once per machine outside the sandbox, for the fork servers inside it.

The first ``import matplotlib.pyplot`` of a process whose config folder holds no font list scans
the fonts and writes ``fontlist-v<format>.json`` there: a quarter of a second of CPU on the 2-core
machine of ``benchmarks/README.md``. A fork server gets a fresh, private config folder at every
boot (its workers must share nothing writable), so it paid that at every boot: twice at the start
of a class, and on the path of every Gradescope submission.

:func:`prime` makes the list once, in a plain Python process that imports only matplotlib, with
the sandbox's environment, into ``$XDG_CACHE_HOME/dnn-course-kit/matplotlib/<matplotlib version>/``
(the grading command does it before its grading processes start; Gradescope's setup.sh when the
image is built). The runtime folder carries it into the sandbox, read-only (:func:`font_lists`,
``bubblewrap.runtime_files``), and a server copies it into its own config folder before it imports
matplotlib (``worker.py``). A list that does not fit what the sandbox shows (a font file missing
there) is matplotlib's own case: it scans the fonts again, as it did before.
"""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from autograder.grading import store

#: Where the runtime folder holds the font lists (``worker.py`` reads them there).
RUNTIME_FOLDER = "matplotlib"
#: Seconds the process making the list may take.
PRIME_SECONDS = 120


def cache_dir() -> Path:
    """The font lists of the installed matplotlib: ``$XDG_CACHE_HOME/dnn-course-kit/matplotlib/<version>``."""
    try:
        version = metadata.version("matplotlib")
    except metadata.PackageNotFoundError:
        version = "none"
    return store.kit_cache() / "matplotlib" / version


def font_lists() -> dict[str, bytes]:
    """The font lists made so far (``fontlist-*.json``), by file name; none when :func:`prime` has not run."""
    try:
        return {p.name: p.read_bytes() for p in _made(cache_dir())}
    except OSError:
        return {}


def _made(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("fontlist-*.json") if p.is_file())


def prime(environment: dict[str, str]) -> bool:
    """Make the font list in :func:`cache_dir` with ``environment`` (the sandbox's) unless it is there; whether it
    is there now. A failure (a read-only home, no matplotlib) only means the servers scan the fonts themselves."""
    folder = cache_dir()
    try:
        if _made(folder):
            return True
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-s", "-c", "import matplotlib.font_manager"],
                       env={**environment, "MPLCONFIGDIR": str(folder)}, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=PRIME_SECONDS, check=True)
        return bool(_made(folder))
    except (OSError, subprocess.SubprocessError):
        return False
