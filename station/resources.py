"""Where ``resources/`` is (openapi.yaml, the sample catalog, demo stills, translations, fonts).

Three layouts, looked up in this order:

- the PyInstaller bundle: ``sys._MEIPASS/resources`` (installer/station.spec lists it);
- the source tree (a checkout, or ``pip install -e``): ``resources/`` beside ``station/``;
- a regular ``pip install``: the wheel's data files in ``<prefix>/share/station/resources``
  (pyproject.toml ``[tool.setuptools.data-files]``), for a venv/system or a ``--user`` install.
"""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

INSTALLED = Path("share") / "station" / "resources"


def candidates() -> list[Path]:
    """Every place ``resources/`` may be, most specific first."""
    found: list[Path] = []
    bundled = getattr(sys, "_MEIPASS", None)
    if bundled:
        found.append(Path(bundled) / "resources")
    found.append(Path(__file__).resolve().parents[1] / "resources")
    prefixes = [sys.prefix, sysconfig.get_path("data")]
    if sysconfig.get_preferred_scheme("user") in sysconfig.get_scheme_names():
        prefixes.append(sysconfig.get_path("data", sysconfig.get_preferred_scheme("user")))
    for prefix in dict.fromkeys(prefixes):
        found.append(Path(prefix) / INSTALLED)
    return found


def resources_dir() -> Path:
    """The first of :func:`candidates` that exists; raises FileNotFoundError naming them all."""
    places = candidates()
    for place in places:
        if place.is_dir():
            return place
    raise FileNotFoundError(
        "station resources/ not found; looked in: " + ", ".join(str(p) for p in places)
    )
