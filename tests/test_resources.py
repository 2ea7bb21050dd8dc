"""station.resources: resources/ in the bundle, the source tree and a regular pip install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from station import resources
from station.resources import resources_dir

ROOT = Path(__file__).resolve().parents[1]


def test_source_tree() -> None:
    assert resources_dir() == ROOT / "resources"
    assert (resources_dir() / "openapi.yaml").is_file()


def test_bundle_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources").mkdir()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"


def test_nowhere_names_every_place(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(resources, "candidates", lambda: [tmp_path / "a", tmp_path / "b"])
    with pytest.raises(FileNotFoundError, match=r"looked in: .*a, .*b"):
        resources_dir()


@pytest.mark.slow
def test_non_editable_install_ships_resources(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    for argv in (["--help"], ["sim", "--help"]):
        subprocess.run([str(venv / "bin" / "station"), *argv], check=True, capture_output=True)
    check = (
        "from station.resources import resources_dir; from station.demo.media import face_stills; "
        "r = resources_dir(); assert (r / 'openapi.yaml').is_file(), r; face_stills(); print(r)"
    )
    done = subprocess.run(
        [str(python), "-c", check], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == str(venv / "share" / "station" / "resources")
