"""matplotlib's font list, made once outside the sandbox and carried in for the fork servers (``autograder.sandbox.fonts``)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder.sandbox import bubblewrap, fonts
from autograder.sandbox.bubblewrap import check_available
from autograder.sandbox.remote import WorkerFactory

SENTINEL = "Kit Sentinel Sans"
#: A cell that says whether the worker's matplotlib knows the sentinel font (it read the shipped list, not the fonts).
KNOWS_SENTINEL = ("from matplotlib import font_manager\n"
                  f"print(any(f.name == {SENTINEL!r} for f in font_manager.fontManager.ttflist))")


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty kit cache of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield tmp_path / "cache"


def test_prime_makes_the_list_once_with_the_sandbox_environment(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert fonts.font_lists() == {}
    assert fonts.prime(bubblewrap.environment())
    [(name, data)] = fonts.font_lists().items()
    assert name.startswith("fontlist-") and fonts.cache_dir().is_relative_to(cache)
    assert json.loads(data)["ttflist"], "a font list without fonts"
    made = (fonts.cache_dir() / name).stat().st_mtime_ns

    def no_second_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the list was made again")
    monkeypatch.setattr(subprocess, "run", no_second_run)
    assert fonts.prime(bubblewrap.environment())
    assert (fonts.cache_dir() / name).stat().st_mtime_ns == made


def test_prime_where_nothing_can_be_written_leaves_the_servers_to_scan(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))  # no folder can be made below a file
    assert not fonts.prime(bubblewrap.environment())
    assert fonts.font_lists() == {}
    assert not any(name.startswith(f"{fonts.RUNTIME_FOLDER}/") for name in bubblewrap.runtime_files())


def test_the_runtime_folder_carries_the_list(cache: Path) -> None:
    fonts.prime(bubblewrap.environment())
    carried = {name: data for name, data in bubblewrap.runtime_files().items()
               if name.startswith(f"{fonts.RUNTIME_FOLDER}/")}
    assert carried == {f"{fonts.RUNTIME_FOLDER}/{name}": data for name, data in fonts.font_lists().items()} != {}


def _plant_sentinel() -> None:
    """Add a font to the made list that no scan would find: a worker that knows it read the list."""
    fonts.prime(bubblewrap.environment())
    [path] = fonts.cache_dir().glob("fontlist-*.json")
    made = json.loads(path.read_text())
    made["ttflist"].append({**made["ttflist"][0], "name": SENTINEL})
    path.write_text(json.dumps(made))


@pytest.mark.parametrize("insecure", [True, pytest.param(False, marks=pytest.mark.skipif(
    check_available() is not None, reason=f"needs bubblewrap: {check_available()}"))])
def test_a_server_imports_matplotlib_from_the_carried_list(cache: Path, insecure: bool) -> None:
    _plant_sentinel()
    with WorkerFactory(insecure=insecure, preload=()) as factory, factory.session() as session:
        run = session.run_cell(KNOWS_SENTINEL, timeout=60)
    assert (run.ok, run.output) == (True, "True\n"), run.error


def test_without_a_list_a_server_scans_the_fonts_as_before(cache: Path) -> None:
    with WorkerFactory(insecure=True, preload=()) as factory, factory.session() as session:
        run = session.run_cell(KNOWS_SENTINEL + "\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\n"
                               "plt.gcf().canvas.draw()", timeout=60)
    assert (run.ok, run.output) == (True, "False\n"), run.error
